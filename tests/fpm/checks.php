<?php
/*
 * The checks of the FPM harness. Started by tests/fpm/run.sh (as root, with
 * `php -n`) once the FPM master, the cluster and the syslog listener run;
 * everything it needs comes in MGF_* environment variables.
 *
 * Each check prints `ok - <name>` or `FAIL - <name>` followed by `#` lines
 * saying what differed. A check is a function that returns its problems;
 * none means ok. The evidence is always taken outside the pool: the
 * database (as the superuser), the captured mail, the syslog lines, the
 * response as the client saw it.
 *
 * Pool A is the customer under test. Its socket uses the unsafe layout (its
 * own user may connect); pool B's the safe one.
 */

require getenv('MGF_ROOT') . '/tests/inc/helpers.inc';    /* mg_log_parse, mg_sql, mg_mail_header_values */

$RUN = getenv('MGF_RUN');
$WWW = getenv('MGF_WWW');
$A = getenv('MGF_POOL_A');
$B = getenv('MGF_POOL_B');
$SECRETS = explode('|', getenv('MGF_SECRETS'));

/* A hostile value for every mailguard setting: the other pool's account,
 * no stamp, no syslog, a DSN that goes nowhere with fail_mode=open, ... If
 * any of them took effect, mail would be charged elsewhere, or not at all,
 * or logged differently, or the settings fingerprint would change. A
 * setting added later without an entry here fails check 2a. */
$HOSTILE = [
	'mailguard.header' => '0',
	'mailguard.account' => $B,
	'mailguard.syslog' => '0',
	'mailguard.syslog_facility' => 'local5',
	'mailguard.syslog_socket' => '/nonexistent/mgf.sock',
	'mailguard.syslog_max_length' => '256',
	'mailguard.log_field_max' => '16',
	'mailguard.dsn' => 'host=/nonexistent dbname=nope',
	'mailguard.timeout_ms' => '10',
	'mailguard.retry_ms' => '3600000',
	'mailguard.fail_mode' => 'open',
	'mailguard.emergency_cap' => '1000000',
	'mailguard.synchronous_commit' => 'off',
	'mailguard.pooler' => 'transaction',
	'mailguard.additional_params' => 'any',
	'mailguard.envelope_sender' => '1',
	'mailguard.max_header_bytes' => '0',
	'mailguard.header_limit_action' => 'count',
	'mailguard.max_rcpts' => '100000000',
	'mailguard.stamp_uid' => 'owner',
	'mailguard.misconfiguration' => 'fail_mode',
];

/* {{{ plumbing */
$passed = $failed = 0;

function check(string $name, callable $fn): void
{
	global $passed, $failed;
	try {
		$problems = $fn();
	} catch (Throwable $e) {
		$problems = [get_class($e) . ': ' . $e->getMessage()];
	}
	if ($problems === []) {
		echo "ok - $name\n";
		$passed++;
	} else {
		echo "FAIL - $name\n";
		foreach ($problems as $p) {
			echo '#   ', str_replace("\n", "\n#     ", rtrim($p)), "\n";
		}
		$failed++;
	}
}

function note(string $s): void
{
	echo "# $s\n";
}

/* One FastCGI request with cgi-fcgi. $pool 'a' or 'b' names the docroot
 * and (unless 'sock' is given) the socket. Options: query (array), params
 * (extra FastCGI parameters: PHP_VALUE, ...), as (run cgi-fcgi as this OS
 * user; else as root, the web server's stand-in). cgi-fcgi sends its whole
 * environment as parameters, so it starts with exactly ours. */
function fcgi(string $pool, string $script, array $opt = []): array
{
	global $RUN, $WWW;
	$docroot = "$WWW/$pool";
	$qs = http_build_query($opt['query'] ?? []);
	$params = [
		'GATEWAY_INTERFACE' => 'CGI/1.1',
		'SERVER_PROTOCOL' => 'HTTP/1.1',
		'REQUEST_METHOD' => 'GET',
		'SCRIPT_FILENAME' => "$docroot/$script",
		'SCRIPT_NAME' => "/$script",
		'REQUEST_URI' => "/$script" . ($qs !== '' ? "?$qs" : ''),
		'QUERY_STRING' => $qs,
		'DOCUMENT_ROOT' => $docroot,
		'SERVER_NAME' => "pool$pool.example",
		'REMOTE_ADDR' => '192.0.2.10',
	] + ($opt['params'] ?? []);
	$sock = $opt['sock'] ?? "$RUN/fpm/$pool.sock";
	$cmd = ['/usr/bin/env', '-i'];
	foreach ($params as $k => $v) {
		$cmd[] = "$k=$v";
	}
	array_push($cmd, 'timeout', '30', 'cgi-fcgi', '-bind', '-connect', $sock);
	if (isset($opt['as'])) {
		$cmd = array_merge(['runuser', '-u', $opt['as'], '--'], $cmd);
	}
	$p = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, '/');
	$out = stream_get_contents($pipes[1]);
	$err = stream_get_contents($pipes[2]);
	fclose($pipes[1]);
	fclose($pipes[2]);
	$rc = proc_close($p);
	$parts = preg_split('/\r?\n\r?\n/', $out, 2);
	$body = $parts[1] ?? '';
	$json = null;
	if (($i = strrpos($body, "\n@@MGF-JSON@@\n")) !== false) {
		$json = json_decode(trim(substr($body, $i + 14)), true);
	}
	return ['rc' => $rc, 'out' => $out, 'err' => $err, 'head' => count($parts) > 1 ? $parts[0] : '', 'body' => $body, 'json' => $json];
}

