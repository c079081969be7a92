--TEST--
rcpts adds To, Cc and Bcc of the additional headers, string and array forms, repeated fields, folded lines
--EXTENSIONS--
mbstring
sockets
--INI--
mailguard.syslog_socket={TMP}/mg-headers_rcpts_cc_bcc.sock
sendmail_path="/bin/sh {TMP}/mg-headers_rcpts_cc_bcc.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

$cases = [
	'string Cc + Bcc' => ['a@example.com', "From: f@example.com\r\nCc: c@example.com, d@example.org\r\nBcc: e@example.net"],
	'LF line ends' => ['a@example.com', "Cc: c@example.com\nBcc: e@example.net, f@example.net"],
	'lower-case names' => ['a@example.com', "cc: c@example.com\r\nbcc: e@example.net\r\nto: t@example.com"],
	'array Cc + Bcc' => ['a@example.com', ['Cc' => 'c@example.com, d@example.org', 'Bcc' => 'e@example.net']],
	'array, two To in one value' => ['a@example.com', ['Bcc' => 'b1@example.com, "x, y" <b2@example.com>']],
	'repeated Cc' => ['a@example.com', "Cc: c@example.com\r\nCc: d@example.org\r\nCc: e@example.net"],
	'extra To header' => ['a@example.com', "To: t@example.com, u@example.com"],
	'folded Bcc' => ['a@example.com', "Bcc: b1@example.com,\r\n b2@example.com,\r\n\tb3@example.com"],
	'folded Bcc, bare LF' => ['a@example.com', "Bcc: b1@example.com,\n b2@example.com"],
	'group in Cc' => ['a@example.com', "Cc: team: c@example.com, d@example.org;, e@example.net"],
	'empty group in Bcc' => ['a@example.com', "Bcc: undisclosed-recipients:;"],
	'array of values for one header' => ['a@example.com', ['Resent-Cc' => ['r1@example.com', 'r2@example.org, r3@example.net']]],
];
foreach ($cases as $what => [$to, $h]) {
	echo "$what: ", mg_logged($log, fn() => mail($to, 's', 'm', $h), ['rcpts', 'cc', 'bcc']), "\n";
}
echo "mb_send_mail: ", mg_logged($log, fn() => mb_send_mail('a@example.com', 's', 'm', ['Cc' => 'c@example.com', 'Bcc' => 'b@example.com, d@example.org']), ['rcpts', 'cc', 'bcc']), "\n";
echo "error_log: ", mg_logged($log, fn() => error_log('m', 1, 'a@example.com, b@example.org', "Cc: c@example.com"), ['rcpts', 'to', 'cc']), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
string Cc + Bcc: rcpts=<4> cc=<c@example.com, d@example.org> bcc=<e@example.net>
LF line ends: rcpts=<4> cc=<c@example.com> bcc=<e@example.net, f@example.net>
lower-case names: rcpts=<4> cc=<c@example.com> bcc=<e@example.net>
array Cc + Bcc: rcpts=<4> cc=<c@example.com, d@example.org> bcc=<e@example.net>
array, two To in one value: rcpts=<3> cc=<> bcc=<b1@example.com, "x, y" <b2@example.com>>
repeated Cc: rcpts=<4> cc=<c@example.com, d@example.org, e@example.net> bcc=<>
extra To header: rcpts=<3> cc=<> bcc=<>
folded Bcc: rcpts=<4> cc=<> bcc=<b1@example.com, b2@example.com,\tb3@example.com>
folded Bcc, bare LF: rcpts=<3> cc=<> bcc=<b1@example.com, b2@example.com>
group in Cc: rcpts=<4> cc=<team: c@example.com, d@example.org;, e@example.net> bcc=<>
empty group in Bcc: rcpts=<1> cc=<> bcc=<undisclosed-recipients:;>
array of values for one header: rcpts=<3> cc=<r1@example.com, r2@example.org, r3@example.net> bcc=<>
mb_send_mail: rcpts=<4> cc=<c@example.com> bcc=<b@example.com, d@example.org>
error_log: rcpts=<3> to=<a@example.com, b@example.org> cc=<c@example.com>
