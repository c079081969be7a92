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
// [label, seconds to sleep after the previous mail]; each mail either
// tries the (absent) server, db=connect, or is inside the wait, db=backing-off.
$steps = [
	['1 first failure: wait 1 s', 0],
	['2 0.3 s later', 0.3],
	['3 1.3 s after the first failure', 1.0],
	['4 1.2 s after the second: wait now 2 s', 1.2],
	['5 2.3 s after the second', 1.1],
	['6 2 s after the third: wait now 3 s', 2.0],
	['7 3.3 s after the third: the wait is retry_ms, not 4 s', 1.3],
];
foreach ($steps as [$label, $sleep]) {
	usleep((int) ($sleep * 1e6));
	@mail('a@example.com', 's', 'b');
	$lines = array_filter(mg_log_read($log), fn($l) => isset($l['fields']['verdict']));
	$f = end($lines)['fields'] ?? [];
	echo "$label: db=", $f['db'] ?? '?', "\n";
}
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
1 first failure: wait 1 s: db=connect
2 0.3 s later: db=backing-off
3 1.3 s after the first failure: db=connect
4 1.2 s after the second: wait now 2 s: db=backing-off
5 2.3 s after the second: db=connect
6 2 s after the third: wait now 3 s: db=backing-off
7 3.3 s after the third: the wait is retry_ms, not 4 s: db=connect
