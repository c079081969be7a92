--TEST--
the stamp's name inside a value, a subject or a continuation line is not a forged stamp: sent with mailguard's one stamp
--EXTENSIONS--
sockets
--INI--
mail.add_x_header=0
mailguard.syslog_socket={TMP}/mg-stamp_forged_lookalikes_sent.sock
sendmail_path="/bin/sh {TMP}/mg-stamp_forged_lookalikes_sent.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

$cases = [
	'in a value' => ['s', "X-Note: X-PHP-Originating-Script: 0:innocent.php"],
	'in the subject' => ['X-PHP-Originating-Script: 0:innocent.php', ''],
	'in a continuation line' => ['s', "X-A: 1\r\n X-PHP-Originating-Script: 0:innocent.php"],
	'as a prefix of another name' => ['s', "X-PHP-Originating-Script-Note: 0:innocent.php"],
	'in an array value' => ['s', ['X-Note' => 'X-PHP-Originating-Script: 0:innocent.php']],
];
foreach ($cases as $what => [$subject, $headers]) {
	$r = mail('a@example.com', $subject, 'm', $headers);
	$mails = mg_mails();
	mg_mails_clear();
	$lines = mg_log_read($log);
	echo "$what: ", var_export($r, true), ', ', count($mails), ' mail, stamp ',
		$mails && mg_mail_header_values($mails[0], 'X-PHP-Originating-Script') === [mg_expected_stamp()] ? 'ok' : 'WRONG',
		', verdict=', $lines[0]['fields']['verdict'] ?? '-', "\n";
}
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
in a value: true, 1 mail, stamp ok, verdict=accept
in the subject: true, 1 mail, stamp ok, verdict=accept
in a continuation line: true, 1 mail, stamp ok, verdict=accept
as a prefix of another name: true, 1 mail, stamp ok, verdict=accept
in an array value: true, 1 mail, stamp ok, verdict=accept
