--TEST--
mb_send_mail() with additional headers that end in a line break (or other whitespace) is sent as PHP sends it
--EXTENSIONS--
mbstring
sockets
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
/* mbstring trims and rewrites the headers before core's check, so PHP
 * accepts a trailing line break here; mailguard must not refuse it. */
mg_compare_cases([
	'CRLF at the end' => 'var_dump(mb_send_mail("a@example.com", "s", "m", "From: f@example.com\r\n"));',
	'LF at the end' => 'var_dump(mb_send_mail("a@example.com", "s", "m", "From: f@example.com\nX-A: 1\n"));',
	'space at the end' => 'var_dump(mb_send_mail("a@example.com", "s", "m", "From: f@example.com "));',
], ['unstamp' => true]);
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
== CRLF at the end
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== LF at the end
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== space at the end
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
