--TEST--
mailguard.syslog_max_length=256 caps the whole datagram between fields (ending in cut=1, no field cut open); the fixed facts (verdict, fn, account, uid, rcpts) survive
--EXTENSIONS--
sockets
--INI--
mail.add_x_header=0
mailguard.syslog_max_length=256
mailguard.syslog_socket={TMP}/mg-syslog_max_length.sock
sendmail_path="/bin/sh {TMP}/mg-syslog_max_length.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

var_dump(ini_get('mailguard.syslog_max_length'));
$h = "From: " . str_repeat('f', 200) . "@example.com\r\nCc: " . str_repeat('c', 200) . "@example.com\r\nBcc: b@example.com";
var_dump(mail('a@example.com', str_repeat('s', 300), 'm', $h));
mg_mails_clear();
$raw = mg_log_raw($log);
var_dump(count($raw), strlen($raw[0]) <= 256, strlen($raw[0]) > 128);
$l = mg_log_parse($raw[0]);
mg_log_show($l, ['verdict', 'result', 'fn', 'rcpts']);
var_dump($l['fields']['account'] !== '', $l['fields']['uid'] !== '');
var_dump(strpbrk($raw[0], "\r\n\0"));
var_dump(str_ends_with($raw[0], ' cut=1'), $l['truncated'], $l['fields']['cut']);
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
string(3) "256"
bool(true)
int(1)
bool(true)
bool(true)
verdict=<accept>
result=<sent>
fn=<mail>
rcpts=<3>
bool(true)
bool(true)
bool(false)
bool(true)
bool(false)
string(1) "1"
