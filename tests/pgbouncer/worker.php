<?php
/* One PHP worker of tests/pgbouncer/run.sh: sends mails with mail() and
 * prints one JSON line (accepted, refused, the warnings it saw, its time).
 *
 *   php worker.php N [READY GO] [TAG]
 *
 * With READY and GO: sends one mail (its connection is then open and kept),
 * creates the file READY, waits until GO exists, then sends the other N-1:
 * so the harness can see every worker connected at once before the rest
 * of the mail flows. */
$n = (int) ($argv[1] ?? 1);
$ready = $argv[2] ?? '';
$go = $argv[3] ?? '';
$tag = $argv[4] ?? 'w';
$acc = $ref = 0;
$why = [];
set_error_handler(function (int $no, string $str) use (&$why): bool {
	$why[$str] = ($why[$str] ?? 0) + 1;
	return true;
});
$send = function (int $i) use (&$acc, &$ref, $tag): void {
	if (mail("rcpt$i@example.org", "pgbouncer $tag $i", "body $i\n")) {
		$acc++;
	} else {
		$ref++;
	}
};
$t = hrtime(true);
$i = 0;
if ($ready !== '' && $go !== '') {
	$send($i++);
	touch($ready);
	$limit = time() + 120;
	while (!file_exists($go) && time() < $limit) {
		usleep(5000);
	}
	$t = hrtime(true);
}
for (; $i < $n; $i++) {
	$send($i);
}
echo json_encode(['acc' => $acc, 'ref' => $ref, 'why' => $why, 'ms' => (hrtime(true) - $t) / 1e6,
	'pid' => getmypid(), 'host' => gethostname()]), "\n";
