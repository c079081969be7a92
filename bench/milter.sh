#!/usr/bin/env bash
# What mailguard-milter adds to a message through Postfix (issue 12): one
# private Postfix (tests/postfix/lib.sh), one private PostgreSQL
# (scripts/pg.sh) and the milter, set up as milter/tests/run.sh does.
#
#   bash bench/milter.sh       # as root, after `make -C milter`; ~1-3 minutes
#
# (a) SMTP: bench/smtp-client.php, as a customer uid mapped to an account
#     without limits, sends N messages per variant over one connection per
#     round to the private smtpd on 127.0.0.1, three smtpd services of the
#     same instance (no reload between variants): "mailguard" with
#     smtpd_milters = mailguard-milter, "baseline" with smtpd_milters = the
#     least milter there is (bench/milter-baseline.c, built here: accepts,
#     adds one header, no database; what any milter costs on this Postfix),
#     "plain" with `-o smtpd_milters=`. One connection per variant per
#     round, the variants interleaved message by message (the order
#     rotated), so that they share the machine's moments; the queue is
#     drained between rounds. Times each transaction,
#     MAIL FROM to the 250 after the final dot, and where the time goes:
#     the client's instants (CLOCK_MONOTONIC) lined up, by queue ID, with
#     the milters' own (mailguard-milter's log_timing = on, the baseline's
#     stderr), and PostgreSQL's own time in milter_mail()
#     (track_functions).
# (b) sendmail -t -i (BENCH_SM_N > 0): BENCH_SM_N messages submitted by the
#     same uid, timed until the queue is empty, with non_smtpd_milters on /
#     off (postconf + postfix reload between runs), rounds interleaved.
#
# Prints p50/p99 per variant, the added p50/p99, messages/s, the per-round
# figures and their spread, the phases, the load average. The target (added p50 <=
# BENCH_TARGET_US, 1000) gets PASS/MISS only when the machine is not busy
# (1-minute load <= nproc) and the half-spread of the per-round added p50
# is smaller than the distance of the pooled added p50 from the target.
# Exit status non-zero only when something failed to run.
#
# Variables: BENCH_N (300 timed messages per variant), BENCH_ROUNDS (6),
# BENCH_CONNS (10 short sessions per variant per round: connect .. 220),
# BENCH_WARMUP (5 untimed messages per connection), BENCH_SM_N (100
# messages per sendmail run, 0 skips (b)), BENCH_SM_ROUNDS (2),
# BENCH_SYNC_COMMIT (unset: the milter's default; on or off: the milter's
# synchronous_commit setting), BENCH_STRACE=1 (after the timed rounds, one
# more round with strace -f -tt -T on the instance's master and its
# children, into the kept temp dir: where Postfix waits),
# BENCH_KEEP=1 keeps the temp dir.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
PHP=${MG_PHP:-php8.2}
MILTER=${MG_MILTER:-$ROOT/milter/mailguard-milter}
N=${BENCH_N:-300}
ROUNDS=${BENCH_ROUNDS:-6}
WARMUP=${BENCH_WARMUP:-5}
CONNS=${BENCH_CONNS:-10}
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
for cmd in "$PHP" postfix postconf postqueue postkick sendmail psql runuser useradd unshare cc; do
	command -v "$cmd" >/dev/null 2>&1 || die "$cmd not found (source scripts/lib.sh && mg_install_deps)"
done
[ -x "$MILTER" ] || die "$MILTER not found (make -C milter)"
[ -z "${BENCH_STRACE:-}" ] || command -v strace >/dev/null 2>&1 || die "BENCH_STRACE needs strace (apt-get install strace)"

