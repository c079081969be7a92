--TEST--
database: bytes that are not UTF-8 reach the log as \xNN, never as a database error; a script's own X-Mailguard-Trace is refused before the database
--EXTENSIONS--
sockets
--SKIPIF--
<?php require __DIR__ . '/../inc/helpers.inc'; mg_db_skipif(); ?>
--INI--
mailguard.dsn="${MG_PG_DSN}"
mailguard.account=db_hostile_values
mailguard.fail_mode=closed
mailguard.log_field_max=40
mailguard.syslog_socket={TMP}/mg-db_hostile_values.sock
sendmail_path="/bin/sh {TMP}/mg-db_hostile_values.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_db_account('db_hostile_values', ['msgs_hour' => 100]);
$log = mg_listen();
mg_mta_install();

var_dump(mail("a@example.com", "Latin-1 \xe9t\xe9 \xff\xfe", 'body', "From: \"M\xfcller \xc0\xaf\" <m@example.com>"));
var_dump(error_log('x', 1, 'b@example.com', "From: c@example.com\r\nX-A: \xed\xa0\x80 surrogate"));
var_dump(mail('a@example.com', str_repeat('é', 30), 'body'));
/* encoded words are stored decoded; an unknown charset as written */
var_dump(mail('a@example.com', '=?utf-8?q?Gr=C3=BC=C3=9Fe?= =?koi8-r?q?=F0?=', 'body', 'From: =?iso-8859-1?q?M=FCller?= <m@example.com>'));
var_dump(mail('a@example.com', 'forged', 'body', "X-Mailguard-Trace: 00000000-0000-0000-0000-000000000000"));
var_dump(mail('a@example.com', 'forged', 'body', "x-mailguard-trace : 1"));
foreach (mg_log_read($log) as $l) {
	$f = $l['fields'];
	echo "syslog: {$f['verdict']} ", $f['reason'] ?? '-', isset($f['trace']) ? ' trace' : '', "\n";
}
foreach (mg_db_log('db_hostile_values') as $row) {
	echo "db: {$row['verdict']} subject=", $row['subject'], ' (', strlen($row['subject']), ' bytes) from=', $row['mail_from'], "\n";
}
echo count(mg_mails()), " mails delivered\n";
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECTF--
bool(true)
bool(true)
bool(true)
bool(true)

Warning: mail(): mailguard: mail refused: the additional headers must not contain X-Mailguard-Trace in %s on line %d
bool(false)

Warning: mail(): mailguard: mail refused: the additional headers must not contain X-Mailguard-Trace in %s on line %d
bool(false)
syslog: accept - trace
syslog: accept - trace
syslog: accept - trace
syslog: accept - trace
syslog: refuse forged-trace
syslog: refuse forged-trace
db: accept subject=Latin-1 \xe9t\xe9 \xff\xfe (26 bytes) from="M\xfcller \xc0\xaf" <m@example.com>
db: accept subject=PHP error_log message (21 bytes) from=c@example.com
db: accept subject=éééééééééééééééééééé (40 bytes) from=
db: accept subject=Grüße =?koi8-r?q?=F0?= (24 bytes) from=Müller <m@example.com>
4 mails delivered
