<?php
/* bench/startup.sh's memory probe: prints, for this process,
 *
 *   <VmRSS KiB> <ru_minflt> <ru_majflt> <libpq mapped: 0|1> <mail: -|ok|false>
 *
 * right after start, or with "mail" as argument after one mail() (the
 * first: with a DSN set, the one that loads libpq). */

declare(strict_types=1);

$m = '-';
if (($argv[1] ?? '') === 'mail') {
	$m = mail('a@example.com', 'bench', "startup probe\n", "From: Bench <bench@example.com>") ? 'ok' : 'false';
}
preg_match('/^VmRSS:\s+(\d+)/m', (string) file_get_contents('/proc/self/status'), $rss);
$ru = getrusage();
$pq = str_contains((string) file_get_contents('/proc/self/maps'), 'libpq.so') ? 1 : 0;
printf("%d %d %d %d %s\n", (int) ($rss[1] ?? 0), $ru['ru_minflt'], $ru['ru_majflt'], $pq, $m);
