--TEST--
database: 8 processes x 50 mails against a limit of 100 deliver and count exactly 100 (three times); the same for a recipient limit with 1-5 recipients per mail
--EXTENSIONS--
sockets
--SKIPIF--
<?php require __DIR__ . '/../inc/helpers.inc'; mg_db_skipif(); ?>
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$snippet = mg_path('.snippet.php');
file_put_contents($snippet, <<<'PHP'
<?php
[, $child, $n] = $argv;
$sent = $rcpts = 0;
for ($i = 0; $i < $n; $i++) {
	$k = 1 + ($i * 7 + $child) % 5;
	$to = implode(', ', array_map(fn($j) => "r$j@example.com", range(1, $k)));
	if (@mail($to, "c$child m$i", 'body')) {
		$sent++;
		$rcpts += $k;
	}
}
echo "$sent $rcpts\n";
PHP);

/* $procs processes each send $n mails at once; returns what the processes
 * say they sent, what the capture MTA received and what was counted. */
function burst(string $account, int $procs, int $n): array
{
	global $snippet;
	$dir = mg_path(".run-$account");
	mg_rm($dir);
	mkdir($dir, 0777, true);
	file_put_contents("$dir/mta", mg_mta_script("$dir/mail"));
	$cmd = array_merge([mg_php_binary()], mg_child_base_args(['sockets']), [
		'-d', 'extension=' . mg_module_path(),
		'-d', "sendmail_path=/bin/sh $dir/mta",
		'-d', 'mailguard.dsn=' . mg_db_ini(getenv('MG_PG_DSN')),
		'-d', "mailguard.account=$account",
		'-d', 'mailguard.syslog_socket=',
		'-d', 'mailguard.timeout_ms=10000',
		$snippet]);
	$running = [];
	for ($c = 0; $c < $procs; $c++) {
		$running[] = proc_open(array_merge($cmd, [(string) $c, (string) $n]),
			[0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['file', "$dir/err$c", 'w']], $pipes[$c]);
	}
	$said = [0, 0];
	foreach ($running as $c => $p) {
		[$s, $r] = array_map('intval', explode(' ', trim(stream_get_contents($pipes[$c][1]))) + [0, 0]);
		fclose($pipes[$c][1]);
		proc_close($p);
		$said[0] += $s;
		$said[1] += $r;
		if (filesize("$dir/err$c") > 0) {
			echo "child $c: ", file_get_contents("$dir/err$c");
		}
	}
	$delivered = 0;
	$delivered_rcpts = 0;
	foreach (mg_mails_in("$dir/mail") as $eml) {
		$delivered++;
		preg_match('/^To: (.*)$/m', $eml, $m);
		$delivered_rcpts += count(explode(',', $m[1]));
	}
	$c = mg_db_counters($account);
	$rows = mg_sql("SELECT count(*) FILTER (WHERE verdict = 'accept'), count(*) FILTER (WHERE verdict = 'refuse'),"
		. " coalesce(sum(rcpts) FILTER (WHERE verdict = 'accept'), 0),"
		. " coalesce(min(rcpts) FILTER (WHERE verdict = 'refuse'), 0) FROM mailguard.log WHERE account = " . mg_sql_quote($account));
	return ['said' => $said, 'delivered' => [$delivered, $delivered_rcpts],
		'counted' => [$c['hour_msgs'], $c['hour_rcpts']], 'log' => array_map('intval', $rows[0])];
}

for ($round = 1; $round <= 3; $round++) {
	$account = "db_concurrency_m$round";
	mg_db_account($account, ['msgs_hour' => 100]);
	$r = burst($account, 8, 50);
	printf("messages, round %d: sent %d, delivered %d, counted %d, logged %d accepted + %d refused\n", $round,
		$r['said'][0], $r['delivered'][0], $r['counted'][0], $r['log'][0], $r['log'][1]);
}

mg_db_account('db_concurrency_r', ['rcpts_hour' => 250]);
$r = burst('db_concurrency_r', 8, 50);
// sent = delivered = counted = logged, whatever mix of sizes got in
var_dump($r['said'][1] === $r['delivered'][1], $r['delivered'][1] === $r['counted'][1], $r['counted'][1] === $r['log'][2]);
var_dump($r['counted'][1] <= 250);
// A refusal was real: the smallest refused mail did not fit any more.
var_dump($r['log'][1] > 0 && $r['counted'][1] + $r['log'][3] > 250);
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
messages, round 1: sent 100, delivered 100, counted 100, logged 100 accepted + 300 refused
messages, round 2: sent 100, delivered 100, counted 100, logged 100 accepted + 300 refused
messages, round 3: sent 100, delivered 100, counted 100, logged 100 accepted + 300 refused
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
