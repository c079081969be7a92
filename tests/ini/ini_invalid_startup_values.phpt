--TEST--
invalid startup values: "Warning: mailguard: invalid value for mailguard.X, using the default" and the default is used; valid edge values are taken; word lists in any case
--EXTENSIONS--
sockets
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$cases = [
	['mailguard.header', 'enabled'],
	['mailguard.header', '2'],
	['mailguard.syslog', 'nope'],
	['mailguard.account', 'has space'],
	['mailguard.account', 'a/b'],
	['mailguard.account', str_repeat('a', 64)],
	['mailguard.account', "caf\u{e9}"],
	['mailguard.syslog_facility', 'kern'],
	['mailguard.syslog_facility', 'local8'],
	['mailguard.syslog_facility', 'mail.info'],
	['mailguard.syslog_facility', ''],
	['mailguard.syslog_socket', 'relative/path.sock'],
	['mailguard.syslog_socket', '/' . str_repeat('s', 120)],
	['mailguard.syslog_max_length', '255'],
	['mailguard.syslog_max_length', '65001'],
	['mailguard.syslog_max_length', '1k'],
	['mailguard.syslog_max_length', 'abc'],
	['mailguard.syslog_max_length', '-1'],
	['mailguard.log_field_max', '15'],
	['mailguard.log_field_max', '8193'],
	['mailguard.log_field_max', '16.5'],
	['mailguard.envelope_sender', 'enabled'],
	['mailguard.fail_mode', 'half'],
	['mailguard.synchronous_commit', 'remote'],
	['mailguard.synchronous_commit', '"yes"'],
	['mailguard.pooler', 'session'],
	['mailguard.additional_params', 'all'],
	['mailguard.header_limit_action', 'drop'],
];
foreach ($cases as [$k, $v]) {
	[$out, $err, $rc] = mg_php(['-r', "echo 'value: ', var_export(ini_get('$k'), true), \"\\n\";"], ['ini' => [$k => $v]]);
	echo "$k=", var_export(strlen($v) > 40 ? substr($v, 0, 10) . '...' : $v, true), "\n", trim($out . $err), "\n";
}
echo "-- valid edge values\n";
$ok = [
	['mailguard.header', 'Off', ''],
	['mailguard.syslog', 'no', ''],
	['mailguard.account', str_repeat('a', 63)],
	['mailguard.account', 'Shop_1.example-2@host'],
	['mailguard.syslog_facility', 'LOCAL7'],
	['mailguard.syslog_facility', 'authpriv'],
	['mailguard.syslog_socket', ''],
	['mailguard.syslog_max_length', '256'],
	['mailguard.syslog_max_length', '65000'],
	['mailguard.log_field_max', '16'],
	['mailguard.log_field_max', '8192'],
	// the word lists, ASCII case-insensitive (a quoted "On" is not the ini
	// parser's boolean: it reaches mailguard as written)
	['mailguard.header', '"ON"', 'ON'],
	['mailguard.envelope_sender', '"Yes"', 'Yes'],
	['mailguard.fail_mode', 'CLOSED'],
	['mailguard.synchronous_commit', '"On"', 'On'],
	['mailguard.synchronous_commit', 'Remote_Apply'],
	['mailguard.synchronous_commit', 'DEFAULT'],
	['mailguard.pooler', 'Transaction'],
	['mailguard.pooler', 'none', ''],
	['mailguard.additional_params', 'ANY'],
	['mailguard.additional_params', '"None"', 'None'],
	['mailguard.header_limit_action', 'Count'],
];
foreach ($ok as $e) {
	[$k, $v] = $e;
	[$out, $err, $rc] = mg_php(['-r', "echo var_export(ini_get('$k'), true);"], ['ini' => [$k => $v]]);
	echo "$k: ", $out . $err === var_export($e[2] ?? $v, true) ? 'taken' : 'NOT TAKEN: ' . $out . $err, "\n";
}
echo "-- the defaults are in force\n";
$r = mg_run('mail("a@example.com", str_repeat("s", 300), "m");', ['ini' => [
	'mailguard.syslog_facility' => 'kern', 'mailguard.log_field_max' => '8193', 'mailguard.syslog_max_length' => '1k']]);