# {{{ temp dir, cleanup (as milter/tests/run.sh)
RUN=$(mktemp -d "${TMPDIR:-/tmp}/mg-benchmilter.XXXXXX") || die "mktemp failed"
chmod 0711 "$RUN"
PGDIR=$RUN/pg
PG_JOB=""
MILTER_PID=""
. "$ROOT/tests/postfix/lib.sh"
BASE_PID=""
cleanup() {
	[ -n "$MILTER_PID" ] && kill "$MILTER_PID" 2>/dev/null && wait "$MILTER_PID" 2>/dev/null
	[ -n "$BASE_PID" ] && kill "$BASE_PID" 2>/dev/null && wait "$BASE_PID" 2>/dev/null
	pf_stop
	[ -n "$PG_JOB" ] && wait "$PG_JOB" 2>/dev/null
	[ -d "$PGDIR" ] && bash "$ROOT/scripts/pg.sh" destroy "$PGDIR" >/dev/null 2>&1
	if [ -n "${BENCH_KEEP:-}${BENCH_STRACE:-}" ]; then say "kept $RUN"; else rm -rf -- "$RUN"; fi
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
BSOCK=$RUN/milter/baseline.sock
cc -std=c99 -O2 -Wall -Wextra -Werror -o "$RUN/milter-baseline" "$HERE/milter-baseline.c" -lmilter -pthread 2>"$RUN/cc.log" \
	|| die "cannot build bench/milter-baseline.c (libmilter-dev)" "$RUN/cc.log"
PF_MAIN_EXTRA="# mailguard-milter (docs/install.md)
smtpd_milters = unix:$SOCK
non_smtpd_milters =
milter_default_action = tempfail
milter_connect_macros = j {daemon_name} {daemon_addr} {daemon_port} v _"
pf_start "$RUN/pf" 2>"$RUN/pf-start.log" || die "the private Postfix did not start" "$RUN/pf-start.log"
PORT_M=$PF_PORT
PORT_P=$(pf_free_port) || die "no free port"
printf '127.0.0.1:%s inet n - n - - smtpd\n  -o smtpd_milters=\n' "$PORT_P" >>"$PF_CONF/master.cf"
PORT_B=$(pf_free_port) || die "no free port"
[ "$PORT_B" != "$PORT_P" ] || PORT_B=$(pf_free_port) || die "no free port"
printf '127.0.0.1:%s inet n - n - - smtpd\n  -o smtpd_milters=unix:%s\n' "$PORT_B" "$BSOCK" >>"$PF_CONF/master.cf"
postfix -c "$PF_CONF" reload >/dev/null 2>&1 || die "postfix reload failed" "$PF_LOG"
for port in "$PORT_P" "$PORT_B"; do
	for i in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || die "the smtpd on $port does not listen" "$PF_LOG"
done
wait "$PG_JOB" || { PG_JOB=""; die "scripts/pg.sh start failed" "$RUN/pg-start.log"; }
PG_JOB=""
. "$RUN/pg.env"
sql() { bash "$ROOT/scripts/pg.sh" psql "$PGDIR" -q -At "$@"; }
mgdb() { PGHOST=$MG_PG_HOST PGPORT=$MG_PG_PORT PGUSER=postgres PGDATABASE=$MG_PG_DB "$ROOT/sql/mailguard-db" "$@"; }
{
	sql -c "INSERT INTO mailguard.accounts (name) VALUES ('acct_bench')"
	mgdb add-milter postfix
	mgdb map-uid "$UA" acct_bench
	# PostgreSQL's own time in the policy function, for the phase table
	sql -c "ALTER ROLE postfix SET track_functions = 'pl'"
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
log_timing = on
${BENCH_SYNC_COMMIT:+synchronous_commit = $BENCH_SYNC_COMMIT}
CONF
chmod 0600 "$RUN/milter.conf"
"$MILTER" -c "$RUN/milter.conf" 2>>"$RUN/milter.log" &
MILTER_PID=$!
for i in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.05; done
[ -S "$SOCK" ] || die "mailguard-milter did not start" "$RUN/milter.log"
runuser -u postfix -- "$RUN/milter-baseline" "unix:$BSOCK" 2>"$RUN/baseline.log" &
BASE_PID=$!
for i in $(seq 100); do [ -S "$BSOCK" ] && break; sleep 0.05; done
[ -S "$BSOCK" ] || die "the baseline milter did not start" "$RUN/baseline.log"
# }}}

# {{{ helpers
# nearest-rank percentile P of the numbers in FILE(s)
pct() { local p=$1; shift; cat "$@" | sort -n | awk -v p="$p" '{a[NR]=$1} END {if (!NR) {print "nan"; exit} i=int((p*NR+99)/100); if (i<1) i=1; print a[i]}'; }
wall_of() { cat "$@" | awk '$1=="wall"{s+=$2} END{print s+0}'; }
VARIANTS="plain baseline mailguard"
lat_of() { grep -hv '^wall' "$@"; }
ms() { awk -v u="$1" 'BEGIN{printf "%.3f", u/1000}'; }
# One round: PER messages per variant, interleaved message by message
# over one connection per variant (smtp-client.php), split into
# smtp-VARIANT-ROUND.out ("US T0 .. T5 QID" per message, "wall US").
smtp_run() { # round
	local i=0 v
	runuser -u "$USER_A" -- "$PHP" -n "$RUN/smtp-client.php" "$PORT_P,$PORT_B,$PORT_M" "$PER" "$WARMUP" "r$1" "$CONNS" \
		>"$RUN/smtp-all-$1.out" 2>"$RUN/smtp-all-$1.err" || die "smtp client (round $1) failed" "$RUN/smtp-all-$1.err"
	for v in $VARIANTS; do
		awk -v i="$i" '$1 == "wall" && $2 == i {print "wall", $3; next} $1 == i {$1 = ""; sub(/^ /, ""); print}' \
			"$RUN/smtp-all-$1.out" >"$RUN/smtp-$v-$1.out"
		awk -v i="$i" '$1 == "conn" && $2 == i {print $3}' "$RUN/smtp-all-$1.out" >"$RUN/conn-$v-$1.out"
		i=$((i + 1))
	done
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
# Per timed message of variant $1, "PHASE MICROSECONDS" lines: the client's
# instants (smtp-client.php) lined up by queue ID with the milter's own
# (mailguard-milter's timing= field, the baseline's "eom" lines).
phases() {
	local log=/dev/null
	case $1 in mailguard) log=$RUN/milter.log;; baseline) log=$RUN/baseline.log;; esac
	awk -v kind="$1" -v logf="$log" '
	FILENAME == logf {
		if (kind == "baseline") { if ($1 == "eom") { E[$2] = $3; D[$2] = $4 - $3 } next }
		q = ""; t = ""
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^queue_id=/) q = substr($i, 10)
			else if ($i ~ /^timing=/) t = substr($i, 8)
		}
		if (q != "" && t != "") T[q] = t
		next
	}
	$1 == "wall" { next }
	{
		t0 = $2; t1 = $3; t2 = $4; t3 = $5; t4 = $6; t5 = $7; q = $8
		print "total", $1
		print "mail", t1 - t0; print "rcpt", t2 - t1; print "data", t3 - t2; print "send", t4 - t3; print "dot", t5 - t4
		if (kind == "baseline" && (q in E)) {
			print "dot>eom", E[q] - t4; print "eom", D[q]; print "reply>250", t5 - E[q] - D[q]
		}
		if (kind == "mailguard" && (q in T)) {
			n = split(T[q], kv, ",")
			for (i = 1; i <= n; i++) { split(kv[i], p, ":"); v[p[1]] = p[2] }
			at = v["at"]; eom = at + v["eom"]
			print "mail>milter", at - t0
			print "dot>eom", eom - t4; print "eom", v["total"]
			print "eom.scan", v["scan"]; print "eom.wait", v["wait"]; print "eom.connect", v["connect"]
			print "eom.db", v["db"]; print "eom.edits", v["edits"]
			print "eom.other", v["total"] - v["scan"] - v["wait"] - v["connect"] - v["db"] - v["edits"]
			print "reply>250", t5 - eom - v["total"]
		}
	}' "$log" "$RUN"/smtp-"$1"-[0-9]*.out
}
phase_stat() { # file phase: "p50 mean" in microseconds, or "-"
	awk -v ph="$2" '$1 == ph {print $2}' "$1" | sort -n | awk '{a[NR] = $1; s += $1} END {if (!NR) {print "-"; exit} i = int((50 * NR + 99) / 100); printf "%d %d", a[i], s / NR}'
}
# }}}

