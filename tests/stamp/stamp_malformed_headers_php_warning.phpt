--TEST--
headers core itself refuses (leading space, empty line, bad first byte) get PHP's own warning and false, nothing is sent
--EXTENSIONS--
sockets
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$cases = [
	'leading space' => ' From: f@example.com',
	'leading tab' => "\tFrom: f@example.com",
	'leading CRLF' => "\r\nFrom: f@example.com",
	'leading colon' => ':From: f@example.com',
	'empty line inside' => "From: f@example.com\r\n\r\nBcc: hidden@example.com",
	'empty LF line inside' => "From: f@example.com\n\nBcc: hidden@example.com",
	'lone CR before LF pair' => "From: f@example.com\r\r\nX-A: 1",
	'DEL first' => "\x7fFrom: f@example.com",
	'high byte first' => "\xffFrom: f@example.com",
];
$snippets = [];
foreach ($cases as $what => $h) {
	$snippets["mail, $what"] = 'var_dump(mail("a@example.com", "s", "m", ' . var_export($h, true) . '));';
}
$snippets['error_log, leading space'] = 'var_dump(error_log("m", 1, "a@example.com", " From: f@example.com"));';
$snippets['error_log, empty line inside'] = 'var_dump(error_log("m", 1, "a@example.com", "From: f@example.com\n\nBcc: hidden@example.com"));';
mg_compare_cases($snippets);
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECTF--
== mail, leading space
same: output, exit status, 0 mail(s), 0 file(s)
Warning: mail(): Multiple or malformed newlines found in additional_header in %s/mg-stamp_malformed_headers_php_warning.snippet.php on line 1
bool(false)
mailguard log lines: 1
== mail, leading tab
same: output, exit status, 0 mail(s), 0 file(s)
Warning: mail(): Multiple or malformed newlines found in additional_header in %s/mg-stamp_malformed_headers_php_warning.snippet.php on line 1
bool(false)
mailguard log lines: 1
== mail, leading CRLF
same: output, exit status, 0 mail(s), 0 file(s)
Warning: mail(): Multiple or malformed newlines found in additional_header in %s/mg-stamp_malformed_headers_php_warning.snippet.php on line 1
bool(false)
mailguard log lines: 1
== mail, leading colon
same: output, exit status, 0 mail(s), 0 file(s)
Warning: mail(): Multiple or malformed newlines found in additional_header in %s/mg-stamp_malformed_headers_php_warning.snippet.php on line 1
bool(false)
mailguard log lines: 1
== mail, empty line inside
same: output, exit status, 0 mail(s), 0 file(s)
Warning: mail(): Multiple or malformed newlines found in additional_header in %s/mg-stamp_malformed_headers_php_warning.snippet.php on line 1
bool(false)
mailguard log lines: 1
== mail, empty LF line inside
same: output, exit status, 0 mail(s), 0 file(s)
Warning: mail(): Multiple or malformed newlines found in additional_header in %s/mg-stamp_malformed_headers_php_warning.snippet.php on line 1
bool(false)
mailguard log lines: 1
== mail, lone CR before LF pair
same: output, exit status, 0 mail(s), 0 file(s)
Warning: mail(): Multiple or malformed newlines found in additional_header in %s/mg-stamp_malformed_headers_php_warning.snippet.php on line 1
bool(false)
mailguard log lines: 1
== mail, DEL first
same: output, exit status, 0 mail(s), 0 file(s)
Warning: mail(): Multiple or malformed newlines found in additional_header in %s/mg-stamp_malformed_headers_php_warning.snippet.php on line 1
bool(false)
mailguard log lines: 1
== mail, high byte first
same: output, exit status, 0 mail(s), 0 file(s)
Warning: mail(): Multiple or malformed newlines found in additional_header in %s/mg-stamp_malformed_headers_php_warning.snippet.php on line 1
bool(false)
mailguard log lines: 1
== error_log, leading space
same: output, exit status, 0 mail(s), 0 file(s)
Warning: error_log(): Multiple or malformed newlines found in additional_header in %s/mg-stamp_malformed_headers_php_warning.snippet.php on line 1
bool(false)
mailguard log lines: 1
== error_log, empty line inside
same: output, exit status, 0 mail(s), 0 file(s)
Warning: error_log(): Multiple or malformed newlines found in additional_header in %s/mg-stamp_malformed_headers_php_warning.snippet.php on line 1
bool(false)
mailguard log lines: 1