--TEST--
ReflectionFunction::invoke() and invokeArgs() on mail(): stamped, logged with the calling line
--EXTENSIONS--
sockets
--INI--
mail.add_x_header=0
mailguard.syslog_socket={TMP}/mg-hook_reflection_invoke.sock
sendmail_path="/bin/sh {TMP}/mg-hook_reflection_invoke.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

$rf = new ReflectionFunction('mail');
$r = $rf->invoke('a@example.com', 'invoke', 'body'); $l = __LINE__;
mg_expect_sent($log, $r, 'invoke', __FILE__, $l);

$r = $rf->invokeArgs(['a@example.com', 'invokeArgs', 'body', 'X-Mailer: test']); $l = __LINE__;
mg_expect_sent($log, $r, 'invokeArgs', __FILE__, $l);
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
invoke: returned true, 1 mail, stamp ok, 1 log line, verdict=accept result=sent fn=mail script ok
invokeArgs: returned true, 1 mail, stamp ok, 1 log line, verdict=accept result=sent fn=mail script ok
