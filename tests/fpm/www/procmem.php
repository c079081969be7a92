<?php
/* Check 7: read the secret from process memory or the environment. FPM
 * workers are not dumpable (process.dumpable=no), so /proc/self/mem,
 * /proc/self/environ and the master's files are root's. If one of them is
 * readable, the script looks for "password=" in it and prints what it
 * finds (the harness then sees the secret in the body). */
require __DIR__ . '/common.inc';

$r = ['pid' => getmypid()];
$stat = (string) @file_get_contents('/proc/self/stat');
$ppid = preg_match('/\) \S (\d+) /', $stat, $m) ? (int) $m[1] : 0;
$r['ppid'] = $ppid;

function probe(string $path, bool $mem = false): array
{
	$f = @fopen($path, 'r');
	if ($f === false) {
		return ['readable' => false, 'error' => mgf_last_error()];
	}
	$found = [];
	if ($mem) {
		/* read every readable, writable mapping (heap, anonymous) */
		$pid = basename(dirname($path));
		foreach (@file("/proc/$pid/maps") ?: [] as $l) {
			if (!preg_match('/^([0-9a-f]+)-([0-9a-f]+) rw/', $l, $mm)) {
				continue;
			}
			$start = hexdec($mm[1]);
			$len = min(hexdec($mm[2]) - $start, 64 << 20);
			if (@fseek($f, $start) === 0 && ($data = @fread($f, $len)) !== false) {
				foreach (['password=', 'mailguard.dsn'] as $needle) {
					for ($o = strpos($data, $needle); $o !== false && count($found) < 20; $o = strpos($data, $needle, $o + 1)) {
						$found[] = substr($data, max(0, $o - 40), 160);
					}
				}
			}
		}
	} else {
		$data = (string) stream_get_contents($f);
		$found[] = $data;
	}
	fclose($f);
	return ['readable' => true, 'found' => $found];
}

$r['self_environ'] = probe('/proc/self/environ');
$r['self_mem'] = probe('/proc/self/mem', true);
$r['master_environ'] = probe("/proc/$ppid/environ");
$r['master_mem'] = probe("/proc/$ppid/mem", true);
/* the ini files themselves */
foreach (array_filter(array_map('trim', explode(',', (string) php_ini_scanned_files()))) as $f) {
	$r['ini:' . basename($f)] = probe($f);
}
mgf_out($r);
