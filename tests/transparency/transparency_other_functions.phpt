--TEST--
mailguard.header=0: mb_send_mail(), error_log() type 1 and imap_mail() hand PHP's own bytes to the MTA
--EXTENSIONS--
imap
mbstring
sockets
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_compare_cases([
	'mb_send_mail, UTF-8 subject, array headers' => 'mb_language("uni"); var_dump(mb_send_mail("a@example.com", "Grüße aus Köln", "Körper", ["From" => "f@example.com", "Cc" => "c@example.com"]));',
	'mb_send_mail, trailing CRLF' => 'var_dump(mb_send_mail("a@example.com", "s", "m", "From: f@example.com\r\n"));',
	'mb_send_mail, leading space' => 'var_dump(mb_send_mail("a@example.com", "s", "m", " From: f@example.com"));',
	'mb_send_mail, forged stamp' => 'var_dump(mb_send_mail("a@example.com", "s", "m", "X-PHP-Originating-Script: 0:innocent.php"));',
	'error_log type 1 with headers' => 'var_dump(error_log("m\nline 2", 1, "a@example.com, b@example.com", "From: f@example.com\r\nCc: c@example.com"));',
	'error_log type 1, null destination' => 'var_dump(error_log("m", 1));',
	'imap_mail, all arguments' => 'var_dump(imap_mail("a@example.com", "s", "m", "From: f@example.com", "c@example.com", "b@example.com", "r@example.com"));',
	'imap_mail, leading space headers' => 'var_dump(imap_mail("a@example.com", "s", "m", " X: 1"));',
	'imap_mail, forged stamp' => 'var_dump(imap_mail("a@example.com", "s", "m", "X-PHP-Originating-Script: 0:innocent.php"));',
], ['mg_ini' => ['mailguard.header' => 0]]);
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECTF--
== mb_send_mail, UTF-8 subject, array headers
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== mb_send_mail, trailing CRLF
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== mb_send_mail, leading space
same: output, exit status, 0 mail(s), 0 file(s)
Warning: mb_send_mail(): Multiple or malformed newlines found in additional_header in %s/mg-transparency_other_functions.snippet.php on line 1
bool(false)
mailguard log lines: 1
== mb_send_mail, forged stamp
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== error_log type 1 with headers
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== error_log type 1, null destination
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== imap_mail, all arguments
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== imap_mail, leading space headers
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== imap_mail, forged stamp
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1