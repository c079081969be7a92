--TEST--
mb_send_mail() with headers PHP would refuse: mailguard refuses them itself (mbstring rewrites the headers, so core's refusal cannot be relied on), nothing is sent
--EXTENSIONS--
mbstring
sockets
--INI--
mail.add_x_header=0
mailguard.syslog_socket={TMP}/mg-stamp_malformed_headers_mb_send_mail.sock
sendmail_path="/bin/sh {TMP}/mg-stamp_malformed_headers_mb_send_mail.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();
function refused(string $what, Socket $log, callable $call): void
{
	echo "-- $what\n";
	$r = $call();
	$mails = mg_mails();
	mg_mails_clear();
	$lines = mg_log_read($log);
	echo 'returned ', var_export($r, true), ', ', count($mails), ' mail, ', count($lines), " log line\n";
	if ($lines) {
		$f = $lines[0]['fields'];
		echo "severity {$lines[0]['severity']}, verdict={$f['verdict']} reason={$f['reason']} fn={$f['fn']}\n";
	}
}
refused('leading space', $log, fn() => mb_send_mail('a@example.com', 's', 'm', ' From: f@example.com'));
refused('empty line inside', $log, fn() => mb_send_mail('a@example.com', 's', 'm', "From: f@example.com\n\nBcc: hidden@example.com"));
echo "-- trailing line break is fine\n";
var_dump(mb_send_mail('a@example.com', 's', 'm', "From: f@example.com\r\n"));
echo count(mg_mails()), " mail\n";
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECTF--
-- leading space

Warning: mb_send_mail(): mailguard: mail refused: malformed additional headers in %s on line %d
returned false, 0 mail, 1 log line
severity 4, verdict=refuse reason=malformed-headers fn=mb_send_mail
-- empty line inside

Warning: mb_send_mail(): mailguard: mail refused: malformed additional headers in %s on line %d
returned false, 0 mail, 1 log line
severity 4, verdict=refuse reason=malformed-headers fn=mb_send_mail
-- trailing line break is fine
bool(true)
1 mail
