--TEST--
mailguard.max_rcpts: a mail with more recipients is refused without the database, recipients added through the fifth argument included
--EXTENSIONS--
sockets
--INI--
mail.add_x_header=0
mailguard.max_rcpts=100
mailguard.additional_params=any
mailguard.syslog_socket={TMP}/mg-hostile_max_rcpts.sock
sendmail_path="/bin/sh {TMP}/mg-hostile_max_rcpts.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();
$keys = ['verdict', 'reason', 'rcpts'];
$list = fn(int $n) => implode(', ', array_map(fn($i) => "u$i@example.com", range(1, $n)));

echo mg_logged($log, fn() => mail($list(100), 's', 'm'), $keys), "\n";
echo mg_logged($log, fn() => mail($list(100), 's', 'm', 'Bcc: x@example.com'), $keys), "\n";
echo mg_logged($log, fn() => mail($list(99), 's', 'm', '', '-fbounce@example.com extra@example.org'), $keys), "\n";
echo mg_logged($log, fn() => mail($list(100), 's', 'm', '', '-fbounce@example.com extra@example.org'), $keys), "\n";
echo mg_logged($log, fn() => mail('a@example.com', 's', 'm', 'Resent-To: ' . $list(101)), $keys), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECTF--
verdict=<accept> reason: (absent) rcpts=<100>

Warning: mail(): mailguard: mail refused: too many recipients in %s on line %d
returned false: verdict=<refuse> reason=<too-many-recipients> rcpts=<101>
verdict=<accept> reason: (absent) rcpts=<100>

Warning: mail(): mailguard: mail refused: too many recipients in %s on line %d
returned false: verdict=<refuse> reason=<too-many-recipients> rcpts=<101>

Warning: mail(): mailguard: mail refused: too many recipients in %s on line %d
returned false: verdict=<refuse> reason=<too-many-recipients> rcpts=<101>
