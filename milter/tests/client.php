<?php
// One mail, the way a customer's code sends it (milter/tests/run.sh runs
// this as a test user, in a mount namespace where /usr/sbin/sendmail
// talks to the private Postfix), from the CLI or from a php-fpm pool:
//
//   php client.php METHOD SUBJECT TO [SMTP_PORT] [EXTRA_HEADER...]
//   GET client.php?method=M&subject=S&to=T&port=P&h[]=EXTRA_HEADER...
//
// METHOD: mail (PHP's mail(): the extension asks first and stamps it),
// popen (popen('/usr/sbin/sendmail -t -i')), native (Symfony Mailer
// native://default), sendmail (Symfony sendmail://default, i.e.
// /usr/sbin/sendmail -bs), phpmailer (PHPMailer isSendmail()), smtp
// (Symfony smtp://127.0.0.1:SMTP_PORT), phpmailer-smtp (PHPMailer
// isSMTP()), fsockopen (a hand-written SMTP dialogue over fsockopen()
// to 127.0.0.1:SMTP_PORT). SMTP_PORT may be "[::1]:PORT": IPv6 loopback.
// EXTRA_HEADER: "Name: value" lines added to the message.
// Prints "ok" or "error: <what the library said>" on stdout; exit 0 either way.

if (PHP_SAPI === 'cli') {
	[$method, $subject, $to] = array_slice($argv, 1, 3);
	$port = (int) ($argv[4] ?? 0);
	$extra = array_slice($argv, 5);
} else {
	header('Content-Type: text/plain');
	[$method, $subject, $to] = [(string) ($_GET['method'] ?? ''), (string) ($_GET['subject'] ?? ''), (string) ($_GET['to'] ?? '')];
	$port = (int) ($_GET['port'] ?? 0);
	$extra = array_map('strval', (array) ($_GET['h'] ?? []));
}
$host = '127.0.0.1';
if (preg_match('/^(\[[0-9a-f:]+\]):(\d+)$/i', (string) ($argv[4] ?? $_GET['port'] ?? ''), $m)) {
	[$host, $port] = [$m[1], (int) $m[2]];
}
$from = 'sender@example.test';
$body = "test body for $subject\n";

function symfony(string $dsn, string $from, string $to, string $subject, string $body, array $extra): void
{
	require_once '/usr/share/php/Symfony/Component/Mailer/autoload.php';
	$email = (new Symfony\Component\Mime\Email())->from($from)->to($to)->subject($subject)->text($body);
	foreach ($extra as $h) {
		[$n, $v] = explode(':', $h, 2);
		$email->getHeaders()->addTextHeader($n, ltrim($v));
	}
	$mailer = new Symfony\Component\Mailer\Mailer(Symfony\Component\Mailer\Transport::fromDsn($dsn));
	$mailer->send($email);
}

function phpmailer(bool $smtp, string $host, int $port, string $from, string $to, string $subject, string $body, array $extra): void
{
	require_once '/usr/share/php/libphp-phpmailer/autoload.php';
	$m = new PHPMailer\PHPMailer\PHPMailer(true);
	if ($smtp) {
		$m->isSMTP();
		$m->Host = trim($host, '[]');
		$m->Port = $port;
		$m->SMTPAutoTLS = false;
	} else {
		$m->isSendmail();
	}
	$m->setFrom($from);
	$m->addAddress($to);
	$m->Subject = $subject;
	$m->Body = $body;
	foreach ($extra as $h) {
		[$n, $v] = explode(':', $h, 2);
		$m->addCustomHeader($n, ltrim($v));
	}
	$m->send();
}

/* SMTP by hand, as older site code does: every reply must be 2xx/3xx. */
function raw_smtp(string $host, int $port, string $from, string $to, string $subject, string $body, array $extra): void
{
	$s = fsockopen($host, $port, $errno, $errstr, 10);
	if ($s === false) {
		throw new RuntimeException("fsockopen: $errstr");
	}
	stream_set_timeout($s, 30);
	$say = function (?string $line) use ($s): void {
		if ($line !== null) {
			fwrite($s, "$line\r\n");
		}
		do {
			$r = fgets($s);
			if ($r === false) {
				throw new RuntimeException('connection closed');
			}
		} while (isset($r[3]) && $r[3] === '-');
		if ($r[0] !== '2' && $r[0] !== '3') {
			throw new RuntimeException(rtrim($r));
		}
	};
	$say(null);
	$say('HELO localhost');
	$say("MAIL FROM:<$from>");
	$say("RCPT TO:<$to>");
	$say('DATA');
	$say("From: $from\r\nTo: $to\r\nSubject: $subject\r\n" . implode('', array_map(fn($h) => "$h\r\n", $extra))
		. "\r\n" . str_replace("\n", "\r\n", $body) . '.');
	$say('QUIT');
	fclose($s);
}

try {
	switch ($method) {
	case 'mail':
		$ok = mail($to, $subject, $body, implode("\r\n", array_merge(["From: $from"], $extra)));
		if (!$ok) {
			throw new RuntimeException('mail() returned false: ' . (error_get_last()['message'] ?? ''));
		}
		break;
	case 'popen':
		$p = popen('/usr/sbin/sendmail -t -i', 'w');
		fwrite($p, "From: $from\nTo: $to\nSubject: $subject\n" . implode('', array_map(fn($h) => "$h\n", $extra)) . "\n$body");
		$rc = pclose($p);
		if ($rc !== 0) {
			throw new RuntimeException("sendmail exited $rc");
		}
		break;
	case 'native':
		symfony('native://default', $from, $to, $subject, $body, $extra);
		break;
	case 'sendmail':
		symfony('sendmail://default', $from, $to, $subject, $body, $extra);
		break;
	case 'smtp':
		symfony("smtp://$host:$port?verify_peer=0&auto_tls=false", $from, $to, $subject, $body, $extra);
		break;
	case 'phpmailer':
		phpmailer(false, $host, 0, $from, $to, $subject, $body, $extra);
		break;
	case 'phpmailer-smtp':
		phpmailer(true, $host, $port, $from, $to, $subject, $body, $extra);
		break;
	case 'fsockopen':
		raw_smtp($host, $port, $from, $to, $subject, $body, $extra);
		break;
	default:
		throw new InvalidArgumentException("unknown method $method");
	}
	echo "ok\n";
} catch (Throwable $e) {
	echo 'error: ', str_replace("\n", ' ', $e->getMessage()), "\n";
}
