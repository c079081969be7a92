#!/usr/bin/env bash
# mailguard benchmark: the log at realistic size (issue 15, "Growth").
# Starts its own private PostgreSQL (scripts/pg.sh), then:
#
#  1. generates the log with generate_series in SQL, into the real
#     partitioned mailguard.log, through the monthly partitions that
#     mailguard.log_maintain() creates: ROWS rows (default 10M) over DAYS
#     days (91) up to now, ACCOUNTS accounts (10k) with their accounts and
#     counters rows; a few hot accounts, most small, a verdict mix,
#     scripts, entry points and vhosts per account. Prints how long it took,
#     the heap, index and WAL bytes (pg_current_wal_lsn() before/after),
#     per million mails;
#  2. measures the policy call (the extension's SQL text and parameter list
#     from ext/mailguard/store.c, with the previous mail's outcome riding
#     along, as in a row of mails) with pgbench, 8 clients, random accounts
#     of the 10k, synchronous_commit off, on an empty log (a second database
#     with the same schema and accounts) and on the full one, in interleaved
#     rounds; figure beside figure, per-round ratios, spread; PASS/MISS
#     only when the spread is within the margin;
#     Then fills the hourly roll-up (schema 7, mailguard.log_rollup(): the
#     generated rows are not rolled up yet; what the first call after an
#     upgrade to version 7 costs on a log this size): time, rows, size, WAL;
#  3. runs the admin queries the docs show (usage, top, log, trace, report,
#     the SQL of docs/database.md) with the real admin/mailguard command,
#     timed, then once more with auto_explain (ANALYZE, BUFFERS) to print
#     their plans; each must answer in under a second;
#  4. shows that retention (`mailguard retention MONTHS`, i.e.
#     mailguard.log_maintain()) drops whole partitions: the partition list
#     before and after, per-partition row counts, no row deleted, the WAL
#     it wrote, its time.
#
#   bash bench/growth.sh                  # as root; 10M rows: 15-30 minutes on 2 vCPUs
#   bash bench/growth.sh --rows 1000000   # a quicker look
#
# Environment: GROWTH_ROWS (10000000; --rows N), GROWTH_ACCOUNTS (10000),
# GROWTH_DAYS (91), GROWTH_ROUNDS (6 interleaved rounds), GROWTH_T (10 s
# per pgbench run), GROWTH_WARMUP (10 s of untimed pgbench on each
# database first), GROWTH_CLIENTS (8), GROWTH_MARGIN (0.10: the policy
# call on the full log within 10 % of the empty one), GROWTH_BATCH
# (1000000 rows per INSERT), GROWTH_REPEAT (3 timed runs per admin query).
# Not part of scripts/test.sh: run on demand. Exit status 0 whatever the
# figures; non-zero only when something failed to run.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ROWS=${GROWTH_ROWS:-10000000}
if [ "${1:-}" = --rows ] && [ -n "${2:-}" ]; then ROWS=$2; shift 2; fi
[ $# -eq 0 ] || { echo "usage: bash bench/growth.sh [--rows N]" >&2; exit 2; }
ACCOUNTS=${GROWTH_ACCOUNTS:-10000}
DAYS=${GROWTH_DAYS:-91}
ROUNDS=${GROWTH_ROUNDS:-6}
PGT=${GROWTH_T:-10}
WARM=${GROWTH_WARMUP:-10}
CLIENTS=${GROWTH_CLIENTS:-8}
BATCH=${GROWTH_BATCH:-1000000}
REPEAT=${GROWTH_REPEAT:-3}
MARGIN=${GROWTH_MARGIN:-0.10}
for v in ROWS ACCOUNTS DAYS ROUNDS PGT WARM CLIENTS BATCH REPEAT; do
	[[ ${!v} =~ ^[0-9]+$ ]] && [ "${!v}" -gt 0 ] || { echo "growth: $v must be a positive integer" >&2; exit 2; }
done
[[ $MARGIN =~ ^0?\.[0-9]+$ ]] || { echo "growth: GROWTH_MARGIN must be a fraction such as 0.10" >&2; exit 2; }
[ "$ACCOUNTS" -le 899999 ] || { echo "growth: at most 899999 accounts" >&2; exit 2; }

mg_install_deps >&2
cd "$MG_ROOT"
bench_scratch mg-growth
bench_pg_start
bench_find_pgbench
FULL=$MG_PG_DB              # the database that gets the generated log
EMPTY=mailguard_empty       # same schema, accounts and counters, empty log
psql_db() { local db=$1; shift; psql_su -d "$db" "$@"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
secs() { awk "BEGIN{printf \"%.1f\", $1 / 1000}"; }
# size in MiB with one decimal
mib() { awk "BEGIN{printf \"%.1f\", $1 / 1048576}"; }
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
T_START=$(now_ms)

# {{{ the empty twin, accounts, counters
# A copy of the freshly applied database (schema, grants, client role):
# the empty log, measured on the same server beside the full one.
psql_su -d postgres -c "CREATE DATABASE $EMPTY TEMPLATE $FULL"
# Accounts are named by customer number (100001, 100002, ...): pgbench
# variables are numbers, and so it can pick one at random per call.
# Limits by size: the 10 largest customers (hot) high ones, the next 190
# medium, the rest small; every tenth account on Berlin time.
ACCOUNTS_SQL="INSERT INTO mailguard.accounts (name, msgs_hour, msgs_day, rcpts_hour, rcpts_day, rcpts_per_msg, tz)
SELECT (100000 + n)::text,
       CASE WHEN n <= 10 THEN 5000 WHEN n <= 200 THEN 1000 ELSE 200 END,
       CASE WHEN n <= 10 THEN 50000 WHEN n <= 200 THEN 10000 ELSE 2000 END,
       CASE WHEN n <= 10 THEN 10000 WHEN n <= 200 THEN 2000 ELSE 400 END,
       CASE WHEN n <= 10 THEN 100000 WHEN n <= 200 THEN 20000 ELSE 4000 END,
       50,
       CASE WHEN n % 10 = 0 THEN 'Europe/Berlin' ELSE 'UTC' END
  FROM generate_series(1, $ACCOUNTS) n"
psql_db "$FULL" -c "$ACCOUNTS_SQL"
psql_db "$EMPTY" -c "$ACCOUNTS_SQL"
# }}}

# {{{ 1. generate the log
mg_say "generating $ROWS log rows over $DAYS days, $ACCOUNTS accounts (batches of $BATCH)" >&2
read -r T0 T1 < <(psql_db "$FULL" -F' ' -c "SELECT to_char((now() - make_interval(days => $DAYS)) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")
WAL0=$(psql_db "$FULL" -c "SELECT pg_current_wal_lsn()")
G0=$(now_ms)
# The months before this one: one placeholder row each lands in
# log_default; log_maintain() then creates their partitions (as it does
# for rows of a month without one) and moves the row; the placeholders go.
psql_db "$FULL" -c "INSERT INTO mailguard.log (ts, trace, verdict)
    SELECT m, gen_random_uuid(), 'refuse'
      FROM generate_series(date_trunc('month', '$T0'::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
                           now() - interval '1 month', interval '1 month') m"
MAINTAIN=$(psql_db "$FULL" -c "SET ROLE mailguard_owner; SELECT mailguard.log_maintain(0, 3)" | paste -sd' ')
psql_db "$FULL" -c "DELETE FROM mailguard.log WHERE account IS NULL AND client_role = 'postgres'"
# One INSERT per batch, in time order (as the log is written). Per row:
# the account is 100000 + 1 + floor(ACCOUNTS * u^4): the top 10 accounts
# send ~18 % of the mail, the top 1 % ~32 %, half of the accounts < 0.1 %
# each. Each account uses 3 of 6 scripts, 2 of 5 entry points, 2 of 3
# vhosts. Verdicts: 95.5 % accept (outcome 99.7 % sent, 0.2 % failed,
# 0.1 % pending), refusals over-quota (3.5 %), too-many-recipients,
# blocked, unknown-account, late. Recipients: 85 % 1, 12 % 2-5, 3 % 10-49.
GEN_SQL="INSERT INTO mailguard.log (ts, trace, account, client_role, fn, uid, owner_uid, script, line, entry, vhost,
        client_ip, sender_host, pid, sapi, mail_from, mail_to, subject, rcpts, verdict, reason, outcome, via)
SELECT ts, gen_random_uuid(), acct, acct::name, 'mail', 10000 + n, 10000 + n,
       '/var/www/' || acct || '/htdocs/' || (ARRAY['contact.php', 'wp-includes/pluggable.php', 'shop/checkout.php',
            'newsletter/send.php', 'lib/Mailer.php', 'forum/notify.php'])[1 + (n + s) % 6],
       1 + (ln * 400)::int,
       '/var/www/' || acct || '/htdocs/' || (ARRAY['index.php', 'wp-login.php', 'xmlrpc.php', 'cron.php', 'api.php'])[1 + (n + e) % 5],
       (ARRAY['www.', 'shop.', ''])[1 + (n + vh) % 3] || 'c' || acct || '.example',
       (1 + (ip * 222)::int) || '.' || (ip * 65536)::int % 256 || '.' || (ip * 16777216)::int % 256 || '.' || (1 + (ip * 1e9)::bigint % 254),
       'web' || lpad((n % 40)::text, 2, '0') || '.hosting.example',
       1000 + (ln * 60000)::int, 'fpm-fcgi',
       'noreply@c' || acct || '.example', 'user' || (ip * 1e6)::int || '@example.org',
       (ARRAY['Your order #', 'Password reset ', 'Contact form: message ', 'Newsletter ', 'New reply in thread '])[1 + (n + s) % 5] || (ln * 1e6)::int,
       CASE WHEN rc < 0.85 THEN 1 WHEN rc < 0.97 THEN 2 + ((rc - 0.85) * 33)::int ELSE 10 + ((rc - 0.97) * 1300)::int END,
       CASE WHEN v < 0.955 THEN 'accept' ELSE 'refuse' END,
       CASE WHEN v < 0.955 THEN NULL
            WHEN v < 0.975 THEN 'over-quota:hour-messages'
            WHEN v < 0.985 THEN 'over-quota:day-messages'
            WHEN v < 0.990 THEN 'over-quota:hour-recipients'
            WHEN v < 0.994 THEN 'too-many-recipients:60 > 50'
            WHEN v < 0.997 THEN 'blocked:spam complaint'
            WHEN v < 0.999 THEN 'unknown-account'
            ELSE 'late:80 ms after the deadline (decided: accept)' END,
       CASE WHEN v >= 0.955 THEN NULL WHEN o < 0.997 THEN 'sent' WHEN o < 0.999 THEN 'failed' ELSE 'pending' END,
       'php'
  FROM (SELECT x.*, (100000 + x.n)::text AS acct
          FROM (SELECT '$T0'::timestamptz + ('$T1'::timestamptz - '$T0'::timestamptz) * ((i - 1)::float8 / $ROWS) AS ts,
                       1 + floor($ACCOUNTS * random() ^ 4)::int AS n,
                       floor(random() * 3)::int AS s, floor(random() * 2)::int AS e, floor(random() * 2)::int AS vh,
                       random() AS v, random() AS o, random() AS rc, random() AS ip, random() AS ln
                  FROM generate_series(:lo::bigint, :hi::bigint) i) x) g"
GEN_LINES=()
lo=1
while [ "$lo" -le "$ROWS" ]; do
	hi=$((lo + BATCH - 1)); [ "$hi" -le "$ROWS" ] || hi=$ROWS
	b0=$(now_ms)
	psql_db "$FULL" -v lo="$lo" -v hi="$hi" <<<"$GEN_SQL"
	GEN_LINES+=("rows $lo-$hi: $(secs $(($(now_ms) - b0))) s")
	mg_say "  ${GEN_LINES[-1]}" >&2
	lo=$((hi + 1))
done
G1=$(now_ms)
WAL1=$(psql_db "$FULL" -c "SELECT pg_current_wal_lsn()")
# The counters of the current hour and day, from the log (what
# mailguard.mail() would have counted).
psql_db "$FULL" -c "UPDATE mailguard.counters c SET hour_start = w.h, hour_msgs = s.hm, hour_rcpts = s.hr,
        day_start = w.d, day_msgs = s.dm, day_rcpts = s.dr
   FROM mailguard.accounts a
  CROSS JOIN LATERAL (SELECT date_trunc('hour', now(), a.tz) AS h, date_trunc('day', now(), a.tz) AS d) w
   JOIN LATERAL (SELECT count(*) FILTER (WHERE l.ts >= w.h) AS hm, coalesce(sum(l.rcpts) FILTER (WHERE l.ts >= w.h), 0) AS hr,
                        count(*) AS dm, coalesce(sum(l.rcpts), 0) AS dr
                   FROM mailguard.log l WHERE l.account = a.name AND l.ts >= w.d AND l.verdict = 'accept') s ON true
  WHERE c.account = a.name"
V0=$(now_ms)
psql_db "$FULL" -c "VACUUM (ANALYZE) mailguard.log"
psql_db "$EMPTY" -c "VACUUM (ANALYZE)"
psql_db "$FULL" -c "VACUUM (ANALYZE) mailguard.accounts, mailguard.counters"
V1=$(now_ms)
psql_su -c "CHECKPOINT"
# The roll-up of the generated log: the first mailguard.log_rollup() after
# an upgrade to version 7 (its watermark starts empty) rolls up every
# closed hour of the log, as here. Then ANALYZE (what autovacuum does).
RU_WAL0=$(psql_db "$FULL" -c "SELECT pg_current_wal_lsn()")
R0=$(now_ms)
# (work_mem as in the admin tool's session, which runs it: mailguard
# retention 0 after the upgrade, or the first top)
ROLLUP_OUT=$(PGOPTIONS="-c work_mem=64MB -c jit=off" psql_db "$FULL" -c "SELECT mailguard.log_rollup()")
R1=$(now_ms)
RU_WAL1=$(psql_db "$FULL" -c "SELECT pg_current_wal_lsn()")
psql_db "$FULL" -c "VACUUM (ANALYZE) mailguard.log_hourly, mailguard.log_daily"
R2=$(now_ms)
# The upgrade to version 9 fills the daily level from the hourly one (the
# INSERT of its DO block, read from the migration): timed here once, in a
# transaction rolled back.
FILL_SQL=$(awk '/^-- \{\{\{ the days already rolled up/{f=1} f&&/INSERT INTO mailguard.log_daily/{g=1} g{print} g&&/;$/{exit}' sql/migrations/0009_log_daily.sql)
[ -n "$FILL_SQL" ] || { echo "growth: no fill INSERT in 0009_log_daily.sql" >&2; exit 1; }
D0=$(now_ms)
psql_db "$FULL" -c "BEGIN" -c "TRUNCATE mailguard.log_daily" -c "$FILL_SQL" -c "ROLLBACK" >/dev/null
D1=$(now_ms)
RD_ROWS=$(psql_db "$FULL" -c "SELECT count(*) FROM mailguard.log_daily")
RU_WAL=$(psql_db "$FULL" -c "SELECT pg_wal_lsn_diff('$RU_WAL1', '$RU_WAL0')::bigint")
read -r RU_ROWS RU_HEAP RU_IDX < <(psql_db "$FULL" -F' ' -c "SELECT (SELECT count(*) FROM mailguard.log_hourly),
        sum(pg_table_size(i.inhrelid))::bigint, sum(pg_indexes_size(i.inhrelid))::bigint
   FROM pg_inherits i WHERE i.inhparent = 'mailguard.log_hourly'::regclass")
psql_su -c "CHECKPOINT"
GEN_WAL=$(psql_db "$FULL" -c "SELECT pg_wal_lsn_diff('$WAL1', '$WAL0')::bigint")
# heap (with TOAST, FSM, VM) and indexes of every log partition
read -r HEAP IDX < <(psql_db "$FULL" -F' ' -c "SELECT sum(pg_table_size(i.inhrelid))::bigint, sum(pg_indexes_size(i.inhrelid))::bigint
   FROM pg_inherits i WHERE i.inhparent = 'mailguard.log'::regclass")
# name | bounds | rows | heap | indexes | rows ever deleted from it
parts() {
	psql_su -c "SELECT pg_stat_force_next_flush()" >/dev/null
	psql_db "$FULL" -F' | ' -c "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), coalesce(n.rows, 0),
	        pg_size_pretty(pg_table_size(c.oid)), pg_size_pretty(pg_indexes_size(c.oid)), coalesce(pg_stat_get_tuples_deleted(c.oid), 0)
	   FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
	   LEFT JOIN (SELECT tableoid, count(*) AS rows FROM mailguard.log GROUP BY 1) n ON n.tableoid = c.oid
	  WHERE i.inhparent = 'mailguard.log'::regclass ORDER BY c.relname"
}
sum_rows() { awk -F' [|] ' '{s += $3} END {print s}'; }
PARTS_BEFORE=$(parts)
NROWS=$(sum_rows <<<"$PARTS_BEFORE")
INDEX_SIZES=$(psql_db "$FULL" -F' | ' -c "SELECT p.relname, pg_size_pretty(sum(pg_relation_size(ci.oid))::bigint)
   FROM pg_class p JOIN pg_inherits ii ON ii.inhparent = p.oid JOIN pg_class ci ON ci.oid = ii.inhrelid
  WHERE p.relkind = 'I' AND p.relnamespace = 'mailguard'::regnamespace
    AND p.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = 'mailguard.log'::regclass)
  GROUP BY p.relname ORDER BY 1")
DIST=$(psql_db "$FULL" -F' | ' -c "WITH a AS (SELECT account, count(*) AS n FROM mailguard.log GROUP BY 1), r AS (SELECT n, row_number() OVER (ORDER BY n DESC) AS k, sum(n) OVER () AS t FROM a)
    SELECT 'top 10 accounts: ' || round(100.0 * sum(n) FILTER (WHERE k <= 10) / max(t), 1) || ' % of the mail, top 100: ' || round(100.0 * sum(n) FILTER (WHERE k <= 100) / max(t), 1)
           || ' %, busiest ' || max(n) || ' rows, median account ' || percentile_disc(0.5) WITHIN GROUP (ORDER BY n) || ' rows, accounts with mail: ' || count(*) FROM r"
  psql_db "$FULL" -F' | ' -c "SELECT coalesce(split_part(reason, ':', 1), verdict), count(*), round(100.0 * count(*) / sum(count(*)) OVER (), 2) || ' %' FROM mailguard.log GROUP BY 1 ORDER BY 2 DESC")
# }}}

# {{{ 2. the policy call, empty log vs full log
# The extension's statement (ext/mailguard/store.c, mg_db_check_sql), the
# same text with pgbench's :variables for $1..$21, sent unnamed
# (-M extended) as mailguard_web. $19/$20 carry the previous mail's trace
# and outcome 'sent' (\gset), as in a row of mails: the outcome is the
# UPDATE that looks the trace up in the log. $21, the deadline, is a
# constant a day ahead (pgbench cannot compute the wall clock): the
# function does the same deadline work.
SQL_TEXT=$(sed -n '/^static const char mg_db_check_sql\[\] =/,/;$/p' ext/mailguard/store.c | sed -E '1d; s/^[[:space:]]*"//; s/"[;]?$//' | tr -d '\n')
[[ $SQL_TEXT == "SELECT verdict, reason, detail, trace FROM mailguard.mail("*'$21::timestamptz)' ]] \
	|| { echo "growth: could not read mg_db_check_sql from ext/mailguard/store.c: $SQL_TEXT" >&2; exit 1; }
VARS=(acct rcpts fn uid uid script line entry vhost client host pid sapi mfrom mto mcc mbcc subject m_trace outcome deadline)
BENCH_SQL=$SQL_TEXT
for i in $(seq 21 -1 1); do BENCH_SQL=${BENCH_SQL//\$$i/:${VARS[$((i - 1))]}}; done
cat >"$WORK/mail.sql" <<EOF
\\set acct random(100001, $((100000 + ACCOUNTS)))
\\set uid :acct - 90000
\\set pid random(1000, 65000)
$BENCH_SQL \\gset m_
EOF
# The deadline: a day from now (the run is shorter). Not a far-future
# constant: decide() derives the slow path's lock_timeout from the time
# left (half of it), and with 2099 schema 5 overflowed lock_timeout's
# integer milliseconds whenever two calls met on one counter row (schema
# 6 clamps it); a day ahead does the same work on either.
DEADLINE=$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)
PGB_ARGS=(-n -M extended -c "$CLIENTS" -j 2 -f "$WORK/mail.sql"
	-D rcpts=1 -D fn=mail -D script=/var/www/site/htdocs/contact.php -D line=42
	-D entry=/var/www/site/htdocs/index.php -D vhost=www.site.example -D client=198.51.100.7
	-D host=web01.hosting.example -D sapi=fpm-fcgi -D mfrom=noreply@site.example
	-D mto=customer@example.org -D mcc=sales@site.example -D mbcc=archive@site.example -D "subject=Your order 12345"
	-D m_trace=00000000-0000-0000-0000-000000000000 -D outcome=sent -D "deadline=$DEADLINE"
	-h "$MG_PG_HOST" -p "$MG_PG_PORT" -U mailguard_web)
PGPASS=$(bench_pg_password)
declare -A TPS LAT WALB
pgb() {  # DB ROUND
	local db=$1 r=$2 out w0 w1 n
	w0=$(psql_su -c "SELECT pg_current_wal_lsn()")
	out=$(env PGPASSWORD="$PGPASS" PGOPTIONS="-c synchronous_commit=off" "$PGB" "${PGB_ARGS[@]}" -T "$PGT" "$db" 2>&1) \
		|| { printf '%s\n' "$out" >&2; echo "growth: pgbench failed" >&2; exit 1; }
	w1=$(psql_su -c "SELECT pg_current_wal_lsn()")
	n=$(printf '%s\n' "$out" | sed -nE 's/^number of transactions actually processed: ([0-9]+).*/\1/p')
	TPS[$db.$r]=$(printf '%s\n' "$out" | sed -nE 's/^tps = ([0-9.]+) \(without initial connection time\).*/\1/p')
	LAT[$db.$r]=$(printf '%s\n' "$out" | sed -nE 's/^latency average = ([0-9.]+) ms.*/\1/p')
	WALB[$db.$r]=$(psql_su -c "SELECT round(pg_wal_lsn_diff('$w1', '$w0') / greatest($n, 1))")
	[ -n "${TPS[$db.$r]}" ] && [ -n "${LAT[$db.$r]}" ] || { printf '%s\n' "$out" >&2; echo "growth: no tps in pgbench output" >&2; exit 1; }
	if printf '%s\n' "$out" | grep -qE '^number of failed transactions: [1-9]'; then
		printf '%s\n' "$out" >&2; echo "growth: pgbench transactions failed" >&2; exit 1
	fi
}
mg_say "policy call: $ROUNDS rounds x (empty, full) x ${PGT}s, $CLIENTS clients, after an untimed ${WARM}s on each" >&2
# Warm-up, not counted: the first run on the freshly generated log reads
# the current month's partition (heap, indexes) into the caches.
for db in "$EMPTY" "$FULL"; do
	env PGPASSWORD="$PGPASS" PGOPTIONS="-c synchronous_commit=off" "$PGB" "${PGB_ARGS[@]}" -T "$WARM" "$db" >"$WORK/warm.out" 2>&1 \
		|| { tail -n 20 "$WORK/warm.out" >&2; echo "growth: pgbench (warm-up) failed" >&2; exit 1; }
done
read -r _ u0 n0 s0 i0 w0 q0 sq0 st0 _ </proc/stat
for r in $(seq 1 "$ROUNDS"); do
	if [ $((r % 2)) = 1 ]; then order=("$EMPTY" "$FULL"); else order=("$FULL" "$EMPTY"); fi
	for db in "${order[@]}"; do
		# the empty log stays empty: what the previous round wrote goes
		[ "$db" != "$EMPTY" ] || psql_db "$EMPTY" -c "TRUNCATE mailguard.log"
		pgb "$db" "$r"
	done
	mg_say "  round $r/$ROUNDS: empty ${TPS[$EMPTY.$r]} tps, full ${TPS[$FULL.$r]} tps" >&2
done
read -r _ u1 n1 s1 i1 w1 q1 sq1 st1 _ </proc/stat
tot=$(( (u1+n1+s1+i1+w1+q1+sq1+st1) - (u0+n0+s0+i0+w0+q0+sq0+st0) ))
BUSY=$(awk "BEGIN{printf \"%.1f\", 100 * ($tot - $((i1 - i0)) - $((w1 - w0))) / ($tot > 0 ? $tot : 1)}")
# what the calls decided, in the full log (the rows pgbench's role wrote)
PGB_MIX=$(psql_db "$FULL" -c "SELECT count(*) || ' rows: ' || count(*) FILTER (WHERE verdict = 'accept') || ' accepted (' ||
        count(*) FILTER (WHERE outcome = 'sent') || ' with outcome sent), ' || count(*) FILTER (WHERE verdict = 'refuse') || ' refused'
   FROM mailguard.log WHERE client_role = 'mailguard_web'")
# }}}

# {{{ 3. the admin queries of the docs
export MAILGUARD_CONF=$WORK/mailguard.conf
printf 'dsn = "host=%s port=%s dbname=%s user=postgres"\n' "$MG_PG_HOST" "$MG_PG_PORT" "$FULL" >"$MAILGUARD_CONF"
chmod 0600 "$MAILGUARD_CONF"
HOT=100001
# a trace from the oldest month that retention keeps (the index of every
# partition is searched: the command has no time bound)
TRACE=$(psql_db "$FULL" -c "SELECT trace FROM mailguard.log WHERE ts >= '$T0'::timestamptz + interval '40 days' AND ts < '$T0'::timestamptz + interval '41 days' AND account IS NOT NULL LIMIT 1")
DOC_TRACE_SQL="SELECT ts, account, client_role, fn, uid, owner_uid, script, line, entry, vhost,
       client_ip, sender_host, pid, sapi, mail_from, mail_to, subject, rcpts, verdict, reason, outcome
  FROM mailguard.log WHERE trace = '$TRACE' AND ts > now() - interval '90 days'"
# docs/database.md, "Mails per account and UTC day": the two statements
# as the docs have them (mailguard.log_rollup(), then log_per_day(7): the
# daily level's whole days, the hourly level's hours of the watermark's
# day, the log after the watermark)
DOC_DAY_SQL=$(awk '/^Mails per account and UTC day/{f=1} f&&/^```sql$/{g=1; next} g&&/^```$/{exit} g{print}' "$MG_ROOT/docs/database.md")
case $DOC_DAY_SQL in *mailguard.log_per_day*) ;; *) echo "growth: no per-day query in docs/database.md" >&2; exit 1 ;; esac
ADMIN_NAMES=(
	"mailguard usage"
	"mailguard usage $HOT --window hour"
	"mailguard top accounts --since 24h"
	"mailguard top accounts --since 7d"
	"mailguard top scripts --since 24h"
	"mailguard top scripts --since 7d"
	"mailguard top entries"
	"mailguard top vhosts --since 1h"
	"mailguard top vhosts --since 24h"
	"mailguard log --account $HOT --verdict refuse --since 2h"
	"mailguard log --reason over-quota --limit 20"
	"mailguard log --vhost www.c100002.example --since 24h"
	"mailguard trace $TRACE"
	"mailguard report --html FILE --since 7d"
	"SQL database.md: trace lookup (90 days)"
	"SQL database.md: mails per account and day (7 days and today)"
)
admin_run() {  # INDEX: runs the command, output to $WORK/admin.out
	local i=$1 name=${ADMIN_NAMES[$1]}
	case $name in
		"mailguard report"*) "$MG_PHP" admin/mailguard report --html "$WORK/report.html" --since 7d ;;
		mailguard*) read -ra words <<<"${name#mailguard }"; "$MG_PHP" admin/mailguard "${words[@]}" ;;
		*trace*) psql_db "$FULL" -c "$DOC_TRACE_SQL" ;;
		*day*) psql_db "$FULL" -c "$DOC_DAY_SQL" ;;
	esac >"$WORK/admin.out" 2>&1 || { cat "$WORK/admin.out" >&2; echo "growth: '$name' failed" >&2; exit 1; }
}
mg_say "admin queries: ${#ADMIN_NAMES[@]} x $REPEAT timed runs, then one with auto_explain" >&2
PLOG=$PGDIR/log/postgresql.log
# the server's time: every statement of the command, as logged with
# log_min_duration_statement = 0 (parse, bind, execute)
server_ms() { tail -c +$(($1 + 1)) "$PLOG" | sed -nE 's/.*duration: ([0-9.]+) ms.*/\1/p' | awk '{s += $1} END {printf "%.0f", s}'; }
declare -A ATIMES AOUT ASERVER
time_admin() {  # SUFFIX: REPEAT timed runs of each command, into ATIMES[i.SUFFIX] ...
	local i
	for i in "${!ADMIN_NAMES[@]}"; do
		ts=(); ss=()
		for _ in $(seq "$REPEAT"); do
			off=$(stat -c %s "$PLOG")
			a0=$(now_ms); PGOPTIONS="-c log_min_duration_statement=0" admin_run "$i"; ts+=($(($(now_ms) - a0)))
			sleep 0.1
			ss+=("$(server_ms "$off")")
		done
		ATIMES[$i.$1]="${ts[*]}"
		ASERVER[$i.$1]="${ss[*]}"
		AOUT[$i.$1]=$(wc -l <"$WORK/admin.out")
	done
}
time_admin burst
# PHP's own start (php admin/mailguard --help): part of every figure above
p0=$(now_ms); for _ in $(seq "$REPEAT"); do "$MG_PHP" admin/mailguard --help >/dev/null; done
PHP_START=$(( ($(now_ms) - p0) / REPEAT ))
# The plans: auto_explain in the admin tool's sessions (PGOPTIONS reaches
# libpq), logged to the server log with ANALYZE and BUFFERS.
for i in "${!ADMIN_NAMES[@]}"; do
	off=$(stat -c %s "$PLOG")
	# (the per-day query's work is a statement inside mailguard.log_per_day())
	nested=off
	[[ ${ADMIN_NAMES[$i]} != *"per account and day"* ]] || nested=on
	PGOPTIONS="-c session_preload_libraries=auto_explain -c auto_explain.log_min_duration=0 -c auto_explain.log_analyze=on -c auto_explain.log_buffers=on -c auto_explain.log_timing=on -c auto_explain.log_nested_statements=$nested" \
		admin_run "$i"
	sleep 0.2
	# the plans of the statements on the log, the accounts and counters
	tail -c +$((off + 1)) "$PLOG" | awk '
		/^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] / { if (keep) printf "%s", buf; buf = ""; keep = 0; plan = ($0 ~ /duration: .* plan:/) }
		plan { line = $0; sub(/^.*LOG:  /, "", line); buf = buf line "\n"; if ($0 ~ /mailguard\.(log|accounts)/) keep = 1 }
		END { if (keep) printf "%s", buf }' >"$WORK/plan.$i"
