--TEST--
with mailguard.header=0 a script's own X-PHP-Originating-Script is PHP's business: sent as written, logged as accept
--EXTENSIONS--
sockets
--INI--
mail.add_x_header=0
mailguard.header=0
mailguard.syslog_socket={TMP}/mg-stamp_forged_allowed_header_off.sock
sendmail_path="/bin/sh {TMP}/mg-stamp_forged_allowed_header_off.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

var_dump(mail('a@example.com', 's', 'm', "From: f@example.com\r\nX-PHP-Originating-Script: 0:innocent.php"));
$mails = mg_mails();
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
To: a@example.com
Subject: s
From: f@example.com
X-PHP-Originating-Script: 0:innocent.php

m
verdict=<accept>
result=<sent>
fn=<mail>
