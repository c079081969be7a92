<?php
/* Check 6: the customer connects to PostgreSQL itself, as its own role
 * (peer authentication over the socket mailguard uses), and tries to read
 * and change what it should not. The socket directory and the database
 * come as FastCGI parameters (MGF_PGHOST, MGF_PGDB); the harness reads
 * the result. Every statement reports ok or the server's error. */
require __DIR__ . '/common.inc';

$host = (string) ($_SERVER['MGF_PGHOST'] ?? '');
$db = (string) ($_SERVER['MGF_PGDB'] ?? '');
$other = (string) ($_SERVER['MGF_OTHER'] ?? '');
$r = ['pid' => getmypid()];

/* Connecting as anyone else, or to another database, must fail. */
foreach (["user=$other" => 'as_other_pool', 'user=postgres' => 'as_postgres',
		'user=mailguard_owner' => 'as_owner', 'dbname=postgres' => 'other_database'] as $extra => $name) {
	$c = @pg_connect("host=$host port=5432 dbname=$db $extra connect_timeout=5", PGSQL_CONNECT_FORCE_NEW);
	$r['connect'][$name] = $c === false ? 'refused' : 'CONNECTED as ' . pg_fetch_result(pg_query($c, 'SELECT session_user'), 0, 0);
}

$c = @pg_connect("host=$host port=5432 dbname=$db connect_timeout=5", PGSQL_CONNECT_FORCE_NEW);
if ($c === false) {
	$r['own'] = 'could not connect';
	mgf_out($r);
	exit;
}
$r['own'] = pg_fetch_result(pg_query($c, 'SELECT session_user'), 0, 0);

function q($c, string $sql): array
{
	$res = @pg_query($c, $sql);
	if ($res === false) {
		$e = pg_last_error($c);
		@pg_query($c, 'ROLLBACK');
		return ['ok' => false, 'error' => trim(strtok($e, "\n"))];
	}
	return ['ok' => true, 'rows' => pg_fetch_all($res, PGSQL_ASSOC) ?: []];
}

$attempts = [
	'read accounts' => 'SELECT * FROM mailguard.accounts',
	'read counters' => 'SELECT * FROM mailguard.counters',
	'read log' => 'SELECT * FROM mailguard.log',
	'read clients' => 'SELECT * FROM mailguard.clients',
	'read settings' => 'SELECT * FROM mailguard.settings',
	'raise own limit' => "UPDATE mailguard.accounts SET msgs_hour = 1000000, msgs_day = 1000000 WHERE name = current_user",
	'unblock / insert account' => "INSERT INTO mailguard.accounts (name) VALUES ('mgf_new')",
	'reset own counters' => "UPDATE mailguard.counters SET hour_msgs = 0, day_msgs = 0 WHERE account = current_user",
	'delete the log' => 'DELETE FROM mailguard.log',
	'become a shared client' => "UPDATE mailguard.clients SET trust_claimed = true WHERE role = current_user",
	'take the owner role' => 'SET ROLE mailguard_owner',
	'take the other pool role' => "SET ROLE $other",
	'session authorization' => "SET SESSION AUTHORIZATION $other",
	'create in the schema' => 'CREATE TABLE mailguard.mgf_t (i int)',
	'log maintenance' => 'SELECT mailguard.log_maintain(0, 0)',
];
foreach ($attempts as $name => $sql) {
	$r['attempts'][$name] = q($c, $sql);
}
/* The one thing the role may do: call mailguard.mail(). Naming the other
 * pool's account must not charge it; no account charges this role's. */
$r['mail_as_other'] = q($c, "SELECT verdict, reason FROM mailguard.mail(p_account => '$other', p_rcpts => 1, p_script => 'pgdirect-as-other')");
$r['mail_as_self'] = q($c, "SELECT verdict, reason FROM mailguard.mail(p_account => NULL, p_rcpts => 1, p_script => 'pgdirect-as-self')");
mgf_out($r);
