--TEST--
no syslog listener at mailguard.syslog_socket (missing path, a regular file, a stream socket): mail() still works, no warning, no delay
--EXTENSIONS--
sockets
--INI--
mail.add_x_header=0
mailguard.syslog_socket={TMP}/mg-syslog_no_socket.sock
sendmail_path="/bin/sh {TMP}/mg-syslog_no_socket.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_mta_install();
$path = ini_get('mailguard.syslog_socket');

function timed(string $what): void
{
	$t = microtime(true);
	$r = mail('a@example.com', 's', 'm');
	$t = microtime(true) - $t;
	$n = count(mg_mails());
	mg_mails_clear();
	echo "$what: ", var_export($r, true), ", $n mail, ", $t < mg_time_limit(0.5) ? 'quick' : sprintf('SLOW (%.3f s)', $t), "\n";
}

@unlink($path);
timed('missing');
file_put_contents($path, '');
timed('regular file');
var_dump(file_get_contents($path));
unlink($path);
mkdir($path);
timed('directory');
rmdir($path);
$srv = socket_create(AF_UNIX, SOCK_STREAM, 0);
socket_bind($srv, $path);
socket_listen($srv);
timed('stream socket');
socket_close($srv);
@unlink($path);
/* a datagram socket whose queue is full: non-blocking, so no hang either */
$log = mg_listen();
for ($i = 0; $i < 40; $i++) {
	socket_sendto(socket_create(AF_UNIX, SOCK_DGRAM, 0), 'x', 1, MSG_DONTWAIT, $path);
}
timed('full queue');
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
missing: true, 1 mail, quick
regular file: true, 1 mail, quick
string(0) ""
directory: true, 1 mail, quick
stream socket: true, 1 mail, quick
full queue: true, 1 mail, quick
