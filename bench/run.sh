#!/usr/bin/env bash
# mailguard benchmark: the cost mailguard adds to one mail() call, and the
# policy function alone under pgbench. See bench/README.md.
#
#   bash bench/run.sh
#
# Environment: BENCH_N (timed mails per variant, default 2000),
# BENCH_ROUNDS (default 10), BENCH_WARMUP (untimed mails per process,
# default 100), BENCH_PGBENCH_T (seconds per pgbench run, default 10),
# BENCH_REBUILD=1 to run mg_build even when modules/mailguard.so exists.
# Runs as root on Debian 12 (installs what it needs, like scripts/test.sh).
# Exit status: 0 whatever the figures; non-zero only when something failed
# to run.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

N=${BENCH_N:-2000}
ROUNDS=${BENCH_ROUNDS:-10}
WARMUP=${BENCH_WARMUP:-100}
PGT=${BENCH_PGBENCH_T:-10}
for v in N ROUNDS WARMUP PGT; do
	[[ ${!v} =~ ^[0-9]+$ ]] && [ "${!v}" -gt 0 ] || { [ "$v" = WARMUP ] && [ "${!v}" = 0 ]; } \
		|| { echo "bench: $v must be a positive integer" >&2; exit 2; }
done
[ "$N" -ge "$ROUNDS" ] || { echo "bench: BENCH_N must be at least BENCH_ROUNDS" >&2; exit 2; }
PER=$((N / ROUNDS))
N=$((PER * ROUNDS))

# {{{ deps, build
mg_install_deps >&2
bench_module
# }}}

# {{{ scratch dir, cluster, syslog drain; all undone on exit
bench_scratch mg-bench
DRAIN_PID=""
bench_on_exit() {
	if [ -n "$DRAIN_PID" ]; then
		kill "$DRAIN_PID" 2>/dev/null || true
		wait "$DRAIN_PID" 2>/dev/null || true
	fi
}
bench_pg_start
# Unlimited accounts: bench (pgbench), bench1..bench8 (pgbench, one per
# client), bench_c and bench_d (variants c and d, so each one's rows can
# be counted); bench_r may send nothing (diagnostic r).
psql_su -c "INSERT INTO mailguard.accounts(name) SELECT 'bench' UNION ALL SELECT 'bench' || i FROM generate_series(1, 8) i UNION ALL VALUES ('bench_c'), ('bench_d')"
psql_su -c "INSERT INTO mailguard.accounts(name, msgs_hour) VALUES ('bench_r', 0)"

# The stub sendmail, the same for every variant.
STUB=$WORK/sendmail-stub
if ! gcc -O2 -static -o "$STUB" "$BENCH/sendmail-stub.c" 2>/dev/null; then
	gcc -O2 -o "$STUB" "$BENCH/sendmail-stub.c"
	STUB_KIND="dynamic C program $STUB"
else
	STUB_KIND="static C program $STUB (reads stdin to EOF, exits 0)"
fi

bench_find_pgbench

SOCK=$WORK/syslog.sock
"$MG_PHP" -n "$BENCH/syslog-drain.php" "$SOCK" "$WORK/syslog.count" >"$WORK/drain.out" 2>&1 &
DRAIN_PID=$!
for _ in $(seq 50); do grep -q ready "$WORK/drain.out" 2>/dev/null && break; sleep 0.1; done
grep -q ready "$WORK/drain.out" || { cat "$WORK/drain.out" >&2; echo "bench: syslog drain did not start" >&2; exit 1; }
# }}}

