<?php
/*
 * The SMTP client of bench/milter.sh: one connection to 127.0.0.1:PORT,
 * WARMUP untimed then N timed messages, one after another (no pipelining).
 * Prints one line per timed message: the microseconds from MAIL FROM to the
 * 250 after the final dot (the whole transaction: the milter is asked at
 * MAIL, RCPT, the headers and the end of the message), then a line
 * "wall US" (the timed messages' wall time, for messages/s).
 *
 *   php -n smtp-client.php PORT N WARMUP TAG
 */
[$self, $port, $n, $warm, $tag] = $argv + [null, null, 100, 5, 'x'];
if ($port === null) { fwrite(STDERR, "usage: smtp-client.php PORT N WARMUP TAG\n"); exit(2); }
$n = (int) $n; $warm = (int) $warm;
$s = stream_socket_client("tcp://127.0.0.1:$port", $errno, $errstr, 10);
if (!$s) { fwrite(STDERR, "connect: $errstr\n"); exit(1); }
stream_set_timeout($s, 30);
function reply($s, string $want): void {
	while (($l = fgets($s)) !== false) {
		if (strlen($l) >= 4 && $l[3] === '-') continue;
		if (strncmp($l, $want, strlen($want)) !== 0) { fwrite(STDERR, "unexpected: $l"); exit(1); }
		return;
	}
	fwrite(STDERR, "connection closed\n"); exit(1);
}
function cmd($s, string $c, string $want): void { fwrite($s, "$c\r\n"); reply($s, $want); }
reply($s, '220');
cmd($s, 'EHLO bench.localdomain', '250');
$body = str_repeat("The quick brown fox jumps over the lazy dog. 0123456789\r\n", 18); // ~1 KB
$wall = 0;
for ($i = 0; $i < $warm + $n; $i++) {
	$t = hrtime(true);
	cmd($s, 'MAIL FROM:<bench@example.test>', '250');
	cmd($s, "RCPT TO:<r$i@example.test>", '250');
	cmd($s, 'DATA', '354');
	fwrite($s, "From: bench@example.test\r\nTo: r$i@example.test\r\nSubject: mgbench-$tag-$i\r\n"
		. "Message-ID: <mgbench-$tag-$i@example.test>\r\n\r\n$body.\r\n");
	reply($s, '250');
	$dt = hrtime(true) - $t;
	if ($i >= $warm) { echo intdiv($dt, 1000), "\n"; $wall += $dt; }
}
cmd($s, 'QUIT', '221');
echo "wall ", intdiv($wall, 1000), "\n";
