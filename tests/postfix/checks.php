<?php
/*
 * The judging half of the Postfix harness (tests/postfix/run.sh): reads
 * what send.php saw (RESULTS.json), the messages the private Postfix
 * delivered (one file each in DELIVERED, as its pipe transport wrote
 * them) and the bytes PHP handed to sendmail (RAW/<case>.<pid>.eml, with
 * sendmail's exit status in .rc and its messages in .err, kept by
 * tee-sendmail.sh), and prints one `ok - ...` or `FAIL - ...` line per
 * check, with `#` lines of evidence under a failure.
 *
 *   php -n checks.php RESULTS.json DELIVERED RAW TRACE
 *
 * TRACE=1: mailguard had a database that accepted every mail, so every
 * delivered message must also carry exactly one X-Mailguard-Trace in its
 * header section.
 *
 * Checks marked [issue 11.1] are the property of issue 11 item 1: every
 * delivered message has exactly one stamp in its header section and none
 * in its body, and a mail whose arguments would end the header section
 * early is refused (reason=malformed-headers, logged). [issue 11.4]: the
 * header block PHP writes uses one line ending throughout.
 */
[$self, $resultsFile, $deliveredDir, $rawDir, $trace] = $argv + [null, null, null, null, '0'];
if ($rawDir === null) {
	fwrite(STDERR, "usage: checks.php RESULTS.json DELIVERED RAW TRACE\n");
	exit(2);
}
$trace = $trace === '1';
$results = json_decode((string) file_get_contents($resultsFile), true);
if (!is_array($results) || $results === []) {
	echo "FAIL - send.php left no results\n";
	exit(1);
}

function say_ok(string $what): void
{
	echo "ok - $what\n";
}

function say_fail(string $what, array $evidence = []): void
{
	echo "FAIL - $what\n";
	foreach ($evidence as $line) {
		echo "#   $line\n";
	}
}

/* A message as Postfix delivered it: header section up to the first empty
 * line (Postfix puts one before the first line that is not a header field
 * or a continuation, so this is where Postfix itself ended the header
 * section), body after it. */
function split_message(string $m): array
{
	if (str_starts_with($m, "\n")) {
		return ['', substr($m, 1)];
	}
	$p = strpos($m, "\n\n");
	return $p === false ? [$m, ''] : [substr($m, 0, $p + 1), substr($m, $p + 2)];
}

/* Which case a delivered message belongs to: "mgcase-<id>-end" in its body,
 * as written or base64-encoded (mb_send_mail's default body encoding). */
function case_of(string $m): ?string
{
	if (preg_match('/mgcase-([a-z0-9]+)-end/', $m, $x)) {
		return $x[1];
	}
	[, $body] = split_message($m);
	foreach (preg_split('/\n\n/', $body) as $part) {
		$d = base64_decode(preg_replace('/\s+/', '', $part), true);
		if ($d !== false && preg_match('/mgcase-([a-z0-9]+)-end/', $d, $x)) {
			return $x[1];
		}
	}
	return null;
}

function header_values(string $head, string $name): array
{
	preg_match_all('/^' . preg_quote($name, '/') . ':[ \t]*(.*)$/mi', $head, $m);
	return $m[1];
}

/* The message, a line per evidence line, line ends shown. */
function show_message(string $file, string $m, int $max = 30): array
{
	$out = ['delivered ' . basename($file) . ':'];
	$lines = explode("\n", rtrim($m, "\n"));
	foreach (array_slice($lines, 0, $max) as $l) {
		$out[] = '  | ' . addcslashes($l, "\0..\37\177");
	}
	if (count($lines) > $max) {
		$out[] = '  | ... (' . (count($lines) - $max) . ' more lines)';
	}
	return $out;
}

function show_log(array $lines): string
{
	if ($lines === []) {
		return 'log: no line';
	}
	$o = [];
	foreach ($lines as $f) {
		$kv = [];
		foreach (['verdict', 'reason', 'result', 'fn', 'trace', 'unparsed'] as $k) {
			if (isset($f[$k])) {
				$kv[] = "$k=" . addcslashes((string) $f[$k], "\0..\37\177");
			}
		}
		$o[] = implode(' ', $kv);
	}
	return 'log: ' . implode(' | ', $o);
}

// {{{ the delivered messages, by case
$delivered = [];
$strays = [];
foreach (glob("$deliveredDir/*") ?: [] as $file) {
	$m = (string) file_get_contents($file);
	$id = case_of($m);
	if ($id === null) {
		$strays[] = $file;
		continue;
	}
	// <queue id>.<n>: one queue file may be delivered in several parts
	$delivered[$id][] = ['file' => $file, 'qid' => explode('.', basename($file))[0], 'text' => $m];
}
// }}}

