--TEST--
RFC 3164 line: <22> (mail.info) for an accepted mail, ident mailguard[pid], then the fields in order
--EXTENSIONS--
sockets
--INI--
mail.add_x_header=0
mailguard.syslog_socket={TMP}/mg-syslog_pri_default_mail_info.sock
sendmail_path="/bin/sh {TMP}/mg-syslog_pri_default_mail_info.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

mail('a@example.com', 's', 'm');
$raw = mg_log_raw($log);
var_dump(count($raw));
$l = mg_log_parse($raw[0]);
var_dump($l['pri'], $l['facility'] === LOG_MAIL >> 3, $l['severity'] === LOG_INFO, $l['ident'], $l['pid'] === getmypid());
var_dump(preg_match('/^<22>[A-Z][a-z]{2} [ 123]\d \d\d:\d\d:\d\d mailguard\[\d+\]: verdict=accept /', $raw[0]));
echo implode(' ', array_keys($l['fields'])), "\n";
var_dump(str_ends_with($raw[0], "\n"), strpbrk($raw[0], "\r\n\0"));
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
int(1)
int(22)
bool(true)
bool(true)
string(9) "mailguard"
bool(true)
int(1)
verdict result fn account uid owner rcpts script entry vhost client host sapi pid from to cc bcc subject
bool(false)
bool(false)
