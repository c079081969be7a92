<?php
/* Check 4: point libpq elsewhere through the environment before the first
 * mail of a fresh worker (mailguard connects on the first mail). If libpq
 * read any of these, the mail would go to another server, database or
 * role, or time out at once (statement_timeout=1): with fail_mode=closed
 * it would be refused, and it would not be charged to this pool. */
require __DIR__ . '/common.inc';
$env = [
	'PGOPTIONS' => '-c statement_timeout=1 -c default_transaction_read_only=on',
	'PGHOST' => '/nonexistent', 'PGHOSTADDR' => '192.0.2.1', 'PGPORT' => '1',
	'PGUSER' => 'mgpoolb', 'PGDATABASE' => 'postgres', 'PGPASSWORD' => 'x',
	'PGAPPNAME' => 'evil', 'PGSERVICE' => 'evil', 'PGSSLMODE' => 'require',
	'PGCONNECT_TIMEOUT' => '1', 'PGTARGETSESSIONATTRS' => 'standby',
];
$set = [];
foreach ($env as $k => $v) {
	if (putenv("$k=$v")) {
		$set[] = $k;
	}
}
$line = __LINE__; $ret = mail('rcpt@example.com', 'after putenv', "body\n");
mgf_out(['pid' => getmypid(), 'set' => $set, 'still_set' => getenv('PGHOST') === '/nonexistent',
	'line' => $line, 'ret' => $ret, 'error' => mgf_last_error()]);
