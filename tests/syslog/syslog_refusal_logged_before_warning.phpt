--TEST--
a refusal is logged before its warning is raised: an error handler that never returns (E_USER_ERROR, the memory limit) still leaves the line
--EXTENSIONS--
sockets
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';

$handlers = [
	'E_USER_ERROR' => 'set_error_handler(function ($no, $str) { trigger_error("stopped: $str", E_USER_ERROR); });',
	'memory limit' => 'ini_set("memory_limit", "8M"); set_error_handler(function () { $a = []; for (;;) { $a[] = str_repeat("x", 1 << 20); } });',
	'exit' => 'set_error_handler(function () { exit(3); });',
];
foreach ($handlers as $what => $code) {
	$r = mg_run($code . ' mail("a@example.com", "s", "m", "X-PHP-Originating-Script: 1:forged.php"); echo "returned\n";');
	$lines = array_map(fn($l) => ($l['fields']['verdict'] ?? '-') . ' ' . ($l['fields']['reason'] ?? '-'), $r['log']);
	printf("%s: %s; log: %s\n", $what, str_contains($r['out'], 'returned') ? 'returned' : 'never returned', implode(', ', $lines));
}
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
E_USER_ERROR: never returned; log: refuse forged-stamp
memory limit: never returned; log: refuse forged-stamp
exit: never returned; log: refuse forged-stamp
