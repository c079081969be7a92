#!/usr/bin/env bash
# Failover harness (issue 15 item 2): a primary and a streaming standby
# (two private PostgreSQL clusters, Unix sockets, pg_basebackup -R with a
# replication slot), PHP workers that send mail without pause through a
# multi-host DSN with target_session_attrs=read-write, then the primary is
# stopped (immediate) and the standby promoted while mail flows.
#
# Each run checks: the workers are never restarted; every mail() that
# returned true was delivered once; mail takes the fail mode only around
# the failover and every worker sends traced mail again on the new primary
# within a bound derived from the settings (timeout_ms, retry_ms, the first
# back-off); with synchronous replication no delivered traced mail lacks
# its log row on the new primary. Asynchronous runs report what is missing.
# The last run freezes the primary (SIGSTOP: a hung machine, whose socket
# takes connections and never answers) instead of stopping it.
#
#   tests/failover/run.sh      (as root; MG_SO or modules/mailguard.so)
# MG_FO_ASYNC_RUNS (3), MG_FO_SYNC_RUNS (1), MG_FO_FREEZE_RUNS (1, synchronous) runs, MG_FO_WORKERS (4)
# workers. Prints "# " figures, and "N passed, N failed" last.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MG_ROOT=$(cd "$HERE/../.." && pwd)
SO=${MG_SO:-$MG_ROOT/modules/mailguard.so}
PHP=${MG_PHP:-php8.2}
PG="bash $MG_ROOT/scripts/pg.sh"
export PATH="/usr/lib/postgresql/15/bin:$PATH"
[ -f "$SO" ] || { echo "no $SO: build first"; echo "0 passed, 1 failed"; exit 1; }

WORKERS=${MG_FO_WORKERS:-4}
TIMEOUT_MS=1000         # mailguard.timeout_ms (default 500: a loaded 2-core CI machine takes longer to connect)
RETRY_MS=10000          # mailguard.retry_ms, the default
FIRST_BACKOFF_MS=1000   # store.c MG_DB_RETRY_FIRST_MS: the first back-off of a failure streak
PROMOTE_DELAY=1         # seconds between the primary's stop and pg_ctl promote
MARGIN_MS=2000          # scheduling on a loaded machine

if id -u postgres >/dev/null 2>&1; then PGOS=postgres; else PGOS=mailguard-pg; fi
as_pg() { (cd / && runuser -u "$PGOS" -- "$@"); }

# The run's temp dir (scripts/tmpdir.sh), or a dir inside the suite's.
own_tmp=""
if [ -n "${MG_TEST_TMP:-}" ]; then
	T=$(mktemp -d "$MG_TEST_TMP/failover.XXXXXX")
else
	own_tmp=$(TMPDIR=${TMPDIR:-/tmp} sh "$MG_ROOT/scripts/tmpdir.sh" new)
	T=$(mktemp -d "$own_tmp/failover.XXXXXX")
fi
chmod 0755 "$T"
export TMPDIR=$T

