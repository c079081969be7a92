--TEST--
mail() through call_user_func() and call_user_func_array(): stamped, logged with the calling line
--EXTENSIONS--
sockets
--INI--
mail.add_x_header=0
mailguard.syslog_socket={TMP}/mg-hook_call_user_func.sock
sendmail_path="/bin/sh {TMP}/mg-hook_call_user_func.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

$r = call_user_func('mail', 'a@example.com', 'cuf', 'body'); $l = __LINE__;
mg_expect_sent($log, $r, 'call_user_func', __FILE__, $l);

$r = call_user_func_array('mail', ['a@example.com', 'cufa', 'body', ['X-Mailer' => 'test']]); $l = __LINE__;
mg_expect_sent($log, $r, 'call_user_func_array', __FILE__, $l);

$r = call_user_func_array('mail', ['to' => 'a@example.com', 'subject' => 'cufa named', 'message' => 'body']); $l = __LINE__;
mg_expect_sent($log, $r, 'call_user_func_array named', __FILE__, $l);
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
call_user_func: returned true, 1 mail, stamp ok, 1 log line, verdict=accept result=sent fn=mail script ok
call_user_func_array: returned true, 1 mail, stamp ok, 1 log line, verdict=accept result=sent fn=mail script ok
call_user_func_array named: returned true, 1 mail, stamp ok, 1 log line, verdict=accept result=sent fn=mail script ok