# {{{ (a) SMTP
say "SMTP: $ROUNDS rounds x $PER messages per variant ($VARIANTS), interleaved"
CPU0=$(awk '/^cpu /{print $2+$3+$4+$6+$7+$8, $5}' /proc/stat)
for r in $(seq "$ROUNDS"); do smtp_run "$r"; done
CPU1=$(awk '/^cpu /{print $2+$3+$4+$6+$7+$8, $5}' /proc/stat)
if [ -n "${BENCH_STRACE:-}" ]; then
	# One more round under strace: the master (for the processes it forks
	# from now on) and every process it runs now.
	MPID=$(tr -dc 0-9 <"$PF_QUEUE/pid/master.pid")
	args=(-p "$MPID")
	for p in $(ps -o pid= --ppid "$MPID"); do args+=(-p "$p"); done
	ps -o pid=,args= --ppid "$MPID" >"$RUN/strace.ps"
	strace -f -tt -T -o "$RUN/strace.txt" "${args[@]}" 2>"$RUN/strace.err" &
	STRACE_PID=$!
	sleep 1
	smtp_run strace
	kill "$STRACE_PID" 2>/dev/null; wait "$STRACE_PID" 2>/dev/null
	say "strace output: $RUN/strace.txt (processes: strace.ps)"
