--TEST--
database: the question is a statement prepared once per connection in the first question's round trip (mailguard.pooler=none), the unnamed one behind a transaction pooler; it survives a change of mailguard.mail()
--EXTENSIONS--
sockets
posix
--SKIPIF--
<?php require __DIR__ . '/../inc/helpers.inc'; mg_db_skipif(); ?>
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
// A cluster of this test's own, logging every statement's protocol steps
// (parse, bind, execute) with the statement's name.
$db = mg_db_private();
$admin = $db['MG_PG_ADMIN_DSN'];
mg_db_settings(['log_min_duration_statement' => '0'], $admin);
mg_db_account('prepared', [], $admin);
$log = $db['MG_PG_DIR'] . '/log/postgresql.log';

// what the server logged since offset $from: "step name" => count
function steps(string $log, int $from): array
{
	clearstatcache();
	$text = (string) file_get_contents($log, false, null, $from);
	preg_match_all('/duration: [0-9.]+ ms  (parse|bind|execute) ([^:]+): SELECT (m\.)?verdict/', $text, $m, PREG_SET_ORDER);
	$n = [];
	foreach ($m as $x) {
		$k = "$x[1] $x[2]";
		$n[$k] = ($n[$k] ?? 0) + 1;
	}
	ksort($n);
	return $n;
}
function show(array $n): string
{
	$s = [];
	foreach ($n as $k => $v) {
		$s[] = "$k x$v";
	}
	return implode(', ', $s);
}

$ini = ['mailguard.dsn' => mg_db_ini($db['MG_PG_DSN']), 'mailguard.account' => 'prepared'];
// three mails over one connection; between the second and the third the
// function is changed as a migration would (its pg_proc row: the server
// plans the prepared statement again)
$alter = "ALTER FUNCTION mailguard.mail SET work_mem = '8MB'";
$send = '$a = $argv[1]; $q = $argv[2];
	var_dump(mail("a@example.com", "s", "b"), mail("a@example.com", "s", "b"));
	if ($q !== "") { exec("psql -X -q -At " . escapeshellarg($a) . " -c " . escapeshellarg($q), $o, $rc); echo "alter: $rc\n"; }
	var_dump(mail("a@example.com", "s", "b"));';

foreach ([['none', $alter], ['transaction', ''], ['none', "ALTER FUNCTION mailguard.mail RESET work_mem"]] as [$pooler, $q]) {
	clearstatcache();
	$off = filesize($log);
	$r = mg_run($send, ['argv' => [$admin, $q], 'ini' => $ini + ['mailguard.pooler' => $pooler]]);
	echo "pooler=$pooler: ", str_replace("\n", ' ', trim($r['out'])), "\n", $r['err'];
	usleep(200000);
	echo "  ", show(steps($log, $off)), "\n";
}
// the envelope sender's statement has a name of its own
clearstatcache();
$off = filesize($log);
$r = mg_run('var_dump(mail("a@example.com", "s", "b", "From: x@example.com"), mail("a@example.com", "s", "b", "From: x@example.com"));',
	['ini' => $ini + ['mailguard.envelope_sender' => '1']]);
echo "envelope_sender: ", str_replace("\n", ' ', trim($r['out'])), "\n", $r['err'];
usleep(200000);
echo "  ", show(steps($log, $off)), "\n";

$out = [];
foreach (mg_db_log('prepared', $admin) as $row) {
	$out[] = $row['verdict'];
}
echo count($out), " rows: ", implode(' ', array_unique($out)), "\n";
mg_db_ctl($db, 'destroy');
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
pooler=none: bool(true) bool(true) alter: 0 bool(true)
  bind mailguard_check x3, execute mailguard_check x3, parse mailguard_check x1
pooler=transaction: bool(true) bool(true) bool(true)
  bind <unnamed> x3, execute <unnamed> x3, parse <unnamed> x3
pooler=none: bool(true) bool(true) alter: 0 bool(true)
  bind mailguard_check x3, execute mailguard_check x3, parse mailguard_check x1
envelope_sender: bool(true) bool(true)
  bind mailguard_check_envelope x2, execute mailguard_check_envelope x2, parse mailguard_check_envelope x1
11 rows: accept
