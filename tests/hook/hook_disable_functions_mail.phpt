--TEST--
disable_functions=mail: mail() is PHP's own undefined function, error_log() type 1 is still stamped and logged
--EXTENSIONS--
sockets
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_compare_cases([
	'mail()' => 'var_dump(function_exists("mail")); mail("a@example.com", "s", "m");',
	'error_log() type 1' => 'var_dump(error_log("m", 1, "a@example.com"));',
], ['ini' => ['disable_functions' => 'mail'], 'unstamp' => true]);
$r = mg_run('error_log("m", 1, "a@example.com");', ['ini' => ['disable_functions' => 'mail']]);
var_dump(mg_mail_header_values($r['mails'][0], 'X-PHP-Originating-Script'), $r['log'][0]['fields']['fn']);
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECTF--
== mail()
same: output, exit status, 0 mail(s), 0 file(s)
bool(false)

Fatal error: Uncaught Error: Call to undefined function mail() in %s/mg-hook_disable_functions_mail.snippet.php:1
Stack trace:
#0 {main}
  thrown in %s/mg-hook_disable_functions_mail.snippet.php on line 1
mailguard log lines: 0
== error_log() type 1
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
array(1) {
  [0]=>
  string(%d) "%d:mg-hook_disable_functions_mail.snippet.php"
}
string(9) "error_log"
