--TEST--
mail(): every argument error is PHP's own (same text, same single deprecation, nothing sent)
--EXTENSIONS--
sockets
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_compare_cases([
	'too few' => 'mail("a@example.com", "s");',
	'too many' => 'mail("a@example.com", "s", "m", "", "", 1);',
	'array to' => 'mail([], "s", "m");',
	'object without __toString' => 'mail("a@example.com", new stdClass, "m");',
	'object with __toString' => 'class T { function __toString(): string { echo "__toString\n"; return "a@example.com"; } } var_dump(mail(new T, "s", "m"));',
	'strict_types int subject' => 'declare(strict_types=1); mail("a@example.com", 42, "m");',
	'int subject, weak mode' => 'var_dump(mail("a@example.com", 42, "m"));',
	'null to' => 'var_dump(mail(null, "s", "m"));',
	'null headers' => 'var_dump(mail("a@example.com", "s", "m", null));',
	'null params' => 'var_dump(mail("a@example.com", "s", "m", "", null));',
	'NUL in to' => 'mail("a@example.com\0b@example.com", "s", "m");',
	'NUL in subject' => 'mail("a@example.com", "s\0", "m");',
	'NUL in message' => 'mail("a@example.com", "s", "m\0");',
	'NUL in headers' => 'mail("a@example.com", "s", "m", "X-A: 1\0Bcc: b@example.com");',
	'NUL in params' => 'mail("a@example.com", "s", "m", "", "-f\0x");',
	'unknown named argument' => 'mail(to: "a@example.com", subject: "s", message: "m", cc: "x");',
	'named argument twice' => 'mail("a@example.com", "s", "m", to: "b@example.com");',
	'missing named argument' => 'mail(to: "a@example.com", message: "m");',
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
Fatal error: Uncaught ArgumentCountError: mail() expects at least 3 arguments, 2 given in %s/mg-hook_argument_errors_mail.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_mail.snippet.php(1): mail('a@example.com', 's')
#1 {main}
  thrown in %s/mg-hook_argument_errors_mail.snippet.php on line 1
mailguard log lines: 0
== too many
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught ArgumentCountError: mail() expects at most 5 arguments, 6 given in %s/mg-hook_argument_errors_mail.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_mail.snippet.php(1): mail('a@example.com', 's', 'm', '', '', 1)
#1 {main}
  thrown in %s/mg-hook_argument_errors_mail.snippet.php on line 1
mailguard log lines: 0
== array to
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught TypeError: mail(): Argument #1 ($to) must be of type string, array given in %s/mg-hook_argument_errors_mail.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_mail.snippet.php(1): mail(Array, 's', 'm')
#1 {main}
  thrown in %s/mg-hook_argument_errors_mail.snippet.php on line 1
mailguard log lines: 0
== object without __toString
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught TypeError: mail(): Argument #2 ($subject) must be of type string, stdClass given in %s/mg-hook_argument_errors_mail.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_mail.snippet.php(1): mail('a@example.com', Object(stdClass), 'm')
#1 {main}
  thrown in %s/mg-hook_argument_errors_mail.snippet.php on line 1
mailguard log lines: 0
== object with __toString
same: output, exit status, 1 mail(s), 0 file(s)
__toString
bool(true)
mailguard log lines: 1
== strict_types int subject
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught TypeError: mail(): Argument #2 ($subject) must be of type string, int given in %s/mg-hook_argument_errors_mail.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_mail.snippet.php(1): mail('a@example.com', 42, 'm')
#1 {main}
  thrown in %s/mg-hook_argument_errors_mail.snippet.php on line 1
mailguard log lines: 0
== int subject, weak mode
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== null to
same: output, exit status, 1 mail(s), 0 file(s)
Deprecated: mail(): Passing null to parameter #1 ($to) of type string is deprecated in %s/mg-hook_argument_errors_mail.snippet.php on line 1
bool(true)
mailguard log lines: 1
== null headers
same: output, exit status, 1 mail(s), 0 file(s)
Deprecated: mail(): Passing null to parameter #4 ($additional_headers) of type array|string is deprecated in %s/mg-hook_argument_errors_mail.snippet.php on line 1
bool(true)
mailguard log lines: 1
== null params
same: output, exit status, 1 mail(s), 0 file(s)
Deprecated: mail(): Passing null to parameter #5 ($additional_params) of type string is deprecated in %s/mg-hook_argument_errors_mail.snippet.php on line 1
bool(true)
mailguard log lines: 1
== NUL in to
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught ValueError: mail(): Argument #1 ($to) must not contain any null bytes in %s/mg-hook_argument_errors_mail.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_mail.snippet.php(1): mail('a@example.com\x00b...', 's', 'm')
#1 {main}
  thrown in %s/mg-hook_argument_errors_mail.snippet.php on line 1
mailguard log lines: 0
== NUL in subject
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught ValueError: mail(): Argument #2 ($subject) must not contain any null bytes in %s/mg-hook_argument_errors_mail.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_mail.snippet.php(1): mail('a@example.com', 's\x00', 'm')
#1 {main}
  thrown in %s/mg-hook_argument_errors_mail.snippet.php on line 1
mailguard log lines: 0
== NUL in message
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught ValueError: mail(): Argument #3 ($message) must not contain any null bytes in %s/mg-hook_argument_errors_mail.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_mail.snippet.php(1): mail('a@example.com', 's', 'm\x00')
#1 {main}
  thrown in %s/mg-hook_argument_errors_mail.snippet.php on line 1
mailguard log lines: 0
== NUL in headers
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught ValueError: mail(): Argument #4 ($additional_headers) must not contain any null bytes in %s/mg-hook_argument_errors_mail.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_mail.snippet.php(1): mail('a@example.com', 's', 'm', 'X-A: 1\x00Bcc: b@e...')
#1 {main}
  thrown in %s/mg-hook_argument_errors_mail.snippet.php on line 1
mailguard log lines: 0
== NUL in params
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught ValueError: mail(): Argument #5 ($additional_params) must not contain any null bytes in %s/mg-hook_argument_errors_mail.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_mail.snippet.php(1): mail('a@example.com', 's', 'm', '', '-f\x00x')
#1 {main}
  thrown in %s/mg-hook_argument_errors_mail.snippet.php on line 1
mailguard log lines: 0
== unknown named argument
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught Error: Unknown named parameter $cc in %s/mg-hook_argument_errors_mail.snippet.php:1
Stack trace:
#0 {main}
  thrown in %s/mg-hook_argument_errors_mail.snippet.php on line 1
mailguard log lines: 0
== named argument twice
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught Error: Named parameter $to overwrites previous argument in %s/mg-hook_argument_errors_mail.snippet.php:1
Stack trace:
#0 {main}
  thrown in %s/mg-hook_argument_errors_mail.snippet.php on line 1
mailguard log lines: 0
== missing named argument
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught ArgumentCountError: mail(): Argument #2 ($subject) not passed in %s/mg-hook_argument_errors_mail.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_mail.snippet.php(1): mail('a@example.com', NULL, 'm')
#1 {main}
  thrown in %s/mg-hook_argument_errors_mail.snippet.php on line 1
mailguard log lines: 0