--TEST--
a failing MTA (exit 1): mail() returns false, the line says verdict=accept result=failed at info severity
--EXTENSIONS--
sockets
--INI--
mailguard.syslog_socket={TMP}/mg-syslog_result_failed.sock
sendmail_path=/bin/false
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
var_dump(mail('a@example.com', 's', 'm'));
$l = mg_log_one($log);
echo "<{$l['pri']}> verdict={$l['fields']['verdict']} result={$l['fields']['result']}\n";
var_dump(error_log('m', 1, 'a@example.com'));
$l = mg_log_one($log);
echo "<{$l['pri']}> verdict={$l['fields']['verdict']} result={$l['fields']['result']}\n";
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
bool(false)
<22> verdict=accept result=failed
bool(false)
<22> verdict=accept result=failed
