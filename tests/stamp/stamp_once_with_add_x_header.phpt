--TEST--
one X-PHP-Originating-Script "<owner uid of the entry script>:<basename>" with mail.add_x_header=1
--EXTENSIONS--
mbstring
sockets
--INI--
mail.add_x_header=1
mailguard.syslog_socket={TMP}/mg-stamp_once_with_add_x_header.sock
sendmail_path="/bin/sh {TMP}/mg-stamp_once_with_add_x_header.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

var_dump(ini_get('mail.add_x_header'));
$calls = [
	'mail' => fn() => mail('a@example.com', 's', 'm', 'From: f@example.com'),
	'mail, array headers' => fn() => mail('a@example.com', 's', 'm', ['From' => 'f@example.com']),
	'mail, no headers' => fn() => mail('a@example.com', 's', 'm'),
	'error_log' => fn() => error_log('m', 1, 'a@example.com', 'From: f@example.com'),
	'mb_send_mail' => fn() => mb_send_mail('a@example.com', 's', 'm', 'From: f@example.com'),
];
foreach ($calls as $what => $call) {
	$r = $call();
	$mails = mg_mails();
	mg_mails_clear();
	mg_log_read($log);
	echo "$what: ", var_export($r, true), ' ', count($mails), " mail, stamps: ", json_encode($st = mg_mail_header_values($mails[0], 'X-PHP-Originating-Script')), $st === [mg_expected_stamp()] ? ' ok' : ' WRONG', "\n";
}
echo "expected: ", mg_expected_stamp(), "\n";
var_dump(mg_expected_stamp() === fileowner(__FILE__) . ':' . basename(__FILE__));
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECTF--
string(1) "1"
mail: true 1 mail, stamps: ["%d:stamp_once_with_add_x_header.php"] ok
mail, array headers: true 1 mail, stamps: ["%d:stamp_once_with_add_x_header.php"] ok
mail, no headers: true 1 mail, stamps: ["%d:stamp_once_with_add_x_header.php"] ok
error_log: true 1 mail, stamps: ["%d:stamp_once_with_add_x_header.php"] ok
mb_send_mail: true 1 mail, stamps: ["%d:stamp_once_with_add_x_header.php"] ok
expected: %d:stamp_once_with_add_x_header.php
bool(true)
