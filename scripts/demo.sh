#!/usr/bin/env bash
# Builds mailguard and shows it at work: a few mails go through mail(),
# mb_send_mail() and error_log() into a capture "MTA"; the stamped messages
# and mailguard's syslog lines are printed. (The PostgreSQL quota part joins
# this demo with the quota issue.)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mg_install_deps
mg_build

work=$(mktemp -d /tmp/mailguard-demo.XXXXXX)
trap 'rm -rf "$work"' EXIT
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
	-d mailguard.syslog_socket="$work/log.sock" \
	"$MG_ROOT/scripts/demo.php" "$work"
