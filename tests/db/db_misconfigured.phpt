--TEST--
database: a misconfiguration (no such role or database, a refused login, no schema, a host by name) is not an outage: refused by default even with fail_mode=open, logged at err as db=misconfigured with the server's message, shown in phpinfo, never named to the script
--EXTENSIONS--
sockets
--SKIPIF--
<?php require __DIR__ . '/../inc/helpers.inc'; mg_db_skipif(); ?>
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$host = getenv('MG_PG_HOST');
$port = getenv('MG_PG_PORT');
$db = getenv('MG_PG_DB');
$cases = [
	'no such role' => ["host=$host port=$port dbname=$db user=mg_no_such_role_q7", 'mg_no_such_role_q7'],
	'no such database' => ["host=$host port=$port dbname=mg_no_such_db_q7 user=mailguard_web password=" . preg_replace('/.*password=(\S+).*/', '$1', getenv('MG_PG_DSN')), 'mg_no_such_db_q7'],
	'wrong password' => ["host=$host port=$port dbname=$db user=mailguard_web password=mg_wrong_pw_q7", 'mg_wrong_pw_q7'],
	'no schema (a database without it)' => ["host=$host port=$port dbname=postgres user=postgres", 'postgres'],
	'a host by name' => ["host=localhost port=$port dbname=$db user=mailguard_web", 'localhost'],
];
$code = <<<'PHP'
var_dump(mail('a@example.com', 's', 'b'));
ob_start(); phpinfo(INFO_MODULES); preg_match('/Quota database state => (.*)/', ob_get_clean(), $m);
echo "state: {$m[1]}\n";
PHP;
foreach ($cases as $what => [$dsn, $secret]) {
	foreach (['refuse', 'fail_mode'] as $rule) {
		$r = mg_run($code, ['exts' => ['sockets'], 'ini' => ['mailguard.dsn' => mg_db_ini($dsn), 'mailguard.account' => 'db_misconfigured',
			'mailguard.fail_mode' => 'open', 'mailguard.misconfiguration' => $rule]]);
		$out = trim(preg_replace('/ in \S+ on line \d+/', '', $r['out'] . $r['err']));
		$lines = [];
		foreach ($r['log'] as $l) {
			$f = $l['fields'];
			$lines[] = isset($f['event']) ? "event={$f['event']} error={$f['error']} severity={$l['severity']}"
					. (str_contains($f['detail'] ?? '', $secret) ? ' (detail names it)' : '')
				: "{$f['verdict']} " . ($f['reason'] ?? '-') . (isset($f['db']) ? " db={$f['db']}" : '');
		}
		printf("%s, %s:\n  %s\n  log: %s\n  mails: %d%s\n", $what, $rule, str_replace("\n", "\n  ", $out), implode('; ', $lines), count($r['mails']),
			str_contains($r['out'] . $r['err'], $secret) ? "\n  THE SCRIPT SAW $secret" : '');
	}
}
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
no such role, refuse:
  Warning: mail(): mailguard: mail refused: service unavailable
  bool(false)
  state: misconfigured (see syslog)
  log: event=database error=misconfigured severity=3 (detail names it); refuse db-misconfigured db=misconfigured
  mails: 0
no such role, fail_mode:
  bool(true)
  state: misconfigured (see syslog)
  log: event=database error=misconfigured severity=3 (detail names it); accept db-unavailable db=misconfigured
  mails: 1
no such database, refuse:
  Warning: mail(): mailguard: mail refused: service unavailable
  bool(false)
  state: misconfigured (see syslog)
  log: event=database error=misconfigured severity=3 (detail names it); refuse db-misconfigured db=misconfigured
  mails: 0
no such database, fail_mode:
  bool(true)
  state: misconfigured (see syslog)
  log: event=database error=misconfigured severity=3 (detail names it); accept db-unavailable db=misconfigured
  mails: 1
wrong password, refuse:
  Warning: mail(): mailguard: mail refused: service unavailable
  bool(false)
  state: misconfigured (see syslog)
  log: event=database error=misconfigured severity=3; refuse db-misconfigured db=misconfigured
  mails: 0
wrong password, fail_mode:
  bool(true)
  state: misconfigured (see syslog)
  log: event=database error=misconfigured severity=3; accept db-unavailable db=misconfigured
  mails: 1
no schema (a database without it), refuse:
  Warning: mail(): mailguard: mail refused: service unavailable
  bool(false)
  state: misconfigured (see syslog)
  log: event=database error=misconfigured severity=3; refuse db-misconfigured db=misconfigured
  mails: 0
no schema (a database without it), fail_mode:
  bool(true)
  state: misconfigured (see syslog)
  log: event=database error=misconfigured severity=3; accept db-unavailable db=misconfigured
  mails: 1
a host by name, refuse:
  Warning: mailguard: mailguard.dsn names a host by name, whose lookup no deadline bounds; give its address in hostaddr=; until then every mail is refused
  
  Warning: mail(): mailguard: mail refused: service unavailable
  bool(false)
  state: misconfigured (see syslog)
  log: event=database error=misconfigured severity=3; refuse db-misconfigured db=misconfigured
  mails: 0
a host by name, fail_mode:
  Warning: mailguard: mailguard.dsn names a host by name, whose lookup no deadline bounds; give its address in hostaddr=; until then every mail is decided by the fail mode
  bool(true)
  state: misconfigured (see syslog)
  log: event=database error=misconfigured severity=3; accept db-unavailable db=misconfigured
  mails: 1
