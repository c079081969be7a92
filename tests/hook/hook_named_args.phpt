--TEST--
mail() with named arguments (reordered, optional ones skipped): stamped, logged
--EXTENSIONS--
sockets
--INI--
mail.add_x_header=0
mailguard.syslog_socket={TMP}/mg-hook_named_args.sock
sendmail_path="/bin/sh {TMP}/mg-hook_named_args.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

$r = mail(message: 'body', subject: 'named', to: 'a@example.com'); $l = __LINE__;
mg_expect_sent($log, $r, 'reordered', __FILE__, $l);

$r = mail('a@example.com', 'named', 'body', additional_params: '-fbounce@example.com'); $l = __LINE__;
$args = mg_mail_args();
mg_expect_sent($log, $r, 'params only', __FILE__, $l);
var_dump($args === ["-fbounce@example.com\n"]);

$r = error_log(message: 'body', destination: 'a@example.com', message_type: 1); $l = __LINE__;
mg_expect_sent($log, $r, 'error_log', __FILE__, $l);
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
reordered: returned true, 1 mail, stamp ok, 1 log line, verdict=accept result=sent fn=mail script ok
params only: returned true, 1 mail, stamp ok, 1 log line, verdict=accept result=sent fn=mail script ok
bool(true)
error_log: returned true, 1 mail, stamp ok, 1 log line, verdict=accept result=sent fn=error_log script ok
