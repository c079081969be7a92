--TEST--
every mailguard.* setting is PHP_INI_SYSTEM: ini_set() returns false and changes nothing, ini_restore() neither
--INI--
mailguard.header=1
mailguard.account=acct
mailguard.syslog=1
mailguard.syslog_facility=local1
mailguard.syslog_socket=/nonexistent/mg-ini_all_system.sock
mailguard.syslog_max_length=1000
mailguard.log_field_max=100
mailguard.dsn="host=/nonexistent/mg-ini_all_system dbname=x"
mailguard.timeout_ms=300
mailguard.retry_ms=2000
mailguard.fail_mode=closed
mailguard.emergency_cap=5
mailguard.synchronous_commit=local
mailguard.pooler=transaction
mailguard.additional_params=any
mailguard.max_header_bytes=65536
mailguard.header_limit_action=count
mailguard.max_rcpts=50
mailguard.envelope_sender=1
mailguard.stamp_uid=owner
mailguard.misconfiguration=fail_mode
--FILE--
<?php
$new = [
	'mailguard.header' => '0',
	'mailguard.account' => 'other',
	'mailguard.syslog' => '0',
	'mailguard.syslog_facility' => 'mail',
	'mailguard.syslog_socket' => '/nonexistent/elsewhere.sock',
	'mailguard.syslog_max_length' => '300',
	'mailguard.log_field_max' => '20',
	'mailguard.dsn' => 'host=/nonexistent/other dbname=y',
	'mailguard.timeout_ms' => '60000',
	'mailguard.retry_ms' => '0',
	'mailguard.fail_mode' => 'open',
	'mailguard.emergency_cap' => '1000000',
	'mailguard.synchronous_commit' => 'on',
	'mailguard.pooler' => 'none',
	'mailguard.additional_params' => 'none',
	'mailguard.max_header_bytes' => '0',
	'mailguard.header_limit_action' => 'refuse',
	'mailguard.stamp_uid' => 'process',
	'mailguard.misconfiguration' => 'refuse',
	'mailguard.max_rcpts' => '0',
	'mailguard.envelope_sender' => '0',
];
$all = ini_get_all('mailguard');
var_dump(array_keys($all) == array_keys($new) || count(array_diff(array_keys($all), array_keys($new))) === 0);
foreach ($new as $k => $v) {
	$before = ini_get($k);
	$r = ini_set($k, $v);
	ini_restore($k);
	printf("%-28s access=%d ini_set=%s value=%s %s\n", $k, $all[$k]['access'], var_export($r, true),
		var_export(ini_get($k), true), ini_get($k) === $before ? 'unchanged' : 'CHANGED');
}
var_dump(count($all));
?>
--EXPECT--
bool(true)
mailguard.header             access=4 ini_set=false value='1' unchanged
mailguard.account            access=4 ini_set=false value='acct' unchanged
mailguard.syslog             access=4 ini_set=false value='1' unchanged
mailguard.syslog_facility    access=4 ini_set=false value='local1' unchanged
mailguard.syslog_socket      access=4 ini_set=false value='/nonexistent/mg-ini_all_system.sock' unchanged
mailguard.syslog_max_length  access=4 ini_set=false value='1000' unchanged
mailguard.log_field_max      access=4 ini_set=false value='100' unchanged
mailguard.dsn                access=4 ini_set=false value='(redacted)' unchanged
mailguard.timeout_ms         access=4 ini_set=false value='300' unchanged
mailguard.retry_ms           access=4 ini_set=false value='2000' unchanged
mailguard.fail_mode          access=4 ini_set=false value='closed' unchanged
mailguard.emergency_cap      access=4 ini_set=false value='5' unchanged
mailguard.synchronous_commit access=4 ini_set=false value='local' unchanged
mailguard.pooler             access=4 ini_set=false value='transaction' unchanged
mailguard.additional_params  access=4 ini_set=false value='any' unchanged
mailguard.max_header_bytes   access=4 ini_set=false value='65536' unchanged
mailguard.header_limit_action access=4 ini_set=false value='count' unchanged
mailguard.stamp_uid          access=4 ini_set=false value='owner' unchanged
mailguard.misconfiguration   access=4 ini_set=false value='fail_mode' unchanged
mailguard.max_rcpts          access=4 ini_set=false value='50' unchanged
mailguard.envelope_sender    access=4 ini_set=false value='1' unchanged
int(21)
