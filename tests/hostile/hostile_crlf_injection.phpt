--TEST--
CR/LF injection through to and subject: the delivered header block has no injected field, rcpts counts what the MTA reads, the bytes are PHP's own
--EXTENSIONS--
imap
mbstring
sockets
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$cases = [
	'mail, to' => 'var_dump(mail("a@example.com\r\nBcc: e1@example.com, e2@example.com", "s", "m"));',
	'mail, to, bare LF' => 'var_dump(mail("a@example.com\nBcc: e1@example.com", "s", "m"));',
	'mail, to, fold' => 'var_dump(mail("a@example.com,\r\n Bcc: e1@example.com", "s", "m"));',
	'mail, subject' => 'var_dump(mail("a@example.com", "s\r\nBcc: e1@example.com, e2@example.com", "m"));',
	'mail, subject, fold' => 'var_dump(mail("a@example.com", "s\r\n Bcc: e1@example.com", "m"));',
	'mail, subject, stamp' => 'var_dump(mail("a@example.com", "s\r\nX-PHP-Originating-Script: 0:fake.php", "m"));',
	'mb_send_mail, to and subject' => 'var_dump(mb_send_mail("a@example.com\r\nBcc: e1@example.com", "s\r\nBcc: e2@example.com", "m"));',
	/* PHP writes these unfiltered: the injected field is real, so it counts */
	'error_log, destination' => 'var_dump(error_log("m", 1, "a@example.com\r\nBcc: e1@example.com, e2@example.com"));',
	'imap_mail, subject' => 'var_dump(imap_mail("a@example.com", "s\r\nBcc: e1@example.com, e2@example.com", "m"));',
];
foreach ($cases as $what => $code) {
	echo "== $what\n";
	[$a, $b] = mg_compare($code, ['unstamp' => true]);
	echo trim($a['out']), "\n";
	foreach ($b['mails'] as $eml) {
		$head = mg_mail_head($eml);
		echo 'Bcc fields: ', preg_match_all('/^Bcc:/mi', $head), ', stamps: ', preg_match_all('/^X-PHP-Originating-Script:/mi', $head), "\n";
	}
	foreach ($b['log'] as $l) {
		echo "rcpts={$l['fields']['rcpts']} bcc=<{$l['fields']['bcc']}>\n";
	}
}
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
== mail, to
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
Bcc fields: 0, stamps: 1
rcpts=3 bcc=<>
== mail, to, bare LF
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
Bcc fields: 0, stamps: 1
rcpts=2 bcc=<>
== mail, to, fold
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
Bcc fields: 0, stamps: 1
rcpts=2 bcc=<>
== mail, subject
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
Bcc fields: 0, stamps: 1
rcpts=1 bcc=<>
== mail, subject, fold
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
Bcc fields: 0, stamps: 1
rcpts=1 bcc=<>
== mail, subject, stamp
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
Bcc fields: 0, stamps: 1
rcpts=1 bcc=<>
== mb_send_mail, to and subject
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
Bcc fields: 0, stamps: 1
rcpts=2 bcc=<>
== error_log, destination
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
Bcc fields: 1, stamps: 1
rcpts=3 bcc=<e1@example.com, e2@example.com>
== imap_mail, subject
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
Bcc fields: 1, stamps: 1
rcpts=3 bcc=<e1@example.com, e2@example.com>
