<?php
/* Check 5: a script's openlog() changes ident and facility of later
 * syslog(3) calls in this process. mailguard's line must not change. */
require __DIR__ . '/common.inc';
$open = openlog('evil', LOG_PID | LOG_NDELAY, LOG_LOCAL7);
syslog(LOG_ERR, 'a userland line');
$line = __LINE__; $ret = mail('rcpt@example.com', 'after openlog', "body\n");
closelog();
mgf_out(['pid' => getmypid(), 'openlog' => $open, 'line' => $line, 'ret' => $ret, 'error' => mgf_last_error()]);
