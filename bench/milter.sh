#!/usr/bin/env bash
# What mailguard-milter adds to a message through Postfix (issue 12): one
# private Postfix (tests/postfix/lib.sh), one private PostgreSQL
# (scripts/pg.sh) and the milter, set up as milter/tests/run.sh does.
#
#   bash bench/milter.sh       # as root, after `make -C milter`; ~1-3 minutes
#
# (a) SMTP: bench/smtp-client.php, as a customer uid mapped to an account
#     without limits, sends N messages per variant over one connection per
#     round to the private smtpd on 127.0.0.1: the "milter" variant to the
#     smtpd with smtpd_milters set, the "plain" one to a second smtpd of the
#     same instance with `-o smtpd_milters=` (no reload between variants).
#     Rounds interleaved, the order alternated; the queue is drained
#     between runs. Times each transaction, MAIL FROM to the 250 after the
#     final dot.
# (b) sendmail -t -i (BENCH_SM_N > 0): BENCH_SM_N messages submitted by the
#     same uid, timed until the queue is empty, with non_smtpd_milters on /
#     off (postconf + postfix reload between runs), rounds interleaved.
#
# Prints p50/p99 per variant, the added p50/p99, messages/s, the per-round
# figures and their spread, the load average. The target (added p50 <=
# BENCH_TARGET_US, 1000) gets PASS/MISS only when the machine is not busy
# (1-minute load <= nproc) and the half-spread of the per-round added p50
# is smaller than the distance of the pooled added p50 from the target.
# Exit status non-zero only when something failed to run.
#
# Variables: BENCH_N (300 timed messages per variant), BENCH_ROUNDS (6),
# BENCH_WARMUP (5 untimed messages per connection), BENCH_SM_N (100
# messages per sendmail run, 0 skips (b)), BENCH_SM_ROUNDS (2),
# BENCH_SYNC_COMMIT (unset: the server's, on; off: ALTER ROLE postfix SET
# synchronous_commit = off, to see the share of the WAL flush),
# BENCH_KEEP=1 keeps the temp dir.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
PHP=${MG_PHP:-php8.2}
MILTER=${MG_MILTER:-$ROOT/milter/mailguard-milter}
N=${BENCH_N:-300}
ROUNDS=${BENCH_ROUNDS:-6}
WARMUP=${BENCH_WARMUP:-5}
SM_N=${BENCH_SM_N:-100}
SM_ROUNDS=${BENCH_SM_ROUNDS:-2}
TARGET_US=${BENCH_TARGET_US:-1000}
PER=$((N / ROUNDS))
[ "$PER" -ge 1 ] || PER=1
N=$((PER * ROUNDS))

say() { printf 'bench/milter.sh: %s\n' "$*" >&2; }
die() { say "error: $1"; [ -n "${2:-}" ] && [ -f "$2" ] && tail -n 30 "$2" >&2; exit 1; }

[ "$(id -u)" = 0 ] || { say "run as root"; exit 2; }
export PATH="/usr/lib/postgresql/15/bin:/usr/sbin:/sbin:$PATH"
for cmd in "$PHP" postfix postconf postqueue postkick sendmail psql runuser useradd unshare; do
	command -v "$cmd" >/dev/null 2>&1 || die "$cmd not found (source scripts/lib.sh && mg_install_deps)"
done
[ -x "$MILTER" ] || die "$MILTER not found (make -C milter)"

