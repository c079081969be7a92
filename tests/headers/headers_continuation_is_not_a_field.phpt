--TEST--
a Bcc: hidden in a continuation line belongs to the previous field: not counted, not logged as bcc
--EXTENSIONS--
sockets
--INI--
mailguard.syslog_socket={TMP}/mg-headers_continuation_is_not_a_field.sock
sendmail_path="/bin/sh {TMP}/mg-headers_continuation_is_not_a_field.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

$cases = [
	'after X-A, CRLF + space' => "X-A: 1\r\n Bcc: evil1@example.com, evil2@example.com",
	'after X-A, LF + tab' => "X-A: 1\n\tBcc: evil1@example.com",
	'after Subject' => "Subject: hello\r\n Bcc: evil@example.com",
	'after Cc (part of the Cc list)' => "Cc: c@example.com\r\n , d@example.com",
];
foreach ($cases as $what => $h) {
	echo "$what: ", mg_logged($log, fn() => mail('a@example.com', 's', 'm', $h), ['rcpts', 'cc', 'bcc']), "\n";
}
/* what the MTA gets: one field per continuation, nothing starting with "Bcc:" */
mail('a@example.com', 's', 'm', "X-A: 1\r\n Bcc: evil@example.com");
mg_log_read($log);
var_dump(preg_match('/^Bcc:/mi', mg_mail_head(mg_mails()[0])));
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
after X-A, CRLF + space: rcpts=<1> cc=<> bcc=<>
after X-A, LF + tab: rcpts=<1> cc=<> bcc=<>
after Subject: rcpts=<1> cc=<> bcc=<>
after Cc (part of the Cc list): rcpts=<3> cc=<c@example.com , d@example.com> bcc=<>
int(0)
