--TEST--
database: no server at the DSN's socket: fail open sends up to emergency_cap, then "service unavailable"; an unparsable DSN is reported at startup and is a misconfiguration: refused even with fail_mode=open
--EXTENSIONS--
sockets
--INI--
mailguard.dsn="host=/nonexistent/mg-db_unreachable dbname=x user=x password=not-shown"
mailguard.account=db_unreachable
mailguard.fail_mode=open
mailguard.emergency_cap=1
mailguard.syslog_socket={TMP}/mg-db_unreachable.sock
sendmail_path="/bin/sh {TMP}/mg-db_unreachable.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();
var_dump(mail('a@example.com', 's', 'b'));
var_dump(mail('a@example.com', 's', 'b'));
foreach (mg_log_read($log) as $l) {
	$f = $l['fields'];
	echo isset($f['event']) ? "syslog: event={$f['event']} error={$f['error']}"
			. (strpos($f['detail'], '/nonexistent/mg-db_unreachable') !== false ? ' (detail names the socket)' : '') . "\n"
		: "syslog: {$f['verdict']} " . ($f['reason'] ?? '-') . (isset($f['db']) ? " db={$f['db']}" : '') . "\n";
}
foreach (mg_mails() as $eml) {
	echo count(mg_mail_header_values($eml, 'X-PHP-Originating-Script')), ' stamp, ',
		count(mg_mail_header_values($eml, 'X-Mailguard-Trace')), " trace\n";
}
// A syntax error is reported at startup, without libpq; an unknown keyword
// by libpq's own parse at the first mail. Either way: a misconfiguration.
foreach (['unparsable DSN' => "host=/nonexistent/mg-db_unreachable dbname='x nosuchkeyword=secret-value",
		'unknown keyword' => 'host=/nonexistent/mg-db_unreachable dbname=x nosuchkeyword=secret-value'] as $what => $dsn) {
	echo "-- $what\n";
	$r = mg_run("var_dump(mail('a@example.com', 's', 'b'));", ['ini' => [
		'mailguard.dsn' => '"' . $dsn . '"', 'mailguard.fail_mode' => 'open']]);
	echo preg_replace('/ in \S+ on line \d+/', '', $r['out']);
	var_dump(strpos($r['out'] . $r['err'] . implode('', $r['log_raw']), 'secret-value'));
	echo $r['log'][0]['fields']['event'] ?? '-', ' ', $r['log'][0]['fields']['error'] ?? '-', "\n";
	echo $r['log'][1]['fields']['verdict'] ?? '-', ' ', $r['log'][1]['fields']['reason'] ?? '-', "\n";
}
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECTF--
bool(true)

Warning: mail(): mailguard: mail refused: service unavailable in %s on line %d
bool(false)
syslog: event=database error=connect (detail names the socket)
syslog: accept db-unavailable db=connect
syslog: refuse db-unavailable db=backing-off
1 stamp, 0 trace
-- unparsable DSN

Warning: mailguard: mailguard.dsn cannot be parsed; every mail is refused

Warning: mail(): mailguard: mail refused: service unavailable
bool(false)
bool(false)
database misconfigured
refuse db-misconfigured
-- unknown keyword

Warning: mail(): mailguard: mail refused: service unavailable
bool(false)
bool(false)
database misconfigured
refuse db-misconfigured