// core's stamp: the owner of the entry script (send.php), its file name
$uid = fileowner(__DIR__ . "/send.php");
foreach ($results as $c) {
	$id = $c['id'];
	$label = "$id {$c['what']}";
	$msgs = $delivered[$id] ?? [];
	$qids = array_unique(array_column($msgs, 'qid'));
	$raws = glob("$rawDir/$id.*.eml") ?: [];
	$submitted = [];
	$accepted = 0;
	foreach ($raws as $r) {
		$base = substr($r, 0, -4);
		$rc = trim((string) @file_get_contents("$base.rc"));
		$err = trim((string) @file_get_contents("$base.err"));
		$accepted += $rc === '0';
		$submitted[] = "sendmail exit $rc" . ($err !== '' ? ": $err" : '');
	}
	$ctx = ["returned {$c['ret']}" . ($c['warnings'] ? '; warnings: ' . implode(' | ', $c['warnings']) : ''),
		show_log($c['log']),
		count($raws) . ' submission(s) to sendmail' . ($submitted ? ' (' . implode('; ', $submitted) . ')' : ''),
		count($qids) . ' message(s) delivered'];
	if ($accepted > count($qids)) {
		// the harness lost a message: no verdict on this case can be trusted
		say_fail("$label: each of the $accepted message(s) sendmail accepted was delivered", $ctx);
	}

	// {{{ [issue 11.1] the stamp (and trace) in the header section only
	$bad = [];
	foreach ($msgs as $msg) {
		[$head, $body] = split_message($msg['text']);
		$stamps = header_values($head, 'X-PHP-Originating-Script');
		$why = [];
		if (count($stamps) !== 1) {
			$why[] = count($stamps) . ' stamps in the header section';
		} elseif (!preg_match('/^' . $uid . ':send\.php$/', $stamps[0])) {
			$why[] = "stamp value '{$stamps[0]}' is not core's <uid>:<file> ($uid:send.php)";
		}
		if (stripos($body, 'X-PHP-Originating-Script') !== false) {
			$why[] = 'a stamp in the body';
		}
		if ($trace) {
			$n = count(header_values($head, 'X-Mailguard-Trace'));
			if ($n !== 1) {
				$why[] = "$n trace headers in the header section";
			}
		}
		if (stripos($body, 'X-Mailguard-Trace') !== false) {
			$why[] = 'a trace header in the body';
		}
		if (preg_match('/^Subject:/mi', $body)) {
			$why[] = 'a Subject line in the body';
		}
		if ($why) {
			$bad[] = implode(', ', $why) . ':';
			$bad = array_merge($bad, show_message($msg['file'], $msg['text']));
		}
	}
	$what = '[issue 11.1] ' . $label . ': ' . ($msgs ? count($msgs) . ' delivered message(s), each' : 'nothing delivered, so every delivered message')
		. ' with exactly one stamp' . ($trace ? ' and one trace' : '') . ' in the header section and none in the body';
	$bad ? say_fail($what, array_merge($ctx, $bad)) : say_ok($what);
	// }}}

	// {{{ sent, or refused with reason=malformed-headers
	$log = $c['log'];
	if ($c['kind'] === 'normal' || $c['kind'] === 'sanitized') {
		$good = $c['ret'] === 'true' && count($qids) === 1 && count($log) === 1
			&& ($log[0]['verdict'] ?? '') === 'accept' && ($log[0]['result'] ?? '') === 'sent'
			&& (!$trace || ($log[0]['trace'] ?? '') !== '');
		$what = "$label: sent (returned true, one log line verdict=accept result=sent" . ($trace ? ' with a trace' : '')
			. '), delivered once';
		$good ? say_ok($what) : say_fail($what, array_merge($ctx, $msgs ? show_message($msgs[0]['file'], $msgs[0]['text']) : []));
	} else {
		$l = $log[0] ?? [];
		// mailguard's own refusal, or core's (verdict=invalid: core
		// refused it with its own warning after mailguard logged why)
		$refused = count($log) === 1 && ($l['reason'] ?? '') === 'malformed-headers'
			&& (($l['verdict'] ?? '') === 'refuse' || (($l['verdict'] ?? '') === 'invalid' && ($l['result'] ?? '') === 'failed'));
		$good = $c['ret'] === 'false' && $msgs === [] && $refused;
		$where = $c['kind'] === 'before' ? 'before the stamp' : 'after the stamp';
		$what = "[issue 11.1] $label ($where): refused (returned false, nothing delivered, logged reason=malformed-headers)";
		// the message was shown above when the stamp check failed
		$good ? say_ok($what) : say_fail($what, array_merge($ctx, $msgs && !$bad ? show_message($msgs[0]['file'], $msgs[0]['text']) : []));
	}
	// }}}

	// {{{ [issue 11.4] one line ending in the header block PHP wrote
	if ($c['le']) {
		$what = "[issue 11.4] $label: the header block PHP handed to sendmail ends every line the same way";
		if (count($raws) !== 1) {
			say_fail($what, [count($raws) . ' copies of what PHP wrote (expected 1)']);
		} else {
			$raw = (string) file_get_contents($raws[0]);
			$crlf = $lf = 0;
			$shown = [];
			foreach (explode("\n", $raw) as $i => $line) {
				if ($line === '' || $line === "\r") {
					break;  // the empty line: end of the header block
				}
				if (str_ends_with($line, "\r")) {
					$crlf++;
					$shown[] = '  | ' . addcslashes(substr($line, 0, -1), "\0..\37\177") . '\r\n';
				} else {
					$lf++;
					$shown[] = '  | ' . addcslashes($line, "\0..\37\177") . '\n    <- bare LF';
				}
			}
			$what .= " ($crlf CRLF, $lf LF)";
			($crlf === 0 || $lf === 0) ? say_ok($what) : say_fail($what, array_merge(['what PHP wrote:'], $shown));
		}
	}
	// }}}
}

if ($strays) {
	$ev = [];
	foreach (array_slice($strays, 0, 3) as $f) {
		$ev = array_merge($ev, show_message($f, (string) file_get_contents($f), 12));
	}
	say_fail(count($strays) . ' delivered message(s) belong to no case', $ev);
} else {
	say_ok('every delivered message belongs to a case');
}
