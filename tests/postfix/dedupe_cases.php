<?php
/*
 * The cases of tests/postfix/dedupe.sh: header blocks whose recipients a
 * private Postfix queues, to compare with the scanner's count.
 *
 *   php -n dedupe_cases.php DIR [SEED [ROUNDS]]
 *
 * Writes DIR/<id>.hdr (a header block as sendmail -t reads it, starting
 * with the X-Oracle line that the instance's header_checks put on hold)
 * and prints one line per case:
 *
 *   id <TAB> kind <TAB> postfix <TAB> mailguard <TAB> envelope recipients
 *
 * kind: `fixed` (postfix: the count Postfix 3.7.11 was seen to queue;
 * mailguard: what the scanner must count, equal or more), `plain` (random
 * address lists in the forms the scanner compares: it must count exactly
 * what Postfix queues), `noise` (random lists with forms it does not
 * compare, malformed ones too: never fewer). `-` where nothing is fixed.
 */

[$self, $dir, $seed, $rounds] = $argv + [null, null, '1', '300'];
if ($dir === null || !is_dir($dir)) {
	fwrite(STDERR, "usage: dedupe_cases.php DIR [SEED [ROUNDS]]\n");
	exit(2);
}
mt_srand((int) $seed);

function emit(string $dir, string $id, string $kind, string $hdrs, $pf, $mg, string $env = ''): void
{
	file_put_contents("$dir/$id.hdr", "X-Oracle: $id\n" . $hdrs);
	echo "$id\t$kind\t$pf\t$mg\t", $env === '' ? '-' : $env, "\n";
}