# {{{ temp dir, cleanup (as milter/tests/run.sh)
RUN=$(mktemp -d "${TMPDIR:-/tmp}/mg-benchmilter.XXXXXX") || die "mktemp failed"
chmod 0711 "$RUN"
PGDIR=$RUN/pg
PG_JOB=""
MILTER_PID=""
. "$ROOT/tests/postfix/lib.sh"
cleanup() {
	[ -n "$MILTER_PID" ] && kill "$MILTER_PID" 2>/dev/null && wait "$MILTER_PID" 2>/dev/null
	pf_stop
	[ -n "$PG_JOB" ] && wait "$PG_JOB" 2>/dev/null
	[ -d "$PGDIR" ] && bash "$ROOT/scripts/pg.sh" destroy "$PGDIR" >/dev/null 2>&1
	if [ -n "${BENCH_KEEP:-}" ]; then say "kept $RUN"; else rm -rf -- "$RUN"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# }}}

USER_A=mgbench-a
id -u "$USER_A" >/dev/null 2>&1 \
	|| useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$USER_A" 2>/dev/null
UA=$(id -u "$USER_A") || die "cannot create user $USER_A"
cp "$HERE/smtp-client.php" "$RUN/smtp-client.php"
chmod 0644 "$RUN/smtp-client.php"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# {{{ PostgreSQL, Postfix (two smtpd: with and without the milter), the milter
say "starting PostgreSQL, Postfix, the milter"
nice -n 10 bash "$ROOT/scripts/pg.sh" start "$PGDIR" >"$RUN/pg.env" 2>"$RUN/pg-start.log" &
PG_JOB=$!
mkdir -p "$RUN/milter"
chown postfix: "$RUN/milter"
chmod 0750 "$RUN/milter"
SOCK=$RUN/milter/milter.sock
PF_MAIN_EXTRA="# mailguard-milter (docs/install.md)
smtpd_milters = unix:$SOCK
non_smtpd_milters =
milter_default_action = tempfail
milter_connect_macros = j {daemon_name} {daemon_addr} {daemon_port} v _"
pf_start "$RUN/pf" 2>"$RUN/pf-start.log" || die "the private Postfix did not start" "$RUN/pf-start.log"
PORT_M=$PF_PORT
PORT_P=$(pf_free_port) || die "no free port"
printf '127.0.0.1:%s inet n - n - - smtpd\n  -o smtpd_milters=\n' "$PORT_P" >>"$PF_CONF/master.cf"
postfix -c "$PF_CONF" reload >/dev/null 2>&1 || die "postfix reload failed" "$PF_LOG"
for i in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT_P") 2>/dev/null && break; sleep 0.05; done
(exec 3<>"/dev/tcp/127.0.0.1/$PORT_P") 2>/dev/null || die "the second smtpd does not listen on $PORT_P" "$PF_LOG"
wait "$PG_JOB" || { PG_JOB=""; die "scripts/pg.sh start failed" "$RUN/pg-start.log"; }
PG_JOB=""
. "$RUN/pg.env"
sql() { bash "$ROOT/scripts/pg.sh" psql "$PGDIR" -q -At "$@"; }
mgdb() { PGHOST=$MG_PG_HOST PGPORT=$MG_PG_PORT PGUSER=postgres PGDATABASE=$MG_PG_DB "$ROOT/sql/mailguard-db" "$@"; }
{
	sql -c "INSERT INTO mailguard.accounts (name) VALUES ('acct_bench')"
	mgdb add-milter postfix
	mgdb map-uid "$UA" acct_bench
	if [ -n "${BENCH_SYNC_COMMIT:-}" ]; then sql -c "ALTER ROLE postfix SET synchronous_commit = '$BENCH_SYNC_COMMIT'"; fi
} >"$RUN/db-setup.log" 2>&1 || die "database setup failed" "$RUN/db-setup.log"
cat >"$RUN/milter.conf" <<CONF
# written by bench/milter.sh
dsn = host=$MG_PG_HOST port=$MG_PG_PORT dbname=$MG_PG_DB user=postfix
socket = unix:$SOCK
user = postfix
customer_uids = $UA
fail_mode = tempfail
deadline_ms = 500
retry_ms = 100
queue_directory = $PF_QUEUE
log = stderr
CONF
chmod 0600 "$RUN/milter.conf"
"$MILTER" -c "$RUN/milter.conf" 2>>"$RUN/milter.log" &
MILTER_PID=$!
for i in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.05; done
[ -S "$SOCK" ] || die "mailguard-milter did not start" "$RUN/milter.log"
# }}}

# {{{ helpers
# nearest-rank percentile P of the numbers in FILE(s)
pct() { local p=$1; shift; cat "$@" | sort -n | awk -v p="$p" '{a[NR]=$1} END {if (!NR) {print "nan"; exit} i=int((p*NR+99)/100); if (i<1) i=1; print a[i]}'; }
wall_of() { cat "$@" | awk '$1=="wall"{s+=$2} END{print s+0}'; }
lat_of() { grep -hv '^wall' "$@"; }
ms() { awk -v u="$1" 'BEGIN{printf "%.3f", u/1000}'; }
smtp_run() { # variant port round
	runuser -u "$USER_A" -- "$PHP" -n "$RUN/smtp-client.php" "$2" "$PER" "$WARMUP" "$1-$3" \
		>"$RUN/smtp-$1-$3.out" 2>"$RUN/smtp-$1-$3.err" || die "smtp client ($1, round $3) failed" "$RUN/smtp-$1-$3.err"
	pf_wait_idle 60 2>>"$RUN/wait.log" || die "the queue did not drain" "$RUN/wait.log"
}
sm_run() { # variant(milter|plain) round: seconds for SM_N submissions until the queue is empty
	local v=$1 r=$2 t0 t1
	if [ "$v" = milter ]; then postconf -c "$PF_CONF" -e "non_smtpd_milters = unix:$SOCK"
	else postconf -c "$PF_CONF" -e "non_smtpd_milters ="; fi
	postfix -c "$PF_CONF" reload >/dev/null 2>&1
	sleep 1
	t0=$(date +%s%N)
	unshare -m -- sh -c 'mount --bind "$1" /etc/postfix && shift && exec "$@"' sh "$PF_CONF" \
		runuser -u "$USER_A" -- sh -c 'i=0; while [ $i -lt "$1" ]; do
			printf "From: bench@example.test\nTo: s%s@example.test\nSubject: mgbench-sm-%s-%s\n\nbody\n" $i "$2" $i | /usr/sbin/sendmail -t -i || exit 1
			i=$((i + 1)); done' sh "$SM_N" "$v-$r" 2>"$RUN/sm-$v-$r.err" || die "sendmail ($v, round $r) failed" "$RUN/sm-$v-$r.err"
	postkick -c "$PF_CONF" public pickup W 2>/dev/null
	pf_wait_idle 120 2>>"$RUN/wait.log" || die "the queue did not drain" "$RUN/wait.log"
	t1=$(date +%s%N)
	echo $(( (t1 - t0) / 1000 )) >"$RUN/sm-$v-$r.us"
}
# }}}

# {{{ (a) SMTP
say "SMTP: $ROUNDS rounds x $PER messages per variant"
CPU0=$(awk '/^cpu /{print $2+$3+$4+$6+$7+$8, $5}' /proc/stat)
for r in $(seq "$ROUNDS"); do
	if [ $((r % 2)) = 1 ]; then smtp_run plain "$PORT_P" "$r"; smtp_run milter "$PORT_M" "$r"
	else smtp_run milter "$PORT_M" "$r"; smtp_run plain "$PORT_P" "$r"; fi
done
CPU1=$(awk '/^cpu /{print $2+$3+$4+$6+$7+$8, $5}' /proc/stat)
# }}}

# {{{ (b) sendmail
if [ "$SM_N" -gt 0 ]; then
	say "sendmail: $SM_ROUNDS rounds x $SM_N messages per variant"
	for r in $(seq "$SM_ROUNDS"); do
		if [ $((r % 2)) = 1 ]; then sm_run plain "$r"; sm_run milter "$r"
		else sm_run milter "$r"; sm_run plain "$r"; fi
	done
fi
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
# }}}

# {{{ checks
SMTP_ROWS=$(sql -c "SELECT count(*) FROM mailguard.log WHERE via = 'smtp' AND verdict = 'accept'")
SM_ROWS=$(sql -c "SELECT count(*) FROM mailguard.log WHERE via = 'sendmail' AND verdict = 'accept'")
DELIVERED=$(pf_delivered | wc -l)
WANT_SMTP=$(( (N + ROUNDS * WARMUP) ))
WANT_SM=$(( SM_N > 0 ? SM_N * SM_ROUNDS : 0 ))
WANT_DELIVERED=$(( 2 * WANT_SMTP + 2 * WANT_SM ))
TEMPFAILS=$(grep -c 'verdict=tempfail' "$RUN/milter.log")
# }}}

# {{{ report
busy=$(awk -v l="${LOAD_AFTER%% *}" -v n="$(nproc)" 'BEGIN{print (l > n) ? 1 : 0}')
echo "== environment"
echo "CPUs:       $(nproc) ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1))"
echo "kernel:     $(uname -r)"
echo "Postfix:    $(postconf -c "$PF_CONF" -h mail_version 2>/dev/null); PostgreSQL: $(sql -c 'SHOW server_version'), fsync=$(sql -c 'SHOW fsync'), synchronous_commit=$(sql -c 'SHOW synchronous_commit') (role postfix: ${BENCH_SYNC_COMMIT:-server default}), Unix socket"
echo "milter:     $MILTER ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)), log = stderr to a file, deadline_ms = 500"
echo "command:    ${BENCH_SYNC_COMMIT:+BENCH_SYNC_COMMIT=$BENCH_SYNC_COMMIT }BENCH_N=$N BENCH_ROUNDS=$ROUNDS BENCH_WARMUP=$WARMUP BENCH_SM_N=$SM_N BENCH_SM_ROUNDS=$SM_ROUNDS bash bench/milter.sh"
echo "loadavg:    $LOAD_BEFORE before, $LOAD_AFTER after"
read -r b0 i0 <<<"$CPU0"; read -r b1 i1 <<<"$CPU1"
echo "CPU busy during (a): $(awk -v b=$((b1 - b0)) -v i=$((i1 - i0)) 'BEGIN{printf "%.0f%%", (b+i) ? 100*b/(b+i) : 0}') (all CPUs, this bench included)"
echo
echo "== (a) SMTP on 127.0.0.1, one connection per variant per round, MAIL FROM .. 250 after the dot"
printf '%-28s %6s %9s %9s %9s %9s %9s\n' variant n "p50 ms" "p99 ms" "mean ms" "max ms" "msgs/s"
for v in plain milter; do
	lat_of "$RUN"/smtp-$v-*.out >"$RUN/all-$v"
	n=$(wc -l <"$RUN/all-$v")
	w=$(wall_of "$RUN"/smtp-$v-*.out)
	eval "P50_$v=$(pct 50 "$RUN/all-$v") P99_$v=$(pct 99 "$RUN/all-$v")"
	label=$([ $v = plain ] && echo "plain (smtpd_milters unset)" || echo "milter (smtpd_milters set)")
	printf '%-28s %6s %9s %9s %9s %9s %9s\n' "$label" "$n" "$(eval ms \$P50_$v)" "$(eval ms \$P99_$v)" \
		"$(awk '{s+=$1} END{printf "%.3f", s/NR/1000}' "$RUN/all-$v")" "$(ms "$(pct 100 "$RUN/all-$v")")" \
		"$(awk -v n="$n" -v w="$w" 'BEGIN{printf "%.0f", w ? n*1e6/w : 0}')"
done
ADD50=$((P50_milter - P50_plain)); ADD99=$((P99_milter - P99_plain))
echo "added by the milter: p50 $(ms $ADD50) ms, p99 $(ms $ADD99) ms"
echo "per round (p50 ms: plain / milter / added):"
: >"$RUN/added"
for r in $(seq "$ROUNDS"); do
	a=$(lat_of "$RUN/smtp-plain-$r.out" | pct 50); b=$(lat_of "$RUN/smtp-milter-$r.out" | pct 50)
	echo $((b - a)) >>"$RUN/added"
	printf '  round %-3s %8s %8s %8s\n' "$r" "$(ms "$a")" "$(ms "$b")" "$(ms $((b - a)))"
done
AMIN=$(pct 0 "$RUN/added"); AMAX=$(pct 100 "$RUN/added")
SPREAD=$((AMAX - AMIN))
grep 'via=smtp' "$RUN/milter.log" | grep -o ' ms=[0-9]*' | cut -d= -f2 >"$RUN/milter-ms"
echo "the milter's own figure (ms= in its log: its database question, whole ms), via smtp: p50 $(pct 50 "$RUN/milter-ms") ms, p99 $(pct 99 "$RUN/milter-ms") ms"
echo "spread of the per-round added p50: $(ms "$SPREAD") ms ($(ms "$AMIN") .. $(ms "$AMAX"))"
DIST=$((ADD50 > TARGET_US ? ADD50 - TARGET_US : TARGET_US - ADD50))
if [ "$busy" = 1 ]; then
	verdict="no verdict: the machine is busy (load ${LOAD_AFTER%% *} > $(nproc) CPUs)"
elif [ $((SPREAD / 2)) -ge "$DIST" ]; then
	verdict="no verdict: half the spread ($(ms $((SPREAD / 2))) ms) >= the margin to the target ($(ms "$DIST") ms)"
elif [ "$ADD50" -le "$TARGET_US" ]; then verdict=PASS
else verdict=MISS; fi
echo "target: added p50 <= $(ms "$TARGET_US") ms: $verdict"
if [ "$SM_N" -gt 0 ]; then
	echo
	echo "== (b) sendmail -t -i, $SM_N messages per run, submission until the queue is empty"
	printf '%-32s %s\n' variant "msgs/s per round"
	for v in plain milter; do
		line=""
		for r in $(seq "$SM_ROUNDS"); do
			line="$line $(awk -v n="$SM_N" -v u="$(cat "$RUN/sm-$v-$r.us")" 'BEGIN{printf "%8.1f", n*1e6/u}')"
		done
		printf '%-32s%s\n' "$([ $v = plain ] && echo "plain (non_smtpd_milters unset)" || echo "milter (non_smtpd_milters set)")" "$line"
	done
fi
echo
echo "checks: milter accepted via smtp $SMTP_ROWS (expected $WANT_SMTP), via sendmail $SM_ROWS (expected $WANT_SM); delivered $DELIVERED (expected $WANT_DELIVERED); milter tempfails $TEMPFAILS"
# }}}
