--TEST--
forging the stamp every way: refused, or delivered with exactly mailguard's one stamp line, never a second one
--EXTENSIONS--
imap
mbstring
sockets
--INI--
mail.add_x_header=0
mailguard.syslog_socket={TMP}/mg-hostile_forged_stamp_variants.sock
sendmail_path="/bin/sh {TMP}/mg-hostile_forged_stamp_variants.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

$fake = 'X-PHP-Originating-Script: 0:innocent.php';
$cases = [
	'space before the colon' => fn() => mail('a@example.com', 's', 'm', "X-PHP-Originating-Script : 0:innocent.php"),
	'tab before the colon' => fn() => mail('a@example.com', 's', 'm', "X-PHP-Originating-Script\t: 0:innocent.php"),
	'after a folded header' => fn() => mail('a@example.com', 's', 'm', "X-A: 1\r\n 2\r\n$fake"),
	'bare LF after CRLF lines' => fn() => mail('a@example.com', 's', 'm', "X-A: 1\r\nX-B: 2\n$fake"),
	'lone CR before it' => fn() => mail('a@example.com', 's', 'm', "X-A: 1\r$fake"),
	'to-argument injection' => fn() => mail("a@example.com\r\n$fake", 's', 'm'),
	'subject injection' => fn() => mail('a@example.com', "s\r\n$fake", 'm'),
	'error_log destination injection' => fn() => error_log('m', 1, "a@example.com\r\n$fake"),
	'error_log headers' => fn() => error_log('m', 1, 'a@example.com', "x-php-originating-script:0:innocent.php"),
	'mb_send_mail folded' => fn() => mb_send_mail('a@example.com', 's', 'm', "X-PHP-Originating-Script:\r\n\t0:innocent.php"),
	'imap_mail subject injection' => fn() => imap_mail('a@example.com', "s\r\n$fake", 'm'),
	'imap_mail to injection' => fn() => imap_mail("a@example.com\n$fake", 's', 'm'),
	'imap_mail cc injection' => fn() => imap_mail('a@example.com', 's', 'm', null, "c@example.com\n$fake"),
	'imap_mail bcc injection' => fn() => imap_mail('a@example.com', 's', 'm', null, null, "b@example.com\n$fake"),
	'imap_mail return path injection' => fn() => imap_mail('a@example.com', 's', 'm', null, null, null, "r@example.com\n$fake"),
];
foreach ($cases as $what => $call) {
	$r = @$call();
	$mails = mg_mails();
	mg_mails_clear();
	$lines = mg_log_read($log);
	$v = $lines[0]['fields']['verdict'] ?? '-';
	if ($r === false && !$mails) {
		echo "$what: refused ($v)\n";
	} elseif ($r === true && count($mails) === 1) {
		$stamps = mg_mail_header_values($mails[0], 'X-PHP-Originating-Script');
		/* the stamp's whole value, continuation lines included */
		preg_match('/^X-PHP-Originating-Script:[ \t]*((?:[^\r\n]*)(?:\r?\n[ \t][^\r\n]*)*)/mi', mg_mail_head($mails[0]), $m);
		echo "$what: delivered, ", $stamps === [mg_expected_stamp()] && $m[1] === mg_expected_stamp() ? "only mailguard's stamp" : 'FORGED: ' . json_encode($m[0]), " ($v)\n";
	} else {
		echo "$what: UNCLEAR: returned ", var_export($r, true), ', ', count($mails), " mails ($v)\n";
	}
}
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
space before the colon: refused (refuse)
tab before the colon: refused (refuse)
after a folded header: refused (refuse)
bare LF after CRLF lines: refused (refuse)
lone CR before it: delivered, only mailguard's stamp (accept)
to-argument injection: delivered, only mailguard's stamp (accept)
subject injection: delivered, only mailguard's stamp (accept)
error_log destination injection: refused (refuse)
error_log headers: refused (refuse)
mb_send_mail folded: refused (refuse)
imap_mail subject injection: refused (refuse)
imap_mail to injection: refused (refuse)
imap_mail cc injection: refused (refuse)
imap_mail bcc injection: refused (refuse)
imap_mail return path injection: refused (refuse)
