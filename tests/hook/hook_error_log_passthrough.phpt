--TEST--
error_log() types 0, 2, 3 and 4 are PHP's own, byte for byte, and mailguard logs nothing for them
--EXTENSIONS--
sockets
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$no_time = fn(string $s): string => preg_replace('/^\[\d\d-[A-Z][a-z][a-z]-\d{4} \d\d:\d\d:\d\d [A-Za-z\/_]+\] /m', '[time] ', $s);
$opt = ['ini' => ['date.timezone' => 'UTC', 'error_log' => '{RUN}/php.log'], 'normalize' => $no_time];
mg_compare_cases([
	'type 0 to the error_log file' => 'var_dump(error_log("line one\nline two"), error_log("m", 0, "ignored@example.com", "X-A: 1"));',
	'type 2' => 'var_dump(error_log("m", 2, "127.0.0.1:1"));',
	'type 3, binary message' => 'var_dump(error_log("a\0b\xff\r\nc", 3, "x.log"), error_log("more", 3, "x.log"));',
	'type 3, unwritable' => 'var_dump(error_log("m", 3, "no/such/dir/x.log"));',
	'type 4' => 'var_dump(error_log("to the SAPI logger", 4));',
	'type 5' => 'var_dump(error_log("m", 5, "a@example.com"));',
	'type -1' => 'var_dump(error_log("m", -1, "a@example.com"));',
], $opt);
mg_compare_cases([
	'type 0 without error_log file' => 'var_dump(error_log("to stderr"));',
]);
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECTF--
== type 0 to the error_log file
same: output, exit status, 0 mail(s), 1 file(s)
bool(true)
bool(true)
mailguard log lines: 0
== type 2
same: output, exit status, 0 mail(s), 0 file(s)
Fatal error: Uncaught ValueError: TCP/IP option is not available for error logging in %s/mg-hook_error_log_passthrough.snippet.php:1
Stack trace:
#0 %s/mg-hook_error_log_passthrough.snippet.php(1): error_log('m', 2, '127.0.0.1:1')
#1 {main}
  thrown in %s/mg-hook_error_log_passthrough.snippet.php on line 1
mailguard log lines: 0
== type 3, binary message
same: output, exit status, 0 mail(s), 1 file(s)
bool(true)
bool(true)
mailguard log lines: 0
== type 3, unwritable
same: output, exit status, 0 mail(s), 0 file(s)
Warning: error_log(no/such/dir/x.log): Failed to open stream: No such file or directory in %s/mg-hook_error_log_passthrough.snippet.php on line 1
bool(false)
mailguard log lines: 0
== type 4
same: output, exit status, 0 mail(s), 0 file(s)
bool(true)
to the SAPI logger
mailguard log lines: 0
== type 5
same: output, exit status, 0 mail(s), 1 file(s)
bool(true)
mailguard log lines: 0
== type -1
same: output, exit status, 0 mail(s), 1 file(s)
bool(true)
mailguard log lines: 0
== type 0 without error_log file
same: output, exit status, 0 mail(s), 0 file(s)
bool(true)
to stderr
mailguard log lines: 0