# {{{ variants
PHP_COMMON=(-n -d display_errors=stderr -d mail.add_x_header=0 -d "sendmail_path=$STUB")
MG=(-d "extension=$MG_SO")
variant_args() {
	case $1 in
		a)  ;;
		b0) printf '%s\0' "${MG[@]}" -d mailguard.account=bench -d mailguard.syslog=0 ;;
		b)  printf '%s\0' "${MG[@]}" -d mailguard.account=bench -d "mailguard.syslog_socket=$SOCK" ;;
		c)  printf '%s\0' "${MG[@]}" -d mailguard.account=bench_c -d "mailguard.syslog_socket=$SOCK" \
				-d "mailguard.dsn=\"$MG_PG_DSN\"" -d mailguard.synchronous_commit=off ;;
		d)  printf '%s\0' "${MG[@]}" -d mailguard.account=bench_d -d "mailguard.syslog_socket=$SOCK" \
				-d "mailguard.dsn=\"$MG_PG_DSN\"" -d mailguard.synchronous_commit=on ;;
		# diagnostics: refused mails, no sendmail; r0 by mailguard itself
		# (forged stamp header, see mail.php), r by the database
		r0) printf '%s\0' "${MG[@]}" -d mailguard.account=bench -d "mailguard.syslog_socket=$SOCK" \
				-d display_errors=0 ;;
		# ri: as r, with the process idle for IDLE_US before each mail
		r|ri) printf '%s\0' "${MG[@]}" -d mailguard.account=bench_r -d "mailguard.syslog_socket=$SOCK" \
				-d "mailguard.dsn=\"$MG_PG_DSN\"" -d mailguard.synchronous_commit=off -d display_errors=0 ;;
	esac
}
IDLE_US=1000   # about what the stub sendmail's spawn takes
VARIANTS=(a b0 b c d r0 r ri)
SYSLOG_ON=6   # b, c, d, r0, r, ri
mkdir -p "$WORK/s"
declare -A FAILED SYNCS
for v in "${VARIANTS[@]}"; do FAILED[$v]=0; SYNCS[$v]=0; done
wal_syncs() { psql_su -c "SELECT wal_sync FROM pg_stat_wal"; }

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
# CPU time, busy and stolen by the hypervisor, during the mail() runs
read -r _ u0 n0 s0 i0 w0 q0 sq0 st0 _ </proc/stat
mg_say "mail(): ${#VARIANTS[@]} variants x $ROUNDS rounds x $PER timed mails (+$WARMUP warm-up per process)" >&2
for r in $(seq 0 $((ROUNDS - 1))); do
	# rotate the order each round
	order=("${VARIANTS[@]:r % ${#VARIANTS[@]}}" "${VARIANTS[@]:0:r % ${#VARIANTS[@]}}")
	for v in "${order[@]}"; do
		mapfile -d '' args < <(variant_args "$v")
		case $v in c|d|r) syncs_before=$(wal_syncs) ;; esac
		extra=()
		[ "$v" != r0 ] || extra=("X-PHP-Originating-Script: 0:forged.php")
		[ "$v" != ri ] || extra=("" "$IDLE_US")
		out=$("$MG_PHP" "${PHP_COMMON[@]}" ${args[@]+"${args[@]}"} "$BENCH/mail.php" "$WORK/s/$v.r$r" "$PER" "$WARMUP" ${extra[@]+"${extra[@]}"} 2>"$WORK/err") \
			|| { cat "$WORK/err" >&2; echo "bench: variant $v failed to run" >&2; exit 1; }
		[[ $out =~ failed=([0-9]+) ]] || { cat "$WORK/err" >&2; echo "bench: variant $v: no result" >&2; exit 1; }
		FAILED[$v]=$((FAILED[$v] + BASH_REMATCH[1]))
		# WAL fsyncs of the whole cluster (backends and WAL writer): about
		# one per commit when synchronous, a few per second when not
		case $v in c|d|r) sleep 0.3; SYNCS[$v]=$((SYNCS[$v] + $(wal_syncs) - syncs_before)) ;; esac
		if [ -s "$WORK/err" ]; then
			echo "bench: variant $v round $r wrote to stderr:" >&2
			head -n 5 "$WORK/err" >&2
		fi
	done
	printf '  round %d/%d done (%s)\n' $((r + 1)) "$ROUNDS" "${order[*]}" >&2
done
read -r _ u1 n1 s1 i1 w1 q1 sq1 st1 _ </proc/stat
tot=$(( (u1+n1+s1+i1+w1+q1+sq1+st1) - (u0+n0+s0+i0+w0+q0+sq0+st0) ))
STEAL=$(awk "BEGIN{printf \"%.1f\", 100 * $((st1 - st0)) / ($tot > 0 ? $tot : 1)}")
BUSY=$(awk "BEGIN{printf \"%.1f\", 100 * ($tot - $((i1 - i0)) - $((w1 - w0))) / ($tot > 0 ? $tot : 1)}")
kill "$DRAIN_PID"
wait "$DRAIN_PID" || true
DRAIN_PID=""
# }}}

