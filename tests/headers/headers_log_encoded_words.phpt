--TEST--
RFC 2047 encoded words in Subject and display names are logged decoded; invalid or unknown ones as written; the mail itself is untouched
--EXTENSIONS--
mbstring
sockets
--INI--
mailguard.syslog_socket={TMP}/mg-headers_log_encoded_words.sock
sendmail_path="/bin/sh {TMP}/mg-headers_log_encoded_words.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();
$keys = ['from', 'to', 'cc', 'subject'];
$show = function (array $f) use ($keys) {
	$out = [];
	foreach ($keys as $k) {
		$out[] = "$k=<" . ($f[$k] ?? '(absent)') . '>';
	}
	return implode(' ', $out);
};

/* what PHP's own encoders write */
$subj = mb_encode_mimeheader('Ihre Bestellung für Jörg – 10 €', 'UTF-8', 'Q');
$from = mb_encode_mimeheader('Café Müller', 'UTF-8', 'B') . ' <shop@example.com>';
mail('Zoë <z@example.com>', $subj, 'm', "From: $from\r\nCc: =?ISO-8859-1?Q?Ren=E9?= <r@example.com>, =?windows-1252?Q?=93Q=94?= <q@example.com>");
$mail = mg_mails()[0];
mg_mails_clear();
echo $show(mg_log_one($log)['fields']), "\n";
$lf = fn($s) => str_replace("\r\n", "\n", $s);
echo 'sent as written: ', var_export(str_contains($lf($mail), 'Subject: ' . $lf($subj) . "\n") && str_contains($mail, "From: $from"), true), "\n";

/* mb_send_mail encodes the subject itself */
mb_send_mail('a@example.com', 'Grüße aus Köln', 'm');
mg_mails_clear();
echo $show(mg_log_one($log)['fields']), "\n";

/* invalid and unknown encodings stay as written */
mail('a@example.com', '=?utf-8?q?=FF=FE?= =?koi8-r?b?8NLJ18XU?= =?utf-8?b?!!!?= =?utf-8?q?ok?=', 'm');
mg_mails_clear();
echo $show(mg_log_one($log)['fields']), "\n";

/* decoded control characters are escaped by the log, never raw */
mail('a@example.com', '=?utf-8?q?line=0D=0Akey=3Dforged?=', 'm');
mg_mails_clear();
$raw = mg_log_raw($log)[0];
echo 'escaped: ', var_export(str_contains($raw, 'subject="line\x0d\x0akey=forged"'), true), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
from=<Café Müller <shop@example.com>> to=<Zoë <z@example.com>> cc=<René <r@example.com>, “Q” <q@example.com>> subject=<Ihre Bestellung für Jörg – 10 €>
sent as written: true
from=<> to=<a@example.com> cc=<> subject=<Grüße aus Köln>
from=<> to=<a@example.com> cc=<> subject=<=?utf-8?q?=FF=FE?= =?koi8-r?b?8NLJ18XU?= =?utf-8?b?!!!?= ok>
escaped: true
