<?php
/*
 * The sending half of the Postfix harness (tests/postfix/run.sh): runs
 * under `php -n` with mailguard, mbstring, imap and sockets loaded and
 * sendmail_path pointing at the private Postfix (through tee-sendmail.sh,
 * which keeps a copy of the bytes PHP wrote). Makes each case's call and
 * writes what the script saw to a JSON file: the return value, PHP's
 * warnings, and mailguard's syslog lines for that call. checks.php judges,
 * once Postfix has delivered everything.
 *
 *   php ... send.php RESULTS.json SYSLOG_SOCKET
 *
 * Every case's message body carries "mgcase-<id>-end", so checks.php can
 * tell the delivered messages apart wherever their header section ended.
 * tee-sendmail.sh names its copy after the MG_CASE environment variable,
 * which popen() passes on.
 */
require __DIR__ . '/../inc/helpers.inc';

[$self, $resultsFile, $sockPath] = $argv + [null, null, null];
if ($resultsFile === null || $sockPath === null) {
	fwrite(STDERR, "usage: send.php RESULTS.json SYSLOG_SOCKET\n");
	exit(2);
}
foreach (['mail', 'mb_send_mail', 'error_log', 'imap_mail'] as $fn) {
	if (!function_exists($fn)) {
		fwrite(STDERR, "send.php: $fn() is missing (mbstring and imap must be loaded)\n");
		exit(2);
	}
}
if (!extension_loaded('mailguard')) {
	fwrite(STDERR, "send.php: mailguard is not loaded\n");
	exit(2);
}
$log = mg_listen($sockPath);

/*
 * The cases. kind:
 *   normal     an ordinary mail: must be sent and delivered;
 *   before     issue 11 item 1: an argument core (or imap) writes into the
 *              message BEFORE the stamp carries an empty line or a line that
 *              is neither a header field nor a continuation;
 *   after      the same in the additional headers, which come after the
 *              stamp (and after the trace): the stamp stays in the header
 *              section, but the header block is malformed all the same;
 *   sanitized  a hostile to/subject that core itself turns into spaces:
 *              delivering it is fine, the message is well formed.
 * le: the case's raw header block is checked for one line ending
 * (issue 11 item 4).
 */
$F = 'From: shop@example.test';
$cases = [];
$add = function (string $id, string $kind, string $fn, string $what, callable $call, bool $le = false) use (&$cases) {
	$cases[] = ['id' => $id, 'kind' => $kind, 'fn' => $fn, 'what' => $what, 'call' => $call, 'le' => $le];
};
$body = fn(string $id) => "This is case $id.\r\nmgcase-$id-end\r\n";

// {{{ ordinary mails, one or two per function
$add('n1', 'normal', 'mail', "mail(), string headers joined with CRLF",
	fn() => mail('n1@example.test', 'normal mail', $body('n1'), "$F\r\nX-Case: n1"), true);
$add('n2', 'normal', 'mail', "mail(), array headers",
	fn() => mail('n2@example.test', 'normal mail', $body('n2'), ['From' => 'shop@example.test', 'X-Case' => 'n2']), true);
$add('n3', 'normal', 'mail', "mail(), no additional headers",
	fn() => mail('n3@example.test', 'normal mail', $body('n3')), true);
$add('n4', 'normal', 'mb_send_mail', "mb_send_mail(), string headers joined with CRLF",
	fn() => mb_send_mail('n4@example.test', 'normal mail', $body('n4'), "$F\r\nX-Case: n4"), true);
$add('n5', 'normal', 'mb_send_mail', "mb_send_mail(), array headers",
	fn() => mb_send_mail('n5@example.test', 'normal mail', $body('n5'), ['From' => 'shop@example.test']), true);
$add('n6', 'normal', 'error_log', "error_log(type 1), no headers",
	fn() => error_log($body('n6'), 1, 'n6@example.test'), true);
$add('n7', 'normal', 'error_log', "error_log(type 1), headers joined with CRLF",
	fn() => error_log($body('n7'), 1, 'n7@example.test', "$F\r\nX-Case: n7"), true);
// imap writes every line it writes with a bare LF: the script's headers too
$add('n8', 'normal', 'imap_mail', "imap_mail(), headers joined with LF",
	fn() => imap_mail('n8@example.test', 'normal mail', $body('n8'), "$F\nX-Case: n8"), true);
$add('n9', 'normal', 'imap_mail', "imap_mail() with cc, bcc and return_path",
	fn() => imap_mail('n9@example.test', 'normal mail', $body('n9'), $F, 'n9cc@example.test', 'n9bcc@example.test', 'bounce@example.test'), true);
// }}}

