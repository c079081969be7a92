<?php
/*
 * The SMTP client of bench/milter.sh: one connection to each of
 * 127.0.0.1:PORT,PORT,... (one per variant), WARMUP untimed then N timed
 * messages on each, one after another (no pipelining), interleaved: message
 * i goes to every connection in turn before message i + 1, the order
 * rotated by one each time, so that the variants share the machine's
 * moments (on a shared machine the load moves within seconds).
 * Prints one line per timed message: the variant's index (0 for the first
 * port), the microseconds from MAIL FROM to the 250 after the final dot
 * (the whole transaction), then the instants (hrtime(), CLOCK_MONOTONIC,
 * in microseconds: the milters' clock) when MAIL was sent, its 250,
 * RCPT's 250, DATA's 354, the final dot sent and its 250, then the queue
 * ID from that 250; last a line "wall INDEX US" per variant (its timed
 * messages' own time, for messages/s). Before the messages, CONNS short
 * sessions per variant, interleaved the same way: "conn INDEX US", the
 * microseconds from connect() to the 220 greeting (Postfix asks its
 * milters at connect, before it greets).
 *
 *   php -n smtp-client.php PORT[,PORT...] N WARMUP TAG [CONNS]
 */
[$self, $ports, $n, $warm, $tag, $nconn] = $argv + [null, null, 100, 5, 'x', 0];
if ($ports === null) { fwrite(STDERR, "usage: smtp-client.php PORT[,PORT...] N WARMUP TAG [CONNS]\n"); exit(2); }
$n = (int) $n; $warm = (int) $warm; $nconn = (int) $nconn;
function reply($s, string $want): string {
	while (($l = fgets($s)) !== false) {
		if (strlen($l) >= 4 && $l[3] === '-') continue;
		if (strncmp($l, $want, strlen($want)) !== 0) { fwrite(STDERR, "unexpected: $l"); exit(1); }
		return $l;
	}
	fwrite(STDERR, "connection closed\n"); exit(1);
}
function cmd($s, string $c, string $want): int { fwrite($s, "$c\r\n"); reply($s, $want); return intdiv(hrtime(true), 1000); }
$portlist = explode(',', $ports);
$k = count($portlist);
for ($i = 0; $i < $nconn; $i++) {
	for ($j = 0; $j < $k; $j++) {
		$v = ($i + $j) % $k;
		$t = hrtime(true);
		$s = stream_socket_client("tcp://127.0.0.1:{$portlist[$v]}", $errno, $errstr, 10);
		if (!$s) { fwrite(STDERR, "connect {$portlist[$v]}: $errstr\n"); exit(1); }
		stream_set_timeout($s, 30);
		reply($s, '220');
		$dt = hrtime(true) - $t;
		cmd($s, 'QUIT', '221');
		fclose($s);
		echo "conn $v ", intdiv($dt, 1000), "\n";
	}
}
$conns = [];
foreach ($portlist as $port) {
	$s = stream_socket_client("tcp://127.0.0.1:$port", $errno, $errstr, 10);
	if (!$s) { fwrite(STDERR, "connect $port: $errstr\n"); exit(1); }
	stream_set_timeout($s, 30);
	reply($s, '220');
	cmd($s, 'EHLO bench.localdomain', '250');
	$conns[] = $s;
}
$body = str_repeat("The quick brown fox jumps over the lazy dog. 0123456789\r\n", 18); // ~1 KB
$wall = array_fill(0, $k, 0);
for ($i = 0; $i < $warm + $n; $i++) {
	for ($j = 0; $j < $k; $j++) {
		$v = ($i + $j) % $k;
		$s = $conns[$v];
		$t = hrtime(true);
		$at = [intdiv($t, 1000)];
		$at[] = cmd($s, 'MAIL FROM:<bench@example.test>', '250');
		$at[] = cmd($s, "RCPT TO:<r$i@example.test>", '250');
		$at[] = cmd($s, 'DATA', '354');
		fwrite($s, "From: bench@example.test\r\nTo: r$i@example.test\r\nSubject: mgbench-$tag-$v-$i\r\n"
			. "Message-ID: <mgbench-$tag-$v-$i@example.test>\r\n\r\n$body.\r\n");
		$at[] = intdiv(hrtime(true), 1000);
		$l = reply($s, '250');
		$dt = hrtime(true) - $t;
		$at[] = intdiv($t + $dt, 1000);
		$qid = preg_match('/queued as ([0-9A-Za-z]+)/', $l, $m) ? $m[1] : '-';
		if ($i >= $warm) { echo "$v ", intdiv($dt, 1000), ' ', implode(' ', $at), " $qid\n"; $wall[$v] += $dt; }
	}
}
foreach ($conns as $v => $s) {
	cmd($s, 'QUIT', '221');
	echo "wall $v ", intdiv($wall[$v], 1000), "\n";
}
