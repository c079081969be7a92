--TEST--
a request that dies inside mail() (a fatal error or a time limit in the script's error handler) does not leave mailguard's forced mail.add_x_header behind for the worker's next request (threat model row 15); one php-cgi FastCGI process serves all requests
--EXTENSIONS--
sockets
posix
--SKIPIF--
<?php
if (!is_executable('/usr/bin/php-cgi8.2')) die('skip php-cgi8.2 not installed (apt-get install php8.2-cgi; scripts/lib.sh installs it)');
if (!is_executable('/usr/bin/cgi-fcgi')) die('skip cgi-fcgi not installed (apt-get install libfcgi-bin; scripts/lib.sh installs it)');
if (posix_geteuid() !== 0) die('skip needs root: a script of another owner makes mailguard write the stamp itself');
?>
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
/*
 * mailguard.header=0 leaves the stamp to mail.add_x_header (here 1). For a
 * script owned by another uid than the stamp's (stamp_uid=process, root),
 * mailguard writes the stamp itself and switches core's off for the length
 * of the call. A script that dies inside that call (here: the warning
 * mail.log's unwritable path raises runs its error handler) skips the code
 * after the call; RSHUTDOWN must put the setting back, or the worker's next
 * mail from a root-owned script would go out with no stamp at all.
 */
$dir = mg_path('.d');
mg_rm($dir);
mkdir("$dir/www", 0755, true);
file_put_contents("$dir/mta", mg_mta_script("$dir/mail"));
$handler = 'set_error_handler(function ($no, $msg) { echo "handler: ", preg_replace("/\(.*?\)/", "(...)", $msg), "\n"; %s });';
$scripts = [
	'fatal.php' => sprintf($handler, 'trigger_error("giving up", E_USER_ERROR);'),
	'timeout.php' => sprintf($handler, 'set_time_limit(1); for (;;) {}'),
];
foreach ($scripts as $name => $code) {
	file_put_contents("$dir/www/$name", "<?php $code\necho 'pid ', getmypid(), \"\\n\";\nvar_dump(mail('a@example.com', '$name', 'b'));\necho \"after mail()\\n\";\n");
	chown("$dir/www/$name", 65534);
}
file_put_contents("$dir/www/send.php", "<?php echo 'pid ', getmypid(), \"\\n\";\nvar_dump(@mail('a@example.com', 'send', 'b'));\n");

$sock = "$dir/fcgi.sock";
$log = mg_listen("$dir/log.sock");
$cmd = array_merge(['/usr/bin/php-cgi8.2'], mg_child_base_args(['sockets']), [
	'-d', 'extension=' . mg_module_path(),
	'-d', 'display_errors=1', '-d', 'log_errors=0', '-d', 'html_errors=0', '-d', 'error_reporting=-1',
	'-d', 'mailguard.header=0', '-d', 'mail.add_x_header=1', '-d', 'mailguard.stamp_uid=process',
	'-d', "mailguard.syslog_socket=$dir/log.sock", '-d', "sendmail_path=/bin/sh $dir/mta",
	'-d', "mail.log=$dir/no-such-dir/mail.log",
	'-b', $sock]);
// one process, no children: every request is served by the same one
$server = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['file', "$dir/server.out", 'w'], 2 => ['file', "$dir/server.err", 'w']],
	$pipes, $dir, ['PATH' => '/usr/bin:/bin', 'PHP_FCGI_MAX_REQUESTS' => '100']);
for ($i = 0; $i < 100 && !file_exists($sock); $i++) {
	usleep(50000);
}

function request(string $dir, string $script): string
{
	$env = ['GATEWAY_INTERFACE=CGI/1.1', 'REQUEST_METHOD=GET', 'SERVER_NAME=shop.example', 'REMOTE_ADDR=192.0.2.10',
		"SCRIPT_FILENAME=$dir/www/$script", "SCRIPT_NAME=/$script", "DOCUMENT_ROOT=$dir/www", 'QUERY_STRING='];
	$p = proc_open(array_merge(['/usr/bin/env', '-i'], $env, ['timeout', '30', '/usr/bin/cgi-fcgi', '-bind', '-connect', "$dir/fcgi.sock"]),
		[0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
	$out = stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]);
	proc_close($p);
	// the body, after the CGI headers
	return preg_replace('/^.*?\r?\n\r?\n/s', '', $out);
}

$pids = [];
foreach (['fatal.php', 'timeout.php'] as $bad) {
	foreach ([$bad, 'send.php'] as $script) {
		$out = request($dir, $script);
		preg_match('/^pid (\d+)/m', $out, $m);
		$pids[] = $m[1] ?? '?';
		echo "== $script\n", trim(preg_replace('/^pid \d+\n/m', '', $out)), "\n";
		$mails = mg_mails_in("$dir/mail");
		mg_rm("$dir/mail");
		foreach ($mails as $eml) {
			echo 'mail ', mg_mail_header_values($eml, 'Subject')[0] ?? '?', ', stamps: ',
				json_encode(mg_mail_header_values($eml, 'X-PHP-Originating-Script')), "\n";
		}
		foreach (mg_log_read($log) as $l) {
			echo 'syslog: ', $l['fields']['verdict'] ?? '-', ' ', $l['fields']['subject'] ?? '-', "\n";
		}
	}
}
echo 'one process served every request: ', count(array_unique($pids)) === 1 && $pids[0] !== '?' ? 'yes' : 'no ' . implode(' ', $pids), "\n";
proc_terminate($server);
proc_close($server);
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECTF--
== fatal.php
handler: mail(...): Failed to open stream: No such file or directory

Fatal error: giving up in %s/fatal.php on line 1
== send.php
bool(true)
mail send, stamps: ["0:send.php"]
syslog: accept send
== timeout.php
handler: mail(...): Failed to open stream: No such file or directory

Fatal error: Maximum execution time of 1 second exceeded in %s/timeout.php on line 1
== send.php
bool(true)
mail send, stamps: ["0:send.php"]
syslog: accept send
one process served every request: yes
