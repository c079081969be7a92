--TEST--
100,000 recipients in a multi-megabyte header block: counted exactly, promptly, and mail()'s extra memory stays within 2.5 x the block and grows linearly with it
--EXTENSIONS--
sockets
--INI--
mail.add_x_header=0
memory_limit=512M
mailguard.max_header_bytes=0
mailguard.syslog_socket={TMP}/mg-hostile_hundred_thousand_rcpts.sock
sendmail_path="/bin/sh {TMP}/mg-hostile_hundred_thousand_rcpts.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

/* n recipients, half in the to-argument and half in Bcc fields, plus a pad
 * field of the same size: about 60 bytes of header per recipient. */
function block(int $n): array
{
	$to = $bcc = [];
	for ($i = 0; $i < $n / 2; $i++) {
		$to[] = "to$i@example.com";
		$bcc[] = "Bcc: \"Name, $i\" <bcc$i@example.com>";
	}
	$h = implode("\r\n", $bcc) . "\r\nX-Pad: " . str_repeat('p', 20 * $n);
	return [implode(', ', $to), $h];
}

/* Under valgrind run-tests.php sets USE_ZEND_ALLOC=0: PHP's allocator,
 * and so memory_get_peak_usage(), is bypassed, and there is nothing to
 * measure (memcheck checks the memory instead). The other passes measure. */
$measured = getenv('USE_ZEND_ALLOC') !== '0';
$runs = [];
foreach ([50000, 100000] as $n) {
	[$to, $h] = block($n);
	$size = strlen($to) + strlen($h);
	gc_collect_cycles();
	memory_reset_peak_usage();
	$base = memory_get_usage();
	$t = microtime(true);
	$r = mail($to, 's', 'm', $h);
	$t = microtime(true) - $t;
	$extra = memory_get_peak_usage() - $base;
	$sent = strlen(mg_mails()[0] ?? '') > $size;
	mg_mails_clear();
	$f = mg_log_one($log)['fields'];
	$runs[$n] = $extra;
	/* core's mail() copies the headers once, mailguard once more (the
	 * block as the MTA reads it); the logged values are bounded copies */
	printf("%d recipients, %.1f MB: %s, sent=%s, rcpts=%s, %s, extra memory %s\n", $n, $size / 1e6,
		var_export($r, true), var_export($sent, true), $f['rcpts'],
		$t < mg_time_limit(5.0) ? 'prompt' : sprintf('SLOW %.2f s', $t),
		!$measured || $extra <= 2.5 * $size ? 'within 2.5 x the block' : sprintf('TOO MUCH: %.2f x the block', $extra / $size));
	unset($to, $h);
}
/* doubling the block may at most double the memory (plus slack) */
$ratio = $measured ? $runs[100000] / max(1, $runs[50000]) : 2.0;
echo 'memory ratio for twice the input: ', $ratio <= 2.2 ? 'linear' : sprintf('NOT LINEAR %.2f', $ratio), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECTF--
50000 recipients, %f MB: true, sent=true, rcpts=50000, prompt, extra memory within 2.5 x the block
100000 recipients, %f MB: true, sent=true, rcpts=100000, prompt, extra memory within 2.5 x the block
memory ratio for twice the input: linear