fi
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
WANT_SMTP=$((N + ROUNDS * WARMUP))
[ -z "${BENCH_STRACE:-}" ] || WANT_SMTP=$((WANT_SMTP + PER + WARMUP))
WANT_SM=$(( SM_N > 0 ? SM_N * SM_ROUNDS : 0 ))
WANT_DELIVERED=$(( 3 * WANT_SMTP + 2 * WANT_SM ))
TEMPFAILS=$(grep -c 'verdict=tempfail' "$RUN/milter.log")
BASE_EOMS=$(grep -c '^eom ' "$RUN/baseline.log")
# PostgreSQL's own time in milter_mail(): the milter's sessions report
# their counters when they end.
kill "$MILTER_PID" 2>/dev/null && wait "$MILTER_PID" 2>/dev/null
MILTER_PID=""
sleep 1
read -r FN_CALLS FN_US <<<"$(sql -F ' ' -c "SELECT calls, round((total_time * 1000 / nullif(calls, 0))::numeric) FROM pg_stat_user_functions WHERE schemaname = 'mailguard' AND funcname = 'milter_mail'")"
# }}}

# {{{ report
busy=$(awk -v l="${LOAD_AFTER%% *}" -v n="$(nproc)" 'BEGIN{print (l > n) ? 1 : 0}')
echo "== environment"
echo "CPUs:       $(nproc) ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1))"
echo "kernel:     $(uname -r)"
echo "Postfix:    $(postconf -c "$PF_CONF" -h mail_version 2>/dev/null); PostgreSQL: $(sql -c 'SHOW server_version'), fsync=$(sql -c 'SHOW fsync'), synchronous_commit=$(sql -c 'SHOW synchronous_commit') (the milter's: ${BENCH_SYNC_COMMIT:-its default}), Unix socket"
echo "milter:     $MILTER ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)), log = stderr to a file, log_timing = on, deadline_ms = 500"
echo "command:    ${BENCH_SYNC_COMMIT:+BENCH_SYNC_COMMIT=$BENCH_SYNC_COMMIT }BENCH_N=$N BENCH_ROUNDS=$ROUNDS BENCH_WARMUP=$WARMUP BENCH_SM_N=$SM_N BENCH_SM_ROUNDS=$SM_ROUNDS bash bench/milter.sh"
echo "loadavg:    $LOAD_BEFORE before, $LOAD_AFTER after"
read -r b0 i0 <<<"$CPU0"; read -r b1 i1 <<<"$CPU1"
echo "CPU busy during (a): $(awk -v b=$((b1 - b0)) -v i=$((i1 - i0)) 'BEGIN{printf "%.0f%%", (b+i) ? 100*b/(b+i) : 0}') (all CPUs, this bench included)"
echo
echo "== (a) SMTP on 127.0.0.1, one connection per variant per round, interleaved; MAIL FROM .. 250 after the dot"
printf '%-38s %6s %9s %9s %9s %9s %9s\n' variant n "p50 ms" "p99 ms" "mean ms" "max ms" "msgs/s"
for v in $VARIANTS; do
	lat_of "$RUN"/smtp-$v-[0-9]*.out >"$RUN/all-$v"
	n=$(wc -l <"$RUN/all-$v")
	w=$(wall_of "$RUN"/smtp-$v-[0-9]*.out)
	eval "P50_$v=$(pct 50 "$RUN/all-$v") P99_$v=$(pct 99 "$RUN/all-$v")"
	case $v in
	plain) label="plain (smtpd_milters unset)";;
	baseline) label="baseline (bench/milter-baseline.c)";;
	mailguard) label="mailguard (mailguard-milter)";;
	esac
	printf '%-38s %6s %9s %9s %9s %9s %9s\n' "$label" "$n" "$(eval ms \$P50_$v)" "$(eval ms \$P99_$v)" \
		"$(awk '{s+=$1} END{printf "%.3f", s/NR/1000}' "$RUN/all-$v")" "$(ms "$(pct 100 "$RUN/all-$v")")" \
		"$(awk -v n="$n" -v w="$w" 'BEGIN{printf "%.0f", w ? n*1e6/w : 0}')"
