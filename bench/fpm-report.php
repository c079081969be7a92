<?php
/* Reads the samples of bench/fpm.sh and prints the figures.
 *
 *   php fpm-report.php SAMPLEDIR NPROC LOAD1_BEFORE CPU_BUSY_PCT VARIANT...
 *   php fpm-report.php --frozen FILE TIMEOUT_MS
 *
 * SAMPLEDIR/<v>.w<round>: one line per request from bench/spawn.c (wall ns
 * first); SAMPLEDIR/<v>.r<round>: one line per request from
 * bench/fpm-mail.php, "mail_ns ok pid". Each figure is the median over the
 * rounds of the round's p50; ratios and differences to a are taken within
 * each round. Verdicts follow bench/stats.php's rule. */

declare(strict_types=1);
require __DIR__ . '/stats.php';

function col(string $file, int $i): array
{
	return array_map(fn($l) => (float) preg_split('/\s+/', trim($l))[$i],
		file($file, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES));
}

if (($argv[1] ?? '') === '--frozen') {
	[, , $file, $timeout] = $argv;
	$seen = [];
	$first = [];
	$later = [];
	$line = [];
	foreach (file($file, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) as $l) {
		[$ns, $ok, $pid] = preg_split('/\s+/', trim($l));
		$ms = $ns / 1e6;
		$line[] = sprintf("%.3f@%s", $ms, $pid);
		if (isset($seen[$pid])) {
			$later[] = $ms;
		} else {
			$seen[$pid] = true;
			$first[] = $ms;
		}
	}
	echo "mail() ms@worker pid per request, in order: ", implode(' ', $line), "\n";
	printf("first mail per worker (%d workers): %s ms (goal <= timeout %d + 20)\n", count($first),
		implode(', ', array_map(fn($x) => sprintf('%.1f', $x), $first)), $timeout);
	if ($later) {
		printf("later mails (%d, circuit open): p50 %.3f ms, max %.3f ms (goal <= 0.05 ms)\n",
			count($later), med($later), max($later));
	}
	exit(0);
}

const LABELS = [
	'a' => 'a  no mailguard',
	'm' => 'm  mailguard + DB, sync_commit=off',
	'd' => 'd  mailguard + DB, sync_commit=on',
	'r' => 'r  no mailguard; SELECT 1 + mail()',
];
[, $dir, $nproc, $load1, $busy] = $argv;
$variants = array_slice($argv, 5);
/* the client, a worker and a backend run one after the other: about one CPU */
$own = 100 / (int) $nproc;
$quiet = quiet((int) $nproc, (float) $load1, (float) $busy, $own);
echo machine_line((int) $nproc, (float) $load1, (float) $busy, $own), "\n\n";

$R = [];
$refused = [];
foreach ($variants as $v) {
	$files = glob("$dir/$v.r*");
	natsort($files);
	foreach ($files as $f) {
		$r = (int) substr($f, strrpos($f, '.r') + 2);
		$R[$v][$r] = ['mail' => med(col($f, 0)) / 1000, 'req' => med(col("$dir/$v.w$r", 0)) / 1000];
		$refused[$v] = ($refused[$v] ?? 0) + count(array_filter(col($f, 1), fn($x) => $x != 1));
	}
}
$nr = count($R['a']);
echo "per round p50, then over the $nr rounds: median [p25..p75] (min..max), microseconds\n";
printf("  %-36s %-44s %s\n", 'variant', 'request (cgi-fcgi to exit)', 'mail() inside the request');
foreach ($variants as $v) {
	printf("  %-36s %-44s %s   (mail() false: %d)\n", LABELS[$v] ?? $v, spread(array_column($R[$v], 'req'), '%.0f'),
		spread(array_column($R[$v], 'mail'), '%.0f'), $refused[$v]);
}
echo "\nto a, per round, then over the rounds\n";
foreach ($variants as $v) {
	if ($v === 'a') {
		continue;
	}
	foreach (['mail' => 'mail()', 'req' => 'request'] as $k => $what) {
		$ratio = [];
		$added = [];
		foreach ($R[$v] as $r => $x) {
			$ratio[] = $x[$k] / $R['a'][$r][$k];
			$added[] = $x[$k] - $R['a'][$r][$k];
		}
		$target = $v === 'm' && $k === 'mail';
		printf("  %s/a %-8s ratio %s%s\n", $v, $what, spread($ratio, '%.3f'),
			$target ? '   target <= 1.10: ' . verdict($ratio, 1.10, 0.10, $quiet) : '');
		printf("  %s/a %-8s added us %s%s\n", $v, $what, spread($added, '%.0f'),
			$target ? '   target <= 300: ' . verdict($added, 300, 300, $quiet) : '');
	}
}
echo "a verdict needs a quiet machine and the interquartile range of the per-round figure within the margin (the target's headroom)\n";
