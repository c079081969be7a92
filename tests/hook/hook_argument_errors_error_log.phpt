--TEST--
error_log(): argument errors are PHP's own, the float type's deprecation comes once
--EXTENSIONS--
sockets
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_compare_cases([
	'no argument' => 'error_log();',
	'too many' => 'error_log("m", 1, "a@example.com", "", 1);',
	'type 1.5' => 'var_dump(error_log("m", 1.5, "a@example.com"));',
	'type 1.0' => 'var_dump(error_log("m", 1.0, "a@example.com"));',
	'type "1"' => 'var_dump(error_log("m", "1", "a@example.com"));',
	'type true' => 'var_dump(error_log("m", true, "a@example.com"));',
	'type "abc"' => 'error_log("m", "abc", "a@example.com");',
	'type array' => 'error_log("m", [], "a@example.com");',
	'strict_types type "1"' => 'declare(strict_types=1); error_log("m", "1", "a@example.com");',
	'strict_types type 1.0' => 'declare(strict_types=1); error_log("m", 1.0, "a@example.com");',
	'type 3.5 (not mail)' => 'var_dump(error_log("m", 3.5, "x.log"));',
	'NUL in destination' => 'error_log("m", 1, "a@example.com\0b");',
	'null message' => 'var_dump(error_log(null, 1, "a@example.com"));',
	'null destination' => 'var_dump(error_log("m", 1, null));',
	'array headers' => 'error_log("m", 1, "a@example.com", ["X-A" => "1"]);',
	'NUL in headers' => 'var_dump(error_log("m", 1, "a@example.com", "X-A: 1\0Bcc: hidden@example.com"));',
	'type null' => 'var_dump(error_log("m", null));',
	'type "4", message with __toString' => 'class M { function __toString(): string { echo "__toString\n"; return "m"; } } var_dump(error_log(new M, "4"));',
	'type 1, message with __toString' => 'class M { function __toString(): string { echo "__toString\n"; return "m"; } } var_dump(error_log(new M, 1, "a@example.com"));',
	'unknown named argument' => 'error_log(message: "m", message_type: 1, destination: "a@example.com", to: "x");',
], ['unstamp' => true]);
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECTF--
== no argument
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught ArgumentCountError: error_log() expects at least 1 argument, 0 given in %s/mg-hook_argument_errors_error_log.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_error_log.snippet.php(1): error_log()
#1 {main}
  thrown in %s/mg-hook_argument_errors_error_log.snippet.php on line 1
mailguard log lines: 0
== too many
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught ArgumentCountError: error_log() expects at most 4 arguments, 5 given in %s/mg-hook_argument_errors_error_log.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_error_log.snippet.php(1): error_log('m', 1, 'a@example.com', '', 1)
#1 {main}
  thrown in %s/mg-hook_argument_errors_error_log.snippet.php on line 1
mailguard log lines: 0
== type 1.5
same: output, exit status, 1 mail(s), 0 file(s)
Deprecated: Implicit conversion from float 1.5 to int loses precision in %s/mg-hook_argument_errors_error_log.snippet.php on line 1
bool(true)
mailguard log lines: 1
== type 1.0
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== type "1"
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== type true
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== type "abc"
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught TypeError: error_log(): Argument #2 ($message_type) must be of type int, string given in %s/mg-hook_argument_errors_error_log.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_error_log.snippet.php(1): error_log('m', 'abc', 'a@example.com')
#1 {main}
  thrown in %s/mg-hook_argument_errors_error_log.snippet.php on line 1
mailguard log lines: 0
== type array
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught TypeError: error_log(): Argument #2 ($message_type) must be of type int, array given in %s/mg-hook_argument_errors_error_log.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_error_log.snippet.php(1): error_log('m', Array, 'a@example.com')
#1 {main}
  thrown in %s/mg-hook_argument_errors_error_log.snippet.php on line 1
mailguard log lines: 0
== strict_types type "1"
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught TypeError: error_log(): Argument #2 ($message_type) must be of type int, string given in %s/mg-hook_argument_errors_error_log.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_error_log.snippet.php(1): error_log('m', '1', 'a@example.com')
#1 {main}
  thrown in %s/mg-hook_argument_errors_error_log.snippet.php on line 1
mailguard log lines: 0
== strict_types type 1.0
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught TypeError: error_log(): Argument #2 ($message_type) must be of type int, float given in %s/mg-hook_argument_errors_error_log.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_error_log.snippet.php(1): error_log('m', 1.0, 'a@example.com')
#1 {main}
  thrown in %s/mg-hook_argument_errors_error_log.snippet.php on line 1
mailguard log lines: 0
== type 3.5 (not mail)
same: output, exit status, 0 mail(s), 1 file(s)
Deprecated: Implicit conversion from float 3.5 to int loses precision in %s/mg-hook_argument_errors_error_log.snippet.php on line 1
bool(true)
mailguard log lines: 0
== NUL in destination
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught ValueError: error_log(): Argument #3 ($destination) must not contain any null bytes in %s/mg-hook_argument_errors_error_log.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_error_log.snippet.php(1): error_log('m', 1, 'a@example.com\x00b')
#1 {main}
  thrown in %s/mg-hook_argument_errors_error_log.snippet.php on line 1
mailguard log lines: 0
== null message
same: output, exit status, 1 mail(s), 0 file(s)
Deprecated: error_log(): Passing null to parameter #1 ($message) of type string is deprecated in %s/mg-hook_argument_errors_error_log.snippet.php on line 1
bool(true)
mailguard log lines: 1
== null destination
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== array headers
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught TypeError: error_log(): Argument #4 ($additional_headers) must be of type ?string, array given in %s/mg-hook_argument_errors_error_log.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_error_log.snippet.php(1): error_log('m', 1, 'a@example.com', Array)
#1 {main}
  thrown in %s/mg-hook_argument_errors_error_log.snippet.php on line 1
mailguard log lines: 0
== NUL in headers
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== type null
same: output, exit status, 0 mail(s), 0 file(s)
Deprecated: error_log(): Passing null to parameter #2 ($message_type) of type int is deprecated in %s/mg-hook_argument_errors_error_log.snippet.php on line 1
bool(true)
m
mailguard log lines: 0
== type "4", message with __toString
same: output, exit status, 0 mail(s), 0 file(s)
__toString
bool(true)
m
mailguard log lines: 0
== type 1, message with __toString
same: output, exit status, 1 mail(s), 0 file(s)
__toString
bool(true)
mailguard log lines: 1
== unknown named argument
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught Error: Unknown named parameter $to in %s/mg-hook_argument_errors_error_log.snippet.php:1
Stack trace:
#0 {main}
  thrown in %s/mg-hook_argument_errors_error_log.snippet.php on line 1
mailguard log lines: 0