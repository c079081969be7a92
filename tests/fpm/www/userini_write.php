<?php
/* Check 2b, step 1: the customer uploads a .user.ini next to ui/t.php. The
 * file sets a harmless setting (precision), to show that PHP did read it,
 * and every mailguard setting to a hostile value (?v=JSON). */
require __DIR__ . '/common.inc';

$hostile = json_decode((string) ($_GET['v'] ?? '{}'), true) ?: [];
$ini = '';
foreach ($hostile as $k => $v) {
	$ini .= "$k = \"" . addcslashes((string) $v, "\"\\") . "\"\n";
}
/* last: it applies only if PHP parsed the whole file */
$ini .= "precision = 5\n";
$ok = file_put_contents(__DIR__ . '/ui/.user.ini', $ini) === strlen($ini);
mgf_out(['written' => $ok, 'error' => mgf_last_error()]);
