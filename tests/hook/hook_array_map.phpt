--TEST--
mail() as the callback of array_map(): one stamped mail and one line per element, each with the array_map() line
--EXTENSIONS--
sockets
--INI--
mail.add_x_header=0
mailguard.syslog_socket={TMP}/mg-hook_array_map.sock
sendmail_path="/bin/sh {TMP}/mg-hook_array_map.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

$r = array_map('mail', ['a@example.com'], ['map'], ['body']); $l = __LINE__;
mg_expect_sent($log, $r[0], 'array_map', __FILE__, $l);

/* several elements: read every line after the call (fewer than the
 * kernel's datagram queue length) */
$r = array_map('mail', ['a@example.com', 'b@example.com', 'c@example.com'], ['m1', 'm2', 'm3'], ['b', 'b', 'b']); $l = __LINE__;
$lines = mg_log_read($log);
$mails = mg_mails();
mg_mails_clear();
var_dump($r);
echo count($mails), " mails, ", count($lines), " lines\n";
foreach ($lines as $i => $line) {
	echo $line['fields']['to'], ' ', $line['fields']['subject'], ' ', $line['fields']['script'] === __FILE__ . ":$l" ? 'line ok' : 'WRONG ' . $line['fields']['script'], ' ',
		mg_mail_header_values($mails[$i], 'X-PHP-Originating-Script') === [mg_expected_stamp(__FILE__)] ? 'stamp ok' : 'stamp WRONG', "\n";
}
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
array_map: returned true, 1 mail, stamp ok, 1 log line, verdict=accept result=sent fn=mail script ok
array(3) {
  [0]=>
  bool(true)
  [1]=>
  bool(true)
  [2]=>
  bool(true)
}
3 mails, 3 lines
a@example.com m1 line ok stamp ok
b@example.com m2 line ok stamp ok
c@example.com m3 line ok stamp ok