/* {{{ fixed: what Postfix was seen to do */
$fixed = [
	/* [header lines, Postfix queues, mailguard counts] */
	['To: a@example.com, A@Example.COM, a@example.com', 1, 1],
	['To: a@example.com, <a@example.com>, "a"@example.com, a@example.com (comment)', 1, 1],
	['To: A <a@example.com>, B <a@example.com>', 1, 1],
	['To: a@example.com (x), a@example.com (y)', 1, 1],
	['To: john, john, JOHN', 1, 1],
	// the address as written is part of the key: not one recipient
	['To: john, john@mailguard-test.localdomain', 2, 2],
	['To: a@example.com', 1, 1],
	["To: a@example.com\nCc: a@example.com\nBcc: A@EXAMPLE.COM", 1, 1],
	['To: a@example.com., a@example.com', 2, 2],
	['To: example.com!a, a@example.com', 2, 2],
	['To: a%example.com@localhost, a@example.com', 2, 2],
	['To: <@x.example:a@example.com>, a@example.com', 2, 2],
	['To: a . b@example.com, a.b@example.com', 1, 1],
	['To: "a.b"@example.com, a.b@example.com', 1, 1],
	['To: "A b"@example.com, "a B"@example.com', 1, 1],
	// not compared by the scanner (literal, 8-bit, group, escape): more
	['To: a@[192.0.2.1], A@[192.0.2.1]', 1, 2],
	["To: \xc3\x84@example.com, \xc3\xa4@example.com", 2, 2],
	["To: \xc3\xa4@example.com, \xc3\xa4@example.com", 1, 2],
	['To: g: a@example.com, a@example.com;', 1, 2],
	['To: "a\\b"@example.com, ab@example.com', 1, 2],
	['To: "a@b"@example.com, "a@b@example.com"', 1, 2],
	['To: Doe, John <doe@example.com>, doe', 2, 2],
	["To: a@example.com\nResent-To: r@example.com, R@example.com", 1, 1],
	["To: a@example.com\nResent-To: r@example.com\nResent-Cc: R@EXAMPLE.com", 1, 1],
	['To: a@EXAMPLE.com, a@example.COM', 1, 1],
	['To: a@example.com, a @ example.com', 1, 1],
	['To: a(c)@example.com, a@example.com', 1, 1],
	['To: a@(c)example.com, a@example.com', 1, 1],
	['To: <a@example.com (c)>, a@example.com', 1, 1],
	['To: (c)a@example.com, a@example.com', 1, 1],
	['To: a(c)@example.com, a@(c)example.com, <a@example.com (c)>, (c)a@example.com', 1, 1],
	['To: "john", john', 1, 1],
	['To: "a"@example.com, "A"@EXAMPLE.COM', 1, 1],
	['To: John (x) <a@example.com>, a@example.com', 1, 1],
	['To: a.b(c).c@example.com, a.b.c@example.com', 1, 1],
	['To: "a b"@example.com, "a b"@example.com', 1, 1],
	['To: ".a"@example.com, ".A"@example.com', 1, 1],
	["To: a@example.com,\n A@example.com", 1, 1],
	['To: john.doe, John.Doe', 1, 1],
	['To: a+tag@example.com, a@example.com', 2, 2],
	["To: a@example.com\t,\ta@example.com", 1, 1],
	['To: =?utf-8?q?x?= <a@example.com>, a@example.com', 1, 1],
	['To: "Doe, John" <a@example.com>, a@example.com', 1, 1],
	['To: a@example.com (x (y) z), <a@example.com>', 1, 1],
	['To: < a @ example.com >, a@example.com', 1, 1],
	['To: "john"@mailguard-test.localdomain, john@mailguard-test.localdomain', 1, 1],
	['To: "a\\"b"@example.com, "a\\"b"@example.com', 1, 2],
	["To: a@example.com, a@example.com\nTo: a@example.com\nCc: a@example.com, <A@example.com>", 1, 1],
	['To: <john>, john', 1, 1],
	['To: a@example.com,,a@example.com,', 1, 1],
	// a malformed line ends Postfix's header section: never fewer
	["To: a@example.com\nnot a field\nCc: a@example.com, b@example.com", 1, 2],
	// a missing comma: not compared
	['To: John Smith, john', 2, 3],
	['To: a@x, A@X, a@x', 1, 1],
	['To: "a.b", a.b, A.B', 1, 1],
	['To: "q r", "Q R"', 1, 1],
	['To: "a"@example.com, a@example.com, "A"@example.com', 1, 1],
	['To: a@x, a@x, "b', 2, 3],
	// the value is read as ": a@x, a@x": not compared, more
	["Bcc : a@x, a@x", 1, 2],
	["To: a@x, a@x\nCc: a@x, John Smith", 3, 4],
	["To: r@x\nResent-To: r@x, r@x", 1, 1],
	["To: a@x, b@x, a@x\njunk\nResent-To: r@x, r@x", 2, 2],
	["To: a@example.com\nBcc: a@example.com\nResent-Bcc: b@example.com, a@example.com, B@example.com", 2, 2],
];
foreach ($fixed as $i => [$h, $pf, $mg]) {
	emit($dir, sprintf('f%02d', $i + 1), 'fixed', "$h\n", $pf, $mg);
}

/* The duplicate filter remembers 1000 addresses, the command line's first. */
$many = [];
for ($i = 0; $i < 1000; $i++) {
	$many[] = "a$i@example.com";
}
$many = implode(', ', $many);
emit($dir, 'L1', 'fixed', "To: $many, x@example.com, x@example.com, a0@example.com\n", 1002, 1002);
emit($dir, 'L2', 'fixed', "To: $many, a999@example.com\n", 1000, 1000);
emit($dir, 'L3', 'fixed', "To: " . str_replace(', ', ",\n ", $many) . "\nCc: a999@example.com, a0@example.com, A998@EXAMPLE.COM\n", 1000, 1000);
// one more from the command line, which comes first: a999 is not
// remembered (1 + 1000 + 1)
emit($dir, 'L4', 'fixed', "To: $many, a999@example.com\n", 1002, 1002, 'c@example.org');
// a command-line address repeated in the headers: Postfix drops it;
// mailguard counts it, and so remembers one address less (1 + 1 + 1001)
emit($dir, 'L5', 'fixed', "To: c@example.org, $many, a999@example.com\n", 1002, 1003, 'c@example.org');
/* }}} */

