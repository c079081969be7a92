#!/usr/bin/env bash
# SQL-level tests of the mailguard schema (sql/migrations, sql/mailguard-db)
# against a real, private PostgreSQL cluster started with scripts/pg.sh.
#
#   bash tests/sql/run.sh [CASE...]     e.g. bash tests/sql/run.sh c i
#
# Run as root from anywhere. Each case prints "ok - name" or "not ok - name"
# with what differed; the last line is "N passed, N failed", and the exit
# status is non-zero when a case failed. The cluster is removed on exit.
# Needs postgresql-15 (server and client); pgbench drives the concurrency
# case when present (MG_NO_PGBENCH=1: background psql sessions instead).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PGSH="$ROOT/scripts/pg.sh"
MGDB="$ROOT/sql/mailguard-db"

[ "$(id -u)" = 0 ] || { echo "tests/sql/run.sh: run as root" >&2; exit 2; }

# {{{ the cluster
# DIR itself comes from mktemp, in MG_SQLTEST_TMP, else TMPDIR (the run's
# private temp dir under scripts/test.sh), else /tmp; that parent must be
# reachable by the server's OS user; pg.sh makes DIR 0755.
TMP=$(mktemp -d "${MG_SQLTEST_TMP:-${TMPDIR:-/tmp}}/mg-sqltest.XXXXXX") || exit 2
# Clusters of case k live inside TMP: remove them first.
cleanup() {
	local m
	for m in "$TMP"/*/.mailguard-pg; do
		[ -e "$m" ] && "$PGSH" destroy "$(dirname "$m")" >/dev/null 2>&1
	done
	"$PGSH" destroy "$TMP" >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
secs() { local ms=$(( $(now_ms) - $1 )); printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100)); }
T0=$(now_ms)
if ! ENV_LINES=$("$PGSH" start "$TMP" 2>"$TMP/pg-start.log"); then
	cat "$TMP/pg-start.log" >&2
	echo "tests/sql/run.sh: could not start the cluster" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
eval "$ENV_LINES"
WORK="$TMP/work"
mkdir -p "$WORK"
chmod 0755 "$WORK"
# The same psql/pgbench version as the server when available.
for d in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
	if [ -x "$d/psql" ]; then PATH="$d:$PATH"; break; fi
done
export PATH
export MG_PG_DSN MG_PG_ADMIN_DSN MG_PG_HOST MG_PG_PORT MG_PG_DB
# }}}

# {{{ helpers
# psql as the superuser / as the shared client role mailguard_web (password).
adm() { psql -X -q -At -v ON_ERROR_STOP=1 "$MG_PG_ADMIN_DSN" "$@"; }
adm_db() { local db=$1; shift; psql -X -q -At -v ON_ERROR_STOP=1 -h "$MG_PG_HOST" -p "$MG_PG_PORT" -U postgres -d "$db" "$@"; }
web() { psql -X -q -At -v ON_ERROR_STOP=1 "$MG_PG_DSN" "$@"; }
# A peer-authenticated client role: the OS user nobody logs in as role
# nobody. Without that OS user, the superuser plays the role with SET
# SESSION AUTHORIZATION (session_user is what mailguard.mail() looks at).
if id -u nobody >/dev/null 2>&1; then
	peer() { runuser -u nobody -- psql -X -q -At -v ON_ERROR_STOP=1 -h "$MG_PG_HOST" -p "$MG_PG_PORT" -d "$MG_PG_DB" "$@"; }
	PEER_LOGIN=yes
else
	peer() { as_role nobody "$@"; }
	PEER_LOGIN=no
fi
# Roles that cannot log in here (no OS user, no password): the superuser
# becomes them for the session.
as_role() { local r=$1; shift; adm -c "SET SESSION AUTHORIZATION \"$r\"" "$@"; }
mgdb() { PGHOST="$MG_PG_HOST" PGPORT="$MG_PG_PORT" PGUSER=postgres PGDATABASE="${DBNAME:-$MG_PG_DB}" "$MGDB" "$@"; }
mgdb_in() { local DBNAME=$1; shift; mgdb "$@"; }

# One policy call: WHO is a command (web, peer, "as_role R"), ARGS the
# named arguments. Prints verdict|reason|detail|msgs_hour_left|msgs_day_left|rcpts_hour_left|rcpts_day_left.
mq() {
	local who=$1 args=$2
	$who -c "SELECT verdict, reason, detail, msgs_hour_left, msgs_day_left, rcpts_hour_left, rcpts_day_left FROM mailguard.mail($args)"
}
# The same call (not in a subshell): the trace in $T, what mq prints in $MQ.
call() {
	local who=$1 args=$2 out
	out=$($who -c "SELECT trace, verdict, reason, detail, msgs_hour_left, msgs_day_left, rcpts_hour_left, rcpts_day_left
		FROM mailguard.mail($args)")
	T=${out%%|*}
	MQ=${out#*|}
}
T="" MQ=""
# hour_msgs|hour_rcpts|day_msgs|day_rcpts of an account
ctr() { adm -c "SELECT hour_msgs, hour_rcpts, day_msgs, day_rcpts FROM mailguard.counters WHERE account = '$1'"; }
# Creates an account: name, then column=value pairs (the rest NULL/default).
acct() {
	local name=$1 cols="name" vals="'$1'" kv
	shift
	for kv in "$@"; do cols="$cols, ${kv%%=*}"; vals="$vals, ${kv#*=}"; done
	adm -c "INSERT INTO mailguard.accounts ($cols) VALUES ($vals)"
}

# expect LABEL EXPECTED ACTUAL: a failure prints a short diff.
FAILS=0
expect() {
	if [ "$2" == "$3" ]; then return 0; fi
	FAILS=$((FAILS + 1))
	echo "# $1"
	diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | head -n 30 | sed 's/^/#   /'
	return 1
}
# expect_fail LABEL PATTERN COMMAND...: COMMAND must fail with PATTERN in stderr.
expect_fail() {
	local label=$1 pat=$2 out rc
	shift 2
	out=$("$@" 2>&1 >/dev/null)
	rc=$?
	if [ $rc -eq 0 ]; then expect "$label: must fail" "failure matching '$pat'" "exit 0"; return 1; fi
	if ! grep -qE -- "$pat" <<<"$out"; then expect "$label: error" "$pat" "$out"; return 1; fi
}

# Waits out the last MARGIN seconds before a multiple of PERIOD seconds
# (UTC hour: 3600, half hour for +05:30 zones: 1800), so that a case never
# straddles a window boundary.
avoid_edge() {
	local period=$1 margin=$2 s
	s=$(( $(date +%s) % period ))
	if [ $((period - s)) -le "$margin" ]; then
		echo "# waiting $((period - s + 1)) s for the window boundary to pass" >&2
		sleep $((period - s + 1))
	fi
}
# }}}

# {{{ a. migrations
case_a() {
	local out rc
	# The migrations shipped, from the directory: NAMES "0001_quota ...",
	# LATEST the highest version, VERS "1 2 3 ...", ROWS "1|quota" lines.
	local names latest vers rows applied_all applied_up
	names=$(cd "$ROOT/sql/migrations" && ls [0-9][0-9][0-9][0-9]_*.sql | sed 's/\.sql$//')
	latest=$(tail -n 1 <<<"$names" | sed 's/^0*\([0-9][0-9]*\)_.*/\1/')
	vers=$(sed 's/^0*\([0-9][0-9]*\)_.*/\1/' <<<"$names" | tr '\n' ' ' | sed 's/ $//')
	rows=$(sed -E 's/^0*([0-9]+)_(.*)/\1|\2/' <<<"$names")
	applied_all=$(sed 's/^/applied /' <<<"$names")
	applied_up=$(sed -n '3,$s/^/applied /p' <<<"$names")
	out=$(mgdb apply 2>"$WORK/a.err"); rc=$?
	expect "second apply exits 0" 0 "$rc"
	expect "second apply applies nothing" "schema at version $latest (0 applied now)" "$out"
	expect "second apply: nothing on stderr" "" "$(cat "$WORK/a.err")"
	out=$(mgdb status 2>&1); rc=$?
	expect "status: exit 0, version $latest, no pending" "0|applied: $vers|0" \
		"$rc|$(head -n 1 <<<"$out" | sed 's/ *$//')|$(grep -c pending <<<"$out")"
	expect "schema_version has a row per migration" "$rows" "$(adm -c 'SELECT version, name FROM mailguard.schema_version ORDER BY 1')"

	# A fresh database: not installed, then every migration, then none.
	adm -c "CREATE DATABASE mg_fresh"
	out=$(DBNAME=mg_fresh mgdb status 2>&1); rc=$?
	expect "status before install" "1|not installed" "$rc|$out"
	out=$(DBNAME=mg_fresh mgdb apply 2>&1); rc=$?
	expect "first apply on a fresh database" "0|$applied_all
schema at version $latest ($latest applied now)" "$rc|$out"
	out=$(DBNAME=mg_fresh mgdb apply 2>/dev/null); rc=$?
	expect "second apply on a fresh database" "0|schema at version $latest (0 applied now)" "$rc|$out"
	out=$(DBNAME=mg_fresh mgdb status 2>&1); rc=$?
	expect "status on the fresh database" "0|applied: $vers|0" \
		"$rc|$(head -n 1 <<<"$out" | sed 's/ *$//')|$(grep -c pending <<<"$out")"
	expect "fresh: schema_version" "$latest" "$(adm_db mg_fresh -c 'SELECT count(*) FROM mailguard.schema_version')"
	expect "fresh: this month and 3 ahead" "5" \
		"$(adm_db mg_fresh -c "SELECT count(*) FROM pg_inherits WHERE inhparent = 'mailguard.log'::regclass")"
	adm -c "DROP DATABASE mg_fresh"

	# An upgrade: a database at version 2 with a client, an account, a
	# counted mail and a pending row gets 0003 (mail() dropped and created
	# again with p_deadline) and goes on as before.
	local v2="$WORK/migrations-v2" t
	mkdir -p "$v2"
	cp "$ROOT/sql/migrations/0001_quota.sql" "$ROOT/sql/migrations/0002_envelope_sender.sql" "$v2/"
	adm -c "CREATE DATABASE mg_upgrade"
	out=$(DBNAME=mg_upgrade MAILGUARD_MIGRATIONS=$v2 mgdb apply 2>&1); rc=$?
	expect "upgrade: version 2 first" "0|schema at version 2 (2 applied now)" "$rc|$(tail -n 1 <<<"$out")"
	adm_db mg_upgrade -c "INSERT INTO mailguard.accounts (name, msgs_hour) VALUES ('acct_a_up', 5)" \
		-c "INSERT INTO mailguard.clients (role, trust_claimed) VALUES ('mailguard_web', true)"
	t=$(psql -X -q -At -v ON_ERROR_STOP=1 "${MG_PG_DSN/dbname=$MG_PG_DB/dbname=mg_upgrade}" \
		-c "SELECT trace FROM mailguard.mail(p_account => 'acct_a_up', p_rcpts => 1)")
	out=$(DBNAME=mg_upgrade mgdb apply 2>&1); rc=$?
	expect "upgrade: 0003 and every later migration applied" "0|$applied_up
schema at version $latest ($((latest - 2)) applied now)" "$rc|$out"
	expect "upgrade: one mail() with p_deadline, SECURITY DEFINER, pinned search_path, owner, EXECUTE for clients only" \
		"mailguard.mail(text,integer,text,integer,integer,text,integer,text,text,text,text,integer,text,text,text,text,text,text,uuid,text,timestamp with time zone)|t|{\"search_path=pg_catalog, pg_temp\"}|mailguard_owner|t|f" \
		"$(adm_db mg_upgrade -c "SELECT p.oid::regprocedure, prosecdef, proconfig, proowner::regrole,
			has_function_privilege('mailguard_client', p.oid, 'EXECUTE'), has_function_privilege('public', p.oid, 'EXECUTE')
			FROM pg_proc p WHERE pronamespace = 'mailguard'::regnamespace AND proname = 'mail'")"
	out=$(psql -X -q -At -v ON_ERROR_STOP=1 "${MG_PG_DSN/dbname=$MG_PG_DB/dbname=mg_upgrade}" \
		-c "SELECT verdict FROM mailguard.mail(p_trace => '$t', p_outcome => 'sent')" \
		-c "SELECT verdict, msgs_hour_left FROM mailguard.mail(p_account => 'acct_a_up', p_rcpts => 1)" 2>&1)
	expect "upgrade: the pending row and the counter carry on" "recorded
accept|3" "$out"
	expect "upgrade: margin column with its default" "50" "$(adm_db mg_upgrade -c "SELECT deadline_margin_ms FROM mailguard.settings")"
	adm -c "DROP DATABASE mg_upgrade"
}
# }}}

