--TEST--
database: an accepted mail whose call never returns (the script's error handler dies on a warning core raises before it starts the MTA: E_USER_ERROR, the time limit; also from a session save handler after mailguard's RSHUTDOWN; also with another failure due at the same time) is reported failed, not left "sent"; the same mail whose handler returns is sent and stays "sent"
--EXTENSIONS--
sockets
--SKIPIF--
<?php require __DIR__ . '/../inc/helpers.inc'; mg_db_skipif(); ?>
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
// mail.log in a directory that does not exist: core's warning comes before
// it starts the MTA, and runs the script's error handler.
$handler = 'set_error_handler(function ($no, $msg) { %s });';
$cases = [
	'handler returns' => sprintf($handler, 'return true;') . ' var_dump(mail("a@example.com", "s", "b"));',
	'E_USER_ERROR in the handler' => sprintf($handler, 'trigger_error("giving up", E_USER_ERROR);') . ' mail("a@example.com", "s", "b");',
	'time limit in the handler' => sprintf($handler, 'set_time_limit(1); for (;;) {}') . ' mail("a@example.com", "s", "b");',
	'E_USER_ERROR in a session write()' => 'session_set_save_handler(fn($p, $n) => true, fn() => true, fn($id) => "",
		function ($id, $data) { ' . sprintf($handler, 'trigger_error("giving up", E_USER_ERROR);') . ' mail("a@example.com", "s", "b"); return true; },
		fn($id) => true, fn($l) => 0);
		session_id("mgsession"); session_start(); $_SESSION["n"] = 1;',
	// two reports due at the end: the handler's own mail failed at the MTA
	// (noted), then the handler dies inside the first mail's call
	'a failed mail in the handler, then E_USER_ERROR' => sprintf($handler, 'mail("a@example.com", "inner", "b"); trigger_error("giving up", E_USER_ERROR);')
		. ' mail("a@example.com", "s", "b");',
];
$n = 0;
foreach ($cases as $label => $code) {
	$account = 'db_bailout_' . ++$n;
	mg_db_account($account, ['msgs_hour' => 10]);
	$r = mg_run($code, ['exts' => ['sockets'], 'ini' => ['mailguard.dsn' => mg_db_ini(getenv('MG_PG_DSN')),
		'mailguard.account' => $account, 'mail.log' => '{RUN}/no-such-dir/mail.log'],
		'prepare' => function ($file, $run) use ($label) {
			if (str_starts_with($label, 'a failed mail')) {
				file_put_contents("$run/mta", "cat >/dev/null\nexit 1\n");   // an MTA that fails
			}
		}]);
	echo "== $label\n";
	echo preg_match('/Fatal error: (.*?) in /', $r['out'], $m) ? "fatal: $m[1]\n" : $r['out'];
	echo count($r['mails']), " mail(s) sent\n";
	// a failure is reported as the process ends, without waiting for the
	// answer: give the server the time to run it
	for ($i = 0, $rows = []; $i < 100; $i++, usleep(50000)) {
		$rows = mg_db_log($account);
		if ($rows !== [] && ($label === 'handler returns' || !in_array('sent', array_column($rows, 'outcome'), true))) {
			break;
		}
	}
	foreach ($rows as $row) {
		echo "logged: {$row['verdict']} {$row['outcome']}\n";
	}
	echo "counted: ", mg_db_counters($account)['hour_msgs'], "\n";
}
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
== handler returns
bool(true)
1 mail(s) sent
logged: accept sent
counted: 1
== E_USER_ERROR in the handler
fatal: giving up
0 mail(s) sent
logged: accept failed
counted: 1
== time limit in the handler
fatal: Maximum execution time of 1 second exceeded
0 mail(s) sent
logged: accept failed
counted: 1
== E_USER_ERROR in a session write()
fatal: giving up
0 mail(s) sent
logged: accept failed
counted: 1
== a failed mail in the handler, then E_USER_ERROR
fatal: giving up
0 mail(s) sent
logged: accept failed
logged: accept failed
counted: 2
