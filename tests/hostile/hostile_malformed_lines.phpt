--TEST--
a line that is neither a field nor a continuation (an empty line, text without a colon, 8-bit bytes in a name), from any argument written into the header block, is refused as malformed-headers and logged; the original is not called
--EXTENSIONS--
imap
mbstring
sockets
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$cases = [
	'error_log destination, empty line' => 'error_log("m", 1, "a@example.com\n\nX-Body: x")',
	'error_log destination, CRLF CRLF' => 'error_log("m", 1, "a@example.com\r\n\r\nX-Body: x")',
	'error_log destination, not a field' => 'error_log("m", 1, "a@example.com\nnot a header line")',
	'error_log headers, not a field' => 'error_log("m", 1, "a@example.com", "From: f@example.com\nnot a header line")',
	'imap_mail to, empty line' => 'imap_mail("a@example.com\n\nX-Body: x", "s", "m")',
	'imap_mail subject, not a field' => 'imap_mail("a@example.com", "s\nnot a header line", "m")',
	'imap_mail cc, empty line' => 'imap_mail("a@example.com", "s", "m", null, "c@example.com\n\nX: y")',
	'imap_mail bcc, not a field' => 'imap_mail("a@example.com", "s", "m", null, null, "b@example.com\nno colon")',
	'imap_mail return_path, empty line' => 'imap_mail("a@example.com", "s", "m", null, null, null, "r@example.com\n\nX: y")',
	'imap_mail headers, empty line inside' => 'imap_mail("a@example.com", "s", "m", "From: f@example.com\n\nX: y")',
	'mail headers, not a field' => 'mail("a@example.com", "s", "m", "From: f@example.com\r\nnot a header line")',
	'mail headers, 8-bit name' => 'mail("a@example.com", "s", "m", "From: f@example.com\r\nX-\xff\xfe: v")',
	'mb_send_mail headers, not a field' => 'mb_send_mail("a@example.com", "s", "m", "From: f@example.com\r\nnot a header line")',
];
foreach ($cases as $what => $call) {
	$r = mg_run("var_dump($call);", ['exts' => ['sockets', 'imap', 'mbstring']]);
	$f = $r['log'][0]['fields'] ?? [];
	printf("%s: %s; %d mail(s); log: %s %s\n", $what, trim(preg_replace('/\s+in \S+ on line \d+/', '', str_replace("\n", ' ', trim($r['out'])))),
		count($r['mails']), $f['verdict'] ?? '-', $f['reason'] ?? '-');
}
// The same block with a fold (a continuation) is fine.
$r = mg_run('var_dump(error_log("m", 1, "a@example.com,\n b@example.com"));', ['exts' => ['sockets']]);
printf("a fold: %s; %d mail(s); log: %s rcpts=%s\n", trim($r['out']), count($r['mails']), $r['log'][0]['fields']['verdict'] ?? '-', $r['log'][0]['fields']['rcpts'] ?? '-');
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
error_log destination, empty line: Warning: error_log(): mailguard: mail refused: malformed additional headers bool(false); 0 mail(s); log: refuse malformed-headers
error_log destination, CRLF CRLF: Warning: error_log(): mailguard: mail refused: malformed additional headers bool(false); 0 mail(s); log: refuse malformed-headers
error_log destination, not a field: Warning: error_log(): mailguard: mail refused: malformed additional headers bool(false); 0 mail(s); log: refuse malformed-headers
error_log headers, not a field: Warning: error_log(): mailguard: mail refused: malformed additional headers bool(false); 0 mail(s); log: refuse malformed-headers
imap_mail to, empty line: Warning: imap_mail(): mailguard: mail refused: malformed additional headers bool(false); 0 mail(s); log: refuse malformed-headers
imap_mail subject, not a field: Warning: imap_mail(): mailguard: mail refused: malformed additional headers bool(false); 0 mail(s); log: refuse malformed-headers
imap_mail cc, empty line: Warning: imap_mail(): mailguard: mail refused: malformed additional headers bool(false); 0 mail(s); log: refuse malformed-headers
imap_mail bcc, not a field: Warning: imap_mail(): mailguard: mail refused: malformed additional headers bool(false); 0 mail(s); log: refuse malformed-headers
imap_mail return_path, empty line: Warning: imap_mail(): mailguard: mail refused: malformed additional headers bool(false); 0 mail(s); log: refuse malformed-headers
imap_mail headers, empty line inside: Warning: imap_mail(): mailguard: mail refused: malformed additional headers bool(false); 0 mail(s); log: refuse malformed-headers
mail headers, not a field: Warning: mail(): mailguard: mail refused: malformed additional headers bool(false); 0 mail(s); log: refuse malformed-headers
mail headers, 8-bit name: Warning: mail(): mailguard: mail refused: malformed additional headers bool(false); 0 mail(s); log: refuse malformed-headers
mb_send_mail headers, not a field: Warning: mb_send_mail(): mailguard: mail refused: malformed additional headers bool(false); 0 mail(s); log: refuse malformed-headers
a fold: bool(true); 1 mail(s); log: accept rcpts=2