done
# }}}

# {{{ 4. retention drops whole partitions
# MONTHS such that the oldest month generated (the first partition) goes
# and the others stay.
KEEP=$(psql_db "$FULL" -c "SELECT (extract(year FROM age(date_trunc('month', now() AT TIME ZONE 'UTC'), date_trunc('month', '$T0'::timestamptz AT TIME ZONE 'UTC'))) * 12
        + extract(month FROM age(date_trunc('month', now() AT TIME ZONE 'UTC'), date_trunc('month', '$T0'::timestamptz AT TIME ZONE 'UTC'))))::int - 1")
RET_OUT="(skipped: the generated log spans one month only; GROWTH_DAYS > 31 for this part)"
if [ "$KEEP" -ge 0 ]; then
	mg_say "retention: mailguard retention $KEEP" >&2
	PARTS_RET0=$(parts)
	ROWS_RET0=$(sum_rows <<<"$PARTS_RET0")
	RW0=$(psql_su -c "SELECT pg_current_wal_lsn()")
	r0=$(now_ms)
	RET_OUT=$("$MG_PHP" admin/mailguard retention "$KEEP" | paste -sd' ')
	RET_MS=$(($(now_ms) - r0))
	RW1=$(psql_su -c "SELECT pg_current_wal_lsn()")
	RET_WAL=$(psql_db "$FULL" -c "SELECT pg_size_pretty(pg_wal_lsn_diff('$RW1', '$RW0'))")
	PARTS_AFTER=$(parts)
	ROWS_AFTER=$(sum_rows <<<"$PARTS_AFTER")
