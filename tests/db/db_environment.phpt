--TEST--
database: environment variables a script sets (PGOPTIONS, PGHOST, PGUSER, PGSERVICE, PGTARGETSESSIONATTRS, HOME, ...) change nothing about mailguard's connection
--EXTENSIONS--
sockets
--SKIPIF--
<?php require __DIR__ . '/../inc/helpers.inc'; mg_db_skipif(); ?>
--INI--
mailguard.dsn="${MG_PG_DSN}"
mailguard.account=db_environment
mailguard.fail_mode=closed
mailguard.syslog_socket={TMP}/mg-db_environment.sock
sendmail_path="/bin/sh {TMP}/mg-db_environment.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_db_account('db_environment', ['msgs_hour' => 100]);
$log = mg_listen();
mg_mta_install();

// A home directory with a .pgpass, a service file and client certificates
// that would break the connection if libpq used them.
$home = mg_path('.home');
mg_rm($home);
mkdir("$home/.postgresql", 0700, true);
file_put_contents("$home/.pgpass", "*:*:*:*:wrong-password\n");
chmod("$home/.pgpass", 0600);
file_put_contents("$home/.pg_service.conf", "[evil]\nhost=/nonexistent\nuser=postgres\n");
file_put_contents("$home/.postgresql/root.crt", "not a certificate\n");
file_put_contents("$home/.postgresql/postgresql.crt", "not a certificate\n");

$env = [
	'PGOPTIONS' => '-c default_transaction_read_only=on -c statement_timeout=1',
	'PGHOST' => '/nonexistent', 'PGHOSTADDR' => '192.0.2.1', 'PGPORT' => '1',
	'PGUSER' => 'postgres', 'PGPASSWORD' => 'wrong', 'PGDATABASE' => 'nowhere',
	'PGSERVICE' => 'evil', 'PGSERVICEFILE' => "$home/.pg_service.conf", 'PGSYSCONFDIR' => $home,
	'PGPASSFILE' => "$home/.pgpass", 'PGREQUIREPEER' => 'nobody', 'PGTARGETSESSIONATTRS' => 'standby',
	'PGSSLMODE' => 'verify-full', 'PGSSLROOTCERT' => "$home/.postgresql/root.crt", 'PGGSSENCMODE' => 'require',
	'PGCONNECT_TIMEOUT' => '1', 'PGAPPNAME' => 'evil', 'PGCLIENTENCODING' => 'LATIN1',
	'PGTZ' => 'Pacific/Kiritimati', 'PGDATESTYLE' => 'SQL, DMY', 'HOME' => $home,
];
foreach ($env as $k => $v) {
	putenv("$k=$v");
}
var_dump(mail('a@example.com', 'env', 'body'));
foreach (mg_log_read($log) as $l) {
	$f = $l['fields'];
	echo isset($f['event']) ? "syslog: event={$f['event']} error={$f['error']}\n"
		: "syslog: {$f['verdict']} " . ($f['reason'] ?? '-') . (isset($f['trace']) ? ' trace' : '') . "\n";
}
// The session the server sees is the one the DSN describes.
foreach (mg_sql("SELECT DISTINCT application_name, usename, datname FROM pg_stat_activity WHERE usename = 'mailguard_web' AND application_name <> 'psql'") as $row) {
	echo implode(' ', $row), "\n";
}
// The script's own environment is as it left it.
var_dump(getenv('PGOPTIONS') === $env['PGOPTIONS'], getenv('HOME') === $home);
$row = mg_db_log('db_environment')[0];   // logged sent with the accept
echo "logged: {$row['verdict']} {$row['outcome']}\n";
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
bool(true)
syslog: accept - trace
mailguard mailguard_web mailguard_test
bool(true)
bool(true)
logged: accept sent
