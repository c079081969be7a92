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
--FILE--
<?php
$new = [
	'mailguard.header' => '0',
	'mailguard.account' => 'other',
	'mailguard.syslog' => '0',
	'mailguard.syslog_facility' => 'mail',
	'mailguard.syslog_socket' => '/tmp/elsewhere.sock',
	'mailguard.syslog_max_length' => '300',
	'mailguard.log_field_max' => '20',
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
int(7)
