--TEST--
sapi, pid, host and the entry script come from the process
--EXTENSIONS--
posix
sockets
--INI--
mailguard.syslog_socket={TMP}/mg-origin_process.sock
sendmail_path="/bin/sh {TMP}/mg-origin_process.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

mail('a@example.com', 's', 'm');
$line = mg_log_one($log);
$f = $line['fields'];
var_dump($f['sapi'], $f['pid'] === (string) getmypid(), $line['pid'] === getmypid(), $f['host'] === gethostname(), $f['entry'] === realpath($_SERVER['SCRIPT_FILENAME']));
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
string(3) "cli"
bool(true)
bool(true)
bool(true)
bool(true)
