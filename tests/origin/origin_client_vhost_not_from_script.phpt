--TEST--
client and vhost are never taken from $_SERVER or putenv(): empty under the CLI
--EXTENSIONS--
sockets
--INI--
variables_order=EGPCS
mailguard.syslog_socket={TMP}/mg-origin_client_vhost_not_from_script.sock
sendmail_path="/bin/sh {TMP}/mg-origin_client_vhost_not_from_script.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

$_SERVER['REMOTE_ADDR'] = '203.0.113.66';
$_SERVER['SERVER_NAME'] = 'forged.example';
$_SERVER['HTTP_HOST'] = 'forged-host.example';
$_ENV['REMOTE_ADDR'] = '203.0.113.67';
putenv('REMOTE_ADDR=203.0.113.68');
putenv('SERVER_NAME=forged-env.example');
putenv('HTTP_HOST=forged-env-host.example');
mail('a@example.com', 's', 'm');
$line = mg_log_one($log);
var_dump($line['fields']['client'], $line['fields']['vhost']);
var_dump(str_contains($line['raw'], 'forged'), str_contains($line['raw'], '203.0.113'));

/* not from the real process environment either: the CLI has no SAPI environment */
$r = mg_run('mail("a@example.com", "s", "m");', ['env' => ['REMOTE_ADDR' => '203.0.113.69', 'SERVER_NAME' => 'env.example', 'HTTP_HOST' => 'env-host.example']]);
var_dump(count($r['log']), $r['log'][0]['fields']['client'], $r['log'][0]['fields']['vhost']);
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
string(0) ""
string(0) ""
bool(false)
bool(false)
int(1)
string(0) ""
string(0) ""
