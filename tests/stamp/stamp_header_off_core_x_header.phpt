--TEST--
mailguard.header=0 with mail.add_x_header=1: exactly core's own stamp
--EXTENSIONS--
mbstring
sockets
--INI--
mail.add_x_header=1
mailguard.header=0
mailguard.syslog_socket={TMP}/mg-stamp_header_off_core_x_header.sock
sendmail_path="/bin/sh {TMP}/mg-stamp_header_off_core_x_header.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

foreach (['mail', 'error_log', 'mb_send_mail'] as $fn) {
	$r = $fn === 'error_log' ? error_log('m', 1, 'a@example.com') : $fn('a@example.com', 's', 'm');
	$mails = mg_mails();
	mg_mails_clear();
	$line = mg_log_one($log);
	echo "$fn: ", var_export($r, true), ' ', count($mails), ' mail, stamps: ', json_encode(mg_mail_header_values($mails[0], 'X-PHP-Originating-Script')),
		' ', mg_mail_header_values($mails[0], 'X-PHP-Originating-Script') === [mg_expected_stamp()] ? 'ok' : 'WRONG', ' ', $line['fields']['verdict'], "\n";
}
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECTF--
mail: true 1 mail, stamps: ["%d:stamp_header_off_core_x_header.php"] ok accept
error_log: true 1 mail, stamps: ["%d:stamp_header_off_core_x_header.php"] ok accept
mb_send_mail: true 1 mail, stamps: ["%d:stamp_header_off_core_x_header.php"] ok accept
