--TEST--
mailguard.max_header_bytes with header_limit_action=refuse (the default): a longer header block is refused before any counting, nothing is sent
--EXTENSIONS--
mbstring
sockets
--INI--
mail.add_x_header=0
mailguard.max_header_bytes=65536
mailguard.syslog_socket={TMP}/mg-hostile_header_limit_refuse.sock
sendmail_path="/bin/sh {TMP}/mg-hostile_header_limit_refuse.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();
$keys = ['verdict', 'reason', 'rcpts', 'capped'];
$sent = 0;
/* counts what reached the MTA before mg_logged() clears it */
$counted = function (callable $f) use (&$sent) {
	return function () use ($f, &$sent) {
		$r = $f();
		$sent += count(mg_mails());
		return $r;
	};
};

/* 60 kB: b@example.com, repeated, is queued once (a, b, last) */
$fits = 'Bcc: ' . str_repeat('b@example.com, ', 4000) . 'last@example.com';
$over = 'Bcc: ' . str_repeat('b@example.com, ', 5000) . 'last@example.com';       /* 75 kB */
echo mg_logged($log, $counted(fn() => mail('a@example.com', 's', 'm', $fits)), $keys), "\n";
echo mg_logged($log, $counted(fn() => mail('a@example.com', 's', 'm', $over)), $keys), "\n";
/* the to-argument and the subject are part of the block too */
echo mg_logged($log, $counted(fn() => mail(str_repeat('t@example.com,', 5000), 's', 'm')), $keys), "\n";
echo mg_logged($log, $counted(fn() => mail('a@example.com', str_repeat('s', 70000), 'm')), $keys), "\n";
echo mg_logged($log, $counted(fn() => mb_send_mail('a@example.com', 's', 'm', $over)), $keys), "\n";
echo mg_logged($log, $counted(fn() => error_log('x', 1, 'a@example.com', $over)), $keys), "\n";
echo $sent, " mail sent\n";
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECTF--
verdict=<accept> reason: (absent) rcpts=<3> capped: (absent)

Warning: mail(): mailguard: mail refused: headers too large in %s on line %d
returned false: verdict=<refuse> reason=<headers-too-large> rcpts=<%d> capped=<1>

Warning: mail(): mailguard: mail refused: headers too large in %s on line %d
returned false: verdict=<refuse> reason=<headers-too-large> rcpts=<%d> capped=<1>

Warning: mail(): mailguard: mail refused: headers too large in %s on line %d
returned false: verdict=<refuse> reason=<headers-too-large> rcpts=<%d> capped=<1>

Warning: mb_send_mail(): mailguard: mail refused: headers too large in %s on line %d
returned false: verdict=<refuse> reason=<headers-too-large> rcpts=<%d> capped=<1>

Warning: error_log(): mailguard: mail refused: headers too large in %s on line %d
returned false: verdict=<refuse> reason=<headers-too-large> rcpts=<%d> capped=<1>
1 mail sent
