--TEST--
mb_send_mail() is stamped and logged; mbstring still MIME-encodes the subject
--EXTENSIONS--
mbstring
sockets
--INI--
mail.add_x_header=0
mailguard.syslog_socket={TMP}/mg-hook_mb_send_mail.sock
sendmail_path="/bin/sh {TMP}/mg-hook_mb_send_mail.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

mb_language('uni');
mb_internal_encoding('UTF-8');
$r = mb_send_mail('a@example.com', 'Grüße aus Köln', 'body', ['From' => 'f@example.com', 'Cc' => 'c@example.com']); $l = __LINE__;
$mail = mg_mails()[0] ?? '';
$line = mg_log_read($log)[0] ?? ['fields' => []];
mg_mails_clear();
var_dump($r);
var_dump(mg_mail_header_values($mail, 'X-PHP-Originating-Script') === [mg_expected_stamp(__FILE__)]);
$subject = mg_mail_header_values($mail, 'Subject');
var_dump($subject, mb_decode_mimeheader($subject[0]));
mg_log_show($line, ['verdict', 'result', 'fn', 'from', 'to', 'cc', 'rcpts']);
var_dump($line['fields']['script'] === __FILE__ . ":$l");

$r = mb_send_mail('a@example.com', 'plain', 'body', "From: f@example.com\r\nX-Mailer: test"); $l = __LINE__;
mg_expect_sent($log, $r, 'mb_send_mail', __FILE__, $l);
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
bool(true)
bool(true)
array(1) {
  [0]=>
  string(36) "=?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?="
}
string(17) "Grüße aus Köln"
verdict=<accept>
result=<sent>
fn=<mb_send_mail>
from=<f@example.com>
to=<a@example.com>
cc=<c@example.com>
rcpts=<2>
bool(true)
mb_send_mail: returned true, 1 mail, stamp ok, 1 log line, verdict=accept result=sent fn=mb_send_mail script ok