/* {{{ random address lists */
function pick(array $a)
{
	return $a[mt_rand(0, count($a) - 1)];
}

function flipcase(string $s): string
{
	$o = '';
	for ($i = 0; $i < strlen($s); $i++) {
		$o .= mt_rand(0, 2) === 0 ? ($s[$i] === strtoupper($s[$i]) ? strtolower($s[$i]) : strtoupper($s[$i])) : $s[$i];
	}
	return $o;
}

/* One address in a form the scanner compares. */
function plain_addr(): string
{
	$local = flipcase(pick(['a', 'b', 'john', 'a.b', 'x-y', 'first.last', "o'neil", 'a+b', 'q=r', '9']));
	$domain = pick(['', '', '@example.com', '@example.com', '@Sub.Example.org', '@x', '@b.example.com']);
	$domain = flipcase($domain);
	$addr = $local . $domain;
	switch (mt_rand(0, 9)) {
		case 0:
			if (strpos($local, "'") === false) {
				$addr = '"' . $local . '"' . $domain;
			}
			break;
		case 1:
			$addr = str_replace(['.', '@'], [' . ', ' @ '], $addr);
			break;
		case 2:
			$addr = str_replace('@', '(c)@', $addr);
			break;
		case 3:
			$addr = '"' . pick(['q r', 'Q R', 'x.y']) . '"' . $domain;
			break;
	}
	switch (mt_rand(0, 5)) {
		case 0:
			return "<$addr>";
		case 1:
			return pick(['John', '"Doe, J."', '=?utf-8?q?J=C3=B6rg?=', 'J. R. R.', '"x" y', "J\xc3\xb6rg", '(c) Name']) . " <$addr>";
		case 2:
			return "$addr (" . pick(['c', 'a, b', 'x (y) z']) . ')';
		case 3:
			return " $addr ";
	}
	return $addr;
}

/* One piece that the scanner does not compare, or that is malformed. */
function noise_piece(): string
{
	return pick([
		'g: a@example.com, A@example.com;', 'undisclosed-recipients:;', '<@r.example:a@example.com>',
		'example.com!a', 'a%b@example.com', 'a@example.com.', 'a@[192.0.2.1]', 'John Smith',
		'"unterminated a@example.com', '(open a@example.com', 'a@example.com)', '<a@example.com',
		"\xc3\x84@example.com", '"a\\b"@example.com', 'a\\b@example.com', '"a@b"@example.com',
		'a@example.com b@example.com', '<a@example.com> <a@example.com>', '<>', 'a@b@example.com',
		'a..b@example.com', '.a@example.com', 'a@example..com', '"".x', ':', ';', 'a: b',
	]);
}

function address_list(bool $noise): string
{
	$n = mt_rand(1, 6);
	$out = '';
	for ($i = 0; $i < $n; $i++) {
		if ($i > 0) {
			$out .= pick([', ', ',', ",\n ", ",\r\n\t", ', , ']);
		}
		$out .= $noise && mt_rand(0, 2) === 0 ? noise_piece() : plain_addr();
	}
	return $out;
}

function random_block(bool $noise): string
{
	$fields = mt_rand(1, 4);
	$h = '';
	for ($i = 0; $i < $fields; $i++) {
		$name = $i === 0 ? 'To' : pick(['To', 'Cc', 'Bcc', 'cc', 'BCC']);
		if (mt_rand(0, 7) === 0) {
			$name = pick(['Resent-To', 'Resent-Cc', 'Resent-Bcc']);
		}
		$h .= "$name: " . address_list($noise) . "\n";
		if ($noise && mt_rand(0, 11) === 0) {
			$h .= pick(["junk line\n", " folded\n", "X-Other: a@example.com\n"]);
		}
	}
	return $h;
}

for ($r = 0; $r < (int) $rounds; $r++) {
	emit($dir, "p$r", 'plain', random_block(false), '-', '-');
	emit($dir, "n$r", 'noise', random_block(true), '-', '-');
}
/* }}} */
