--TEST--
database: the circuit's wait grows within a streak of failures: 1 s after the first, then twice the last, capped at mailguard.retry_ms (here 3 s)
--EXTENSIONS--
sockets
--INI--
mailguard.dsn="host=/nonexistent/mg-db_backoff dbname=x user=x password=not-shown"
mailguard.account=db_backoff
mailguard.fail_mode=closed
mailguard.retry_ms=3000
mailguard.syslog_socket={TMP}/mg-db_backoff.sock
sendmail_path="/bin/sh {TMP}/mg-db_backoff.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();
// Each mail either tries the (absent) server, db=connect, or is inside the
// wait, db=backing-off. Each is sent at a time measured from the mail that
// last failed: a mail that must find the circuit open from when that one
// started (the failure came after), one that must find it closed from
// when it returned (the failure came before). Nothing else this process
// does between the two, such as reading the log, shortens the margins,
// which matters on a loaded machine and under valgrind. An unexpected
// answer comes with the timing, so that a diff says what was late.
// [label, 'start' or 'end' of the last failed mail, seconds after it]
$steps = [
	['1 first failure: wait 1 s', 'end', 0],
	['2 0.3 s after the first failure', 'start', 0.3],
	['3 1.3 s after the first failure', 'end', 1.3],
	['4 1.2 s after the second: wait now 2 s', 'start', 1.2],
	['5 2.3 s after the second', 'end', 2.3],
	['6 2 s after the third: wait now 3 s', 'start', 2.0],
	['7 3.3 s after the third: the wait is retry_ms, not 4 s', 'end', 3.3],
];
$last = ['start' => microtime(true), 'end' => microtime(true)];
foreach ($steps as [$label, $edge, $after]) {
	$wait = $last[$edge] + $after - microtime(true);
	if ($wait > 0) {
		usleep((int) ($wait * 1e6));
	}
	$start = microtime(true);
	@mail('a@example.com', 's', 'b');
	$end = microtime(true);
	$lines = array_filter(mg_log_read($log), fn($l) => isset($l['fields']['verdict']));
	$f = end($lines)['fields'] ?? [];
	$db = $f['db'] ?? '?';
	echo "$label: db=$db";
	// the timing, for a diff, when the answer was not the one expected
	if ($db !== ($edge === 'start' ? 'backing-off' : 'connect')) {
		printf(' (sent %.3f s after the last failed mail\'s %s, wanted %.1f; it took %.3f s; this one %.3f s)',
			$start - $last[$edge], $edge, $after, $last['end'] - $last['start'], $end - $start);
	}
	echo "\n";
	if (($f['db'] ?? '') === 'connect') {
		$last = ['start' => $start, 'end' => $end];
	}
}
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
1 first failure: wait 1 s: db=connect
2 0.3 s after the first failure: db=backing-off
3 1.3 s after the first failure: db=connect
4 1.2 s after the second: wait now 2 s: db=backing-off
5 2.3 s after the second: db=connect
6 2 s after the third: wait now 3 s: db=backing-off
7 3.3 s after the third: the wait is retry_ms, not 4 s: db=connect
