--TEST--
imap_mail(): argument errors are PHP's own (no extra stack frame, no stamp in the trace)
--EXTENSIONS--
imap
sockets
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_compare_cases([
	'too few' => 'imap_mail("a@example.com", "s");',
	'array to' => 'imap_mail([], "s", "m");',
	'strict_types int subject' => 'declare(strict_types=1); imap_mail("a@example.com", 42, "m");',
	'NUL in to' => 'imap_mail("a@example.com\0", "s", "m");',
	'NUL in headers' => 'imap_mail("a@example.com", "s", "m", "X-A: \0");',
	'NUL in bcc' => 'imap_mail("a@example.com", "s", "m", null, null, "b@example.com\0");',
	'empty to' => 'imap_mail("", "s", "m");',
	'empty subject' => 'imap_mail("a@example.com", "", "m");',
	'empty message' => 'imap_mail("a@example.com", "s", "");',
	'null to' => 'var_dump(imap_mail(null, "s", "m"));',
], ['unstamp' => true, 'log_count' => false]);
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECTF--
== too few
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught ArgumentCountError: imap_mail() expects at least 3 arguments, 2 given in %s/mg-hook_argument_errors_imap_mail.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_imap_mail.snippet.php(1): imap_mail('a@example.com', 's')
#1 {main}
  thrown in %s/mg-hook_argument_errors_imap_mail.snippet.php on line 1
== array to
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught TypeError: imap_mail(): Argument #1 ($to) must be of type string, array given in %s/mg-hook_argument_errors_imap_mail.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_imap_mail.snippet.php(1): imap_mail(Array, 's', 'm')
#1 {main}
  thrown in %s/mg-hook_argument_errors_imap_mail.snippet.php on line 1
== strict_types int subject
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught TypeError: imap_mail(): Argument #2 ($subject) must be of type string, int given in %s/mg-hook_argument_errors_imap_mail.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_imap_mail.snippet.php(1): imap_mail('a@example.com', 42, 'm')
#1 {main}
  thrown in %s/mg-hook_argument_errors_imap_mail.snippet.php on line 1
== NUL in to
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught ValueError: imap_mail(): Argument #1 ($to) must not contain any null bytes in %s/mg-hook_argument_errors_imap_mail.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_imap_mail.snippet.php(1): imap_mail('a@example.com\x00', 's', 'm')
#1 {main}
  thrown in %s/mg-hook_argument_errors_imap_mail.snippet.php on line 1
== NUL in headers
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught ValueError: imap_mail(): Argument #4 ($additional_headers) must not contain any null bytes in %s/mg-hook_argument_errors_imap_mail.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_imap_mail.snippet.php(1): imap_mail('a@example.com', 's', 'm', 'X-A: \x00')
#1 {main}
  thrown in %s/mg-hook_argument_errors_imap_mail.snippet.php on line 1
== NUL in bcc
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught ValueError: imap_mail(): Argument #6 ($bcc) must not contain any null bytes in %s/mg-hook_argument_errors_imap_mail.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_imap_mail.snippet.php(1): imap_mail('a@example.com', 's', 'm', NULL, NULL, 'b@example.com\x00')
#1 {main}
  thrown in %s/mg-hook_argument_errors_imap_mail.snippet.php on line 1
== empty to
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught ValueError: imap_mail(): Argument #1 ($to) cannot be empty in %s/mg-hook_argument_errors_imap_mail.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_imap_mail.snippet.php(1): imap_mail('', 's', 'm')
#1 {main}
  thrown in %s/mg-hook_argument_errors_imap_mail.snippet.php on line 1
== empty subject
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught ValueError: imap_mail(): Argument #2 ($subject) cannot be empty in %s/mg-hook_argument_errors_imap_mail.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_imap_mail.snippet.php(1): imap_mail('a@example.com', '', 'm')
#1 {main}
  thrown in %s/mg-hook_argument_errors_imap_mail.snippet.php on line 1
== empty message
same: output, exit status, 1 mail(s), 0 file(s)
Warning: imap_mail(): No message string in mail command in %s/mg-hook_argument_errors_imap_mail.snippet.php on line 1
== null to
same: output, exit status, 0 mail(s), 0 file(s)
Deprecated: imap_mail(): Passing null to parameter #1 ($to) of type string is deprecated in %s/mg-hook_argument_errors_imap_mail.snippet.php on line 1

Fatal error: Uncaught ValueError: imap_mail(): Argument #1 ($to) cannot be empty in %s/mg-hook_argument_errors_imap_mail.snippet.php:1
Stack trace:
#0 %s/mg-hook_argument_errors_imap_mail.snippet.php(1): imap_mail('', 's', 'm')
#1 {main}
  thrown in %s/mg-hook_argument_errors_imap_mail.snippet.php on line 1
