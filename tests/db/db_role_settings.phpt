--TEST--
database: defaults a client role gives itself (ALTER ROLE CURRENT_USER SET: read-only transactions, SERIALIZABLE, a 1 ms statement_timeout) do not reach mailguard's session: the mail is still asked, counted and logged, not turned into the fail mode
--EXTENSIONS--
sockets
posix
--SKIPIF--
<?php require __DIR__ . '/../inc/helpers.inc'; mg_db_skipif(); ?>
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
// a cluster of this test's own: the role's defaults would reach every test
$db = mg_db_private();
try {
	mg_db_account('db_role_settings', ['msgs_hour' => 10], $db['MG_PG_ADMIN_DSN']);
	// the customer's own move, as the client role, on its own login
	mg_sql("ALTER ROLE CURRENT_USER SET default_transaction_read_only = on;"
		. " ALTER ROLE CURRENT_USER SET default_transaction_isolation = 'serializable';"
		. " ALTER ROLE CURRENT_USER SET statement_timeout = 1", $db['MG_PG_DSN']);
	echo "role defaults: ", implode(' ', array_map(fn($r) => $r[0], mg_sql(
		"SELECT unnest(setconfig) FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole WHERE r.rolname = 'mailguard_web' ORDER BY 1",
		$db['MG_PG_ADMIN_DSN']))), "\n";
	$code = <<<'PHP'
	var_dump(mail('a@example.com', 's', 'b'));
	var_dump(mail('b@example.com', 's', 'b'));
	PHP;
	$r = mg_run($code, ['exts' => ['sockets'], 'ini' => ['mailguard.dsn' => mg_db_ini($db['MG_PG_DSN']),
		'mailguard.account' => 'db_role_settings', 'mailguard.fail_mode' => 'open', 'mailguard.timeout_ms' => 5000]]);
	echo trim($r['out'] . $r['err']), "\n";
	foreach ($r['log'] as $l) {
		$f = $l['fields'];
		echo isset($f['event']) ? "event={$f['event']} error={$f['error']}\n"
			: "{$f['verdict']} " . ($f['reason'] ?? '-') . (isset($f['db']) ? " db={$f['db']}" : '') . (isset($f['trace']) ? ' trace' : '') . "\n";
	}
	echo "rows: ", implode(' ', array_map(fn($row) => "{$row['verdict']}/{$row['outcome']}", mg_db_log('db_role_settings', $db['MG_PG_ADMIN_DSN']))), "\n";
	echo "counter: ", mg_db_counters('db_role_settings', $db['MG_PG_ADMIN_DSN'])['hour_msgs'], "\n";
	echo "mails: ", count($r['mails']), "\n";
} finally {
	mg_db_ctl($db, 'destroy');
}
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
role defaults: default_transaction_isolation=serializable default_transaction_read_only=on statement_timeout=1
bool(true)
bool(true)
accept - trace
accept - trace
rows: accept/sent accept/sent
counter: 2
mails: 2
