--TEST--
a 1 MiB header block (one huge field, and 50,000 small ones): accepted, stamped, logged within the line cap, promptly
--EXTENSIONS--
sockets
--INI--
mail.add_x_header=0
mailguard.syslog_socket={TMP}/mg-hostile_megabyte_headers.sock
sendmail_path="/bin/sh {TMP}/mg-hostile_megabyte_headers.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

$cases = [
	'one 1 MiB field' => "From: f@example.com\r\nX-Pad: " . str_repeat('p', 1 << 20),
	'50,000 fields' => str_repeat("X-Pad: 0123456789\r\n", 50000) . "Cc: c@example.com",
	/* one address 60,000 times: queued once (a, c, last) */
	'1 MiB folded Cc' => "Cc: " . str_repeat("c@example.com,\r\n ", 60000) . "last@example.com",
];
foreach ($cases as $what => $h) {
	$t = microtime(true);
	$r = mail('a@example.com', 's', 'm', $h);
	$t = microtime(true) - $t;
	$mails = mg_mails();
	mg_mails_clear();
	$raw = mg_log_raw($log);
	$l = $raw ? mg_log_parse($raw[0]) : null;
	printf("%s: %s, %d mail of %s bytes, stamp %s, %d line of <= 2048 bytes: %s, verdict=%s rcpts=%s, %s\n",
		$what, var_export($r, true), count($mails), strlen($mails[0] ?? '') > strlen($h) ? 'all' : 'TOO FEW',
		$mails && mg_mail_header_values($mails[0], 'X-PHP-Originating-Script') === [mg_expected_stamp()] ? 'ok' : 'WRONG',
		count($raw), var_export(strlen($raw[0] ?? '') <= 2048, true), $l['fields']['verdict'] ?? '-', $l['fields']['rcpts'] ?? '-',
		$t < mg_time_limit(2.0) ? 'prompt' : sprintf('SLOW %.2f s', $t));
}
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
one 1 MiB field: true, 1 mail of all bytes, stamp ok, 1 line of <= 2048 bytes: true, verdict=accept rcpts=1, prompt
50,000 fields: true, 1 mail of all bytes, stamp ok, 1 line of <= 2048 bytes: true, verdict=accept rcpts=2, prompt
1 MiB folded Cc: true, 1 mail of all bytes, stamp ok, 1 line of <= 2048 bytes: true, verdict=accept rcpts=3, prompt
