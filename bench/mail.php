<?php
/* One benchmark process: WARMUP untimed mail() calls, then N timed ones,
 * each timed with hrtime(true) around the call alone. Appends one line per
 * timed call (nanoseconds) to OUTFILE; prints "ok=<n> failed=<n>" on stdout.
 *
 *   php mail.php OUTFILE N WARMUP [HEADER [IDLE_US]]
 *
 * HEADER, when not empty, is one more header line (run.sh's diagnostic r0
 * uses a forged X-PHP-Originating-Script, which mailguard refuses on its
 * own). IDLE_US, when given, is an untimed usleep() before each timed call
 * (diagnostic ri: a round trip to a database backend that has been idle).
 *
 * The mail is the same every time: one recipient, a From header, a short
 * body. A mail() that returns false is counted, not fatal: a refusal or the
 * fail mode is a finding of the run, reported by run.sh. */

declare(strict_types=1);

if ($argc < 4 || $argc > 6) {
	fwrite(STDERR, "usage: php mail.php OUTFILE N WARMUP [HEADER [IDLE_US]]\n");
	exit(2);
}
[, $outfile, $n, $warmup] = $argv;
$extra = $argv[4] ?? '';
$idle = (int) ($argv[5] ?? 0);
$n = (int) $n;
$warmup = (int) $warmup;

$to = 'a@example.com';
$subject = 'bench';
$body = str_repeat("Hello, this is a benchmark mail of a typical size.\n", 20);
$headers = "From: Bench <bench@example.com>\r\nContent-Type: text/plain; charset=UTF-8";
if ($extra !== '') {
	$headers .= "\r\n" . $extra;
}

$failed = 0;
for ($i = 0; $i < $warmup; $i++) {
	if (!mail($to, $subject, $body, $headers)) {
		$failed++;
	}
}

$t = array_fill(0, $n, 0);
for ($i = 0; $i < $n; $i++) {
	if ($idle > 0) {
		usleep($idle);
	}
	$s = hrtime(true);
	$ok = mail($to, $subject, $body, $headers);
	$t[$i] = hrtime(true) - $s;
	if (!$ok) {
		$failed++;
	}
}

if (file_put_contents($outfile, implode("\n", $t) . "\n", FILE_APPEND) === false) {
	fwrite(STDERR, "mail.php: cannot write $outfile\n");
	exit(1);
}
printf("ok=%d failed=%d\n", $warmup + $n - $failed, $failed);