fi
# }}}

# {{{ 3b. the admin queries again, without pgbench's burst
# pgbench's calls (section 2) wrote their rows into the current hour at
# 20-30 times the generated rate (~4,600 mails an hour): the roll-up has
# not reached that hour, so every command above read them from the log.
# Timed again with those rows deleted (after section 4, whose "rows ever
# deleted" they would blur): the log at its generated, steady rate.
BURST=$(psql_db "$FULL" -c "SELECT count(*) FROM mailguard.log WHERE client_role = 'mailguard_web'")
psql_db "$FULL" -c "DELETE FROM mailguard.log WHERE client_role = 'mailguard_web'"
psql_db "$FULL" -c "VACUUM (ANALYZE) mailguard.$(psql_db "$FULL" -c "SELECT 'log_' || to_char(now() AT TIME ZONE 'UTC', 'YYYY_MM')")"
mg_say "admin queries again without pgbench's $BURST rows: ${#ADMIN_NAMES[@]} x $REPEAT timed runs" >&2
time_admin steady
# }}}

# {{{ the report
med() { tr ' ' '\n' | sort -g | awk '{a[NR]=$1} END{n=NR; if(n==0){print "?"; exit} m=(n%2)?a[(n+1)/2]:(a[n/2]+a[n/2+1])/2; print m}'; }
# quartiles (interpolated), min, max of numbers on stdin
quart() { sort -g | awk '{a[NR]=$1} END{n=NR; q(0.25); q(0.5); q(0.75); printf "%s %s\n", a[1], a[n]}
	function q(p,  h, l) { h=(n-1)*p+1; l=int(h); printf "%s ", (l>=n)?a[n]:a[l]+(h-l)*(a[l+1]-a[l]) }'; }
pct() { awk "BEGIN{printf \"%.3f\", $1}"; }
echo "== environment"
echo "CPUs:        $(nproc) ($(sed -nE 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM"
echo "kernel:      $(uname -r)"
echo "PostgreSQL:  $(psql_su -c 'SHOW server_version'), shared_buffers=$(psql_su -c 'SHOW shared_buffers'), work_mem=$(psql_su -c 'SHOW work_mem'), max_wal_size=$(psql_su -c 'SHOW max_wal_size'), fsync=$(psql_su -c 'SHOW fsync'), full_page_writes=$(psql_su -c 'SHOW full_page_writes') (scripts/pg.sh's cluster, server defaults otherwise)"
echo "pgbench:     $("$PGB" --version)"
echo "schema:      $(psql_db "$FULL" -c "SELECT string_agg(version::text, ',' ORDER BY version) FROM mailguard.schema_version"), git $(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD -- sql ext admin 2>/dev/null || echo ' (modified)')"
echo "loadavg:     $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end; CPU busy during the pgbench rounds ${BUSY}%"
echo "total time:  $(secs $(($(now_ms) - T_START))) s"
echo
echo "== 1. the log: $ROWS rows from $T0 to $T1 ($DAYS days), $ACCOUNTS accounts"
echo "log_maintain(0, 3): $MAINTAIN"
printf '%s\n' "${GEN_LINES[@]}"
echo "generation: $(secs $((G1 - G0))) s ($(awk "BEGIN{printf \"%.0f\", $ROWS / (($G1 - $G0) / 1000)}") rows/s), then counters + VACUUM (ANALYZE): $(secs $((V1 - V0))) s"
echo "rows in mailguard.log: $NROWS"
echo "partitions (name | bounds | rows | heap | indexes | rows ever deleted):"
sed 's/^/  /' <<<"$PARTS_BEFORE"
echo "indexes, all partitions:"
sed 's/^/  /' <<<"$INDEX_SIZES"
echo "distribution:"
sed 's/^/  /' <<<"$DIST"
TOT=$((HEAP + IDX))
echo "size:  heap $(mib "$HEAP") MiB + indexes $(mib "$IDX") MiB = $(mib "$TOT") MiB"
echo "roll-up (first mailguard.log_rollup(), what an upgrade to version 7 costs; both levels): $ROLLUP_OUT"
echo "  daily level: $RD_ROWS rows ($(awk "BEGIN{printf \"%.3f\", $RD_ROWS / $NROWS}") per log row); the upgrade to version 9's fill from the hourly level: $(secs $((D1 - D0))) s"
echo "  time $(secs $((R1 - R0))) s (then VACUUM (ANALYZE) of it $(secs $((R2 - R1))) s), WAL $(mib "$RU_WAL") MiB;" \
	"$RU_ROWS rows ($(awk "BEGIN{printf \"%.2f\", $RU_ROWS / $NROWS}") per log row), heap $(mib "$RU_HEAP") MiB + indexes $(mib "$RU_IDX") MiB"
