--TEST--
a userland openlog('evil', LOG_PID, LOG_LOCAL7) changes nothing in mailguard's line (ident, PRI, fields)
--EXTENSIONS--
sockets
--INI--
mail.add_x_header=0
mailguard.syslog_socket={TMP}/mg-syslog_openlog_has_no_effect.sock
sendmail_path="/bin/sh {TMP}/mg-syslog_openlog_has_no_effect.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

mail('a@example.com', 's', 'm');
$before = mg_log_one($log);
openlog('evil', LOG_PID | LOG_NDELAY, LOG_LOCAL7);
syslog(LOG_ERR, 'userland line');
mail('a@example.com', 's', 'm');
$after = mg_log_one($log);
closelog();
echo "before: <{$before['pri']}> {$before['ident']}[", $before['pid'] === getmypid() ? 'pid' : $before['pid'], "]\n";
echo "after:  <{$after['pri']}> {$after['ident']}[", $after['pid'] === getmypid() ? 'pid' : $after['pid'], "]\n";
unset($before['fields']['script'], $after['fields']['script']);
var_dump($before['fields'] === $after['fields']);
var_dump(str_contains($after['raw'], 'evil'));
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
before: <22> mailguard[pid]
after:  <22> mailguard[pid]
bool(true)
bool(false)
