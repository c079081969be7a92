--TEST--
imap_mail(): mailguard's own stamp has core's format and follows mailguard.stamp_uid (CLI default: the process's uid; owner: the entry script's owner), basename of the calling file, once even with mail.add_x_header=1
--EXTENSIONS--
imap
posix
sockets
--SKIPIF--
<?php
if (posix_geteuid() !== 0) die('skip needs root to give the scripts other owners');
?>
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$inc = mg_path('.lib.php');
file_put_contents($inc, '<?php function send() { return imap_mail("a@example.com", "s", "m"); }');
chown($inc, 65533);
$code = 'require ' . var_export($inc, true) . '; var_dump(imap_mail("a@example.com", "s", "m"), send());';
$prepare = fn(string $file) => chown($file, 65534);
foreach ([['auto', 0], ['auto', 1], ['owner', 0], ['owner', 1]] as [$rule, $x]) {
	$r = mg_run($code, ['prepare' => $prepare, 'ini' => ['mail.add_x_header' => $x, 'mailguard.stamp_uid' => $rule]]);
	echo "mailguard.stamp_uid=$rule mail.add_x_header=$x\n", $r['out'];
	foreach ($r['mails'] as $i => $eml) {
		echo "mail $i: ", json_encode(mg_mail_header_values($eml, 'X-PHP-Originating-Script')), "\n";
	}
	foreach ($r['log'] as $i => $line) {
		echo "log $i: uid={$line['fields']['uid']} owner={$line['fields']['owner']} script=", basename($line['fields']['script']), "\n";
	}
}
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
mailguard.stamp_uid=auto mail.add_x_header=0
bool(true)
bool(true)
mail 0: ["0:mg-stamp_imap_mail_uid_and_name.snippet.php"]
mail 1: ["0:mg-stamp_imap_mail_uid_and_name.lib.php"]
log 0: uid=0 owner=65534 script=mg-stamp_imap_mail_uid_and_name.snippet.php:1
log 1: uid=0 owner=65534 script=mg-stamp_imap_mail_uid_and_name.lib.php:1
mailguard.stamp_uid=auto mail.add_x_header=1
bool(true)
bool(true)
mail 0: ["0:mg-stamp_imap_mail_uid_and_name.snippet.php"]
mail 1: ["0:mg-stamp_imap_mail_uid_and_name.lib.php"]
log 0: uid=0 owner=65534 script=mg-stamp_imap_mail_uid_and_name.snippet.php:1
log 1: uid=0 owner=65534 script=mg-stamp_imap_mail_uid_and_name.lib.php:1
mailguard.stamp_uid=owner mail.add_x_header=0
bool(true)
bool(true)
mail 0: ["65534:mg-stamp_imap_mail_uid_and_name.snippet.php"]
mail 1: ["65534:mg-stamp_imap_mail_uid_and_name.lib.php"]
log 0: uid=0 owner=65534 script=mg-stamp_imap_mail_uid_and_name.snippet.php:1
log 1: uid=0 owner=65534 script=mg-stamp_imap_mail_uid_and_name.lib.php:1
mailguard.stamp_uid=owner mail.add_x_header=1
bool(true)
bool(true)
mail 0: ["65534:mg-stamp_imap_mail_uid_and_name.snippet.php"]
mail 1: ["65534:mg-stamp_imap_mail_uid_and_name.lib.php"]
log 0: uid=0 owner=65534 script=mg-stamp_imap_mail_uid_and_name.snippet.php:1
log 1: uid=0 owner=65534 script=mg-stamp_imap_mail_uid_and_name.lib.php:1