# {{{ checks: every DB mail was decided by the database
rows_c=$(psql_su -c "SELECT count(*) FILTER (WHERE verdict = 'accept') || ' accepted, ' || count(*) FILTER (WHERE outcome = 'sent') || ' sent' FROM mailguard.log WHERE account = 'bench_c'")
rows_d=$(psql_su -c "SELECT count(*) FILTER (WHERE verdict = 'accept') || ' accepted, ' || count(*) FILTER (WHERE outcome = 'sent') || ' sent' FROM mailguard.log WHERE account = 'bench_d'")
rows_r=$(psql_su -c "SELECT count(*) FILTER (WHERE verdict = 'refuse') || ' refused' FROM mailguard.log WHERE account = 'bench_r'")
expect_r=$(((PER + WARMUP) * ROUNDS * 2))   # r and ri
read -r dgrams dbytes <"$WORK/syslog.count"
expect_db=$(((PER + WARMUP) * ROUNDS))
expect_dg=$((expect_db * SYSLOG_ON))
# }}}

# {{{ the report
echo "== environment"
echo "CPUs:        $(nproc) ($(sed -nE 's/^model name\s*: //p' /proc/cpuinfo | head -n 1))"
echo "kernel:      $(uname -r)"
echo "PHP:         $("$MG_PHP" -n -r 'echo PHP_VERSION;') (CLI, -n: no php.ini, no opcache)"
echo "PostgreSQL:  $(psql_su -c 'SHOW server_version'), fsync=$(psql_su -c 'SHOW fsync'), wal_sync_method=$(psql_su -c 'SHOW wal_sync_method'), server default synchronous_commit=$(psql_su -c 'SHOW synchronous_commit'), Unix socket"
echo "pgbench:     $("$PGB" --version)"
echo "mailguard:   $MG_SO ($(stat -c %y "$MG_SO" | cut -d. -f1))"
schema=sql/migrations/0001_quota.sql
if git diff --quiet HEAD -- $schema 2>/dev/null; then schema_state="as in HEAD $(git rev-parse --short HEAD)"; else schema_state="MODIFIED vs HEAD $(git rev-parse --short HEAD 2>/dev/null), blob $(git hash-object $schema | cut -c1-10)"; fi
echo "schema:      $schema ($schema_state)"
echo "sendmail:    $STUB_KIND; the same sendmail_path for every variant"
echo "syslog:      b, c, d, r0, r, ri send to $SOCK, drained by bench/syslog-drain.php; b0 has mailguard.syslog=0"
echo "N:           $N timed mails per variant ($ROUNDS rounds x $PER, order rotated each round), $WARMUP untimed warm-up mails per process"
echo "loadavg:     $LOAD_START before the mail() runs, $(cut -d' ' -f1-3 /proc/loadavg) at the end; during the mail() runs (this bench included): CPU busy ${BUSY}%, stolen by the hypervisor ${STEAL}% (all CPUs)"
echo
echo "== mail()"
"$MG_PHP" -n "$BENCH/report.php" "$WORK/s" "$(nproc)" "$(cut -d" " -f1 <<<"$LOAD_START")" "$BUSY" "${VARIANTS[@]}"
echo
echo "checks:"
for v in "${VARIANTS[@]}"; do
	want=0
	case $v in r0|r|ri) want=$expect_db ;; esac
	[ "${FAILED[$v]}" = "$want" ] || echo "  WARNING: variant $v: ${FAILED[$v]} mail() calls returned false, expected $want"
