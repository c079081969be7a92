--TEST--
header_limit_action=count: past mailguard.max_header_bytes every byte counts as a recipient (never fewer than the MTA queues), and a forged stamp or trace anywhere is still found
--EXTENSIONS--
sockets
--INI--
mail.add_x_header=0
mailguard.max_header_bytes=65536
mailguard.header_limit_action=count
mailguard.syslog_socket={TMP}/mg-hostile_header_limit_count.sock
sendmail_path="/bin/sh {TMP}/mg-hostile_header_limit_count.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();
$keys = ['verdict', 'reason', 'capped'];

function check(Socket $log, int $real, callable $send): void
{
	$r = $send();
	$n = count(mg_mails());
	mg_mails_clear();
	$f = mg_log_one($log)['fields'];
	printf("%s sent=%d verdict=%s%s capped=%s rcpts>=real(%d): %s\n", var_export($r, true), $n, $f['verdict'],
		isset($f['reason']) ? " reason={$f['reason']}" : '', $f['capped'] ?? '-', $real,
		var_export((int) $f['rcpts'] >= $real, true));
}

$list = [];
for ($i = 0; $i < 20000; $i++) {
	$list[] = "u$i@example.com";
}
/* under the limit: the exact count, no mark */
check($log, 2, fn() => mail('a@example.com', 's', 'm', 'Bcc: b@example.com'));
mail('a@example.com', 's', 'm', 'Bcc: b@example.com');
mg_mails_clear();
echo 'exact: ', mg_log_one($log)['fields']['rcpts'], "\n";

/* 20,000 recipients in one list and in 20,000 fields, 300 kB: the bound */
check($log, 20001, fn() => mail('a@example.com', 's', 'm', 'Bcc: ' . implode(', ', $list)));
check($log, 20001, fn() => mail('a@example.com', 's', 'm', 'Bcc: ' . implode("\r\nBcc: ", $list)));
/* the tail starts inside a folded field and inside a quoted string */
check($log, 20001, fn() => mail('a@example.com', 's', 'm', "X-Pad: " . str_repeat('p', 65500) . "\r\nBcc: \"q\r\n " . implode(', ', $list) . '" <z@example.com>, ' . implode(', ', $list)));
/* Resent-* only past the limit */
check($log, 20000, fn() => mail('a@example.com', 's', 'm', "X-Pad: " . str_repeat('p', 70000) . "\r\nResent-To: " . implode(', ', $list)));

/* forged headers past the limit */
$pad = str_repeat("X-Pad: 0123456789012345678901234567890123456789\r\n", 3000);
check($log, 1, fn() => mail('a@example.com', 's', 'm', $pad . 'X-PHP-Originating-Script: 0:innocent.php'));
check($log, 1, fn() => mail('a@example.com', 's', 'm', $pad . 'x-mailguard-trace: 00000000-0000-0000-0000-000000000000'));
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECTF--
true sent=1 verdict=accept capped=- rcpts>=real(2): true
exact: 2
true sent=1 verdict=accept capped=1 rcpts>=real(20001): true
true sent=1 verdict=accept capped=1 rcpts>=real(20001): true
true sent=1 verdict=accept capped=1 rcpts>=real(20001): true
true sent=1 verdict=accept capped=1 rcpts>=real(20000): true

Warning: mail(): mailguard: mail refused: the additional headers must not contain X-PHP-Originating-Script in %s on line %d
false sent=0 verdict=refuse reason=forged-stamp capped=1 rcpts>=real(1): true

Warning: mail(): mailguard: mail refused: the additional headers must not contain X-Mailguard-Trace in %s on line %d
false sent=0 verdict=refuse reason=forged-trace capped=1 rcpts>=real(1): true
