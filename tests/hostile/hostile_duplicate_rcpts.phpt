--TEST--
an address repeated in one mail is charged once, as Postfix queues it (in any case and form it compares, up to the 1000 addresses its filter remembers); forms it does not compare, and the fifth argument's recipients, are charged each
--EXTENSIONS--
sockets
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$many = implode(', ', array_map(fn($i) => "u$i@example.com", range(1, 1000)));
/* Each count is what a private Postfix 3.7 queued for the same header
 * block (tests/postfix/dedupe.sh), or more where marked. */
$cases = [
	'one address three times' => 'mail("a@x, A@X, a@x", "s", "m")',
	'repeated across To, Cc and Bcc, other forms' => 'mail("a@example.com", "s", "m", "Cc: <a@example.com>\r\nBcc: Name <A@Example.com>, \"a\"@example.com (c)")',
	'two addresses, one repeated' => 'mail("a@example.com, b@example.com, B@example.com", "s", "m")',
	'Resent-To repeats' => 'mail("a@example.com", "s", "m", "Resent-To: r@example.com, R@example.com")',
	'local part and local@myorigin: two for Postfix' => 'mail("john, john@localhost", "s", "m")',
	'a group is not compared: more (Postfix 1)' => 'mail("g: a@example.com, a@example.com;", "s", "m")',
	'fifth argument repeats a header address: more (Postfix 1)' => 'mail("a@example.com", "s", "m", "", "-fbounce@example.com a@example.com")',
	'1000 addresses and a repeat of the last' => 'mail("' . $many . ', u1000@example.com", "s", "m")',
	'the same with one from the fifth argument: the last is not remembered' => 'mail("' . $many . ', u1000@example.com", "s", "m", "", "-fbounce@example.com c@example.org")',
];
foreach ($cases as $what => $call) {
	$r = mg_run("var_dump($call);", ['exts' => ['sockets'], 'ini' => ['mailguard.additional_params' => 'any', 'mailguard.max_rcpts' => 1002]]);
	$f = $r['log'][0]['fields'] ?? [];
	printf("%s: %s; %d mail(s); %s rcpts=%s\n", $what, trim($r['out']), count($r['mails']), $f['verdict'] ?? '-', $f['rcpts'] ?? '-');
}
// mailguard.max_rcpts charges the same count
$r = mg_run('var_dump(mail("a@example.com, A@example.com", "s", "m"), mail("a@example.com, b@example.com", "s", "m"));',
	['exts' => ['sockets'], 'ini' => ['mailguard.max_rcpts' => 1]]);
printf("max_rcpts=1: %s; %d mail(s); %s\n", trim(preg_replace('/\s+/', ' ', preg_replace('/ in \S+ on line \d+/', '', $r['out']))), count($r['mails']),
	implode(', ', array_map(fn($l) => $l['fields']['verdict'] . ' rcpts=' . $l['fields']['rcpts'], $r['log'])));
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
one address three times: bool(true); 1 mail(s); accept rcpts=1
repeated across To, Cc and Bcc, other forms: bool(true); 1 mail(s); accept rcpts=1
two addresses, one repeated: bool(true); 1 mail(s); accept rcpts=2
Resent-To repeats: bool(true); 1 mail(s); accept rcpts=1
local part and local@myorigin: two for Postfix: bool(true); 1 mail(s); accept rcpts=2
a group is not compared: more (Postfix 1): bool(true); 1 mail(s); accept rcpts=2
fifth argument repeats a header address: more (Postfix 1): bool(true); 1 mail(s); accept rcpts=2
1000 addresses and a repeat of the last: bool(true); 1 mail(s); accept rcpts=1000
the same with one from the fifth argument: the last is not remembered: bool(true); 1 mail(s); accept rcpts=1002
max_rcpts=1: Warning: mail(): mailguard: mail refused: too many recipients bool(true) bool(false); 1 mail(s); accept rcpts=1, refuse rcpts=2
