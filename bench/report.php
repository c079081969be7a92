<?php
/* Reads the samples of bench/run.sh and prints the table and the ratios.
 *
 *   php report.php SAMPLEDIR VARIANT...
 *
 * SAMPLEDIR holds <variant>.r<round> files, one duration in ns per line.
 * All of a variant's rounds are pooled. Percentiles are nearest-rank. */

declare(strict_types=1);

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

function pct(array $sorted, float $p): float
{
	$n = count($sorted);
	$k = max(1, (int) ceil($p / 100 * $n));
	return $sorted[$k - 1];
}

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

[, $dir] = $argv;
$variants = array_slice($argv, 2);
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
$targets = ['b0' => 1.02, 'b' => 1.02, 'c' => 1.10, 'd' => null];
echo "\nratios to a (same stub sendmail), and the time added to a:\n";
printf("%-5s %7s %7s %7s %9s %9s %11s   %s\n", '', 'p50', 'p95', 'mean', '+p50 us', '+mean us', 'round p50*', 'target');
foreach ($variants as $v) {
	if ($v === 'a' || in_array($v, DIAG, true)) {
		continue;
	}
	$s = $st[$v];
	$r50 = $s['p50'] / $a['p50'];
	$r95 = $s['p95'] / $a['p95'];
	$t = $targets[$v] ?? null;
	$verdict = $t === null ? 'durable figure, no target'
		: sprintf('<= %.2f: p50 %s, p95 %s', $t, $r50 <= $t ? 'PASS' : 'MISS', $r95 <= $t ? 'PASS' : 'MISS');
	/* the median over rounds of (p50 of v / p50 of a in the same round):
	 * less exposed to the machine's drift between rounds */
	$pr = [];
	foreach ($rounds[$v] as $i => $x) {
		$pr[] = $x / $rounds['a'][$i];
	}
	sort($pr);
	$prm = count($pr) % 2 ? $pr[intdiv(count($pr), 2)] : ($pr[count($pr) / 2 - 1] + $pr[count($pr) / 2]) / 2;
	printf("%-5s %7.3f %7.3f %7.3f %9.1f %9.1f %11.3f   %s\n", "$v/a", $r50, $r95,
		$s['mean'] / $a['mean'], $s['p50'] - $a['p50'], $s['mean'] - $a['mean'], $prm, $verdict);
}
echo "* median over the rounds of the per-round p50 ratio (targets are judged on the pooled p50)\n";
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
