--TEST--
mailguard.log_field_max=16: a longer value is cut to 16 bytes ending in ..." (also inside escapes and UTF-8), short values stay bare
--EXTENSIONS--
mbstring
sockets
--INI--
mail.add_x_header=0
mailguard.log_field_max=16
mailguard.syslog_socket={TMP}/mg-syslog_field_cap.sock
sendmail_path="/bin/sh {TMP}/mg-syslog_field_cap.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

var_dump(ini_get('mailguard.log_field_max'));
mail('a@example.com', 'This subject is far longer than sixteen bytes', 'm', 'From: "\\\\\\\\\\\\" <f@example.com>');
mg_mails_clear();
$raw = mg_log_raw($log)[0];
preg_match('/ subject=(\S.*)$/', $raw, $m);
echo $m[1], ' (', strlen($m[1]), " bytes)\n";
preg_match('/ from=("(?:[^"\\\\]|\\\\.)*")/', $raw, $m);
echo $m[1], ' (', strlen($m[1]), " bytes)\n";
var_dump(str_contains($raw, ' fn=mail '), str_contains($raw, ' to=a@example.com '));
/* a bare value longer than the cap is quoted and cut as well */
mail('a@example.com', 'abcdefghijklmnopqrstuvwxyz', 'm');
mg_mails_clear();
preg_match('/ subject=(\S.*)$/', mg_log_raw($log)[0], $m);
echo $m[1], ' (', strlen($m[1]), " bytes)\n";
/* never inside a UTF-8 sequence */
mail('a@example.com', 'ééééééééééééé', 'm');
mg_mails_clear();
preg_match('/ subject=(\S.*)$/', mg_log_raw($log)[0], $m);
echo $m[1], ' (', strlen($m[1]), " bytes) ", mb_check_encoding($m[1], 'UTF-8') ? 'valid UTF-8' : 'BROKEN UTF-8', "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
string(2) "16"
"This subjec..." (16 bytes)
"\"\\\\\\\\..." (15 bytes)
bool(true)
bool(true)
"abcdefghijk..." (16 bytes)
"ééééé..." (15 bytes) valid UTF-8
