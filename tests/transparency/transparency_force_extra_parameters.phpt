--TEST--
mailguard.header=0 with mail.force_extra_parameters: the MTA's argv is PHP's own
--EXTENSIONS--
sockets
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_compare_cases([
	'forced only' => 'var_dump(mail("a@example.com", "s", "m"));',
	'forced and given' => 'var_dump(mail("a@example.com", "s", "m", "", "-oi -fother@example.com"));',
	'error_log' => 'var_dump(error_log("m", 1, "a@example.com"));',
], ['ini' => ['mail.force_extra_parameters' => '-fbounce@example.com -oQ/tmp'], 'mg_ini' => ['mailguard.header' => 0, 'mailguard.additional_params' => 'any']]);
mg_compare_cases([
	'forced with shell metacharacters' => 'var_dump(mail("a@example.com", "s", "m"));',
], ['ini' => ['mail.force_extra_parameters' => '"-f a;b|c" $HOME `id`'], 'mg_ini' => ['mailguard.header' => 0, 'mailguard.additional_params' => 'any']]);
[$a, $b] = mg_compare('mail("a@example.com", "s", "m", "", "-oi");', ['ini' => ['mail.force_extra_parameters' => '-fbounce@example.com'], 'mg_ini' => ['mailguard.header' => 0, 'mailguard.additional_params' => 'any']]);
echo $b['args'][0];
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECTF--
== forced only
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== forced and given
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== error_log
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
== forced with shell metacharacters
same: output, exit status, 1 mail(s), 0 file(s)
bool(true)
mailguard log lines: 1
same: output, exit status, 1 mail(s), 0 file(s)
-fbounce@example.com