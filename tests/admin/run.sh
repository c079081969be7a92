#!/usr/bin/env bash
# Tests of the operator's command admin/mailguard against a real, private
# PostgreSQL cluster (scripts/pg.sh), every subcommand, its bad input (one
# line on stderr, a non-zero exit, no row changed), --json, the HTML
# report in headless Chromium, and the commands docs/ shows.
#
#   bash tests/admin/run.sh
#
# Run as root. Prints "ok - ..." or "FAIL - ..." per check and
# "N passed, N failed" last; the exit status is non-zero on a failure.
# Every temporary path is under a mktemp dir in ${TMPDIR:-/tmp}, removed
# on exit with its cluster and the OS user the check case creates.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PGSH="$ROOT/scripts/pg.sh"
MG="$ROOT/admin/mailguard"
PHP=${MG_PHP:-php8.2}

[ "$(id -u)" = 0 ] || { echo "tests/admin/run.sh: run as root" >&2; exit 2; }

# {{{ the cluster and the configuration
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mg-admintest.XXXXXX") || exit 2
chmod 0755 "$TMP"
CHK_USER=mgadm$$
cleanup() {
	"$PGSH" destroy "$TMP/pg" >/dev/null 2>&1
	id -u "$CHK_USER" >/dev/null 2>&1 && userdel "$CHK_USER" >/dev/null 2>&1
	rm -rf -- "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if ! ENV_LINES=$("$PGSH" start "$TMP/pg" 2>"$TMP/pg-start.log"); then
	cat "$TMP/pg-start.log" >&2
	echo "FAIL - private PostgreSQL cluster started"
	echo "0 passed, 1 failed"
	exit 1
fi
eval "$ENV_LINES"
for d in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
	if [ -x "$d/psql" ]; then PATH="$d:$PATH"; break; fi
done
export PATH
# The tool's root-only configuration, as an admin writes it.
export MAILGUARD_CONF="$TMP/mailguard.conf"
printf 'dsn = "host=%s port=%s dbname=%s user=postgres"\n' "$MG_PG_HOST" "$MG_PG_PORT" "$MG_PG_DB" >"$MAILGUARD_CONF"
chmod 0600 "$MAILGUARD_CONF"
DOWN_CONF="$TMP/down.conf"
printf 'dsn = "host=%s/nowhere port=%s dbname=%s user=postgres connect_timeout=2"\n' "$TMP" "$MG_PG_PORT" "$MG_PG_DB" >"$DOWN_CONF"
# }}}

# {{{ helpers
passed=0
failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
fail() { echo "FAIL - $1"; shift; for l in "$@"; do printf '#   %s\n' "$l"; done | head -n 20; failed=$((failed + 1)); }
adm() { psql -X -q -At -v ON_ERROR_STOP=1 "$MG_PG_ADMIN_DSN" "$@"; }
web() { psql -X -q -At -v ON_ERROR_STOP=1 "$MG_PG_DSN" "$@"; }
mg() { "$PHP" "$MG" "$@"; }
# A mail from the shared test role: account, rcpts, script (then entry, vhost).
send() {
	web -c "SELECT verdict FROM mailguard.mail(p_account => '$1', p_rcpts => $2, p_script => '$3',
		p_entry => '${4:-/var/www/index.php}', p_vhost => '${5:-www.example}', p_line => 7,
		p_client => '192.0.2.9', p_to => 'x@y.example', p_subject => 'hello')"
}
# Everything an admin command could change, in one digest.
snapshot() {
	adm -c "SELECT md5(concat_ws('|',
		(SELECT string_agg(a::text, ';' ORDER BY name) FROM mailguard.accounts a),
		(SELECT string_agg(c::text, ';' ORDER BY account) FROM mailguard.counters c),
		(SELECT string_agg(c::text, ';' ORDER BY role) FROM mailguard.clients c),
		(SELECT string_agg(s::text, ';') FROM mailguard.settings s),
		(SELECT string_agg(l::text, ';' ORDER BY id) FROM mailguard.log l),
		(SELECT string_agg(u::text, ';' ORDER BY uid) FROM mailguard.uids u),
		(SELECT string_agg(r.rolname, ';' ORDER BY r.rolname) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member
		  WHERE m.roleid = 'mailguard_client'::regrole)))"
}
# run LABEL WANT_RC COMMAND...: output in $OUT, stderr in $ERR.
run() {
	local label=$1 want=$2 rc
	shift 2
	OUT=$("$@" 2>"$TMP/err"); rc=$?
	ERR=$(cat "$TMP/err")
	if [ "$rc" = "$want" ]; then ok "$label"; return 0; fi
	fail "$label (exit $rc, want $want)" "$OUT" "$ERR"
	return 1
}
# like LABEL PATTERN TEXT: TEXT matches the extended regex PATTERN.
like() {
	if grep -qE -- "$2" <<<"$3"; then ok "$1"; else fail "$1" "want /$2/ in:" "$3"; fi
}
eq() {
	if [ "$2" == "$3" ]; then ok "$1"; else fail "$1" "want: $2" "got:  $3"; fi
}
# bad LABEL WANT_RC PATTERN COMMAND...: exit WANT_RC, nothing on stdout,
# exactly one stderr line "mailguard: ..." matching PATTERN, no PHP
# error or stack trace, and no row changed.
bad() {
	local label=$1 want=$2 pat=$3 before after rc
	shift 3
	before=$(snapshot)
	OUT=$("$@" 2>"$TMP/err"); rc=$?
	ERR=$(cat "$TMP/err")
	after=$(snapshot)
	local why=()
	[ "$rc" = "$want" ] || why+=("exit $rc, want $want")
	[ -z "$OUT" ] || why+=("stdout: $OUT")
	[ "$(grep -c . <<<"$ERR")" = 1 ] || why+=("stderr is not one line")
	grep -qE -- "^mailguard: .*$pat" <<<"$ERR" || why+=("stderr does not match /$pat/")
	grep -qE 'PHP (Warning|Fatal|Notice)|Stack trace|internal error' <<<"$ERR" && why+=("PHP error or trace")
	[ "$before" = "$after" ] || why+=("the database changed")
	if [ ${#why[@]} = 0 ]; then ok "$label"; else fail "$label" "${why[@]}" "$ERR"; fi
}
# json LABEL PHP-EXPR COMMAND...: stdout is JSON and PHP-EXPR (over $j) is true.
json() {
	local label=$1 expr=$2 out
	shift 2
	out=$("$@" 2>"$TMP/err")
	if "$PHP" -r '$j = json_decode(stream_get_contents(STDIN), true, 512, JSON_THROW_ON_ERROR); exit(('"$expr"') ? 0 : 1);' <<<"$out" 2>/dev/null; then
		ok "$label"
	else
		fail "$label" "$expr" "$out" "$(cat "$TMP/err")"
	fi
}
# }}}

# {{{ help, exit codes
run "no command: usage on stderr, exit 2" 2 mg
like "no command: the command list" "schema apply\|status" "$ERR"
run "--help: exit 0" 0 mg --help
for c in "schema" "client" "account" "uid" "check" "usage" "top" "log" "trace" "watch" "retention" "report"; do
	run "$c --help" 0 mg $c --help
	like "$c --help starts with its usage" "^usage: mailguard $c" "$OUT"
done
run "schema apply --help needs no database" 0 mg schema apply --help --config "$DOWN_CONF"
bad "unknown command" 2 "unknown command 'frobnicate'" mg frobnicate
bad "unknown subcommand" 2 "unknown account command 'rename'" mg account rename shop1
bad "unknown option" 2 "unknown option --frob" mg usage --frob
bad "option without its value" 2 "needs a value" mg top accounts --since
bad "missing configuration file" 2 "does not exist" mg usage --config "$TMP/none.conf"
printf 'dns = "x"\n' >"$TMP/typo.conf"
bad "configuration with an unknown key" 2 "unknown setting 'dns'" mg usage --config "$TMP/typo.conf"
# }}}

# {{{ database down: one line, exit 3, for every command that needs it
for c in "schema status" "schema apply" "client list" "client add x1 --peer" "client remove x1" "account list" \
	"account add x1" "account set x1 --limit hour-messages=1" "account block x1 --reason r" "uid list" "uid map 1001 x1" "usage" "top accounts" \
	"log" "trace 6f1c2d3e-0000-4000-8000-000000000000" "watch --count 1" "retention 13" "retention --personal-days 30" \
	"report --html $TMP/down.html" "check root"; do
	bad "database down: $c" 3 "cannot connect to the database" mg $c --config "$DOWN_CONF"
done
run "-h overrides the configuration's host" 0 mg usage --config "$DOWN_CONF" -h "$MG_PG_HOST"
# }}}

# {{{ schema
run "schema status: up to date, exit 0" 0 mg schema status
like "schema status: applied and version" "^applied: 1 2 3" "$OUT"
run "schema apply: nothing to do" 0 mg schema apply
LATEST=$(ls "$ROOT/sql/migrations" | sed -n 's/^0*\([0-9][0-9]*\)_.*\.sql$/\1/p' | sort -n | tail -n 1)
like "schema apply: 0 applied" "schema at version $LATEST \(0 applied now\)" "$OUT"
json "schema status --json" '$j["installed"] && $j["version"] === '"$LATEST"' && $j["pending"] === []' mg schema status --json
adm -c "CREATE DATABASE mg_fresh"
FRESH="-d mg_fresh"
run "schema status on an empty database: exit 1" 1 mg schema status $FRESH
like "schema status: not installed" "not installed" "$OUT"
bad "account list on an empty database" 1 "schema is not installed" mg account list $FRESH
run "schema apply on an empty database" 0 mg schema apply $FRESH
like "schema apply: every migration" "applied 0003_client_rows_deadline" "$OUT"
run "schema status after apply" 0 mg schema status $FRESH
# After an upgrade (pecl upgrade brings a new migration file): pending.
mkdir -p "$TMP/mig"
cp "$ROOT"/sql/migrations/*.sql "$TMP/mig/"
printf 'CREATE TABLE mailguard.admin_test_marker (x int);\n' >"$TMP/mig/0099_admin_test.sql"
MAILGUARD_MIGRATIONS="$TMP/mig" run "schema status after an upgrade: exit 1" 1 mg schema status $FRESH
like "schema status names the pending migration" "pending: 0099_admin_test" "$OUT"
like "schema status says what to run" "run mailguard schema apply" "$OUT"
MAILGUARD_MIGRATIONS="$TMP/mig" run "schema apply applies it" 0 mg schema apply $FRESH
eq "the new migration ran as mailguard_owner" "mailguard_owner" \
	"$(psql -X -At -h "$MG_PG_HOST" -p "$MG_PG_PORT" -U postgres -d mg_fresh -c "SELECT tableowner FROM pg_tables WHERE tablename = 'admin_test_marker'")"
MAILGUARD_MIGRATIONS="$TMP/mig" run "schema status: up to date again" 0 mg schema status $FRESH
adm -c "DROP DATABASE mg_fresh"
# }}}

# {{{ client
run "client add --peer" 0 mg client add shop1 --peer
like "client add says what it did" "client shop1: peer, account shop1" "$OUT"
run "client add --peer --account" 0 mg client add shop1b --peer --account shop1
json "client list --json" '($r = array_column($j, null, "role")) && $r["shop1"]["mode"] === "peer" && $r["shop1"]["member"] === true && $r["shop1b"]["account"] === "shop1" && $r["mailguard_web"]["mode"] === "shared"' mg client list --json
run "client list" 0 mg client list
like "client list: a row per client" "shop1b +peer +shop1 +yes" "$OUT"
bad "client add without --peer or --shared" 2 "needs --peer or --shared" mg client add shop2
bad "client add --shared --account" 2 "--account goes with --peer" mg client add shop2 --shared --account x
bad "client add of mailguard's own role" 2 "own role" mg client add mailguard_owner --peer
bad "client remove without a role" 2 "usage: mailguard client remove ROLE" mg client remove
run "client remove" 0 mg client remove shop1b
like "client remove: membership revoked" "membership in mailguard_client revoked, clients row deleted" "$OUT"
eq "client remove: not a member any more" "f" "$(adm -c "SELECT pg_has_role('shop1b', 'mailguard_client', 'MEMBER')")"
run "client remove again: nothing to do" 0 mg client remove shop1b
like "client remove again says so" "nothing to do" "$OUT"
# }}}

# {{{ account
run "account add with every setting" 0 mg account add shop1 --limit hour-messages=3 --limit day-messages=10 \
	--limit hour-recipients=20 --limit day-recipients=100 --limit message-recipients=5 --tz Europe/Berlin \
	--domains shop1.example,mail.shop1.example --default-sender bounces@shop1.example
eq "account add: the row" "3|10|20|100|5|Europe/Berlin|{shop1.example,mail.shop1.example}|bounces@shop1.example|f" \
	"$(adm -c "SELECT msgs_hour, msgs_day, rcpts_hour, rcpts_day, rcpts_per_msg, tz, sender_domains, default_sender, blocked FROM mailguard.accounts WHERE name = 'shop1'")"
json "account show --json" '$j["account"]["msgs_hour"] === 3 && $j["account"]["sender_domains"] === ["shop1.example", "mail.shop1.example"] && $j["usage"]["windows"]["hour"]["messages"] === 0' mg account show shop1 --json
run "account show" 0 mg account show shop1
like "account show: limits in the docs' words" "hour-messages +3" "$OUT"
run "account set: a limit to none, domains cleared" 0 mg account set shop1 --limit day-recipients=none --domains '' --default-sender none
eq "account set: the row" "|{}|" "$(adm -c "SELECT rcpts_day, sender_domains, default_sender FROM mailguard.accounts WHERE name = 'shop1'")"
run "account add blog7 (only a daily cap)" 0 mg account add blog7 --limit day-messages=200
run "account list" 0 mg account list
like "account list: blog7" "^blog7 +- +200" "$OUT"
json "account list --json" 'count($j) === 2 && $j[0]["name"] === "blog7"' mg account list --json
run "account block" 0 mg account block blog7 --reason "spam run, ticket 4711"
eq "account block: the row" "t|spam run, ticket 4711" "$(adm -c "SELECT blocked, blocked_reason FROM mailguard.accounts WHERE name = 'blog7'")"
eq "a blocked account's mail is refused with the reason" "refuse" "$(send blog7 1 /var/www/blog7/x.php)"
run "account unblock" 0 mg account unblock blog7
eq "account unblock: the row" "f|" "$(adm -c "SELECT blocked, blocked_reason FROM mailguard.accounts WHERE name = 'blog7'")"
bad "account set of an unknown account" 4 "no account 'nosuch'" mg account set nosuch --limit hour-messages=5
bad "account show of an unknown account" 4 "no account 'nosuch'" mg account show nosuch
bad "account block of an unknown account" 4 "no account 'nosuch'" mg account block nosuch --reason x
bad "account remove of an unknown account" 4 "no account 'nosuch'" mg account remove nosuch
bad "account add of an existing account" 5 "exists already" mg account add shop1
bad "negative limit" 2 "bad limit hour-messages '-5'" mg account set shop1 --limit hour-messages=-5
bad "limit that is not a number" 2 "bad limit day-messages 'lots'" mg account set shop1 --limit day-messages=lots
bad "limit past integer range" 2 "bad limit" mg account set shop1 --limit day-messages=99999999999
bad "a window that does not exist" 2 "no window 'week'" mg account set shop1 --limit week-messages=5
bad "a measure that does not exist" 2 "no limit 'hour-bytes'" mg account set shop1 --limit hour-bytes=5
bad "limit without =" 2 "bad --limit" mg account set shop1 --limit hour-messages
bad "unknown time zone" 2 "unknown time zone 'Mars/Olympus'" mg account set shop1 --tz Mars/Olympus
bad "upper-case domain" 2 "bad --domains" mg account set shop1 --domains Shop1.Example
bad "bad default sender" 2 "bad --default-sender" mg account set shop1 --default-sender 'a b@x'
bad "account set without a setting" 2 "needs a setting" mg account set shop1
bad "account block without a reason" 2 "needs --reason" mg account block shop1
bad "account show with settings" 2 "takes no settings" mg account show shop1 --limit hour-messages=1
bad "account name starting with -" 2 "unknown option" mg account add -x
bad "account add of a bad time zone adds nothing" 2 "unknown time zone" mg account add shop9 --tz Nowhere/Atall
# }}}

# {{{ uid: the milter's OS uid -> account map (schema 4)
run "uid map" 0 mg uid map 1001 shop1
like "uid map says what it did" "^uid 1001.*: account shop1$" "$OUT"
eq "uid map: the row" "shop1" "$(adm -c "SELECT account FROM mailguard.uids WHERE uid = 1001")"
run "uid map of a mapped uid moves it" 0 mg uid map 1001 blog7
like "uid map: the old account named" "account blog7 \(was shop1\)" "$OUT"
run "uid map by user name" 0 mg uid map root shop1
eq "uid map by user name: root is uid 0" "shop1" "$(adm -c "SELECT account FROM mailguard.uids WHERE uid = 0")"
json "uid list --json" '$j === [["uid" => 0, "user" => "root", "account" => "shop1"], ["uid" => 1001, "user" => $j[1]["user"], "account" => "blog7"]]' mg uid list --json
run "uid list" 0 mg uid list
like "uid list: a row per uid" "^0 +root +shop1$" "$OUT"
json "uid list ACCOUNT" 'count($j) === 1 && $j[0]["uid"] === 1001' mg uid list blog7 --json
bad "uid map to an unknown account" 4 "no account 'nosuch'" mg uid map 1002 nosuch
bad "uid map of a bad uid" 2 "bad UID '-5'|unknown option" mg uid map -- -5 shop1
bad "uid map past the uid range" 2 "bad UID" mg uid map 99999999999 shop1
bad "uid map of an unknown user" 4 "no Unix user 'mg-no-such-user'" mg uid map mg-no-such-user shop1
bad "uid map without an account" 2 "usage: mailguard uid map UID ACCOUNT" mg uid map 1002
bad "uid unmap of an unmapped uid" 4 "uid 1002 is not mapped" mg uid unmap 1002
run "uid unmap" 0 mg uid unmap 0
like "uid unmap says what it did" "^uid 0: mapping to shop1 removed$" "$OUT"
eq "uid unmap: the row is gone" "1001" "$(adm -c "SELECT string_agg(uid::text, ',') FROM mailguard.uids")"
adm -c "DELETE FROM mailguard.uids"
# }}}

# {{{ usage: current windows, correct across roll-over
adm -c "UPDATE mailguard.accounts SET msgs_hour = 4, rcpts_hour = 20, msgs_day = 10, rcpts_day = 100, tz = 'UTC' WHERE name = 'shop1'"
for i in 1 2 3; do send shop1 2 /var/www/shop1/contact.php /var/www/shop1/index.php shop1.example >/dev/null; done
json "usage ACCOUNT --json: counts, limits, percentages" '($h = $j[0]["windows"]["hour"]) && ($d = $j[0]["windows"]["day"])
	&& $h["messages"] === 3 && $h["messages_limit"] === 4 && $h["messages_pct"] === 75.0 && $h["recipients"] === 6 && $h["recipients_pct"] === 30.0
	&& $d["messages"] === 3 && $d["messages_pct"] === 30.0' mg usage shop1 --json
run "usage ACCOUNT" 0 mg usage shop1
like "usage: hour line" "shop1 +hour .* 3/4 \(75%\) +6/20 \(30%\)" "$OUT"
# A counter row left by an earlier window: stale windows count 0.
adm -c "UPDATE mailguard.counters SET hour_start = date_trunc('hour', now()) - interval '2 hours', hour_msgs = 50, hour_rcpts = 90,
	day_start = date_trunc('day', now()) - interval '1 day', day_msgs = 70, day_rcpts = 80 WHERE account = 'shop1'"
json "usage after roll-over: stale windows are 0" '$j[0]["windows"]["hour"]["messages"] === 0 && $j[0]["windows"]["day"]["messages"] === 0 && $j[0]["windows"]["day"]["recipients"] === 0' mg usage shop1 --json
send shop1 1 /var/www/shop1/contact.php /var/www/shop1/index.php shop1.example >/dev/null
json "usage agrees with mail() after its roll-over" '$j[0]["windows"]["hour"]["messages"] === 1 && $j[0]["windows"]["day"]["messages"] === 1' mg usage shop1 --json
# Windows in the account's zone: a +05:30 hour starts at :30 UTC.
adm -c "INSERT INTO mailguard.accounts (name, msgs_hour, tz) VALUES ('kolkata', 10, 'Asia/Kolkata')"
adm -c "UPDATE mailguard.counters SET hour_start = date_trunc('hour', now(), 'Asia/Kolkata'), hour_msgs = 4 WHERE account = 'kolkata'"
json "usage: window in the account's time zone" '$j[0]["windows"]["hour"]["messages"] === 4 && $j[0]["windows"]["hour"]["messages_pct"] === 40.0' mg usage kolkata --json
eq "usage: the zone's window start" "$(adm -c "SELECT date_trunc('hour', now(), 'Asia/Kolkata')")" \
	"$(mg usage kolkata --json | "$PHP" -r 'echo json_decode(stream_get_contents(STDIN), true)[0]["windows"]["hour"]["start"];')"
json "usage --window day" 'array_keys($j[0]["windows"]) === ["day"]' mg usage --window day --json
json "usage (all accounts)" 'count($j) === 3' mg usage --json
bad "usage of a window that does not exist" 2 "no window 'week'" mg usage --window week
bad "usage of an unknown account" 4 "no account 'nosuch'" mg usage nosuch
# }}}

# {{{ top, log, trace
adm -c "UPDATE mailguard.accounts SET msgs_hour = NULL, msgs_day = NULL, rcpts_hour = NULL, rcpts_day = NULL, rcpts_per_msg = NULL WHERE name = 'blog7'"
for i in 1 2 3 4 5; do send blog7 1 /var/www/blog7/wp-includes/class-phpmailer.php /var/www/blog7/wp-login.php blog7.example >/dev/null; done
json "top accounts --json: counts and refusals match the log" '($r = array_column($j, null, "account")) && $r["blog7"]["mails"] === 6 && $r["blog7"]["refused"] === 1 && $r["shop1"]["mails"] === 4' mg top accounts --json
eq "top accounts: first is the most mails" "blog7" "$(mg top accounts --json | "$PHP" -r 'echo json_decode(stream_get_contents(STDIN), true)[0]["account"];')"
run "top scripts" 0 mg top scripts --since 1h
like "top scripts: the library file" "class-phpmailer.php +5 +5 +0" "$OUT"
json "top entries" '$j[0]["entry"] === "/var/www/blog7/wp-login.php" && $j[0]["mails"] === 5' mg top entries --json
json "top vhosts" '$j[0]["vhost"] === "blog7.example" && $j[0]["mails"] === 5' mg top vhosts --json
json "top --limit 1" 'count($j) === 1' mg top accounts --limit 1 --json
bad "top of a kind that does not exist" 2 "unknown top command 'users'" mg top users
bad "top --since in a unit that does not exist" 2 "bad duration '3y'" mg top accounts --since 3y
run "log" 0 mg log --account blog7 --verdict refuse
like "log: the refusal's line" "account=blog7 verdict=refuse reason=\"blocked:spam run, ticket 4711\" rcpts=1 script=/var/www/blog7/x.php" "$OUT"
json "log --json with filters" 'count($j) === 5 && $j[0]["verdict"] === "accept"' mg log --account blog7 --verdict accept --json
json "log --reason" 'count($j) === 1' mg log --reason blocked --json
json "log --limit, newest rows oldest first" 'count($j) === 2 && $j[0]["id"] < $j[1]["id"]' mg log --limit 2 --json
bad "log --verdict that does not exist" 2 "bad --verdict" mg log --verdict maybe
TRACE=$(adm -c "SELECT trace FROM mailguard.log WHERE account = 'blog7' AND verdict = 'refuse'")
run "trace ID" 0 mg trace "$TRACE"
like "trace: the whole row" "blocked_reason|reason +blocked:spam run, ticket 4711" "$OUT"
json "trace --json: every column" '$j["trace"] === "'"$TRACE"'" && $j["script"] === "/var/www/blog7/x.php" && $j["client_ip"] === "192.0.2.9" && $j["subject"] === "hello"' mg trace "$TRACE" --json
run "trace: a whole header line" 0 mg trace "X-Mailguard-Trace: $TRACE"
bad "trace of an unknown id" 4 "no log row has trace" mg trace 6f1c2d3e-0000-4000-8000-000000000000
bad "trace of something that is no trace" 2 "bad trace" mg trace 12345
# log --follow: polls (there is no NOTIFY per row).
mg log --follow --account shop1 --since 1s --limit 0 >"$TMP/follow.out" 2>"$TMP/follow.err" &
FPID=$!
sleep 1.5
send shop1 1 /var/www/shop1/follow-a.php >/dev/null
send shop1 1 /var/www/shop1/follow-b.php >/dev/null
sleep 2.5
kill "$FPID" 2>/dev/null; wait "$FPID" 2>/dev/null
eq "log --follow prints each new row once" "/var/www/shop1/follow-a.php
/var/www/shop1/follow-b.php" "$(grep -oE 'script=[^ ]+' "$TMP/follow.out" | cut -d= -f2)"
eq "log --follow: nothing on stderr" "" "$(cat "$TMP/follow.err")"
# }}}

# {{{ watch
cat >"$TMP/capture-mail" <<EOF
#!/bin/sh
cat >>"$TMP/alerts.mbox"
echo "--- end" >>"$TMP/alerts.mbox"
EOF
chmod 755 "$TMP/capture-mail"
adm -c "INSERT INTO mailguard.accounts (name, msgs_hour) VALUES ('w1', 1), ('w2', 1)"
mg watch --count 2 --mail admin@example.net --sendmail "$TMP/capture-mail" >"$TMP/watch.out" 2>"$TMP/watch.err" &
WPID=$!
for i in $(seq 50); do grep -q watching "$TMP/watch.err" 2>/dev/null && break; sleep 0.1; done
for a in w1 w1 w1 w2 w2; do send $a 1 /var/www/$a/x.php >/dev/null; done
for i in $(seq 50); do kill -0 "$WPID" 2>/dev/null || break; sleep 0.1; done
kill "$WPID" 2>/dev/null; wait "$WPID"; WRC=$?
eq "watch --count 2 exits 0 after two crossings" 0 "$WRC"
eq "watch: one line per crossing (not per refusal)" "quota account=w1 window=hour limit=hour-messages
quota account=w2 window=hour limit=hour-messages" "$(sed -E 's/ start=.*//' "$TMP/watch.out")"
like "watch: counts of the window" "messages=1 recipients=1$" "$(head -n 1 "$TMP/watch.out")"
eq "watch --mail: one mail per crossing" 2 "$(grep -c '^--- end' "$TMP/alerts.mbox" 2>/dev/null)"
like "watch --mail: subject names the account and limit" "^Subject: mailguard: account w1 reached its hour-messages limit" "$(cat "$TMP/alerts.mbox")"
bad "watch --mail with a bad address" 2 "bad --mail" mg watch --mail 'a b'
like "systemd unit runs mailguard watch" "^ExecStart=/usr/bin/mailguard watch$" "$(cat "$ROOT/admin/mailguard-watch.service")"
# }}}

# {{{ retention and the personal fields
adm -c "INSERT INTO mailguard.log (ts, trace, account, verdict, rcpts, script, client_ip, mail_from, mail_to, mail_cc, mail_bcc, subject, envelope_sender)
	SELECT now() - interval '40 days', gen_random_uuid(), 'old', 'accept', 2, '/var/www/old/x.php', '192.0.2.1', 'a@old.example',
	       'b@c.example', 'c@c.example', 'd@c.example', 'secret subject', 'a@old.example' FROM generate_series(1, 3)"
before_n=$(adm -c "SELECT count(*) FROM mailguard.log")
run "retention --personal-days 30" 0 mg retention --personal-days 30
like "retention: how many rows" "cleared in 3 log row" "$OUT"
eq "retention: old rows keep counts, lose personal fields" "3|6|/var/www/old/x.php||||||" \
	"$(adm -c "SELECT count(*), sum(rcpts), min(script), max(client_ip), max(mail_from), max(mail_to), max(mail_cc), max(subject), max(envelope_sender) FROM mailguard.log WHERE account = 'old'")"
eq "retention: no row dropped" "$before_n" "$(adm -c "SELECT count(*) FROM mailguard.log")"
eq "retention: recent rows untouched" "192.0.2.9|hello" "$(adm -c "SELECT DISTINCT client_ip, subject FROM mailguard.log WHERE account = 'shop1' AND verdict = 'accept'")"
json "retention --json" '$j["personal_cleared"] === 0' mg retention --personal-days 30 --json
run "retention MONTHS AHEAD (partitions)" 0 mg retention 13 4
like "retention: creates the partition 4 months ahead" "created log_|nothing to do" "$OUT"
bad "retention --personal-days 0" 2 "give 1 or more" mg retention --personal-days 0
bad "retention of months that are no number" 2 "bad MONTHS 'many'" mg retention many
bad "retention without arguments" 2 "usage: mailguard retention" mg retention
# }}}

# {{{ check USER
useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$CHK_USER" \
	|| fail "useradd $CHK_USER"
POOLS="$TMP/pool.d"
PHPDIR="$TMP/php"
mkdir -p "$POOLS" "$PHPDIR/fpm/conf.d"
printf '[www]\nuser = www-data\n' >"$POOLS/www.conf"
run "check: nothing set up yet, exit 1" 1 mg check "$CHK_USER" --pool-dir "$POOLS" --php-dir "$PHPDIR"
like "check: the missing role with its fix" "FAIL role +no role $CHK_USER" "$OUT"
like "check: fix command for the client" "fix: mailguard client add '$CHK_USER' --peer" "$OUT"
like "check: the missing pool" "FAIL pool +no FPM pool" "$OUT"
like "check: the missing ini" "FAIL ini +FPM does not load mailguard" "$OUT"
like "check: the summary" "steps failed" "$OUT"
mg client add "$CHK_USER" --peer >/dev/null
mg account add "$CHK_USER" --limit hour-messages=100 >/dev/null
printf '[%s]\nuser = %s\ngroup = %s\nphp_admin_value[mailguard.account] = shop1\n' "$CHK_USER" "$CHK_USER" "$CHK_USER" >"$POOLS/$CHK_USER.conf"
printf 'extension=mailguard.so\nmailguard.dsn = "host=%s port=%s dbname=%s"\n' "$MG_PG_HOST" "$MG_PG_PORT" "$MG_PG_DB" >"$PHPDIR/fpm/conf.d/20-mailguard.ini"
run "check: a pool that claims another account, exit 1" 1 mg check "$CHK_USER" --pool-dir "$POOLS" --php-dir "$PHPDIR"
like "check: peer login tried as the user" "ok +peer-login +$CHK_USER logs in by peer" "$OUT"
like "check: the pool's other account" "FAIL pool .*mailguard.account = shop1" "$OUT"
sed -i '/mailguard.account/d' "$POOLS/$CHK_USER.conf"
run "check: all steps ok, exit 0" 0 mg check "$CHK_USER" --pool-dir "$POOLS" --php-dir "$PHPDIR"
like "check: all ok" "all [0-9]+ steps ok" "$OUT"
json "check --json" '$j["ok"] === true && count(array_filter($j["steps"], fn($s) => $s["step"] === "peer-login" && $s["ok"])) === 1' \
	mg check "$CHK_USER" --pool-dir "$POOLS" --php-dir "$PHPDIR" --json
printf 'mailguard.account = shop1\n' >>"$PHPDIR/fpm/conf.d/20-mailguard.ini"
run "check: a global mailguard.account, exit 1" 1 mg check "$CHK_USER" --pool-dir "$POOLS" --php-dir "$PHPDIR"
like "check: names the global account" "every pool claims shop1" "$OUT"
sed -i '/mailguard.account/d' "$PHPDIR/fpm/conf.d/20-mailguard.ini"
mg account block "$CHK_USER" --reason test >/dev/null
run "check: a blocked account, exit 1" 1 mg check "$CHK_USER" --pool-dir "$POOLS" --php-dir "$PHPDIR"
like "check: blocked, with the unblock command" "fix: mailguard account unblock '$CHK_USER'" "$OUT"
mg account unblock "$CHK_USER" >/dev/null
# pg_hba that refuses the user: the peer step fails and names the fix.
adm -c "ALTER ROLE \"$CHK_USER\" NOLOGIN"
run "check: a role that may not log in, exit 1" 1 mg check "$CHK_USER" --pool-dir "$POOLS" --php-dir "$PHPDIR"
like "check: peer login fails with the server's reason" "FAIL peer-login +$CHK_USER cannot log in by peer: .*not permitted to log in" "$OUT"
adm -c "ALTER ROLE \"$CHK_USER\" LOGIN"
bad "check of a bad user name" 2 "bad user name" mg check 'x;rm'
# }}}

# {{{ report --html in headless Chromium
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
run "report --html" 0 mg report --html "$TMP/report.html" --since 1d
like "report: says where" "report written to $TMP/report.html" "$OUT"
if grep -qiE '(src|href)="(https?:)?//|@import|url\(' "$TMP/report.html"; then
	fail "report: nothing fetched from the network" "$(grep -oiE '(src|href)="[^"]*"' "$TMP/report.html" | head -n 3)"
else
	ok "report: nothing fetched from the network"
fi
bad "report without --html" 2 "needs --html" mg report
bad "report into a missing directory" 2 "cannot write" mg report --html "$TMP/no/such/dir/r.html"
bad "report --since in a unit that does not exist" 2 "bad duration" mg report --html "$TMP/x.html" --since 7y
bad "report --tz of a zone that does not exist" 2 "unknown time zone 'Mars/Olympus'" mg report --html "$TMP/x.html" --tz Mars/Olympus
like "report: the hours' zone is named (UTC by default)" 'id="tz" data-tz="UTC" data-offset="\+00:00"' "$(cat "$TMP/report.html")"
run "report --tz Asia/Kolkata" 0 mg report --html "$TMP/report-tz.html" --since 1d --tz Asia/Kolkata
like "report --tz: the page names the zone and its offset" 'id="tz" data-tz="Asia/Kolkata" data-offset="\+05:30"' "$(cat "$TMP/report-tz.html")"
like "report --tz: says the times are in it" "Hours and times are in time zone Asia/Kolkata" "$(cat "$TMP/report-tz.html")"
like "report --tz: hours of the zone (:00 there, :30 UTC) with their offset" 'data-h="[0-9-]{10}T[0-9]{2}:00\+05:30" data-accepted="[0-9]+"' "$(cat "$TMP/report-tz.html")"
# Each account's bars: (account, hour, accepted, refused) as the page has
# them and as PostgreSQL cuts that zone's hours.
report_bars() {
	"$PHP" -r '$d = new DOMDocument(); @$d->loadHTMLFile($argv[1]); $x = new DOMXPath($d);
		foreach ($x->query("//div[@class=\"acct\"]//*[@data-h]") as $g) {
			echo $x->query("ancestor::div[@class=\"acct\"]", $g)->item(0)->getAttribute("data-account"), " ",
				$g->getAttribute("data-h"), " ", $g->getAttribute("data-accepted"), " ", $g->getAttribute("data-refused"), "\n";
		}' "$1" | LC_ALL=C sort
}
sql_bars() {
	adm -c "SET TimeZone = '$1'" -c "SELECT format('%s %s %s %s', account, to_char(date_trunc('hour', ts), 'YYYY-MM-DD\"T\"HH24:MITZH:TZM'),
		count(*) FILTER (WHERE verdict = 'accept'), count(*) FILTER (WHERE verdict = 'refuse'))
		FROM mailguard.log WHERE ts >= now() - interval '1 day' AND account IS NOT NULL GROUP BY account, date_trunc('hour', ts)" | LC_ALL=C sort
}
eq "report --tz: every account's hourly bars match the database in that zone" "$(sql_bars Asia/Kolkata)" "$(report_bars "$TMP/report-tz.html")"
eq "report: every account's hourly bars match the database in UTC" "$(sql_bars UTC)" "$(report_bars "$TMP/report.html")"
chrome_dom() {   # FILE: DOM after scripts ran in $TMP/dom.html, console lines in $TMP/console.txt
	( cd "$TMP" && HOME="$TMP" timeout 120 "$CHROMIUM" --headless --disable-gpu --no-sandbox --no-first-run \
		--user-data-dir="$TMP/chromium-profile" --enable-logging=stderr --v=0 --dump-dom "file://$1" \
		>"$TMP/dom.html" 2>"$TMP/chromium.err" )
	grep -E ':CONSOLE[(:]' "$TMP/chromium.err" >"$TMP/console.txt"
}
if [ -z "$CHROMIUM" ]; then
	fail "report: headless Chromium (apt-get install chromium; scripts/lib.sh installs it)"
else
	# The detector sees a console error when there is one.
	printf '<!DOCTYPE html><title>x</title><script>console.error("broken on purpose"); nosuch();</script>\n' >"$TMP/broken.html"
	chrome_dom "$TMP/broken.html"
	like "chromium: a console error on a broken page is seen" "broken on purpose" "$(cat "$TMP/console.txt")"
	chrome_dom "$TMP/report.html"
	eq "report: renders with no console message" "" "$(cat "$TMP/console.txt")"
	chrome_dom "$TMP/report-tz.html"
	eq "report --tz: renders with no console message" "" "$(cat "$TMP/console.txt")"
	like "report --tz: the zone in the rendered page" 'one bar per hour of time zone <b>Asia/Kolkata</b> \(UTC\+05:30 now' "$(cat "$TMP/dom.html")"
	chrome_dom "$TMP/report.html"
	want=$(adm -c "SELECT count(*) FROM mailguard.log WHERE ts >= now() - interval '1 day'")
	like "report: its script ran (data-ready = total mails)" "data-ready=\"$want\"" "$(cat "$TMP/dom.html")"
	eq "report: totals match the database" \
		"$(adm -c "SELECT format('data-mails=\"%s\" data-accepted=\"%s\" data-refused=\"%s\"', count(*), count(*) FILTER (WHERE verdict = 'accept'), count(*) FILTER (WHERE verdict = 'refuse')) FROM mailguard.log WHERE ts >= now() - interval '1 day'")" \
		"$(grep -oE 'data-mails="[0-9]+" data-accepted="[0-9]+" data-refused="[0-9]+"' "$TMP/dom.html" | head -n 1)"
	eq "report: mails and refusals per account match the database" \
		"$(adm -c "SELECT string_agg(format('%s %s %s', account, count, refused), E'\n' ORDER BY account) FROM (SELECT account, count(*), count(*) FILTER (WHERE verdict = 'refuse') AS refused FROM mailguard.log WHERE ts >= now() - interval '1 day' AND account IS NOT NULL GROUP BY 1) s")" \
		"$(grep -oE 'class="acct" data-account="[^"]*" data-mails="[0-9]+" data-refused="[0-9]+"' "$TMP/dom.html" | sed -E 's/.*data-account="([^"]*)" data-mails="([0-9]+)" data-refused="([0-9]+)"/\1 \2 \3/' | LC_ALL=C sort)"
	eq "report: the verdict mix matches the database" \
		"$(adm -c "SELECT string_agg(format('%s %s', v, n), E'\n' ORDER BY v) FROM (SELECT CASE WHEN verdict = 'accept' THEN 'accept' ELSE split_part(reason, ':', 1) END AS v, count(*) AS n FROM mailguard.log WHERE ts >= now() - interval '1 day' GROUP BY 1) s")" \
		"$(grep -oE '<tr data-verdict="[^"]+"><td>[^<]*</td><td class="n" data-k="mails">[0-9]+' "$TMP/dom.html" | sed -E 's/.*data-verdict="([^"]+)".*data-k="mails">([0-9]+)/\1 \2/' | LC_ALL=C sort)"
	like "report: one bar chart per account" "<svg class=\"bars\"" "$(cat "$TMP/dom.html")"
	like "report: top scripts table" "class-phpmailer.php</td><td data-k=\"mails\" class=\"n\">5<" "$(cat "$TMP/dom.html")"
