--TEST--
database: hour and day windows roll over inline: when the owner moves a window's start back, the next mail counts from 1 in that window and the other window continues
--EXTENSIONS--
sockets
--SKIPIF--
<?php require __DIR__ . '/../inc/helpers.inc'; mg_db_skipif(); ?>
--INI--
mailguard.dsn="${MG_PG_DSN}"
mailguard.account=db_rollover
mailguard.syslog_socket=
sendmail_path="/bin/sh {TMP}/mg-db_rollover.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_db_account('db_rollover', ['msgs_hour' => 1, 'msgs_day' => 3, 'tz' => 'Asia/Kolkata']);
mg_mta_install();
function show(string $what): void
{
	$c = mg_db_counters('db_rollover');
	echo "$what: hour {$c['hour_msgs']}, day {$c['day_msgs']}\n";
}
var_dump(@mail('a@example.com', 's', 'b'));
var_dump(@mail('a@example.com', 's', 'b'));
show('after 2 mails');
// The windows are the account's own clock hour and day.
echo implode(' ', mg_sql("SELECT hour_start = date_trunc('hour', now(), 'Asia/Kolkata'), day_start = date_trunc('day', now(), 'Asia/Kolkata') FROM mailguard.counters WHERE account = 'db_rollover'")[0]), "\n";

mg_sql("UPDATE mailguard.counters SET hour_start = hour_start - interval '1 hour' WHERE account = 'db_rollover'");
var_dump(@mail('a@example.com', 's', 'b'));
show('hour moved back');
mg_sql("UPDATE mailguard.counters SET hour_start = hour_start - interval '1 hour' WHERE account = 'db_rollover'");
var_dump(@mail('a@example.com', 's', 'b'));
show('hour moved back again');
mg_sql("UPDATE mailguard.counters SET hour_start = hour_start - interval '1 hour' WHERE account = 'db_rollover'");
var_dump(@mail('a@example.com', 's', 'b'));
echo error_get_last()['message'], "\n";
show('day full'); // a refusal changes no counter: the hour row still holds its old window
mg_sql("UPDATE mailguard.counters SET day_start = day_start - interval '1 day', hour_start = hour_start - interval '1 hour' WHERE account = 'db_rollover'");
var_dump(@mail('a@example.com', 's', 'b'));
show('both moved back');
echo count(mg_mails()), " mails delivered\n";
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
bool(true)
bool(false)
after 2 mails: hour 1, day 1
t t
bool(true)
hour moved back: hour 1, day 2
bool(true)
hour moved back again: hour 1, day 3
bool(false)
mail(): mailguard: mail refused: over quota
day full: hour 1, day 3
bool(true)
both moved back: hour 1, day 1
4 mails delivered