done
echo "  mail() returning false: $(for v in "${VARIANTS[@]}"; do printf '%s=%s ' "$v" "${FAILED[$v]}"; done)(r0, r, ri: all, by design)"
echo "  DB log rows, c: $rows_c; d: $rows_d; r+ri: $rows_r (expected $expect_db for c and d, $expect_r for r+ri)"
echo "  WAL fsyncs per mail (pg_stat_wal.wal_sync, all processes): c $(awk "BEGIN{printf \"%.2f\", ${SYNCS[c]}/$expect_db}"), d $(awk "BEGIN{printf \"%.2f\", ${SYNCS[d]}/$expect_db}"), r $(awk "BEGIN{printf \"%.2f\", ${SYNCS[r]}/$expect_db}") (one commit per mail: only a failure is reported, on the next check)"
echo "  syslog datagrams received: $dgrams of $expect_dg expected ($dbytes bytes)"
echo
# }}}

# {{{ pgbench: the policy function alone (after the report of mail(), so
# that a failure here loses nothing of it)
cat >"$WORK/mail.sql" <<'SQL'
SELECT * FROM mailguard.mail(p_account => 'bench', p_rcpts => 1, p_fn => 'mail', p_script => '/var/www/x.php', p_line => 1, p_to => 'a@example.com', p_subject => 'bench');
SQL
# the same, one account per client (no row lock shared between clients)
cat >"$WORK/mail-per-client.sql" <<'SQL'
\set acct :client_id % 8 + 1
SELECT * FROM mailguard.mail(p_account => 'bench' || :acct, p_rcpts => 1, p_fn => 'mail', p_script => '/var/www/x.php', p_line => 1, p_to => 'a@example.com', p_subject => 'bench');
SQL
# the rare path: the check carrying the failure of the previous mail
# (schema 5 reports only failures; pgbench -D trace=... gives the first one)
cat >"$WORK/mail-and-outcome.sql" <<'SQL'
SELECT trace FROM mailguard.mail(p_account => 'bench', p_rcpts => 1, p_fn => 'mail', p_script => '/var/www/x.php', p_line => 1, p_to => 'a@example.com', p_subject => 'bench', p_trace => :trace::uuid, p_outcome => 'failed') \gset
SQL
PGPASS=$(bench_pg_password)
PGBENCH_LINES=()
pgb() {  # label sync clients threads script
	local label=$1 sync=$2 c=$3 j=$4 script=$5 out tps lat fail
	mg_say "pgbench $label, synchronous_commit=$sync (${PGT}s)" >&2
	out=$(env PGPASSWORD="$PGPASS" PGOPTIONS="-c synchronous_commit=$sync" \
		"$PGB" -n -M extended -T "$PGT" -c "$c" -j "$j" -f "$script" -D trace=00000000-0000-0000-0000-000000000000 \
		-h "$MG_PG_HOST" -p "$MG_PG_PORT" -U mailguard_web "$MG_PG_DB" 2>&1) \
		|| { printf '%s\n' "$out" >&2; echo "bench: pgbench failed" >&2; exit 1; }
	tps=$(printf '%s\n' "$out" | sed -nE 's/^tps = ([0-9.]+) \(without initial connection time\).*/\1/p')
	lat=$(printf '%s\n' "$out" | sed -nE 's/^latency average = ([0-9.]+) ms.*/\1/p')
	fail=$(printf '%s\n' "$out" | sed -nE 's/^number of failed transactions: ([0-9]+).*/\1/p')
	PGBENCH_LINES+=("$(printf '%-38s %-4s %9.0f %11s %7s' "$label" "$sync" "$tps" "$lat" "${fail:-?}")")
}
for sync in off on; do
	pgb "-c 1 -j 1, account bench" $sync 1 1 "$WORK/mail.sql"
	pgb "-c 8 -j 2, all on account bench" $sync 8 2 "$WORK/mail.sql"
	pgb "-c 8 -j 2, one account per client" $sync 8 2 "$WORK/mail-per-client.sql"
	pgb "-c 1 -j 1, check + a failure report" $sync 1 1 "$WORK/mail-and-outcome.sql"
done
# }}}

echo "== pgbench: SELECT * FROM mailguard.mail(...) as mailguard_web, -n -M extended (unnamed statement, as mailguard), -T $PGT"
printf '%-38s %-4s %9s %11s %7s\n' "run" "sync" "tps" "latency ms" "failed"
printf '%s\n' "${PGBENCH_LINES[@]}"
# }}}
