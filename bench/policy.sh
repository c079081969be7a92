#!/usr/bin/env bash
# mailguard benchmark: the policy function alone, as the extension calls it
# (the SQL text of ext/mailguard/store.c, its 21 positional parameters),
# schema version 4 against the current one, each beside `SELECT 1` on the
# same cluster in the same round. See bench/README.md and
# docs/performance.md ("The policy function").
#
#   bash bench/policy.sh
#
# Environment: POLICY_ROUNDS (interleaved rounds, default 3), POLICY_T
# (seconds per pgbench run, default 5), POLICY_CLIENTS (default 8),
# POLICY_ACCOUNTS (default 100), POLICY_OLD (the schema version to compare
# with, default 4), POLICY_COST (1: also count the instructions per call
# with callgrind on a single-user backend; 0: skip). Runs as root on Debian 12 (installs what it needs, like
# scripts/test.sh). Exit status: 0 whatever the figures; non-zero only when
# something failed to run.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ROUNDS=${POLICY_ROUNDS:-3}
T=${POLICY_T:-5}
C=${POLICY_CLIENTS:-8}
ACCOUNTS=${POLICY_ACCOUNTS:-100}
OLD=${POLICY_OLD:-4}
for v in ROUNDS T C ACCOUNTS OLD; do
	[[ ${!v} =~ ^[0-9]+$ ]] && [ "${!v}" -gt 0 ] || { echo "policy: $v must be a positive integer" >&2; exit 2; }
done
# the goal (issue 13): calls/s, or this fraction of SELECT 1's rate
GOAL_TPS=10000
GOAL_RATIO=0.38

mg_install_deps >&2
cd "$MG_ROOT"
NEW=$(ls sql/migrations | sed -n 's/^0*\([0-9][0-9]*\)_.*\.sql$/\1/p' | sort -n | tail -n 1)

# {{{ scratch dir, cluster; undone on exit
bench_scratch mg-policy
bench_pg_start
mgdb() { PGHOST="$MG_PG_HOST" PGPORT="$MG_PG_PORT" PGUSER=postgres PGDATABASE=$1 "$MG_ROOT/sql/mailguard-db" "${@:2}"; }

# Database mg_old at schema version OLD (its migrations only), and the
# cluster's own database at the current version: the same cluster, roles
# and settings.
mkdir -p "$WORK/old"
for f in sql/migrations/[0-9][0-9][0-9][0-9]_*.sql; do
	v=$(basename "$f" | sed 's/^0*\([0-9][0-9]*\)_.*/\1/')
	[ "$v" -gt "$OLD" ] || cp "$f" "$WORK/old/"
done
psql_su -c "CREATE DATABASE mg_old"
MAILGUARD_MIGRATIONS=$WORK/old mgdb mg_old apply >&2
mgdb mg_old add-client mailguard_web --shared >&2
for db in mg_old "$MG_PG_DB"; do
	# unlimited accounts named 1001.. (a pgbench variable is a number)
	bash "$MG_ROOT/scripts/pg.sh" psql "$PGDIR" -d "$db" -qAt \
		-c "INSERT INTO mailguard.accounts (name) SELECT (1000 + i)::text FROM generate_series(1, $ACCOUNTS) i"
done
v_old=$(bash "$MG_ROOT/scripts/pg.sh" psql "$PGDIR" -d mg_old -qAt -c "SELECT max(version) FROM mailguard.schema_version")
v_new=$(psql_su -c "SELECT max(version) FROM mailguard.schema_version")
[ "$v_old" = "$OLD" ] && [ "$v_new" = "$NEW" ] || { echo "policy: schema versions $v_old/$v_new, expected $OLD/$NEW" >&2; exit 1; }

bench_find_pgbench
PGPASS=$(bench_pg_password)
# }}}