fi
# }}}

# {{{ the commands docs/ shows for the tool
# Every line of a ``` block in docs/ that runs the tool (`mailguard
# COMMAND ...`, also after `runuser -u postgres --`) runs here, in order,
# each file against a new database "mail" (the docs' name), with the docs'
# names. check may exit 1 (no such Unix user here); watch gets --count 0.
DOCS_CONF="$TMP/docs.conf"
printf 'dsn = "host=%s port=%s dbname=mail user=postgres"\npool_dir = "%s"\nphp_dir = "%s"\n' "$MG_PG_HOST" "$MG_PG_PORT" "$POOLS" "$PHPDIR" >"$DOCS_CONF"
n=0
for doc in "$ROOT"/docs/*.md; do
	adm -c "DROP DATABASE IF EXISTS mail" -c "CREATE DATABASE mail" >/dev/null 2>&1
	while IFS= read -r line; do
		cmd=${line#runuser -u postgres -- }
		cmd=${cmd#mailguard }
		cmd=${cmd//\/root\/mailguard-report.html/$TMP/docs-report.html}
		case $cmd in watch*) cmd="$cmd --count 0" ;; esac
		# Words and quotes only: a redirect or substitution is not a tool command.
		if [[ $cmd == *[\;\&\|\<\>\$\`\(\)]* ]]; then
			fail "docs/$(basename "$doc"): not a plain command: mailguard $cmd"
			continue
		fi
		eval "set -- $cmd"
		out=$(MAILGUARD_CONF=$DOCS_CONF "$PHP" "$MG" "$@" 2>&1); rc=$?
		n=$((n + 1))
		if [ $rc = 0 ] || { [ $rc = 1 ] && [ "$1" = check ]; }; then
			ok "docs/$(basename "$doc"): mailguard $cmd"
		else
			fail "docs/$(basename "$doc"): mailguard $cmd (exit $rc)" "$out"
		fi
	done < <(awk '/^ *```/ { inblock = !inblock; next } inblock' "$doc" | sed -E 's/^ +//' \
		| grep -E '^(runuser -u postgres -- )?mailguard (schema|client|account|uid|check|usage|top|log|trace|watch|retention|report)( |$)' \
		| sed -E 's/ +#.*$//')
done
[ "$n" -ge 20 ] && ok "docs: $n tool commands found and run" || fail "docs: only $n tool commands found in docs/"
adm -c "DROP DATABASE mail" >/dev/null 2>&1
# }}}

# {{{ the hourly roll-up: top and report read it and answer as the log does
# Rows over the last 8 days in past hours (backdated, as by a long
# import), none within 5 minutes of a window's start (1h, 24h, 7d ago:
# the two runs compared are seconds apart), plus the rows of the current
# hour the earlier sections wrote (the tail the roll-up has not reached).
adm -c "INSERT INTO mailguard.log (ts, trace, account, script, entry, vhost, rcpts, verdict, reason, via)
	SELECT ts, gen_random_uuid(), (ARRAY['r1', 'r2', 'r3', 'blog7', NULL])[1 + g % 5],
	       (ARRAY['/var/www/r/a.php', '/var/www/r/b.php', NULL])[1 + g % 3], (ARRAY['/var/www/r/index.php', NULL])[1 + g % 2],
	       (ARRAY['r.example', 'www.r.example', NULL])[1 + g % 7 % 3], (ARRAY[1, 3, NULL])[1 + g % 11 % 3],
	       CASE WHEN g % 6 = 0 THEN 'refuse' ELSE 'accept' END,
	       CASE WHEN g % 6 = 0 THEN (ARRAY['over-quota:hour-messages', 'blocked:spam', 'unknown-account', NULL])[1 + g % 4] END, 'php'
	  FROM (SELECT g, now() - interval '10 minutes' - random() * interval '8 days' AS ts FROM generate_series(1, 3000) g) x
	 WHERE NOT (ts BETWEEN now() - interval '1 hour 5 minutes' AND now() - interval '55 minutes'
	         OR ts BETWEEN now() - interval '24 hours 5 minutes' AND now() - interval '23 hours 55 minutes'
	         OR ts BETWEEN now() - interval '7 days 5 minutes' AND now() - interval '6 days 23 hours 55 minutes')"
# The 24-hour window's first, partial hour gets rows of its own whenever
# part of it lies outside the 5-minute band above (the random rows above
# average one per 4 minutes: a few minutes of it may hold none); at
# minute 55 or later of the hour the whole partial hour is in the band.
adm -c "INSERT INTO mailguard.log (ts, trace, account, script, entry, vhost, rcpts, verdict, via)
	SELECT t, gen_random_uuid(), 'r1', '/var/www/r/a.php', '/var/www/r/index.php', 'r.example', 1, 'accept', 'php'
	  FROM (SELECT date_trunc('hour', now() - interval '24 hours') + interval '59 minutes 30 seconds' AS t) x,
	       generate_series(1, 3)
	 WHERE t > now() - interval '23 hours 54 minutes'"
# Everything the commands compared print, with the roll-up (what the
# command rolls up first) and without it: rolled_to NULL and a lag no
# hour passes, so log_rollup() rolls nothing and the command reads the log.
ROLLED="$TMP/rolled" RAW="$TMP/raw"
rollup_outputs() {  # DIR
	local k s
	mkdir -p "$1"
	for k in accounts scripts entries vhosts; do
		for s in 1h 24h 7d; do mg top "$k" --since "$s" --limit 1000 --json >"$1/top-$k-$s.json" 2>&1; done
	done
	for s in 1d 7d; do
		mg report --html - --since "$s" | grep -v '^<title>\|generated' >"$1/report-$s.html"
		mg report --html - --since "$s" --accounts 2 | grep -v '^<title>\|generated' >"$1/report-$s-top2.html"
	done
}
rollup_same() {  # LABEL: the outputs with the roll-up equal those from the log alone
	local l=$1 d st
	st=$(adm -c "SELECT rolled_to FROM mailguard.log_rollup_state")
	adm -c "UPDATE mailguard.log_rollup_state SET rolled_to = NULL, lag = '1000 years'"
	rm -rf "$RAW"; rollup_outputs "$RAW"
	eq "$l: no roll-up used for the reference" "|1000 years" "$(adm -c "SELECT rolled_to, lag FROM mailguard.log_rollup_state")"
	# the roll-up as it was (its rows were not touched)
	adm -c "UPDATE mailguard.log_rollup_state SET rolled_to = nullif('$st', '')::timestamptz, lag = '${ROLLUP_LAG:-5 minutes}'"
	rm -rf "$ROLLED"; rollup_outputs "$ROLLED"
	d=$(diff -r "$RAW" "$ROLLED" 2>&1 | cut -c1-240 | head -n 20)
	like "$l: the reference has the accounts, hours and scripts" "^[5-9]\|[0-9]{3,}\|[1-9][0-9]*$" \
		"$("$PHP" -r '$j = json_decode(file_get_contents($argv[1]), true); echo count($j), "|", array_sum(array_column($j, "mails")), "|";' "$RAW/top-accounts-7d.json")$(grep -c 'data-h=' "$RAW/report-7d.html")"
	eq "$l: top (4 kinds x 1h, 24h, 7d) and report (1d, 7d, --accounts 2) equal the log's" "" "$d"
}
adm -c "DELETE FROM mailguard.log_hourly" -c "UPDATE mailguard.log_rollup_state SET rolled_to = NULL"
rollup_same "roll-up, first fill"
eq "roll-up: rolled up to the last hour closed 5 minutes ago" "t|t" \
	"$(adm -c "SELECT rolled_to = date_trunc('hour', now() - interval '5 minutes', 'UTC'), (SELECT count(*) FROM mailguard.log_hourly) > 100 FROM mailguard.log_rollup_state")"
like "roll-up: the data has rows in rolled hours, a first partial hour (unless it is all in the band) and a tail" "^[1-9][0-9]*\|t\|[1-9][0-9]*$" \
	"$(adm -c "SELECT count(*) FILTER (WHERE ts < (SELECT rolled_to FROM mailguard.log_rollup_state) AND ts >= now() - interval '23 hours'),
		count(*) FILTER (WHERE ts >= now() - interval '24 hours' AND ts < date_trunc('hour', now() - interval '24 hours') + interval '1 hour') > 0
			OR date_trunc('hour', now() - interval '24 hours') + interval '1 hour' <= now() - interval '23 hours 53 minutes',
		count(*) FILTER (WHERE ts >= (SELECT rolled_to FROM mailguard.log_rollup_state)) FROM mailguard.log")"
adm -c "DELETE FROM mailguard.log_hourly" -c "UPDATE mailguard.log_rollup_state SET rolled_to = NULL"
ROLLUP_LAG='3 hours' rollup_same "roll-up, a 3-hour tail from the log"
eq "roll-up with a 3-hour lag: rolled up to 3 hours ago" "t" \
	"$(adm -c "SELECT rolled_to = date_trunc('hour', now() - interval '3 hours', 'UTC') FROM mailguard.log_rollup_state")"
adm -c "UPDATE mailguard.log_rollup_state SET lag = '5 minutes'"
like "roll-up, incremental: the hours since" "^rolled up [1-4] hours" "$(adm -c "SELECT mailguard.log_rollup()")"
# An hour rolled up twice: the hours of the last 30 are rolled again and
# replace their rows; nothing is counted twice.
sum_hourly() { adm -c "SELECT md5(string_agg(h::text, ';' ORDER BY h::text)) FROM mailguard.log_hourly h"; }
before=$(sum_hourly)
run "roll-up again from 30 hours ago (log_rollup(p_from))" 0 adm -c "SELECT mailguard.log_rollup(now() - interval '30 hours')"
like "roll-up again: says what it rolled" "^rolled up (29|30|31) hours" "$OUT"
eq "roll-up again: the same rows (idempotent)" "$before" "$(sum_hourly)"
eq "roll-up when up to date: nothing to do" "up to date" "$(adm -c "SELECT left(mailguard.log_rollup(), 10)")"
rollup_same "roll-up, hours rolled twice"
# A row committed into an hour already rolled (a transaction held open
# past the lag): missing from the roll-up until that hour is rolled again.
adm -c "INSERT INTO mailguard.log (ts, trace, account, verdict, rcpts) VALUES (now() - interval '20 hours', gen_random_uuid(), 'late1', 'accept', 1)"
json "a row written behind the watermark is not in top (documented)" '!in_array("late1", array_column($j, "account"), true)' mg top accounts --limit 1000 --json
adm -c "SELECT mailguard.log_rollup(now() - interval '21 hours')" >/dev/null
json "rolled again from its hour, it is" 'in_array("late1", array_column($j, "account"), true)' mg top accounts --limit 1000 --json
rollup_same "roll-up, after rolling that hour again"
# docs/database.md's "Mails per account and UTC day" (mailguard.log_per_day():
# the roll-up's levels and the tail) against the same days counted in the
# log alone.
DAY_SQL=$(awk '/^Mails per account and UTC day/ { want = 1 } want && /^```sql/ { inblock = 1; next } inblock && /^```/ { exit } inblock' "$ROOT/docs/database.md")
like "docs/database.md: the per-day query reads the roll-up (log_per_day)" "FROM mailguard.log_per_day" "$DAY_SQL"
eq "docs/database.md: mails per account and UTC day equal the log's" \
	"$(adm -c "SELECT account, (ts AT TIME ZONE 'UTC')::date AS day, count(*) FILTER (WHERE verdict = 'accept'),
		count(*) FILTER (WHERE verdict = 'refuse'), sum(rcpts) FILTER (WHERE verdict = 'accept')
		FROM mailguard.log WHERE ts >= ((now() AT TIME ZONE 'UTC')::date - 7)::timestamp AT TIME ZONE 'UTC' GROUP BY 1, 2 ORDER BY 2, 1")" \
	"$(adm <<<"$DAY_SQL" | tail -n +2)"
like "docs/database.md's query: days of rolled-up hours and of the tail" "^[1-9][0-9]*\|[1-9][0-9]*$" \
	"$(adm -c "SELECT count(*) FILTER (WHERE ts < rolled_to), count(*) FILTER (WHERE ts >= rolled_to) FROM mailguard.log, mailguard.log_rollup_state
		WHERE ts >= date_trunc('day', now()) - interval '7 days'")"
json "retention --json: the roll-up's line" 'str_starts_with($j["rollup"], "up to date")' mg retention --personal-days 3650 --json
# }}}

# {{{ installed by make install-admin, run from elsewhere
make -s -f "$ROOT/Makefile.frag" srcdir="$ROOT" INSTALL_ROOT="$TMP/root" MAILGUARD_PREFIX=/usr/local install-admin >/dev/null 2>"$TMP/install.err"
if [ -x "$TMP/root/usr/local/bin/mailguard" ] && grep -q "'/usr/local/share' . '/mailguard'" "$TMP/root/usr/local/bin/mailguard"; then
	ok "make install-admin: the command, its share dir written in"
else
	fail "make install-admin" "$(cat "$TMP/install.err")"
fi
like "make install-admin: the unit names the installed command" "^ExecStart=/usr/local/bin/mailguard watch$" \
	"$(cat "$TMP/root/usr/local/share/mailguard/admin/mailguard-watch.service" 2>/dev/null)"
# The installed copy, pointed at the staged share dir, reads its own migrations.
sed "s|'/usr/local/share' . '/mailguard'|'$TMP/root/usr/local/share' . '/mailguard'|" "$TMP/root/usr/local/bin/mailguard" >"$TMP/mailguard-staged"
cp "$TMP/mig/0099_admin_test.sql" "$TMP/root/usr/local/share/mailguard/sql/migrations/"
run "installed command after an upgrade: schema status says pending" 1 "$PHP" "$TMP/mailguard-staged" schema status
like "installed command: the pending migration from its own sql/" "pending: 0099_admin_test" "$OUT"
# }}}

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
