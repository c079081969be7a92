--TEST--
phpinfo(INFO_MODULES) has the mailguard section with the hooked functions and the directives
--EXTENSIONS--
imap
mbstring
--INI--
mailguard.account=acct2
mailguard.log_field_max=99
--FILE--
<?php
ob_start();
phpinfo(INFO_MODULES);
$info = ob_get_clean();
$start = strpos($info, "\nmailguard\n");
var_dump($start !== false);
$lines = [];
foreach (explode("\n", substr($info, $start + 1)) as $line) {
	if (preg_match('/^(mailguard support|Hooked functions|mailguard\.)/', $line)) {
		$lines[] = $line;
	}
}
sort($lines);
echo implode("\n", $lines), "\n";
$r = new ReflectionExtension('mailguard');
$keys = array_keys($r->getINIEntries());
sort($keys);
echo implode(', ', $keys), "\n";
var_dump($r->getFunctions());
?>
--EXPECT--
bool(true)
Hooked functions => mail, mb_send_mail, error_log, imap_mail
mailguard support => enabled
mailguard.account => acct2 => acct2
mailguard.header => On => On
mailguard.log_field_max => 99 => 99
mailguard.syslog => On => On
mailguard.syslog_facility => mail => mail
mailguard.syslog_max_length => 2048 => 2048
mailguard.syslog_socket => /dev/log => /dev/log
mailguard.account, mailguard.header, mailguard.log_field_max, mailguard.syslog, mailguard.syslog_facility, mailguard.syslog_max_length, mailguard.syslog_socket
array(0) {
}