# {{{ the scripts
# The extension's question (store.c, mg_db_check_sql) for a mail without
# a failure to report: pgbench -M extended sends each :variable as an
# untyped text parameter, as PQsendQueryParams() does. What pgbench
# cannot send as a parameter is written as a literal: the NULLs (Cc, Bcc,
# no trace, no outcome). The deadline is far ahead: on time, the function
# only compares it with the clock.
call() {
	cat <<SQL
\\set pid random(1000, 30000)
$1
SELECT verdict, reason, detail, trace FROM mailguard.mail(:acct, :rcpts::integer, :fn, :uid::integer, :owner::integer, :script, :line::integer, :entry, :vhost, :client, :host, :pid::integer, :sapi, :from, :to, NULL, NULL, :subject, NULL::uuid, NULL, :dl::timestamptz);
SQL
}
call "\\set acct random(1001, $((1000 + ACCOUNTS)))" >"$WORK/spread.sql"
call "\\set acct 1001" >"$WORK/hot.sql"
echo 'SELECT 1;' >"$WORK/select1.sql"
# The floor: what the data path of an accepted mail costs the server
# without the function around it, as the superuser (the client role may
# not write the tables), prepared (a multi-part statement re-planned per
# call would measure the planner): the log row alone (its partition
# routing, three indexes, the commit), the counting UPDATE alone, and
# both with the account lookup as one statement, the shape of schema 6's
# common path. No design that keeps a counter row and a log row per mail
# can be cheaper than the third.
floor_insert() {
	cat <<SQL
\\set acct random(1001, $((1000 + ACCOUNTS)))
\\set pid random(1000, 30000)
INSERT INTO mailguard.log (trace, account, fn, uid, owner_uid, script, line, entry, vhost, client_ip, sender_host,
	pid, sapi, mail_from, mail_to, subject, via, rcpts, verdict, outcome)
VALUES (gen_random_uuid(), :acct, :fn, :uid::integer, :owner::integer, :script, :line::integer, :entry, :vhost, :client, :host,
	:pid::integer, :sapi, :from, :to, :subject, 'php', :rcpts::integer, 'accept', 'sent');
SQL
}
floor_update() {
	cat <<SQL
\\set acct random(1001, $((1000 + ACCOUNTS)))
UPDATE mailguard.counters c SET hour_msgs = c.hour_msgs + 1, hour_rcpts = c.hour_rcpts + :rcpts::integer,
	day_msgs = c.day_msgs + 1, day_rcpts = c.day_rcpts + :rcpts::integer
 WHERE c.account = (SELECT l.account FROM mailguard.counters l WHERE l.account = :acct::text FOR UPDATE SKIP LOCKED);
SQL
}
floor_one() {
	cat <<SQL
\\set acct random(1001, $((1000 + ACCOUNTS)))
\\set pid random(1000, 30000)
WITH a AS (SELECT a.name, a.msgs_hour FROM mailguard.accounts a WHERE a.name = :acct::text AND NOT a.blocked),
u AS (UPDATE mailguard.counters c SET hour_msgs = c.hour_msgs + 1, hour_rcpts = c.hour_rcpts + :rcpts::integer,
	day_msgs = c.day_msgs + 1, day_rcpts = c.day_rcpts + :rcpts::integer FROM a
 WHERE c.account = (SELECT l.account FROM mailguard.counters l WHERE l.account = a.name FOR UPDATE SKIP LOCKED)
   AND (a.msgs_hour IS NULL OR c.hour_msgs < a.msgs_hour)
 RETURNING c.account, a.msgs_hour - c.hour_msgs AS left),
i AS (INSERT INTO mailguard.log (trace, account, fn, uid, owner_uid, script, line, entry, vhost, client_ip, sender_host,
	pid, sapi, mail_from, mail_to, subject, via, rcpts, verdict, outcome)
 SELECT gen_random_uuid(), u.account, :fn, :uid::integer, :owner::integer, :script, :line::integer, :entry, :vhost, :client, :host,
	:pid::integer, :sapi, :from, :to, :subject, 'php', :rcpts::integer, 'accept', 'sent' FROM u)
SELECT u.left FROM u;
SQL
}
floor_insert >"$WORK/floor_insert.sql"
floor_update >"$WORK/floor_update.sql"
floor_one >"$WORK/floor_one.sql"
VARS=(-D rcpts=1 -D fn=mail -D uid=33 -D owner=1000 -D script=/var/www/site/contact.php -D line=42
	-D entry=/var/www/site/index.php -D vhost=site.example -D client=192.0.2.10 -D host=web1.example
	-D sapi=fpm-fcgi -D from=shop@site.example -D to=customer@example.net -D "subject=Your order"
	-D dl=2099-01-01T00:00:00.000Z)
