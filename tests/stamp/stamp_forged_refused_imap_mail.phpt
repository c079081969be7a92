--TEST--
imap_mail() with the script's own X-PHP-Originating-Script is refused and nothing reaches the MTA
--EXTENSIONS--
imap
sockets
--INI--
mail.add_x_header=0
mailguard.syslog_socket={TMP}/mg-stamp_forged_refused_imap_mail.sock
sendmail_path="/bin/sh {TMP}/mg-stamp_forged_refused_imap_mail.mta"
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
		$l = $lines[0];
		echo "severity {$l['severity']}, facility {$l['facility']}, ";
		echo 'result ', array_key_exists('result', $l['fields']) ? 'present' : 'absent', ', ';
		echo "verdict={$l['fields']['verdict']} reason={$l['fields']['reason']} fn={$l['fields']['fn']}\n";
	}
}

refused('imap_mail', $log, fn() => imap_mail('a@example.com', 's', 'm', "From: f@example.com\nX-PHP-Originating-Script: 0:innocent.php"));
refused('imap_mail, lower case', $log, fn() => imap_mail('a@example.com', 's', 'm', "x-php-originating-script: 0:innocent.php", 'c@example.com'));
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECTF--
-- imap_mail

Warning: imap_mail(): mailguard: mail refused: the additional headers must not contain X-PHP-Originating-Script in %s/stamp_forged_refused_imap_mail.php on line 21
returned false, 0 mail, 1 log line
severity 4, facility 2, result absent, verdict=refuse reason=forged-stamp fn=imap_mail
-- imap_mail, lower case

Warning: imap_mail(): mailguard: mail refused: the additional headers must not contain X-PHP-Originating-Script in %s/stamp_forged_refused_imap_mail.php on line 22
returned false, 0 mail, 1 log line
severity 4, facility 2, result absent, verdict=refuse reason=forged-stamp fn=imap_mail