--TEST--
mailguard.dsn is redacted after startup: ini_get, ini_get_all (both forms), get_cfg_var (also [PATH=]/[HOST=] sections), Reflection, phpinfo and php --ri never show the value or a fragment of it
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
/* a DSN with a recognisable fragment in every part */
$dsn = 'host=/nonexistent/mg-dsnhostQ7 port=5999 dbname=mgdbnameQ7 user=mguserQ7 password=S3cr3tPwQ7';
$ini = mg_path('.ini');
file_put_contents($ini, implode("\n", [
	'extension_dir=' . ini_get('extension_dir'),
	'extension=' . mg_module_path(),
	'display_errors=1',
	'display_startup_errors=1',
	"mailguard.dsn=\"$dsn\"",
	'[PATH=/nonexistent/mg-docroot]',
	"mailguard.dsn=\"$dsn\"",
	'[HOST=vhost.example]',
	"mailguard.dsn=\"$dsn\"",
	'',
]));
$code = <<<'PHP'
echo "ini_get: ", var_export(ini_get('mailguard.dsn'), true), "\n";
echo "ini_get_all: ", json_encode(ini_get_all('mailguard')['mailguard.dsn']), "\n";
echo "ini_get_all(no details): ", json_encode(ini_get_all('mailguard', false)['mailguard.dsn']), "\n";
echo "ini_get_all(null): ", json_encode(ini_get_all(null, false)['mailguard.dsn']), "\n";
echo "get_cfg_var: ", var_export(get_cfg_var('mailguard.dsn'), true), "\n";
echo "get_cfg_var([PATH=]): ", json_encode(get_cfg_var('/nonexistent/mg-docroot')), "\n";
echo "get_cfg_var([HOST=]): ", json_encode(get_cfg_var('vhost.example')), "\n";
$r = new ReflectionExtension('mailguard');
echo "getINIEntries: ", var_export($r->getINIEntries()['mailguard.dsn'], true), "\n";
echo "__toString: ", preg_match('/Entry \[ mailguard.dsn <SYSTEM> \]\s+Current = \'([^\']*)\'/', (string) $r, $m) ? $m[1] : 'NOT FOUND', "\n";
ob_start(); phpinfo(INFO_MODULES); $info = ob_get_clean();
echo "phpinfo: ", preg_match('/^mailguard.dsn => .*$/m', $info, $m) ? $m[0] : 'NOT FOUND', "\n";
echo "ini_set: ", var_export(ini_set('mailguard.dsn', 'host=/x'), true), ", restore: ";
ini_restore('mailguard.dsn');
echo var_export(ini_get('mailguard.dsn'), true), "\n";
PHP;
$env = getenv();
$env['PHP_INI_SCAN_DIR'] = '';
$run = function (array $args) use ($ini, $env) {
	$p = proc_open(array_merge([mg_php_binary(), '-c', $ini], $args), [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env);
	$out = stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]);
	proc_close($p);
	return $out;
};
$out = $run(['-r', $code]);
echo $out;
$ri = $run(['--ri', 'mailguard']);
echo "php --ri: ", preg_match('/^mailguard.dsn => .*$/m', $ri, $m) ? $m[0] : 'NOT FOUND', "\n";
/* no fragment anywhere: host, port, dbname, user, password */
foreach (['dsnhostQ7', '5999', 'mgdbnameQ7', 'mguserQ7', 'S3cr3tPwQ7'] as $frag) {
	echo "$frag: ", str_contains($out . $ri, $frag) ? 'LEAKED' : 'absent', "\n";
}
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
ini_get: '(redacted)'
ini_get_all: {"global_value":"(redacted)","local_value":"(redacted)","access":4}
ini_get_all(no details): "(redacted)"
ini_get_all(null): "(redacted)"
get_cfg_var: false
get_cfg_var([PATH=]): []
get_cfg_var([HOST=]): []
getINIEntries: '(redacted)'
__toString: (redacted)
phpinfo: mailguard.dsn => (set) => (set)
ini_set: false, restore: '(redacted)'
php --ri: mailguard.dsn => (set) => (set)
dsnhostQ7: absent
5999: absent
mgdbnameQ7: absent
mguserQ7: absent
S3cr3tPwQ7: absent
