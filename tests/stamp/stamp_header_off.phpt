--TEST--
mailguard.header=0 with mail.add_x_header=0: no stamp, the mail is still logged
--EXTENSIONS--
sockets
--INI--
mail.add_x_header=0
mailguard.header=0
mailguard.syslog_socket={TMP}/mg-stamp_header_off.sock
sendmail_path="/bin/sh {TMP}/mg-stamp_header_off.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

var_dump(mail('a@example.com', 's', 'm', 'From: f@example.com'));
$mails = mg_mails();
echo count($mails), " mail, stamps: ", count(mg_mail_header_values($mails[0], 'X-PHP-Originating-Script')), "\n";
echo $mails[0];
mg_log_show(mg_log_one($log), ['verdict', 'result', 'fn']);
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
bool(true)
1 mail, stamps: 0
To: a@example.com
Subject: s
From: f@example.com

m
verdict=<accept>
result=<sent>
fn=<mail>
