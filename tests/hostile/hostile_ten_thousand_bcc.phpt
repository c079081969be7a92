--TEST--
10,000 recipients in Bcc (one list, and 10,000 Bcc fields): rcpts=10000, no crash
--EXTENSIONS--
sockets
--INI--
mail.add_x_header=0
mailguard.syslog_socket={TMP}/mg-hostile_ten_thousand_bcc.sock
sendmail_path="/bin/sh {TMP}/mg-hostile_ten_thousand_bcc.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

$list = [];
for ($i = 0; $i < 10000; $i++) {
	$list[] = "user$i@example.com";
}
echo mg_logged($log, fn() => mail('undisclosed-recipients:;', 's', 'm', 'Bcc: ' . implode(', ', $list)), ['verdict', 'rcpts']), "\n";
echo mg_logged($log, fn() => mail('undisclosed-recipients:;', 's', 'm', 'Bcc: ' . implode("\r\nBcc: ", $list)), ['verdict', 'rcpts']), "\n";
echo mg_logged($log, fn() => mail(implode(',', $list), 's', 'm'), ['verdict', 'rcpts']), "\n";
echo mg_logged($log, fn() => mail('a@example.com', 's', 'm', ['Bcc' => implode(',', $list), 'Cc' => 'c@example.com']), ['verdict', 'rcpts']), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
verdict=<accept> rcpts=<10000>
verdict=<accept> rcpts=<10000>
verdict=<accept> rcpts=<10000>
verdict=<accept> rcpts=<10002>
