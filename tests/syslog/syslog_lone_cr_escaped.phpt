--TEST--
a lone CR inside a header value is data (for core and the MTA): the log shows it escaped as \x0d, it does not silently drop it
--EXTENSIONS--
sockets
--INI--
mail.add_x_header=0
mailguard.syslog_socket={TMP}/mg-syslog_lone_cr_escaped.sock
sendmail_path="/bin/sh {TMP}/mg-syslog_lone_cr_escaped.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();
var_dump(mail('a@example.com', 's', 'm', "From: boss@example.com\rintern@example.com"));
/* the MTA gets the CR as it was written */
echo json_encode(mg_mail_header_values(mg_mails()[0], 'From')), "\n";
$raw = mg_log_raw($log)[0];
preg_match('/ from=("[^"]*"|\S+)/', $raw, $m);
echo $m[1], "\n";
var_dump(mg_log_parse($raw)['fields']['from'] === "boss@example.com\rintern@example.com");
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
bool(true)
["boss@example.com\rintern@example.com"]
"boss@example.com\x0dintern@example.com"
bool(true)
