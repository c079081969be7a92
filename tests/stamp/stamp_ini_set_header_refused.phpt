--TEST--
ini_set('mailguard.header', 0) at runtime returns false and the mail is still stamped
--EXTENSIONS--
sockets
--INI--
mail.add_x_header=0
mailguard.syslog_socket={TMP}/mg-stamp_ini_set_header_refused.sock
sendmail_path="/bin/sh {TMP}/mg-stamp_ini_set_header_refused.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

var_dump(ini_set('mailguard.header', '0'));
var_dump(ini_set('mailguard.header', 'off'));
var_dump(ini_get('mailguard.header'));
var_dump(mail('a@example.com', 's', 'm'));
$mails = mg_mails();
var_dump(mg_mail_header_values($mails[0], 'X-PHP-Originating-Script') === [mg_expected_stamp()]);
var_dump(mg_log_one($log)['fields']['verdict']);
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
bool(false)
bool(false)
string(1) "1"
bool(true)
bool(true)
string(6) "accept"
