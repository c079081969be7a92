<?php
/* Reads the samples of bench/startup.sh and prints the figures.
 *
 *   php startup-report.php WORKDIR NPROC LOAD1_BEFORE CPU_BUSY_PCT VARIANT...
 *
 * WORKDIR/start/<v>.r<round>: one line per start, "wall_ns maxrss_kb
 * minflt majflt" (bench/spawn.c); WORKDIR/probe/<v>.r<round> and
 * WORKDIR/mail/<v>.r<round>: one line of bench/startup-probe.php, after
 * start and after the first mail. Variant a is the baseline.
 *
 * Each figure is the median over the rounds of the per-round figure (for
 * the start time: the round's median of PER starts), the spread the
 * interquartile range over the rounds (p25..p75, nearest-rank) and the
 * extremes. A ratio or a difference to a is taken within each round, then
 * its median over the rounds. A verdict is printed only when the spread of
 * that per-round ratio or difference is narrower than the target's margin
 * and the machine was quiet; otherwise "no verdict". */

declare(strict_types=1);

const LABELS = [
	'a' => 'a  no mailguard',
	'm' => 'm  mailguard, DSN set (lazy libpq)',
	'p' => 'p  m + LD_PRELOAD libpq (old cost)',
];

require __DIR__ . '/stats.php';

function lines(string $f): array
{
	return array_map(fn($l) => preg_split('/\s+/', trim($l)), file($f, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES));
}

[, $dir, $nproc, $load1, $busy] = $argv;
$variants = array_slice($argv, 5);
$nproc = (int) $nproc;
/* busy: other work on the machine. This bench runs one process at a time,
 * i.e. at most one CPU's worth of the busy share. */
$own = 100 / $nproc;
$quiet = quiet($nproc, (float) $load1, (float) $busy, $own);
echo machine_line($nproc, (float) $load1, (float) $busy, $own), "\n\n";

$R = [];   // $R[v][round] = [wall_us_p50, maxrss, minflt, majflt, vmrss, pflt, pq, vmrss_mail, flt_mail, pq_mail, mail]
foreach ($variants as $v) {
	$files = glob("$dir/start/$v.r*");
	natsort($files);
	foreach ($files as $f) {
		$r = (int) substr($f, strrpos($f, '.r') + 2);
		$s = lines($f);
		$p = lines("$dir/probe/$v.r$r")[0];
		$m = lines("$dir/mail/$v.r$r")[0];
		$R[$v][$r] = [
			'wall' => med(array_map(fn($l) => $l[0] / 1000, $s)),
			'maxrss' => med(array_map(fn($l) => (int) $l[1], $s)),
			'minflt' => med(array_map(fn($l) => (int) $l[2], $s)),
			'majflt' => array_sum(array_map(fn($l) => (int) $l[3], $s)),
			'rss' => (int) $p[0], 'flt' => (int) $p[1], 'pq' => (int) $p[3],
			'rss_mail' => (int) $m[0], 'flt_mail' => (int) $m[1], 'pq_mail' => (int) $m[3], 'mail' => $m[4],
		];
	}
}
$col = fn(string $v, string $k) => array_column($R[$v], $k);
$nr = count($R['a']);
$per = count(lines(glob("$dir/start/a.r*")[0]));

echo "(1) start: php -n -r '' wall time, us: median of the round's $per starts; over $nr rounds: median [p25..p75] (min..max)\n";
foreach ($variants as $v) {
	printf("  %-38s %s\n", LABELS[$v] ?? $v, spread($col($v, 'wall'), '%.0f'));
}
echo "\n(2) memory after start, KiB / page faults (median over rounds; majflt: sum over all starts)\n";
printf("  %-38s %9s %9s %9s %9s %7s %s\n", 'variant', 'VmRSS', 'maxrss', 'minflt', 'probe flt', 'majflt', 'libpq mapped');
foreach ($variants as $v) {
	$pq = array_sum($col($v, 'pq'));
	printf("  %-38s %9.0f %9.0f %9.0f %9.0f %7d %s\n", LABELS[$v] ?? $v, med($col($v, 'rss')), med($col($v, 'maxrss')),
		med($col($v, 'minflt')), med($col($v, 'flt')), array_sum($col($v, 'majflt')), "$pq of $nr probes");
}
echo "\n(3) after the first mail (m, p: one round trip to mailguard.mail(); a: plain mail()), KiB\n";
printf("  %-38s %9s %9s %9s %s\n", 'variant', 'VmRSS', '+ vs start', 'minflt', 'libpq mapped / mail() results');
foreach ($variants as $v) {
	$res = array_count_values($col($v, 'mail'));
	ksort($res);
	printf("  %-38s %9.0f %9.0f %9.0f %s\n", LABELS[$v] ?? $v, med($col($v, 'rss_mail')),
		med($col($v, 'rss_mail')) - med($col($v, 'rss')), med($col($v, 'flt_mail')),
		array_sum($col($v, 'pq_mail')) . " of $nr; " . implode(' ', array_map(fn($k, $n) => "$k=$n", array_keys($res), $res)));
}

/* per-round ratio / difference to a */
$rel = function (string $v, string $k, bool $ratio) use ($R): array {
	$o = [];
	foreach ($R[$v] as $r => $x) {
		$o[] = $ratio ? $x[$k] / $R['a'][$r][$k] : $x[$k] - $R['a'][$r][$k];
	}
	return $o;
};
$verdict = fn(array $x, float $target, float $margin): string => verdict($x, $target, $margin, $quiet);

echo "\nto a, per round, then over the $nr rounds: median [p25..p75] (min..max)\n";
foreach ($variants as $v) {
	if ($v === 'a') {
		continue;
	}
	$wr = $rel($v, 'wall', true);
	$wd = $rel($v, 'wall', false);
	$rd = $rel($v, 'rss', false);
	$fd = $rel($v, 'flt', false);
	$md = $rel($v, 'rss_mail', false);
	printf("%s/a start time    %s  added us %s   target <= 1.02: %s\n", $v, spread($wr, '%.3f'), spread($wd, '%.0f'),
		$verdict($wr, 1.02, 0.02));
	printf("%s/a RSS at start  +KiB %s   target <= +1024 KiB: %s\n", $v, spread($rd, '%.0f'), $verdict($rd, 1024, 1024));
	printf("%s/a faults        +%s (probe minflt)\n", $v, spread($fd, '%.0f'));
	printf("%s/a RSS 1st mail  +KiB %s (no target)\n", $v, spread($md, '%.0f'));
}
echo "verdicts: start on the median of the per-round p50 ratio, margin 0.02; RSS on the median per-round VmRSS difference, margin 1024 KiB;\n"
	. "a verdict needs the interquartile range over the rounds within the margin and a quiet machine\n";
