--TEST--
at the default caps a line with long header values is sent whole: every field present, values at most 256 bytes
--EXTENSIONS--
sockets
--INI--
mail.add_x_header=0
mailguard.syslog_socket={TMP}/mg-syslog_default_line_whole.sock
sendmail_path="/bin/sh {TMP}/mg-syslog_default_line_whole.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

$h = "From: " . str_repeat('f', 300) . "@example.com\r\nCc: c@example.com";
mail('a@example.com', str_repeat('s', 100), 'm', $h);
mg_mails_clear();
$raw = mg_log_raw($log)[0];
$l = mg_log_parse($raw);
echo implode(' ', array_keys($l['fields'])), "\n";
var_dump(strlen($raw) <= 2048, $l['fields']['subject'] === str_repeat('s', 100), $l['fields']['cc']);
preg_match('/ from=("[^"]*")/', $raw, $m);
var_dump(strlen($m[1]), str_ends_with($m[1], '..."'));
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
verdict result fn account uid owner rcpts script entry vhost client host sapi pid from to cc bcc subject
bool(true)
bool(true)
string(13) "c@example.com"
int(256)
bool(true)
