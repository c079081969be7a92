--TEST--
account is the effective user's name when mailguard.account is empty; uid is the effective uid
--EXTENSIONS--
posix
sockets
--INI--
mailguard.account=
mailguard.syslog_socket={TMP}/mg-origin_account_default.sock
sendmail_path="/bin/sh {TMP}/mg-origin_account_default.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

mail('a@example.com', 's', 'm');
$f = mg_log_one($log)['fields'];
$pw = posix_getpwuid(posix_geteuid());
var_dump($f['account'] === $pw['name'], $f['uid'] === (string) posix_geteuid(), $f['owner'] === (string) fileowner($_SERVER['SCRIPT_FILENAME']));
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
