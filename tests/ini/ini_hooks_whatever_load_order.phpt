--TEST--
mailguard loaded before mbstring and imap still hooks mb_send_mail() and imap_mail() (module dependencies order the startup)
--EXTENSIONS--
imap
mbstring
sockets
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
[$out] = mg_php(['--ri', 'mailguard'], ['mg_first' => true]);
preg_match('/^Hooked functions => .*$/m', $out, $m);
echo $m[0], "\n";
$r = mg_run('var_dump(mb_send_mail("a@example.com", "s", "m"), imap_mail("a@example.com", "s", "m"));', ['mg_first' => true]);
echo $r['out'];
foreach ($r['mails'] as $i => $eml) {
	echo "mail $i: ", count(mg_mail_header_values($eml, 'X-PHP-Originating-Script')), " stamp\n";
}
foreach ($r['log'] as $l) {
	echo $l['fields']['fn'], ' ', $l['fields']['verdict'], "\n";
}
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
Hooked functions => mail, mb_send_mail, error_log, imap_mail
bool(true)
bool(true)
mail 0: 1 stamp
mail 1: 1 stamp
mb_send_mail accept
imap_mail accept
