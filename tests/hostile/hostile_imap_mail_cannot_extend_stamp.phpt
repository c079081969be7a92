--TEST--
imap_mail() headers starting with whitespace must not continue mailguard's stamp line: refused (imap checks nothing itself), and logged as verdict=refuse reason=malformed-headers
--EXTENSIONS--
imap
sockets
--INI--
mail.add_x_header=0
mailguard.syslog_socket={TMP}/mg-hostile_imap_mail_cannot_extend_stamp.sock
sendmail_path="/bin/sh {TMP}/mg-hostile_imap_mail_cannot_extend_stamp.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

$cases = [
	'leading space' => " 1000:victim.php",
	'leading tab, more headers' => "\t(really from 1000:victim.php)\r\nX-A: 1",
	'leading CRLF + space' => "\r\n 1000:victim.php",
];
foreach ($cases as $what => $h) {
	$r = @imap_mail('a@example.com', 's', 'm', $h);
	$mails = mg_mails();
	mg_mails_clear();
	$lines = mg_log_read($log);
	$f = $lines[0]['fields'] ?? [];
	if ($r === false && !$mails) {
		echo "$what: refused, logged: ", $f['verdict'] ?? '-', ' ', $f['reason'] ?? '-', "\n";
		continue;
	}
	/* the stamp's whole value as a mail reader unfolds it */
	preg_match('/^X-PHP-Originating-Script:[ \t]*((?:[^\r\n]*)(?:\r?\n[ \t][^\r\n]*)*)/mi', mg_mail_head($mails[0] ?? ''), $m);
	$value = preg_replace('/\r?\n(?=[ \t])/', '', $m[1] ?? '');
	echo "$what: ", $value === mg_expected_stamp() ? 'stamp intact' : 'STAMP EXTENDED: ' . json_encode($value), "\n";
}
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
leading space: refused, logged: refuse malformed-headers
leading tab, more headers: refused, logged: refuse malformed-headers
leading CRLF + space: refused, logged: refuse malformed-headers
