--TEST--
database: after pcntl_fork() the child opens its own connection (the inherited one is let go without a word) and the parent's connection keeps working
--EXTENSIONS--
sockets
pcntl
posix
--SKIPIF--
<?php require __DIR__ . '/../inc/helpers.inc'; mg_db_skipif(); ?>
--INI--
mailguard.dsn="${MG_PG_DSN}"
mailguard.account=db_fork
mailguard.syslog_socket={TMP}/mg-db_fork.sock
sendmail_path="/bin/sh {TMP}/mg-db_fork.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_db_account('db_fork', ['msgs_hour' => 100]);
$log = mg_listen();
mg_mta_install();
var_dump(mail('a@example.com', 'parent before', 'b'));

$pid = pcntl_fork();
if ($pid === 0) {
	$ok = mail('a@example.com', 'child', 'b');
	exit($ok ? 0 : 1);
}
pcntl_waitpid($pid, $status);
echo "child sent: ", pcntl_wexitstatus($status) === 0 ? 'yes' : 'no', "\n";
var_dump(mail('a@example.com', 'parent after', 'b'));

$lines = mg_log_read($log);
foreach ($lines as $l) {
	$f = $l['fields'];
	echo isset($f['event']) ? "syslog: event={$f['event']} error={$f['error']}\n"
		: "syslog: {$f['verdict']} " . ($f['reason'] ?? '-') . (isset($f['trace']) ? ' trace' : ' NO TRACE')
			. ($l['pid'] === getmypid() ? ' (parent)' : ' (child)') . "\n";
}
// Accepted mails are logged as sent at once (only a failure is reported
// later), the child's and the parent's alike.
$rows = mg_db_log('db_fork');
foreach ($rows as $row) {
	echo "db: {$row['subject']} verdict={$row['verdict']} outcome={$row['outcome']} pid=",
		$row['pid'] === getmypid() ? 'parent' : ($row['pid'] === $pid ? 'child' : $row['pid']), "\n";
}
foreach (mg_mails() as $eml) {
	echo count(mg_mail_header_values($eml, 'X-Mailguard-Trace')), " trace header\n";
}
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
bool(true)
child sent: yes
bool(true)
syslog: accept - trace (parent)
syslog: accept - trace (child)
syslog: accept - trace (parent)
db: parent before verdict=accept outcome=sent pid=parent
db: child verdict=accept outcome=sent pid=child
db: parent after verdict=accept outcome=sent pid=parent
1 trace header
1 trace header
1 trace header