// {{{ issue 11 item 1: arguments written before the stamp
$blank = "\n\nX-Body: this line must not become a header";
$crlfBlank = "\r\n\r\nX-Body: this line must not become a header";
$nonHeader = "\nthis line is not a header field";
$trailing = "\n\n";
foreach ([
	'empty line (LF LF)' => $blank,
	'empty line (CRLF CRLF)' => $crlfBlank,
	'a line that is not a header field' => $nonHeader,
	'a trailing empty line' => $trailing,
] as $what => $tail) {
	$i = count($cases);
	$add("b$i", 'before', 'error_log', "error_log(type 1), destination with $what",
		fn() => error_log($body("b$i"), 1, "h$i@example.test$tail"));
}
foreach ([
	'empty line' => $blank,
	'a line that is not a header field' => $nonHeader,
] as $what => $tail) {
	$i = count($cases);
	$add("b$i", 'before', 'imap_mail', "imap_mail(), to with $what",
		fn() => imap_mail("h$i@example.test$tail", 'imap', $body("b$i")));
	$i = count($cases);
	$add("b$i", 'before', 'imap_mail', "imap_mail(), subject with $what",
		fn() => imap_mail("h$i@example.test", "imap$tail", $body("b$i")));
	$i = count($cases);
	$add("b$i", 'before', 'imap_mail', "imap_mail(), cc with $what",
		fn() => imap_mail("h$i@example.test", 'imap', $body("b$i"), null, "cc$i@example.test$tail"));
	$i = count($cases);
	$add("b$i", 'before', 'imap_mail', "imap_mail(), bcc with $what",
		fn() => imap_mail("h$i@example.test", 'imap', $body("b$i"), null, null, "bcc$i@example.test$tail"));
	$i = count($cases);
	$add("b$i", 'before', 'imap_mail', "imap_mail(), return_path with $what",
		fn() => imap_mail("h$i@example.test", 'imap', $body("b$i"), null, null, null, "rp$i@example.test$tail"));
}
// }}}

// {{{ the same in the additional headers (after the stamp)
foreach ([
	'an empty line' => "$F\n\nX-Body: this line must not become a header",
	'a line that is not a header field' => "$F\r\nthis line is not a header field\r\nX-After: 1",
] as $what => $h) {
	$i = count($cases);
	$add("a$i", 'after', 'mail', "mail(), additional headers with $what",
		fn() => mail("h$i@example.test", 'mail', $body("a$i"), $h));
	$i = count($cases);
	$add("a$i", 'after', 'mb_send_mail', "mb_send_mail(), additional headers with $what",
		fn() => mb_send_mail("h$i@example.test", 'mb', $body("a$i"), $h));
	$i = count($cases);
	$add("a$i", 'after', 'error_log', "error_log(type 1), additional headers with $what",
		fn() => error_log($body("a$i"), 1, "h$i@example.test", $h));
	$i = count($cases);
	$add("a$i", 'after', 'imap_mail', "imap_mail(), additional headers with $what",
		fn() => imap_mail("h$i@example.test", 'imap', $body("a$i"), str_replace("\r\n", "\n", $h)));
}
// }}}

// {{{ hostile to/subject that core cleans itself
foreach (['mail', 'mb_send_mail'] as $fn) {
	$i = count($cases);
	$add("s$i", 'sanitized', $fn, "$fn(), to with an empty line (core makes it spaces)",
		fn() => $fn("h$i@example.test$blank", 'subject', $body("s$i")));
	$i = count($cases);
	$add("s$i", 'sanitized', $fn, "$fn(), subject with a line that is not a header field (core makes it a space or encodes it)",
		fn() => $fn("h$i@example.test", "subject$nonHeader", $body("s$i")));
}
// }}}

$results = [];
$warnings = [];
set_error_handler(function (int $no, string $msg) use (&$warnings) {
	$warnings[] = $msg;
	return true;
});
foreach ($cases as $c) {
	$warnings = [];
	putenv('MG_CASE=' . $c['id']);
	$t = microtime(true);
	try {
		$r = ($c['call'])();
		$ret = var_export($r, true);
	} catch (Throwable $e) {
		$ret = get_class($e) . ': ' . $e->getMessage();
	}
	$ms = (int) round((microtime(true) - $t) * 1000);
	$lines = [];
	foreach (mg_log_raw($log) as $raw) {
		try {
			$lines[] = mg_log_parse($raw)['fields'];
		} catch (Throwable $e) {
			$lines[] = ['unparsed' => $raw];
		}
	}
	unset($c['call']);
	$results[] = $c + ['ret' => $ret, 'warnings' => $warnings, 'log' => $lines, 'ms' => $ms];
}
putenv('MG_CASE');
restore_error_handler();
file_put_contents($resultsFile, json_encode($results, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE));
echo count($results), " cases sent\n";
