#!/usr/bin/env bash
# mailguard through PgBouncer in transaction pooling mode (issue 15 item 1):
# a private PostgreSQL, a private pgbouncer (Debian's package, our own ini,
# socket directory and OS user), customers as separate unix users that
# authenticate to pgbouncer by peer, and pgbouncer logging in to
# PostgreSQL as each customer's own role (peer through a pg_ident map).
# Then: identity and secrecy through the pooler, session state a customer
# leaves on its pool, the exactness test, and 200 workers from four
# simulated web nodes on at most 20 server connections.
#
#   bash tests/pgbouncer/run.sh
#
# Run as root after `source scripts/lib.sh && mg_install_deps && mg_build`
# (MG_SO may name another mailguard.so). Prints one `ok - ...` or
# `FAIL - ...` line per check, `#` lines with figures and evidence, then
# `N passed, N failed`; exits non-zero on any failure. Nothing is skipped.
# Everything lives in ${TMPDIR:-/tmp}/mg-pgb.XXXXXX, removed at the end
# (MG_PGB_KEEP=1 keeps it). Global state: the system users mgbnca..mgbncd
# (customers) and mgbouncer (the pooler), created once and kept.
# MG_PGB_WORKERS (200), MG_PGB_MAILS (5 per worker) size the load part.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PHP=${MG_PHP:-php8.2}
SO=${MG_SO:-$ROOT/modules/mailguard.so}
CUSTOMERS="mgbnca mgbncb mgbncc mgbncd"
A=mgbnca
B=mgbncb
BOUNCER_USER=mgbouncer
DB=mgpooldb
# Server connections allowed to the database, over all pools.
MAX_SERVER=20
# pgbouncer's port: it only names the Unix socket (listen_addr is empty),
# which lives in this run's own directory.
BPORT=6432
WORKERS=${MG_PGB_WORKERS:-200}
MAILS=${MG_PGB_MAILS:-5}
NODES=4
# mailguard.timeout_ms for every worker: generous, 200 processes share 2
# cores here; the same value goes into pgbouncer's connect_query.
TIMEOUT_MS=20000

# ok, fail, check, die, ensure_user
. "$ROOT/tests/inc/harness.sh"

[ "$(id -u)" = 0 ] || { echo "tests/pgbouncer/run.sh: run as root" >&2; exit 2; }
export PATH="/usr/lib/postgresql/15/bin:/usr/sbin:/sbin:$PATH"
for cmd in "$PHP" pgbouncer psql runuser setpriv useradd unshare; do
	command -v "$cmd" >/dev/null 2>&1 || die "$cmd not found (source scripts/lib.sh && mg_install_deps)"
done
[ -f "$SO" ] || die "$SO not found (source scripts/lib.sh && mg_build)"

T0=$(date +%s%N)

# {{{ temp dir, cleanup
RUN=$(mktemp -d "${TMPDIR:-/tmp}/mg-pgb.XXXXXX") || die "mktemp failed"
chmod 0711 "$RUN"
PGDIR=$RUN/pg
PGSOCK=$PGDIR/sock
BDIR=$RUN/bouncer
BSOCK=$BDIR
BOUNCER_PID=""
SAMPLER_PID=""

