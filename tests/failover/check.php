<?php
/* The failover harness's verdicts on one run (tests/failover/run.sh):
 *   php check.php DIR MODE T_WARM T_STOP T_PROMOTED BOUND_S
 * (T_WARM: every worker had sent a traced mail; T_STOP: pg_ctl stop began)
 * DIR holds the workers' lines (w*.log), the delivered messages (mails/)
 * and the new primary's log rows of the account (rows.txt: trace|subject
 * per accepted mail). Prints "ok"/"not ok" lines, "# " figures, and one
 * "figures " line for run.sh to sum up. */
[, $dir, $mode, $tWarm, $tStop, $tPromoted, $bound] = $argv;
$tWarm = (float) $tWarm;
$tStop = (float) $tStop;
$tPromoted = (float) $tPromoted;
$bound = (float) $bound;

function check(bool $ok, string $what): void
{
	echo $ok ? 'ok' : 'not ok', " - $what\n";
}

/* The delivered messages: subject => list of traces ('' = none). */
$delivered = [];
foreach (glob("$dir/mails/*") as $file) {
	$eml = file_get_contents($file);
	$head = preg_split("/\r?\n\r?\n/", $eml, 2)[0];
	preg_match('/^Subject: (.*?)\r?$/m', $head, $s);
	preg_match('/^X-Mailguard-Trace: *([0-9a-f-]+)\r?$/mi', $head, $t);
	$delivered[$s[1] ?? '?'][] = $t[1] ?? '';
}

/* The mails as the workers saw them. */
$mails = [];
$workers = [];
foreach (glob("$dir/w*.log") as $file) {
	$pid = $end = null;
	foreach (file($file, FILE_IGNORE_NEW_LINES) as $line) {
		$f = explode(' ', $line);
		if ($f[0] === 'pid') {
			$pid = $f[1];
		} elseif ($f[0] === 'end') {
			$end = $f[1];
		} elseif (count($f) === 5) {
			$subject = "fo $f[0] $f[1]";
			$mails[] = ['w' => $f[0], 'subject' => $subject, 't0' => (float) $f[2], 't1' => (float) $f[3],
				'ret' => $f[4] === '1', 'trace' => $delivered[$subject][0] ?? null,
				'copies' => count($delivered[$subject] ?? [])];
		}
	}
	$workers[basename($file, '.log')] = $pid !== null && $pid === $end;
}
usort($mails, fn($a, $b) => $a['t0'] <=> $b['t0']);

check(count($workers) >= 2 && !in_array(false, $workers, true),
	count($workers) . ' workers ran from start to end, each in one process (never restarted)');
$extra = 0;
$lost = 0;
foreach ($mails as $m) {
	$extra += $m['copies'] > 1 ? 1 : 0;
	$lost += $m['ret'] !== ($m['copies'] === 1) ? 1 : 0;
}
check($extra === 0 && $lost === 0, "every mail() that returned true was delivered once, no other ($extra duplicated, $lost mismatched, "
	. count($mails) . ' mails)');

/* Fail-mode mails: delivered without a trace (fail_mode=open), or refused. */
$isFail = fn($m) => $m['trace'] === null || $m['trace'] === '';
/* Before the stop: the connections are up; a fail-mode mail there is a
 * timeout of a loaded machine, counted apart. */
$before = array_filter($mails, fn($m) => $m['t0'] >= $tWarm && $m['t1'] < $tStop);
$beforeFail = count(array_filter($before, $isFail));
check(count($before) > 0, 'mail flowed through the primary before the stop (' . count($before) . ' mails, '
	. "$beforeFail of them in the fail mode)");
$fail = array_values(array_filter($mails, fn($m) => $m['t1'] >= $tStop && $isFail($m)));
check(count($fail) > 0, 'mails took the fail mode while no primary answered (' . count($fail) . ' mails)');
/* fail_mode=open with a cap no run reaches: a refusal would be a failure
 * read as a misconfiguration (mailguard.misconfiguration=refuse). */
$refused = count(array_filter($fail, fn($m) => !$m['ret']));
check($refused === 0, "fail_mode=open: every fail-mode mail was sent, none refused as a misconfiguration ($refused refused)");
$first = $fail ? $fail[0]['t1'] - $tStop : 0;
$last = $fail ? end($fail)['t1'] - $tStop : 0;
printf("# fail-mode window: first mail %+.3f s, last %+.3f s after the stop began; promoted %.3f s after it\n",
	$first, $last, $tPromoted - $tStop);

/* Per worker: the first traced mail after its first fail-mode mail,
 * against the promotion. */
$lags = [];
foreach (array_keys($workers) as $w) {
	$id = substr($w, 1);
	$failed = false;
	foreach ($mails as $m) {
		if ($m['w'] !== $id || $m['t0'] < $tStop) {
			continue;
		}
		if ($m['trace'] === null || $m['trace'] === '') {
			$failed = true;
		} elseif ($failed) {
			$lags[$id] = $m['t1'] - $tPromoted;
			break;
		}
	}
}
check(count($lags) === count($workers), 'every worker sends traced mail again on the new primary (' . count($lags) . ' of ' . count($workers) . ')');
$maxLag = $lags ? max($lags) : INF;
printf("# resumed after the promotion: %s s (per worker, first traced mail)\n",
	implode(' ', array_map(fn($l) => sprintf('%.3f', $l), $lags)));
check($maxLag <= $bound, sprintf('every worker resumed within %.3f s of the promotion (bound %.3f s)', $maxLag, $bound));
$lateFail = array_filter($fail, fn($m) => $m['t0'] > $tPromoted + $bound);
check(count($lateFail) === 0, 'no fail-mode mail later than the bound after the promotion (' . count($lateFail) . ')');

/* The log rows on the new primary. */
$rows = [];
foreach (file("$dir/rows.txt", FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) as $line) {
	[$trace, $subject] = explode('|', $line, 2);
	$rows[$trace] = $subject;
}
$traced = array_filter($mails, fn($m) => $m['trace'] !== null && $m['trace'] !== '');
$missing = array_values(array_filter($traced, fn($m) => !isset($rows[$m['trace']])));
$known = array_flip(array_map(fn($m) => $m['trace'], $traced));
$orphans = count(array_filter(array_keys($rows), fn($t) => !isset($known[$t])));
if ($mode === 'sync') {
	check(count($missing) === 0, 'synchronous replication: every delivered traced mail has its log row on the new primary ('
		. count($missing) . ' of ' . count($traced) . ' missing)');
} else {
	check(count($traced) > 0, 'asynchronous replication: ' . count($missing) . ' of ' . count($traced)
		. ' delivered traced mails have no log row on the new primary');
}
foreach ($missing as $m) {
	printf("# no row on the new primary: %s, sent %+.3f s after the stop began\n", $m['subject'], $m['t1'] - $tStop);
}
printf("# rows on the new primary without a traced delivery (asked, answer lost, sent in the fail mode): %d\n", $orphans);
printf("figures mode=%s mails=%d failbefore=%d failmode=%d first=%.3f last=%.3f promoted=%.3f maxlag=%.3f bound=%.3f traced=%d missing=%d orphans=%d\n",
	$mode, count($mails), $beforeFail, count($fail), $first, $last, $tPromoted - $tStop, $maxLag, $bound, count($traced), count($missing), $orphans);