echo "WAL written by the generation: $(mib "$GEN_WAL") MiB"
echo "per million mails: heap $(mib $((HEAP * 1000000 / ROWS))) MiB, indexes $(mib $((IDX * 1000000 / ROWS))) MiB, WAL (bulk INSERT) $(mib $((GEN_WAL * 1000000 / ROWS))) MiB"
echo
echo "== 2. the policy call: empty log vs $ROWS rows (pgbench -c $CLIENTS -j 2 -T $PGT -M extended, synchronous_commit=off, $ROUNDS interleaved rounds)"
echo "statement (ext/mailguard/store.c, \$n as pgbench variables):"
echo "  $BENCH_SQL"
printf '%-6s %12s %12s %10s %10s %9s %9s %8s\n' round "empty tps" "full tps" "empty ms" "full ms" "WAL/mail" "WAL/mail" "ratio*"
RATIOS=""
for r in $(seq 1 "$ROUNDS"); do
	ratio=$(pct "${LAT[$FULL.$r]} / ${LAT[$EMPTY.$r]}")
	RATIOS="$RATIOS $ratio"
	printf '%-6s %12s %12s %10s %10s %8sB %8sB %8s\n' "$r" "${TPS[$EMPTY.$r]}" "${TPS[$FULL.$r]}" "${LAT[$EMPTY.$r]}" "${LAT[$FULL.$r]}" "${WALB[$EMPTY.$r]}" "${WALB[$FULL.$r]}" "$ratio"
