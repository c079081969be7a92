--TEST--
database: one statement and one commit per mail, one-mail requests included (an accepted mail is logged as sent; only a failure is reported, once)
--EXTENSIONS--
sockets
posix
--SKIPIF--
<?php require __DIR__ . '/../inc/helpers.inc'; mg_db_skipif(); ?>
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
// A cluster of this test's own: nothing else commits in its database
// (autovacuum off), and the statistics read go to another database.
$db = mg_db_private();
$admin = $db['MG_PG_ADMIN_DSN'];
$other = preg_replace('/dbname=\S+/', 'dbname=postgres', $admin);
mg_db_settings(['autovacuum' => 'off', 'track_functions' => 'pl'], $admin);
mg_db_account('one_commit', [], $admin);

// A backend flushes its statistics when it exits, before it leaves
// pg_stat_activity: once no session is left in the database, its commits
// are all counted.
function idle(string $other): void
{
	for ($i = 0; $i < 100; $i++) {
		if (mg_sql("SELECT count(*) FROM pg_stat_activity WHERE datname = 'mailguard_test'", $other)[0][0] === '0') {
			return;
		}
		usleep(50000);
	}
	echo "sessions still open\n";
}
// Commits other than the one each session makes when it starts (the
// server reads its catalogs in a transaction of its own).
function commits(string $other): int
{
	idle($other);
	return (int) mg_sql("SELECT xact_commit - sessions FROM pg_stat_database WHERE datname = 'mailguard_test'", $other)[0][0];
}
function calls(string $admin, string $other): int
{
	idle($other);
	$r = mg_sql("SELECT calls FROM pg_stat_user_functions WHERE schemaname = 'mailguard' AND funcname = 'mail'", $admin);
	return $r ? (int) $r[0][0] : 0;
}

$calls0 = calls($admin, $other);
$commits0 = commits($other);
$ini = ['mailguard.dsn' => mg_db_ini($db['MG_PG_DSN']), 'mailguard.account' => 'one_commit'];
$send = 'for ($i = 0; $i < (int) $argv[1]; $i++) { var_dump(mail("a@example.com", "s", "b")); }';
// five requests (PHP processes) of one mail each
for ($i = 0; $i < 5; $i++) {
	$r = mg_run($send, ['argv' => ['1'], 'ini' => $ini]);
	echo trim($r['out']), ' ';
}
echo "\n";
// one request of three mails
$r = mg_run($send, ['argv' => ['3'], 'ini' => $ini]);
echo str_replace("\n", ' ', trim($r['out'])), "\n";
// one request whose mail fails at the MTA: its failure is reported at the
// end of the request, a second statement
$r = mg_run($send, ['argv' => ['1'], 'ini' => $ini + ['sendmail_path' => '/bin/false']]);
echo trim($r['out']), "\n", $r['err'];
$commits = commits($other) - $commits0;
$calls = calls($admin, $other) - $calls0;
echo "mails: 9, mailguard.mail() calls: $calls, commits: $commits\n";

$out = [];
foreach (mg_db_log('one_commit', $admin) as $row) {
	$out[] = "{$row['verdict']}/" . ($row['outcome'] ?? $row['reason']);
}
echo implode(' ', $out), "\n";
mg_db_ctl($db, 'destroy');
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
bool(true) bool(true) bool(true) bool(true) bool(true) 
bool(true) bool(true) bool(true)
bool(false)
mails: 9, mailguard.mail() calls: 10, commits: 10
accept/sent accept/sent accept/sent accept/sent accept/sent accept/sent accept/sent accept/sent accept/failed
