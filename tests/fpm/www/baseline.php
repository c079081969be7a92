<?php
/* No attack: the worker's pid, its settings as scripts see them, a control
 * setting, and (with ?mail=1) one mail. The reference the other checks
 * compare against, and the "next normal request" after an attack. */
require __DIR__ . '/common.inc';
$r = ['pid' => getmypid(), 'ini' => mgf_ini_hashes(), 'precision' => ini_get('precision'),
	'memory_limit' => ini_get('memory_limit'), 'ffi.enable' => ini_get('ffi.enable')];
if (!empty($_GET['mail'])) {
	$r['line'] = __LINE__; $r['ret'] = mail('rcpt@example.com', (string) ($_GET['subject'] ?? 'baseline'), "body\n");
	$r['error'] = mgf_last_error();
}
mgf_out($r);
