--TEST--
mail() called directly: one stamp, one accept line naming the calling line
--EXTENSIONS--
sockets
--INI--
mail.add_x_header=0
mailguard.syslog_socket={TMP}/mg-hook_direct_call.sock
sendmail_path="/bin/sh {TMP}/mg-hook_direct_call.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

var_dump(mail('rcpt@example.com', 'Direct', 'body'));
$line = mg_log_one($log);

$mails = mg_mails();
echo count($mails), " mail\n";
var_dump(mg_mail_header_values($mails[0], 'X-PHP-Originating-Script') === [mg_expected_stamp()]);
var_dump($line['ident'], $line['pid'] === getmypid());
mg_log_show($line, ['verdict', 'result', 'fn', 'to', 'subject', 'rcpts']);
var_dump($line['fields']['script'] === __FILE__ . ':6');
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
bool(true)
1 mail
bool(true)
string(9) "mailguard"
bool(true)
verdict=<accept>
result=<sent>
fn=<mail>
to=<rcpt@example.com>
subject=<Direct>
rcpts=<1>
bool(true)
