--TEST--
lines the syslog socket does not take (receiver's queue full) are counted: the next line that gets through says dropped=N, and phpinfo shows the total
--EXTENSIONS--
sockets
--INI--
mailguard.syslog_socket={TMP}/mg-syslog_dropped_lines.sock
sendmail_path="/bin/sh {TMP}/mg-syslog_dropped_lines.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

/* Refused mails (a forged stamp) are logged without starting an MTA. The
 * listener reads nothing, so its queue (net.unix.max_dgram_qlen, often 10
 * to 512 datagrams) fills up and the later lines are not taken. */
$sent = 600;
for ($i = 0; $i < $sent; $i++) {
	@mail('a@example.com', "s$i", 'm', 'X-PHP-Originating-Script: 1:forged.php');
}
$got = mg_log_read($log);
@mail('a@example.com', 'last', 'm', 'X-PHP-Originating-Script: 1:forged.php');
$last = mg_log_read($log);
$dropped = (int) ($last[0]['fields']['dropped'] ?? 0);
echo "some lines dropped: ", $dropped > 0 ? 'yes' : 'no', "\n";
echo "received + dropped = sent: ", count($got) + $dropped === $sent ? 'yes' : count($got) . " + $dropped", "\n";
echo "the last line is whole: ", $last[0]['fields']['subject'] ?? '-', "\n";
foreach ($got as $l) {
	if (isset($l['fields']['dropped'])) {
		echo "an earlier line says dropped\n";
	}
}
ob_start();
phpinfo(INFO_MODULES);
preg_match('/Log lines dropped by this process => (\d+)/', ob_get_clean(), $m);
echo "phpinfo total = dropped: ", ($m[1] ?? '-') === (string) $dropped ? 'yes' : ($m[1] ?? '-'), "\n";
@mail('a@example.com', 'after', 'm', 'X-PHP-Originating-Script: 1:forged.php');
echo "the line after: ", isset(mg_log_one($log)['fields']['dropped']) ? 'says dropped again' : 'no dropped field', "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
some lines dropped: yes
received + dropped = sent: yes
the last line is whole: last
phpinfo total = dropped: yes
the line after: no dropped field