/* The JSON report of a request that must have worked, else an exception
 * with what came back. */
function report(array $r): array
{
	if ($r['rc'] !== 0 || !is_array($r['json'])) {
		throw new RuntimeException("request failed (exit {$r['rc']}):\n" . substr($r['out'] . $r['err'], 0, 2000));
	}
	return $r['json'];
}

function sql(string $q): array
{
	return mg_sql($q, getenv('MGF_ADMIN_DSN'));
}

function sql_json(string $q): array
{
	/* json_agg puts line breaks between elements; mg_sql splits lines */
	$rows = sql("SELECT translate(coalesce(json_agg(t), '[]')::text, E'\\n', ' ') FROM ($q) t");
	return json_decode($rows[0][0], true);
}

function q(?string $v): string
{
	return mg_sql_quote($v);
}

/* Log rows of mailguard.log for a script (and subject). */
function db_rows(string $script, ?string $subject = null): array
{
	return sql_json('SELECT account, client_role, verdict, reason, script, line, subject, trace::text AS trace, sapi, vhost
		FROM mailguard.log WHERE script = ' . q($script) . ($subject !== null ? ' AND subject = ' . q($subject) : '') . ' ORDER BY id');
}

/* mailguard's syslog lines so far, parsed. */
function syslog_all(): array
{
	global $RUN;
	$out = [];
	foreach (@file("$RUN/syslog.txt", FILE_IGNORE_NEW_LINES) ?: [] as $l) {
		$out[] = mg_log_parse(stripcslashes($l));
	}
	return $out;
}

/* The mail lines for script:line (and subject), waiting up to 3 s for the
 * listener to write them. */
function syslog_for(string $where, ?string $subject = null, int $want = 1): array
{
	$deadline = microtime(true) + 3;
	do {
		$m = array_values(array_filter(syslog_all(), fn($l) => ($l['fields']['script'] ?? '') === $where
			&& ($subject === null || ($l['fields']['subject'] ?? '') === $subject)));
		if (count($m) >= $want) {
			return $m;
		}
		usleep(50000);
	} while (microtime(true) < $deadline);
	return $m;
}

/* Captured mails of a pool: each eml whose Subject is $marker, or whose
 * body has $marker as a line (error_log() sets its own subject). */
function mails_marked(string $pool, string $marker): array
{
	global $RUN;
	$out = [];
	for ($n = 0; is_dir("$RUN/mail/$pool/$n"); $n++) {
		$eml = (string) @file_get_contents("$RUN/mail/$pool/$n/eml");
		$parts = preg_split('/\r?\n\r?\n/', $eml, 2);
		if (mg_mail_header_values($eml, 'Subject') === [$marker]
				|| in_array($marker, preg_split('/\r?\n/', $parts[1] ?? ''), true)) {
			$out[] = $eml;
		}
	}
	return $out;
}

/* The stamp: the pool's uid (mailguard.stamp_uid=auto under FPM names
 * the sending process; each pool's files are owned by its user, so that
 * is also their owner), basename of the calling file. */
function true_stamp(string $entry, ?string $caller = null): string
{
	return fileowner($entry) . ':' . basename($caller ?? $entry);
}

/* Secret fragments found in $text (also as JSON would escape a path). */
function leaks(string $text): array
{
	global $SECRETS;
	$found = [];
	foreach ($SECRETS as $s) {
		if (str_contains($text, $s) || str_contains($text, str_replace('/', '\/', $s))) {
			$found[] = $s;
		}
	}
	return $found;
}

/*
 * The mail a script sent ($rep: its report with ret and line) must be
 * charged to $pool's account: one log row (account and client role =
 * the pool's user, accept, the right script and line), one syslog line
 * (facility mail, ident mailguard, same trace, same account), one
 * delivered mail with the true stamp and that trace. Returns problems.
 */
function charged_to(string $pool, string $script_path, array $rep, string $subject): array
{
	global $A, $B;
	$user = $pool === 'a' ? $A : $B;
	$p = [];
	if (($rep['ret'] ?? null) !== true) {
		$p[] = 'mail() returned ' . var_export($rep['ret'] ?? null, true) . (isset($rep['error']) ? " ({$rep['error']})" : '');
	}
	$line = (int) ($rep['line'] ?? 0);
	$rows = db_rows($script_path, $subject);
	if (count($rows) !== 1) {
		$p[] = count($rows) . " log rows for $script_path, subject '$subject' (want 1): " . json_encode($rows);
	} else {
		$r = $rows[0];
		$got = "{$r['account']}|{$r['client_role']}|{$r['verdict']}|{$r['script']}:{$r['line']}";
		$want = "$user|$user|accept|$script_path:$line";
		if ($got !== $want) {
			$p[] = "log row: $got, want $want" . ($r['reason'] ? " (reason {$r['reason']})" : '');
		}
	}
	$trace = $rows[0]['trace'] ?? '(no row)';
	$sl = syslog_for("$script_path:$line", $subject);
	if (count($sl) !== 1) {
		$p[] = count($sl) . " syslog lines for $script_path:$line (want 1)";
	} else {
		$f = $sl[0]['fields'];
		$got = "{$sl[0]['ident']}|{$sl[0]['facility']}|" . ($f['verdict'] ?? '-') . '|' . ($f['account'] ?? '-') . '|' . ($f['trace'] ?? '-');
		$want = "mailguard|2|accept|$user|$trace";
		if ($got !== $want) {
			$p[] = "syslog line (ident|facility|verdict|account|trace): $got, want $want";
		}
	}
	$m = mails_marked($pool, $subject);
	if (count($m) !== 1) {
		$p[] = count($m) . " delivered mails with subject '$subject' (want 1)";
	} else {
		$stamps = mg_mail_header_values($m[0], 'X-PHP-Originating-Script');
		$want = true_stamp($script_path);
		if ($stamps !== [$want]) {
			$p[] = 'stamp ' . json_encode($stamps) . ", want [\"$want\"]";
		}
		$traces = mg_mail_header_values($m[0], 'X-Mailguard-Trace');
		if ($traces !== [$trace]) {
			$p[] = 'X-Mailguard-Trace ' . json_encode($traces) . ", want [\"$trace\"]";
		}
	}
	return $p;
}

/* Kills the pool's worker (graceful SIGQUIT, by pid; the master starts a
 * new one) and returns the new worker's pid: its first mail opens a new
 * database connection. */
function fresh_worker(string $pool): int
{
	$old = report(fcgi($pool, 'baseline.php'))['pid'];
	exec('kill -QUIT ' . (int) $old);
	$deadline = microtime(true) + 15;
	while (microtime(true) < $deadline) {
		usleep(100000);
		$r = fcgi($pool, 'baseline.php');
		if (is_array($r['json']) && $r['json']['pid'] !== $old) {
			return $r['json']['pid'];
		}
	}
	throw new RuntimeException("pool $pool: no new worker after killing $old");
}

function ini_string(array $settings): string
{
	$s = '';
	foreach ($settings as $k => $v) {
		$s .= "$k=\"" . addcslashes($v, "\"\\") . "\"\n";
	}
	return $s;
}

function changed_settings(array $base, array $now): array
{
	$c = [];
	foreach ($base + $now as $k => $_) {
		if (($base[$k] ?? null) !== ($now[$k] ?? null)) {
			$c[] = $k;
		}
	}
	return $c;
}
/* }}} */

$pa = "$WWW/a";
$pb = "$WWW/b";

/* {{{ 0. the pools run as their users, with mailguard */
$BASE = null;
check('0. both pools answer, run as their own users, with mailguard loaded', function () use (&$BASE, $A, $B) {
	$p = [];
	foreach (['a' => $A, 'b' => $B] as $pool => $user) {
		$r = report(fcgi($pool, 'baseline.php'));
		$uid = preg_match('/^Uid:\s+\d+\s+(\d+)/m', (string) file_get_contents("/proc/{$r['pid']}/status"), $m) ? (int) $m[1] : -1;
		if ($uid !== (int) trim(shell_exec('id -u ' . escapeshellarg($user)))) {
			$p[] = "pool $pool: worker {$r['pid']} runs as uid $uid, not $user";
		}
		if (!isset($r['ini']['mailguard.dsn'])) {
			$p[] = "pool $pool: mailguard settings not visible (not loaded?): " . json_encode($r['ini']);
		}
		if ($pool === 'a') {
			$BASE = $r;
		}
	}
	return $p;
});
if ($BASE === null) {
	exit(1);
}
/* }}} */

/* {{{ P. mail is charged to the pool that sent it */
check("P1. pool A's mail is charged to $A (log row, syslog line, stamp, trace, script:line)", function () use ($pa) {
	return charged_to('a', "$pa/send.php", report(fcgi('a', 'send.php', ['query' => ['subject' => 'positive-a']])), 'positive-a');
});
check("P2. pool B's mail is charged to $B, although pool B's file sets php_admin_value[mailguard.account] = $A and [mailguard.syslog_facility] = local5", function () use ($pb) {
	return charged_to('b', "$pb/send.php", report(fcgi('b', 'send.php', ['query' => ['subject' => 'positive-b']])), 'positive-b');
});
/* }}} */

/* {{{ 1. reading the DSN */
$methods = [
	'ini_get' => ["ini_get('mailguard.dsn')", null],
	'ini_get_all' => ["ini_get_all('mailguard')", 'mailguard.dsn'],
	'ini_get_all_false' => ["ini_get_all('mailguard', false)", 'mailguard.dsn'],
	'ini_get_all_every' => ['ini_get_all(null) with and without details', 'mailguard.dsn'],
	'get_cfg_var' => ["get_cfg_var('mailguard.dsn')", null],
	'cfg_sections' => ['get_cfg_var() of the [PATH=docroot] and [HOST=vhost] sections of the DSN file', '== poola.example'],
	'reflection' => ['ReflectionExtension::getINIEntries()', 'mailguard.dsn'],
	'reflection_string' => ['(string) new ReflectionExtension', 'mailguard.dsn'],
	'reflection_info' => ['ReflectionExtension::info()', 'mailguard.dsn'],
	'phpinfo' => ['phpinfo()', 'mailguard.dsn'],
	'ini_files' => ['reading the ini files (file_get_contents, parse_ini_file)', '21-mailguard-dsn.ini'],
	'warnings' => ['warnings: a dead database connection, a refusal, ini_set', 'mailguard: '],
];
$n = 0;
foreach ($methods as $m => [$title, $evidence]) {
	$id = '1' . chr(ord('a') + $n++);
	check("$id. the DSN is not in the response: $title", function () use ($m, $evidence, $A) {
		if ($m === 'warnings') {
			/* Kill the worker's database session (it has one since P1),
			 * so that the next mail meets a dead connection. */
			sql('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ' . q($A));
		}
		$r = fcgi('a', 'read_dsn.php', ['query' => ['m' => $m]]);
		$p = [];
		if (!str_contains($r['body'], '@@MGF-DONE@@')) {
			$p[] = "the script did not run to its end:\n" . substr($r['out'] . $r['err'], 0, 1500);
		}
		if ($evidence !== null && !str_contains($r['body'], $evidence)) {
			$p[] = "no '$evidence' in the response: the attempt did not happen as planned";
		}
		foreach (leaks($r['out'] . $r['err']) as $s) {
			$text = $r['out'] . $r['err'];
			$i = strpos($text, $s);
			$p[] = "the response contains '$s': ..." . substr($text, max(0, $i - 120), 240) . '...';
		}
		return $p;
	});
}
/* }}} */

/* {{{ 2. changing settings from the script */
check('2a. ini_set() and ini_restore() change no mailguard setting; the mail after them is charged to ' . $A, function () use ($pa, $HOSTILE, $BASE) {
	$rep = report(fcgi('a', 'change_ini.php', ['query' => ['v' => json_encode($HOSTILE)]]));
	$p = [];
	if ($rep['missing'] !== []) {
		$p[] = 'no hostile value in checks.php for: ' . implode(', ', $rep['missing']);
	}
	if ($rep['ini_set_ok'] !== []) {
		$p[] = 'ini_set() succeeded for: ' . implode(', ', $rep['ini_set_ok']);
	}
	if ($rep['changed_by_set'] !== [] || $rep['changed'] !== []) {
		$p[] = 'changed: ' . implode(', ', array_unique(array_merge($rep['changed_by_set'], $rep['changed'])));
	}
	$now = report(fcgi('a', 'baseline.php'))['ini'];
	if (($c = changed_settings($BASE['ini'], $now)) !== []) {
		$p[] = 'the next request sees changed settings: ' . implode(', ', $c);
	}
	return array_merge($p, charged_to('a', "$pa/change_ini.php", $rep, 'after ini_set'));
});

check('2b. a .user.ini in the docroot (read: its precision=5 applies) changes no mailguard setting; the mail is charged to ' . $A, function () use ($pa, $HOSTILE, $BASE) {
	$w = report(fcgi('a', 'userini_write.php', ['query' => ['v' => json_encode($HOSTILE)]]));
	if ($w['written'] !== true) {
		return ['could not write ui/.user.ini: ' . ($w['error'] ?? '')];
	}
	$rep = report(fcgi('a', 'ui/t.php'));
	$p = [];
	if ($rep['precision'] !== '5') {
		$p[] = "precision is {$rep['precision']}, not 5: PHP did not read the .user.ini, so this check proves nothing";
	}
	if (($c = changed_settings($BASE['ini'], $rep['ini'])) !== []) {
		$p[] = 'changed by .user.ini: ' . implode(', ', $c);
	}
	return array_merge($p, charged_to('a', "$pa/ui/t.php", $rep, 'under .user.ini'));
});
/* }}} */

/* {{{ 3. FastCGI PHP_VALUE / PHP_ADMIN_VALUE from the pool's own user */
$attack_pid = null;
check("3a. PHP_VALUE and PHP_ADMIN_VALUE with every mailguard.* (account=$B, dsn elsewhere, fail_mode=open, ...), sent by $A to its own socket, change nothing; the mail is charged to $A", function () use ($pa, $HOSTILE, $BASE, $A, &$attack_pid) {
	fresh_worker('a');
	$r = fcgi('a', 'baseline.php', ['as' => $A, 'query' => ['mail' => 1, 'subject' => 'admin-value'], 'params' => [
		/* the controls come last: they apply only if FPM parsed every line */
		'PHP_VALUE' => ini_string($HOSTILE) . "precision=6\n",
		'PHP_ADMIN_VALUE' => ini_string($HOSTILE) . "memory_limit=77M\n",
	]]);
	$rep = report($r);
	$attack_pid = $rep['pid'];
	$p = [];
	if ($rep['precision'] !== '6' || $rep['memory_limit'] !== '77M') {
		$p[] = "FPM did not apply the parameters (precision={$rep['precision']}, memory_limit={$rep['memory_limit']}): this check proves nothing";
	}
	if (($c = changed_settings($BASE['ini'], $rep['ini'])) !== []) {
		$p[] = 'changed: ' . implode(', ', $c);
	}
	return array_merge($p, charged_to('a', "$pa/baseline.php", $rep, 'admin-value'));
});
check("3b. the next ordinary request to the same worker: settings unchanged, mail charged to $A", function () use ($pa, $BASE, &$attack_pid) {
	$rep = report(fcgi('a', 'baseline.php', ['query' => ['mail' => 1, 'subject' => 'after-admin-value']]));
	$p = [];
	if ($attack_pid === null || $rep['pid'] !== $attack_pid) {
		$p[] = "not the same worker (attack: " . var_export($attack_pid, true) . ", now {$rep['pid']}): this check proves nothing";
	}
	note("PHP_ADMIN_VALUE sticks to the worker: memory_limit is {$rep['memory_limit']}, precision {$rep['precision']} in the next request");
	if (($c = changed_settings($BASE['ini'], $rep['ini'])) !== []) {
		$p[] = 'changed: ' . implode(', ', $c);
	}
	return array_merge($p, charged_to('a', "$pa/baseline.php", $rep, 'after-admin-value'));
});
/* }}} */

/* {{{ 4. environment */
check("4. putenv() of PGOPTIONS, PGHOST, PGUSER, ... before a fresh worker's first mail: charged to $A, accepted", function () use ($pa, $A) {
	$t0 = sql('SELECT now()')[0][0];
	$pid = fresh_worker('a');
	$rep = report(fcgi('a', 'putenv.php'));
	$p = [];
	if ($rep['pid'] !== $pid || !$rep['still_set'] || count($rep['set']) < 10) {
		$p[] = 'setup: not the fresh worker, or putenv() did not work: ' . json_encode($rep);
	}
	/* The mail was the worker's first: its connection is new, made after
	 * the putenv(), to the DSN's database, with mailguard's own name. */
	$conns = sql_json('SELECT datname, application_name FROM pg_stat_activity WHERE usename = ' . q($A)
		. ' AND backend_start >= ' . q($t0));
	if ($conns !== [['datname' => getenv('MGF_DB'), 'application_name' => 'mailguard']]) {
		$p[] = "connections of $A opened since the fresh worker: " . json_encode($conns) . ' (want one, mailguard, ' . getenv('MGF_DB') . ')';
	}
	return array_merge($p, charged_to('a', "$pa/putenv.php", $rep, 'after putenv'));
});
/* }}} */

/* {{{ 5. openlog */
check("5. openlog('evil', LOG_PID, LOG_LOCAL7) changes nothing in mailguard's line (ident mailguard, facility mail)", function () use ($pa) {
	$rep = report(fcgi('a', 'openlog.php'));
	$p = charged_to('a', "$pa/openlog.php", $rep, 'after openlog');
	foreach (syslog_for("$pa/openlog.php:{$rep['line']}") as $l) {
		if ($l['pri'] !== 22 || str_contains($l['raw'], 'evil')) {
			$p[] = "line: {$l['raw']}";
		}
	}
	return $p;
});
/* }}} */

/* {{{ 6. the database, directly */
check("6. as its own role (peer), $A can neither read nor change limits, counters, clients or the log, nor become another role, nor charge $B", function () use ($A, $B) {
	$snap = fn() => sql_json('SELECT a.*, c.*, (SELECT row_to_json(x) FROM mailguard.clients x WHERE x.role = a.name) AS client
		FROM mailguard.accounts a JOIN mailguard.counters c ON c.account = a.name ORDER BY a.name');
	$b_rows = fn() => sql('SELECT count(*) FROM mailguard.log WHERE account = ' . q($B) . ' OR client_role <> account')[0][0];
	$before = $snap();
	$b_before = $b_rows();
	$rep = report(fcgi('a', 'pgdirect.php', ['params' => ['MGF_PGHOST' => getenv('MGF_PGSOCK'), 'MGF_PGDB' => getenv('MGF_DB'), 'MGF_OTHER' => $B]]));
	$p = [];
	if (($rep['own'] ?? '') !== $A) {
		return ['could not connect as its own role: ' . json_encode($rep)];
	}
	foreach ($rep['connect'] as $k => $v) {
		if ($v !== 'refused') {
			$p[] = "connect $k: $v";
		}
	}
	foreach ($rep['attempts'] as $k => $v) {
		if ($v['ok'] || !str_contains($v['error'], 'permission denied')) {
			$p[] = "$k: " . ($v['ok'] ? 'SUCCEEDED ' . json_encode($v['rows']) : $v['error']);
		}
	}
	$o = $rep['mail_as_other'];
	if ($o['ok'] && ($o['rows'][0]['verdict'] ?? '') !== 'refuse') {
		$p[] = "mailguard.mail(p_account => '$B'): " . json_encode($o['rows']);
	} else {
		note("mailguard.mail(p_account => '$B') as $A: " . ($o['ok'] ? json_encode($o['rows'][0]) : $o['error']));
	}
	$s = $rep['mail_as_self'];
	if (!$s['ok'] || ($s['rows'][0]['verdict'] ?? '') !== 'accept') {
		$p[] = 'mailguard.mail() without an account: ' . json_encode($s);
	}
	$self_rows = sql_json("SELECT account, client_role, verdict FROM mailguard.log WHERE script = 'pgdirect-as-self'");
	if ($self_rows !== [['account' => $A, 'client_role' => $A, 'verdict' => 'accept']]) {
		$p[] = 'the direct call is not charged to ' . $A . ': ' . json_encode($self_rows);
	}
	/* Only A's own counter may have moved (by the one direct call). */
	$after = $snap();
	foreach ($before as $i => $row) {
		$now = $after[$i] ?? [];
		if ($row['name'] === $A) {
			$row['hour_msgs']++; $row['day_msgs']++; $row['hour_rcpts']++; $row['day_rcpts']++;
		}
		foreach ($row as $k => $v) {
			if (($now[$k] ?? null) !== $v) {
				$p[] = "{$row['name']}.$k: " . json_encode($v) . ' -> ' . json_encode($now[$k] ?? null);
			}
		}
	}
	if ($b_rows() !== $b_before) {
		$p[] = "new log rows for $B or with another role's name: " . json_encode(sql_json('SELECT account, client_role, verdict, reason, script FROM mailguard.log WHERE account = ' . q($B) . ' OR client_role <> account'));
	}
	return $p;
});
/* }}} */

/* {{{ 7. process memory */
check('7. /proc/self/mem, /proc/self/environ, the master\'s mem and environ and the root-only ini file are not readable from the pool', function () {
	$r = fcgi('a', 'procmem.php');
	$rep = report($r);
	$p = [];
	foreach ($rep as $k => $v) {
		/* the other ini files are world-readable by design */
		if (str_starts_with($k, 'ini:') && $k !== 'ini:21-mailguard-dsn.ini') {
			continue;
		}
		if (is_array($v) && ($v['readable'] ?? false)) {
			$p[] = "$k is readable" . ($v['found'] ? ': ' . substr(json_encode($v['found']), 0, 300) : '');
		}
	}
	if (!isset($rep['ini:21-mailguard-dsn.ini'])) {
		$p[] = 'the root-only ini file was not among php_ini_scanned_files(): ' . json_encode(array_keys($rep));
	}
	foreach (leaks($r['out'] . $r['err']) as $s) {
		$p[] = "the response contains '$s'";
	}
	return $p;
});
/* }}} */

/* {{{ 8. forged headers */
check('8. forged X-PHP-Originating-Script / X-Mailguard-Trace (any case, string/array headers, error_log): refused, or delivered with only the true ones', function () use ($pa) {
	$rep = report(fcgi('a', 'forge.php'));
	$p = [];
	$true = true_stamp("$pa/forge.php");
	foreach ($rep['attempts'] as $at) {
		$m = mails_marked('a', $at['subject']);
		$where = "$pa/forge.php:{$at['line']}";
		$logged = syslog_for($where);
		if (count($logged) !== 1) {
			$p[] = "{$at['subject']}: " . count($logged) . ' syslog lines (want 1)';
		}
		if ($at['ret'] !== true) {
			if ($m !== []) {
				$p[] = "{$at['subject']}: mail() returned " . var_export($at['ret'], true) . ' but ' . count($m) . ' mail(s) went out';
			}
			continue;
		}
		$rows = sql_json('SELECT trace::text AS trace FROM mailguard.log WHERE verdict = \'accept\' AND script = ' . q("$pa/forge.php") . ' AND line = ' . (int) $at['line']);
		if (count($m) !== 1) {
			$p[] = "{$at['subject']}: accepted, " . count($m) . ' mails delivered';
			continue;
		}
		$stamps = mg_mail_header_values($m[0], 'X-PHP-Originating-Script');
		$traces = mg_mail_header_values($m[0], 'X-Mailguard-Trace');
		if ($stamps !== [$true] || count($rows) !== 1 || $traces !== [$rows[0]['trace']]) {
			$p[] = "{$at['subject']}: delivered with stamp " . json_encode($stamps) . ' and trace ' . json_encode($traces)
				. " (true: $true, " . json_encode($rows) . ')';
		}
	}
	return $p;
});
/* }}} */

/* {{{ L. socket layouts */
check("L1. safe layout (pool B: socket owned by the web server's user, 0660): $B and $A cannot connect to it; root (the web server) can", function () use ($A, $B, $RUN) {
	$p = [];
	$st = stat("$RUN/fpm/b.sock");
	$owner = user_name($st['uid']);
	if (($st['mode'] & 0777) !== 0660 || $owner === $B) {
		$p[] = sprintf('b.sock is %o, owner %s', $st['mode'] & 0777, $owner);
	}
	foreach ([$B, $A] as $u) {
		$r = fcgi('b', 'baseline.php', ['as' => $u]);
		if ($r['rc'] === 0 || is_array($r['json'])) {
			$p[] = "$u reached pool B: exit {$r['rc']}, " . substr($r['out'], 0, 200);
		} elseif ($r['rc'] !== 13 && !preg_match('/permission denied/i', $r['err'] . $r['out'])) {
			/* cgi-fcgi exits with the errno of its failed connect(): 13 is EACCES */
			$p[] = "$u: failed, but not with permission denied: exit {$r['rc']}: " . trim($r['err'] . $r['out']);
		}
	}
	if (!is_array(fcgi('b', 'baseline.php')['json'])) {
		$p[] = 'root cannot reach pool B either: this check proves nothing';
	}
	return $p;
});

check("L2. unsafe layout (pool A: socket owned by $A): $A turns FFI on in its worker with PHP_ADMIN_VALUE ffi.enable=1 (the documented risk; no extension can stop it)", function () use ($A) {
	$p = [];
	$before = report(fcgi('a', 'ffi.php'));
	if ($before['ffi'] !== false) {
		$p[] = 'FFI works before the attack: ' . json_encode($before);
	}
	$after = report(fcgi('a', 'ffi.php', ['as' => $A, 'params' => ['PHP_ADMIN_VALUE' => "ffi.enable=1\n"]]));
	if ($after['ffi.enable'] !== '1' || $after['ffi'] !== true) {
		$p[] = 'the unsafe layout did not show: ' . json_encode($after);
	}
	return $p;
});
/* }}} */

/* {{{ the stamp names the sender */
check("S1. pool A runs pool B's file (a symlink in A's docroot to B's send.php): the stamp names A's uid (the sending process), the log keeps B as the file's owner", function () use ($pa, $pb, $A, $B) {
	$p = [];
	@unlink("$pa/victim_link.php");
	symlink("$pb/send.php", "$pa/victim_link.php");
	$rep = report(fcgi('a', 'victim_link.php', ['query' => ['subject' => 's1-symlink']]));
	unlink("$pa/victim_link.php");
	if (($rep['ret'] ?? null) !== true) {
		$p[] = 'mail() returned ' . var_export($rep['ret'] ?? null, true);
	}
	$m = mails_marked('a', 's1-symlink');
	$want = uid_of($A) . ':send.php';
	if (count($m) !== 1) {
		$p[] = count($m) . ' delivered mails (want 1)';
	} elseif (($got = mg_mail_header_values($m[0], 'X-PHP-Originating-Script')) !== [$want]) {
		$p[] = 'stamp ' . json_encode($got) . ", want [\"$want\"] (" . uid_of($B) . " is $B's uid)";
	}
	$sl = syslog_for("$pb/send.php:" . (int) ($rep['line'] ?? 0), 's1-symlink');
	$f = $sl[0]['fields'] ?? [];
	if (($f['uid'] ?? '') !== (string) uid_of($A) || ($f['owner'] ?? '') !== (string) uid_of($B)) {
		$p[] = 'syslog uid/owner ' . ($f['uid'] ?? '-') . '/' . ($f['owner'] ?? '-') . ', want ' . uid_of($A) . '/' . uid_of($B);
	}
	return $p;
});
/* }}} */

/* {{{ ended sessions */
check("R1. one-mail requests: after the server ended the worker's idle session, the next mail is decided by the database, not the fail mode", function () use ($pa, $A) {
	$p = [];
	$before = report(fcgi('a', 'send.php', ['query' => ['subject' => 'r1-before']]));
	$p = array_merge($p, charged_to('a', "$pa/send.php", $before, 'r1-before'));
	/* The request ended without a word to the server (a mail that went
	 * out needs no report); now the server ends the idle session. */
	usleep(300000);
	sql('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ' . q($A));
	usleep(300000);
	foreach (['r1-after', 'r1-next'] as $subject) {
		$rep = report(fcgi('a', 'send.php', ['query' => ['subject' => $subject]]));
		foreach (charged_to('a', "$pa/send.php", $rep, $subject) as $q) {
			$p[] = "$subject: $q";
		}
		foreach (syslog_for("$pa/send.php:" . (int) ($rep['line'] ?? 0), $subject) as $l) {
			if (isset($l['fields']['db'])) {
				$p[] = "$subject: logged db={$l['fields']['db']} (the fail mode decided)";
			}
		}
	}
	return $p;
});
/* }}} */

/* {{{ counters */
check("Z. counters agree with the log: every accepted mail of $A and $B counted once, on its own account; no row names another role", function () use ($A, $B) {
	$p = [];
	$rows = sql_json('SELECT c.account, c.day_msgs,
			(SELECT count(*) FROM mailguard.log l WHERE l.account = c.account AND l.verdict = \'accept\' AND l.ts >= c.day_start) AS accepted
		FROM mailguard.counters c WHERE c.account IN (' . q($A) . ', ' . q($B) . ') ORDER BY 1');
	foreach ($rows as $r) {
		if ($r['day_msgs'] !== $r['accepted']) {
			$p[] = "{$r['account']}: counter {$r['day_msgs']}, accepted rows {$r['accepted']}";
		}
	}
	$b = array_values(array_filter($rows, fn($r) => $r['account'] === $B));
	if (($b[0]['accepted'] ?? null) !== 1) {
		$p[] = "$B should have exactly the one mail of P2: " . json_encode($b);
	}
	$odd = sql_json('SELECT account, client_role, script FROM mailguard.log WHERE client_role::text <> account');
	if ($odd !== []) {
		$p[] = 'rows whose account is not their role: ' . json_encode($odd);
	}
	return $p;
});
/* }}} */

/* posix is not loaded (php -n) */
function uid_of(string $name): int
{
	foreach (file('/etc/passwd') as $l) {
		$f = explode(':', $l);
		if ($f[0] === $name) {
			return (int) $f[2];
		}
	}
	throw new RuntimeException("no user $name");
}

function user_name(int $uid): string
{
	foreach (file('/etc/passwd') as $l) {
		$f = explode(':', $l);
		if ((int) ($f[2] ?? -1) === $uid) {
			return $f[0];
		}
	}
	return "uid$uid";
}

exit($failed > 0 ? 1 : 0);
