--TEST--
mailguard.syslog_facility=local3: <158> for accept, <156> for refuse and invalid
--EXTENSIONS--
sockets
--INI--
mail.add_x_header=0
mailguard.syslog_facility=local3
mailguard.syslog_socket={TMP}/mg-syslog_facility_local3.sock
sendmail_path="/bin/sh {TMP}/mg-syslog_facility_local3.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

mail('a@example.com', 's', 'm');
echo mg_log_one($log)['pri'], "\n";
@mail('a@example.com', 's', 'm', 'X-PHP-Originating-Script: 0:x.php');
echo mg_log_one($log)['pri'], "\n";
@mail('a@example.com', 's', 'm', ' X-A: 1');
echo mg_log_one($log)['pri'], "\n";
var_dump(ini_get('mailguard.syslog_facility'));
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
158
156
156
string(6) "local3"
