--TEST--
database: a session the server ended while idle (pg_terminate_backend, as a restart or idle_session_timeout would) is replaced before the next question: the mail is decided by the database, not the fail mode, and no back-off follows
--EXTENSIONS--
sockets
--SKIPIF--
<?php require __DIR__ . '/../inc/helpers.inc'; mg_db_skipif(); ?>
--INI--
mailguard.dsn="${MG_PG_DSN} application_name=db_session_ended"
mailguard.account=db_session_ended
mailguard.fail_mode=closed
mailguard.syslog_socket={TMP}/mg-db_session_ended.sock
sendmail_path="/bin/sh {TMP}/mg-db_session_ended.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_db_account('db_session_ended', ['msgs_hour' => 100]);
$log = mg_listen();
mg_mta_install();

function backends(): array
{
	usleep(200000);     // a finished backend takes a moment to leave pg_stat_activity
	return array_column(mg_sql("SELECT pid FROM pg_stat_activity WHERE application_name = 'db_session_ended'"), 0);
}
function show(Socket $log, string $what, $r): void
{
	$lines = mg_log_read($log);
	$events = array_map(fn($l) => ($l['fields']['event'] ?? 'mail') . (isset($l['fields']['error']) ? ':' . $l['fields']['error'] : ''), $lines);
	$mail = array_values(array_filter($lines, fn($l) => isset($l['fields']['verdict'])))[0]['fields'] ?? [];
	printf("%s: %s, verdict=%s%s, trace %s; lines: %s\n", $what, var_export($r, true), $mail['verdict'] ?? '-',
		isset($mail['reason']) ? " reason={$mail['reason']}" : '', isset($mail['trace']) ? 'yes' : 'no', implode(' ', $events));
	mg_mails_clear();
}

show($log, 'first mail', mail('a@example.com', 'one', 'b'));
$b1 = backends();
mg_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'db_session_ended'");
// until the backend has gone (its socket closed), 10 s at most
for ($i = 0; $i < 50 && backends() !== []; $i++);
show($log, 'after the session was ended', mail('a@example.com', 'two', 'b'));
$b2 = backends();
show($log, 'and the next', mail('a@example.com', 'three', 'b'));
echo 'backends: ', count($b1), ' then ', count($b2), ', a new one: ', $b1 != $b2 ? 'yes' : 'no', "\n";
echo 'counted: ', mg_db_counters('db_session_ended')['hour_msgs'], ', log rows: ', count(mg_db_log('db_session_ended')), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
first mail: true, verdict=accept, trace yes; lines: mail
after the session was ended: true, verdict=accept, trace yes; lines: database:reconnect mail
and the next: true, verdict=accept, trace yes; lines: mail
backends: 1 then 1, a new one: yes
counted: 3, log rows: 3