done
e_tps=$(for r in $(seq 1 "$ROUNDS"); do echo "${TPS[$EMPTY.$r]}"; done | paste -sd' ' | med)
f_tps=$(for r in $(seq 1 "$ROUNDS"); do echo "${TPS[$FULL.$r]}"; done | paste -sd' ' | med)
e_lat=$(for r in $(seq 1 "$ROUNDS"); do echo "${LAT[$EMPTY.$r]}"; done | paste -sd' ' | med)
f_lat=$(for r in $(seq 1 "$ROUNDS"); do echo "${LAT[$FULL.$r]}"; done | paste -sd' ' | med)
e_wal=$(for r in $(seq 1 "$ROUNDS"); do echo "${WALB[$EMPTY.$r]}"; done | paste -sd' ' | med)
f_wal=$(for r in $(seq 1 "$ROUNDS"); do echo "${WALB[$FULL.$r]}"; done | paste -sd' ' | med)
printf '%-6s %12s %12s %10s %10s %8sB %8sB\n' median "$e_tps" "$f_tps" "$e_lat" "$f_lat" "$e_wal" "$f_wal"
read -r q1 q2 q3 qmin qmax < <(echo "$RATIOS" | tr ' ' '\n' | grep . | quart)
SPREAD=$(pct "$q3 - $q1")
echo "* latency full / empty, per round (the two runs of a round are back to back)"
echo "ratio full/empty: median $(pct "$q2"), interquartile [$(pct "$q1")..$(pct "$q3")] (spread $SPREAD), range ($(pct "$qmin")..$(pct "$qmax")); median tps ratio empty/full $(pct "$e_tps / $f_tps")"
if awk "BEGIN{exit !($SPREAD > $MARGIN)}"; then
	echo "target full/empty <= $(pct "1 + $MARGIN"): no verdict (the spread $SPREAD exceeds the margin $MARGIN)"
