--TEST--
a script's own X-PHP-Originating-Script (string headers, any case, any position) is refused: false, warning, nothing sent, logged as refuse
--EXTENSIONS--
sockets
--INI--
mail.add_x_header=0
mailguard.syslog_socket={TMP}/mg-stamp_forged_refused.sock
sendmail_path="/bin/sh {TMP}/mg-stamp_forged_refused.mta"
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

refused('exact', $log, fn() => mail('a@example.com', 's', 'm', 'X-PHP-Originating-Script: 0:innocent.php'));
refused('lower case', $log, fn() => mail('a@example.com', 's', 'm', 'x-php-originating-script: 0:innocent.php'));
refused('upper case', $log, fn() => mail('a@example.com', 's', 'm', 'X-PHP-ORIGINATING-SCRIPT: 0:innocent.php'));
refused('after other headers, CRLF', $log, fn() => mail('a@example.com', 's', 'm', "From: f@example.com\r\nReply-To: r@example.com\r\nX-Php-Originating-Script: 0:innocent.php"));
refused('after other headers, LF', $log, fn() => mail('a@example.com', 's', 'm', "From: f@example.com\nx-PHP-originating-SCRIPT: 0:innocent.php\nX-A: 1"));
refused('empty value', $log, fn() => mail('a@example.com', 's', 'm', "X-PHP-Originating-Script:"));
refused('folded value', $log, fn() => mail('a@example.com', 's', 'm', "X-PHP-Originating-Script:\r\n 0:innocent.php"));
refused('two of them', $log, fn() => mail('a@example.com', 's', 'm', "X-A: 1\r\nX-PHP-Originating-Script: 1:a.php\r\nX-PHP-Originating-Script: 2:b.php"));
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECTF--
-- exact

Warning: mail(): mailguard: mail refused: the additional headers must not contain X-PHP-Originating-Script in %s/stamp_forged_refused.php on line 21
returned false, 0 mail, 1 log line
severity 4, facility 2, result absent, verdict=refuse reason=forged-stamp fn=mail
-- lower case

Warning: mail(): mailguard: mail refused: the additional headers must not contain X-PHP-Originating-Script in %s/stamp_forged_refused.php on line 22
returned false, 0 mail, 1 log line
severity 4, facility 2, result absent, verdict=refuse reason=forged-stamp fn=mail
-- upper case

Warning: mail(): mailguard: mail refused: the additional headers must not contain X-PHP-Originating-Script in %s/stamp_forged_refused.php on line 23
returned false, 0 mail, 1 log line
severity 4, facility 2, result absent, verdict=refuse reason=forged-stamp fn=mail
-- after other headers, CRLF

Warning: mail(): mailguard: mail refused: the additional headers must not contain X-PHP-Originating-Script in %s/stamp_forged_refused.php on line 24
returned false, 0 mail, 1 log line
severity 4, facility 2, result absent, verdict=refuse reason=forged-stamp fn=mail
-- after other headers, LF

Warning: mail(): mailguard: mail refused: the additional headers must not contain X-PHP-Originating-Script in %s/stamp_forged_refused.php on line 25
returned false, 0 mail, 1 log line
severity 4, facility 2, result absent, verdict=refuse reason=forged-stamp fn=mail
-- empty value

Warning: mail(): mailguard: mail refused: the additional headers must not contain X-PHP-Originating-Script in %s/stamp_forged_refused.php on line 26
returned false, 0 mail, 1 log line
severity 4, facility 2, result absent, verdict=refuse reason=forged-stamp fn=mail
-- folded value

Warning: mail(): mailguard: mail refused: the additional headers must not contain X-PHP-Originating-Script in %s/stamp_forged_refused.php on line 27
returned false, 0 mail, 1 log line
severity 4, facility 2, result absent, verdict=refuse reason=forged-stamp fn=mail
-- two of them

Warning: mail(): mailguard: mail refused: the additional headers must not contain X-PHP-Originating-Script in %s/stamp_forged_refused.php on line 28
returned false, 0 mail, 1 log line
severity 4, facility 2, result absent, verdict=refuse reason=forged-stamp fn=mail