--TEST--
mail() called again from an error handler and from __toString() while a mail() is being parsed: both stamped once and logged, mail.add_x_header left as it was
--EXTENSIONS--
sockets
--INI--
mail.add_x_header=0
mailguard.syslog_socket={TMP}/mg-hostile_reentrant_mail.sock
sendmail_path="/bin/sh {TMP}/mg-hostile_reentrant_mail.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

set_error_handler(function (int $no, string $str) use (&$inner) {
	$inner = mail('inner@example.com', 'from the handler', 'm');
	return true;
});
$outer = mail(null, 'outer', 'm');
restore_error_handler();
$mails = mg_mails();
mg_mails_clear();
$lines = mg_log_read($log);
var_dump($outer, $inner, count($mails), count($lines));
foreach ($mails as $i => $eml) {
	echo "mail $i: ", json_encode(mg_mail_header_values($eml, 'To')), ' ',
		mg_mail_header_values($eml, 'X-PHP-Originating-Script') === [mg_expected_stamp()] ? 'one stamp' : 'STAMPS WRONG', "\n";
}
foreach ($lines as $l) {
	echo "log: to=<{$l['fields']['to']}> verdict={$l['fields']['verdict']}\n";
}
var_dump(ini_get('mail.add_x_header'));

class Addr
{
	public function __toString(): string
	{
		mail('tostring@example.com', 'from __toString', 'm');
		return 'outer@example.com';
	}
}
var_dump(mail(new Addr(), 'outer 2', 'm'));
$mails = mg_mails();
mg_mails_clear();
echo count($mails), ' mails, ', count(mg_log_read($log)), " lines\n";
foreach ($mails as $eml) {
	echo count(mg_mail_header_values($eml, 'X-PHP-Originating-Script')), " stamp\n";
}

/* an exception from the handler while mailguard parses: nothing is sent */
set_error_handler(fn() => throw new RuntimeException('stop'));
try {
	mail(null, 's', 'm');
} catch (RuntimeException $e) {
	echo 'caught ', $e->getMessage(), "\n";
}
restore_error_handler();
echo count(mg_mails()), ' mails, ', count(mg_log_read($log)), " lines\n";
/* and the next mail is normal */
var_dump(mail('a@example.com', 's', 'm'), count(mg_log_read($log)), mg_mail_header_values(mg_mails()[0], 'X-PHP-Originating-Script') === [mg_expected_stamp()]);
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
bool(true)
bool(true)
int(2)
int(2)
mail 0: ["inner@example.com"] one stamp
mail 1: [""] one stamp
log: to=<inner@example.com> verdict=accept
log: to=<> verdict=accept
string(1) "0"
bool(true)
2 mails, 2 lines
1 stamp
1 stamp
caught stop
0 mails, 0 lines
bool(true)
int(1)
bool(true)