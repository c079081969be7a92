--TEST--
database: libpq is not mapped until the first mail that asks the database: not at startup, not by phpinfo(), not in a process that sends no mail; then the mail is decided as before
--EXTENSIONS--
sockets
--SKIPIF--
<?php require __DIR__ . '/../inc/helpers.inc'; mg_db_skipif(); ?>
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_db_account('db_lazy_libpq', ['msgs_hour' => 10]);
$code = <<<'PHP'
function libpq(): string { return preg_match('~/libpq\.so~', file_get_contents('/proc/self/maps')) ? 'mapped' : 'not mapped'; }
echo "at start: ", libpq(), "\n";
ob_start(); phpinfo(INFO_MODULES); $info = ob_get_clean();
echo "after phpinfo(): ", libpq(), "\n";
preg_match('/libpq version => (.*)/', $info, $m);
echo "phpinfo says: {$m[1]}\n";
if (($argv[1] ?? '') === 'send') {
	var_dump(mail('a@example.com', 's', 'b'));
	echo "after the first mail: ", libpq(), "\n";
	var_dump(mail('a@example.com', 's', 'b'));
}
PHP;
// The module itself does not name libpq among the libraries it needs.
exec('readelf -d ' . escapeshellarg(mg_module_path()) . ' 2>&1', $elf, $rc);
echo 'readelf: ', $rc === 0 && preg_grep('/NEEDED/', $elf) ? 'ok' : 'FAILED', ', libpq NEEDED: ', preg_grep('/NEEDED.*libpq/', $elf) ? 'yes' : 'no', "\n";
foreach (['none', 'send'] as $what) {
	$r = mg_run($code, ['argv' => [$what], 'exts' => ['sockets'], 'ini' => [
		'mailguard.dsn' => mg_db_ini(getenv('MG_PG_DSN')), 'mailguard.account' => 'db_lazy_libpq']]);
	echo "== $what\n", $r['out'], $r['err'];
	foreach ($r['log'] as $l) {
		echo "log: {$l['fields']['verdict']}", isset($l['fields']['trace']) ? ' trace' : '', "\n";
	}
}
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
readelf: ok, libpq NEEDED: no
== none
at start: not mapped
after phpinfo(): not mapped
phpinfo says: not loaded by this process (loaded on its first mail that asks the database)
== send
at start: not mapped
after phpinfo(): not mapped
phpinfo says: not loaded by this process (loaded on its first mail that asks the database)
bool(true)
after the first mail: mapped
bool(true)
log: accept trace
log: accept trace
