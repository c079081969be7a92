--TEST--
refuse and invalid are logged at warning severity (<20> with facility mail), accept at info (<22>)
--EXTENSIONS--
sockets
--INI--
mail.add_x_header=0
mailguard.syslog_socket={TMP}/mg-syslog_severity_warning_for_refuse.sock
sendmail_path="/bin/sh {TMP}/mg-syslog_severity_warning_for_refuse.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

foreach ([
	'accept' => fn() => mail('a@example.com', 's', 'm'),
	'refuse' => fn() => @mail('a@example.com', 's', 'm', 'X-PHP-Originating-Script: 0:x.php'),
	'invalid' => fn() => @mail('a@example.com', 's', 'm', "\tX-A: 1"),
] as $what => $call) {
	$call();
	$l = mg_log_one($log);
	echo "$what: <{$l['pri']}> verdict={$l['fields']['verdict']} result=", $l['fields']['result'] ?? '(absent)', "\n";
}
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
accept: <22> verdict=accept result=sent
refuse: <20> verdict=refuse result=(absent)
invalid: <20> verdict=invalid result=failed
