--TEST--
database: an accepted mail's header lines, trace included, all end as core ends them (CRLF by default, LF with mail.mixed_lf_and_crlf)
--EXTENSIONS--
sockets
mbstring
--SKIPIF--
<?php require __DIR__ . '/../inc/helpers.inc'; mg_db_skipif(); ?>
--INI--
mailguard.dsn="${MG_PG_DSN}"
mailguard.account=db_line_endings
mailguard.syslog_socket={TMP}/mg-db_line_endings.sock
sendmail_path="/bin/sh {TMP}/mg-db_line_endings.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_db_account('db_line_endings', ['msgs_hour' => 10, 'rcpts_hour' => 20]);
$log = mg_listen();
mg_mta_install();

/* The header block as written, split at the first empty line; each line
 * classified by its ending. */
function endings(string $eml): string
{
	/* the header lines with their own endings, up to the empty line */
	preg_match('/^(.*?\n)\r?\n/s', $eml, $head);
	preg_match_all('/[^\n]*\n/', $head[1] ?? '', $m);
	$kinds = [];
	foreach ($m[0] as $line) {
		$kinds[str_ends_with($line, "\r\n") ? 'CRLF' : 'LF'] = true;
	}
	return implode('+', array_keys($kinds));
}

$calls = [
	'mail' => fn() => mail('a@example.com', 'Hello', 'body', "From: shop@example.com\r\nCc: c@example.com"),
	'mail, array headers' => fn() => mail('a@example.com', 'Hello', 'body', ['From' => 'shop@example.com', 'Cc' => 'c@example.com']),
	'mail, no headers' => fn() => mail('a@example.com', 'Hello', 'body'),
	'mb_send_mail' => fn() => mb_send_mail('d@example.com', 'Hi', 'body', ['From' => 'x@example.com']),
	'error_log' => fn() => error_log('an error', 1, 'admin@example.com', "From: x@example.com"),
];
foreach ($calls as $fn => $call) {
	$r = $call();
	$mails = mg_mails();
	mg_mails_clear();
	mg_log_read($log);
	$eml = $mails[0] ?? '';
	printf("%s: %s, trace %d, header lines end in %s\n", $fn, var_export($r, true),
		count(mg_mail_header_values($eml, 'X-Mailguard-Trace')), endings($eml));
}

// With mail.mixed_lf_and_crlf on, core joins with bare LF; so does mailguard.
$r = mg_run('var_dump(mail("a@example.com", "Hello", "body", "From: shop@example.com"));',
	['ini' => ['mail.mixed_lf_and_crlf' => '1', 'mailguard.dsn' => mg_db_ini(getenv('MG_PG_DSN')), 'mailguard.account' => 'db_line_endings']]);
printf("mixed_lf_and_crlf: %s trace %d, header lines end in %s\n", trim($r['out']),
	count(mg_mail_header_values($r['mails'][0] ?? '', 'X-Mailguard-Trace')), endings($r['mails'][0] ?? ''));
?>
--CLEAN--
<?php require __DIR__ . '/../inc/helpers.inc'; mg_clean(); ?>
--EXPECT--
mail: true, trace 1, header lines end in CRLF
mail, array headers: true, trace 1, header lines end in CRLF
mail, no headers: true, trace 1, header lines end in CRLF
mb_send_mail: true, trace 1, header lines end in CRLF
error_log: true, trace 1, header lines end in CRLF
mixed_lf_and_crlf: bool(true) trace 1, header lines end in LF
