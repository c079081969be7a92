<?php
/* Run by demo.sh with mailguard loaded and account "demo" limited to 3
 * mails an hour. Binds the syslog socket mailguard is configured to write
 * to, sends a few mails, then prints what the MTA received and what
 * mailguard logged. */
$work = $argv[1];
$log = socket_create(AF_UNIX, SOCK_DGRAM, 0);
socket_bind($log, "$work/log.sock");

function show(string $what, $result): void {
	printf("  %-58s => %s\n", $what, var_export($result, true));
}

echo "calls:\n";
show('mail("alice@example.com", "Hello", ...)',
	mail('alice@example.com', 'Hello', "Hi Alice!\n", 'From: shop@example.net'));
show('mail(..., headers with Cc and a 3-address Bcc)',
	mail('bob@example.com', 'Newsletter', "News\n",
		"From: shop@example.net\r\nCc: carol@example.com\r\nBcc: a@x.example, \"Doe, J\" <j@x.example>, b@x.example"));
show('mb_send_mail("dave@example.com", "Grüße", ...)',
	mb_send_mail('dave@example.com', 'Grüße', "Hallo\n"));
show('error_log("disk almost full", 1, "ops@example.com")',
	error_log('disk almost full', 1, 'ops@example.com'));
show('call_user_func("mail", ...) (the log names this line)',
	call_user_func('mail', 'eve@example.com', 'Via callback', "x\n"));
show('mail(..., "X-PHP-Originating-Script: 0:forged.php")',
	@mail('mallory@example.com', 'Forged', "x\n", 'X-PHP-Originating-Script: 0:forged.php'));
echo "  (refused by mailguard itself: ", error_get_last()['message'] ?? '', ")\n";
show('mail("frank@example.com", ...) (over the hourly limit)',
	@mail('frank@example.com', 'One too many', "x\n", 'From: shop@example.net'));
echo "  (refused by the database: ", error_get_last()['message'] ?? '', ")\n";

echo "\nmessages the MTA received:\n";
foreach (glob("$work/mail.*") as $f) {
	echo "---- ", basename($f), "\n";
	$msg = file_get_contents($f);
	[$head] = explode("\n\n", str_replace("\r\n", "\n", $msg), 2);
	echo $head, "\n";
}

echo "\nmailguard's syslog lines:\n";
socket_set_nonblock($log);
while (($n = @socket_recvfrom($log, $buf, 65536, 0, $from)) > 0) {
	echo "  ", $buf, "\n";
}
