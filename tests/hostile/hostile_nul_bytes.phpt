--TEST--
NUL bytes in every argument of every hooked function: PHP's own ValueError (or PHP's own truncation), nothing else
--EXTENSIONS--
imap
mbstring
sockets
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$calls = [
	'mail' => ['"a@example.com"', '"s"', '"m"', '"X-A: 1"', '"-fa@example.com"'],
	'mb_send_mail' => ['"a@example.com"', '"s"', '"m"', '"X-A: 1"', '"-fa@example.com"'],
	'imap_mail' => ['"a@example.com"', '"s"', '"m"', '"X-A: 1"', '"c@example.com"', '"b@example.com"', '"r@example.com"'],
	'error_log' => ['"m"', '1', '"a@example.com"', '"X-A: 1"'],
];
$cases = [];
foreach ($calls as $fn => $args) {
	foreach ($args as $i => $a) {
		if ($a === '1') {
			continue;
		}
		$with = $args;
		$with[$i] = substr($a, 0, -1) . '\0x"';
		$cases["$fn, argument " . ($i + 1)] = 'try { var_dump(' . $fn . '(' . implode(', ', $with) . ')); } catch (Throwable $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }';
	}
}
$cases['error_log, NUL in headers hides a Bcc'] = 'var_dump(error_log("m", 1, "a@example.com", "X-A: 1\0\r\nBcc: hidden@example.com"));';
$cases['mail, NUL in array header value'] = 'try { mail("a@example.com", "s", "m", ["X-A" => "1\0"]); } catch (Throwable $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }';
$cases['mail, NUL in array header name'] = 'try { mail("a@example.com", "s", "m", ["X-A\0B" => "1"]); } catch (Throwable $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }';
mg_compare_cases($cases, ['unstamp' => true, 'log_count' => false]);

/* the NUL-truncated error_log headers: what the MTA got is what was counted */
$r = mg_run('error_log("m", 1, "a@example.com", "X-A: 1\0\r\nBcc: hidden@example.com");');
var_dump(str_contains($r['mails'][0], 'hidden'), $r['log'][0]['fields']['rcpts'], $r['log'][0]['fields']['bcc']);
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
== mail, argument 1
same: output, exit status, 0 mail(s), 0 file(s)
ValueError: mail(): Argument #1 ($to) must not contain any null bytes
== mail, argument 2
same: output, exit status, 0 mail(s), 0 file(s)
ValueError: mail(): Argument #2 ($subject) must not contain any null bytes
== mail, argument 3
same: output, exit status, 0 mail(s), 0 file(s)
ValueError: mail(): Argument #3 ($message) must not contain any null bytes
== mail, argument 4
same: output, exit status, 0 mail(s), 0 file(s)
ValueError: mail(): Argument #4 ($additional_headers) must not contain any null bytes
== mail, argument 5
same: output, exit status, 0 mail(s), 0 file(s)
ValueError: mail(): Argument #5 ($additional_params) must not contain any null bytes
== mb_send_mail, argument 1
same: output, exit status, 0 mail(s), 0 file(s)
ValueError: mb_send_mail(): Argument #1 ($to) must not contain any null bytes
== mb_send_mail, argument 2
same: output, exit status, 0 mail(s), 0 file(s)
ValueError: mb_send_mail(): Argument #2 ($subject) must not contain any null bytes
== mb_send_mail, argument 3
same: output, exit status, 0 mail(s), 0 file(s)
ValueError: mb_send_mail(): Argument #3 ($message) must not contain any null bytes
== mb_send_mail, argument 4
same: output, exit status, 0 mail(s), 0 file(s)
ValueError: mb_send_mail(): Argument #4 ($additional_headers) must not contain any null bytes
== mb_send_mail, argument 5
same: output, exit status, 0 mail(s), 0 file(s)
ValueError: mb_send_mail(): Argument #5 ($additional_params) must not contain any null bytes
== imap_mail, argument 1
same: output, exit status, 0 mail(s), 0 file(s)
ValueError: imap_mail(): Argument #1 ($to) must not contain any null bytes
== imap_mail, argument 2
same: output, exit status, 0 mail(s), 0 file(s)
ValueError: imap_mail(): Argument #2 ($subject) must not contain any null bytes
== imap_mail, argument 3
same: output, exit status, 0 mail(s), 0 file(s)
ValueError: imap_mail(): Argument #3 ($message) must not contain any null bytes
== imap_mail, argument 4
same: output, exit status, 0 mail(s), 0 file(s)
ValueError: imap_mail(): Argument #4 ($additional_headers) must not contain any null bytes
== imap_mail, argument 5
same: output, exit status, 0 mail(s), 0 file(s)
ValueError: imap_mail(): Argument #5 ($cc) must not contain any null bytes
== imap_mail, argument 6
same: output, exit status, 0 mail(s), 0 file(s)
ValueError: imap_mail(): Argument #6 ($bcc) must not contain any null bytes
== imap_mail, argument 7
same: output, exit status, 0 mail(s), 0 file(s)
ValueError: imap_mail(): Argument #7 ($return_path) must not contain any null bytes
== error_log, argument 1
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
== error_log, argument 3
same: output, exit status, 0 mail(s), 0 file(s)
ValueError: error_log(): Argument #3 ($destination) must not contain any null bytes
== error_log, argument 4
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
== error_log, NUL in headers hides a Bcc
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
== mail, NUL in array header value
same: output, exit status, 0 mail(s), 0 file(s)
ValueError: Header "X-A" contains NULL character that is not allowed in the header
== mail, NUL in array header name
same: output, exit status, 0 mail(s), 0 file(s)
ValueError: Header name "X-A" contains invalid characters
bool(false)
string(1) "1"
string(0) ""