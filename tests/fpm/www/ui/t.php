<?php
/* Check 2b, step 2: runs under the .user.ini that userini_write.php put
 * here. Reports the control setting and mailguard's, and sends a mail. */
require __DIR__ . '/../common.inc';
$r = ['pid' => getmypid(), 'precision' => ini_get('precision'), 'ini' => mgf_ini_hashes()];
$r['line'] = __LINE__; $r['ret'] = mail('rcpt@example.com', 'under .user.ini', "body\n");
$r['error'] = mgf_last_error();
mgf_out($r);
