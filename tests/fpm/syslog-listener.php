<?php
/*
 * The syslog daemon of the FPM harness: binds a Unix datagram socket
 * (mailguard.syslog_socket of the pools) and appends each datagram to a
 * file, one line each, with control bytes and backslashes written as C
 * escapes (stripcslashes() gives the datagram back). Runs until killed.
 *
 *   php -n syslog-listener.php SOCKET OUTFILE
 *
 * Plain PHP streams (udg://), so no extension is needed.
 */
[$self, $sock, $file] = $argv + [null, null, null];
if ($sock === null || $file === null) {
	fwrite(STDERR, "usage: php -n syslog-listener.php SOCKET OUTFILE\n");
	exit(2);
}
@unlink($sock);
$s = stream_socket_server("udg://$sock", $errno, $errstr, STREAM_SERVER_BIND);
if ($s === false) {
	fwrite(STDERR, "syslog-listener: cannot bind $sock: $errstr\n");
	exit(1);
}
/* The workers run as the pool users. */
chmod($sock, 0666);
$out = fopen($file, 'a');
for (;;) {
	$d = stream_socket_recvfrom($s, 262144);
	if ($d === false) {
		exit(1);
	}
	fwrite($out, addcslashes($d, "\0..\37\177\\") . "\n");
	fflush($out);
}
