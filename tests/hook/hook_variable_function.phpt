--TEST--
mail() through a variable function name (any case): stamped, logged
--EXTENSIONS--
sockets
--INI--
mail.add_x_header=0
mailguard.syslog_socket={TMP}/mg-hook_variable_function.sock
sendmail_path="/bin/sh {TMP}/mg-hook_variable_function.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

$fn = 'mail';
$r = $fn('a@example.com', 'variable', 'body'); $l = __LINE__;
mg_expect_sent($log, $r, 'variable', __FILE__, $l);

$fn = 'MAIL';
$r = $fn('a@example.com', 'variable upper', 'body'); $l = __LINE__;
mg_expect_sent($log, $r, 'variable upper', __FILE__, $l);

$r = ('ma' . 'il')('a@example.com', 'expression', 'body'); $l = __LINE__;
mg_expect_sent($log, $r, 'expression', __FILE__, $l);
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
variable: returned true, 1 mail, stamp ok, 1 log line, verdict=accept result=sent fn=mail script ok
variable upper: returned true, 1 mail, stamp ok, 1 log line, verdict=accept result=sent fn=mail script ok
expression: returned true, 1 mail, stamp ok, 1 log line, verdict=accept result=sent fn=mail script ok
