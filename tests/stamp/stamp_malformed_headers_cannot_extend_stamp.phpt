--TEST--
with mail.add_x_header=1 a header block starting with a space cannot continue the stamp line: refused with PHP's warning
--EXTENSIONS--
sockets
--INI--
mail.add_x_header=1
mailguard.syslog_socket={TMP}/mg-stamp_malformed_headers_cannot_extend_stamp.sock
sendmail_path="/bin/sh {TMP}/mg-stamp_malformed_headers_cannot_extend_stamp.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

/* Without mailguard, core would glue " 1000:victim.php" to its own stamp. */
var_dump(mail('a@example.com', 's', 'm', " 1000:victim.php"));
var_dump(count(mg_mails()));
mg_log_show(mg_log_one($log), ['verdict', 'reason', 'result']);
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECTF--
Warning: mail(): Multiple or malformed newlines found in additional_header in %s on line %d
bool(false)
int(0)
verdict=<invalid>
reason=<malformed-headers>
result=<failed>