pids=()
clusters=()
cleanup() {
	local p d
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for d in "${clusters[@]}"; do $PG destroy "$d" >/dev/null 2>&1 || true; done
	if [ -n "$own_tmp" ]; then sh "$MG_ROOT/scripts/tmpdir.sh" remove "$own_tmp" || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

passed=0
failed=0
ok() { echo "ok - $*"; passed=$((passed + 1)); }
notok() { echo "not ok - $*"; failed=$((failed + 1)); }
now() { date +%s.%N; }
su_psql() { psql -X -q -At -v ON_ERROR_STOP=1 -h "$1/sock" -p "$2" -U postgres -d mailguard_test -c "$3"; }

# One template cluster with the schema; each run clones it.
$PG template "$T/tpl" >/dev/null 2>"$T/tpl.log" || { cat "$T/tpl.log"; echo "0 passed, 1 failed"; exit 1; }
clusters+=("$T/tpl")
$PG stop "$T/tpl" 2>/dev/null

# Waits until SQL on a server returns the expected value.
wait_for() {
	local dir=$1 port=$2 sql=$3 want=$4 i
	for i in $(seq 300); do
		[ "$(su_psql "$dir" "$port" "$sql" 2>/dev/null || true)" = "$want" ] && return 0
		sleep 0.1
	done
	return 1
}

# One failover: mode sync or async, run number.
run_once() {
	local mode=$1 n=$2 fault=$3 R P S dsn i t_warm t_stop t_stopped t_p0 t_promoted bound_ms
	R="$T/run$n"
	P="$R/p"
	S="$R/s"
	mkdir -p "$R/mails"
	chmod 0777 "$R/mails"
	echo "# run $n: $mode replication, the primary: $fault"

	# The primary: a clone of the template, with replication allowed.
	$PG clone "$T/tpl/template" "$P" >/dev/null 2>"$R/clone.log" || { cat "$R/clone.log"; notok "run $n: primary started"; return; }
	clusters+=("$P")
	printf 'local replication postgres peer map=admin\n' >>"$P/data/pg_hba.conf"
	su_psql "$P" 5432 "SELECT pg_reload_conf()" >/dev/null
	su_psql "$P" 5432 "INSERT INTO mailguard.accounts (name) VALUES ('fo')" >/dev/null

	# The standby: a base backup with a slot (-C -S) and recovery settings
	# (-R), its own socket directory and port.
	mkdir -p "$S/sock" "$S/log" "$S/data"
	: >"$S/.mailguard-pg"
	chown "$PGOS:" "$S/sock" "$S/log" "$S/data"
	chmod 0700 "$S/data"
	clusters+=("$S")
	if ! as_pg pg_basebackup -D "$S/data" -h "$P/sock" -p 5432 -U postgres -R -C -S "standby_$n" \
			-X stream --no-sync >"$R/basebackup.log" 2>&1; then
		cat "$R/basebackup.log"
		notok "run $n: base backup"
		return
	fi
	cat >"$S/data/mailguard-test.conf" <<-CONF
	listen_addresses = ''
	port = 5433
	unix_socket_directories = '$S/sock'
	unix_socket_permissions = 0777
	fsync = on
	timezone = 'UTC'
	log_timezone = 'UTC'
	logging_collector = off
	log_line_prefix = '%m [%p] %q%u@%d '
	CONF
	chown "$PGOS:" "$S/data/mailguard-test.conf"
	as_pg pg_ctl -D "$S/data" -l "$S/log/postgresql.log" -w -t 60 -s start >/dev/null
	if [ "$mode" = sync ]; then
		su_psql "$P" 5432 "ALTER SYSTEM SET synchronous_standby_names = '*'" >/dev/null
		su_psql "$P" 5432 "SELECT pg_reload_conf()" >/dev/null
		wait_for "$P" 5432 "SELECT sync_state FROM pg_stat_replication" sync \
			|| { notok "run $n: the standby streams synchronously"; return; }
	else
		wait_for "$P" 5432 "SELECT state FROM pg_stat_replication" streaming \
			|| { notok "run $n: the standby streams"; return; }
	fi
	wait_for "$S" 5433 "SELECT count(*) FROM mailguard.accounts WHERE name = 'fo'" 1 \
		|| { notok "run $n: the account reached the standby"; return; }

	# The workers: the multi-host DSN, primary first; libpq skips a server
	# in recovery (read-only) and one that does not answer.
	dsn="host=$P/sock,$S/sock port=5432,5433 dbname=mailguard_test user=mailguard_web password=mg-test-secret target_session_attrs=read-write"
	local wpids=()
	for i in $(seq "$WORKERS"); do
		"$PHP" -n -d extension="$SO" -d "mailguard.dsn=\"$dsn\"" -d mailguard.account=fo \
			-d mailguard.fail_mode=open -d mailguard.emergency_cap=1000000 \
			-d mailguard.timeout_ms=$TIMEOUT_MS -d mailguard.retry_ms=$RETRY_MS \
			-d mailguard.syslog=0 -d "sendmail_path=\"/bin/sh $HERE/mta.sh $R/mails\"" \
			"$HERE/worker.php" "$i" "$R/w$i.log" "$R/stop" 2>"$R/w$i.err" &
		wpids+=($!)
		pids+=($!)
	done
	# Every worker has its connection (a traced mail) before the stop.
	wait_for "$P" 5432 "SELECT count(DISTINCT split_part(subject, ' ', 2)) FROM mailguard.log WHERE account = 'fo' AND verdict = 'accept'" "$WORKERS" \
		|| { notok "run $n: every worker sent a traced mail before the stop"; touch "$R/stop"; return; }
	t_warm=$(now)
	sleep 1.5

	# The outage starts between these two: pg_ctl signals the primary at
	# once, but may take a while (a loaded machine) to see it gone.
	t_stop=$(now)
	if [ "$fault" = freeze ]; then
		# A hung primary (a frozen VM, a partition): its socket still takes
		# connections, nothing answers. SIGSTOP the postmaster and its
		# children (by pid); cleanup resumes and stops it.
		local pm c
		pm=$(head -n 1 "$P/data/postmaster.pid")
		kill -STOP "$pm"
		for c in $(pgrep -P "$pm"); do kill -STOP "$c" 2>/dev/null || true; done
	else
		as_pg pg_ctl -D "$P/data" -m immediate -w -s stop >/dev/null 2>&1
	fi
	t_stopped=$(now)
	sleep "$PROMOTE_DELAY"
	t_p0=$(now)
	as_pg pg_ctl -D "$S/data" -w -t 60 -s promote >/dev/null
	t_promoted=$(now)
	# The bound: a worker whose last try failed just before the promotion
	# waits out its back-off, which grows from FIRST_BACKOFF_MS and never
	# exceeds retry_ms, so it is at most the outage so far plus the first
	# back-off; then one try (at most timeout_ms); plus the margin.
	bound_ms=$(awk -v s="$t_stop" -v p="$t_promoted" -v f=$FIRST_BACKOFF_MS -v r=$RETRY_MS -v t=$TIMEOUT_MS -v m=$MARGIN_MS \
		'BEGIN { b = (p - s) * 1000 + f; if (b > r) b = r; printf "%d", b + t + m }')
	printf '# the fault (%s) took %.3f s, pg_ctl promote %.3f s\n' "$fault" \
		"$(awk -v a="$t_stop" -v b="$t_stopped" 'BEGIN { print b - a }')" "$(awk -v a="$t_p0" -v b="$t_promoted" 'BEGIN { print b - a }')"
	sleep "$(awk -v b="$bound_ms" 'BEGIN { print b / 1000 + 1 }')"
	touch "$R/stop"
	for i in "${wpids[@]}"; do wait "$i" || true; done
	cat "$R"/w*.err

	psql -X -q -At -F'|' -h "$S/sock" -p 5433 -U postgres -d mailguard_test \
		-c "SELECT trace, subject FROM mailguard.log WHERE account = 'fo' AND verdict = 'accept'" >"$R/rows.txt"
	local out
	out=$("$PHP" -n "$HERE/check.php" "$R" "$mode" "$t_warm" "$t_stop" "$t_promoted" "$(awk -v b="$bound_ms" 'BEGIN { print b / 1000 }')")
	printf '%s\n' "$out" | grep -v '^figures ' | sed "s/^\(ok\|not ok\) - /\1 - run $n: /"
	passed=$((passed + $(printf '%s\n' "$out" | grep -c '^ok ' || true)))
	failed=$((failed + $(printf '%s\n' "$out" | grep -c '^not ok ' || true)))
	printf '%s\n' "$out" | grep '^figures ' >>"$T/figures"
	$PG destroy "$P" >/dev/null 2>&1 || true
	$PG destroy "$S" >/dev/null 2>&1 || true
}

n=0
for i in $(seq "${MG_FO_ASYNC_RUNS:-3}"); do n=$((n + 1)); run_once async $n stop; done
for i in $(seq "${MG_FO_SYNC_RUNS:-1}"); do n=$((n + 1)); run_once sync $n stop; done
for i in $(seq "${MG_FO_FREEZE_RUNS:-1}"); do n=$((n + 1)); run_once sync $n freeze; done

echo "# summary (timeout_ms=$TIMEOUT_MS retry_ms=$RETRY_MS, $WORKERS workers, promote ${PROMOTE_DELAY} s after the stop):"
sed 's/^figures /# /' "$T/figures" 2>/dev/null || true
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
