--TEST--
mail() from a shutdown function, a destructor and an output buffer callback at the end of the script: stamped once and logged with the calling line
--EXTENSIONS--
sockets
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$r = mg_run(<<<'PHP'
register_shutdown_function(function () { var_dump(mail('shutdown@example.com', 's', 'm')); });
ob_start(function ($buf) { $r = mail('ob@example.com', 's', 'm'); return $buf . "ob: " . var_export($r, true) . "\n"; });
class D { function __destruct() { echo "dtor: ", var_export(mail('dtor@example.com', 's', 'm'), true), "\n"; } }
$d = new D;
echo "end\n";
PHP);
echo $r['out'], $r['err'];
foreach ($r['mails'] as $eml) {
	echo implode(',', mg_mail_header_values($eml, 'To')), ': ', count(mg_mail_header_values($eml, 'X-PHP-Originating-Script')), " stamp\n";
}
foreach ($r['log'] as $l) {
	echo $l['fields']['to'], ' ', $l['fields']['verdict'], ' ', basename($l['fields']['script']), "\n";
}
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
end
bool(true)
dtor: true
ob: true
shutdown@example.com: 1 stamp
dtor@example.com: 1 stamp
ob@example.com: 1 stamp
shutdown@example.com accept mg-hook_shutdown_contexts.snippet.php:1
dtor@example.com accept mg-hook_shutdown_contexts.snippet.php:3
ob@example.com accept mg-hook_shutdown_contexts.snippet.php:2
