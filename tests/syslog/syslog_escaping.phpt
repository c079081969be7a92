--TEST--
hostile values: CR/LF, ESC, quotes, backslash, invalid UTF-8, bidi controls and a forged ' verdict=accept' stay inside their field; valid UTF-8 is kept
--EXTENSIONS--
mbstring
sockets
--INI--
mail.add_x_header=0
mailguard.syslog_socket={TMP}/mg-syslog_escaping.sock
sendmail_path="/bin/sh {TMP}/mg-syslog_escaping.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

function one(Socket $log, string $what, callable $call, string $key, string $expect): void
{
	$call();
	mg_mails_clear();
	$raw = mg_log_raw($log);
	$line = count($raw) === 1 ? mg_log_parse($raw[0]) : null;
	echo "$what: ", count($raw), ' datagram, ',
		strpbrk($raw[0] ?? '', "\r\n\0\x1b") === false ? 'no raw control bytes' : 'RAW CONTROL BYTES', ', ',
		($line['fields'][$key] ?? null) === $expect ? "$key intact" : "$key WRONG: " . addcslashes($line['fields'][$key] ?? '(none)', "\0..\37\177..\377"), ', ',
		($line['fields']['verdict'] ?? '') === 'accept' && count($line['fields']) === 19 ? '19 fields' : 'FIELDS WRONG', "\n";
}

$forge = 'x verdict=refuse fn=other" rcpts=0 account=root';
one($log, 'forged pairs in subject', fn() => mail('a@example.com', $forge, 'm'), 'subject', $forge);
one($log, 'forged pairs in From', fn() => mail('a@example.com', 's', 'm', "From: $forge"), 'from', $forge);
one($log, 'quotes and backslashes', fn() => mail('a@example.com', 's', 'm', 'From: "a\\"b" \\\\ <f@example.com>'), 'from', '"a\\"b" \\\\ <f@example.com>');
one($log, 'ESC in From', fn() => mail('a@example.com', 's', 'm', "From: \x1b[31mred <f@example.com>"), 'from', "\x1b[31mred <f@example.com>");
one($log, 'CRLF in subject (core makes it a space)', fn() => mail('a@example.com', "a\r\nverdict=accept", 'm'), 'subject', 'a  verdict=accept');
one($log, 'invalid UTF-8', fn() => mail('a@example.com', "bad \xff\xfe \xc3( end", 'm'), 'subject', "bad \xff\xfe \xc3( end");
one($log, 'valid UTF-8', fn() => mail('a@example.com', 'Grüße 日本 🎉', 'm'), 'subject', 'Grüße 日本 🎉');
one($log, 'bidi override', fn() => mail('a@example.com', "a\u{202E}gpj.exe", 'm'), 'subject', "a\u{202E}gpj.exe");
one($log, 'DEL and C1', fn() => mail('a@example.com', 's', 'm', "From: a\x7fb\u{85}c"), 'from', "a\x7fb\u{85}c");

/* the bytes on the wire: UTF-8 kept raw, everything else escaped */
mail('a@example.com', "Grüße \xff \"q\" \\ \u{202E}", 'm');
$raw = mg_log_raw($log)[0];
preg_match('/ subject=(.*)$/', $raw, $m);
echo $m[1], "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
forged pairs in subject: 1 datagram, no raw control bytes, subject intact, 19 fields
forged pairs in From: 1 datagram, no raw control bytes, from intact, 19 fields
quotes and backslashes: 1 datagram, no raw control bytes, from intact, 19 fields
ESC in From: 1 datagram, no raw control bytes, from intact, 19 fields
CRLF in subject (core makes it a space): 1 datagram, no raw control bytes, subject intact, 19 fields
invalid UTF-8: 1 datagram, no raw control bytes, subject intact, 19 fields
valid UTF-8: 1 datagram, no raw control bytes, subject intact, 19 fields
bidi override: 1 datagram, no raw control bytes, subject intact, 19 fields
DEL and C1: 1 datagram, no raw control bytes, from intact, 19 fields
"Grüße \xff \"q\" \\ \xe2\x80\xae"
