#!/usr/bin/env bash
# Builds mailguard and shows it at work against a private, throwaway
# PostgreSQL (started here as an unprivileged user, removed at the end):
# the schema is applied, account "demo" may send 3 mails an hour, and a few
# mails go through mail(), mb_send_mail() and error_log() into a capture
# "MTA". Printed: each call's result, the messages the MTA received (stamp
# and trace id), mailguard's syslog lines and the database's log rows.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mg_install_deps
mg_build

work=$(mktemp -d "${TMPDIR:-/tmp}/mailguard-demo.XXXXXX")
chmod 755 "$work"
trap 'bash "$MG_ROOT/scripts/pg.sh" destroy "$work/pg" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

mg_say "starting a private PostgreSQL in $work/pg and applying the schema (sql/mailguard-db apply)"
eval "$(bash "$MG_ROOT/scripts/pg.sh" start "$work/pg" 2>"$work/pg.log" || { cat "$work/pg.log" >&2; exit 1; })"
psql -X -q -d "$MG_PG_ADMIN_DSN" -c "INSERT INTO mailguard.accounts (name, msgs_hour, rcpts_hour) VALUES ('demo', 3, 20)"
mg_say "account demo: 3 mails and 20 recipients an hour"
cat >"$work/sendmail" <<'SH'
#!/bin/sh
# capture MTA: one file per message, named so that they sort in send order
cat > "$(dirname "$0")/mail.$(date +%s%N)"
SH
chmod 755 "$work/sendmail"

mg_say "sending mails with mailguard loaded (account=demo, syslog to $work/log.sock)"
"$MG_PHP" -n -d extension=mbstring -d extension=sockets -d extension="$MG_SO" \
	-d sendmail_path="$work/sendmail" \
	-d mailguard.account=demo \
	-d mailguard.dsn="\"$MG_PG_DSN\"" \
	-d mailguard.syslog_socket="$work/log.sock" \
	"$MG_ROOT/scripts/demo.php" "$work"

mg_say "the database's log (mailguard.log), as the admin sees it"
psql -X -d "$MG_PG_ADMIN_DSN" -c "SELECT to_char(ts, 'HH24:MI:SS') AS time, account, fn, regexp_replace(script, '^.*/', '') || ':' || line AS script,
	rcpts, verdict, reason, outcome, left(trace::text, 8) || '...' AS trace FROM mailguard.log ORDER BY id"
psql -X -d "$MG_PG_ADMIN_DSN" -c "SELECT account, hour_msgs, hour_rcpts, day_msgs FROM mailguard.counters"
