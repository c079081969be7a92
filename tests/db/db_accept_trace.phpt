--TEST--
database: an accepted mail carries X-Mailguard-Trace with the id of its log row, from all four functions; the row holds the origin and the outcome
--EXTENSIONS--
sockets
mbstring
imap
posix
--SKIPIF--
<?php require __DIR__ . '/../inc/helpers.inc'; mg_db_skipif(); ?>
--INI--
mailguard.dsn="${MG_PG_DSN}"
mailguard.account=db_accept_trace
mailguard.syslog_socket={TMP}/mg-db_accept_trace.sock
sendmail_path="/bin/sh {TMP}/mg-db_accept_trace.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_db_account('db_accept_trace', ['msgs_hour' => 10, 'rcpts_hour' => 20]);
$log = mg_listen();
mg_mta_install();

$calls = [
	'mail' => fn() => mail('a@example.com, b@example.com', 'Hello', 'body', "From: Shop <shop@example.com>\r\nCc: c@example.com"),
	'mb_send_mail' => fn() => mb_send_mail('d@example.com', 'Grüße', 'body', ['From' => 'x@example.com']),
	'error_log' => fn() => error_log('an error', 1, 'admin@example.com'),
	'imap_mail' => fn() => ini_get('sendmail_path') && imap_mail('e@example.com', 'imap', 'body', 'From: y@example.com'),
];
$traces = [];
foreach ($calls as $fn => $call) {
	$r = $call();
	$mails = mg_mails();
	mg_mails_clear();
	$lines = mg_log_read($log);
	$t = count($mails) === 1 ? mg_mail_header_values($mails[0], 'X-Mailguard-Trace') : [];
	$stamp = count($mails) === 1 ? mg_mail_header_values($mails[0], 'X-PHP-Originating-Script') : [];
	printf("%s: %s, %d mail, %d trace header(s), %d stamp(s), log trace %s\n", $fn, var_export($r, true),
		count($mails), count($t), count($stamp),
		($lines[0]['fields']['trace'] ?? null) === ($t[0] ?? '') ? 'same' : 'DIFFERENT');
	$traces[$fn] = $t[0] ?? '';
}

$rows = mg_db_log('db_accept_trace');
echo count($rows), " log rows\n";
foreach ($rows as $i => $row) {
	$fn = array_keys($calls)[$i];
	printf("%s: trace %s, verdict=%s outcome=%s rcpts=%d script %s uid %s sapi=%s pid %s\n", $row['fn'],
		$row['trace'] === $traces[$fn] && preg_match('/^[0-9a-f-]{36}$/', $row['trace']) ? 'matches' : 'WRONG',
		$row['verdict'], $row['outcome'], $row['rcpts'],
		$row['script'] === __FILE__ ? 'ok' : $row['script'],
		$row['uid'] === posix_geteuid() ? 'ok' : $row['uid'], $row['sapi'],
		$row['pid'] === getmypid() ? 'ok' : $row['pid']);
}
echo "line of mail(): ", $rows[0]['line'] === 8 ? 'ok' : $rows[0]['line'], "\n";
echo "from: ", $rows[0]['mail_from'], "\nto: ", $rows[0]['mail_to'], "\ncc: ", $rows[0]['mail_cc'], "\n";
echo "subject of mb_send_mail: ", $rows[1]['subject'], "\n";
$c = mg_db_counters('db_accept_trace');
echo "counted: {$c['hour_msgs']} mails, {$c['hour_rcpts']} recipients\n";
// An accepted mail is logged as sent; a failure goes out with the next
// mail's question, or when the request ends. A process whose last mail
// fails, and ends:
mg_db_account('db_accept_trace_end', ['msgs_hour' => 10]);
$r = mg_run("var_dump(mail('a@example.com', 'one', 'b')); var_dump(mail('a@example.com', 'two', 'b', 'X-Fail: 1'));", [
	'ini' => ['mailguard.dsn' => mg_db_ini(getenv('MG_PG_DSN')), 'mailguard.account' => 'db_accept_trace_end'],
	'prepare' => function ($file, $run) {
		// an MTA that fails for the second mail
		file_put_contents("$run/mta", "grep -q '^X-Fail' && exit 1\nexit 0\n");
	}]);
echo $r['out'];
// The process sends that report as it ends and does not wait for the
// answer: the server may still be running it when mg_run() returns.
for ($i = 0, $rows = []; $i < 200; $i++, usleep(50000)) {
	$rows = mg_db_log('db_accept_trace_end');
	if (count($rows) === 2 && $rows[1]['outcome'] !== 'sent') {
		break;
	}
}
foreach ($rows as $row) {
	echo "after the process ended: {$row['verdict']} outcome={$row['outcome']}\n";
}
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
mail: true, 1 mail, 1 trace header(s), 1 stamp(s), log trace same
mb_send_mail: true, 1 mail, 1 trace header(s), 1 stamp(s), log trace same
error_log: true, 1 mail, 1 trace header(s), 1 stamp(s), log trace same
imap_mail: true, 1 mail, 1 trace header(s), 1 stamp(s), log trace same
4 log rows
mail: trace matches, verdict=accept outcome=sent rcpts=3 script ok uid ok sapi=cli pid ok
mb_send_mail: trace matches, verdict=accept outcome=sent rcpts=1 script ok uid ok sapi=cli pid ok
error_log: trace matches, verdict=accept outcome=sent rcpts=1 script ok uid ok sapi=cli pid ok
imap_mail: trace matches, verdict=accept outcome=sent rcpts=1 script ok uid ok sapi=cli pid ok
line of mail(): ok
from: Shop <shop@example.com>
to: a@example.com, b@example.com
cc: c@example.com
subject of mb_send_mail: Grüße
counted: 4 mails, 6 recipients
bool(true)
bool(false)
after the process ended: accept outcome=sent
after the process ended: accept outcome=failed
