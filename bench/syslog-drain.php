<?php
/* The bench's syslog daemon: binds a Unix datagram socket at PATH, reads
 * and discards every datagram until SIGTERM, then writes
 * "<datagrams> <bytes>" to COUNTFILE.
 *
 *   php syslog-drain.php PATH COUNTFILE
 *
 * Prints "ready" on stdout once the socket is bound. */

declare(strict_types=1);

if ($argc !== 3) {
	fwrite(STDERR, "usage: php syslog-drain.php PATH COUNTFILE\n");
	exit(2);
}
[, $path, $countfile] = $argv;

@unlink($path);
$s = stream_socket_server("udg://$path", $errno, $errstr, STREAM_SERVER_BIND);
if ($s === false) {
	fwrite(STDERR, "syslog-drain.php: cannot bind $path: $errstr\n");
	exit(1);
}
chmod($path, 0666);

$stop = false;
pcntl_async_signals(true);
pcntl_signal(SIGTERM, function () use (&$stop) { $stop = true; });
pcntl_signal(SIGINT, function () use (&$stop) { $stop = true; });

echo "ready\n";
fflush(STDOUT);

$count = 0;
$bytes = 0;
stream_set_blocking($s, false);
while (!$stop) {
	$r = [$s];
	$w = $e = null;
	if (@stream_select($r, $w, $e, 0, 200000) > 0) {
		/* everything queued, then back to select */
		while (($d = stream_socket_recvfrom($s, 65536)) !== false && $d !== '') {
			$count++;
			$bytes += strlen($d);
		}
	}
}
file_put_contents($countfile, "$count $bytes\n");
fclose($s);
@unlink($path);