echo trim($r['out']), "\n";
$raw = $r['log_raw'][0] ?? '';
preg_match('/ subject=("[^"]*")/', $raw, $m);
echo 'pri ', $r['log'][0]['pri'] ?? '-', ', subject value ', strlen($m[1] ?? ''), " bytes\n";
$r = mg_run('mail("a@example.com", "s", "m");', ['ini' => ['mailguard.header' => 'Off', 'mailguard.syslog' => 'no']]);
echo 'Off/no: ', count(mg_mail_header_values($r['mails'][0], 'X-PHP-Originating-Script')), ' stamp, ', count($r['log_raw']), " log lines\n";
$r = mg_run('var_dump(mail("a@example.com", "s", "m", "", "-oi"));', ['ini' => ['mailguard.additional_params' => 'ANY']]);
echo 'additional_params=ANY, -oi: ', trim($r['out']), ', MTA argv ', json_encode(explode("\n", rtrim($r['args'][0] ?? '', "\n"))), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
mailguard.header='enabled'
Warning: mailguard: invalid value for mailguard.header, using the default in Unknown on line 0
value: '1'
mailguard.header='2'
Warning: mailguard: invalid value for mailguard.header, using the default in Unknown on line 0
value: '1'
mailguard.syslog='nope'
Warning: mailguard: invalid value for mailguard.syslog, using the default in Unknown on line 0
value: '1'
mailguard.account='has space'
Warning: mailguard: invalid value for mailguard.account, using the default in Unknown on line 0
value: ''
mailguard.account='a/b'
Warning: mailguard: invalid value for mailguard.account, using the default in Unknown on line 0
value: ''
mailguard.account='aaaaaaaaaa...'
Warning: mailguard: invalid value for mailguard.account, using the default in Unknown on line 0
value: ''
mailguard.account='café'
Warning: mailguard: invalid value for mailguard.account, using the default in Unknown on line 0
value: ''
mailguard.syslog_facility='kern'
Warning: mailguard: invalid value for mailguard.syslog_facility, using the default in Unknown on line 0
value: 'mail'
mailguard.syslog_facility='local8'
Warning: mailguard: invalid value for mailguard.syslog_facility, using the default in Unknown on line 0
value: 'mail'
mailguard.syslog_facility='mail.info'
Warning: mailguard: invalid value for mailguard.syslog_facility, using the default in Unknown on line 0
value: 'mail'
mailguard.syslog_facility=''
Warning: mailguard: invalid value for mailguard.syslog_facility, using the default in Unknown on line 0
value: 'mail'
mailguard.syslog_socket='relative/path.sock'
Warning: mailguard: invalid value for mailguard.syslog_socket, using the default in Unknown on line 0
value: '/dev/log'
mailguard.syslog_socket='/sssssssss...'
Warning: mailguard: invalid value for mailguard.syslog_socket, using the default in Unknown on line 0
value: '/dev/log'
mailguard.syslog_max_length='255'
Warning: mailguard: invalid value for mailguard.syslog_max_length, using the default in Unknown on line 0
value: '2048'
mailguard.syslog_max_length='65001'
Warning: mailguard: invalid value for mailguard.syslog_max_length, using the default in Unknown on line 0
value: '2048'
mailguard.syslog_max_length='1k'
Warning: mailguard: invalid value for mailguard.syslog_max_length, using the default in Unknown on line 0
value: '2048'
mailguard.syslog_max_length='abc'
Warning: mailguard: invalid value for mailguard.syslog_max_length, using the default in Unknown on line 0
value: '2048'
mailguard.syslog_max_length='-1'
Warning: mailguard: invalid value for mailguard.syslog_max_length, using the default in Unknown on line 0
value: '2048'
mailguard.log_field_max='15'
Warning: mailguard: invalid value for mailguard.log_field_max, using the default in Unknown on line 0
value: '256'
mailguard.log_field_max='8193'
Warning: mailguard: invalid value for mailguard.log_field_max, using the default in Unknown on line 0
value: '256'
mailguard.log_field_max='16.5'
Warning: mailguard: invalid value for mailguard.log_field_max, using the default in Unknown on line 0
value: '256'
mailguard.envelope_sender='enabled'
Warning: mailguard: invalid value for mailguard.envelope_sender, using the default in Unknown on line 0
value: '0'
mailguard.fail_mode='half'
Warning: mailguard: invalid value for mailguard.fail_mode, using the default in Unknown on line 0
value: 'open'
mailguard.synchronous_commit='remote'
Warning: mailguard: invalid value for mailguard.synchronous_commit, using the default in Unknown on line 0
value: 'default'
mailguard.synchronous_commit='"yes"'
Warning: mailguard: invalid value for mailguard.synchronous_commit, using the default in Unknown on line 0
value: 'default'
mailguard.pooler='session'
Warning: mailguard: invalid value for mailguard.pooler, using the default in Unknown on line 0
value: 'none'
mailguard.additional_params='all'
Warning: mailguard: invalid value for mailguard.additional_params, using the default in Unknown on line 0
value: 'envelope'
mailguard.header_limit_action='drop'
Warning: mailguard: invalid value for mailguard.header_limit_action, using the default in Unknown on line 0
value: 'refuse'
-- valid edge values
mailguard.header: taken
mailguard.syslog: taken
mailguard.account: taken
mailguard.account: taken
mailguard.syslog_facility: taken
mailguard.syslog_facility: taken
mailguard.syslog_socket: taken
mailguard.syslog_max_length: taken
mailguard.syslog_max_length: taken
mailguard.log_field_max: taken
mailguard.log_field_max: taken
mailguard.header: taken
mailguard.envelope_sender: taken
mailguard.fail_mode: taken
mailguard.synchronous_commit: taken
mailguard.synchronous_commit: taken
mailguard.synchronous_commit: taken
mailguard.pooler: taken
mailguard.pooler: taken
mailguard.additional_params: taken
mailguard.additional_params: taken
mailguard.header_limit_action: taken
-- the defaults are in force
Warning: mailguard: invalid value for mailguard.syslog_facility, using the default in Unknown on line 0

Warning: mailguard: invalid value for mailguard.syslog_max_length, using the default in Unknown on line 0

Warning: mailguard: invalid value for mailguard.log_field_max, using the default in Unknown on line 0
pri 22, subject value 256 bytes
Off/no: 0 stamp, 0 log lines
additional_params=ANY, -oi: bool(true), MTA argv ["-oi"]