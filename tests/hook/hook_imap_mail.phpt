--TEST--
imap_mail() is stamped once and logged; its cc and bcc arguments count as recipients
--EXTENSIONS--
imap
sockets
--INI--
mail.add_x_header=0
mailguard.syslog_socket={TMP}/mg-hook_imap_mail.sock
sendmail_path="/bin/sh {TMP}/mg-hook_imap_mail.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

$r = imap_mail('a@example.com', 'imap', 'body', 'From: f@example.com', 'c@example.com', 'b1@example.com, b2@example.com'); $l = __LINE__;
$mail = mg_mails()[0] ?? '';
$line = mg_log_read($log)[0] ?? ['fields' => []];
mg_mails_clear();
var_dump($r);
var_dump(mg_mail_header_values($mail, 'X-PHP-Originating-Script') === [mg_expected_stamp(__FILE__)]);
echo mg_mail_head($mail), "\n";
mg_log_show($line, ['verdict', 'result', 'fn', 'from', 'to', 'cc', 'bcc', 'subject', 'rcpts']);
var_dump($line['fields']['script'] === __FILE__ . ":$l");

/* no additional headers at all */
$r = imap_mail('a@example.com', 'imap', 'body'); $l = __LINE__;
mg_expect_sent($log, $r, 'imap_mail', __FILE__, $l);
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECTF--
bool(true)
bool(true)
To: a@example.com
Cc: c@example.com
Bcc: b1@example.com, b2@example.com
Subject: imap
X-PHP-Originating-Script: %d:hook_imap_mail.php
From: f@example.com
verdict=<accept>
result=<sent>
fn=<imap_mail>
from=<f@example.com>
to=<a@example.com>
cc=<c@example.com>
bcc=<b1@example.com, b2@example.com>
subject=<imap>
rcpts=<4>
bool(true)
imap_mail: returned true, 1 mail, stamp ok, 1 log line, verdict=accept result=sent fn=imap_mail script ok
