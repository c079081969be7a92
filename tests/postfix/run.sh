#!/usr/bin/env bash
# The Postfix harness (issue 11): mailguard's four paths -- mail(),
# mb_send_mail(), error_log(type 1), imap_mail() -- sending through a real,
# private Postfix instance (tests/postfix/lib.sh), with a private PostgreSQL
# that accepts every mail (so each mail also carries X-Mailguard-Trace),
# and checks what Postfix delivered and what PHP wrote:
#
#   [issue 11.1] every delivered message has exactly one stamp (and one
#                trace) in its header section and none in its body; a mail
#                whose arguments carry an empty line or a line that is not a
#                header field is refused, reason=malformed-headers, logged;
#   [issue 11.4] the header block PHP hands to sendmail ends every line the
#                same way (Postfix normalizes line endings, so this looks at
#                a copy of the bytes PHP wrote, kept by tee-sendmail.sh).
#
#   bash tests/postfix/run.sh
#
# Run as root, after `source scripts/lib.sh && mg_install_deps && mg_build`
# (MG_SO may name another mailguard.so). Prints one `ok - ...` or
# `FAIL - ...` line per check, then `N passed, N failed`; the exit status is
# non-zero when anything failed. Nothing is ever skipped. Everything lives
# in one temp dir, ${TMPDIR:-/tmp}/mg-postfix.XXXXXX (Postfix's config,
# queue and data directories, the delivered messages, the cluster, the
# syslog socket), removed at the end (MG_POSTFIX_KEEP=1 keeps it, with the
# processes stopped). smtpd listens on 127.0.0.1 and a free port. The
# system's Postfix is neither configured nor started nor changed.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PHP=${MG_PHP:-php8.2}
SO=${MG_SO:-$ROOT/modules/mailguard.so}
ACCOUNT=mgpostfix

passed=0
failed=0
ok() { echo "ok - $*"; passed=$((passed + 1)); }
fail() { echo "FAIL - $*"; failed=$((failed + 1)); }
die() {
	fail "setup: $1"
	[ -n "${2:-}" ] && [ -f "$2" ] && tail -n 30 "$2" | sed 's/^/#   /'
	echo "$passed passed, $failed failed"
	exit 1
}

[ "$(id -u)" = 0 ] || { echo "tests/postfix/run.sh: run as root (it starts Postfix)" >&2; exit 2; }
export PATH="/usr/sbin:/sbin:$PATH"
for cmd in "$PHP" postfix postqueue sendmail; do
	command -v "$cmd" >/dev/null 2>&1 || die "$cmd not found (source scripts/lib.sh && mg_install_deps)"
done
[ -f "$SO" ] || die "$SO not found (source scripts/lib.sh && mg_build)"
PHPX=(-n -d extension=mbstring -d extension=imap -d extension=sockets)
"$PHP" "${PHPX[@]}" -r 'exit(function_exists("mb_send_mail") && function_exists("imap_mail") && function_exists("socket_create") ? 0 : 1);' 2>/dev/null \
	|| die "mbstring, imap or sockets cannot be loaded (apt-get install php8.2-mbstring php8.2-imap; mg_install_deps does)"

T0=$(date +%s%N)

# {{{ the temp dir and cleanup
RUN=$(mktemp -d "${TMPDIR:-/tmp}/mg-postfix.XXXXXX") || die "mktemp failed"
# postfix, nobody (the pipe) and postgres must traverse RUN, not list it.
chmod 0711 "$RUN"
PGDIR=$RUN/pg
PG_JOB=""
. "$HERE/lib.sh"