# }}}

# {{{ runs
declare -A TPS FAILED
# LABEL DB SYNC CLIENTS SCRIPT: one pgbench run; its tps appended to TPS[LABEL]
# (a sixth argument: run as the superuser, prepared; the floor runs)
pgb() {
	local label=$1 db=$2 sync=$3 c=$4 script=$5 out tps fail j=$(( $4 < 2 ? $4 : 2 )) user=mailguard_web mode=extended
	[ -z "${6:-}" ] || { user=postgres; mode=prepared; }
	out=$(env PGPASSWORD="$PGPASS" PGOPTIONS="-c synchronous_commit=$sync -c statement_timeout=1000" \
		"$PGB" -n -M "$mode" -T "$T" -c "$c" -j "$j" -f "$script" "${VARS[@]}" \
		-h "$MG_PG_HOST" -p "$MG_PG_PORT" -U "$user" "$db" 2>&1) \
		|| { printf '%s\n' "$out" >&2; echo "policy: pgbench failed ($label)" >&2; exit 1; }
	tps=$(printf '%s\n' "$out" | sed -nE 's/^tps = ([0-9.]+) \(without initial connection time\).*/\1/p')
	fail=$(printf '%s\n' "$out" | sed -nE 's/^number of failed transactions: ([0-9]+).*/\1/p')
	[ -n "$tps" ] || { printf '%s\n' "$out" >&2; echo "policy: no tps ($label)" >&2; exit 1; }
	TPS[$label]="${TPS[$label]:-} $tps"
	FAILED[$label]=$(( ${FAILED[$label]:-0} + ${fail:-0} ))
}
RUNS=(select1 old new old_hot_off new_hot_off old_hot_on new_hot_on floor_insert floor_update floor_one)
run() {
	case $1 in
		select1)     pgb "$1" "$MG_PG_DB" off "$C" "$WORK/select1.sql" ;;
		old)         pgb "$1" mg_old off "$C" "$WORK/spread.sql" ;;
		new)         pgb "$1" "$MG_PG_DB" off "$C" "$WORK/spread.sql" ;;
		old_hot_off) pgb "$1" mg_old off "$C" "$WORK/hot.sql" ;;
		new_hot_off) pgb "$1" "$MG_PG_DB" off "$C" "$WORK/hot.sql" ;;
		old_hot_on)  pgb "$1" mg_old on "$C" "$WORK/hot.sql" ;;
		new_hot_on)  pgb "$1" "$MG_PG_DB" on "$C" "$WORK/hot.sql" ;;
		floor_*)     pgb "$1" "$MG_PG_DB" off "$C" "$WORK/$1.sql" su ;;
	esac
}
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
read -r _ u0 n0 s0 i0 w0 q0 sq0 st0 _ </proc/stat
for r in $(seq 0 $((ROUNDS - 1))); do
	# rotate the order each round: no run always follows the same one
	order=("${RUNS[@]:r % ${#RUNS[@]}}" "${RUNS[@]:0:r % ${#RUNS[@]}}")
	for x in "${order[@]}"; do run "$x"; done
	mg_say "round $((r + 1))/$ROUNDS done (${order[*]})" >&2
