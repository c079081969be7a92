<?php
/* Check 1: every way a script has to read mailguard.dsn. The harness scans
 * the whole response body for fragments of the DSN; ?m= picks the way, so
 * that a failure names it. Output is raw (var_export, phpinfo's HTML), as a
 * customer would see it. */
require __DIR__ . '/common.inc';

$m = (string) ($_GET['m'] ?? '');
switch ($m) {
	case 'ini_get':
		var_export(ini_get('mailguard.dsn'));
		break;
	case 'ini_get_all':
		var_export(ini_get_all('mailguard'));
		break;
	case 'ini_get_all_false':
		var_export(ini_get_all('mailguard', false));
		break;
	case 'ini_get_all_every':
		/* every extension's settings, with and without details */
		var_export(ini_get_all(null, false));
		var_export(ini_get_all());
		break;
	case 'get_cfg_var':
		/* reads the parsed php.ini hash, not the ini entry */
		var_export(get_cfg_var('mailguard.dsn'));
		break;
	case 'cfg_sections':
		/* [PATH=dir] and [HOST=name] sections of php.ini live in the same
		 * hash as get_cfg_var() reads, keyed by the path or host */
		foreach ([__DIR__, (string) ($_SERVER['DOCUMENT_ROOT'] ?? ''), (string) ($_SERVER['SERVER_NAME'] ?? '')] as $k) {
			echo "== $k\n";
			var_export(get_cfg_var($k));
			echo "\n";
		}
		break;
	case 'reflection':
		var_export((new ReflectionExtension('mailguard'))->getINIEntries());
		break;
	case 'reflection_string':
		/* __toString lists each entry with its current value */
		echo new ReflectionExtension('mailguard');
		break;
	case 'reflection_info':
		(new ReflectionExtension('mailguard'))->info();
		break;
	case 'phpinfo':
		phpinfo();
		break;
	case 'ini_files':
		/* the ini files themselves: the DSN file is root-only (0600) */
		$files = array_merge([(string) php_ini_loaded_file()],
			array_map('trim', explode(',', (string) php_ini_scanned_files())));
		foreach (array_filter($files) as $f) {
			echo "== $f\n";
			var_export(file_get_contents($f));
			echo "\n";
			var_export(parse_ini_file($f));
			echo "\n";
		}
		break;
	case 'warnings':
		/* Warnings a script can provoke. The harness has just killed this
		 * worker's database session, so the first mail meets a dead
		 * connection (libpq's message names the socket path: syslog only).
		 * Then a refusal by the database, then a setting change. */
		var_export(mail('rcpt@example.com', 'after a dead connection', "body\n"));
		echo "\n";
		usleep(300000);     /* past mailguard.retry_ms */
		var_export(mail('rcpt@example.com', 'recovered', "body\n"));
		echo "\n";
		var_export(mail(implode(', ', array_map(fn($i) => "r$i@example.com", range(1, 10))), 'too many', "body\n"));
		echo "\n";
		var_export(ini_set('mailguard.dsn', 'host=/nonexistent'));
		echo "\n";
		var_export(error_get_last());
		echo "\n";
		break;
	default:
		echo "unknown method '$m'\n";
		exit(1);
}
echo "\n@@MGF-DONE@@\n";
