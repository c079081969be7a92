--TEST--
mailguard.header=0: for a matrix of mail() calls the MTA gets PHP's own bytes and argv, the script PHP's own results and warnings
--EXTENSIONS--
sockets
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$calls = [
	'no headers' => ['"a@example.com"', '"s"', '"m"'],
	'empty string headers' => ['"a@example.com"', '"s"', '"m"', '""'],
	'empty array headers' => ['"a@example.com"', '"s"', '"m"', '[]'],
	'string headers, CRLF' => ['"a@example.com"', '"s"', '"m"', '"From: f@example.com\r\nCc: c@example.com"'],
	'string headers, LF' => ['"a@example.com"', '"s"', '"m"', '"From: f@example.com\nBcc: b@example.com"'],
	'trailing whitespace in headers' => ['"a@example.com"', '"s"', '"m"', '"From: f@example.com\r\n \t\r\n"'],
	'array headers' => ['"a@example.com"', '"s"', '"m"', '["From" => "f@example.com", "X-List" => ["1", "2"], "Reply-To" => "r@example.com"]'],
	'array header folded value' => ['"a@example.com"', '"s"', '"m"', '["X-Long" => "a\r\n b"]'],
	'to with trailing spaces' => ['"a@example.com   \t "', '"s"', '"m"'],
	'to with control chars' => ['"a@exa\x01mple.com\x7f, b@example.com\r\nBcc: x@example.com"', '"s"', '"m"'],
	'subject folded' => ['"a@example.com"', '"line one\r\n line two\r\n\tline three"', '"m"'],
	'subject with control chars' => ['"a@example.com"', '"a\x00"[0] . "b\x02c\r\nd"', '"m"'],
	'subject trailing CRLF' => ['"a@example.com"', '"s\r\n"', '"m"'],
	'empty to and subject' => ['""', '""', '""'],
	'message with dot lines and CR' => ['"a@example.com"', '"s"', '"line\r\n.\r\nend\rx"'],
	'additional params' => ['"a@example.com"', '"s"', '"m"', '""', '"-oi -fbounce@example.com"'],
	'additional params needing escapes' => ['"a@example.com"', '"s"', '"m"', '""', '"-f\'a b\'@example.com; touch x"'],
	'leading space headers' => ['"a@example.com"', '"s"', '"m"', '" From: f@example.com"'],
	'empty line in headers' => ['"a@example.com"', '"s"', '"m"', '"From: f@example.com\r\n\r\nX-A: 1"'],
	'forged stamp header' => ['"a@example.com"', '"s"', '"m"', '"X-PHP-Originating-Script: 0:innocent.php"'],
];
$cases = [];
foreach ($calls as $what => $args) {
	$cases[$what] = 'var_dump(mail(' . implode(', ', $args) . '));';
}
$cases['three mails in one process'] = 'var_dump(mail("a@example.com", "1", "m"), mail("b@example.com", "2", "m", "X-A: 1"), mail("c@example.com", "3", "m", ["X-B" => "2"]));';
mg_compare_cases($cases, ['mg_ini' => ['mailguard.header' => 0, 'mailguard.additional_params' => 'any']]);
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECTF--
== no headers
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== empty string headers
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== empty array headers
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== string headers, CRLF
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== string headers, LF
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== trailing whitespace in headers
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== array headers
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== array header folded value
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== to with trailing spaces
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== to with control chars
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== subject folded
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== subject with control chars
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== subject trailing CRLF
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== empty to and subject
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== message with dot lines and CR
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== additional params
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== additional params needing escapes
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== leading space headers
same: output, exit status, 0 mail(s), 0 file(s)
Warning: mail(): Multiple or malformed newlines found in additional_header in %s/mg-transparency_headers_matrix.snippet.php on line 1
bool(false)
mailguard log lines: 1
== empty line in headers
same: output, exit status, 0 mail(s), 0 file(s)
Warning: mail(): Multiple or malformed newlines found in additional_header in %s/mg-transparency_headers_matrix.snippet.php on line 1
bool(false)
mailguard log lines: 1
== forged stamp header
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== three mails in one process
same: output, exit status, 3 mail(s), 0 file(s)
bool(true)
bool(true)
bool(true)
mailguard log lines: 3