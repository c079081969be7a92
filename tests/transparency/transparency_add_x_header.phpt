--TEST--
mailguard.header=0 with mail.add_x_header=1: core's own stamp, byte for byte, also where core lets a leading space continue it
--EXTENSIONS--
mbstring
sockets
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_compare_cases([
	'mail' => 'var_dump(mail("a@example.com", "s", "m", "From: f@example.com"));',
	'mail, no headers' => 'var_dump(mail("a@example.com", "s", "m"));',
	'mail, leading space' => 'var_dump(mail("a@example.com", "s", "m", " 1000:other.php"));',
	'mail, forged stamp' => 'var_dump(mail("a@example.com", "s", "m", "X-PHP-Originating-Script: 0:innocent.php"));',
	'from an included file' => 'file_put_contents("inc.php", "<?php return mail(\"a@example.com\", \"s\", \"m\");"); var_dump(include "inc.php"); unlink("inc.php");',
	'error_log' => 'var_dump(error_log("m", 1, "a@example.com", "From: f@example.com"));',
	'mb_send_mail' => 'var_dump(mb_send_mail("a@example.com", "Grüße", "m", "From: f@example.com"));',
], ['ini' => ['mail.add_x_header' => 1], 'mg_ini' => ['mailguard.header' => 0]]);
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECTF--
== mail
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== mail, no headers
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== mail, leading space
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== mail, forged stamp
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== from an included file
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== error_log
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== mb_send_mail
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1