<?php
/* Check 8: headers that claim another origin or another mail's log row.
 * Each attempt has its own subject and line; the harness looks for the
 * delivered mail of each and checks the stamp and trace it carries. */
require __DIR__ . '/common.inc';
$a = [];
$a[] = [__LINE__, 'forge-stamp', mail('rcpt@example.com', 'forge-stamp', "b\n", "X-PHP-Originating-Script: 0:innocent.php")];
$a[] = [__LINE__, 'forge-stamp-case', mail('rcpt@example.com', 'forge-stamp-case', "b\n", "x-php-originating-script : 0:innocent.php")];
$a[] = [__LINE__, 'forge-stamp-array', mail('rcpt@example.com', 'forge-stamp-array', "b\n", ['X-PHP-Originating-Script' => '0:innocent.php'])];
$a[] = [__LINE__, 'forge-stamp-after', mail('rcpt@example.com', 'forge-stamp-after', "b\n", "From: a@example.com\r\nX-PHP-Originating-Script: 0:innocent.php")];
$a[] = [__LINE__, 'forge-trace', mail('rcpt@example.com', 'forge-trace', "b\n", "X-Mailguard-Trace: 00000000-0000-4000-8000-000000000000")];
$a[] = [__LINE__, 'forge-trace-case', mail('rcpt@example.com', 'forge-trace-case', "b\n", "x-mailguard-trace\t: 00000000-0000-4000-8000-000000000000")];
$a[] = [__LINE__, 'forge-trace-error_log', error_log('forge-trace-error_log', 1, 'rcpt@example.com', "X-Mailguard-Trace: 00000000-0000-4000-8000-000000000000")];
mgf_out(['pid' => getmypid(), 'attempts' => array_map(fn($x) => ['line' => $x[0], 'subject' => $x[1], 'ret' => $x[2]], $a)]);
