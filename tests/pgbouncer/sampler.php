<?php
/* The connection sampler of tests/pgbouncer/run.sh: one connection kept
 * open, one number printed every 100 ms until STOP exists.
 *
 *   php -d extension=pgsql sampler.php pg|bouncer CONNINFO DB STOP
 *
 * pg: PostgreSQL's count of sessions in DB other than the superuser's
 * (pgbouncer's server connections, as the customers' roles);
 * bouncer: pgbouncer's own count of server connections for DB, from the
 * console's SHOW POOLS (sv_active + sv_idle + sv_used + sv_tested +
 * sv_login), and its client connections after a blank. */
[, $mode, $conninfo, $db, $stop] = $argv;
$c = pg_connect($conninfo);
if ($c === false) {
	fwrite(STDERR, "sampler: cannot connect\n");
	exit(1);
}
while (!file_exists($stop)) {
	if ($mode === 'pg') {
		$r = pg_query_params($c, "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND usename <> 'postgres'", [$db]);
		echo $r === false ? 'error' : pg_fetch_result($r, 0, 0), "\n";
	} else {
		$r = pg_query($c, 'SHOW POOLS');
		$sv = $cl = 0;
		while ($r !== false && ($row = pg_fetch_assoc($r)) !== false) {
			if ($row['database'] === $db) {
				$sv += $row['sv_active'] + $row['sv_idle'] + $row['sv_used'] + $row['sv_tested'] + $row['sv_login'];
				$cl += $row['cl_active'] + $row['cl_waiting'];
			}
		}
		echo $r === false ? 'error' : "$sv $cl", "\n";
	}
	usleep(100000);
}
