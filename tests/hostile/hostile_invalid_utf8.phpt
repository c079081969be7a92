--TEST--
invalid UTF-8 in every argument and header value: PHP's own result and bytes, one parseable log line with the bytes escaped (8-bit bytes in a field name make a line that is not a field: hostile_malformed_lines.phpt)
--EXTENSIONS--
imap
mbstring
sockets
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$bad = '"\xff\xfe\xc3\x28\xe2\x82\xed\xa0\x80\xf4\x90\x80\x80\xc0\xaf"';
$cases = [
	'mail' => "var_dump(mail($bad . '@example.com', $bad, $bad, 'From: ' . $bad . ' <f@example.com>' . \"\\r\\nX-B: \" . $bad . \"\\r\\nCc: \" . $bad, '-f' . $bad));",
	'mail, array headers' => "var_dump(mail('a@example.com', 's', 'm', ['X-A' => $bad, 'Cc' => $bad . '@example.com']));",
	'mb_send_mail' => "var_dump(mb_send_mail($bad . '@example.com', $bad, $bad, 'X-A: ' . $bad));",
	'error_log' => "var_dump(error_log($bad, 1, $bad . '@example.com', 'X-A: ' . $bad));",
	'imap_mail' => "var_dump(imap_mail($bad . '@example.com', $bad, $bad, 'X-A: ' . $bad, $bad, $bad, $bad));",
];
foreach ($cases as $what => $code) {
	echo "== $what\n";
	[$a, $b] = mg_compare($code, ['unstamp' => true, 'mg_ini' => ['mailguard.additional_params' => 'any']]);
	echo trim($a['out']), "\n";
	echo count($b['log_raw']), ' line, ', mb_check_encoding($b['log_raw'][0] ?? "\xff", 'UTF-8') ? 'valid UTF-8' : 'INVALID UTF-8', ', ',
		$b['log'] ? 'verdict=' . $b['log'][0]['fields']['verdict'] : '-', ', ',
		str_contains($b['log_raw'][0] ?? '', '\xff\xfe') ? 'escaped' : 'NOT ESCAPED', "\n";
}
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
== mail
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
1 line, valid UTF-8, verdict=accept, escaped
== mail, array headers
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
1 line, valid UTF-8, verdict=accept, escaped
== mb_send_mail
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
1 line, valid UTF-8, verdict=accept, escaped
== error_log
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
1 line, valid UTF-8, verdict=accept, escaped
== imap_mail
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
1 line, valid UTF-8, verdict=accept, escaped
