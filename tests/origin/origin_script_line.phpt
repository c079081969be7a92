--TEST--
script is file:line of the user code that called, through call_user_func(), array_map() and from an included file; entry is the test script
--EXTENSIONS--
sockets
--INI--
mailguard.syslog_socket={TMP}/mg-origin_script_line.sock
sendmail_path="/bin/sh {TMP}/mg-origin_script_line.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

$lib = mg_path('.lib.php');
file_put_contents($lib, "<?php\n\nfunction lib_send(string \$s): bool\n{\n\treturn mail('a@example.com', \$s, 'm');\n}\n\nfunction lib_send_cuf(string \$s): bool\n{\n\treturn call_user_func('mail', 'a@example.com', \$s, 'm');\n}\n");
require $lib;

function show(Socket $log, string $what, string $file, int $line): void
{
	$f = mg_log_one($log)['fields'];
	echo "$what: script ", $f['script'] === "$file:$line" ? 'ok' : "WRONG {$f['script']} != $file:$line",
		', entry ', $f['entry'] === __FILE__ ? 'ok' : "WRONG {$f['entry']}", "\n";
}

mail('a@example.com', 'direct', 'm'); show($log, 'direct', __FILE__, __LINE__);
call_user_func('mail', 'a@example.com', 'cuf', 'm'); show($log, 'call_user_func', __FILE__, __LINE__);
array_map('mail', ['a@example.com'], ['map'], ['m']); show($log, 'array_map', __FILE__, __LINE__);
lib_send('included'); show($log, 'included file', $lib, 5);
lib_send_cuf('included, call_user_func'); show($log, 'included file, call_user_func', $lib, 10);
array_map('lib_send', ['map to included']); show($log, 'array_map to included', $lib, 5);
$arr = [2, 1];
usort($arr, function ($x, $y) { mail('a@example.com', 'usort', 'm'); return $x <=> $y; }); show($log, 'usort callback', __FILE__, __LINE__);
eval("\n\nmail('a@example.com', 'eval', 'm');"); $el = __LINE__;
show($log, "eval()'d code", __FILE__ . "($el) : eval()'d code", 3);
mg_mails_clear();
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
direct: script ok, entry ok
call_user_func: script ok, entry ok
array_map: script ok, entry ok
included file: script ok, entry ok
included file, call_user_func: script ok, entry ok
array_map to included: script ok, entry ok
usort callback: script ok, entry ok
eval()'d code: script ok, entry ok