cleanup() {
	pf_stop
	[ -n "$PG_JOB" ] && wait "$PG_JOB" 2>/dev/null
	[ -d "$PGDIR" ] && bash "$ROOT/scripts/pg.sh" destroy "$PGDIR" >/dev/null 2>&1
	if [ -n "${MG_POSTFIX_KEEP:-}" ]; then
		echo "# kept $RUN" >&2
	else
		rm -rf -- "$RUN"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# }}}

# {{{ PostgreSQL (in the background) and Postfix
nice -n 10 bash "$ROOT/scripts/pg.sh" start "$PGDIR" >"$RUN/pg.env" 2>"$RUN/pg-start.log" &
PG_JOB=$!
pf_start "$RUN/pf" 2>"$RUN/pf-start.log" || die "the private Postfix did not start" "$RUN/pf-start.log"
wait "$PG_JOB" || { PG_JOB=""; die "scripts/pg.sh start failed" "$RUN/pg-start.log"; }
PG_JOB=""
# shellcheck disable=SC1091
. "$RUN/pg.env"
# An account without limits: the database accepts every mail and returns
# a trace, so each accepted mail carries X-Mailguard-Trace too.
bash "$ROOT/scripts/pg.sh" psql "$PGDIR" -q -c "INSERT INTO mailguard.accounts (name) VALUES ('$ACCOUNT')" \
	>"$RUN/account.log" 2>&1 || die "cannot create account $ACCOUNT" "$RUN/account.log"
# }}}

# {{{ sendmail_path: keep a copy of PHP's bytes, then Postfix's sendmail
mkdir -p "$RUN/raw"
cat >"$RUN/tee-sendmail.sh" <<'EOF'
#!/bin/sh
# sendmail_path of tests/postfix/run.sh: RAWDIR CONFDIR [ARGS...]. Keeps
# the bytes PHP wrote in RAWDIR/<case>.<pid>.eml (MG_CASE from send.php),
# hands exactly those bytes to the private Postfix's sendmail -t -i, with
# whatever arguments PHP added, and exits with its status, which it also
# keeps (.rc), with what sendmail said (.err).
raw=$1 conf=$2
shift 2
f="$raw/${MG_CASE:-unknown}.$$"
cat >"$f.eml" || exit 75
/usr/sbin/sendmail -C "$conf" -t -i "$@" <"$f.eml" 2>"$f.err"
rc=$?
echo $rc >"$f.rc"
exit $rc
EOF
chmod 0755 "$RUN/tee-sendmail.sh"
# }}}

# {{{ send, wait for Postfix, check
"$PHP" "${PHPX[@]}" -d extension="$SO" \
	-d display_errors=stderr -d error_reporting=E_ALL \
	-d "sendmail_path=\"/bin/sh $RUN/tee-sendmail.sh $RUN/raw $PF_CONF\"" \
	-d "mailguard.syslog_socket=\"$RUN/log.sock\"" \
	-d "mailguard.dsn=\"$MG_PG_DSN\"" \
	-d mailguard.account=$ACCOUNT \
	-d mailguard.fail_mode=closed \
	-d mailguard.timeout_ms=5000 \
	"$HERE/send.php" "$RUN/results.json" "$RUN/log.sock" >"$RUN/send.out" 2>"$RUN/send.err"
rc=$?
if [ $rc != 0 ] || [ -s "$RUN/send.err" ]; then
	fail "send.php ended with status $rc or wrote to stderr"
	head -n 30 "$RUN/send.err" | sed 's/^/#   /'
fi
[ -s "$RUN/results.json" ] || die "send.php wrote no results" "$RUN/send.err"

if pf_wait_idle 30 2>"$RUN/wait.log"; then
	ok "Postfix delivered every message it was handed (queue empty, $(pf_delivered | wc -l) deliveries)"
else
	fail "Postfix delivered every message it was handed"
	sed 's/^/#   /' "$RUN/wait.log" | head -n 30
fi
# A fatal error, panic or error of a Postfix daemon means the harness, not
# mailguard, went wrong. sendmail's own (a message without recipients,
# say) belong to one case: checks.php shows them there.
if grep -E 'postfix/[a-z-]+\[[0-9]+\]: (fatal|panic|error):' "$PF_LOG" | grep -vE 'postfix/(sendmail|postdrop)\[' >/dev/null; then
	fail "no fatal error, panic or error of a Postfix daemon in its log"
	grep -E ': (fatal|panic|error):' "$PF_LOG" | grep -vE 'postfix/(sendmail|postdrop)\[' | head -n 10 | sed 's/^/#   /'
else
	ok "no fatal error, panic or error of a Postfix daemon in its log"
fi

"$PHP" -n "$HERE/checks.php" "$RUN/results.json" "$PF_OUT/new" "$RUN/raw" 1 >"$RUN/checks.out" 2>"$RUN/checks.err"
rc=$?
cat "$RUN/checks.out"
p=$(grep -c '^ok - ' "$RUN/checks.out")
f=$(grep -c '^FAIL - ' "$RUN/checks.out")
passed=$((passed + p))
failed=$((failed + f))
if [ $rc != 0 ] || [ -s "$RUN/checks.err" ]; then
	fail "checks.php ended with status $rc or wrote to stderr"
	head -n 30 "$RUN/checks.err" | sed 's/^/#   /'
fi
[ "$p" -gt 0 ] || fail "checks.php ran no check"
# }}}

echo "# issue 11.1 checks: $(grep -c '^ok - \[issue 11.1\]' "$RUN/checks.out") passed, $(grep -c '^FAIL - \[issue 11.1\]' "$RUN/checks.out") failed;" \
	"issue 11.4 checks: $(grep -c '^ok - \[issue 11.4\]' "$RUN/checks.out") passed, $(grep -c '^FAIL - \[issue 11.4\]' "$RUN/checks.out") failed"
echo "# $(( ($(date +%s%N) - T0) / 1000000 )) ms, in $RUN"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
