--TEST--
mail() with array headers: every validation error is PHP's own, valid arrays are sent the same way
--EXTENSIONS--
sockets
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_compare_cases([
	'numeric key' => 'mail("a@example.com", "s", "m", [1 => "x"]);',
	'list' => 'mail("a@example.com", "s", "m", ["X-A: 1"]);',
	'"To" key' => 'mail("a@example.com", "s", "m", ["To" => "b@example.com"]);',
	'"to" key' => 'mail("a@example.com", "s", "m", ["to" => "b@example.com"]);',
	'"Subject" key' => 'mail("a@example.com", "s", "m", ["Subject" => "x"]);',
	'name with a space' => 'mail("a@example.com", "s", "m", ["X A" => "x"]);',
	'name with a colon' => 'mail("a@example.com", "s", "m", ["X:A" => "x"]);',
	'object value' => 'mail("a@example.com", "s", "m", ["X-A" => new stdClass]);',
	'int value' => 'mail("a@example.com", "s", "m", ["X-A" => 5]);',
	'null value' => 'mail("a@example.com", "s", "m", ["X-A" => null]);',
	'CRLF injection in a value' => 'mail("a@example.com", "s", "m", ["X-A" => "1\r\nBcc: evil@example.com"]);',
	'LF injection in a value' => 'mail("a@example.com", "s", "m", ["X-A" => "1\nBcc: evil@example.com"]);',
	'CRLF injection in a list value' => 'mail("a@example.com", "s", "m", ["X-List" => ["1", "2\r\nBcc: evil@example.com"]]);',
	'nested array value' => 'mail("a@example.com", "s", "m", ["X-List" => [["1"]]]);',
	'list for Cc' => 'mail("a@example.com", "s", "m", ["Cc" => ["b@example.com", "c@example.com"]]);',
	'valid folded value' => 'var_dump(mail("a@example.com", "s", "m", ["X-A" => "1\r\n 2"]));',
	'valid list value' => 'var_dump(mail("a@example.com", "s", "m", ["X-List" => ["1", "2"], "Cc" => "b@example.com, c@example.com", "From" => "f@example.com"]));',
	'empty array' => 'var_dump(mail("a@example.com", "s", "m", []));',
], ['unstamp' => true]);
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECTF--
== numeric key
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught TypeError: Header name cannot be numeric, 1 given in %s/mg-hook_argument_errors_array_headers.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_array_headers.snippet.php(1): mail('a@example.com', 's', 'm', Array)
#1 {main}
  thrown in %s/mg-hook_argument_errors_array_headers.snippet.php on line 1
mailguard log lines: 0
== list
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught TypeError: Header name cannot be numeric, 0 given in %s/mg-hook_argument_errors_array_headers.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_array_headers.snippet.php(1): mail('a@example.com', 's', 'm', Array)
#1 {main}
  thrown in %s/mg-hook_argument_errors_array_headers.snippet.php on line 1
mailguard log lines: 0
== "To" key
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught ValueError: The additional headers cannot contain the "To" header in %s/mg-hook_argument_errors_array_headers.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_array_headers.snippet.php(1): mail('a@example.com', 's', 'm', Array)
#1 {main}
  thrown in %s/mg-hook_argument_errors_array_headers.snippet.php on line 1
mailguard log lines: 0
== "to" key
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught ValueError: The additional headers cannot contain the "To" header in %s/mg-hook_argument_errors_array_headers.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_array_headers.snippet.php(1): mail('a@example.com', 's', 'm', Array)
#1 {main}
  thrown in %s/mg-hook_argument_errors_array_headers.snippet.php on line 1
mailguard log lines: 0
== "Subject" key
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught ValueError: The additional headers cannot contain the "Subject" header in %s/mg-hook_argument_errors_array_headers.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_array_headers.snippet.php(1): mail('a@example.com', 's', 'm', Array)
#1 {main}
  thrown in %s/mg-hook_argument_errors_array_headers.snippet.php on line 1
mailguard log lines: 0
== name with a space
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught ValueError: Header name "X A" contains invalid characters in %s/mg-hook_argument_errors_array_headers.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_array_headers.snippet.php(1): mail('a@example.com', 's', 'm', Array)
#1 {main}
  thrown in %s/mg-hook_argument_errors_array_headers.snippet.php on line 1
mailguard log lines: 0
== name with a colon
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught ValueError: Header name "X:A" contains invalid characters in %s/mg-hook_argument_errors_array_headers.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_array_headers.snippet.php(1): mail('a@example.com', 's', 'm', Array)
#1 {main}
  thrown in %s/mg-hook_argument_errors_array_headers.snippet.php on line 1
mailguard log lines: 0
== object value
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught TypeError: Header "X-A" must be of type array|string, stdClass given in %s/mg-hook_argument_errors_array_headers.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_array_headers.snippet.php(1): mail('a@example.com', 's', 'm', Array)
#1 {main}
  thrown in %s/mg-hook_argument_errors_array_headers.snippet.php on line 1
mailguard log lines: 0
== int value
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught TypeError: Header "X-A" must be of type array|string, int given in %s/mg-hook_argument_errors_array_headers.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_array_headers.snippet.php(1): mail('a@example.com', 's', 'm', Array)
#1 {main}
  thrown in %s/mg-hook_argument_errors_array_headers.snippet.php on line 1
mailguard log lines: 0
== null value
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught TypeError: Header "X-A" must be of type array|string, null given in %s/mg-hook_argument_errors_array_headers.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_array_headers.snippet.php(1): mail('a@example.com', 's', 'm', Array)
#1 {main}
  thrown in %s/mg-hook_argument_errors_array_headers.snippet.php on line 1
mailguard log lines: 0
== CRLF injection in a value
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught ValueError: Header "X-A" contains CRLF characters that are used as a line separator and are not allowed in the header in %s/mg-hook_argument_errors_array_headers.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_array_headers.snippet.php(1): mail('a@example.com', 's', 'm', Array)
#1 {main}
  thrown in %s/mg-hook_argument_errors_array_headers.snippet.php on line 1
mailguard log lines: 0
== LF injection in a value
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught ValueError: Header "X-A" contains LF character that is not allowed in the header in %s/mg-hook_argument_errors_array_headers.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_array_headers.snippet.php(1): mail('a@example.com', 's', 'm', Array)
#1 {main}
  thrown in %s/mg-hook_argument_errors_array_headers.snippet.php on line 1
mailguard log lines: 0
== CRLF injection in a list value
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught ValueError: Header "X-List" contains CRLF characters that are used as a line separator and are not allowed in the header in %s/mg-hook_argument_errors_array_headers.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_array_headers.snippet.php(1): mail('a@example.com', 's', 'm', Array)
#1 {main}
  thrown in %s/mg-hook_argument_errors_array_headers.snippet.php on line 1
mailguard log lines: 0
== nested array value
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught TypeError: Header "X-List" must only contain values of type string, array found in %s/mg-hook_argument_errors_array_headers.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_array_headers.snippet.php(1): mail('a@example.com', 's', 'm', Array)
#1 {main}
  thrown in %s/mg-hook_argument_errors_array_headers.snippet.php on line 1
mailguard log lines: 0
== list for Cc
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught TypeError: Header "cc" must be of type string, array given in %s/mg-hook_argument_errors_array_headers.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_array_headers.snippet.php(1): mail('a@example.com', 's', 'm', Array)
#1 {main}
  thrown in %s/mg-hook_argument_errors_array_headers.snippet.php on line 1
mailguard log lines: 0
== valid folded value
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== valid list value
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== empty array
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1