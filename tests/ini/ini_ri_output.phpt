--TEST--
php --ri mailguard: the hooked functions (imap_mail only with imap loaded) and every directive with its value
--EXTENSIONS--
imap
mbstring
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
[$out, $err, $rc] = mg_php(['--ri', 'mailguard'], ['ini' => ['mailguard.account' => 'acct1', 'mailguard.syslog_facility' => 'local2', 'mailguard.syslog_socket' => '/run/mg.sock']]);
var_dump($rc, $err);
echo preg_replace('/^libpq version => .*$/m', 'libpq version => (some)', $out);
echo "-- without imap\n";
[$out] = mg_php(['--ri', 'mailguard'], ['exts' => ['mbstring']]);
preg_match('/^Hooked functions => .*$/m', $out, $m);
echo $m[0], "\n";
echo "-- without imap and mbstring\n";
[$out] = mg_php(['--ri', 'mailguard'], ['exts' => []]);
preg_match('/^Hooked functions => .*$/m', $out, $m);
echo $m[0], "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECTF--
int(0)
string(0) ""

mailguard

mailguard support => enabled
Version => %s
Hooked functions => mail, mb_send_mail, error_log, imap_mail
libpq version => (some)
Quota database => not configured
Log lines dropped by this process => 0

Directive => Local Value => Master Value
mailguard.header => On => On
mailguard.stamp_uid => auto => auto
mailguard.account => acct1 => acct1
mailguard.syslog => On => On
mailguard.syslog_facility => local2 => local2
mailguard.syslog_socket => /run/mg.sock => /run/mg.sock
mailguard.syslog_max_length => 2048 => 2048
mailguard.log_field_max => 256 => 256
mailguard.dsn => (empty) => (empty)
mailguard.timeout_ms => 500 => 500
mailguard.retry_ms => 10000 => 10000
mailguard.fail_mode => open => open
mailguard.misconfiguration => refuse => refuse
mailguard.emergency_cap => 20 => 20
mailguard.synchronous_commit => default => default
mailguard.pooler => none => none
mailguard.additional_params => envelope => envelope
mailguard.envelope_sender => Off => Off
mailguard.max_header_bytes => 4194304 => 4194304
mailguard.header_limit_action => refuse => refuse
mailguard.max_rcpts => 0 => 0
-- without imap
Hooked functions => mail, mb_send_mail, error_log
-- without imap and mbstring
Hooked functions => mail, error_log
