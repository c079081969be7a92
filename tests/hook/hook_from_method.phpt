--TEST--
mail() from an instance method, a static method and a closure: the log names the line inside the method
--EXTENSIONS--
sockets
--INI--
mail.add_x_header=0
mailguard.syslog_socket={TMP}/mg-hook_from_method.sock
sendmail_path="/bin/sh {TMP}/mg-hook_from_method.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

class Mailer
{
	public int $line = 0;

	public function send(string $to): bool
	{
		$this->line = __LINE__ + 1;
		return mail($to, 'method', 'body');
	}

	public static function sendStatic(string $to, ?int &$line): bool
	{
		$line = __LINE__ + 1;
		return mail($to, 'static', 'body');
	}
}

$m = new Mailer();
$r = $m->send('a@example.com');
mg_expect_sent($log, $r, 'method', __FILE__, $m->line);

$r = Mailer::sendStatic('a@example.com', $sl);
mg_expect_sent($log, $r, 'static', __FILE__, $sl);

$cl = function () use (&$cll) { $cll = __LINE__; return mail('a@example.com', 'closure', 'body'); };
$r = $cl();
mg_expect_sent($log, $r, 'closure', __FILE__, $cll);

$r = call_user_func([$m, 'send'], 'b@example.com');
mg_expect_sent($log, $r, 'method via call_user_func', __FILE__, $m->line);
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
method: returned true, 1 mail, stamp ok, 1 log line, verdict=accept result=sent fn=mail script ok
static: returned true, 1 mail, stamp ok, 1 log line, verdict=accept result=sent fn=mail script ok
closure: returned true, 1 mail, stamp ok, 1 log line, verdict=accept result=sent fn=mail script ok
method via call_user_func: returned true, 1 mail, stamp ok, 1 log line, verdict=accept result=sent fn=mail script ok
