--TEST--
database: over quota (each window and measure), blocked, too many recipients, unknown account: false, a short warning naming the reason, no mail, a log row and a syslog line
--EXTENSIONS--
sockets
--SKIPIF--
<?php require __DIR__ . '/../inc/helpers.inc'; mg_db_skipif(); ?>
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$dsn = getenv('MG_PG_DSN');
$code = <<<'PHP'
foreach ([1, 2, 3] as $i) {
	$r = mail($argv[1], "mail $i", 'body');
	echo "mail $i: ", var_export($r, true), "\n";
}
PHP;
$cases = [
	'hour messages' => [['msgs_hour' => 2], 'x@example.com'],
	'day messages' => [['msgs_day' => 1], 'x@example.com'],
	'hour recipients' => [['rcpts_hour' => 5], 'a@x.example, b@x.example'],
	'day recipients' => [['rcpts_day' => 3], 'a@x.example, b@x.example'],
	'per mail' => [['rcpts_per_msg' => 2, 'msgs_hour' => 10], 'a@x.example, b@x.example, c@x.example'],
	'blocked' => [['blocked' => true, 'blocked_reason' => 'spam run 2026-11-20'], 'x@example.com'],
	'unknown' => [null, 'x@example.com'],
];
foreach ($cases as $name => [$limits, $to]) {
	$account = 'db_refusals_' . str_replace(' ', '_', $name);
	if ($limits === null) {
		mg_sql("DELETE FROM mailguard.accounts WHERE name = '$account'; DELETE FROM mailguard.log WHERE account = '$account'");
	} else {
		mg_db_account($account, $limits);
	}
	$r = mg_run($code, ['ini' => ['mailguard.dsn' => mg_db_ini($dsn), 'mailguard.account' => $account], 'argv' => [$to]]);
	echo "== $name: ", count($r['mails']), " mail(s) sent\n";
	echo str_replace($r['cmd'][count($r['cmd']) - 2], 'SNIPPET', $r['out']);
	foreach ($r['log'] as $l) {
		echo '  syslog: ', $l['fields']['verdict'], ' ', $l['fields']['reason'] ?? '-', ' ', $l['fields']['detail'] ?? '-',
			isset($l['fields']['trace']) ? ' trace' : '', "\n";
	}
	foreach (mg_db_log($account) as $row) {
		echo "  db: {$row['verdict']} ", $row['reason'] ?? '-', ' ', $row['outcome'] ?? '-', "\n";
	}
	if ($limits !== null) {
		$c = mg_db_counters($account);
		echo "  counted: {$c['hour_msgs']} mails, {$c['hour_rcpts']} recipients\n";
	}
}
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
== hour messages: 2 mail(s) sent
mail 1: true
mail 2: true

Warning: mail(): mailguard: mail refused: over quota in SNIPPET on line 2
mail 3: false
  syslog: accept - - trace
  syslog: accept - - trace
  syslog: refuse over-quota hour-messages
  db: accept - sent
  db: accept - sent
  db: refuse over-quota:hour-messages -
  counted: 2 mails, 2 recipients
== day messages: 1 mail(s) sent
mail 1: true

Warning: mail(): mailguard: mail refused: over quota in SNIPPET on line 2
mail 2: false

Warning: mail(): mailguard: mail refused: over quota in SNIPPET on line 2
mail 3: false
  syslog: accept - - trace
  syslog: refuse over-quota day-messages
  syslog: refuse over-quota day-messages
  db: accept - sent
  db: refuse over-quota:day-messages -
  db: refuse over-quota:day-messages -
  counted: 1 mails, 1 recipients
== hour recipients: 2 mail(s) sent
mail 1: true
mail 2: true

Warning: mail(): mailguard: mail refused: over quota in SNIPPET on line 2
mail 3: false
  syslog: accept - - trace
  syslog: accept - - trace
  syslog: refuse over-quota hour-recipients
  db: accept - sent
  db: accept - sent
  db: refuse over-quota:hour-recipients -
  counted: 2 mails, 4 recipients
== day recipients: 1 mail(s) sent
mail 1: true

Warning: mail(): mailguard: mail refused: over quota in SNIPPET on line 2
mail 2: false

Warning: mail(): mailguard: mail refused: over quota in SNIPPET on line 2
mail 3: false
  syslog: accept - - trace
  syslog: refuse over-quota day-recipients
  syslog: refuse over-quota day-recipients
  db: accept - sent
  db: refuse over-quota:day-recipients -
  db: refuse over-quota:day-recipients -
  counted: 1 mails, 2 recipients
== per mail: 0 mail(s) sent

Warning: mail(): mailguard: mail refused: too many recipients in SNIPPET on line 2
mail 1: false

Warning: mail(): mailguard: mail refused: too many recipients in SNIPPET on line 2
mail 2: false

Warning: mail(): mailguard: mail refused: too many recipients in SNIPPET on line 2
mail 3: false
  syslog: refuse too-many-recipients 3 > 2
  syslog: refuse too-many-recipients 3 > 2
  syslog: refuse too-many-recipients 3 > 2
  db: refuse too-many-recipients:3 > 2 -
  db: refuse too-many-recipients:3 > 2 -
  db: refuse too-many-recipients:3 > 2 -
  counted: 0 mails, 0 recipients
== blocked: 0 mail(s) sent

Warning: mail(): mailguard: mail refused: account blocked in SNIPPET on line 2
mail 1: false

Warning: mail(): mailguard: mail refused: account blocked in SNIPPET on line 2
mail 2: false

Warning: mail(): mailguard: mail refused: account blocked in SNIPPET on line 2
mail 3: false
  syslog: refuse blocked spam run 2026-11-20
  syslog: refuse blocked spam run 2026-11-20
  syslog: refuse blocked spam run 2026-11-20
  db: refuse blocked:spam run 2026-11-20 -
  db: refuse blocked:spam run 2026-11-20 -
  db: refuse blocked:spam run 2026-11-20 -
  counted: 0 mails, 0 recipients
== unknown: 0 mail(s) sent

Warning: mail(): mailguard: mail refused: unknown account in SNIPPET on line 2
mail 1: false

Warning: mail(): mailguard: mail refused: unknown account in SNIPPET on line 2
mail 2: false

Warning: mail(): mailguard: mail refused: unknown account in SNIPPET on line 2
mail 3: false
  syslog: refuse unknown-account -
  syslog: refuse unknown-account -
  syslog: refuse unknown-account -
  db: refuse unknown-account -
  db: refuse unknown-account -
  db: refuse unknown-account -