# {{{ b. ownership and PUBLIC
case_b() {
	expect "schema owner" "mailguard_owner" \
		"$(adm -c "SELECT nspowner::regrole FROM pg_namespace WHERE nspname = 'mailguard'")"
	expect "relations not owned by mailguard_owner" "" \
		"$(adm -c "SELECT relname || ' ' || relowner::regrole FROM pg_class
			WHERE relnamespace = 'mailguard'::regnamespace AND relkind IN ('r','p','S','v','m','f')
			  AND relowner <> 'mailguard_owner'::regrole ORDER BY 1")"
	expect "functions not owned by mailguard_owner" "" \
		"$(adm -c "SELECT p.oid::regprocedure || ' ' || proowner::regrole FROM pg_proc p
			WHERE pronamespace = 'mailguard'::regnamespace AND proowner <> 'mailguard_owner'::regrole")"
	expect "there are tables, sequences and functions to check" "t" \
		"$(adm -c "SELECT (SELECT count(*) FROM pg_class WHERE relnamespace = 'mailguard'::regnamespace AND relkind IN ('r','p')) >= 10
			AND (SELECT count(*) FROM pg_class WHERE relnamespace = 'mailguard'::regnamespace AND relkind = 'S') >= 1
			AND (SELECT count(*) FROM pg_proc WHERE pronamespace = 'mailguard'::regnamespace) >= 4")"
	expect "NOLOGIN roles" "mailguard_client|f|f|f
mailguard_owner|f|f|f" \
		"$(adm -c "SELECT rolname, rolcanlogin, rolsuper, rolcreaterole FROM pg_roles
			WHERE rolname IN ('mailguard_owner', 'mailguard_client') ORDER BY 1")"
	expect "PUBLIC privileges on relations" "" \
		"$(adm -c "SELECT relname FROM pg_class WHERE relnamespace = 'mailguard'::regnamespace
			AND relkind IN ('r','p','v','m','f')
			AND has_table_privilege('public', oid, 'SELECT,INSERT,UPDATE,DELETE,TRUNCATE,REFERENCES,TRIGGER')
			UNION ALL
			SELECT relname FROM pg_class WHERE relnamespace = 'mailguard'::regnamespace
			AND CASE WHEN relkind = 'S' THEN has_sequence_privilege('public', oid, 'USAGE,SELECT,UPDATE') END")"
	expect "PUBLIC in any ACL (aclexplode)" "" \
		"$(adm -c "SELECT relname FROM pg_class, aclexplode(relacl) a
			WHERE relnamespace = 'mailguard'::regnamespace AND a.grantee = 0
			UNION ALL
			SELECT proname FROM pg_proc, aclexplode(coalesce(proacl, acldefault('f', proowner))) a
			WHERE pronamespace = 'mailguard'::regnamespace AND a.grantee = 0")"
	expect "PUBLIC may execute" "" \
		"$(adm -c "SELECT oid::regprocedure FROM pg_proc WHERE pronamespace = 'mailguard'::regnamespace
			AND has_function_privilege('public', oid, 'EXECUTE')")"
	expect "PUBLIC on the schema" "f|f" \
		"$(adm -c "SELECT has_schema_privilege('public', 'mailguard', 'USAGE'), has_schema_privilege('public', 'mailguard', 'CREATE')")"
	# Default privileges: a function or table the owner adds later (a
	# future migration) is not executable/readable by PUBLIC either.
	expect "later objects of the owner: no PUBLIC" "f|f|f" \
		"$(adm -c "BEGIN" -c "SET LOCAL ROLE mailguard_owner" \
			-c "CREATE FUNCTION mailguard.probe() RETURNS int LANGUAGE sql AS 'SELECT 1'" \
			-c "CREATE TABLE mailguard.probe_t (i int)" \
			-c "SELECT has_function_privilege('public', 'mailguard.probe()', 'EXECUTE'),
				has_table_privilege('public', 'mailguard.probe_t', 'SELECT'),
				has_function_privilege('mailguard_client', 'mailguard.probe()', 'EXECUTE')" \
			-c "ROLLBACK")"
}
# }}}

# {{{ c. privileges of client roles
# Runs every statement as the caller; prints "SQLSTATE|statement" per line.
try_all() {
	local who=$1 sql s first=1
	sql='DO $do$ DECLARE s text; st text; BEGIN FOREACH s IN ARRAY ARRAY['
	while IFS= read -r s; do
		[ -n "$s" ] || continue
		[ $first = 1 ] || sql="$sql,"
		first=0
		sql="$sql\$q\$$s\$q\$"
	done
	sql="$sql]::text[] LOOP BEGIN EXECUTE s; st := 'no-error'; EXCEPTION WHEN OTHERS THEN st := SQLSTATE; END;
		RAISE NOTICE 'R|%|%', st, s; END LOOP; END \$do\$;"
	$who -c "$sql" 2>&1 | sed -n 's/^NOTICE:  R|//p'
}

case_c() {
	local stmts who expected out tbl col
	acct acct_c msgs_hour=2 rcpts_hour=100
	acct acct_c2 rcpts_hour=4
	# a roll-up partition to try too (log_hourly_YYYY_MM)
	adm -c "INSERT INTO mailguard.log (ts, trace, account, verdict) VALUES (now() - interval '2 hours', gen_random_uuid(), 'acct_c_rollup', 'accept')" \
		>/dev/null
	mgdb retention 0 >/dev/null   # its month's partition, even on the 1st of a month
	adm -c "SELECT mailguard.log_rollup()" >/dev/null
	expect "a roll-up partition exists" "t" "$(adm -c "SELECT count(*) > 0 FROM pg_inherits WHERE inhparent = 'mailguard.log_hourly'::regclass")"
	stmts=""
	for tbl in accounts:name counters:account settings:id clients:role log:account log_hourly:account log_rollup_state:lag \
			$(adm -c "SELECT c.relname || ':account' FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
				WHERE i.inhparent IN ('mailguard.log'::regclass, 'mailguard.log_hourly'::regclass) ORDER BY 1") \
			schema_version:name; do
		col=${tbl#*:}; tbl=mailguard.${tbl%%:*}
		stmts+="SELECT * FROM $tbl LIMIT 1
INSERT INTO $tbl DEFAULT VALUES
UPDATE $tbl SET $col = $col
DELETE FROM $tbl
TRUNCATE $tbl
LOCK TABLE $tbl IN ACCESS EXCLUSIVE MODE
"
	done
	stmts+="SELECT nextval('mailguard.log_id_seq')
SELECT mailguard.log_maintain(0)
SELECT mailguard.log_maintain(12, 0)
SELECT mailguard.log_rollup()
SELECT mailguard.log_rollup(now() - interval '1 day')
SELECT mailguard.valid_time_zone('UTC')
SELECT mailguard.accounts_add_counters()
CREATE TABLE mailguard.x (i int)
CREATE VIEW mailguard.v AS SELECT 1 AS one
CREATE FUNCTION mailguard.f() RETURNS int LANGUAGE sql AS 'SELECT 1'
CREATE INDEX ON mailguard.accounts (tz)
CREATE TRIGGER t BEFORE INSERT ON mailguard.log FOR EACH ROW EXECUTE FUNCTION mailguard.accounts_add_counters()
CREATE POLICY p ON mailguard.counters USING (true)
ALTER TABLE mailguard.accounts ADD COLUMN x int
ALTER TABLE mailguard.accounts DISABLE TRIGGER accounts_add_counters
ALTER TABLE mailguard.counters DROP CONSTRAINT counters_pkey
ALTER TABLE mailguard.log DETACH PARTITION mailguard.log_default
ALTER TABLE mailguard.accounts OWNER TO CURRENT_USER
ALTER FUNCTION mailguard.mail SECURITY INVOKER
ALTER FUNCTION mailguard.mail SET search_path = public, pg_catalog
ALTER FUNCTION mailguard.mail OWNER TO CURRENT_USER
ALTER FUNCTION mailguard.log_maintain SECURITY DEFINER
ALTER SCHEMA mailguard RENAME TO mg
ALTER SCHEMA mailguard OWNER TO CURRENT_USER
ALTER SEQUENCE mailguard.log_id_seq RESTART
ALTER ROLE mailguard_client LOGIN
ALTER ROLE mailguard_owner LOGIN PASSWORD 'x'
ALTER ROLE CURRENT_USER SUPERUSER
ALTER DEFAULT PRIVILEGES FOR ROLE mailguard_owner GRANT ALL ON TABLES TO PUBLIC
COMMENT ON TABLE mailguard.accounts IS 'x'
DROP TABLE mailguard.log_default
DROP FUNCTION mailguard.mail
GRANT mailguard_owner TO CURRENT_USER
SET ROLE mailguard_owner
SET SESSION AUTHORIZATION mailguard_owner
SET SESSION AUTHORIZATION postgres
CREATE FUNCTION public.now() RETURNS timestamptz LANGUAGE sql AS 'SELECT timestamptz ''2000-01-01'''
"
	expected=$(printf '%s' "$stmts" | sed '/^$/d; s/^/42501|/')
	for who in web peer; do
		out=$(try_all $who <<<"$stmts")
		expect "as $who ($( [ $who = peer ] && echo "role nobody, login: $PEER_LOGIN" || echo mailguard_web)): every statement denied (SQLSTATE 42501)" \
			"$expected" "$out"
	done
	# GRANT without grant option only warns: check it changed nothing.
	web -c "GRANT SELECT ON mailguard.accounts TO PUBLIC" -c "GRANT EXECUTE ON FUNCTION mailguard.log_maintain TO mailguard_web" 2>/dev/null

	# What each client role can use, seen from the catalog.
	for who in mailguard_client mailguard_web nobody; do
		expect "$who: executable functions in mailguard" \
			"mailguard.envelope(uuid,text)
mailguard.mail(text,integer,text,integer,integer,text,integer,text,text,text,text,integer,text,text,text,text,text,text,uuid,text,timestamp with time zone)" \
			"$(adm -c "SELECT oid::regprocedure FROM pg_proc WHERE pronamespace = 'mailguard'::regnamespace
				AND has_function_privilege('$who', oid, 'EXECUTE') ORDER BY oid::regprocedure::text")"
		expect "$who: privileges on relations" "" \
			"$(adm -c "SELECT relname FROM pg_class WHERE relnamespace = 'mailguard'::regnamespace AND relkind IN ('r','p')
				AND has_table_privilege('$who', oid, 'SELECT,INSERT,UPDATE,DELETE,TRUNCATE,REFERENCES,TRIGGER')
				UNION ALL SELECT relname FROM pg_class WHERE relnamespace = 'mailguard'::regnamespace
				AND CASE WHEN relkind = 'S' THEN has_sequence_privilege('$who', oid, 'USAGE,SELECT,UPDATE') END")"
		expect "$who: schema USAGE only" "t|f" \
			"$(adm -c "SELECT has_schema_privilege('$who', 'mailguard', 'USAGE'), has_schema_privilege('$who', 'mailguard', 'CREATE')")"
		expect "$who: not a member of mailguard_owner" "f" \
			"$(adm -c "SELECT pg_has_role('$who', 'mailguard_owner', 'MEMBER')")"
	done

	# Raising the limit by shadowing what the definer function calls: the
	# client may create objects in pg_temp and (on a database where an
	# admin left public writable) in public, and sets search_path, TimeZone.
	adm -c "GRANT CREATE ON SCHEMA public TO mailguard_web"
	out=$(web 2>&1 <<'SQL'
SET search_path = pg_temp, public;
SET TimeZone = 'Pacific/Kiritimati';
CREATE FUNCTION public.now() RETURNS timestamptz LANGUAGE sql AS $$SELECT timestamptz '2000-01-01 00:00+00'$$;
CREATE FUNCTION public.date_trunc(text, timestamptz, text) RETURNS timestamptz LANGUAGE sql AS $$SELECT timestamptz '2099-01-01 00:00+00'$$;
CREATE FUNCTION public.gen_random_uuid() RETURNS uuid LANGUAGE sql AS $$SELECT '00000000-0000-0000-0000-000000000000'::uuid$$;
CREATE FUNCTION public.always(integer, integer) RETURNS boolean LANGUAGE sql AS $$SELECT true$$;
CREATE OPERATOR public.<= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = public.always);
CREATE OPERATOR public.> (LEFTARG = integer, RIGHTARG = integer, FUNCTION = public.always);
CREATE FUNCTION pg_temp.now() RETURNS timestamptz LANGUAGE sql AS $$SELECT timestamptz '2000-01-01 00:00+00'$$;
CREATE OPERATOR pg_temp.<= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = public.always);
CREATE TEMP TABLE accounts (LIKE pg_catalog.pg_class);
CREATE TEMP TABLE counters (account text, hour_msgs int);
CREATE TEMP TABLE clients (role name, trust_claimed boolean, account text);
SELECT verdict, reason, detail FROM mailguard.mail(p_account => 'acct_c', p_rcpts => 1);
SELECT verdict, reason, detail FROM mailguard.mail(p_account => 'acct_c', p_rcpts => 1);
SELECT verdict, reason, detail FROM mailguard.mail(p_account => 'acct_c', p_rcpts => 1);
SQL
)
	expect "shadowing objects: limit 2 still holds" "accept||
accept||
refuse|over-quota|hour-messages" "$out"
	expect "shadowing objects: counters" "2|2|2|2" "$(ctr acct_c)"
	expect "shadowing objects: log has real times and traces" "3|0" \
		"$(adm -c "SELECT count(*) FILTER (WHERE ts > now() - interval '5 minutes' AND ts < now() + interval '1 minute'),
			count(*) FILTER (WHERE trace = '00000000-0000-0000-0000-000000000000') FROM mailguard.log WHERE account = 'acct_c'")"
	expect "shadowing objects: window from the real clock" "t" \
		"$(adm -c "SELECT hour_start = date_trunc('hour', (SELECT max(ts) FROM mailguard.log WHERE account = 'acct_c'), 'UTC')
			FROM mailguard.counters WHERE account = 'acct_c'")"
	adm -c "DROP FUNCTION public.now(), public.date_trunc(text, timestamptz, text), public.gen_random_uuid(), public.always(integer, integer) CASCADE" \
		-c "REVOKE CREATE ON SCHEMA public FROM mailguard_web" 2>/dev/null

	# Negative recipients must not lower the counters.
	expect "rcpts 3" "accept|||||1|" "$(mq web "p_account => 'acct_c2', p_rcpts => 3")"
	expect "rcpts -100 counts 0" "accept|||||1|" "$(mq web "p_account => 'acct_c2', p_rcpts => -100")"
	expect "rcpts 2 over the limit" "refuse|over-quota|hour-recipients|||1|" "$(mq web "p_account => 'acct_c2', p_rcpts => 2")"
	expect "counters after negative rcpts" "2|3|2|3" "$(ctr acct_c2)"
	expect "GRANTs by the client changed nothing" "f|f" \
		"$(adm -c "SELECT has_table_privilege('public', 'mailguard.accounts', 'SELECT'),
			has_function_privilege('mailguard_web', 'mailguard.log_maintain(integer,integer)', 'EXECUTE')")"
	expect "limits unchanged" "2|||100||f" \
		"$(adm -c "SELECT msgs_hour, msgs_day, rcpts_day, rcpts_hour, rcpts_per_msg, blocked FROM mailguard.accounts WHERE name = 'acct_c'")"
}
# }}}

# {{{ d. verdicts
case_d() {
	local t tr=() out
	avoid_edge 3600 20
	acct acct_d1 msgs_hour=2 msgs_day=10 rcpts_hour=10 rcpts_day=100 rcpts_per_msg=5
	acct acct_d2 msgs_day=1
	acct acct_d3 rcpts_hour=5
	acct acct_d4 rcpts_day=4
	acct acct_d5 rcpts_per_msg=2 msgs_hour=10
	acct acct_d6 msgs_hour=10 blocked=true "blocked_reason='spam complaint'"

	call web "p_account => 'acct_d1', p_rcpts => 3"; tr+=("$T")
	expect "accept: left counts right" "accept|||1|9|7|97" "$MQ"
	expect "accept: counters" "1|3|1|3" "$(ctr acct_d1)"
	expect "accept: second, left counts right" "accept|||0|8|6|96" "$(mq web "p_account => 'acct_d1', p_rcpts => 1")"
	call web "p_account => 'acct_d1', p_rcpts => 1"; tr+=("$T")
	expect "over hour messages" "refuse|over-quota|hour-messages|0|8|6|96" "$MQ"
	expect "over hour messages: counters unchanged" "2|4|2|4" "$(ctr acct_d1)"

	expect "day messages: first" "accept||||0||" "$(mq web "p_account => 'acct_d2'")"
	call web "p_account => 'acct_d2'"; tr+=("$T")
	expect "over day messages (no hour limit)" "refuse|over-quota|day-messages||0||" "$MQ"
	expect "over day messages: counters" "1|0|1|0" "$(ctr acct_d2)"

	expect "hour recipients: 3 of 5" "accept|||||2|" "$(mq web "p_account => 'acct_d3', p_rcpts => 3")"
	call web "p_account => 'acct_d3', p_rcpts => 3"; tr+=("$T")
	expect "over hour recipients" "refuse|over-quota|hour-recipients|||2|" "$MQ"
	expect "hour recipients: 2 more fit" "accept|||||0|" "$(mq web "p_account => 'acct_d3', p_rcpts => 2")"
	expect "hour recipients: counters" "2|5|2|5" "$(ctr acct_d3)"

	expect "day recipients: 3 of 4" "accept||||||1" "$(mq web "p_account => 'acct_d4', p_rcpts => 3")"
	call web "p_account => 'acct_d4', p_rcpts => 2"; tr+=("$T")
	expect "over day recipients" "refuse|over-quota|day-recipients||||1" "$MQ"
	expect "day recipients: counters" "1|3|1|3" "$(ctr acct_d4)"

	call web "p_account => 'acct_d5', p_rcpts => 3"; tr+=("$T")
	expect "too many recipients" "refuse|too-many-recipients|3 > 2||||" "$MQ"
	expect "too many recipients: counters unchanged" "0|0|0|0||" \
		"$(adm -c "SELECT hour_msgs, hour_rcpts, day_msgs, day_rcpts, hour_start, day_start FROM mailguard.counters WHERE account = 'acct_d5'")"
	expect "2 recipients are fine" "accept|||9|||" "$(mq web "p_account => 'acct_d5', p_rcpts => 2")"

	call web "p_account => 'acct_d6', p_rcpts => 1"; tr+=("$T")
	expect "blocked" "refuse|blocked|spam complaint||||" "$MQ"
	expect "blocked: counters unchanged" "0|0|0|0" "$(ctr acct_d6)"

	adm -c "UPDATE mailguard.settings SET unknown_account = 'refuse'"
	call web "p_account => 'acct_d_nosuch', p_rcpts => 1"; tr+=("$T")
	expect "unknown account, policy refuse" "refuse|unknown-account|||||" "$MQ"
	expect "unknown account: no row" "0|0" \
		"$(adm -c "SELECT (SELECT count(*) FROM mailguard.accounts WHERE name = 'acct_d_nosuch'), (SELECT count(*) FROM mailguard.counters WHERE account = 'acct_d_nosuch')")"

	adm -c "UPDATE mailguard.settings SET unknown_account = 'default', msgs_hour = 7, msgs_day = 70, rcpts_hour = 20, rcpts_day = 200, rcpts_per_msg = 9, tz = 'Europe/Berlin'"
	call web "p_account => 'acct_d_auto', p_rcpts => 2"; tr+=("$T")
	expect "unknown account, policy default: accepted" "accept|||6|69|18|198" "$MQ"
	expect "auto-created with the settings' limits" "7|70|20|200|9|Europe/Berlin|t|f" \
		"$(adm -c "SELECT msgs_hour, msgs_day, rcpts_hour, rcpts_day, rcpts_per_msg, tz, auto_created, blocked FROM mailguard.accounts WHERE name = 'acct_d_auto'")"
	expect "auto-created: counted" "1|2|1|2" "$(ctr acct_d_auto)"
	expect "auto-created: second call" "accept|||5|68|16|196" "$(mq web "p_account => 'acct_d_auto', p_rcpts => 2")"
	adm -c "UPDATE mailguard.settings SET unknown_account = 'refuse'"

	# The log: one row per call above with the right verdict/reason/outcome.
	expect "log rows of the decisions" "acct_d1|accept||sent|3
acct_d1|refuse|over-quota:hour-messages||1
acct_d2|refuse|over-quota:day-messages||0
acct_d3|refuse|over-quota:hour-recipients||3
acct_d4|refuse|over-quota:day-recipients||2
acct_d5|refuse|too-many-recipients:3 > 2||3
acct_d6|refuse|blocked:spam complaint||1
acct_d_nosuch|refuse|unknown-account||1
acct_d_auto|accept||sent|2" \
		"$(for t in "${tr[@]}"; do adm -c "SELECT account, verdict, reason, outcome, rcpts FROM mailguard.log WHERE trace = '$t'"; done)"
	expect "log rows per account" "acct_d1|accept|2
acct_d1|refuse|1
acct_d2|accept|1
acct_d2|refuse|1
acct_d3|accept|2
acct_d3|refuse|1
acct_d4|accept|1
acct_d4|refuse|1
acct_d5|accept|1
acct_d5|refuse|1
acct_d6|refuse|1
acct_d_auto|accept|2
acct_d_nosuch|refuse|1" \
		"$(adm -c "SELECT account, verdict, count(*) FROM mailguard.log WHERE account LIKE 'acct\_d%' GROUP BY 1, 2 ORDER BY account COLLATE \"C\", verdict")"

	# Metadata columns come from the parameters.
	call web "p_account => 'acct_d5', p_rcpts => 2, p_fn => 'mail', p_uid => 1001, p_owner => 1002,
		p_script => '/var/www/a/x.php', p_line => 42, p_entry => '/var/www/a/index.php', p_vhost => 'a.example',
		p_client => '192.0.2.7', p_host => 'web1.example', p_pid => 4242, p_sapi => 'fpm-fcgi',
		p_from => 'a@a.example', p_to => 'b@b.example, c@c.example', p_cc => 'd@d.example', p_bcc => 'e@e.example',
		p_subject => 'Grüße'"; t=$T
	expect "metadata call" "accept|||8|||" "$MQ"
	expect "metadata in the log" "acct_d5|mailguard_web|mail|1001|1002|/var/www/a/x.php|42|/var/www/a/index.php|a.example|192.0.2.7|web1.example|4242|fpm-fcgi|a@a.example|b@b.example, c@c.example|d@d.example|e@e.example|Grüße|2|accept||sent|t" \
		"$(adm -c "SELECT account, client_role, fn, uid, owner_uid, script, line, entry, vhost, client_ip, sender_host, pid, sapi,
			mail_from, mail_to, mail_cc, mail_bcc, subject, rcpts, verdict, reason, outcome, ts > now() - interval '5 minutes'
			FROM mailguard.log WHERE trace = '$t'")"
}
# }}}

# {{{ e. windows roll over
case_e() {
	avoid_edge 1800 20
	acct acct_e msgs_hour=10 msgs_day=100 rcpts_hour=100 rcpts_day=1000
	local i
	for i in 1 2 3; do mq web "p_account => 'acct_e', p_rcpts => 2" >/dev/null; done
	expect "three mails" "3|6|3|6" "$(ctr acct_e)"
	adm -c "UPDATE mailguard.counters SET hour_start = hour_start - interval '1 hour' WHERE account = 'acct_e'"
	expect "hour rolled over: left" "accept|||9|96|98|992" "$(mq web "p_account => 'acct_e', p_rcpts => 2")"
	expect "hour rolled over: counters" "1|2|4|8" "$(ctr acct_e)"
	expect "hour_start is the current hour again" "t" \
		"$(adm -c "SELECT hour_start = date_trunc('hour', (SELECT max(ts) FROM mailguard.log WHERE account = 'acct_e'), 'UTC') FROM mailguard.counters WHERE account = 'acct_e'")"
	adm -c "UPDATE mailguard.counters SET day_start = day_start - interval '1 day' WHERE account = 'acct_e'"
	expect "day rolled over: left" "accept|||8|99|96|998" "$(mq web "p_account => 'acct_e', p_rcpts => 2")"
	expect "day rolled over: counters" "2|4|1|2" "$(ctr acct_e)"
	expect "day_start is today again" "t" \
		"$(adm -c "SELECT day_start = date_trunc('day', (SELECT max(ts) FROM mailguard.log WHERE account = 'acct_e'), 'UTC') FROM mailguard.counters WHERE account = 'acct_e'")"

	# A zone with a +05:30 offset: hours start at :30 UTC, days at local midnight.
	acct acct_e_in msgs_hour=10 "tz='Asia/Kolkata'"
	expect "Kolkata: accepted" "accept|||9|||" "$(mq web "p_account => 'acct_e_in', p_rcpts => 1")"
	expect "Kolkata: window starts" "t|t|30|00:00:00|t" \
		"$(adm -c "SELECT c.hour_start = date_trunc('hour', l.ts, 'Asia/Kolkata'),
				c.day_start = date_trunc('day', now(), 'Asia/Kolkata'),
				to_char(c.hour_start AT TIME ZONE 'UTC', 'MI'),
				(c.day_start AT TIME ZONE 'Asia/Kolkata')::time,
				c.day_start <> date_trunc('day', now(), 'UTC')
			FROM mailguard.counters c, (SELECT max(ts) AS ts FROM mailguard.log WHERE account = 'acct_e_in') l
			WHERE c.account = 'acct_e_in'")"
	# An invalid zone is refused by the CHECK.
	expect_fail "invalid time zone" "violates check constraint" \
		adm -c "INSERT INTO mailguard.accounts (name, tz) VALUES ('acct_e_bad', 'Mars/Olympus')"
}
# }}}

# {{{ f. identity
case_f() {
	avoid_edge 3600 15
	acct nobody msgs_hour=10
	acct acct_f_other msgs_hour=10
	acct acct_f_mapped msgs_hour=10
	mgdb add-client mg_f_mapped --peer --account acct_f_mapped >/dev/null
	adm -c "CREATE ROLE mg_f_stranger LOGIN" -c "GRANT mailguard_client TO mg_f_stranger"
	local t

	call peer "p_account => 'acct_f_other', p_rcpts => 1"; t=$T
	expect "peer claims another account" "refuse|identity-mismatch|||||" "$MQ"
	expect "peer claims another account: logged" "nobody|nobody|identity-mismatch|refuse" \
		"$(adm -c "SELECT account, client_role, reason, verdict FROM mailguard.log WHERE trace = '$t'")"
	expect "nothing counted for either" "0|0|0|0
0|0|0|0" "$(ctr nobody; ctr acct_f_other)"
	expect "peer claims itself" "accept|||9|||" "$(mq peer "p_account => 'nobody', p_rcpts => 1")"
	expect "peer claims ''" "accept|||8|||" "$(mq peer "p_account => '', p_rcpts => 1")"
	expect "peer claims nothing" "accept|||7|||" "$(mq peer "p_rcpts => 1")"
	expect "charged to itself" "3|3|3|3
0|0|0|0" "$(ctr nobody; ctr acct_f_other)"

	expect "mapped peer claims ''" "accept|||9|||" "$(mq "as_role mg_f_mapped" "p_account => ''")"
	expect "mapped peer claims its account" "accept|||8|||" "$(mq "as_role mg_f_mapped" "p_account => 'acct_f_mapped'")"
	expect "mapped peer claims its role name (PHP's default claim)" "accept|||7|||" "$(mq "as_role mg_f_mapped" "p_account => 'mg_f_mapped'")"
	expect "mapped peer claims another account" "refuse|identity-mismatch|||||" "$(mq "as_role mg_f_mapped" "p_account => 'acct_f_other'")"
	expect "mapped: counters" "3|0|3|0" "$(ctr acct_f_mapped)"

	expect "shared claims ''" "refuse|no-account|||||" "$(mq web "p_account => ''")"
	expect "shared claims nothing" "refuse|no-account|||||" "$(mq web "p_rcpts => 1")"

	# The mapped peer's refused claim is recorded under its own account.
	call "as_role mg_f_mapped" "p_account => 'acct_f_other', p_rcpts => 1, p_script => '/var/www/other/x.php'"; t=$T
	expect "mismatched claim: refused" "refuse|identity-mismatch|||||" "$MQ"
	expect "mismatched claim: recorded under the caller's account and role" \
		"acct_f_mapped|mg_f_mapped|refuse|identity-mismatch|" \
		"$(adm -c "SELECT account, client_role, verdict, reason, outcome FROM mailguard.log WHERE trace = '$t'")"

	# A member of mailguard_client that never had a clients row.
	call "as_role mg_f_stranger" "p_account => 'acct_f_other', p_rcpts => 3, p_script => '/var/www/other/index.php',
		p_from => 'ceo@other.example', p_subject => 'invoice'"; t=$T
	expect "member of mailguard_client, not in clients" "refuse|not-a-client|||||" "$MQ"
	expect "not-a-client: logged under the caller's role, account NULL, none of its values" \
		"|mg_f_stranger|refuse|not-a-client||||||" \
		"$(adm -c "SELECT account, client_role, verdict, reason, outcome, script, mail_from, subject, rcpts, fn
			FROM mailguard.log WHERE trace = '$t'")"
	expect "not-a-client: nothing counted" "0|0|0|0" "$(ctr acct_f_other)"

	# A client removed the way 0.2.0's docs said: row deleted, still a
	# member. It may write one row per call under its own role, never one
	# that names an account, and it cannot record outcomes any more.
	acct acct_f_gone msgs_hour=10
	mgdb add-client mg_f_gone --peer --account acct_f_gone >/dev/null
	call "as_role mg_f_gone" "p_account => 'acct_f_gone', p_rcpts => 1"; t=$T
	expect "before removal: accepted" "accept|||9|||" "$MQ"
	local t_before=$t
	adm -c "DELETE FROM mailguard.clients WHERE role = 'mg_f_gone'"
	expect "row deleted, still a member: outcome not recorded" "unknown" \
		"$(as_role mg_f_gone -c "SELECT verdict FROM mailguard.mail(p_trace => '$t', p_outcome => 'sent')")"
	local tg=() who
	for who in acct_f_other acct_f_gone nobody ''; do
		call "as_role mg_f_gone" "p_account => '$who', p_rcpts => 2, p_script => '/var/www/$who/x.php'"; tg+=("$T")
		expect "row deleted, still a member, claims '$who': not-a-client" "refuse|not-a-client|||||" "$MQ"
	done
	expect "its rows: under its role, account NULL, no script, nothing pending" \
		"4|4|0|0|0" \
		"$(adm -c "SELECT count(*), count(*) FILTER (WHERE client_role = 'mg_f_gone' AND reason = 'not-a-client' AND verdict = 'refuse'),
			count(account), count(script), count(outcome) FROM mailguard.log WHERE trace IN ($(printf "'%s'," "${tg[@]}" | sed 's/,$//'))")"
	expect "no row of mg_f_gone names another account" "" \
		"$(adm -c "SELECT DISTINCT account FROM mailguard.log WHERE client_role = 'mg_f_gone' AND account IS DISTINCT FROM 'acct_f_gone' AND account IS NOT NULL")"
	expect "nothing counted for anyone" "1|1|1|1
0|0|0|0
3|3|3|3" "$(ctr acct_f_gone; ctr acct_f_other; ctr nobody)"
	expect "the mail before removal keeps its outcome" "acct_f_gone|sent" \
		"$(adm -c "SELECT account, outcome FROM mailguard.log WHERE trace = '$t_before'")"
}
# }}}

# {{{ o. remove-client
case_o() {
	local out rc
	acct acct_o msgs_hour=10
	mgdb add-client mg_o_peer --peer --account acct_o >/dev/null
	mgdb add-client mg_o_shared --shared >/dev/null
	expect "clients can call" "accept
accept" "$(mq "as_role mg_o_peer" "p_rcpts => 1" | cut -d'|' -f1; mq "as_role mg_o_shared" "p_account => 'acct_o'" | cut -d'|' -f1)"

	out=$(mgdb remove-client mg_o_peer 2>&1); rc=$?
	expect "remove-client: exit 0, says what it did" \
		"0|client mg_o_peer removed: membership in mailguard_client revoked, clients row deleted" "$rc|$out"
	expect "remove-client: no membership, no row, the login role stays" "f|0|1" \
		"$(adm -c "SELECT pg_has_role('mg_o_peer', 'mailguard_client', 'MEMBER'),
			(SELECT count(*) FROM mailguard.clients WHERE role = 'mg_o_peer'),
			(SELECT count(*) FROM pg_roles WHERE rolname = 'mg_o_peer')")"
	expect "removed role: may not execute mail() or envelope()" "f
f" \
		"$(adm -c "SELECT has_function_privilege('mg_o_peer', p.oid, 'EXECUTE') FROM pg_proc p
			WHERE pronamespace = 'mailguard'::regnamespace AND proname IN ('mail', 'envelope') ORDER BY proname")"
	expect_fail "removed role: permission denied, naming itself" "permission denied for (function|schema) mail" \
		as_role mg_o_peer -c "SELECT verdict FROM mailguard.mail(p_rcpts => 1)"
	expect_fail "removed role: permission denied, naming another account" "permission denied" \
		as_role mg_o_peer -c "SELECT verdict FROM mailguard.mail(p_account => 'acct_o', p_rcpts => 1)"
	expect "removed role: no row written" "0" \
		"$(adm -c "SELECT count(*) FROM mailguard.log WHERE client_role = 'mg_o_peer' AND verdict = 'refuse'")"

	out=$(mgdb remove-client mg_o_peer 2>&1); rc=$?
	expect "remove-client again: exit 0, nothing to do" \
		"0|client mg_o_peer: nothing to do (not a member of mailguard_client, no clients row)" "$rc|$out"
	out=$(mgdb remove-client mg_o_nosuch 2>&1); rc=$?
	expect "remove-client of an unknown role: exit 0, says so" \
		"0|client mg_o_nosuch: nothing to do (no such role, no clients row)" "$rc|$out"

	# Only one half left over from the 0.2.0 instructions: each is undone.
	adm -c "DELETE FROM mailguard.clients WHERE role = 'mg_o_shared'"
	out=$(mgdb remove-client mg_o_shared 2>&1); rc=$?
	expect "remove-client of a member without a row" "0|client mg_o_shared removed: membership in mailguard_client revoked" "$rc|$out"
	adm -c "INSERT INTO mailguard.clients (role) VALUES ('mg_o_rowonly')"
	out=$(mgdb remove-client mg_o_rowonly 2>&1); rc=$?
	expect "remove-client of a row without a role" "0|client mg_o_rowonly removed: clients row deleted" "$rc|$out"

	# EXECUTE through another path: revoked what it could, then an error.
	adm -c "CREATE ROLE mg_o_group NOLOGIN" -c "GRANT mailguard_client TO mg_o_group" \
		-c "CREATE ROLE mg_o_nested LOGIN" -c "GRANT mg_o_group TO mg_o_nested"
	mgdb add-client mg_o_nested --peer >/dev/null
	out=$(mgdb remove-client mg_o_nested 2>&1); rc=$?
	expect "remove-client, member through another role: exit 1" "1" "$rc"
	expect "... says what it did and what is left" "client mg_o_nested removed: membership in mailguard_client revoked, clients row deleted
mailguard-db: error: mg_o_nested can still execute mailguard.mail() and mailguard.envelope() (a superuser, a member of mailguard_client through another role, or a direct grant); take that away too" "$out"
	adm -c "REVOKE mg_o_group FROM mg_o_nested"
	out=$(mgdb remove-client mg_o_nested 2>&1); rc=$?
	expect "... and after that is taken away: exit 0" "0" "$rc"

	expect_fail "remove-client without a role" "remove-client ROLE" mgdb remove-client
	expect_fail "remove-client mailguard_client" "mailguard's own role" mgdb remove-client mailguard_client
	adm -c "CREATE DATABASE mg_o_empty"
	expect_fail "remove-client without the schema" "not installed" mgdb_in mg_o_empty remove-client x
	adm -c "DROP DATABASE mg_o_empty"
	expect "the shared test role is untouched" "accept" "$(mq web "p_account => 'acct_o'" | cut -d'|' -f1)"
}
# }}}

# {{{ g. outcome
case_g() {
	acct acct_g msgs_hour=10
	local t1 t2 tn tr out
	call web "p_account => 'acct_g'"; t1=$T; expect "mail 1" "accept|||9|||" "$MQ"
	call web "p_account => 'acct_g'"; t2=$T; expect "mail 2" "accept|||8|||" "$MQ"
	adm -c "INSERT INTO mailguard.accounts (name) VALUES ('nobody') ON CONFLICT DO NOTHING"
	call peer "p_account => ''"; tn=$T; expect "peer's mail" "accept" "${MQ%%|*}"
	call web "p_account => 'acct_g_nosuch'"; tr=$T; expect "refused mail" "refuse|unknown-account|||||" "$MQ"

	# Accepted rows are written sent; the extension reports a failure,
	# once. sent is recorded only on a row an older version left pending.
	expect "accepted rows are written sent" "sent|sent|sent" \
		"$(adm -c "SELECT string_agg(outcome, '|' ORDER BY id) FROM mailguard.log WHERE trace IN ('$t1', '$t2', '$tn')")"
	expect "outcome failed" "recorded|$t1" "$(web -c "SELECT verdict, trace FROM mailguard.mail(p_trace => '$t1', p_outcome => 'failed')")"
	expect "outcome failed again" "unknown" "$(web -c "SELECT verdict FROM mailguard.mail(p_trace => '$t1', p_outcome => 'failed')")"
	expect "outcome sent on a sent row: nothing to record" "unknown" "$(web -c "SELECT verdict FROM mailguard.mail(p_trace => '$t2', p_outcome => 'sent')")"
	adm -c "UPDATE mailguard.log SET outcome = 'pending' WHERE trace = '$t2'"
	expect "outcome sent on a row left pending (before version 5)" "recorded" "$(web -c "SELECT verdict FROM mailguard.mail(p_trace => '$t2', p_outcome => 'sent')")"
	expect "another role's trace" "unknown" "$(web -c "SELECT verdict FROM mailguard.mail(p_trace => '$tn', p_outcome => 'failed')")"
	expect "a refused mail's trace" "unknown" "$(web -c "SELECT verdict FROM mailguard.mail(p_trace => '$tr', p_outcome => 'failed')")"
	expect "an unknown trace" "unknown" "$(web -c "SELECT verdict FROM mailguard.mail(p_trace => gen_random_uuid(), p_outcome => 'failed')")"
	expect_fail "bad outcome" "outcome must be sent or failed" \
		web -c "SELECT verdict FROM mailguard.mail(p_trace => '$t2', p_outcome => 'bounced')"
	expect_fail "trace without outcome" "outcome must be sent or failed" \
		web -c "SELECT verdict FROM mailguard.mail(p_trace => '$t2')"
	expect_fail "outcome without trace" "needs p_trace" \
		web -c "SELECT verdict FROM mailguard.mail(p_account => 'acct_g', p_outcome => 'failed')"
	expect "log outcomes" "$t1|failed
$t2|sent
$tn|sent
$tr|" \
		"$(for t in "$t1" "$t2" "$tn" "$tr"; do adm -c "SELECT trace, outcome FROM mailguard.log WHERE trace = '$t'"; done)"
	expect "outcome calls counted nothing" "2|0|2|0" "$(ctr acct_g)"
	# The outcome mode only looks at the last two days.
	adm -c "UPDATE mailguard.log SET ts = ts - interval '3 days' WHERE trace = '$t2'"
	expect "outcome of an old mail" "unknown" "$(web -c "SELECT verdict FROM mailguard.mail(p_trace => '$t2', p_outcome => 'failed')")"
}
# }}}

# {{{ m. envelope sender
case_m() {
	acct acct_m "sender_domains='{example.com}'" "default_sender='bounce@hosting.example'"
	acct acct_m2
	local t1 t2 t3 t4 tn tr
	call web "p_account => 'acct_m'"; t1=$T
	call web "p_account => 'acct_m'"; t2=$T
	call web "p_account => 'acct_m'"; t3=$T
	call web "p_account => 'acct_m2'"; t4=$T
	adm -c "INSERT INTO mailguard.accounts (name, sender_domains, default_sender) VALUES ('nobody', '{example.com}', 'n@example.com')
		ON CONFLICT (name) DO UPDATE SET sender_domains = EXCLUDED.sender_domains, default_sender = EXCLUDED.default_sender"
	call peer "p_account => ''"; tn=$T
	call web "p_account => 'acct_m_nosuch'"; tr=$T

	expect "From in an own domain" "Shop@Example.COM" "$(web -c "SELECT mailguard.envelope('$t1', 'Shop@Example.COM')")"
	expect "asked again: nothing" "" "$(web -c "SELECT mailguard.envelope('$t1', 'other@example.com')")"
	expect "From elsewhere: the default" "bounce@hosting.example" "$(web -c "SELECT mailguard.envelope('$t2', 'ceo@bank.example')")"
	expect "hostile From in an own domain: the default" "bounce@hosting.example" \
		"$(web -c "SELECT mailguard.envelope('$t3', 'a\$(id)@example.com')")"
	expect "no domains, no default: nothing" "" "$(web -c "SELECT mailguard.envelope('$t4', 'x@example.com')")"
	expect "another role's trace: nothing" "" "$(web -c "SELECT mailguard.envelope('$tn', 'x@example.com')")"
	expect "the peer's own trace" "x@example.com" "$(peer -c "SELECT mailguard.envelope('$tn', 'x@example.com')")"
	expect "a refused mail's trace: nothing" "" "$(web -c "SELECT mailguard.envelope('$tr', 'x@example.com')")"
	expect "an unknown trace: nothing" "" "$(web -c "SELECT mailguard.envelope(gen_random_uuid(), 'x@example.com')")"
	expect "log rows" "$t1|Shop@Example.COM
$t2|bounce@hosting.example
$t3|bounce@hosting.example
$t4|" \
		"$(for t in "$t1" "$t2" "$t3" "$t4"; do adm -c "SELECT trace, envelope_sender FROM mailguard.log WHERE trace = '$t'"; done)"
	# The same statement the extension sends sees the row mail() just wrote.
	expect "in one statement with mail()" "accept|bounce@hosting.example" \
		"$(web -c "SELECT m.verdict, CASE WHEN m.verdict = 'accept' THEN mailguard.envelope(m.trace, NULL) END
			FROM mailguard.mail(p_account => 'acct_m', p_rcpts => 1) AS m")"
	expect_fail "an invalid default is refused" "accounts_default_sender_check" \
		adm -c "UPDATE mailguard.accounts SET default_sender = '-oQ/tmp/x@y' WHERE name = 'acct_m'"
	expect_fail "an invalid domain is refused" "accounts_sender_domains_check" \
		adm -c "UPDATE mailguard.accounts SET sender_domains = '{Example.com}' WHERE name = 'acct_m'"
}
# }}}

# {{{ h. NOTIFY
case_h() {
	avoid_edge 3600 20
	acct acct_h msgs_hour=1 msgs_day=100
	local call="SELECT verdict FROM mailguard.mail(p_account => 'acct_h', p_rcpts => 1);"
	printf '%s\n' "$call" "$call" "$call" "$call" >"$WORK/h1.sql"
	printf '%s\n' "UPDATE mailguard.counters SET hour_start = hour_start - interval '1 hour',
		hour_notified = hour_notified - interval '1 hour' WHERE account = 'acct_h';" >"$WORK/h2.sql"
	printf '%s\n' "$call" "$call" >"$WORK/h3.sql"
	local out
	out=$(adm 2>&1 <<SQL
LISTEN mailguard_quota;
\\! psql -X -q -At "\$MG_PG_DSN" -f $WORK/h1.sql >$WORK/h1.out 2>&1
SELECT pg_sleep(0.2);
\\echo MARK1
\\! psql -X -q -At "\$MG_PG_ADMIN_DSN" -f $WORK/h2.sql >$WORK/h2.out 2>&1
\\! psql -X -q -At "\$MG_PG_DSN" -f $WORK/h3.sql >$WORK/h3.out 2>&1
SELECT pg_sleep(0.2);
\\echo MARK2
SQL
)
	expect "verdicts, first hour" "accept
refuse
refuse
refuse" "$(cat "$WORK/h1.out")"
	expect "verdicts, next hour" "accept
refuse" "$(cat "$WORK/h3.out")"
	local first second payload
	first=$(sed -n '1,/^MARK1$/p' <<<"$out" | grep -c '^Asynchronous notification "mailguard_quota"')
	second=$(sed -n '/^MARK1$/,/^MARK2$/p' <<<"$out" | grep -c '^Asynchronous notification "mailguard_quota"')
	expect "notifications for 3 refusals in one hour" 1 "$first"
	expect "notifications after the hour rolled over" 1 "$second"
	payload=$(grep -m1 '^Asynchronous notification "mailguard_quota"' <<<"$out" \
		| sed -E 's/^Asynchronous notification "mailguard_quota" with payload "(.*)" received from server process with PID [0-9]+\.$/\1/')
	expect "payload" "acct_h|hour|hour-messages|1|t" \
		"$(adm -v p="$payload" <<'SQL'
SELECT j->>'account', j->>'window', j->>'limit', j->>'messages',
       (j->>'window_start')::timestamptz = date_trunc('hour', now(), 'UTC')
  FROM (SELECT :'p'::json AS j) s;
SQL
)"
}
# }}}

# {{{ i. concurrency
# NAME CLIENTS CALLS SCRIPT: CLIENTS sessions of mailguard_web, CALLS policy calls each.
hammer() {
	local name=$1 clients=$2 calls=$3 script=$4 k j
	if [ -z "${MG_NO_PGBENCH:-}" ] && command -v pgbench >/dev/null 2>&1; then
		PGPASSWORD=mg-test-secret pgbench -n -h "$MG_PG_HOST" -p "$MG_PG_PORT" -U mailguard_web \
			-c "$clients" -j 2 -t "$calls" -f "$script" "$MG_PG_DB" >"$WORK/$name.out" 2>&1 \
			|| { echo "# pgbench failed:"; tail -n 5 "$WORK/$name.out" | sed 's/^/#   /'; }
	else
		# psql sessions, each running CALLS statements (the \set of the
		# pgbench script becomes a psql variable).
		for k in $(seq "$clients"); do
			for j in $(seq "$calls"); do
				echo "\\set r $((RANDOM % 5 + 1))"
				grep -v '^\\set' "$script"
			done | web >/dev/null &
		done
		wait
	fi
}

case_i() {
	avoid_edge 3600 45
	local run a
	for run in 1 2 3; do
		a=acct_i_msgs_$run
		acct "$a" msgs_hour=100
		# run 3 with a deadline ahead: the late check's subtransaction
		# changes nothing about exactness
		printf '%s\n' "SELECT verdict FROM mailguard.mail(p_account => '$a', p_rcpts => 1$([ $run = 3 ] && echo ", p_deadline => clock_timestamp() + interval '1 minute'"));" >"$WORK/i$run.sql"
		hammer "i$run" 8 50 "$WORK/i$run.sql"
		expect "run $run: verdicts of 8x50 calls, limit 100 messages" "accept|100
refuse|300" "$(adm -c "SELECT verdict, count(*) FROM mailguard.log WHERE account = '$a' GROUP BY 1 ORDER BY 1")"
		expect "run $run: refusal reasons" "over-quota:hour-messages|300" \
			"$(adm -c "SELECT reason, count(*) FROM mailguard.log WHERE account = '$a' AND verdict = 'refuse' GROUP BY 1")"
		expect "run $run: counters" "100|100|100|100" "$(ctr "$a")"
	done

	a=acct_i_rcpts
	acct "$a" rcpts_hour=250
	printf '%s\n' '\set r random(1, 5)' "SELECT verdict FROM mailguard.mail(p_account => '$a', p_rcpts => :r);" >"$WORK/i4.sql"
	hammer i4 8 50 "$WORK/i4.sql"
	expect "recipients: 400 decisions, no contention refusals" "400|0" \
		"$(adm -c "SELECT count(*), count(*) FILTER (WHERE reason IS DISTINCT FROM NULL AND reason <> 'over-quota:hour-recipients')
			FROM mailguard.log WHERE account = '$a'")"
	# Accepted recipients are exactly the counter, within the limit, and
	# every refused mail really did not fit (the counter only grows, so a
	# mail that did not fit then does not fit the final counter either).
	expect "recipients: sum(accepted) = counter <= 250, refusals real" "t|t|t|t" \
		"$(adm -c "SELECT (SELECT sum(rcpts) FROM mailguard.log WHERE account = '$a' AND verdict = 'accept') = c.hour_rcpts,
				(SELECT count(*) FROM mailguard.log WHERE account = '$a' AND verdict = 'accept') = c.hour_msgs,
				c.hour_rcpts <= 250,
				coalesce((SELECT min(rcpts) FROM mailguard.log WHERE account = '$a' AND verdict = 'refuse'), 99) > 250 - c.hour_rcpts
			FROM mailguard.counters c WHERE c.account = '$a'")"
	expect "recipients: the limit was reached (>= 246)" "t" \
		"$(adm -c "SELECT hour_rcpts BETWEEN 246 AND 250 FROM mailguard.counters WHERE account = '$a'")"
}
# }}}

# {{{ j. log retention
case_j() {
	local old mid out
	old=$(adm -c "SELECT 'log_' || to_char(date_trunc('month', now()) - interval '14 months', 'YYYY_MM')")
	mid=$(adm -c "SELECT 'log_' || to_char(date_trunc('month', now()) - interval '5 months', 'YYYY_MM')")
	adm -c "INSERT INTO mailguard.log (ts, trace, account, verdict, rcpts)
		SELECT date_trunc('month', now()) - interval '14 months' + interval '3 days' + g * interval '1 hour',
		       gen_random_uuid(), 'acct_j', 'refuse', g FROM generate_series(1, 3) g
		UNION ALL
		SELECT date_trunc('month', now()) - interval '5 months' + interval '1 day',
		       gen_random_uuid(), 'acct_j5', 'accept', 1"
	expect "old rows in the default partition" "mailguard.log_default|acct_j|3
mailguard.log_default|acct_j5|1" \
		"$(adm -c "SELECT tableoid::regclass, account, count(*) FROM mailguard.log WHERE account IN ('acct_j', 'acct_j5') GROUP BY 1, 2 ORDER BY 2")"

	out=$(mgdb retention 0 2>&1)
	expect "retention 0: creates the old months" "created $old
created $mid" "$out"
	expect "rows moved to their month" "mailguard.$old|acct_j|3|6
mailguard.$mid|acct_j5|1|1" \
		"$(adm -c "SELECT tableoid::regclass, account, count(*), sum(rcpts) FROM mailguard.log WHERE account IN ('acct_j', 'acct_j5') GROUP BY 1, 2 ORDER BY 2")"
	expect "default partition is empty" "0" "$(adm -c "SELECT count(*) FROM mailguard.log_default")"
	expect "new partitions: owner, no PUBLIC, no client" "$old|mailguard_owner|f|f
$mid|mailguard_owner|f|f" \
		"$(adm -c "SELECT relname, relowner::regrole, has_table_privilege('public', oid, 'SELECT'),
			has_table_privilege('mailguard_web', oid, 'SELECT') FROM pg_class
			WHERE relnamespace = 'mailguard'::regnamespace AND relname IN ('$old', '$mid') ORDER BY relname")"
	expect "retention 0 again: nothing to do" "" "$(mgdb retention 0 2>&1)"

	out=$(mgdb retention 12 2>&1)
	expect "retention 12: drops the month 14 months back only" "dropped $old" "$out"
	expect "old month gone, 5 months back kept" "|mailguard.$mid|1" \
		"$(adm -c "SELECT to_regclass('mailguard.$old'), to_regclass('mailguard.$mid'), (SELECT count(*) FROM mailguard.log WHERE account = 'acct_j5')")"
	expect "this month and the next 3 are partitions of log" "0|t
1|t
2|t
3|t" \
		"$(adm -c "SELECT g, EXISTS (SELECT FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
				WHERE i.inhparent = 'mailguard.log'::regclass
				  AND c.relname = 'log_' || to_char(date_trunc('month', now()) + g * interval '1 month', 'YYYY_MM'))
			FROM generate_series(0, 3) g ORDER BY g")"
	# Months are UTC months whatever the session's TimeZone (an admin's
	# PGTZ or ALTER DATABASE ... SET timezone must not make the new month
	# overlap its neighbour).
	local next4
	next4=$(adm -c "SELECT 'log_' || to_char(date_trunc('month', now(), 'UTC') + interval '4 months', 'YYYY_MM')")
	out=$(PGTZ=Europe/Berlin mgdb retention 0 4 2>&1)
	expect "retention under another TimeZone" "created $next4" "$out"
	out=$(PGTZ=America/New_York mgdb retention 0 5 2>&1)
	expect "retention under another TimeZone (west)" "created log_$(adm -c "SELECT to_char(date_trunc('month', now(), 'UTC') + interval '5 months', 'YYYY_MM')")" "$out"
	expect "its bounds are UTC month starts" "t" \
		"$(adm -c "SET TimeZone = 'UTC'" -c "SELECT pg_get_expr(relpartbound, oid) = format('FOR VALUES FROM (%L) TO (%L)',
				date_trunc('month', now(), 'UTC') + interval '4 months', date_trunc('month', now(), 'UTC') + interval '5 months')
			FROM pg_class WHERE oid = 'mailguard.$next4'::regclass")"
	expect_fail "retention with a bad argument" "retention MONTHS" mgdb retention -1
}
# }}}

# {{{ k. pg.sh template, clone, a frozen server, destroy
case_k() {
	local out env pid
	out=$("$PGSH" template "$TMP/k" 2>"$WORK/k.err")
	expect "template: exit 0 and the export lines" "0|MG_PG_DIR MG_PG_HOST MG_PG_PORT MG_PG_DB MG_PG_DSN MG_PG_ADMIN_DSN MG_PG_TEMPLATE" \
		"$?|$(sed -nE 's/^export (MG_PG_[A-Z_]+)=.*/\1/p' <<<"$out" | tr '\n' ' ' | sed 's/ $//')"
	expect "template: a copy of the data dir" "t" "$([ -f "$TMP/k/template/PG_VERSION" ] && echo t)"
	out=$("$PGSH" clone "$TMP/k/template" "$TMP/k2" 2>>"$WORK/k.err")
	expect "clone: exit 0" 0 "$?"
	env=$(grep '^export MG_PG_DSN=' <<<"$out" | sed "s/^export MG_PG_DSN=//; s/^'//; s/'\$//")
	expect "clone: socket in its own directory" "host=$TMP/k2/sock port=5432 dbname=mailguard_test user=mailguard_web password=mg-test-secret" "$env"
	expect "clone: the schema and the web role are there" "accept" \
		"$("$PGSH" psql "$TMP/k2" -q -At -c "INSERT INTO mailguard.accounts (name) VALUES ('k')" && \
			psql -X -q -At "$env" -c "SELECT verdict FROM mailguard.mail(p_account => 'k')")"
	expect "the template's cluster still runs" "1" "$("$PGSH" psql "$TMP/k" -At -c "SELECT 1" 2>&1)"
	pid=$(head -n 1 "$TMP/k2/data/postmaster.pid")
	kill -STOP "$pid"
	"$PGSH" destroy "$TMP/k2" 2>>"$WORK/k.err"
	expect "destroy of a SIGSTOPped server: exit 0, gone" "0|gone|gone" \
		"$?|$(kill -0 "$pid" 2>/dev/null && [ "$(sed -E 's/^[0-9]+ \(.*\) ([A-Za-z]).*/\1/' "/proc/$pid/stat" 2>/dev/null)" != Z ] && echo alive || echo gone)|$([ -e "$TMP/k2" ] && echo there || echo gone)"
	"$PGSH" stop "$TMP/k" 2>>"$WORK/k.err"
	"$PGSH" stop "$TMP/k" 2>>"$WORK/k.err"
	expect "stop twice: exit 0" 0 "$?"
	"$PGSH" destroy "$TMP/k" 2>>"$WORK/k.err"
	expect "destroy a stopped cluster" "gone" "$([ -e "$TMP/k" ] && echo there || echo gone)"
	mkdir -p "$TMP/k3/keep"
	expect_fail "destroy refuses a directory it did not make" "not made by pg.sh" "$PGSH" destroy "$TMP/k3"
	expect "that directory is still there" "t" "$([ -d "$TMP/k3/keep" ] && echo t)"
}
# }}}

# {{{ l. a session sitting on the counter row's lock
case_l() {
	avoid_edge 3600 15
	acct acct_l msgs_hour=100
	local t0 out ms
	# Another session of the same account counts a mail and keeps its
	# transaction open (holding the row lock) for 5 s.
	web -c "BEGIN" -c "SELECT verdict FROM mailguard.mail(p_account => 'acct_l', p_rcpts => 1)" -c "SELECT pg_sleep(5)" -c "COMMIT" >/dev/null &
	local holder=$!
	sleep 1
	# (the time is the server's, from the statement's start)
	out=$(PGOPTIONS="-c statement_timeout=800" web -c "SELECT m.verdict, m.reason, (extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000)::int
		FROM mailguard.mail(p_account => 'acct_l', p_rcpts => 1) m" 2>&1)
	ms=${out##*|}
	expect "refused as busy, not a timeout error" "refuse|busy" "${out%|*}"
	expect "within half the statement timeout (+ margin)" "yes" "$([[ $ms =~ ^[0-9]+$ ]] && [ $ms -ge 390 ] && [ $ms -lt 800 ] && echo yes || echo "no: $ms ms")"
	expect "logged" "refuse|busy:counter row locked by another session" \
		"$(adm -c "SELECT verdict, reason FROM mailguard.log WHERE account = 'acct_l' AND verdict = 'refuse'")"
	wait $holder
	expect "the next call counts, and leaves the session's lock_timeout as it was" "accept|0" \
		"$(web -c "SELECT m.verdict, current_setting('lock_timeout') FROM mailguard.mail(p_account => 'acct_l', p_rcpts => 1) m" 2>&1 | tail -n 1)"
	expect "the holder's mail and the last one counted" "2" "$(adm -c "SELECT hour_msgs FROM mailguard.counters WHERE account = 'acct_l'")"

	# A deadline so far ahead that half of it is more milliseconds than
	# lock_timeout accepts, and no statement_timeout: the call waits for
	# the holder and counts (schema 5 failed: invalid value for parameter
	# "lock_timeout").
	web -c "BEGIN" -c "SELECT verdict FROM mailguard.mail(p_account => 'acct_l', p_rcpts => 1)" -c "SELECT pg_sleep(2)" -c "COMMIT" >/dev/null &
	holder=$!
	sleep 1
	out=$(web -c "SELECT m.verdict, m.reason FROM mailguard.mail(p_account => 'acct_l', p_rcpts => 1, p_deadline => now() + interval '60 days') m" 2>&1)
	wait $holder
	expect "far deadline, row held: waits, then counts" "accept|" "$out"
	expect "both counted" "4" "$(adm -c "SELECT hour_msgs FROM mailguard.counters WHERE account = 'acct_l'")"
}
# }}}

# {{{ n. deadline: a late answer charges nothing
case_n() {
	avoid_edge 3600 30
	acct acct_n msgs_hour=10
	local t out ms t0 holder dl
	# A question the server executes after the client's deadline (here: a
	# second after it).
	call web "p_account => 'acct_n', p_rcpts => 1, p_deadline => clock_timestamp() - interval '1 s'"; t=$T
	expect "deadline passed: refused as late" "refuse|late|||||" "$(sed -E 's/\|[0-9]+ ms after the deadline\|/||/' <<<"$MQ")"
	expect "deadline passed: detail says by how much" "t" "$([[ $MQ =~ ^refuse\|late\|(1[0-9]{3})\ ms\ after\ the\ deadline\| ]] && echo t || echo "$MQ")"
	expect "deadline passed: nothing counted" "0|0|0|0" "$(ctr acct_n)"
	expect "deadline passed: logged as a late refusal, not accept/sent" "acct_n|refuse|t||1" \
		"$(adm -c "SELECT account, verdict, reason LIKE 'late:% ms after the deadline', outcome, rcpts FROM mailguard.log WHERE trace = '$t'")"

	call web "p_account => 'acct_n', p_rcpts => 1, p_deadline => clock_timestamp() + interval '2 s'"; t=$T
	expect "deadline ahead: accepted" "accept|||9|||" "$MQ"
	expect "deadline ahead: counted, sent" "1|1|1|1|accept|sent" "$(ctr acct_n)|$(adm -c "SELECT verdict, outcome FROM mailguard.log WHERE trace = '$t'")"
	expect "no deadline: accepted as before" "accept|||8|||" "$(mq web "p_account => 'acct_n', p_rcpts => 1, p_deadline => NULL")"

	# The margin (mailguard.settings.deadline_margin_ms): 500 ms past the
	# deadline is on time within 1000 ms, late within the default 50.
	expect "margin default" "50" "$(adm -c "SELECT deadline_margin_ms FROM mailguard.settings")"
	adm -c "UPDATE mailguard.settings SET deadline_margin_ms = 1000"
	expect "500 ms past, margin 1000: accepted" "accept|||7|||" \
		"$(mq web "p_account => 'acct_n', p_rcpts => 1, p_deadline => clock_timestamp() - interval '500 ms'")"
	adm -c "UPDATE mailguard.settings SET deadline_margin_ms = DEFAULT"
	expect "500 ms past, margin 50: late" "refuse|late" \
		"$(mq web "p_account => 'acct_n', p_rcpts => 1, p_deadline => clock_timestamp() - interval '500 ms'" | cut -d'|' -f1,2)"
	expect_fail "margin: no negative value" "violates check constraint" adm -c "UPDATE mailguard.settings SET deadline_margin_ms = -1"
	expect "counters: the three accepted only" "3|3|3|3" "$(ctr acct_n)"

	# On time when asked, late when decided: the statement waits (here on
	# the log, as behind a frozen server or a retention run) after it has
	# counted. The count is rolled back, the row says late, and an account
	# the 'default' policy created for the mail is not left behind.
	adm -c "UPDATE mailguard.settings SET unknown_account = 'default'"
	adm -c "BEGIN" -c "LOCK TABLE mailguard.log IN SHARE MODE" -c "SELECT pg_sleep(1.5)" -c "COMMIT" >/dev/null &
	holder=$!
	sleep 0.5
	web -c "SELECT trace, verdict, reason, detail, msgs_hour_left FROM mailguard.mail(p_account => 'acct_n', p_rcpts => 1,
		p_deadline => clock_timestamp() + interval '200 ms')" >"$WORK/n1.out" 2>&1 &
	web -c "SELECT trace, verdict, reason, detail FROM mailguard.mail(p_account => 'acct_n_auto', p_rcpts => 1,
		p_deadline => clock_timestamp() + interval '200 ms')" >"$WORK/n2.out" 2>&1 &
	wait
	out=$(cat "$WORK/n1.out" "$WORK/n2.out")
	expect "late after counting: refused, says what it had decided" "refuse|late|accept|
refuse|late|accept" \
		"$(sed -E 's/^[^|]*\|//; s/\|[0-9]+ ms after the deadline \(decided: ([a-z-]+)\)/|\1/' <<<"$out")"
	expect "late after counting: nothing counted" "3|3|3|3" "$(ctr acct_n)"
	expect "late after counting: no auto-created account, no counters" "0|0" \
		"$(adm -c "SELECT (SELECT count(*) FROM mailguard.accounts WHERE name = 'acct_n_auto'), (SELECT count(*) FROM mailguard.counters WHERE account = 'acct_n_auto')")"
	expect "late after counting: one late row each, no accept" "acct_n|refuse||1
acct_n_auto|refuse||1" \
		"$(for t in $(cut -d'|' -f1 <<<"$out"); do adm -c "SELECT account, verdict, outcome, count(*) FROM mailguard.log WHERE trace = '$t' GROUP BY 1, 2, 3"; done)"
	adm -c "UPDATE mailguard.settings SET unknown_account = 'refuse'"

	# Another session holds the counter row: the lock is waited for only
	# half of the time left to the deadline (not half of a 10 s statement
	# timeout), and the answer, busy, comes while the client still waits.
	web -c "BEGIN" -c "SELECT verdict FROM mailguard.mail(p_account => 'acct_n', p_rcpts => 1)" -c "SELECT pg_sleep(4)" -c "COMMIT" >/dev/null &
	holder=$!
	sleep 1
	# (the time is the server's, from the statement's start: a loaded
	# machine's psql start-up is not the function's)
	out=$(PGOPTIONS="-c statement_timeout=10000" web -c "SELECT m.verdict, m.reason, (extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000)::int
		FROM mailguard.mail(p_account => 'acct_n', p_rcpts => 1, p_deadline => clock_timestamp() + interval '300 ms') m" 2>&1)
	ms=${out##*|}
	expect "row lock held: busy before the deadline, not a 5 s wait" "refuse|busy|yes" "${out%|*}|$([[ $ms =~ ^[0-9]+$ ]] && [ $ms -ge 140 ] && [ $ms -lt 300 ] && echo yes || echo "no: $ms ms")"
	# The bound comes from p_deadline alone (no statement_timeout, as
	# behind a pooler that does not pass session options), and another
	# account's mail does not wait at all.
	acct acct_n2 msgs_hour=10
	out=$(PGOPTIONS="-c statement_timeout=0" web -c "SELECT m.verdict, m.reason, (extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000)::int
		FROM mailguard.mail(p_account => 'acct_n', p_rcpts => 1, p_deadline => clock_timestamp() + interval '200 ms') m" 2>&1)
	ms=${out##*|}
	expect "row lock held, no statement_timeout: busy within the deadline" "refuse|busy|yes" "${out%|*}|$([[ $ms =~ ^[0-9]+$ ]] && [ $ms -ge 90 ] && [ $ms -lt 200 ] && echo yes || echo "no: $ms ms")"
	# (a wait would last half of the 10 s to its deadline)
	out=$(PGOPTIONS="-c statement_timeout=0" web -c "SELECT m.verdict, (extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000)::int < 2000
		FROM mailguard.mail(p_account => 'acct_n2', p_rcpts => 1, p_deadline => clock_timestamp() + interval '10 s') m" 2>&1)
	expect "row lock held: another account's mail does not wait" "accept|t" "$out"
	wait $holder
	expect "row lock held: only the holder's mail counted" "4|4|4|4" "$(ctr acct_n)"

	# The calls the C client makes (ext/mailguard/store.c: unnamed
	# statements, untyped parameters, 20 of them positional), and the same
	# with the deadline as the 21st: PREPARE infers the parameter types
	# the way PQsendQueryParams() without types does.
	adm -c "INSERT INTO mailguard.accounts (name, sender_domains) VALUES ('acct_n_c', '{n.example}')"
	local args="'acct_n_c', '1', 'mail', '1000', '1001', '/var/www/n/x.php', '7', '/var/www/n/index.php', 'n.example',
		'192.0.2.1', 'web1', '4242', 'fpm-fcgi', 'a@n.example', 'b@b.example', NULL, NULL, 'subject'"
	dl=$(adm -c "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC' + interval '5 s', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')")
	out=$(web 2>&1 <<SQL
PREPARE chk AS SELECT verdict, reason, detail, trace FROM mailguard.mail(\$1, \$2::integer, \$3, \$4::integer, \$5::integer, \$6, \$7::integer, \$8, \$9, \$10, \$11, \$12::integer, \$13, \$14, \$15, \$16, \$17, \$18, \$19::uuid, \$20);
PREPARE env AS SELECT m.verdict, m.reason, m.detail, m.trace, CASE WHEN m.verdict = 'accept' THEN mailguard.envelope(m.trace, \$21) END FROM mailguard.mail(\$1, \$2::integer, \$3, \$4::integer, \$5::integer, \$6, \$7::integer, \$8, \$9, \$10, \$11, \$12::integer, \$13, \$14, \$15, \$16, \$17, \$18, \$19::uuid, \$20) AS m;
PREPARE outc AS SELECT verdict FROM mailguard.mail(p_trace => \$1::uuid, p_outcome => \$2);
PREPARE chk_dl AS SELECT verdict, reason, detail, trace FROM mailguard.mail(\$1, \$2::integer, \$3, \$4::integer, \$5::integer, \$6, \$7::integer, \$8, \$9, \$10, \$11, \$12::integer, \$13, \$14, \$15, \$16, \$17, \$18, \$19::uuid, \$20, \$21::timestamptz);
PREPARE env_dl AS SELECT m.verdict, m.reason, m.detail, m.trace, CASE WHEN m.verdict = 'accept' THEN mailguard.envelope(m.trace, \$21) END FROM mailguard.mail(\$1, \$2::integer, \$3, \$4::integer, \$5::integer, \$6, \$7::integer, \$8, \$9, \$10, \$11, \$12::integer, \$13, \$14, \$15, \$16, \$17, \$18, \$19::uuid, \$20, \$22::timestamptz) AS m;
EXECUTE chk($args, NULL, NULL);
EXECUTE env($args, NULL, NULL, 'a@n.example');
EXECUTE chk_dl($args, NULL, NULL, '$dl');
EXECUTE env_dl($args, NULL, NULL, 'x@n.example', '$dl');
EXECUTE chk_dl($args, NULL, NULL, '2001-01-01T00:00:00.000Z');
EXECUTE chk($args, NULL, NULL);
SQL
)
	local traces
	traces=($(cut -d'|' -f4 <<<"$out"))
	expect "C client's calls: question, with envelope, with a deadline, late" "accept||
accept|||a@n.example
accept||
accept|||x@n.example
refuse|late|
accept||" "$(sed -E 's/\|[0-9a-f-]{36}//; s/^(refuse\|late\|)[^|]*/\1/' <<<"$out")"
	out=$(web 2>&1 <<SQL
PREPARE outc AS SELECT verdict FROM mailguard.mail(p_trace => \$1::uuid, p_outcome => \$2);
PREPARE chk AS SELECT verdict, reason, detail, trace FROM mailguard.mail(\$1, \$2::integer, \$3, \$4::integer, \$5::integer, \$6, \$7::integer, \$8, \$9, \$10, \$11, \$12::integer, \$13, \$14, \$15, \$16, \$17, \$18, \$19::uuid, \$20);
EXECUTE outc('${traces[0]}', 'failed');
EXECUTE chk($args, '${traces[1]}', 'failed');
SQL
)
	expect "C client's outcome calls: alone by name, and riding on a question" "recorded
accept||" "$(sed -E 's/\|[0-9a-f-]{36}$//' <<<"$out")"
	expect "outcomes recorded; the late call a refusal" "failed
failed
sent
sent
refuse
sent" "$(for t in "${traces[@]}"; do adm -c "SELECT coalesce(outcome, verdict) FROM mailguard.log WHERE trace = '$t'"; done)"
	expect "C client's calls: counted, the late one not" "6|6|6|6" "$(ctr acct_n_c)"
	expect "C client's calls: metadata in the log" "acct_n_c|mail|1000|1001|/var/www/n/x.php|7|fpm-fcgi|a@n.example|subject" \
		"$(adm -c "SELECT account, fn, uid, owner_uid, script, line, sapi, mail_from, subject FROM mailguard.log WHERE trace = '${traces[0]}'")"
}
# }}}

# {{{ p. the policy function's common path: no subtransaction, READ COMMITTED only
case_p() {
	acct acct_p msgs_hour=10
	local x0 x1
	# A subtransaction that writes takes a transaction id of its own: an
	# accepted mail, and a refused one, take exactly one (the call's).
	x0=$(web -c "SELECT txid_current()")
	expect "accepted" "accept" "$(web -c "SELECT verdict FROM mailguard.mail(p_account => 'acct_p', p_rcpts => 1, p_deadline => clock_timestamp() + interval '5 s')")"
	x1=$(web -c "SELECT txid_current()")
	expect "accepted mail: one transaction id, no subtransaction" "2" "$((x1 - x0))"
	adm -c "UPDATE mailguard.counters SET hour_msgs = 10, hour_start = date_trunc('hour', now()) WHERE account = 'acct_p'"
	x0=$(web -c "SELECT txid_current()")
	expect "over quota" "refuse|over-quota" "$(mq web "p_account => 'acct_p', p_rcpts => 1" | cut -d'|' -f1,2)"
	x1=$(web -c "SELECT txid_current()")
	expect "refused mail: one transaction id, no subtransaction" "2" "$((x1 - x0))"
	# The exactness rests on READ COMMITTED: any other level is an error
	# that says so (never a wrong count).
	expect_fail "repeatable read refused" "needs READ COMMITTED, this transaction is REPEATABLE READ" \
		web -c "SET default_transaction_isolation = 'repeatable read'" -c "SELECT verdict FROM mailguard.mail(p_account => 'acct_p', p_rcpts => 1)"
	expect_fail "serializable refused" "needs READ COMMITTED" \
		web -c "BEGIN ISOLATION LEVEL SERIALIZABLE" -c "SELECT verdict FROM mailguard.mail(p_account => 'acct_p', p_rcpts => 1)"
	expect "the milter's function too" "t" \
		"$(adm -c "BEGIN ISOLATION LEVEL REPEATABLE READ" -c "SET LOCAL ROLE mailguard_owner" \
			-c "DO \$\$ BEGIN PERFORM mailguard.decide('acct_p', NULL, NULL, 1, NULL, 'smtp', NULL, NULL, 0, NULL, NULL, NULL,
				NULL, NULL, NULL, NULL, NULL, 'milter', NULL, NULL, NULL, NULL, NULL); EXCEPTION WHEN invalid_transaction_state THEN RAISE NOTICE 'refused'; END \$\$" \
			-c "ROLLBACK" 2>&1 | grep -c 'NOTICE:  refused' | sed 's/^1$/t/')"
	expect "nothing counted by the refused calls" "10" "$(adm -c "SELECT hour_msgs FROM mailguard.counters WHERE account = 'acct_p'")"

	# Schema 6: no CHECK constraint on the log or any partition, also on a
	# partition made after the upgrade (PostgreSQL re-reads each CHECK's
	# expression for every INSERT: a third of the log INSERT's cost).
	mgdb retention 0 6 >/dev/null
	expect "log: no CHECK constraints, partitions included" "0" \
		"$(adm -c "SELECT count(*) FROM pg_constraint WHERE contype = 'c' AND conrelid IN (
			SELECT 'mailguard.log'::regclass UNION ALL SELECT inhrelid FROM pg_inherits WHERE inhparent = 'mailguard.log'::regclass)")"

	# Trace ids are time-ordered (UUID version 7 layout): the first 48 bits
	# are the Unix time in ms of the call, the version nibble is 7, the
	# variant is RFC 4122's, and a later mail's trace sorts after.
	local t1 t2 ms0 ms1
	ms0=$(adm -c "SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint")
	t1=$(web -c "SELECT trace FROM mailguard.mail(p_account => 'acct_p', p_rcpts => 0)")
	t2=$(web -c "SELECT trace FROM mailguard.mail(p_account => 'acct_p', p_rcpts => 0)")
	ms1=$(adm -c "SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint")
	expect "trace: version 7, RFC 4122 variant" "t|t" \
		"$(adm -c "SELECT substr('$t1', 15, 1) = '7', substr('$t1', 20, 1) IN ('8', '9', 'a', 'b')")"
	expect "trace: its time is the call's" "t" \
		"$(adm -c "SELECT ('x' || lpad(replace(substr('$t1', 1, 13), '-', ''), 16, '0'))::bit(64)::bigint BETWEEN $ms0 AND $ms1")"
	expect "trace: a later mail's sorts after" "t" "$(adm -c "SELECT '$t1'::uuid < '$t2'::uuid")"
	expect "trace: new_trace() is the owner's only (database.md)" "f|f|f" \
		"$(adm -c "SELECT has_function_privilege('mailguard_client', 'mailguard.new_trace()', 'EXECUTE'),
			has_function_privilege('mailguard_milter', 'mailguard.new_trace()', 'EXECUTE'),
			has_function_privilege('public', 'mailguard.new_trace()', 'EXECUTE')")"
	# 74 random bits after the time: 1000 traces made in the same few ms
	# differ in them (threat-model.md, "Forged headers": unguessable).
	expect "trace: 1000 at once, their random parts all distinct" "1000" \
		"$(adm -c "SELECT count(DISTINCT substr(t::text, 15)) FROM (SELECT mailguard.new_trace() t FROM generate_series(1, 1000)) s")"
}
# }}}

# {{{ q. the hourly roll-up: the owner's function, idempotent, months follow retention
case_q() {
	local out sum1 sum2 m14
	# rows in past hours of today and 14 months ago (a month retention drops)
	adm -c "INSERT INTO mailguard.log (ts, trace, account, script, verdict, reason, rcpts)
		SELECT now() - g * interval '7 minutes', gen_random_uuid(), 'acct_q' || g % 3, '/q' || g % 2 || '.php',
		       CASE WHEN g % 4 = 0 THEN 'refuse' ELSE 'accept' END, CASE WHEN g % 4 = 0 THEN 'over-quota:hour-messages' END, g % 5
		  FROM generate_series(1, 60) g
		UNION ALL
		SELECT date_trunc('month', now()) - interval '14 months' + interval '2 days', gen_random_uuid(), 'acct_q_old', NULL, 'accept', NULL, 2"
	mgdb retention 0 >/dev/null
	m14=$(adm -c "SELECT to_char(date_trunc('month', now(), 'UTC') - interval '14 months', 'YYYY_MM')")
	# as on the upgrade to version 7: nothing rolled up yet
	adm -c "DELETE FROM mailguard.log_hourly" -c "UPDATE mailguard.log_rollup_state SET rolled_to = NULL"
	out=$(adm -c "SELECT mailguard.log_rollup()")
	expect "first call rolls up from the oldest row" "t" "$(grep -qE "^rolled up [0-9]+ hours \($(adm -c "SELECT to_char(date_trunc('month', now(), 'UTC') - interval '14 months' + interval '2 days', 'YYYY-MM-DD')") 00:00 to " <<<"$out" && echo t)"
	expect "watermark: the last hour closed 5 minutes ago" "t" \
		"$(adm -c "SELECT rolled_to = date_trunc('hour', now() - interval '5 minutes', 'UTC') FROM mailguard.log_rollup_state")"
	expect "the roll-up sums the log's closed hours" \
		"$(adm -c "SET TimeZone = 'UTC'" -c "SELECT format('%s %s %s %s %s %s %s', date_trunc('hour', ts), account, script, verdict, split_part(reason, ':', 1), count(*), sum(rcpts))
			FROM mailguard.log WHERE ts < (SELECT rolled_to FROM mailguard.log_rollup_state)
			GROUP BY date_trunc('hour', ts), account, script, verdict, split_part(reason, ':', 1)" | LC_ALL=C sort)" \
		"$(adm -c "SET TimeZone = 'UTC'" -c "SELECT format('%s %s %s %s %s %s %s', hour, account, script, verdict, reason_class, mails, rcpts) FROM mailguard.log_hourly" | LC_ALL=C sort)"
	sum1=$(adm -c "SELECT md5(string_agg(h::text, ';' ORDER BY h::text)), count(*) FROM mailguard.log_hourly h")
	expect "second call: up to date, nothing added" "up to date|$sum1" \
		"$(adm -c "SELECT left(mailguard.log_rollup(), 10)")|$(adm -c "SELECT md5(string_agg(h::text, ';' ORDER BY h::text)), count(*) FROM mailguard.log_hourly h")"
	out=$(adm -c "SELECT mailguard.log_rollup(now() - interval '6 hours')")
	expect "rolled again from 6 hours back: replaced, not added" "t|$sum1" \
		"$(grep -qE '^rolled up [56] hours' <<<"$out" && echo t)|$(adm -c "SELECT md5(string_agg(h::text, ';' ORDER BY h::text)), count(*) FROM mailguard.log_hourly h")"
	expect "a month's roll-up partition, owned by the owner, no client access" "mailguard_owner|f|f|f" \
		"$(adm -c "SELECT relowner::regrole, has_table_privilege('mailguard_web', oid, 'SELECT'), has_table_privilege('public', oid, 'SELECT'),
			has_table_privilege('mailguard_client', oid, 'SELECT') FROM pg_class WHERE relname = 'log_hourly_$m14'")"
	expect "log_rollup: SECURITY DEFINER, pinned search_path and TimeZone, the owner's; no client, milter or PUBLIC may execute" \
		"t|{\"search_path=pg_catalog, pg_temp\",TimeZone=UTC}|mailguard_owner|f|f|f|f" \
		"$(adm -c "SELECT prosecdef, proconfig, proowner::regrole, has_function_privilege('mailguard_client', p.oid, 'EXECUTE'),
			has_function_privilege('mailguard_web', p.oid, 'EXECUTE'), has_function_privilege('mailguard_milter', p.oid, 'EXECUTE'),
			has_function_privilege('public', p.oid, 'EXECUTE') FROM pg_proc p WHERE p.oid = 'mailguard.log_rollup(timestamptz)'::regprocedure")"
	expect_fail "the client role cannot call it" "permission denied for function log_rollup" web -c "SELECT mailguard.log_rollup()"
	expect_fail "the client role cannot read the roll-up" "permission denied for table log_hourly" web -c "SELECT count(*) FROM mailguard.log_hourly"
	expect_fail "the client role cannot move the watermark" "permission denied for table log_rollup_state" \
		web -c "UPDATE mailguard.log_rollup_state SET rolled_to = NULL"
	expect "a member of mailguard_owner may call it (the admin)" "up to date" \
		"$(adm -c "CREATE ROLE mg_q_admin NOLOGIN IN ROLE mailguard_owner" -c "SET ROLE mg_q_admin" -c "SELECT left(mailguard.log_rollup(), 10)" -c "RESET ROLE" -c "DROP ROLE mg_q_admin")"
	# A second session while one holds the state row: it does not wait.
	out=$(adm -c "BEGIN" -c "SELECT 1 FROM mailguard.log_rollup_state FOR UPDATE" -c "SELECT pg_sleep(3)" -c "COMMIT" >/dev/null &
		sleep 1; timeout 10 psql -X -q -At "$MG_PG_ADMIN_DSN" -c "SELECT mailguard.log_rollup()"; wait)
	expect "concurrent call: busy at once" "busy: another session is rolling up" "$out"
	# Retention drops the log month 14 months back; the next roll-up drops its roll-up month.
	expect "retention 12 drops the old log month" "dropped log_$m14" "$(mgdb retention 12)"
	expect "the next roll-up drops that roll-up month, both levels" "t||" \
		"$(adm -c "SELECT mailguard.log_rollup() ~ 'dropped log_daily_$m14, dropped log_hourly_$m14\$'")|$(adm -c "SELECT to_regclass('mailguard.log_hourly_$m14')")|$(adm -c "SELECT to_regclass('mailguard.log_daily_$m14')")"
	expect "no roll-up row of it is left; the others stay" "0|t" \
		"$(adm -c "SELECT count(*) FILTER (WHERE account = 'acct_q_old'), count(*) FILTER (WHERE account LIKE 'acct_q_') > 0 FROM mailguard.log_hourly")"
}
# }}}

# {{{ r. the roll-up's daily level (schema 9)
# log_daily against the log it sums, per UTC day: filled on the upgrade
# from the hours already rolled up, kept up by log_rollup() (a day rolled
# again with p_from, a late row), read by database.md's per-day query.
case_r() {
	local out v8="$WORK/migrations-v8" db=mg_r8 sum1 doc
	# sums of the log's rows before the watermark's UTC day, and the daily level's rows, one line each
	daily_from_log() { adm_db "$1" -c "SELECT format('%s %s %s %s %s %s', (ts AT TIME ZONE 'UTC')::date, account, verdict, split_part(reason, ':', 1), count(*), sum(rcpts))
		FROM mailguard.log WHERE ts < (SELECT date_trunc('day', rolled_to, 'UTC') FROM mailguard.log_rollup_state)
		GROUP BY (ts AT TIME ZONE 'UTC')::date, account, verdict, split_part(reason, ':', 1)" | LC_ALL=C sort; }
	daily_rows() { adm_db "$1" -c "SELECT format('%s %s %s %s %s %s', day, account, verdict, reason_class, mails, rcpts) FROM mailguard.log_daily" | LC_ALL=C sort; }
	# 300 rows 37 minutes apart (~7.7 days back), 3 accounts, a quarter refused
	rows_sql="INSERT INTO mailguard.log (ts, trace, account, script, verdict, reason, rcpts)
		SELECT now() - g * interval '37 minutes', gen_random_uuid(), 'acct_r' || g % 3, '/r' || g % 2 || '.php',
		       CASE WHEN g % 4 = 0 THEN 'refuse' ELSE 'accept' END, CASE WHEN g % 4 = 0 THEN 'over-quota:day-messages' END, g % 7
		  FROM generate_series(1, 300) g"

	# the upgrade: version 8 with its hours rolled up, then 0009
	mkdir -p "$v8"
	for f in "$ROOT"/sql/migrations/[0-9][0-9][0-9][0-9]_*.sql; do
		[ "$((10#$(basename "$f" | cut -c1-4)))" -le 8 ] && cp "$f" "$v8/"
	done
	adm -c "CREATE DATABASE $db"
	out=$(DBNAME=$db MAILGUARD_MIGRATIONS=$v8 mgdb apply 2>&1)
	expect "upgrade: version 8 first" "schema at version 8 (8 applied now)" "$(tail -n 1 <<<"$out")"
	adm_db $db -c "$rows_sql"
	expect "version 8: the hourly level only" "rolled up|" \
		"$(adm_db $db -c "SELECT left(mailguard.log_rollup(), 9)")|$(adm_db $db -c "SELECT to_regclass('mailguard.log_daily')")"
	out=$(DBNAME=$db mgdb apply 2>&1)
	expect "upgrade: 0009 applied" "applied 0009_log_daily" "$(grep -m 1 0009 <<<"$out")"
	expect "upgrade: the days already rolled up are in the daily level (at least 6 of them)" "t" \
		"$(adm_db $db -c "SELECT count(DISTINCT day) >= 6 FROM mailguard.log_daily")"
	expect "upgrade: the daily level sums the log's whole UTC days" "$(daily_from_log $db)" "$(daily_rows $db)"
	adm -c "DROP DATABASE $db"

	# kept up by log_rollup(): a first roll-up of everything
	db=$MG_PG_DB
	adm -c "$rows_sql"
	adm -c "DELETE FROM mailguard.log_hourly" -c "DELETE FROM mailguard.log_daily" -c "UPDATE mailguard.log_rollup_state SET rolled_to = NULL"
	out=$(adm -c "SELECT mailguard.log_rollup()")
	expect "first roll-up: hours, then their whole days" "t" "$(grep -qE '^rolled up [0-9]+ hours .*: [0-9]+ rows; [0-9]+ days: [0-9]+ daily rows' <<<"$out" && echo t)"
	expect "the daily level sums the log's whole UTC days" "$(daily_from_log $db)" "$(daily_rows $db)"
	expect "and equals the hourly level summed per day" \
		"$(adm -c "SET TimeZone = 'UTC'" -c "SELECT format('%s %s %s %s %s %s', hour::date, account, verdict, reason_class, sum(mails), sum(rcpts))
			FROM mailguard.log_hourly WHERE hour < (SELECT date_trunc('day', rolled_to, 'UTC') FROM mailguard.log_rollup_state)
			GROUP BY hour::date, account, verdict, reason_class" | LC_ALL=C sort)" "$(daily_rows $db)"
	sum1=$(adm -c "SELECT md5(string_agg(d::text, ';' ORDER BY d::text)), count(*) FROM mailguard.log_daily d")
	out=$(adm -c "SELECT mailguard.log_rollup(now() - interval '50 hours')")
	expect "rolled again from 50 hours back: its days replaced, not added" "t|$sum1" \
		"$(grep -qE '; [23] days: ' <<<"$out" && echo t)|$(adm -c "SELECT md5(string_agg(d::text, ';' ORDER BY d::text)), count(*) FROM mailguard.log_daily d")"
	# a late row in a day already summed: there after that hour is rolled again
	adm -c "INSERT INTO mailguard.log (ts, trace, account, verdict, rcpts) VALUES (date_trunc('day', now(), 'UTC') - interval '3 days' + interval '30 minutes', gen_random_uuid(), 'acct_r_late', 'accept', 4)"
	expect "a late row: not in the daily level before it is rolled again" "0" "$(adm -c "SELECT count(*) FROM mailguard.log_daily WHERE account = 'acct_r_late'")"
	adm -c "SELECT mailguard.log_rollup(date_trunc('day', now(), 'UTC') - interval '3 days')" >/dev/null
	expect "rolled again from its day: the daily level sums the log again" "$(daily_from_log $db)" "$(daily_rows $db)"

	# database.md's per-day query, as written there, against the log alone
	doc=$(awk '/^Mails per account and UTC day/{f=1} f&&/^```sql$/{g=1; next} g&&/^```$/{exit} g{print}' "$ROOT/docs/database.md")
	expect "database.md has the per-day query" "t" "$(grep -q 'mailguard.log_per_day' <<<"$doc" && echo t)"
	expect "database.md's per-day query: the log's sums per account and UTC day, 7 days and today" \
		"$(adm -c "SELECT account, (ts AT TIME ZONE 'UTC')::date AS day,
			coalesce(count(*) FILTER (WHERE verdict = 'accept'), 0), coalesce(count(*) FILTER (WHERE verdict = 'refuse'), 0),
			sum(rcpts) FILTER (WHERE verdict = 'accept')
			FROM mailguard.log WHERE ts >= ((now() AT TIME ZONE 'UTC')::date - 7)::timestamp AT TIME ZONE 'UTC'
			GROUP BY 1, 2 ORDER BY 2, 1")" \
		"$(adm -c "SET TimeZone = 'Asia/Kolkata'" -f - <<<"$doc" | sed 1d)"
	expect "the window has days in the daily level (so the comparison above covers it)" "t" \
		"$(adm -c "SELECT count(*) > 0 FROM mailguard.log_daily WHERE day >= (now() AT TIME ZONE 'UTC')::date - 7")"
	expect "log_per_day(2): the last 2 days and today" \
		"$(adm -c "SELECT account, (ts AT TIME ZONE 'UTC')::date AS day,
			count(*) FILTER (WHERE verdict = 'accept'), count(*) FILTER (WHERE verdict = 'refuse'),
			sum(rcpts) FILTER (WHERE verdict = 'accept')
			FROM mailguard.log WHERE ts >= ((now() AT TIME ZONE 'UTC')::date - 2)::timestamp AT TIME ZONE 'UTC'
			GROUP BY 1, 2 ORDER BY 2, 1")" \
		"$(adm -c "SELECT * FROM mailguard.log_per_day(2)")"
	expect "log_per_day: jit off, pinned search_path; not SECURITY DEFINER; no client, milter or PUBLIC may execute" \
		"f|{\"search_path=pg_catalog, pg_temp\",jit=off}|f|f|f|f" \
		"$(adm -c "SELECT prosecdef, proconfig, has_function_privilege('mailguard_client', p.oid, 'EXECUTE'),
			has_function_privilege('mailguard_web', p.oid, 'EXECUTE'), has_function_privilege('mailguard_milter', p.oid, 'EXECUTE'),
			has_function_privilege('public', p.oid, 'EXECUTE') FROM pg_proc p WHERE p.oid = 'mailguard.log_per_day(integer)'::regprocedure")"
	expect_fail "the client role cannot call log_per_day" "permission denied for function log_per_day" web -c "SELECT * FROM mailguard.log_per_day()"

	expect "a month's daily partition, owned by the owner, no client access" "mailguard_owner|f|f|f" \
		"$(adm -c "SELECT relowner::regrole, has_table_privilege('mailguard_web', oid, 'SELECT'), has_table_privilege('public', oid, 'SELECT'),
			has_table_privilege('mailguard_client', oid, 'SELECT') FROM pg_class WHERE relname = 'log_daily_' || to_char(now() AT TIME ZONE 'UTC', 'YYYY_MM')")"
	expect_fail "the client role cannot read the daily level" "permission denied for table log_daily" web -c "SELECT count(*) FROM mailguard.log_daily"
	expect_fail "the milter role cannot read the daily level" "permission denied for table log_daily" \
		adm -c "SET ROLE mailguard_milter" -c "SELECT count(*) FROM mailguard.log_daily"
}
# }}}

# {{{ run
ALL=(a:migrations b:ownership c:client-privileges d:verdicts e:windows f:identity g:outcome h:notify i:concurrency j:retention
	k:pg.sh l:lock-holder m:envelope n:deadline o:remove-client p:common-path q:rollup r:daily)
# Setup shared by the cases: a peer client role.
mgdb add-client nobody --peer >/dev/null || echo "# add-client nobody failed" >&2
if [ "$PEER_LOGIN" = yes ] && [ "$(peer -c 'SELECT session_user' 2>&1)" != nobody ]; then
	echo "# peer login as nobody failed; using SET SESSION AUTHORIZATION nobody" >&2
	peer() { as_role nobody "$@"; }
	PEER_LOGIN=no
fi

passed=0
failed=0
want=" $* "
for c in "${ALL[@]}"; do
	id=${c%%:*} name=${c#*:}
	[ $# -eq 0 ] || [[ $want == *" $id "* ]] || continue
	avoid_edge 1800 15
	t=$(now_ms)
	( FAILS=0; "case_$id"; exit $((FAILS > 0)) ) >"$WORK/case_$id.log" 2>&1
	rc=$?
	dt=$(secs "$t")
	if [ $rc = 0 ]; then
		echo "ok - $id. $name (${dt}s)"
		passed=$((passed + 1))
	else
		echo "not ok - $id. $name (${dt}s)"
		head -n 60 "$WORK/case_$id.log"
		failed=$((failed + 1))
	fi
done
echo "# total $(secs "$T0")s, cluster in $TMP (removed on exit)"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
# }}}
