--TEST--
error_log() type 1 sends a stamped mail and logs fn=error_log
--EXTENSIONS--
sockets
--INI--
mail.add_x_header=0
mailguard.syslog_socket={TMP}/mg-hook_error_log_mail.sock
sendmail_path="/bin/sh {TMP}/mg-hook_error_log_mail.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

$r = error_log("disk full\n", 1, 'admin@example.com', 'From: app@example.com'); $l = __LINE__;
$mail = mg_mails()[0] ?? '';
$line = mg_log_read($log)[0] ?? ['fields' => []];
mg_mails_clear();
var_dump($r);
var_dump(mg_mail_header_values($mail, 'X-PHP-Originating-Script') === [mg_expected_stamp(__FILE__)]);
echo mg_mail_head($mail), "\n";
mg_log_show($line, ['verdict', 'result', 'fn', 'from', 'to', 'subject', 'rcpts']);
var_dump($line['fields']['script'] === __FILE__ . ":$l");

/* without headers, and a destination list */
$r = error_log('m', 1, 'a@example.com, b@example.com'); $l = __LINE__;
mg_expect_sent($log, $r, 'error_log', __FILE__, $l);
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECTF--
bool(true)
bool(true)
To: admin@example.com
Subject: PHP error_log message
X-PHP-Originating-Script: %d:hook_error_log_mail.php
From: app@example.com
verdict=<accept>
result=<sent>
fn=<error_log>
from=<app@example.com>
to=<admin@example.com>
subject=<PHP error_log message>
rcpts=<1>
bool(true)
error_log: returned true, 1 mail, stamp ok, 1 log line, verdict=accept result=sent fn=error_log script ok
