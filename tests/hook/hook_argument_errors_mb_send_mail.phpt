--TEST--
mb_send_mail(): argument errors are PHP's own
--EXTENSIONS--
mbstring
sockets
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_compare_cases([
	'too few' => 'mb_send_mail("a@example.com", "s");',
	'array to' => 'mb_send_mail([], "s", "m");',
	'strict_types int subject' => 'declare(strict_types=1); mb_send_mail("a@example.com", 42, "m");',
	'null subject' => 'var_dump(mb_send_mail("a@example.com", null, "m"));',
	'null params (nullable)' => 'var_dump(mb_send_mail("a@example.com", "s", "m", "", null));',
	'NUL in to' => 'mb_send_mail("a@example.com\0", "s", "m");',
	'NUL in subject' => 'mb_send_mail("a@example.com", "s\0", "m");',
	'NUL in message' => 'mb_send_mail("a@example.com", "s", "m\0");',
	'NUL in headers' => 'mb_send_mail("a@example.com", "s", "m", "X-A: \0");',
	'NUL in params' => 'mb_send_mail("a@example.com", "s", "m", "", "-f\0");',
	'"To" array key' => 'mb_send_mail("a@example.com", "s", "m", ["To" => "b@example.com"]);',
	'CRLF in an array value' => 'mb_send_mail("a@example.com", "s", "m", ["X-A" => "1\r\nBcc: evil@example.com"]);',
	'unknown named argument' => 'mb_send_mail(to: "a@example.com", subject: "s", message: "m", bcc: "x");',
], ['unstamp' => true]);
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECTF--
== too few
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught ArgumentCountError: mb_send_mail() expects at least 3 arguments, 2 given in %s/mg-hook_argument_errors_mb_send_mail.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_mb_send_mail.snippet.php(1): mb_send_mail('a@example.com', 's')
#1 {main}
  thrown in %s/mg-hook_argument_errors_mb_send_mail.snippet.php on line 1
mailguard log lines: 0
== array to
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught TypeError: mb_send_mail(): Argument #1 ($to) must be of type string, array given in %s/mg-hook_argument_errors_mb_send_mail.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_mb_send_mail.snippet.php(1): mb_send_mail(Array, 's', 'm')
#1 {main}
  thrown in %s/mg-hook_argument_errors_mb_send_mail.snippet.php on line 1
mailguard log lines: 0
== strict_types int subject
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught TypeError: mb_send_mail(): Argument #2 ($subject) must be of type string, int given in %s/mg-hook_argument_errors_mb_send_mail.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_mb_send_mail.snippet.php(1): mb_send_mail('a@example.com', 42, 'm')
#1 {main}
  thrown in %s/mg-hook_argument_errors_mb_send_mail.snippet.php on line 1
mailguard log lines: 0
== null subject
same: output, exit status, 1 mail(s), 0 file(s)
Deprecated: mb_send_mail(): Passing null to parameter #2 ($subject) of type string is deprecated in %s/mg-hook_argument_errors_mb_send_mail.snippet.php on line 1
bool(true)
mailguard log lines: 1
== null params (nullable)
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== NUL in to
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught ValueError: mb_send_mail(): Argument #1 ($to) must not contain any null bytes in %s/mg-hook_argument_errors_mb_send_mail.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_mb_send_mail.snippet.php(1): mb_send_mail('a@example.com\x00', 's', 'm')
#1 {main}
  thrown in %s/mg-hook_argument_errors_mb_send_mail.snippet.php on line 1
mailguard log lines: 0
== NUL in subject
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught ValueError: mb_send_mail(): Argument #2 ($subject) must not contain any null bytes in %s/mg-hook_argument_errors_mb_send_mail.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_mb_send_mail.snippet.php(1): mb_send_mail('a@example.com', 's\x00', 'm')
#1 {main}
  thrown in %s/mg-hook_argument_errors_mb_send_mail.snippet.php on line 1
mailguard log lines: 0
== NUL in message
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught ValueError: mb_send_mail(): Argument #3 ($message) must not contain any null bytes in %s/mg-hook_argument_errors_mb_send_mail.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_mb_send_mail.snippet.php(1): mb_send_mail('a@example.com', 's', 'm\x00')
#1 {main}
  thrown in %s/mg-hook_argument_errors_mb_send_mail.snippet.php on line 1
mailguard log lines: 0
== NUL in headers
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught ValueError: mb_send_mail(): Argument #4 ($additional_headers) must not contain any null bytes in %s/mg-hook_argument_errors_mb_send_mail.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_mb_send_mail.snippet.php(1): mb_send_mail('a@example.com', 's', 'm', 'X-A: \x00')
#1 {main}
  thrown in %s/mg-hook_argument_errors_mb_send_mail.snippet.php on line 1
mailguard log lines: 0
== NUL in params
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught ValueError: mb_send_mail(): Argument #5 ($additional_params) must not contain any null bytes in %s/mg-hook_argument_errors_mb_send_mail.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_mb_send_mail.snippet.php(1): mb_send_mail('a@example.com', 's', 'm', '', '-f\x00')
#1 {main}
  thrown in %s/mg-hook_argument_errors_mb_send_mail.snippet.php on line 1
mailguard log lines: 0
== "To" array key
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught ValueError: The additional headers cannot contain the "To" header in %s/mg-hook_argument_errors_mb_send_mail.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_mb_send_mail.snippet.php(1): mb_send_mail('a@example.com', 's', 'm', Array)
#1 {main}
  thrown in %s/mg-hook_argument_errors_mb_send_mail.snippet.php on line 1
mailguard log lines: 0
== CRLF in an array value
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught ValueError: Header "X-A" contains CRLF characters that are used as a line separator and are not allowed in the header in %s/mg-hook_argument_errors_mb_send_mail.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_mb_send_mail.snippet.php(1): mb_send_mail('a@example.com', 's', 'm', Array)
#1 {main}
  thrown in %s/mg-hook_argument_errors_mb_send_mail.snippet.php on line 1
mailguard log lines: 0
== unknown named argument
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught Error: Unknown named parameter $bcc in %s/mg-hook_argument_errors_mb_send_mail.snippet.php:1
Stack trace:
#0 {main}
  thrown in %s/mg-hook_argument_errors_mb_send_mail.snippet.php on line 1
mailguard log lines: 0