cleanup() {
	local i
	if [ -n "$SAMPLER_PID" ]; then kill $SAMPLER_PID 2>/dev/null; wait $SAMPLER_PID 2>/dev/null; fi
	if [ -n "$BOUNCER_PID" ] && kill -0 "$BOUNCER_PID" 2>/dev/null; then
		kill -TERM "$BOUNCER_PID" 2>/dev/null
		for i in $(seq 50); do kill -0 "$BOUNCER_PID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$BOUNCER_PID" 2>/dev/null
		wait "$BOUNCER_PID" 2>/dev/null
	fi
	[ -d "$PGDIR" ] && bash "$ROOT/scripts/pg.sh" destroy "$PGDIR" >/dev/null 2>&1
	if [ -n "${MG_PGB_KEEP:-}" ]; then echo "# kept $RUN" >&2; else rm -rf -- "$RUN"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# }}}

# {{{ users: the customers and the pooler's own
for u in $CUSTOMERS $BOUNCER_USER; do
	ensure_user "$u" || die "cannot create user $u"
done
# }}}

# {{{ PostgreSQL: the schema, the customers as peer clients
nice -n 5 bash "$ROOT/scripts/pg.sh" start "$PGDIR" >"$RUN/pg.env" 2>"$RUN/pg-start.log" \
	|| die "scripts/pg.sh start failed" "$RUN/pg-start.log"
adm() { psql -X -q -At -v ON_ERROR_STOP=1 -h "$PGSOCK" -p 5432 -U postgres -d "$DB" "$@"; }
mgdb() { PGHOST=$PGSOCK PGPORT=5432 PGUSER=postgres PGDATABASE=$DB "$ROOT/sql/mailguard-db" "$@"; }
{
	psql -X -q -v ON_ERROR_STOP=1 -h "$PGSOCK" -p 5432 -U postgres -d postgres -c "CREATE DATABASE $DB" \
		&& mgdb apply \
		&& adm -c "REVOKE ALL ON DATABASE $DB FROM PUBLIC" -c "GRANT CONNECT ON DATABASE $DB TO mailguard_client" \
		&& for u in $CUSTOMERS; do mgdb add-client "$u" --peer || exit 1; done \
		&& adm -c "INSERT INTO mailguard.accounts (name, msgs_hour, msgs_day, rcpts_hour, rcpts_day, rcpts_per_msg)
			VALUES ('$A', NULL, NULL, NULL, NULL, 5), ('$B', NULL, NULL, NULL, NULL, 5),
			       ('mgbncc', NULL, NULL, NULL, NULL, 5), ('mgbncd', NULL, NULL, NULL, NULL, 5)"
} >"$RUN/schema.log" 2>&1 || die "schema setup failed" "$RUN/schema.log"

# The customers log in by peer, each as its own role (direct: the
# comparison runs); the pooler's OS user may log in as each of those roles
# and as nothing else. PostgreSQL 15's pg_ident has no +group: one line per
# customer (docs/operations.md, "PgBouncer").
for u in $CUSTOMERS; do
	echo "$u $u"
	echo "$BOUNCER_USER $u"
done | pg_peer_hba "$PGDIR" "$DB" mailguard
adm -c "SELECT pg_reload_conf()" >/dev/null || die "pg_reload_conf failed"
peer_ok=""
for i in $(seq 50); do
	if [ "$(setpriv --reuid="$BOUNCER_USER" --regid="$BOUNCER_USER" --init-groups \
		psql -X -At -h "$PGSOCK" -p 5432 -U "$A" -d "$DB" -c 'SELECT session_user' 2>/dev/null)" = "$A" ]; then
		peer_ok=yes
		break
	fi
	sleep 0.1
done
[ -n "$peer_ok" ] || die "peer login of $BOUNCER_USER as $A does not work"
# }}}

# {{{ pgbouncer
# What mailguard would send as startup options, set on each server
# connection instead: at connect (connect_query) and again whenever a
# transaction gives the connection back (server_reset_query_always), so
# that neither the role's own settings (ALTER ROLE ... SET, which a
# customer may run on its own role) nor a SET a customer's script leaves
# on its pool reaches the next mail.
SESSION_SQL="SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED, READ WRITE; SET statement_timeout = $TIMEOUT_MS; SET synchronous_commit = on"
mkdir -p "$BDIR"
chown "$BOUNCER_USER:$BOUNCER_USER" "$BDIR"
chmod 0755 "$BDIR"
write_bouncer_ini() {
	local reset=$1 max_client=${2:-1000}
	cat >"$BDIR/pgbouncer.ini" <<EOF
; written by tests/pgbouncer/run.sh
[databases]
$DB = host=$PGSOCK port=5432 dbname=$DB connect_query='$SESSION_SQL'

[pgbouncer]
listen_addr =
listen_port = $BPORT
unix_socket_dir = $BSOCK
unix_socket_mode = 0777
pidfile = $BDIR/pgbouncer.pid
logfile = $BDIR/pgbouncer.log
auth_type = hba
auth_hba_file = $BDIR/hba.conf
auth_file = $BDIR/users.txt
admin_users = $BOUNCER_USER
pool_mode = transaction
default_pool_size = $MAX_SERVER
max_db_connections = $MAX_SERVER
max_client_conn = $max_client
server_reset_query = $SESSION_SQL
server_reset_query_always = $reset
ignore_startup_parameters =
EOF
	chmod 0644 "$BDIR/pgbouncer.ini"
}
write_bouncer_ini 1
# The console for the pooler's own user only; the database for everyone
# whose OS user name is the role they ask for (peer), nothing else.
cat >"$BDIR/hba.conf" <<EOF
local pgbouncer $BOUNCER_USER peer
local $DB       all           peer
EOF
# pgbouncer knows only the users in auth_file (or found by auth_query):
# each customer, with no password (peer decides; no secret to keep).
# The pooler's own OS user too, for the console (admin_users).
for u in $CUSTOMERS $BOUNCER_USER; do echo "\"$u\" \"\""; done >"$BDIR/users.txt"
chown "$BOUNCER_USER:$BOUNCER_USER" "$BDIR/hba.conf" "$BDIR/users.txt"
chmod 0600 "$BDIR/hba.conf" "$BDIR/users.txt"
# As its own unprivileged user, in the foreground of a background job:
# setpriv execs, so $! is pgbouncer.
setpriv --reuid="$BOUNCER_USER" --regid="$BOUNCER_USER" --init-groups \
	pgbouncer "$BDIR/pgbouncer.ini" >"$RUN/bouncer.out" 2>&1 &
BOUNCER_PID=$!
for i in $(seq 100); do
	[ -S "$BSOCK/.s.PGSQL.$BPORT" ] && break
	kill -0 "$BOUNCER_PID" 2>/dev/null || break
	sleep 0.1
done
[ -S "$BSOCK/.s.PGSQL.$BPORT" ] || die "pgbouncer did not start" "$BDIR/pgbouncer.log"
console() {
	setpriv --reuid="$BOUNCER_USER" --regid="$BOUNCER_USER" --init-groups \
		psql -X -At -F ' ' -h "$BSOCK" -p "$BPORT" -U "$BOUNCER_USER" -d pgbouncer "$@"
}
# as customer $1, through the pooler: psql ARGS
as_via() { local u=$1; shift; runuser -u "$u" -- psql -X -At -h "$BSOCK" -p "$BPORT" -d "$DB" "$@"; }
# }}}

# {{{ PHP
POOL_DSN="host=$BSOCK port=$BPORT dbname=$DB"
DIRECT_DSN="host=$PGSOCK port=5432 dbname=$DB"
# php as customer $1 with mailguard; $2 the DSN, $3 mailguard.pooler; the rest for php
php_as() {
	local u=$1 dsn=$2 pooler=$3
	shift 3
	runuser -u "$u" -- env -i PATH=/usr/bin:/bin "$PHP" -n -d extension="$SO" \
		-d mailguard.dsn="\"$dsn\"" -d mailguard.pooler="$pooler" \
		-d mailguard.syslog=0 -d mailguard.fail_mode=closed -d mailguard.timeout_ms=$TIMEOUT_MS \
		-d mailguard.retry_ms=0 -d sendmail_path="cat >/dev/null" -d display_errors=stderr "$@"
}
cp "$HERE/worker.php" "$RUN/worker.php"
chmod 0644 "$RUN/worker.php"
W=$RUN/worker.php
# }}}

# {{{ 1. identity through the pooler
out=$(as_via "$A" -c "SELECT session_user, current_setting('transaction_isolation'), setting FROM pg_settings WHERE name = 'statement_timeout'" 2>&1)
check "1a: a customer reaches its database through pgbouncer as its own role, with the pooler's session settings ($out)" \
	test "$out" = "$A|read committed|$TIMEOUT_MS"

out=$(as_via "$A" -U "$B" -c 'SELECT session_user' 2>&1)
# pgbouncer's word for a peer mismatch is "unix socket login rejected".
check "1b: a customer cannot log in to pgbouncer as another customer's role" \
	grep -q 'unix socket login rejected' <<<"$out"
out=$(psql -X -At -h "$BSOCK" -p "$BPORT" -U "$A" -d "$DB" -c 'SELECT session_user' 2>&1)
check "1c: root cannot log in to pgbouncer as a customer" grep -q 'unix socket login rejected' <<<"$out"
out=$(runuser -u "$A" -- psql -X -At -h "$BSOCK" -p "$BPORT" -U "$A" -d pgbouncer -c 'SHOW POOLS' 2>&1)
check "1d: a customer cannot reach pgbouncer's console" grep -qi 'no such database\|rejected\|not allowed\|failed' <<<"$out"

out=$(php_as "$A" "$POOL_DSN" transaction -r 'var_dump(mail("x@example.org", "pooled 1", "b"));' 2>&1)
row=$(adm -F '|' -c "SELECT account, client_role, verdict, sender_host FROM mailguard.log WHERE subject = 'pooled 1'")
check "1e: a mail through the pooler is accepted and logged under the customer's account and role ($row)" \
	test "$out|$row" = "bool(true)|$A|$A|accept|$(hostname)"

out=$(php_as "$A" "$POOL_DSN" none -r 'var_dump(mail("x@example.org", "pooled none", "b"));' 2>&1)
check "1f: with mailguard.pooler = none pgbouncer refuses the startup options, and the mail takes the fail mode" \
	grep -q 'unsupported startup parameter: options' "$BDIR/pgbouncer.log"
grep -q 'bool(false)' <<<"$out" || fail "1f: the mail was not refused: $out"

bcount() { adm -c "SELECT day_msgs FROM mailguard.counters WHERE account = '$B'"; }
b_before=$(bcount)
out=$(php_as "$A" "$POOL_DSN" transaction -d mailguard.account="$B" -r 'var_dump(mail("x@example.org", "claim b", "b"));' 2>&1)
row=$(adm -F '|' -c "SELECT coalesce(account, '-'), client_role, verdict, reason FROM mailguard.log WHERE subject = 'claim b'")
check "1g: a worker claiming another account (mailguard.account) through the pooler is refused under its own role ($row)" \
	test "$(grep -c 'bool(false)' <<<"$out")|$row|$(bcount)" = "1|$A|$A|refuse|identity-mismatch|$b_before"

out=$(as_via "$A" -c "SELECT verdict || '/' || reason FROM mailguard.mail(p_account => '$B', p_rcpts => 1, p_subject => 'direct claim b')" 2>&1)
row=$(adm -c "SELECT count(*) FROM mailguard.log WHERE client_role = '$A' AND reason = 'identity-mismatch'")
check "1h: calling mailguard.mail() for another account through the pooler is refused ($out; 2 such rows under $A: $row)" \
	test "$out|$row|$(bcount)" = "refuse/identity-mismatch|2|$b_before"

out=$(php_as "$A" "$POOL_DSN" transaction -r '
	echo ini_get("mailguard.dsn"), "\n", json_encode(ini_get_all("mailguard")), "\n", var_export(get_cfg_var("mailguard.dsn"), true), "\n";
	ob_start(); phpinfo(INFO_MODULES); echo ob_get_clean();' 2>&1)
leak=""
for s in "$BSOCK" "$DB" "port=$BPORT"; do grep -qF -- "$s" <<<"$out" && leak="$leak $s"; done
check "1i: the pooler DSN stays redacted (ini_get, ini_get_all, get_cfg_var, phpinfo)${leak:+: leaked$leak}" \
	test -z "$leak" -a "$(head -n1 <<<"$out")" = "(redacted)"

# A full pooler is unavailability, not misconfiguration: the mail takes the
# fail mode (open here: sent), it is not refused as misconfigured.
# One client (B's psql, sleeping) fills max_client_conn = 1.
write_bouncer_ini 1 1
console -c RELOAD >/dev/null 2>&1
as_via "$B" -c 'SELECT pg_sleep(3)' >/dev/null 2>&1 &
holder=$!
sleep 1
out=$(php_as "$A" "$POOL_DSN" transaction -d mailguard.fail_mode=open -d mailguard.misconfiguration=refuse \
	-d mailguard.syslog=1 -d mailguard.syslog_socket= -r 'var_dump(mail("x@example.org", "full pooler", "b"));' 2>&1)
wait "$holder"
write_bouncer_ini 1
console -c RELOAD >/dev/null 2>&1
full=$(grep -c 'no more connections allowed' "$BDIR/pgbouncer.log")
check "1j: a pooler at max_client_conn makes the mail take the fail mode (open: sent), not a misconfiguration refusal ($full refusals logged; $out)" \
	test "$full" -ge 1 -a "$out" = "bool(true)"
# }}}

# {{{ 2. session state a customer leaves on its pool
# A customer's own session through the pooler sets read-only, SERIALIZABLE
# and a 1 ms statement_timeout, and leaves: the next mails of that account
# run on the same server connections.
as_via "$A" -c "SET default_transaction_read_only = on" -c "SET statement_timeout = 1" \
	-c "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE" >/dev/null 2>&1
out=$(php_as "$A" "$POOL_DSN" transaction "$W" 20 '' '' state-set 2>&1)
check "2a: SETs a customer's session left on its pool do not reach mailguard's transactions ($out)" \
	grep -q '"acc":20,"ref":0' <<<"$out"
# The role's own settings (a customer may ALTER ROLE itself): new server
# connections get them at login; connect_query overrides them.
# (Directly, as the customer may: what 2a's session left on the pool must
# not decide whether this happens.)
runuser -u "$A" -- psql -X -q -h "$PGSOCK" -p 5432 -d "$DB" -c "ALTER ROLE $A IN DATABASE $DB SET default_transaction_read_only = on" \
	-c "ALTER ROLE $A SET default_transaction_isolation = serializable" >/dev/null 2>&1
console -c "RECONNECT $DB" >/dev/null 2>&1
out=$(php_as "$A" "$POOL_DSN" transaction "$W" 20 '' '' role-set 2>&1)
setting=$(adm -c "SELECT count(*) FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole WHERE r.rolname = '$A'")
check "2b: settings a customer gave its own role (read-only, SERIALIZABLE) do not reach mailguard's transactions ($setting set; $out)" \
	test "$setting" = 2 -a -n "$(grep '"acc":20,"ref":0' <<<"$out")"
adm -c "ALTER ROLE $A RESET ALL" -c "ALTER ROLE $A IN DATABASE $DB RESET ALL" >/dev/null
# }}}

# {{{ workers
mkdir -p "$RUN/out"
chmod 0777 "$RUN/out"
# spawn TAG I USER NODE DSN POOLER N: one worker in the background, as USER,
# on a simulated web node (its own UTS namespace, host name NODE: the
# sender_host of its log rows), ready/go files under $RUN/out.
spawn() {
	local tag=$1 i=$2 u=$3 node=$4 dsn=$5 pooler=$6 n=$7
	unshare --uts sh -c 'hostname "$0" && exec "$@"' "$node" \
		runuser -u "$u" -- env -i PATH=/usr/bin:/bin "$PHP" -n -d extension="$SO" \
		-d mailguard.dsn="\"$dsn\"" -d mailguard.pooler="$pooler" \
		-d mailguard.syslog=0 -d mailguard.fail_mode=closed -d mailguard.timeout_ms=$TIMEOUT_MS \
		-d mailguard.retry_ms=0 -d sendmail_path="cat >/dev/null" -d display_errors=stderr \
		"$W" "$n" "$RUN/out/$tag.$i.ready" "$RUN/out/$tag.go" "$tag" >"$RUN/out/$tag.$i.json" 2>&1 &
	WPIDS+=($!)
}
WPIDS=()
# wait for the workers spawned so far (not pgbouncer, also our child)
wait_workers() { wait "${WPIDS[@]}"; WPIDS=(); }
# wait_ready TAG COUNT: until COUNT workers have sent their first mail
wait_ready() {
	local i
	for i in $(seq 1200); do
		[ "$(find "$RUN/out" -name "$1.*.ready" | wc -l)" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
# sum TAG FIELD: over the workers' JSON lines
sum() { cat "$RUN"/out/"$1".*.json | "$PHP" -n -r '$s = 0; while (($l = fgets(STDIN)) !== false) { $j = json_decode($l, true); $s += is_array($j) ? $j[$argv[1]] : 0; } echo $s;' "$2"; }
maxms() { cat "$RUN"/out/"$1".*.json | "$PHP" -n -r '$m = 0; while (($l = fgets(STDIN)) !== false) { $j = json_decode($l, true); $m = max($m, is_array($j) ? $j["ms"] : 0); } printf("%.0f", $m);'; }
# anything a worker said besides its JSON line, or a warning it caught
problems() { cat "$RUN"/out/"$1".*.json | grep -v '^{.*"why":\[\]' | sort | uniq -c | head -n 5; }
# }}}

# {{{ 3. exactness through the pooler: 8 processes x 50 mails, limit 100
adm -c "UPDATE mailguard.accounts SET msgs_day = 100 WHERE name = '$B'" \
	-c "UPDATE mailguard.counters SET day_msgs = 0, day_rcpts = 0, hour_msgs = 0, hour_rcpts = 0 WHERE account = '$B'"
t0=$(adm -c "SELECT clock_timestamp()")
for i in $(seq 8); do spawn exact "$i" "$B" node1 "$POOL_DSN" transaction 50; done
wait_ready exact 8 || fail "3: not all 8 workers sent their first mail"
touch "$RUN/out/exact.go"
wait_workers
acc=$(sum exact acc)
ref=$(sum exact ref)
counted=$(adm -c "SELECT day_msgs FROM mailguard.counters WHERE account = '$B'")
rows=$(adm -F '/' -c "SELECT count(*) FILTER (WHERE verdict = 'accept'), count(*) FILTER (WHERE reason LIKE 'over-quota%')
	FROM mailguard.log WHERE account = '$B' AND ts >= '$t0'")
check "3: 8 x 50 mails against a limit of 100 through the pooler: $acc accepted, $ref refused, counter $counted, log $rows" \
	test "$acc/$ref/$counted/$rows" = "100/300/100/100/300"
adm -c "UPDATE mailguard.accounts SET msgs_day = NULL WHERE name = '$B'"
# }}}

# {{{ 4. 200 workers from four web nodes on at most 20 server connections
# Two samplers, each on one connection kept open, count every 100 ms the
# server connections PostgreSQL sees in the database (as the customers'
# roles) and pgbouncer's own count (SHOW POOLS), at a better priority
# than the workers.
cp "$HERE/sampler.php" "$RUN/sampler.php"
chmod 0644 "$RUN/sampler.php"
sample() {
	nice -n -5 "$PHP" -n -d extension=pgsql "$RUN/sampler.php" pg "host=$PGSOCK port=5432 dbname=$DB user=postgres" "$DB" "$RUN/out/stop" >"$RUN/samples-pg.txt" 2>&1 &
	SAMPLER_PID=$!
	nice -n -5 setpriv --reuid="$BOUNCER_USER" --regid="$BOUNCER_USER" --init-groups \
		"$PHP" -n -d extension=pgsql "$RUN/sampler.php" bouncer "host=$BSOCK port=$BPORT dbname=pgbouncer user=$BOUNCER_USER" "$DB" "$RUN/out/stop" >"$RUN/samples-bouncer.txt" 2>&1 &
	SAMPLER_PID="$SAMPLER_PID $!"
}
t0=$(adm -c "SELECT clock_timestamp()")
c0=$(adm -c "SELECT sum(day_msgs) FROM mailguard.counters")
sample
for i in $(seq "$WORKERS"); do
	set -- $CUSTOMERS
	shift $(( i % 4 ))
	spawn load "$i" "$1" "node$(( i % NODES + 1 ))" "$POOL_DSN" transaction "$MAILS"
done
if wait_ready load "$WORKERS"; then
	clients=$(console -c 'SHOW POOLS' | awk -v db="$DB" '$1 == db { cl += $3 + $4 } END { print cl + 0 }')
	check "4a: all $WORKERS workers hold a client connection to pgbouncer at once ($clients)" test "$clients" -ge "$WORKERS"
else
	fail "4a: not all $WORKERS workers sent their first mail within 120 s ($(find "$RUN/out" -name 'load.*.ready' | wc -l))"
fi
touch "$RUN/out/load.go"
wait_workers
touch "$RUN/out/stop"
wait $SAMPLER_PID
SAMPLER_PID=""
total=$((WORKERS * MAILS))
acc=$(sum load acc)
ms=$(maxms load)
max_pg=$(awk '$1 > m { m = $1 } END { print m + 0 }' "$RUN/samples-pg.txt")
max_sv=$(awk '$1 > m { m = $1 } END { print m + 0 }' "$RUN/samples-bouncer.txt")
max_cl=$(awk '$2 > m { m = $2 } END { print m + 0 }' "$RUN/samples-bouncer.txt")
nsamples=$(grep -c '^[0-9]' "$RUN/samples-pg.txt")
grep -qv '^[0-9]' "$RUN/samples-pg.txt" "$RUN/samples-bouncer.txt" && fail "4c: a sampler failed: $(grep -hv '^[0-9]' "$RUN/samples-pg.txt" "$RUN/samples-bouncer.txt" | head -n 2)"
check "4b: every one of the $total mails accepted ($acc)$(problems load | sed 's/^/; /' | tr -d '\n')" test "$acc" = "$total"
check "4c: at most $MAX_SERVER server connections throughout ($nsamples samples: PostgreSQL saw at most $max_pg, pgbouncer had at most $max_sv for up to $max_cl clients)" \
	test "$max_pg" -le "$MAX_SERVER" -a "$max_sv" -le "$MAX_SERVER" -a "$max_pg" -gt 0 -a "$max_cl" -ge "$WORKERS" -a "$nsamples" -ge 20
rows=$(adm -c "SELECT string_agg(sender_host || '=' || n, ' ' ORDER BY sender_host) FROM (SELECT sender_host, count(*) n FROM mailguard.log
	WHERE ts >= '$t0' AND verdict = 'accept' AND subject LIKE 'pgbouncer load %' GROUP BY 1) s")
per_node=$((WORKERS / NODES * MAILS))
want=""
for n in $(seq "$NODES"); do want="$want node$n=$per_node"; done
check "4d: each node's mails logged exactly ($rows)" test "$rows" = "${want# }"
c1=$(adm -c "SELECT sum(day_msgs) FROM mailguard.counters")
check "4e: the counters grew by exactly $total ($((c1 - c0)))" test "$((c1 - c0))" = "$total"
echo "# load: $WORKERS workers x $MAILS mails from $NODES nodes in ${ms} ms after all were connected ($(( total * 1000 / (ms > 0 ? ms : 1) )) mails/s), server connections <= $max_pg"
# }}}

# {{{ 5. the same work through the pooler and directly
# The database's part of a mail alone: an account whose limit is 0, so
# every mail is decided, counted as a refusal and logged by the function,
# and no MTA is started (on a loaded machine that costs more than the
# question).
adm -c "UPDATE mailguard.accounts SET msgs_day = 0 WHERE name = 'mgbncd'"
TP_N=200
for mode in pooled direct; do
	if [ $mode = pooled ]; then dsn=$POOL_DSN; pooler=transaction; else dsn=$DIRECT_DSN; pooler=none; fi
	for i in $(seq 8); do spawn "tp$mode" "$i" mgbncd node1 "$dsn" "$pooler" $((TP_N + 1)); done
	wait_ready "tp$mode" 8 || fail "5: $mode workers did not start"
	touch "$RUN/out/tp$mode.go"
	wait_workers
	eval "ref_$mode=\$(sum tp$mode ref)"
	eval "ms_$mode=\$(maxms tp$mode)"
done
rows=$(adm -c "SELECT count(*) FROM mailguard.log WHERE account = 'mgbncd' AND reason LIKE 'over-quota%' AND subject LIKE 'pgbouncer tp%'")
check "5: 8 x $TP_N questions each way, all answered (refused by the limit 0: pooled $ref_pooled, direct $ref_direct, log $rows)" \
	test "$ref_pooled/$ref_direct/$rows" = "$((8 * (TP_N + 1)))/$((8 * (TP_N + 1)))/$((16 * (TP_N + 1)))"
echo "# questions/s, 8 workers x $TP_N: through pgbouncer ${ms_pooled} ms ($(( 8 * TP_N * 1000 / (ms_pooled > 0 ? ms_pooled : 1) ))/s), direct ${ms_direct} ms ($(( 8 * TP_N * 1000 / (ms_direct > 0 ? ms_direct : 1) ))/s)"
# }}}

# {{{ pgbouncer's own log: errors
if grep -E ' (ERROR|FATAL|WARNING) ' "$BDIR/pgbouncer.log" | grep -v 'unsupported startup parameter: options\|login rejected\|pooler error: not allowed\|no more connections allowed' >"$RUN/bouncer-errors.txt"; then
	fail "pgbouncer logged errors other than the refusals provoked above"
	head -n 10 "$RUN/bouncer-errors.txt" | sed 's/^/#   /'
else
	ok "pgbouncer logged no error but the refusals provoked above"
fi
# }}}

echo "# $(( ($(date +%s%N) - T0) / 1000000 )) ms, in $RUN"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
