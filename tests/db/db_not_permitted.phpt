--TEST--
database: a role that is not a client, or a peer role claiming another account: false, the fixed warning "account not permitted to send mail" and nothing of the role, the accounts or the reason; the reason in syslog; the database logs no claimed account
--EXTENSIONS--
sockets
--SKIPIF--
<?php require __DIR__ . '/../inc/helpers.inc'; mg_db_skipif(); ?>
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
// A cluster of this test's own: the shared test role's clients row is
// changed here, which would refuse every other test's mail.
$db = mg_db_private();
$admin = $db['MG_PG_ADMIN_DSN'];
mg_db_account('db_np_own', [], $admin);
mg_db_account('db_np_other', [], $admin);
$code = '$r = mail("x@example.com", "s", "b"); echo "mail: ", var_export($r, true), "\n";';
$cases = [
	// a member of mailguard_client whose clients row was deleted
	'not a client' => "DELETE FROM mailguard.clients WHERE role = 'mailguard_web'",
	// a peer role (its own account db_np_own) that claims another account
	'identity mismatch' => "INSERT INTO mailguard.clients (role, trust_claimed, account) VALUES ('mailguard_web', false, 'db_np_own')",
];
foreach ($cases as $name => $sql) {
	mg_sql($sql, $admin);
	$from = (int) mg_sql('SELECT coalesce(max(id), 0) FROM mailguard.log', $admin)[0][0];
	$r = mg_run($code, ['ini' => ['mailguard.dsn' => mg_db_ini($db['MG_PG_DSN']), 'mailguard.account' => 'db_np_other']]);
	$out = $r['out'] . $r['err'];
	echo "== $name: ", count($r['mails']), " mail(s) sent\n";
	echo preg_replace('/ in \S+ on line \d+/', '', $out);
	// what the script must not learn: the role, its own account, the
	// reason's code, the server's socket
	foreach (['mailguard_web', 'db_np_own', 'not-a-client', 'identity', $db['MG_PG_HOST']] as $secret) {
		if (stripos($out, $secret) !== false) {
			echo "  LEAKED to the script: $secret\n";
		}
	}
	foreach ($r['log'] as $l) {
		echo '  syslog: ', $l['fields']['verdict'] ?? '-', ' ', $l['fields']['reason'] ?? '-', "\n";
	}
	foreach (mg_sql("SELECT verdict, reason, coalesce(account, 'NULL'), client_role FROM mailguard.log WHERE id > $from ORDER BY id", $admin) as $row) {
		echo '  db: ', implode(' ', $row), "\n";
	}
}
echo 'counted for the claimed account: ', mg_sql("SELECT count(*) FROM mailguard.counters WHERE account = 'db_np_other' AND hour_msgs > 0", $admin)[0][0], "\n";
mg_db_ctl($db, 'destroy');
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_db_ctl(['MG_PG_DIR' => mg_path('.pg')], 'destroy');
mg_clean();
?>
--EXPECT--
== not a client: 0 mail(s) sent

Warning: mail(): mailguard: mail refused: account not permitted to send mail
mail: false
  syslog: refuse not-a-client
  db: refuse not-a-client NULL mailguard_web
== identity mismatch: 0 mail(s) sent

Warning: mail(): mailguard: mail refused: account not permitted to send mail
mail: false
  syslog: refuse identity-mismatch
  db: refuse identity-mismatch db_np_own mailguard_web
counted for the claimed account: 0
