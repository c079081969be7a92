--TEST--
a script's own X-PHP-Originating-Script in array headers, and through error_log() and mb_send_mail(), is refused
--EXTENSIONS--
mbstring
sockets
--INI--
mail.add_x_header=1
mailguard.syslog_socket={TMP}/mg-stamp_forged_refused_array.sock
sendmail_path="/bin/sh {TMP}/mg-stamp_forged_refused_array.mta"
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

refused('array, lower-case key', $log, fn() => mail('a@example.com', 's', 'm', ['x-php-originating-script' => '0:innocent.php']));
refused('array, canonical key, after From', $log, fn() => mail('a@example.com', 's', 'm', ['From' => 'f@example.com', 'X-PHP-Originating-Script' => '0:innocent.php']));
refused('array, list of values', $log, fn() => mail('a@example.com', 's', 'm', ['X-PHP-ORIGINATING-SCRIPT' => ['0:a.php', '0:b.php']]));
refused('error_log type 1', $log, fn() => error_log('m', 1, 'a@example.com', "From: f@example.com\r\nX-PHP-Originating-Script: 0:innocent.php"));
refused('mb_send_mail, string', $log, fn() => mb_send_mail('a@example.com', 's', 'm', "x-php-originating-script: 0:innocent.php"));
refused('mb_send_mail, array', $log, fn() => mb_send_mail('a@example.com', 's', 'm', ['X-PHP-Originating-Script' => '0:innocent.php']));
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECTF--
-- array, lower-case key

Warning: mail(): mailguard: mail refused: the additional headers must not contain X-PHP-Originating-Script in %s/stamp_forged_refused_array.php on line 21
returned false, 0 mail, 1 log line
severity 4, facility 2, result absent, verdict=refuse reason=forged-stamp fn=mail
-- array, canonical key, after From

Warning: mail(): mailguard: mail refused: the additional headers must not contain X-PHP-Originating-Script in %s/stamp_forged_refused_array.php on line 22
returned false, 0 mail, 1 log line
severity 4, facility 2, result absent, verdict=refuse reason=forged-stamp fn=mail
-- array, list of values

Warning: mail(): mailguard: mail refused: the additional headers must not contain X-PHP-Originating-Script in %s/stamp_forged_refused_array.php on line 23
returned false, 0 mail, 1 log line
severity 4, facility 2, result absent, verdict=refuse reason=forged-stamp fn=mail
-- error_log type 1

Warning: error_log(): mailguard: mail refused: the additional headers must not contain X-PHP-Originating-Script in %s/stamp_forged_refused_array.php on line 24
returned false, 0 mail, 1 log line
severity 4, facility 2, result absent, verdict=refuse reason=forged-stamp fn=error_log
-- mb_send_mail, string

Warning: mb_send_mail(): mailguard: mail refused: the additional headers must not contain X-PHP-Originating-Script in %s/stamp_forged_refused_array.php on line 25
returned false, 0 mail, 1 log line
severity 4, facility 2, result absent, verdict=refuse reason=forged-stamp fn=mb_send_mail
-- mb_send_mail, array

Warning: mb_send_mail(): mailguard: mail refused: the additional headers must not contain X-PHP-Originating-Script in %s/stamp_forged_refused_array.php on line 26
returned false, 0 mail, 1 log line
severity 4, facility 2, result absent, verdict=refuse reason=forged-stamp fn=mb_send_mail