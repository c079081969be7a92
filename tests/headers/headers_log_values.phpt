--TEST--
from, to, cc, bcc and subject are logged as the MTA reads them (unfolded, repeated fields joined with ", ")
--EXTENSIONS--
mbstring
sockets
--INI--
mailguard.syslog_socket={TMP}/mg-headers_log_values.sock
sendmail_path="/bin/sh {TMP}/mg-headers_log_values.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

echo mg_logged($log, fn() => mail('Ann <a@example.com>', 'Invoice "42" \\ due', 'm',
	"From: \"Shop, Ltd\" <shop@example.com>\r\nCc: c@example.com,\r\n d@example.com\r\nCc: e@example.com\r\nBcc: b@example.com"),
	['from', 'to', 'cc', 'bcc', 'subject']), "\n";
echo mg_logged($log, fn() => mail('a@example.com', 'plain', 'm', ['From' => 'f@example.com', 'Reply-To' => 'r@example.com']),
	['from', 'to', 'cc', 'bcc', 'subject']), "\n";
/* core turns control characters of to and subject into spaces */
echo mg_logged($log, fn() => mail("a@example.com\t", "two\nlines", 'm'), ['to', 'subject']), "\n";
/* parsed log values come back byte for byte */
mail('a@example.com', $subj = "quote \" backslash \\ tab\t end", 'm');
mg_mails_clear();
$f = mg_log_one($log)['fields'];
var_dump($f['subject'] === "quote \" backslash \\ tab  end" || $f['subject'] === "quote \" backslash \\ tab end");
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
from=<"Shop, Ltd" <shop@example.com>> to=<Ann <a@example.com>> cc=<c@example.com, d@example.com, e@example.com> bcc=<b@example.com> subject=<Invoice "42" \\ due>
from=<f@example.com> to=<a@example.com> cc=<> bcc=<> subject=<plain>
to=<a@example.com> subject=<two lines>
bool(true)
