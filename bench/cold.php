<?php
/* bench/cold.sh's client: the extension's question (store.c's SQL text,
 * the same 21 parameters) and SELECT 1, each timed around one
 * pg_query_params()/pg_query() round trip, back to back ("warm") and after
 * a pause of PAUSE_MS ("idle": usleep; "spawn": popen() of the stub
 * sendmail, as mail() does). The question twice: "policy", the unnamed
 * statement (what the extension sends behind a transaction pooler), and
 * "prepared", a named statement prepared once (what it sends otherwise).
 * One line per (round, pause, statement):
 * "round pause statement p10 p50 p90" in microseconds.
 *
 *   php -d extension=pgsql cold.php DSN ACCOUNT STUB N ROUNDS PAUSE_MS */
declare(strict_types=1);
[, $dsn, $account, $stub, $n, $rounds, $pause] = $argv;
[$n, $rounds, $pause] = [(int) $n, (int) $rounds, (int) $pause];
$c = pg_connect($dsn) or exit(1);
pg_query($c, 'SET synchronous_commit = off');
$sql = 'SELECT verdict, reason, detail, trace FROM mailguard.mail($1, $2::integer, $3, $4::integer, $5::integer, $6,'
	. ' $7::integer, $8, $9, $10, $11, $12::integer, $13, $14, $15, $16, $17, $18, $19::uuid, $20, $21::timestamptz)';
pg_prepare($c, 'mailguard_check', $sql) or exit(1);
$modes = ['warm', 'idle', 'spawn'];
for ($r = 0; $r < $rounds; $r++) {
	$order = array_merge(array_slice($modes, $r % 3), array_slice($modes, 0, $r % 3));
	foreach ($order as $mode) {
		foreach (['policy', 'prepared', 'select1'] as $what) {
			$ts = [];
			for ($i = 0; $i < $n; $i++) {
				$p = [$account, 1, 'mail', 33, 1000, '/var/www/site/contact.php', 42, '/var/www/site/index.php',
					'site.example', '192.0.2.10', 'web1.example', 1234, 'cli', 'site@example.com', 'rcpt@example.com',
					null, null, 'bench', null, null, gmdate('Y-m-d\TH:i:s\Z', time() + 60)];
				if ($mode === 'idle') {
					usleep($pause * 1000);
				} elseif ($mode === 'spawn') {
					$h = popen($stub, 'w');
					fwrite($h, str_repeat("A bench mail of about one kilobyte.\r\n", 28));
					pclose($h);
				}
				$t = hrtime(true);
				$res = match ($what) {
					'policy' => pg_query_params($c, $sql, $p),
					'prepared' => pg_execute($c, 'mailguard_check', $p),
					'select1' => pg_query($c, 'SELECT 1'),
				};
				$ts[] = (hrtime(true) - $t) / 1000;
				if ($res === false || ($what !== 'select1' && pg_fetch_result($res, 0, 0) !== 'accept')) {
					fwrite(STDERR, "cold: the question failed or was refused\n");
					exit(1);
				}
			}
			sort($ts);
			printf("%d %s %s %.0f %.0f %.0f\n", $r, $mode, $what, $ts[intdiv($n, 10)], $ts[intdiv($n, 2)], $ts[intdiv($n * 9, 10)]);
		}
	}
}
