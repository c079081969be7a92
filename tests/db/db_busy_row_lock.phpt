--TEST--
database: a session of the customer's own role that counts a mail and keeps its transaction open (holding the account's counter row) does not push mail() into the fail mode: with fail_mode=open the next mail() is refused "service unavailable" (logged busy) within its deadline and not sent; another account is not held up; once the session is gone the account sends again
--EXTENSIONS--
sockets
--SKIPIF--
<?php require __DIR__ . '/../inc/helpers.inc'; mg_db_skipif(); ?>
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$dsn = getenv('MG_PG_DSN');
mg_db_account('db_busy_lock', ['msgs_hour' => 100]);
mg_db_account('db_busy_other', ['msgs_hour' => 100]);

// The holder: the role mailguard connects with (what a customer with
// peer access to the database has), counting a mail of the account and
// sleeping inside its transaction.
$app = 'mg_busy_' . getmypid();
$env = ['PATH' => getenv('PATH'), 'PGAPPNAME' => $app];
$holder = proc_open(['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $dsn, '-c', 'BEGIN',
	'-c', "SELECT verdict FROM mailguard.mail(p_account => 'db_busy_lock', p_rcpts => 1)",
	'-c', 'SELECT pg_sleep(60)', '-c', 'COMMIT'],
	[0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['pipe', 'w']], $holder_pipes, null, $env);
$q = mg_sql_quote($app);
for ($i = 0; $i < 200; $i++) {
	if (mg_sql("SELECT count(*) FROM pg_stat_activity WHERE application_name = $q AND wait_event = 'PgSleep'")[0][0] === '1') {
		break;
	}
	usleep(50000);
}
echo "holder sleeping in its transaction: ", $i < 200 ? 'yes' : 'no', "\n";

$code = <<<'PHP'
$t = microtime(true);
$r = mail('a@example.com', 'during the hold', 'body');
$ms = (int) round((microtime(true) - $t) * 1000);
var_dump($r);
echo $ms < 2000 ? "within the 2000 ms deadline\n" : "TOO LONG: $ms ms\n";
PHP;
$ini = ['mailguard.dsn' => mg_db_ini($dsn), 'mailguard.fail_mode' => 'open', 'mailguard.timeout_ms' => 2000];
foreach (['db_busy_lock', 'db_busy_other'] as $account) {
	echo "== $account, while the row is held\n";
	$r = mg_run($code, ['exts' => ['sockets'], 'ini' => $ini + ['mailguard.account' => $account]]);
	echo preg_replace('/ in \S+ on line \d+/', '', $r['out']), $r['err'];
	echo count($r['mails']), " mail(s) sent\n";
	foreach ($r['log'] as $l) {
		echo 'syslog: ', $l['fields']['verdict'] ?? '-', ' ', $l['fields']['reason'] ?? '-', "\n";
	}
}
// the holder's sleep cancelled: psql stops, its transaction rolls back
mg_sql("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = $q");
stream_get_contents($holder_pipes[2]);
proc_close($holder);
echo "== db_busy_lock, after the holder is gone\n";
$r = mg_run($code, ['exts' => ['sockets'], 'ini' => $ini + ['mailguard.account' => 'db_busy_lock']]);
echo preg_replace('/ in \S+ on line \d+/', '', $r['out']), $r['err'], count($r['mails']), " mail(s) sent\n";

foreach (['db_busy_lock', 'db_busy_other'] as $account) {
	echo "$account log: ", implode(' ', array_map(fn($row) => $row['verdict'] . '/' . ($row['reason'] ?? $row['outcome']),
		mg_db_log($account))), "\n";
	$c = mg_db_counters($account);
	echo "$account counted: {$c['hour_msgs']}\n";
}
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
holder sleeping in its transaction: yes
== db_busy_lock, while the row is held

Warning: mail(): mailguard: mail refused: service unavailable
bool(false)
within the 2000 ms deadline
0 mail(s) sent
syslog: refuse busy
== db_busy_other, while the row is held
bool(true)
within the 2000 ms deadline
1 mail(s) sent
syslog: accept -
== db_busy_lock, after the holder is gone
bool(true)
within the 2000 ms deadline
1 mail(s) sent
db_busy_lock log: refuse/busy:counter row locked by another session accept/sent
db_busy_lock counted: 1
db_busy_other log: accept/sent
db_busy_other counted: 1
