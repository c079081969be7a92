--TEST--
mailguard.syslog=0 (or an empty mailguard.syslog_socket): no datagram at all, the mail is still stamped and sent
--EXTENSIONS--
sockets
--INI--
mail.add_x_header=0
mailguard.syslog=0
mailguard.syslog_socket={TMP}/mg-syslog_disabled.sock
sendmail_path="/bin/sh {TMP}/mg-syslog_disabled.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

var_dump(mail('a@example.com', 's', 'm'));
@mail('a@example.com', 's', 'm', 'X-PHP-Originating-Script: 0:x.php');
var_dump(count(mg_log_raw($log)));
$mails = mg_mails();
var_dump(count($mails), mg_mail_header_values($mails[0], 'X-PHP-Originating-Script') === [mg_expected_stamp()]);
/* an empty mailguard.syslog_socket switches the line off as well */
$r = mg_run('var_dump(mail("a@example.com", "s", "m"));', ['ini' => ['mailguard.syslog_socket' => '']]);
echo $r['out'], count($r['mails']), " mail\n";
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
bool(true)
int(0)
int(1)
bool(true)
bool(true)
1 mail
