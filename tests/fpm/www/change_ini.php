<?php
/* Check 2a: ini_set() and ini_restore() of every mailguard setting, then a
 * mail. The harness passes the hostile values (?v=JSON: name => value), so
 * that the list lives in one place; a setting without one is reported. */
require __DIR__ . '/common.inc';

$hostile = json_decode((string) ($_GET['v'] ?? '{}'), true) ?: [];
$before = mgf_ini_hashes();
$set = [];
$missing = [];
foreach (array_keys($before) as $k) {
	if (!array_key_exists($k, $hostile)) {
		$missing[] = $k;
		continue;
	}
	if (ini_set($k, $hostile[$k]) !== false) {
		$set[] = $k;
	}
}
$changed_by_set = array_keys(array_diff_assoc(mgf_ini_hashes(), $before));
foreach (array_keys($before) as $k) {
	ini_restore($k);
}
$after = mgf_ini_hashes();
$line = __LINE__; $ret = mail('rcpt@example.com', 'after ini_set', "body\n");
mgf_out(['pid' => getmypid(), 'settings' => array_keys($before), 'missing' => $missing, 'ini_set_ok' => $set,
	'changed_by_set' => $changed_by_set, 'changed' => array_keys(array_diff_assoc($after, $before)),
	'line' => $line, 'ret' => $ret, 'error' => mgf_last_error()]);
