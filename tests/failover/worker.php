<?php
/* One long-running mail loop of the failover harness (tests/failover/run.sh):
 * like a php-fpm worker that is never restarted, it keeps mailguard's
 * per-process connection across mails. Sends one mail every few
 * milliseconds until the file $argv[3] exists; each mail's subject names
 * the worker and a sequence number, and one line per mail goes to $argv[2]:
 * "worker seq start end result" (microtime, result 1 = mail() true). */
[, $id, $out, $stop] = $argv;
$f = fopen($out, 'w');
fprintf($f, "pid %d\n", getmypid());
for ($seq = 1; !file_exists($stop); $seq++) {
	$t0 = microtime(true);
	$r = @mail('rcpt@example.com', "fo $id $seq", "body $id $seq\n");
	$t1 = microtime(true);
	fprintf($f, "%s %d %.6f %.6f %d\n", $id, $seq, $t0, $t1, $r ? 1 : 0);
	fflush($f);
	usleep(25000);
}
fprintf($f, "end %d\n", getmypid());
