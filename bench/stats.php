<?php
/* The statistics and the verdict rule every bench report uses, so that a
 * figure means the same in each: medians over rounds, the spread as the
 * interquartile range over the rounds (nearest-rank), and a PASS/MISS only
 * when the machine was quiet and that spread is within the target's
 * margin; otherwise "no verdict". */

declare(strict_types=1);

function pct(array $x, float $p): float
{
	sort($x, SORT_NUMERIC);
	return (float) $x[max(1, (int) ceil($p / 100 * count($x))) - 1];
}

function med(array $x): float
{
	sort($x, SORT_NUMERIC);
	$n = count($x);
	return $n % 2 ? (float) $x[intdiv($n, 2)] : ($x[$n / 2 - 1] + $x[$n / 2]) / 2;
}

/* "median [p25..p75] (min..max)" */
function spread(array $x, string $fmt): string
{
	return sprintf("$fmt [$fmt..$fmt] ($fmt..$fmt)", med($x), pct($x, 25), pct($x, 75), min($x), max($x));
}

/* Quiet: the 1-minute load below half the CPUs before the run, and the CPU
 * busy share during it at most what the bench itself takes ($own_pct, of
 * all CPUs) plus 15 points. */
function quiet(int $nproc, float $load1, float $busy_pct, float $own_pct): bool
{
	return $load1 < 0.5 * $nproc && $busy_pct <= $own_pct + 15;
}

function machine_line(int $nproc, float $load1, float $busy_pct, float $own_pct): string
{
	return sprintf("machine: %d CPUs, loadavg (1 min) %.2f before the run, CPU busy %.1f%% during it (this bench alone: up to ~%.0f%%): %s",
		$nproc, $load1, $busy_pct, $own_pct,
		quiet($nproc, $load1, $busy_pct, $own_pct) ? 'quiet enough for a verdict' : 'BUSY: no verdict is printed');
}

/* $x: one figure per round (a ratio or a difference to the baseline taken
 * within the round). PASS when its median is at most $target. */
function verdict(array $x, float $target, float $margin, bool $quiet): string
{
	$trim = fn(float $v) => rtrim(rtrim(sprintf('%.3f', $v), '0'), '.');
	if (!$quiet) {
		return 'no verdict (machine busy)';
	}
	$iqr = pct($x, 75) - pct($x, 25);
	if ($iqr > $margin) {
		return sprintf('no verdict (spread %s > margin %s)', $trim($iqr), $trim($margin));
	}
	return med($x) <= $target ? 'PASS' : 'MISS';
}
