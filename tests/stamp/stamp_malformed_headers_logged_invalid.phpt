--TEST--
headers core refuses are logged as verdict=invalid reason=malformed-headers result=failed at warning severity
--EXTENSIONS--
sockets
--INI--
mail.add_x_header=0
mailguard.syslog_socket={TMP}/mg-stamp_malformed_headers_logged_invalid.sock
sendmail_path="/bin/sh {TMP}/mg-stamp_malformed_headers_logged_invalid.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

var_dump(mail('a@example.com', 'subject', 'm', " Bcc: hidden@example.com"));
var_dump(count(mg_mails()));
$line = mg_log_one($log);
echo "severity {$line['severity']}\n";
mg_log_show($line, ['verdict', 'reason', 'result', 'fn', 'to']);

var_dump(error_log('m', 1, 'a@example.com', "From: f@example.com\r\n\r\nBcc: hidden@example.com"));
var_dump(count(mg_mails()));
$line = mg_log_one($log);
echo "severity {$line['severity']}\n";
mg_log_show($line, ['verdict', 'reason', 'result', 'fn', 'to']);
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECTF--
Warning: mail(): Multiple or malformed newlines found in additional_header in %s on line %d
bool(false)
int(0)
severity 4
verdict=<invalid>
reason=<malformed-headers>
result=<failed>
fn=<mail>
to=<a@example.com>

Warning: error_log(): Multiple or malformed newlines found in additional_header in %s on line %d
bool(false)
int(0)
severity 4
verdict=<invalid>
reason=<malformed-headers>
result=<failed>
fn=<error_log>
to=<a@example.com>
