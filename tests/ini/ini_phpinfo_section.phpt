--TEST--
phpinfo(INFO_MODULES) has the mailguard section with the hooked functions and the directives
--EXTENSIONS--
imap
mbstring
--INI--
mailguard.account=acct2
mailguard.log_field_max=99
mailguard.timeout_ms=500
mailguard.dsn="host=/nonexistent/mg-ini_phpinfo_section user=u password=phpinfo-must-not-show-this"
--FILE--
<?php
ob_start();
phpinfo(INFO_MODULES);
$info = ob_get_clean();
$start = strpos($info, "\nmailguard\n");
var_dump($start !== false);
$lines = [];
foreach (explode("\n", substr($info, $start + 1)) as $line) {
	if (preg_match('/^(mailguard support|Hooked functions|mailguard\.)/', $line)) {
		$lines[] = $line;
	}
}
sort($lines);
echo implode("\n", $lines), "\n";
var_dump(strpos($info, 'phpinfo-must-not-show-this'), preg_match('/^Quota database => configured$/m', $info));
$r = new ReflectionExtension('mailguard');
$keys = array_keys($r->getINIEntries());
sort($keys);
echo implode(', ', $keys), "\n";
var_dump($r->getFunctions());
?>
--EXPECT--
bool(true)
Hooked functions => mail, mb_send_mail, error_log, imap_mail
mailguard support => enabled
mailguard.account => acct2 => acct2
mailguard.additional_params => envelope => envelope
mailguard.dsn => (set) => (set)
mailguard.emergency_cap => 20 => 20
mailguard.envelope_sender => Off => Off
mailguard.fail_mode => open => open
mailguard.header => On => On
mailguard.header_limit_action => refuse => refuse
mailguard.log_field_max => 99 => 99
mailguard.max_header_bytes => 4194304 => 4194304
mailguard.max_rcpts => 0 => 0
mailguard.misconfiguration => refuse => refuse
mailguard.pooler => none => none
mailguard.retry_ms => 10000 => 10000
mailguard.stamp_uid => auto => auto
mailguard.synchronous_commit => default => default
mailguard.syslog => On => On
mailguard.syslog_facility => mail => mail
mailguard.syslog_max_length => 2048 => 2048
mailguard.syslog_socket => /dev/log => /dev/log
mailguard.timeout_ms => 500 => 500
bool(false)
int(1)
mailguard.account, mailguard.additional_params, mailguard.dsn, mailguard.emergency_cap, mailguard.envelope_sender, mailguard.fail_mode, mailguard.header, mailguard.header_limit_action, mailguard.log_field_max, mailguard.max_header_bytes, mailguard.max_rcpts, mailguard.misconfiguration, mailguard.pooler, mailguard.retry_ms, mailguard.stamp_uid, mailguard.synchronous_commit, mailguard.syslog, mailguard.syslog_facility, mailguard.syslog_max_length, mailguard.syslog_socket, mailguard.timeout_ms
array(0) {
}