elif awk "BEGIN{exit !($q2 <= 1 + $MARGIN)}"; then
	echo "target full/empty <= $(pct "1 + $MARGIN"): PASS (median $(pct "$q2"), spread $SPREAD within the margin)"
else
	echo "target full/empty <= $(pct "1 + $MARGIN"): MISS (median $(pct "$q2"), spread $SPREAD within the margin)"
fi
echo "WAL per mail (check + counter + log row + previous outcome), median: empty $e_wal B, full $f_wal B; per million mails: $(mib "$f_wal * 1000000") MiB"
echo "calls made on the full log: $PGB_MIX"
echo
admin_table() {  # SUFFIX
	local i m sm ok
	printf '%-56s %-16s %6s %-14s %6s %6s %s\n' command "wall ms" median "server ms" median lines "< 1 s"
	for i in "${!ADMIN_NAMES[@]}"; do
		m=$(echo "${ATIMES[$i.$1]}" | med)
		sm=$(echo "${ASERVER[$i.$1]}" | med)
		ok=yes; awk "BEGIN{exit !($m < 1000)}" || ok="NO (server $(awk "BEGIN{exit !($sm < 1000)}" && echo yes || echo NO))"
		printf '%-56s %-16s %6s %-14s %6s %6s %s\n' "${ADMIN_NAMES[$i]}" "${ATIMES[$i.$1]}" "$m" "${ASERVER[$i.$1]}" "$sm" "${AOUT[$i.$1]}" "$ok"
	done
}
echo "== 3. admin queries on the full log (with pgbench's rows of this hour), $REPEAT runs each: wall time of the whole command (php start alone: ~$PHP_START ms), and the server's time (all its statements, log_min_duration_statement)"
admin_table burst
echo
echo "== 3b. the same after section 4, without the $BURST rows pgbench wrote into this hour (the log at its generated rate)"
admin_table steady
echo
echo "== 4. retention: mailguard retention $KEEP (mailguard-db retention -> mailguard.log_maintain($KEEP, 3))"
if [ "$KEEP" -ge 0 ]; then
	echo "output: $RET_OUT"
	echo "time: $RET_MS ms (the whole command); WAL written meanwhile (whole cluster): $RET_WAL"
	echo "rows: $ROWS_RET0 before, $ROWS_AFTER after"
	echo "partitions before (name | bounds | rows | heap | indexes | rows ever deleted):"
	sed 's/^/  /' <<<"$PARTS_RET0"
	echo "partitions after:"
	sed 's/^/  /' <<<"$PARTS_AFTER"
else
	echo "$RET_OUT"
fi
echo
echo "== plans (auto_explain: ANALYZE, BUFFERS) of the statements on the log, accounts and counters"
for i in "${!ADMIN_NAMES[@]}"; do
	echo "--- ${ADMIN_NAMES[$i]}"
	cat "$WORK/plan.$i"
done
# }}}
