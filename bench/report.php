<?php
/* Reads the samples of bench/run.sh and prints the table and the ratios.
 *
 *   php report.php SAMPLEDIR NPROC LOAD1_BEFORE CPU_BUSY_PCT VARIANT...
 *
 * SAMPLEDIR holds <variant>.r<round> files, one duration in ns per line.
 * All of a variant's rounds are pooled for the table; the ratios and the
 * added time are taken within each round (p50 of the variant against p50
 * of a in the same round) and summarised over the rounds with their spread.
 * Verdicts follow bench/stats.php's rule. Percentiles are nearest-rank. */

declare(strict_types=1);
require __DIR__ . '/stats.php';

const LABELS = [
	'a'  => 'a  plain mail(), no mailguard',
	'b0' => 'b0 mailguard, no DSN, syslog off',
	'b'  => 'b  mailguard, no DSN, syslog on',
	'c'  => 'c  mailguard + DB, sync_commit=off',
	'd'  => 'd  mailguard + DB, sync_commit=on',
	'r0' => 'r0 diag: refused by mailguard, no DB',
	'r'  => 'r  diag: refused by the DB (off)',
	'ri' => 'ri diag: as r, 1 ms idle before each',
];
/* Diagnostics: refused mails never reach sendmail, so they are not in the
 * ratios; r - r0 is the database's part of one mail() as mail() sees it. */
const DIAG = ['r0', 'r', 'ri'];

function stats(array $ns): array
{
	sort($ns, SORT_NUMERIC);
	$us = array_map(fn($v) => $v / 1000, $ns);
	return [
		'n' => count($us),
		'mean' => array_sum($us) / count($us),
		'p50' => pct($us, 50),
		'p95' => pct($us, 95),
		'p99' => pct($us, 99),
		'min' => $us[0],
		'max' => $us[count($us) - 1],
	];
}

function load(string $file): array
{
	return array_map('intval', file($file, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES));
}

[, $dir, $nproc, $load1, $busy] = $argv;
$variants = array_slice($argv, 5);
/* one PHP process at a time, with its backend: about one CPU */
$own = 100 / (int) $nproc;
$quiet = quiet((int) $nproc, (float) $load1, (float) $busy, $own);
echo machine_line((int) $nproc, (float) $load1, (float) $busy, $own), "\n\n";
$st = [];
$rounds = [];
foreach ($variants as $v) {
	$files = glob("$dir/$v.r*");
	natsort($files);
	if (!$files) {
		fwrite(STDERR, "report.php: no samples for variant $v\n");
		exit(1);
	}
	$all = [];
	foreach ($files as $f) {
		$x = load($f);
		$rounds[$v][] = stats($x)['p50'];
		array_push($all, ...$x);
	}
	$st[$v] = stats($all);
}

echo "mail() wall time per call, microseconds (all rounds pooled)\n";
printf("%-38s %6s %9s %9s %9s %9s %9s %9s\n", 'variant', 'n', 'mean', 'p50', 'p95', 'p99', 'min', 'max');
foreach ($variants as $v) {
	$s = $st[$v];
	printf("%-38s %6d %9.1f %9.1f %9.1f %9.1f %9.1f %9.1f\n", LABELS[$v] ?? $v, $s['n'],
		$s['mean'], $s['p50'], $s['p95'], $s['p99'], $s['min'], $s['max']);
}
echo "\np50 per round (us), to judge the noise:\n";
foreach ($variants as $v) {
	printf("  %-3s %s\n", $v, implode(' ', array_map(fn($x) => sprintf('%8.1f', $x), $rounds[$v])));
}

if (!isset($st['a'])) {
	exit(0);
}
$a = $st['a'];
/* target ratio (margin: the target's headroom) and, for c, the time added */
$targets = ['b0' => 1.02, 'b' => 1.02, 'c' => 1.10, 'd' => null];
echo "\nto a (same stub sendmail), per round, then over the rounds: median [p25..p75] (min..max)\n";
foreach ($variants as $v) {
	if ($v === 'a' || in_array($v, DIAG, true)) {
		continue;
	}
	$ratio = [];
	$added = [];
	foreach ($rounds[$v] as $i => $x) {
		$ratio[] = $x / $rounds['a'][$i];
		$added[] = $x - $rounds['a'][$i];
	}
	$t = $targets[$v] ?? null;
	printf("%-3s p50 ratio %s   target %s\n", $v, spread($ratio, '%.3f'),
		$t === null ? 'none (durable figure)' : sprintf('<= %.2f: %s', $t, verdict($ratio, $t, $t - 1, $quiet)));
	printf("%-3s added us  %s   target %s\n", '', spread($added, '%.1f'),
		$v === 'c' ? '<= 300: ' . verdict($added, 300, 300, $quiet) : 'none');
}
printf("pooled over all rounds: p50 ratio / p95 ratio / +p50 us: %s\n", implode('; ', array_map(
	fn($v) => sprintf('%s %.3f / %.3f / %+.1f', $v, $st[$v]['p50'] / $a['p50'], $st[$v]['p95'] / $a['p95'], $st[$v]['p50'] - $a['p50']),
	array_values(array_filter($variants, fn($v) => $v !== 'a' && !in_array($v, DIAG, true))))));
echo "a verdict needs a quiet machine and the interquartile range of the per-round figure within the margin\n";
if (isset($st['r'], $st['r0'])) {
	printf("\none database round trip inside mail() (refused, so no sendmail, no outcome report):\n"
		. "back to back: r - r0 = %.1f us at p50 (r %.1f, r0 %.1f)\n",
		$st['r']['p50'] - $st['r0']['p50'], $st['r']['p50'], $st['r0']['p50']);
}
if (isset($st['ri'], $st['r0'])) {
	printf("after 1 ms idle, as after a sendmail spawn: ri - r0 = %.1f us at p50\n"
		. "(an accepted mail makes one: the check, which carries the previous mail's outcome)\n",
		$st['ri']['p50'] - $st['r0']['p50']);
}
