#!/usr/bin/env bash
# mailguard benchmark: the policy call warm and after a pause. The same
# question (store.c's SQL, as the client role, synchronous_commit off) as
# the unnamed statement and as a prepared one, and SELECT 1, timed from
# PHP over one connection: back to back, after an
# idle pause (usleep), and after a stub sendmail run (popen, as mail()
# does). What it shows: how much of mail()'s added time (bench/fpm.sh) is
# the server's work run on a backend that sat idle while the MTA ran.
# See bench/README.md ("Warm and idle backends") and docs/performance.md.
#
#   bash bench/cold.sh
#
# Environment: BENCH_N (300 calls per pause and statement per round),
# BENCH_ROUNDS (3, the pauses' order rotated), BENCH_PAUSE_MS (8: about a
# sendmail spawn). As root, Debian 12. Exit status: 0 whatever the
# figures; non-zero when something failed to run.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
N=${BENCH_N:-300}
ROUNDS=${BENCH_ROUNDS:-3}
PAUSE=${BENCH_PAUSE_MS:-8}
for v in N ROUNDS PAUSE; do
	[[ ${!v} =~ ^[0-9]+$ ]] && [ "${!v}" -gt 0 ] || { echo "bench: $v must be a positive integer" >&2; exit 2; }
done
mg_install_deps >&2
cd "$MG_ROOT"
bench_scratch mg-bench-cold
bench_pg_start
bench_tools
psql_su -c "INSERT INTO mailguard.accounts (name) VALUES ('bench_cold')"
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
"$MG_PHP" -n -d extension=pgsql "$BENCH/cold.php" "$MG_PG_DSN" bench_cold "$STUB" "$N" "$ROUNDS" "$PAUSE" >"$WORK/out"
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== environment"
echo "CPUs:       $(nproc) ($(sed -nE 's/^model name\s*: //p' /proc/cpuinfo | head -n 1))"
echo "PostgreSQL: $(psql_su -c 'SHOW server_version'), Unix socket; schema $(psql_su -c 'SELECT max(version) FROM mailguard.schema_version'), git $(git rev-parse --short HEAD 2>/dev/null)"
echo "N:          $ROUNDS rounds x $N calls per pause and statement; pause ${PAUSE} ms"
echo "load:       loadavg $LOAD0 before, $LOAD1 after"
echo
echo "== p50 per round, microseconds (p10..p90 of the last round in brackets)"
awk '
	{ k = $2 " " $3; p50[k] = p50[k] " " $5; last[k] = "[" $4 ".." $6 "]"; if (!(k in seen)) { seen[k] = 1; order[++n] = k } }
	END { for (i = 1; i <= n; i++) printf "  %-16s %-24s %s\n", order[i], p50[order[i]], last[order[i]] }' "$WORK/out"
echo
echo "== medians over the rounds, and what the pause adds"
awk '
	function med(s,   a, m, i, j, t) { m = split(s, a, " "); for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2 }
	{ v[$2 " " $3] = v[$2 " " $3] " " $5 }
	END {
		for (m = 1; m <= 3; m++) { p = m == 1 ? "warm" : m == 2 ? "idle" : "spawn"
			P = med(v[p " policy"]); Q = med(v[p " prepared"]); S = med(v[p " select1"])
			printf "  %-6s unnamed %5.0f us, prepared %5.0f us (x%.2f), SELECT 1 %4.0f us\n", p, P, Q, Q / P, S
			if (m == 1) { P0 = P; Q0 = Q; S0 = S } else
				printf "         vs warm: unnamed x%.2f (+%.0f us), prepared x%.2f (+%.0f us), SELECT 1 +%.0f us\n", P / P0, P - P0, Q / Q0, Q - Q0, S - S0 }
	}' "$WORK/out"
