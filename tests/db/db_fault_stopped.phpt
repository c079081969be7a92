--TEST--
database: stopped server: fail open sends (stamped, no trace) up to the emergency cap, fail closed refuses "service unavailable", both at once; the circuit opens for 1 s after the first failure and twice as long after the next; after a restart the same PHP process recovers
--EXTENSIONS--
sockets
posix
--SKIPIF--
<?php require __DIR__ . '/../inc/helpers.inc'; mg_db_skipif(); ?>
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$db = mg_db_private();
mg_db_account('fault', ['msgs_hour' => 100], $db['MG_PG_ADMIN_DSN']);
$helpers = realpath(__DIR__ . '/../inc/helpers.inc');
$code = <<<PHP
require '$helpers';
\$db = json_decode(\$argv[1], true);
function send(string \$label): void
{
	\$t = microtime(true);
	\$r = mail('a@example.com', \$label, 'body');
	printf("%s: %s in %s\\n", \$label, var_export(\$r, true), microtime(true) - \$t < 0.8 ? 'time' : 'TOO LONG (' . (microtime(true) - \$t) . ' s)');
}
send('1 server up');
mg_db_ctl(\$db, 'stop');
send('2 server stopped');
send('3 server stopped');
send('4 server stopped');
usleep(1100000);
send('5 after the first back-off (1 s)');
\$t5 = microtime(true);
usleep(1100000);
send('6 within the second (2 s)');
mg_db_ctl(\$db, 'start');
usleep((int) max(0, (\$t5 + 2.1 - microtime(true)) * 1e6));
send('7 server back, after the second back-off');
PHP;
foreach (['open', 'closed'] as $mode) {
	echo "== fail_mode=$mode\n";
	$r = mg_run($code, ['argv' => [json_encode($db)], 'exts' => ['sockets', 'posix'], 'ini' => [
		'mailguard.dsn' => mg_db_ini($db['MG_PG_DSN']), 'mailguard.account' => 'fault',
		'mailguard.fail_mode' => $mode, 'mailguard.emergency_cap' => 2,
		'mailguard.timeout_ms' => 300, 'mailguard.retry_ms' => 5000]]);
	echo preg_replace('/ in \S+ on line \d+/', '', $r['out']), $r['err'];
	// The password is in the DSN only: never in output or log.
	foreach ([$r['out'], $r['err'], implode("\n", $r['log_raw'])] as $text) {
		if (strpos($text, 'mg-test-secret') !== false) {
			echo "PASSWORD SHOWN\n";
		}
	}
	foreach ($r['mails'] as $eml) {
		preg_match('/^Subject: (.*?)\r?$/m', $eml, $m);
		printf("  delivered '%s': %d stamp, %d trace\n", $m[1], count(mg_mail_header_values($eml, 'X-PHP-Originating-Script')),
			count(mg_mail_header_values($eml, 'X-Mailguard-Trace')));
	}
	foreach ($r['log'] as $l) {
		$f = $l['fields'];
		if (($f['event'] ?? '') === 'database' && $f['error'] === 'notice') {
			continue;   // the server's shutdown FATAL, when libpq reads it outside a query
		}
		if (isset($f['event'])) {
			echo "  syslog: event={$f['event']} error={$f['error']}\n";
		} else {
			echo "  syslog: {$f['verdict']} ", $f['reason'] ?? '-', isset($f['db']) ? " db={$f['db']}" : '', isset($f['trace']) ? ' trace' : '', "\n";
		}
	}
}
mg_db_ctl($db, 'destroy');
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_db_ctl(['MG_PG_DIR' => mg_path('.pg')], 'destroy');
mg_clean();
?>
--EXPECT--
== fail_mode=open
1 server up: true in time
2 server stopped: true in time
3 server stopped: true in time

Warning: mail(): mailguard: mail refused: service unavailable
4 server stopped: false in time

Warning: mail(): mailguard: mail refused: service unavailable
5 after the first back-off (1 s): false in time

Warning: mail(): mailguard: mail refused: service unavailable
6 within the second (2 s): false in time
7 server back, after the second back-off: true in time
  delivered '1 server up': 1 stamp, 1 trace
  delivered '2 server stopped': 1 stamp, 0 trace
  delivered '3 server stopped': 1 stamp, 0 trace
  delivered '7 server back, after the second back-off': 1 stamp, 1 trace
  syslog: accept - trace
  syslog: event=database error=reconnect
  syslog: event=database error=connect
  syslog: accept db-unavailable db=connect
  syslog: accept db-unavailable db=backing-off
  syslog: refuse db-unavailable db=backing-off
  syslog: event=database error=connect
  syslog: refuse db-unavailable db=connect
  syslog: refuse db-unavailable db=backing-off
  syslog: accept - trace
== fail_mode=closed
1 server up: true in time

Warning: mail(): mailguard: mail refused: service unavailable
2 server stopped: false in time

Warning: mail(): mailguard: mail refused: service unavailable
3 server stopped: false in time

Warning: mail(): mailguard: mail refused: service unavailable
4 server stopped: false in time

Warning: mail(): mailguard: mail refused: service unavailable
5 after the first back-off (1 s): false in time

Warning: mail(): mailguard: mail refused: service unavailable
6 within the second (2 s): false in time
7 server back, after the second back-off: true in time
  delivered '1 server up': 1 stamp, 1 trace
  delivered '7 server back, after the second back-off': 1 stamp, 1 trace
  syslog: accept - trace
  syslog: event=database error=reconnect
  syslog: event=database error=connect
  syslog: refuse db-unavailable db=connect
  syslog: refuse db-unavailable db=backing-off
  syslog: refuse db-unavailable db=backing-off
  syslog: event=database error=connect
  syslog: refuse db-unavailable db=connect
  syslog: refuse db-unavailable db=backing-off
  syslog: accept - trace
