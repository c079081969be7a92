--TEST--
mail(...) and Closure::fromCallable('mail'): stamped, logged with the calling line
--EXTENSIONS--
sockets
--INI--
mail.add_x_header=0
mailguard.syslog_socket={TMP}/mg-hook_first_class_callable.sock
sendmail_path="/bin/sh {TMP}/mg-hook_first_class_callable.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

$f = mail(...);
$r = $f('a@example.com', 'fcc', 'body'); $l = __LINE__;
mg_expect_sent($log, $r, 'mail(...)', __FILE__, $l);

$c = Closure::fromCallable('mail');
$r = $c('a@example.com', 'fromCallable', 'body'); $l = __LINE__;
mg_expect_sent($log, $r, 'Closure::fromCallable', __FILE__, $l);

$r = (new ReflectionFunction('mail'))->getClosure()('a@example.com', 'getClosure', 'body'); $l = __LINE__;
mg_expect_sent($log, $r, 'ReflectionFunction::getClosure', __FILE__, $l);
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
mail(...): returned true, 1 mail, stamp ok, 1 log line, verdict=accept result=sent fn=mail script ok
Closure::fromCallable: returned true, 1 mail, stamp ok, 1 log line, verdict=accept result=sent fn=mail script ok
ReflectionFunction::getClosure: returned true, 1 mail, stamp ok, 1 log line, verdict=accept result=sent fn=mail script ok