done
ADD50=$((P50_mailguard - P50_plain)); ADD99=$((P99_mailguard - P99_plain))
BADD50=$((P50_baseline - P50_plain)); BADD99=$((P99_baseline - P99_plain))
echo "added over plain: baseline milter p50 $(ms $BADD50) ms, p99 $(ms $BADD99) ms; mailguard-milter p50 $(ms $ADD50) ms, p99 $(ms $ADD99) ms"
echo "mailguard-milter over the baseline milter: p50 $(ms $((P50_mailguard - P50_baseline))) ms"
# paired: message i of each variant went out at the same moment
for r in $(seq "$ROUNDS"); do
	paste -d ' ' <(lat_of "$RUN/smtp-plain-$r.out") <(lat_of "$RUN/smtp-baseline-$r.out") <(lat_of "$RUN/smtp-mailguard-$r.out")
done | awk '{print $9 - $1, $17 - $1, $17 - $9}' >"$RUN/paired"
echo "paired (message i of each variant at the same moment), median of the differences: baseline - plain $(ms "$(awk '{print $1}' "$RUN/paired" | pct 50)") ms, mailguard - plain $(ms "$(awk '{print $2}' "$RUN/paired" | pct 50)") ms, mailguard - baseline $(ms "$(awk '{print $3}' "$RUN/paired" | pct 50)") ms"
printf 'connect .. 220 greeting (%s sessions per variant; Postfix asks its milters first), p50 / p99 ms:' "$((CONNS * ROUNDS))"
for v in $VARIANTS; do printf ' %s %s / %s' "$v" "$(ms "$(pct 50 "$RUN"/conn-$v-[0-9]*.out)")" "$(ms "$(pct 99 "$RUN"/conn-$v-[0-9]*.out)")"; done
echo
echo "per round (p50 ms: plain / baseline / mailguard; added: baseline / mailguard):"
: >"$RUN/added"; : >"$RUN/badded"
for r in $(seq "$ROUNDS"); do
	a=$(lat_of "$RUN/smtp-plain-$r.out" | pct 50); b=$(lat_of "$RUN/smtp-baseline-$r.out" | pct 50)
	c=$(lat_of "$RUN/smtp-mailguard-$r.out" | pct 50)
	echo $((c - a)) >>"$RUN/added"; echo $((b - a)) >>"$RUN/badded"
	printf '  round %-3s %8s %8s %8s   %8s %8s\n' "$r" "$(ms "$a")" "$(ms "$b")" "$(ms "$c")" "$(ms $((b - a)))" "$(ms $((c - a)))"
