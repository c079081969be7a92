--TEST--
when any Resent-To/Cc/Bcc is present only the Resent-* recipients count (as sendmail -t does)
--EXTENSIONS--
sockets
--INI--
mailguard.syslog_socket={TMP}/mg-headers_rcpts_resent.sock
sendmail_path="/bin/sh {TMP}/mg-headers_rcpts_resent.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

$cases = [
	'Resent-To replaces To/Cc/Bcc' => ['a@example.com', "Cc: c1@example.com, c2@example.com\r\nBcc: b@example.com\r\nResent-To: r1@example.com, r2@example.com"],
	'Resent-Bcc alone' => ['a@example.com, b@example.com', "Resent-Bcc: r@example.com"],
	'all three Resent fields' => ['a@example.com', "Resent-To: r1@example.com\r\nResent-Cc: r2@example.com, r3@example.com\r\nresent-bcc: r4@example.com"],
	'Resent-To with an empty group' => ['a@example.com, b@example.com', "Resent-To: undisclosed-recipients:;"],
	'Resent-From only (not a recipient field)' => ['a@example.com', "Resent-From: f@example.com\r\nCc: c@example.com"],
	'array form' => ['a@example.com', ['Cc' => 'c@example.com', 'Resent-To' => 'r1@example.com']],
];
foreach ($cases as $what => [$to, $h]) {
	echo "$what: ", mg_logged($log, fn() => mail($to, 's', 'm', $h), ['rcpts']), "\n";
}
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
Resent-To replaces To/Cc/Bcc: rcpts=<2>
Resent-Bcc alone: rcpts=<1>
all three Resent fields: rcpts=<4>
Resent-To with an empty group: rcpts=<0>
Resent-From only (not a recipient field): rcpts=<2>
array form: rcpts=<1>
