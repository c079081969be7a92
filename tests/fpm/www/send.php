<?php
/* The positive case: one ordinary mail, charged to this pool's account. */
require __DIR__ . '/common.inc';
$line = __LINE__; $ret = mail('rcpt@example.com', (string) ($_GET['subject'] ?? 'hello'), "body\n", 'From: shop@example.com');
mgf_out(['pid' => getmypid(), 'line' => $line, 'ret' => $ret, 'error' => mgf_last_error()]);
