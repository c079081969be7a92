--TEST--
a script's own X-Mailguard-Trace is refused (false, reason forged-trace, nothing sent) without a DSN, with mailguard.header=0, and through imap_mail()'s arguments, where core checks nothing
--EXTENSIONS--
imap
sockets
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$code = <<<'PHP'
$t = 'X-Mailguard-Trace: 00000000-0000-0000-0000-000000000000';
$cases = [
	// the control: the same paths send mail when no trace is forged
	'control: mail() without it' => fn() => mail('a@example.com', 's', 'm', 'X-A: 1'),
	'control: imap_mail() without it' => fn() => imap_mail('a@example.com', 's', 'm', 'X-A: 1'),
	'mail() headers' => fn() => mail('a@example.com', 's', 'm', $t),
	'mail() headers, lower case, blank before the colon' => fn() => mail('a@example.com', 's', 'm', "x-mailguard-trace \t: 1"),
	'error_log() destination' => fn() => error_log('m', 1, "a@example.com\r\n$t"),
	'imap_mail() headers' => fn() => imap_mail('a@example.com', 's', 'm', "X-A: 1\r\n$t"),
	'imap_mail() to' => fn() => imap_mail("a@example.com\n$t", 's', 'm'),
	'imap_mail() cc' => fn() => imap_mail('a@example.com', 's', 'm', null, "c@example.com\n$t"),
	'imap_mail() bcc' => fn() => imap_mail('a@example.com', 's', 'm', null, null, "b@example.com\n$t"),
	'imap_mail() subject' => fn() => imap_mail('a@example.com', "s\n$t", 'm'),
];
foreach ($cases as $what => $call) {
	echo $what, ': ', var_export(@$call(), true), "\n";
}
PHP;
foreach (['no DSN' => [], 'no DSN, mailguard.header=0' => ['mailguard.header' => '0']] as $config => $ini) {
	$r = mg_run($code, ['exts' => ['imap', 'sockets'], 'ini' => $ini + ['mailguard.dsn' => '']]);
	echo "== $config: ", count($r['mails']), " mail(s) sent\n", $r['out'], $r['err'];
	foreach ($r['log'] as $l) {
		echo '  syslog: ', $l['fields']['verdict'] ?? '-', ' ', $l['fields']['reason'] ?? '-', "\n";
	}
}
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
== no DSN: 2 mail(s) sent
control: mail() without it: true
control: imap_mail() without it: true
mail() headers: false
mail() headers, lower case, blank before the colon: false
error_log() destination: false
imap_mail() headers: false
imap_mail() to: false
imap_mail() cc: false
imap_mail() bcc: false
imap_mail() subject: false
  syslog: accept -
  syslog: accept -
  syslog: refuse forged-trace
  syslog: refuse forged-trace
  syslog: refuse forged-trace
  syslog: refuse forged-trace
  syslog: refuse forged-trace
  syslog: refuse forged-trace
  syslog: refuse forged-trace
  syslog: refuse forged-trace
== no DSN, mailguard.header=0: 2 mail(s) sent
control: mail() without it: true
control: imap_mail() without it: true
mail() headers: false
mail() headers, lower case, blank before the colon: false
error_log() destination: false
imap_mail() headers: false
imap_mail() to: false
imap_mail() cc: false
imap_mail() bcc: false
imap_mail() subject: false
  syslog: accept -
  syslog: accept -
  syslog: refuse forged-trace
  syslog: refuse forged-trace
  syslog: refuse forged-trace
  syslog: refuse forged-trace
  syslog: refuse forged-trace
  syslog: refuse forged-trace
  syslog: refuse forged-trace
  syslog: refuse forged-trace