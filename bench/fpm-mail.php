<?php
/* bench/fpm.sh's request: one mail() per request, as most sites send
 * (a contact form, a password reset). Appends one line to the file the
 * query string names: "<mail() ns> <1|0> <worker pid>". */
$out = $_GET['o'] ?? '';
if (!preg_match('~^/[A-Za-z0-9_./-]+$~', $out) || str_contains($out, '..')) {
	http_response_code(400);
	exit;
}
$body = str_repeat("A bench mail of about one kilobyte.\r\n", 28);
/* variant r (no mailguard): one SELECT 1 round trip before mail(), over a
 * connection that outlives the request, as mailguard's does */
$floor = (string) ($_SERVER['MG_BENCH_FLOOR_DSN'] ?? '');
$db = $floor !== '' ? pg_pconnect($floor) : null;
$t = hrtime(true);
if ($db !== null && pg_query($db, 'SELECT 1') === false) {
	http_response_code(500);
	exit;
}
$ok = mail('rcpt@example.com', 'bench', $body, "From: site@example.com\r\n");
$ns = hrtime(true) - $t;
file_put_contents($out, sprintf("%d %d %d\n", $ns, $ok ? 1 : 0, getmypid()), FILE_APPEND);
echo $ok ? "sent\n" : "refused\n";