done
AMIN=$(pct 0 "$RUN/added"); AMAX=$(pct 100 "$RUN/added")
SPREAD=$((AMAX - AMIN))
echo "spread of the per-round added p50: mailguard $(ms "$SPREAD") ms ($(ms "$AMIN") .. $(ms "$AMAX")), baseline $(ms $(($(pct 100 "$RUN/badded") - $(pct 0 "$RUN/badded")))) ms ($(ms "$(pct 0 "$RUN/badded")") .. $(ms "$(pct 100 "$RUN/badded")"))"
grep 'via=smtp' "$RUN/milter.log" | grep -o ' ms=[0-9]*' | cut -d= -f2 >"$RUN/milter-ms"
echo "the milter's own figure (ms= in its log: its database question, whole ms), via smtp: p50 $(pct 50 "$RUN/milter-ms") ms, p99 $(pct 99 "$RUN/milter-ms") ms"
DIST=$((ADD50 > TARGET_US ? ADD50 - TARGET_US : TARGET_US - ADD50))
if [ "$busy" = 1 ]; then
	verdict="no verdict: the machine is busy (load ${LOAD_AFTER%% *} > $(nproc) CPUs)"
elif [ $((SPREAD / 2)) -ge "$DIST" ]; then
	verdict="no verdict: half the spread ($(ms $((SPREAD / 2))) ms) >= the margin to the target ($(ms "$DIST") ms)"
elif [ "$ADD50" -le "$TARGET_US" ]; then verdict=PASS
else verdict=MISS; fi
echo "target: added p50 <= $(ms "$TARGET_US") ms: $verdict"
echo
echo "== where the time goes: per phase, p50 / mean microseconds over the timed messages"
for v in $VARIANTS; do phases "$v" >"$RUN/phases-$v"; done
printf '%-12s %-62s %15s %15s %15s\n' phase "" plain baseline mailguard
while IFS='|' read -r ph what; do
	printf '%-12s %-62s' "$ph" "$what"
	for v in $VARIANTS; do printf ' %15s' "$(phase_stat "$RUN/phases-$v" "$ph" | tr ' ' /)"; done
	echo
done <<'PHASES'
total|client: MAIL FROM sent .. 250 after the dot
mail|client: MAIL FROM .. its 250
mail>milter|  MAIL sent .. the milter's MAIL callback (not awaited by smtpd)
rcpt|client: RCPT TO .. its 250 (no milter reply awaited)
data|client: DATA .. 354
send|client: writing the message and the dot
dot|client: the dot sent .. the 250 (cleanup, the milter, the queue)
dot>eom|  the dot .. the milter's end-of-message callback
eom|  in the end-of-message callback
eom.scan|    the header scan (the log row's fields)
eom.wait|    waiting for a free database connection
eom.connect|    opening one (0: reused)
eom.db|    the database question: sent, run, committed, answered
eom.edits|    the header edits sent to Postfix
eom.other|    the rest of the callback
reply>250|  the callback's reply .. the client has the 250
PHASES
echo "the SMTP path's uid lookup (sock_diag, or /proc/net/tcp) is at connect, once per connection: p50 $(grep -o 'timing=[^ ]*' "$RUN/milter.log" | grep -o 'uid:[0-9]*' | cut -d: -f2 | pct 50) us"
echo "PostgreSQL's own time in mailguard.milter_mail() (track_functions, all $FN_CALLS calls): mean ${FN_US:-?} us"
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
echo "checks: milter accepted via smtp $SMTP_ROWS (expected $WANT_SMTP), via sendmail $SM_ROWS (expected $WANT_SM); baseline milter saw $BASE_EOMS (expected $WANT_SMTP); delivered $DELIVERED (expected $WANT_DELIVERED); milter tempfails $TEMPFAILS"
# }}}
