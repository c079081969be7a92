--TEST--
a failing MTA (exit 1), a temp-failing one (exit 75) and a missing one: PHP's own return values and warnings, with mailguard.header=0 and =1
--EXTENSIONS--
sockets
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$mta = function (string $file, string $run): void {
	file_put_contents("$run/exit1", "cat > /dev/null\nexit 1\n");
	file_put_contents("$run/exit75", "cat > /dev/null\nexit 75\n");
};
foreach ([0, 1] as $h) {
	echo "-- mailguard.header=$h\n";
	foreach (['exit 1' => '/bin/sh {RUN}/exit1', 'exit 75 (EX_TEMPFAIL)' => '/bin/sh {RUN}/exit75', 'missing' => '/nonexistent/sendmail -t -i'] as $what => $path) {
		mg_compare_cases([
			"mail, $what" => 'var_dump(mail("a@example.com", "s", "m"));',
			"error_log, $what" => 'var_dump(error_log("m", 1, "a@example.com"));',
		], ['ini' => ['sendmail_path' => $path], 'mg_ini' => ['mailguard.header' => $h], 'prepare' => $mta]);
	}
}
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECTF--
-- mailguard.header=0
== mail, exit 1
same: output, exit status, 0 mail(s), 2 file(s)
bool(false)
mailguard log lines: 1
== error_log, exit 1
same: output, exit status, 0 mail(s), 2 file(s)
bool(false)
mailguard log lines: 1
== mail, exit 75 (EX_TEMPFAIL)
same: output, exit status, 0 mail(s), 2 file(s)
bool(false)
mailguard log lines: 1
== error_log, exit 75 (EX_TEMPFAIL)
same: output, exit status, 0 mail(s), 2 file(s)
bool(false)
mailguard log lines: 1
== mail, missing
same: output, exit status, 0 mail(s), 2 file(s)
bool(false)
%s/nonexistent/sendmail%s
mailguard log lines: 1
== error_log, missing
same: output, exit status, 0 mail(s), 2 file(s)
bool(false)
%s/nonexistent/sendmail%s
mailguard log lines: 1
-- mailguard.header=1
== mail, exit 1
same: output, exit status, 0 mail(s), 2 file(s)
bool(false)
mailguard log lines: 1
== error_log, exit 1
same: output, exit status, 0 mail(s), 2 file(s)
bool(false)
mailguard log lines: 1
== mail, exit 75 (EX_TEMPFAIL)
same: output, exit status, 0 mail(s), 2 file(s)
bool(false)
mailguard log lines: 1
== error_log, exit 75 (EX_TEMPFAIL)
same: output, exit status, 0 mail(s), 2 file(s)
bool(false)
mailguard log lines: 1
== mail, missing
same: output, exit status, 0 mail(s), 2 file(s)
bool(false)
%s/nonexistent/sendmail%s
mailguard log lines: 1
== error_log, missing
same: output, exit status, 0 mail(s), 2 file(s)
bool(false)
%s/nonexistent/sendmail%s
mailguard log lines: 1