--TEST--
php-cgi in plain CGI mode (suPHP style), where the SAPI's request variables are the process environment: putenv() and $_SERVER before mail() do not change the logged vhost and client, which are read when the request starts
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
