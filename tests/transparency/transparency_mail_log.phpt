--TEST--
mailguard.header=0 with mail.log to a file: the same log lines (but for the time stamp)
--EXTENSIONS--
mbstring
sockets
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$no_time = fn(string $s): string => preg_replace('/^\[\d\d-[A-Z][a-z][a-z]-\d{4} \d\d:\d\d:\d\d [A-Za-z\/_]+\] /m', '[time] ', $s);
[$a, $b] = mg_compare('var_dump(mail("a@example.com", "s", "m", "From: f@example.com\r\nCc: c@example.com"), error_log("m", 1, "b@example.com"), mb_send_mail("c@example.com", "s", "m", ["X-A" => "1"]), mail("d@example.com", "s", "m", " X: bad"));',
	['ini' => ['mail.log' => '{RUN}/mail.log', 'date.timezone' => 'UTC'], 'mg_ini' => ['mailguard.header' => 0], 'normalize' => $no_time]);
echo $a['out'];
echo str_replace(mg_path('.snippet.php'), 'SNIPPET', $no_time($a['files']['mail.log'])), "\n";
echo count($b['log']), " mailguard lines\n";
/* with the stamp on (mailguard.header=1), core still logs the call with the script's own headers */
$r = mg_run('mail("a@example.com", "s", "m", "From: f@example.com");', ['ini' => ['mail.log' => '{RUN}/mail.log']]);
echo str_replace(mg_path('.snippet.php'), 'SNIPPET', $no_time($r['files']['mail.log'])), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECTF--
same: output, exit status, 3 mail(s), 1 file(s)

Warning: mail(): Multiple or malformed newlines found in additional_header in %s/mg-transparency_mail_log.snippet.php on line 1
bool(true)
bool(true)
bool(true)
bool(false)
[time] mail() on [SNIPPET:1]: To: a@example.com -- Headers: From: f@example.com  Cc: c@example.com -- Subject: s
[time] mail() on [SNIPPET:1]: To: b@example.com -- Headers:  -- Subject: PHP error_log message
[time] mail() on [SNIPPET:1]: To: c@example.com -- Headers: X-A: 1  MIME-Version: 1.0  Content-Type: text/plain; charset=UTF-8  Content-Transfer-Encoding: BASE64 -- Subject: s
[time] mail() on [SNIPPET:1]: To: d@example.com -- Headers:  X: bad -- Subject: s

4 mailguard lines
[time] mail() on [SNIPPET:1]: To: a@example.com -- Headers: From: f@example.com -- Subject: s