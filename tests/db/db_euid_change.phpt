--TEST--
database: when the effective uid changes, the connection opened under the old one is let go and a new one is opened; both connections' mails are counted
--EXTENSIONS--
posix
--SKIPIF--
<?php require __DIR__ . '/../inc/helpers.inc'; mg_db_skipif();
if (posix_geteuid() !== 0) echo "skip needs root to change the effective uid"; ?>
--INI--
mailguard.dsn="${MG_PG_DSN} application_name=db_euid_change"
mailguard.account=db_euid_change
mailguard.fail_mode=closed
mailguard.syslog_socket=
sendmail_path="/bin/sh {TMP}/mg-db_euid_change.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_db_account('db_euid_change', ['msgs_hour' => 100]);
mg_mta_install();
@mkdir(mg_path('.mail'), 0777);
chmod(mg_path('.mail'), 0777);
$nobody = posix_getpwnam('nobody')['uid'];

function backends(): array
{
	usleep(200000);     // a finished backend takes a moment to leave pg_stat_activity
	return array_column(mg_sql("SELECT pid FROM pg_stat_activity WHERE application_name = 'db_euid_change'"), 0);
}
var_dump(mail('a@example.com', 'as root', 'b'));
$b1 = backends();
var_dump(posix_seteuid($nobody));
var_dump(mail('a@example.com', 'as nobody', 'b'));
var_dump(posix_seteuid(0));
$b2 = backends();
var_dump(mail('a@example.com', 'as root again', 'b'));
$b3 = backends();
echo 'backends: ', count($b1), ' then ', count($b2), ' then ', count($b3), "\n";
echo 'nobody got a new one: ', $b1 != $b2 ? 'yes' : 'no', ', root again a new one: ', $b2 != $b3 ? 'yes' : 'no', "\n";

foreach (mg_db_log('db_euid_change') as $row) {
	echo "{$row['subject']}: {$row['verdict']} uid=", $row['uid'] === $nobody ? 'nobody' : $row['uid'], "\n";
}
echo count(mg_mails()), " mails delivered\n";
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
backends: 1 then 1 then 1
nobody got a new one: yes, root again a new one: yes
as root: accept uid=0
as nobody: accept uid=nobody
as root again: accept uid=0
3 mails delivered