done
read -r _ u1 n1 s1 i1 w1 q1 sq1 st1 _ </proc/stat
tot=$(( (u1+n1+s1+i1+w1+q1+sq1+st1) - (u0+n0+s0+i0+w0+q0+sq0+st0) ))
STEAL=$(awk "BEGIN{printf \"%.1f\", 100 * $((st1 - st0)) / ($tot > 0 ? $tot : 1)}")
# }}}

# {{{ checks: the spread runs were all accepted (no limits), none failed
rows() {
	bash "$MG_ROOT/scripts/pg.sh" psql "$PGDIR" -d "$1" -qAt \
		-c "SELECT count(*) FILTER (WHERE verdict = 'accept') || ' accepted, ' || count(*) FILTER (WHERE verdict <> 'accept') || ' refused ' || coalesce(string_agg(DISTINCT split_part(reason, ':', 1), ',') FILTER (WHERE verdict <> 'accept'), '') FROM mailguard.log"
}
# }}}

# {{{ the report
# median, min, max of a list of numbers
stats() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{a[NR]=$1} END{m = NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.0f %.0f %.0f", m, a[1], a[NR]}'; }
# per-round ratios of LABEL to select1
ratios() {
	local -a a b
	read -r -a a <<<"${TPS[$1]}"
	read -r -a b <<<"${TPS[select1]}"
	for i in "${!a[@]}"; do awk "BEGIN{printf \"%.4f \", ${a[$i]} / ${b[$i]}}"; done
}
rstats() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{a[NR]=$1} END{m = NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.3f %.3f %.3f", m, a[1], a[NR]}'; }

echo "== environment"
echo "CPUs:        $(nproc) ($(sed -nE 's/^model name\s*: //p' /proc/cpuinfo | head -n 1))"
echo "kernel:      $(uname -r)"
echo "PostgreSQL:  $(psql_su -c 'SHOW server_version'), fsync=$(psql_su -c 'SHOW fsync'), shared_buffers=$(psql_su -c 'SHOW shared_buffers'), Unix socket"
echo "pgbench:     $("$PGB" --version), -n -M extended -c $C -j 2 -T $T, as mailguard_web (shared client role)"
echo "schema:      mg_old at version $v_old, $MG_PG_DB at version $v_new ($(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD -- sql/migrations 2>/dev/null || echo ', migrations MODIFIED'))"
echo "accounts:    $ACCOUNTS unlimited accounts, random one per call (spread); one account for all clients (hot)"
echo "rounds:      $ROUNDS, each running all ${#RUNS[@]} runs, order rotated each round"
echo "loadavg:     $LOAD_START before, $(cut -d' ' -f1-3 /proc/loadavg) after; stolen by the hypervisor ${STEAL}%"
echo
echo "== calls/s (median of $ROUNDS rounds, min..max)"
printf '%-34s %-5s %9s %17s %8s %17s %7s\n' run sync "calls/s" "min..max" "x SEL 1" "ratio min..max" failed
line() {  # label title sync
	local m lo hi rm rlo rhi
	read -r m lo hi <<<"$(stats <<<"${TPS[$1]}")"
	if [ "$1" = select1 ]; then
		printf '%-34s %-5s %9s %17s %8s %17s %7s\n' "$2" "$3" "$m" "$lo..$hi" "1" "" "${FAILED[$1]}"
	else
		read -r rm rlo rhi <<<"$(ratios "$1" | rstats)"
		printf '%-34s %-5s %9s %17s %8s %17s %7s\n' "$2" "$3" "$m" "$lo..$hi" "$rm" "$rlo..$rhi" "${FAILED[$1]}"
	fi
}
line select1 "SELECT 1" off
line old "mail(), schema $v_old, $ACCOUNTS accounts" off
line new "mail(), schema $v_new, $ACCOUNTS accounts" off
line old_hot_off "mail(), schema $v_old, one account" off
line new_hot_off "mail(), schema $v_new, one account" off
line old_hot_on "mail(), schema $v_old, one account" on
line new_hot_on "mail(), schema $v_new, one account" on
line floor_insert "floor: the log INSERT alone" off
line floor_update "floor: the counting UPDATE alone" off
line floor_one "floor: lookup+count+log, 1 stmt" off
echo
# The goal holds when either figure is met. A verdict only when every
# round is on the same side of the goal: otherwise the spread is wider
# than the margin and the figures say nothing either way.
read -r m lo hi <<<"$(stats <<<"${TPS[new]}")"
read -r rm rlo rhi <<<"$(ratios new | rstats)"
# Nor on a busy machine: a load average above the CPU count before or
# after the runs says other work shared the CPUs.
busy=$(awk -v n="$(nproc)" -v a="${LOAD_START%% *}" -v b="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN{print (a > n || b > n + 8) ? 1 : 0}')
verdict=$(awk -v lo="$lo" -v hi="$hi" -v rlo="$rlo" -v rhi="$rhi" -v g="$GOAL_TPS" -v gr="$GOAL_RATIO" -v busy="$busy" 'BEGIN{
	if (busy) print "no verdict: the machine was busy (load average above the CPU count)";
	else if (lo >= g || rlo >= gr) print "PASS (every round at or above the goal)";
	else if (hi < g && rhi < gr) print "MISS (every round below the goal)";
	else print "no verdict: the spread over rounds straddles the goal";
}')
echo "goal: >= $GOAL_TPS calls/s or >= ${GOAL_RATIO}x SELECT 1 (schema $v_new, $ACCOUNTS accounts, sync off): $verdict"
echo "log rows: schema $v_old: $(rows mg_old); schema $v_new: $(rows "$MG_PG_DB")"
# }}}

# {{{ instructions per call: callgrind on a single-user backend
# Throughput on a shared 2-vCPU machine moves with the neighbours; the
# instructions a backend executes per call do not. The cluster is stopped
# and each database runs in `postgres --single` under callgrind, counting
# only the statements (parse, plan, run, commit: not the start-up), for
# N1 and then N2 calls; the difference over N2 - N1 calls is the cost of
# one call, cache warm. The caller there is the superuser (a clients row
# with trust_claimed lets it ask), which skips privilege checks the client
# role pays: a few thousand instructions, the same for both versions.
# POLICY_COST=0 skips this part.
if [ "${POLICY_COST:-1}" = 1 ]; then
	N1=50 N2=250
	for db in mg_old "$MG_PG_DB"; do
		psql_su -d "$db" -c "INSERT INTO mailguard.clients (role, trust_claimed) VALUES ('postgres', true) ON CONFLICT DO NOTHING"
	done
	POSTGRES=$(dirname "$PGB")/postgres
	OWNER=$(stat -c %U "$PGDIR/data")
	bash "$MG_ROOT/scripts/pg.sh" stop "$PGDIR" 2>/dev/null
	mkdir -p "$WORK/cg" && chmod 0777 "$WORK/cg"
	# N lines of TEMPLATE, @A@ replaced by a pseudo-random account (the
	# same sequence every run), @P@ by a pid
	gen() { awk -v n="$1" -v t="$2" -v k="$ACCOUNTS" 'BEGIN{srand(1); for (i = 0; i < n; i++) { s = t; a = 1001 + int(rand() * k); gsub(/@A@/, a, s); gsub(/@P@/, 1000 + i, s); print s } }'; }
	# instructions for N calls of TEMPLATE in database DB
	instr() {
		local db=$1 n=$2 tpl=$3
		{ echo "SET synchronous_commit = off"; gen "$n" "$tpl"; } >"$WORK/cg/in.sql"
		chmod 0644 "$WORK/cg/in.sql"
		rm -f "$WORK/cg/out"
		su "$OWNER" -s /bin/sh -c "TMPDIR='$WORK/cg' valgrind --tool=callgrind --callgrind-out-file='$WORK/cg/out' \
			--toggle-collect=pg_parse_query --toggle-collect=pg_analyze_and_rewrite_fixedparams \
			--toggle-collect=pg_plan_queries --toggle-collect=PortalRun \
			--toggle-collect=StartTransactionCommand --toggle-collect=CommitTransactionCommand \
			'$POSTGRES' --single -D '$PGDIR/data' '$db' <'$WORK/cg/in.sql' >'$WORK/cg/stdout' 2>'$WORK/cg/err'" \
			|| { cat "$WORK/cg/err" >&2; echo "policy: callgrind run failed ($db)" >&2; exit 1; }
		if grep -q ERROR "$WORK/cg/stdout"; then
			grep -m 3 ERROR "$WORK/cg/stdout" >&2; echo "policy: a statement failed under callgrind ($db)" >&2; exit 1
		fi
		sed -nE 's/^(summary|totals): ([0-9]+).*/\2/p' "$WORK/cg/out" | tail -n 1
	}
	per_call() { local a b; a=$(instr "$1" $N1 "$2"); b=$(instr "$1" $N2 "$2"); echo $(( (b - a) / (N2 - N1) )); }
	MAILCALL="SELECT verdict, reason, detail, trace FROM mailguard.mail('@A@', 1, 'mail', 33, 1000, '/var/www/site/contact.php', 42, '/var/www/site/index.php', 'site.example', '192.0.2.10', 'web1.example', @P@, 'fpm-fcgi', 'shop@site.example', 'customer@example.net', NULL, NULL, 'Your order', NULL::uuid, NULL, '2099-01-01T00:00:00Z'::timestamptz)"
	INS="INSERT INTO mailguard.log (trace, account, fn, uid, owner_uid, script, line, entry, vhost, client_ip, sender_host, pid, sapi, mail_from, mail_to, subject, via, rcpts, verdict, outcome) VALUES (gen_random_uuid(), '@A@', 'mail', 33, 1000, '/var/www/site/contact.php', 42, '/var/www/site/index.php', 'site.example', '192.0.2.10', 'web1.example', @P@, 'fpm-fcgi', 'shop@site.example', 'customer@example.net', 'Your order', 'php', 1, 'accept', 'sent')"
	UPD="UPDATE mailguard.counters c SET hour_msgs = c.hour_msgs + 1, hour_rcpts = c.hour_rcpts + 1, day_msgs = c.day_msgs + 1, day_rcpts = c.day_rcpts + 1 WHERE c.account = (SELECT l.account FROM mailguard.counters l WHERE l.account = '@A@' FOR UPDATE SKIP LOCKED)"
	mg_say "callgrind: instructions per call ($N1 and $N2 calls each)" >&2
	sel1=$(per_call "$MG_PG_DB" "SELECT 1")
	i_old=$(per_call mg_old "$MAILCALL")
	i_new=$(per_call "$MG_PG_DB" "$MAILCALL")
	i_ins=$(per_call "$MG_PG_DB" "$INS")
	i_upd=$(per_call "$MG_PG_DB" "$UPD")
	for v in sel1 i_old i_new i_ins i_upd; do
		[[ ${!v} =~ ^[0-9]+$ ]] && [ "${!v}" -gt 0 ] || { echo "policy: no instruction count ($v)" >&2; exit 1; }
	done
	echo
	echo "== instructions per call (callgrind, postgres --single, simple protocol, autocommit, sync off; load-independent)"
	printf '%-34s %12s %10s\n' call "instr/call" "x SEL 1"
	cl() { printf '%-34s %12s %10s\n' "$1" "$2" "$(awk -v a="$2" -v b="$sel1" 'BEGIN{printf "%.1f", a / b}')"; }
	cl "SELECT 1" "$sel1"
	cl "mail(), schema $v_old" "$i_old"
	cl "mail(), schema $v_new" "$i_new"
	cl "floor: the log INSERT alone" "$i_ins"
	cl "floor: the counting UPDATE alone" "$i_upd"
	echo "schema $v_new against $v_old: $(awk -v a="$i_new" -v b="$i_old" 'BEGIN{printf "%.3f", a / b}')x the instructions"
fi
# }}}
