--TEST--
account is mailguard.account when set (and cannot be changed at runtime)
--EXTENSIONS--
posix
sockets
--INI--
mailguard.account=shop-42.example@host_1
mailguard.syslog_socket={TMP}/mg-origin_account_ini.sock
sendmail_path="/bin/sh {TMP}/mg-origin_account_ini.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

var_dump(ini_set('mailguard.account', 'somebody-else'));
mail('a@example.com', 's', 'm');
$f = mg_log_one($log)['fields'];
var_dump($f['account'], $f['uid'] === (string) posix_geteuid());
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
bool(false)
string(22) "shop-42.example@host_1"
bool(true)
