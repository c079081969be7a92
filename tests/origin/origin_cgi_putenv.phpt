--TEST--
php-cgi in plain CGI mode (suPHP style), where the SAPI's request variables are the process environment: putenv() and $_SERVER before mail() do not change the logged vhost and client, which are read when the request starts; nor in a session save handler's write(), which runs after mailguard's RSHUTDOWN
--EXTENSIONS--
sockets
--SKIPIF--
<?php
if (!is_executable('/usr/bin/php-cgi8.2')) die('skip php-cgi8.2 not installed (apt-get install php8.2-cgi; scripts/lib.sh installs it)');
?>
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$code = <<<'PHP'
putenv('SERVER_NAME=forged-env.example');
putenv('REMOTE_ADDR=203.0.113.68');
putenv('HTTP_HOST=forged-env-host.example');
$_SERVER['SERVER_NAME'] = 'forged.example';
$_SERVER['REMOTE_ADDR'] = '203.0.113.66';
echo 'what the SAPI answers now: ', getenv('SERVER_NAME'), ' ', getenv('REMOTE_ADDR'), "\n";
var_dump(mail('a@example.com', 's', 'b'));
PHP;
// a CGI request as a web server starts it: the request's variables in the
// environment, the script named by SCRIPT_FILENAME
$r = mg_run($code, ['binary' => '/usr/bin/php-cgi8.2', 'exts' => ['sockets'], 'env' => [
	'GATEWAY_INTERFACE' => 'CGI/1.1', 'REQUEST_METHOD' => 'GET', 'REDIRECT_STATUS' => '200',
	'SERVER_NAME' => 'shop.example', 'REMOTE_ADDR' => '192.0.2.10', 'HTTP_HOST' => 'host-header.example',
	'SCRIPT_FILENAME' => mg_path('.snippet.php'),
]]);
// the response's body, after the CGI headers
echo preg_replace('/^.*?\r?\n\r?\n/s', '', $r['out']), $r['err'];
foreach ($r['log'] as $l) {
	echo 'syslog: sapi=', $l['fields']['sapi'] ?? '-', ' vhost=', $l['fields']['vhost'] ?? '-', ' client=', $l['fields']['client'] ?? '-', "\n";
	echo 'anything forged in the line: ', preg_match('/forged|203\.0\.113/', $l['raw']) ? 'yes' : 'no', "\n";
}
echo count($r['mails']), " mail(s) sent\n";

// The same from a session save handler's write(), which the session
// module calls from its RSHUTDOWN, after mailguard's: the request's own
// values still hold (and the entry script, which php-cgi has freed by then).
$code = <<<'PHP'
session_set_save_handler(fn($p, $n) => true, fn() => true, fn($id) => '',
	function ($id, $data) {
		putenv('SERVER_NAME=forged-env.example');
		putenv('REMOTE_ADDR=203.0.113.68');
		echo 'mail from write(): ', var_export(mail('a@example.com', 's', 'b'), true), "\n";
		return true;
	}, fn($id) => true, fn($l) => 0);
session_id('mgsession');
session_start();
$_SESSION['n'] = 1;
echo "script done\n";
PHP;
$r = mg_run($code, ['binary' => '/usr/bin/php-cgi8.2', 'exts' => ['sockets', 'session'], 'env' => [
	'GATEWAY_INTERFACE' => 'CGI/1.1', 'REQUEST_METHOD' => 'GET', 'REDIRECT_STATUS' => '200',
	'SERVER_NAME' => 'shop.example', 'REMOTE_ADDR' => '192.0.2.10',
	'SCRIPT_FILENAME' => mg_path('.snippet.php'),
]]);
echo preg_replace('/^.*?\r?\n\r?\n/s', '', $r['out']), $r['err'];
foreach ($r['log'] as $l) {
	echo 'syslog: vhost=', $l['fields']['vhost'] ?? '-', ' client=', $l['fields']['client'] ?? '-',
		' entry ', ($l['fields']['entry'] ?? '') === mg_path('.snippet.php') ? 'ok' : var_export($l['fields']['entry'] ?? null, true), "\n";
}
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
what the SAPI answers now: forged-env.example 203.0.113.68
bool(true)
syslog: sapi=cgi-fcgi vhost=shop.example client=192.0.2.10
anything forged in the line: no
1 mail(s) sent
script done
mail from write(): true
syslog: vhost=shop.example client=192.0.2.10 entry ok
