--TEST--
database: multi-host DSNs for a primary and a standby (socket directories, hostaddr lists, host names with a hostaddr each, the URI form, target_session_attrs=read-write) pass the host-name rule and reach the server that answers; a list with one name and no hostaddr is refused as before; a frozen first host costs its share of timeout_ms, not all of it, and a reconnection starts with the host that answered
--EXTENSIONS--
sockets
posix
--SKIPIF--
<?php require __DIR__ . '/../inc/helpers.inc'; mg_db_skipif(); ?>
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$host = getenv('MG_PG_HOST');
$port = getenv('MG_PG_PORT');
$db = getenv('MG_PG_DB');
$pw = preg_replace('/.*password=(\S+).*/', '$1', getenv('MG_PG_DSN'));
$auth = "dbname=$db user=mailguard_web password=$pw";
mg_db_account('db_multihost', ['msgs_hour' => 100]);
$gone = '/nonexistent/mg-db_multihost';
$cases = [
	// the first server is away: libpq goes on to the second, which answers
	'socket directories, the first away' => "host=$gone,$host port=$port,$port $auth target_session_attrs=read-write",
	'socket directories, one port for both' => "host=$gone,$host port=$port $auth target_session_attrs=read-write",
	'URI form' => "postgresql:///$db?host=" . rawurlencode("$gone,$host") . "&port=$port,$port&user=mailguard_web&password=$pw&target_session_attrs=read-write",
	// no server listens on TCP: an outage (db=connect), not a misconfiguration
	'hostaddr list' => "hostaddr=127.0.0.1,127.0.0.1 port=9,9 $auth target_session_attrs=read-write",
	'host names with a hostaddr each' => "host=db1.example,db2.example hostaddr=127.0.0.1,127.0.0.1 port=9,9 $auth target_session_attrs=read-write",
	'a name among socket directories, no hostaddr' => "host=$host,db2.example port=$port,$port $auth target_session_attrs=read-write",
];
$code = <<<'PHP'
var_dump(mail('a@example.com', 's', 'b'));
PHP;
foreach ($cases as $what => $dsn) {
	$r = mg_run($code, ['exts' => ['sockets'], 'ini' => ['mailguard.dsn' => mg_db_ini($dsn), 'mailguard.account' => 'db_multihost',
		'mailguard.fail_mode' => 'open', 'mailguard.timeout_ms' => 5000]]);
	$out = trim(preg_replace('/ in \S+ on line \d+/', '', $r['out'] . $r['err']));
	$lines = [];
	foreach ($r['log'] as $l) {
		$f = $l['fields'];
		$lines[] = isset($f['event']) ? "event={$f['event']} error={$f['error']}"
			: "{$f['verdict']} " . ($f['reason'] ?? '-') . (isset($f['db']) ? " db={$f['db']}" : '') . (isset($f['trace']) ? ' trace' : '');
	}
	printf("%s:\n  %s\n  log: %s\n", $what, str_replace("\n", "\n  ", $out), implode('; ', $lines));
}
// A first host that takes the connection and never answers (a frozen old
// primary): it gets its share of the deadline (half of it here), then the
// second host answers. After the session ends, the same process starts
// with the host that answered and does not wait on the frozen one.
$frozen = mg_db_private();
mg_db_ctl($frozen, 'freeze');
$helpers = realpath(__DIR__ . '/../inc/helpers.inc');
$code = <<<PHP
require '$helpers';
function send(string \$label): void
{
	\$t = microtime(true);
	\$r = mail('a@example.com', \$label, 'body');
	\$ms = (microtime(true) - \$t) * 1000;
	printf("%s: %s, %s\\n", \$label, var_export(\$r, true),
		\$ms < 900 ? 'at once' : (\$ms >= 990 && \$ms < 1900 ? 'after the frozen host\'s share' : "WRONG TIME \$ms ms"));
}
send('1 frozen host first');
mg_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'mg_multihost'", \$argv[1]);
usleep(300000);
send('2 after the session ended');
PHP;
$r = mg_run($code, ['argv' => [getenv('MG_PG_ADMIN_DSN')], 'exts' => ['sockets'], 'ini' => [
	'mailguard.dsn' => mg_db_ini("host={$frozen['MG_PG_HOST']},$host port={$frozen['MG_PG_PORT']},$port $auth application_name=mg_multihost target_session_attrs=read-write"),
	'mailguard.account' => 'db_multihost', 'mailguard.fail_mode' => 'closed', 'mailguard.timeout_ms' => 2000]]);
mg_db_ctl($frozen, 'thaw');
mg_db_ctl($frozen, 'destroy');
echo "frozen first host:\n", preg_replace('/ in \S+ on line \d+/', '', $r['out']), $r['err'];
foreach ($r['log'] as $l) {
	$f = $l['fields'];
	echo isset($f['event']) ? "  syslog: event={$f['event']} error={$f['error']}\n"
		: "  syslog: {$f['verdict']} " . ($f['reason'] ?? '-') . (isset($f['db']) ? " db={$f['db']}" : '') . (isset($f['trace']) ? ' trace' : '') . "\n";
}
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_db_ctl(['MG_PG_DIR' => mg_path('.pg')], 'thaw');
mg_db_ctl(['MG_PG_DIR' => mg_path('.pg')], 'destroy');
mg_clean();
?>
--EXPECT--
socket directories, the first away:
  bool(true)
  log: accept - trace
socket directories, one port for both:
  bool(true)
  log: accept - trace
URI form:
  bool(true)
  log: accept - trace
hostaddr list:
  bool(true)
  log: event=database error=connect; accept db-unavailable db=connect
host names with a hostaddr each:
  bool(true)
  log: event=database error=connect; accept db-unavailable db=connect
a name among socket directories, no hostaddr:
  Warning: mailguard: mailguard.dsn names a host by name, whose lookup no deadline bounds; give its address in hostaddr=; until then every mail is refused
  
  Warning: mail(): mailguard: mail refused: service unavailable
  bool(false)
  log: event=database error=misconfigured; refuse db-misconfigured db=misconfigured
frozen first host:
1 frozen host first: true, after the frozen host's share
2 after the session ended: true, at once
  syslog: accept - trace
  syslog: event=database error=reconnect
  syslog: accept - trace
