--TEST--
mail()'s fifth argument: envelope (default) lets only -f/-r with a plain address through, none refuses any, any passes all and counts the extra recipients; hostile values never reach the MTA under envelope
--EXTENSIONS--
sockets
mbstring
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$values = [
	'-f bounce@example.com',
	'-rbounce@example.com',
	'-f a`id`@x',
	'-f a$(id)@x',
	'-f a;id@x',
	'-f -oQ/tmp/x@y',
	'-f "a b"@x',
	"-f a@x\nb@y",
	'-f a@x c@d e@f',
	'-f a@x -C/etc/passwd',
	'-oi',
];
foreach (['envelope', 'none', 'any'] as $policy) {
	echo "== $policy\n";
	foreach (array_merge(array_map(fn($v) => ['mail', $v], $values), [['mb_send_mail', '-f a@x c@d']]) as [$fn, $v]) {
		// one process per mail: the log socket queues only a few lines
		$r = mg_run('$r = @' . $fn . '("to@example.com", "s", "m", "", $argv[1]);'
			. ' echo $r ? "sent" : "refused: " . (error_get_last()["message"] ?? "");',
			['argv' => [$v], 'exts' => ['sockets', 'mbstring'], 'ini' => ['mailguard.additional_params' => $policy]]);
		$f = $r['log'][0]['fields'] ?? [];
		printf("%s %s: %s%s | log %s rcpts=%s%s\n", $fn, json_encode($v), $r['out'] . $r['err'],
			$r['args'] ? ' | MTA argv ' . json_encode(explode("\n", rtrim($r['args'][0], "\n"))) : '',
			$f['verdict'] ?? '-', $f['rcpts'] ?? '-', ($f['params'] ?? null) === $v ? '' : ' (params not logged as given)');
	}
}
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
== envelope
mail "-f bounce@example.com": sent | MTA argv ["-f","bounce@example.com"] | log accept rcpts=1
mail "-rbounce@example.com": sent | MTA argv ["-rbounce@example.com"] | log accept rcpts=1
mail "-f a`id`@x": refused: mail(): mailguard: mail refused: additional parameters not allowed | log refuse rcpts=1
mail "-f a$(id)@x": refused: mail(): mailguard: mail refused: additional parameters not allowed | log refuse rcpts=1
mail "-f a;id@x": refused: mail(): mailguard: mail refused: additional parameters not allowed | log refuse rcpts=1
mail "-f -oQ\/tmp\/x@y": refused: mail(): mailguard: mail refused: additional parameters not allowed | log refuse rcpts=1
mail "-f \"a b\"@x": refused: mail(): mailguard: mail refused: additional parameters not allowed | log refuse rcpts=1
mail "-f a@x\nb@y": refused: mail(): mailguard: mail refused: additional parameters not allowed | log refuse rcpts=1
mail "-f a@x c@d e@f": refused: mail(): mailguard: mail refused: additional parameters not allowed | log refuse rcpts=1
mail "-f a@x -C\/etc\/passwd": refused: mail(): mailguard: mail refused: additional parameters not allowed | log refuse rcpts=1
mail "-oi": refused: mail(): mailguard: mail refused: additional parameters not allowed | log refuse rcpts=1
mb_send_mail "-f a@x c@d": refused: mb_send_mail(): mailguard: mail refused: additional parameters not allowed | log refuse rcpts=1
== none
mail "-f bounce@example.com": refused: mail(): mailguard: mail refused: additional parameters not allowed | log refuse rcpts=1
mail "-rbounce@example.com": refused: mail(): mailguard: mail refused: additional parameters not allowed | log refuse rcpts=1
mail "-f a`id`@x": refused: mail(): mailguard: mail refused: additional parameters not allowed | log refuse rcpts=1
mail "-f a$(id)@x": refused: mail(): mailguard: mail refused: additional parameters not allowed | log refuse rcpts=1
mail "-f a;id@x": refused: mail(): mailguard: mail refused: additional parameters not allowed | log refuse rcpts=1
mail "-f -oQ\/tmp\/x@y": refused: mail(): mailguard: mail refused: additional parameters not allowed | log refuse rcpts=1
mail "-f \"a b\"@x": refused: mail(): mailguard: mail refused: additional parameters not allowed | log refuse rcpts=1
mail "-f a@x\nb@y": refused: mail(): mailguard: mail refused: additional parameters not allowed | log refuse rcpts=1
mail "-f a@x c@d e@f": refused: mail(): mailguard: mail refused: additional parameters not allowed | log refuse rcpts=1
mail "-f a@x -C\/etc\/passwd": refused: mail(): mailguard: mail refused: additional parameters not allowed | log refuse rcpts=1
mail "-oi": refused: mail(): mailguard: mail refused: additional parameters not allowed | log refuse rcpts=1
mb_send_mail "-f a@x c@d": refused: mb_send_mail(): mailguard: mail refused: additional parameters not allowed | log refuse rcpts=1
== any
mail "-f bounce@example.com": sent | MTA argv ["-f","bounce@example.com"] | log accept rcpts=2
mail "-rbounce@example.com": sent | MTA argv ["-rbounce@example.com"] | log accept rcpts=1
mail "-f a`id`@x": sent | MTA argv ["-f","a`id`@x"] | log accept rcpts=2
mail "-f a$(id)@x": sent | MTA argv ["-f","a$(id)@x"] | log accept rcpts=2
mail "-f a;id@x": sent | MTA argv ["-f","a;id@x"] | log accept rcpts=2
mail "-f -oQ\/tmp\/x@y": sent | MTA argv ["-f","-oQ\/tmp\/x@y"] | log accept rcpts=1
mail "-f \"a b\"@x": sent | MTA argv ["-f","a b@x"] | log accept rcpts=3
mail "-f a@x\nb@y": sent | MTA argv ["-f","a@xb@y"] | log accept rcpts=3
mail "-f a@x c@d e@f": sent | MTA argv ["-f","a@x","c@d","e@f"] | log accept rcpts=4
mail "-f a@x -C\/etc\/passwd": sent | MTA argv ["-f","a@x","-C\/etc\/passwd"] | log accept rcpts=2
mail "-oi": sent | MTA argv ["-oi"] | log accept rcpts=1
mb_send_mail "-f a@x c@d": sent | MTA argv ["-f","a@x","c@d"] | log accept rcpts=3