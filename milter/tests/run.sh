#!/usr/bin/env bash
# The milter harness (issue 12): mailguard-milter between a private Postfix
# (tests/postfix/lib.sh) and a private PostgreSQL (scripts/pg.sh), with PHP
# CLI clients running as separate unprivileged users, sending the ways real
# code does: mail() (the extension loaded), popen() of sendmail -t -i,
# Symfony Mailer native://, sendmail:// (-bs) and smtp://, PHPMailer
# isSendmail() and isSMTP(). Checks what the database logged and counted,
# and what Postfix delivered:
#   - every untraced client path: counted once, logged with its via and
#     uid, delivered with a fresh trace and the origin header;
#   - mail(): counted once by the extension, its trace claimed by the
#     milter, no second row;
#   - a trace copied into a second message is counted; a brought origin
#     header is replaced;
#   - over quota / blocked / unmapped uid: refused (5.7.1), not delivered;
#   - root (outside the customer ranges) passes;
#   - the database stopped: SMTP gets a 4xx within the deadline, sendmail
#     mail stays queued, and is delivered (once) when it is back; frozen
#     (SIGSTOP): the same, within the deadline; fail_mode accept and
#     reject with the database stopped;
#   - the same clients (and fsockopen() SMTP, mail()) from a real php-fpm
#     master with two pools as two users (tests/fpm/lib.sh), requests by
#     cgi-fcgi: counted once, attributed to the pool's uid;
#   - a client stalled mid-message (dropped by smtpd_timeout, the milter
#     serving others meanwhile), a stalled milter (SIGSTOP: Postfix's
#     milter timeouts and milter_default_action), SMTP over ::1
#     (/proc/net/tcp6), six concurrent SMTP clients (the connection pool),
#     hashed queue directories with short and long queue IDs, a config
#     file with a bad mode or owner (refused at start).
#
#   bash milter/tests/run.sh
#
# Run as root, after `source scripts/lib.sh && mg_install_deps && mg_build`
# and `make -C milter`. Prints `ok - ...`/`FAIL - ...` per check, then
# `N passed, N failed`; exit status non-zero on failure. Everything lives
# in ${TMPDIR:-/tmp}/mg-milter.XXXXXX, removed at the end
# (MG_MILTER_KEEP=1 keeps it). No fixed ports. Each client runs as its test
# user in a mount namespace of its own where /etc/postfix is the private
# instance's config directory, so that the plain /usr/sbin/sendmail the
# libraries run talks to the private instance (DESIGN §8).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PHP=${MG_PHP:-php8.2}
SO=${MG_SO:-$ROOT/modules/mailguard.so}
MILTER=${MG_MILTER:-$ROOT/milter/mailguard-milter}
# 1 s, not less: on a shared 2-vCPU machine at load 30, a question on a new
# backend (plpgsql compiled afresh) took longer than 300 ms while the
# server still committed it, so a sendmail message was tempfailed, retried
# by pickup and counted again (docs/ARCHITECTURE.md, the milter's limits)
DEADLINE_MS=1000

. "$HERE/lib.sh"   # ok, fail, check, die, ensure_user

[ "$(id -u)" = 0 ] || { echo "milter/tests/run.sh: run as root" >&2; exit 2; }
export PATH="/usr/lib/postgresql/15/bin:/usr/sbin:/sbin:$PATH"
. "$ROOT/tests/fpm/lib.sh"   # FPM, fpm_start, fpm_get, fpm_stop
for cmd in "$PHP" "$FPM" cgi-fcgi postfix postqueue sendmail psql runuser useradd unshare; do
	command -v "$cmd" >/dev/null 2>&1 || die "$cmd not found (source scripts/lib.sh && mg_install_deps)"
done
[ -f "$SO" ] || die "$SO not found (source scripts/lib.sh && mg_build)"
[ -x "$MILTER" ] || die "$MILTER not found (make -C milter)"
[ -f /usr/share/php/Symfony/Component/Mailer/autoload.php ] || die "php-symfony-mailer not installed"
[ -f /usr/share/php/libphp-phpmailer/autoload.php ] || die "libphp-phpmailer not installed"

T0=$(date +%s%N)
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# {{{ temp dir, cleanup
RUN=$(mktemp -d "${TMPDIR:-/tmp}/mg-milter.XXXXXX") || die "mktemp failed"
chmod 0711 "$RUN"
PGDIR=$RUN/pg
PG_JOB=""
MILTER_PID=""
. "$ROOT/tests/postfix/lib.sh"
cleanup() {
	[ -n "$MILTER_PID" ] && kill "$MILTER_PID" 2>/dev/null && wait "$MILTER_PID" 2>/dev/null
	fpm_stop
	pf_stop
	[ -n "$PG_JOB" ] && wait "$PG_JOB" 2>/dev/null
	[ -d "$PGDIR" ] && bash "$ROOT/scripts/pg.sh" destroy "$PGDIR" >/dev/null 2>&1
	if [ -n "${MG_MILTER_KEEP:-}" ]; then echo "# kept $RUN" >&2; else rm -rf -- "$RUN"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# }}}

# {{{ users: a (no limits), b (2 messages an hour), c (blocked), d (a
# customer uid without a mapping)
# fa, fb: the two php-fpm pools' users, each its own account (an FPM pool's
# account is its user's name)
for u in a b c d fa fb; do
	ensure_user "mgmilter-$u" || die "cannot create user mgmilter-$u"
done
UA=$(id -u mgmilter-a) UB=$(id -u mgmilter-b) UC=$(id -u mgmilter-c) UD=$(id -u mgmilter-d)
UFA=$(id -u mgmilter-fa) UFB=$(id -u mgmilter-fb)
# }}}

# {{{ PostgreSQL, Postfix with the milter, the milter
nice -n 10 bash "$ROOT/scripts/pg.sh" start "$PGDIR" >"$RUN/pg.env" 2>"$RUN/pg-start.log" &
PG_JOB=$!
mkdir -p "$RUN/milter"
chown postfix: "$RUN/milter"
chmod 0750 "$RUN/milter"
SOCK=$RUN/milter/milter.sock
PF_MAIN_EXTRA="# mailguard-milter (docs/install.md)
smtpd_milters = unix:$SOCK
non_smtpd_milters = unix:$SOCK
milter_default_action = tempfail
# no milter_connect_macros: the milter asks for {daemon_addr} and
# {daemon_port} itself (smfi_setsymlist)
smtpd_forbid_unauth_pipelining = yes
"
# a second smtpd on [::1] (6d), a third with short smtpd and milter
# timeouts (6c; Postfix's defaults elsewhere: a milter timeout after the
# milter counted would make the message count twice on its retry)
PF_INET_PROTOCOLS=all
PF_MYNETWORKS="127.0.0.0/8 [::1]/128"
PF_PORT6=$(pf_free_port ::1) || die "no free port on ::1"
PF_PORT_STALL=$(pf_free_port) || die "no free port"
PF_MASTER_EXTRA="[::1]:$PF_PORT6 inet n - n - - smtpd
127.0.0.1:$PF_PORT_STALL inet n - n - - smtpd -o smtpd_timeout=3s
  -o milter_connect_timeout=3s -o milter_command_timeout=3s -o milter_content_timeout=3s"
pf_start "$RUN/pf" 2>"$RUN/pf-start.log" || die "the private Postfix did not start" "$RUN/pf-start.log"
wait "$PG_JOB" || { PG_JOB=""; die "scripts/pg.sh start failed" "$RUN/pg-start.log"; }
PG_JOB=""
. "$RUN/pg.env"
sql() { bash "$ROOT/scripts/pg.sh" psql "$PGDIR" -q -At "$@"; }
mgdb() { PGHOST=$MG_PG_HOST PGPORT=$MG_PG_PORT PGUSER=postgres PGDATABASE=$MG_PG_DB "$ROOT/sql/mailguard-db" "$@"; }
{
	sql -c "INSERT INTO mailguard.accounts (name) VALUES ('acct_a')" \
		-c "INSERT INTO mailguard.accounts (name, msgs_hour) VALUES ('acct_b', 2)" \
		-c "INSERT INTO mailguard.accounts (name, blocked, blocked_reason) VALUES ('acct_c', true, 'spam')" \
		-c "INSERT INTO mailguard.accounts (name) VALUES ('mgmilter-fa'), ('mgmilter-fb')"
	# peer authentication: the milter runs as postfix, its role is postfix
	mgdb add-milter postfix
	mgdb map-uid "$UA" acct_a
	mgdb map-uid "$UB" acct_b
	mgdb map-uid "$UC" acct_c
	mgdb map-uid "$UFA" mgmilter-fa
	mgdb map-uid "$UFB" mgmilter-fb
} >"$RUN/db-setup.log" 2>&1 || die "database setup failed" "$RUN/db-setup.log"

cat >"$RUN/milter.conf" <<EOF
# written by milter/tests/run.sh
dsn = host=$MG_PG_HOST port=$MG_PG_PORT dbname=$MG_PG_DB user=postfix
socket = unix:$SOCK
user = postfix
customer_uids = $UA,$UB,$UC,$UD,$UFA,$UFB
fail_mode = tempfail
deadline_ms = $DEADLINE_MS
retry_ms = 100
queue_directory = $PF_QUEUE
log = stderr
EOF
chmod 0600 "$RUN/milter.conf"
start_milter() {
	"$MILTER" -c "$RUN/milter.conf" 2>>"$RUN/milter.log" &
	MILTER_PID=$!
	local i
	for i in $(seq 100); do [ -S "$SOCK" ] && return 0; sleep 0.05; done
	return 1
}
start_milter || die "mailguard-milter did not start" "$RUN/milter.log"
# }}}

# {{{ clients
# COMMAND... in a mount namespace of its own whose /etc/postfix is the
# private instance's (exec: the same pid)
PF_NS=(unshare -m -- sh -c 'mount --bind "$1" /etc/postfix && shift && exec "$@"' sh "$PF_CONF")
# as USER: php with the extension (account ACCOUNT) in that namespace
php_as() {
	local user=$1 account=$2; shift 2
	"${PF_NS[@]}" runuser -u "$user" -- "$PHP" -d extension="$SO" \
			-d "mailguard.dsn=\"$MG_PG_DSN\"" -d mailguard.account="$account" \
			-d mailguard.fail_mode=closed -d mailguard.timeout_ms=5000 \
			-d "mailguard.syslog_socket=\"$RUN/ext-log.sock\"" \
			-d display_errors=stderr -d error_reporting=E_ALL \
			"$HERE/client.php" "$@"
}
N=0
# send USER ACCOUNT METHOD [EXTRA_HEADER...]: one mail with a unique
# subject; sets SUBJ and OUT (what the client printed)
send() {
	local user=$1 account=$2 method=$3; shift 3
	N=$((N + 1))
	SUBJ="mgm-$N-$method-$user"
	OUT=$(php_as "$user" "$account" "$method" "$SUBJ" "rcpt$N@example.test" "${SEND_PORT:-$PF_PORT}" "$@" 2>"$RUN/client-$N.err")
	echo "$N $user $method: $OUT" >>"$RUN/clients.log"
}
# how many delivered messages have Subject: S in their own header section
delivered() {
	local f n=0
	for f in $(pf_delivered); do
		sed '/^$/q' "$f" | grep -qxF "Subject: $1" && n=$((n + 1))
	done
	echo $n
}
delivered_file() {
	local f
	for f in $(pf_delivered); do
		sed '/^$/q' "$f" | grep -qxF "Subject: $1" && { echo "$f"; return; }
	done
}
hdr() { sed '/^$/q' "$1" | grep -i "^$2:" | sed 's/^[^:]*: *//'; }
rows() { sql -c "SELECT coalesce(via,'php') || '|' || coalesce(uid::text,'') || '|' || coalesce(account,'') || '|' || verdict || '|' || coalesce(reason,'') FROM mailguard.log WHERE subject = '$1' ORDER BY id"; }
counted() { sql -c "SELECT hour_msgs FROM mailguard.counters WHERE account = '$1'"; }
# kick pickup (it wakes every 60 s on its own) and wait for an empty queue
flush() {
	postkick -c "$PF_CONF" public pickup W 2>/dev/null
	pf_wait_idle "${1:-20}" 2>"$RUN/wait.log"
}
# }}}

# {{{ 1. each untraced path: counted once, logged with via and uid, delivered with trace and origin
for m in popen native sendmail phpmailer smtp phpmailer-smtp; do
	before=$(counted acct_a)
	send mgmilter-a acct_a "$m"
	flush
	case $m in smtp|phpmailer-smtp) via=smtp ;; *) via=sendmail ;; esac
	check "[$m] the client succeeded" "ok" "$OUT"
	check "[$m] one log row: via=$via, uid=$UA, account acct_a, accepted" "$via|$UA|acct_a|accept|" "$(rows "$SUBJ")"
	check "[$m] counted once" "$((before + 1))" "$(counted acct_a)"
	check "[$m] delivered once" 1 "$(delivered "$SUBJ")"
	f=$(delivered_file "$SUBJ")
	trace=$(sql -c "SELECT trace FROM mailguard.log WHERE subject = '$SUBJ'")
	check "[$m] delivered with the row's trace, one X-Mailguard-Trace" "$trace" "$([ -n "$f" ] && hdr "$f" X-Mailguard-Trace)"
	check "[$m] delivered with one origin header naming uid and path" "uid=$UA; via=$via" "$([ -n "$f" ] && hdr "$f" X-Mailguard-Origin)"
done
# }}}

# {{{ 2. mail() through the extension: counted by the extension only, trace claimed
before=$(counted acct_a)
send mgmilter-a acct_a mail
flush
check "[mail] mail() returned true" "ok" "$OUT"
check "[mail] one log row, the extension's (via php), none from the milter" "php||acct_a|accept|" "$(rows "$SUBJ" | sed -E 's/^php\|[0-9]*\|/php||/')"
check "[mail] counted once" "$((before + 1))" "$(counted acct_a)"
check "[mail] the milter claimed the trace" "t" "$(sql -c "SELECT claimed_at IS NOT NULL FROM mailguard.log WHERE subject = '$SUBJ'")"
f=$(delivered_file "$SUBJ")
MAILTRACE=$(sql -c "SELECT trace FROM mailguard.log WHERE subject = '$SUBJ'")
check "[mail] delivered once, with the extension's trace" "1|$MAILTRACE" "$(delivered "$SUBJ")|$([ -n "$f" ] && hdr "$f" X-Mailguard-Trace)"
check "[mail] origin header: uid and path" "uid=$UA; via=sendmail" "$([ -n "$f" ] && hdr "$f" X-Mailguard-Origin)"
# }}}

# {{{ 3. a trace copied into a second message is counted; a brought origin header is replaced
before=$(counted acct_a)
send mgmilter-a acct_a popen "X-Mailguard-Trace: $MAILTRACE" "X-Mailguard-Origin: uid=0; via=forged"
flush
check "[reused trace] counted as untraced: a row via sendmail" "sendmail|$UA|acct_a|accept|" "$(rows "$SUBJ")"
check "[reused trace] counted once" "$((before + 1))" "$(counted acct_a)"
f=$(delivered_file "$SUBJ")
newtrace=$(sql -c "SELECT trace FROM mailguard.log WHERE subject = '$SUBJ'")
check "[reused trace] the copied trace replaced by the new one" "$newtrace" "$([ -n "$f" ] && hdr "$f" X-Mailguard-Trace)"
check "[brought origin] replaced by the milter's" "uid=$UA; via=sendmail" "$([ -n "$f" ] && hdr "$f" X-Mailguard-Origin)"
send mgmilter-a acct_a smtp "X-Mailguard-Trace: 00000000-0000-4000-8000-000000000000" "X-Mailguard-Origin: uid=$UB; via=sendmail"
flush
f=$(delivered_file "$SUBJ")
check "[forged trace, smtp] counted; forged trace and origin replaced" "smtp|$UA|acct_a|accept||uid=$UA; via=smtp|1" \
	"$(rows "$SUBJ")|$([ -n "$f" ] && hdr "$f" X-Mailguard-Origin)|$([ -n "$f" ] && hdr "$f" X-Mailguard-Trace | grep -vc '^00000000-')"
# }}}

# {{{ 3b. the same clients in real php-fpm pools, two users: counted once, attributed to the pool's uid
# One master (root) in the private instance's mount namespace, so that the
# workers' /usr/sbin/sendmail is the private Postfix's; pool fa runs as
# mgmilter-fa, pool fb as mgmilter-fb; the extension loaded with an empty
# mailguard.account (the account is the pool user's name). Requests with
# cgi-fcgi as root (the web server's stand-in).
mkdir -p "$RUN/fpm"
cat >"$RUN/fpm/php.ini" <<EOF
; written by milter/tests/run.sh
extension = $SO
mailguard.dsn = "$MG_PG_DSN"
mailguard.fail_mode = closed
mailguard.timeout_ms = 5000
mailguard.syslog_socket = "$RUN/ext-log.sock"
display_errors = stderr
error_reporting = E_ALL
EOF
{
	printf '; written by milter/tests/run.sh\n[global]\npid = %s\nerror_log = %s\ndaemonize = no\n' "$RUN/fpm/fpm.pid" "$RUN/fpm/fpm.log"
	for p in fa fb; do
		printf '[%s]\nuser = mgmilter-%s\ngroup = mgmilter-%s\nlisten = %s\nlisten.mode = 0600\n' "$p" "$p" "$p" "$RUN/fpm/$p.sock"
		printf 'pm = static\npm.max_children = 1\ncatch_workers_output = yes\n'
	done
} >"$RUN/fpm/php-fpm.conf"
FPM_WRAP=("${PF_NS[@]}")
fpm_start "$RUN/fpm/php.ini" "$RUN/fpm/php-fpm.conf" "$RUN/fpm/stdout" -- "$RUN/fpm/fa.sock" "$RUN/fpm/fb.sock" \
	|| { cat "$RUN/fpm/stdout" >>"$RUN/fpm/fpm.log"; die "php-fpm did not start" "$RUN/fpm/fpm.log"; }
# fpm_send POOL METHOD: one request to pool POOL (fa|fb); sets SUBJ and OUT
fpm_send() {
	N=$((N + 1))
	SUBJ="mgm-$N-fpm-$2-$1"
	OUT=$(fpm_get "$RUN/fpm/$1.sock" "$HERE/client.php" "method=$2&subject=$SUBJ&to=rcpt$N%40example.test&port=$PF_PORT" 2>"$RUN/client-$N.err")
	echo "$N fpm-$1 $2: $OUT" >>"$RUN/clients.log"
}
check "[fpm] the pools' workers run as their users" "mgmilter-fa mgmilter-fb" \
	"$(for p in fa fb; do ps -o user:20= --ppid "$FPM_PID" | grep -x "mgmilter-$p"; done | paste -sd' ')"
for p in fa fb; do
	case $p in fa) uid=$UFA methods="native sendmail phpmailer popen fsockopen smtp mail" ;; *) uid=$UFB methods="popen fsockopen mail" ;; esac
	for m in $methods; do
		before=$(counted "mgmilter-$p")
		fpm_send "$p" "$m"
		flush
		case $m in
		mail) want="php||mgmilter-$p|accept|" via=sendmail ;;
		fsockopen|smtp) want="smtp|$uid|mgmilter-$p|accept|" via=smtp ;;
		*) want="sendmail|$uid|mgmilter-$p|accept|" via=sendmail ;;
		esac
		check "[fpm $p $m] the client succeeded, one row ($want), delivered once" "ok|$want|1" \
			"$OUT|$(rows "$SUBJ" | sed -E 's/^php\|[0-9]*\|/php||/')|$(delivered "$SUBJ")"
		f=$(delivered_file "$SUBJ")
		check "[fpm $p $m] counted once; delivered with the origin uid=$uid; via=$via" "$((${before:-0} + 1))|uid=$uid; via=$via" \
			"$(counted "mgmilter-$p")|$([ -n "$f" ] && hdr "$f" X-Mailguard-Origin)"
	done
done
check "[fpm mail] the milter claimed both pools' mail() traces" "2" \
	"$(sql -c "SELECT count(*) FROM mailguard.log WHERE coalesce(via, 'php') = 'php' AND account LIKE 'mgmilter-f%' AND claimed_at IS NOT NULL")"
sql -c "UPDATE mailguard.accounts SET blocked = true, blocked_reason = 'fpm-test' WHERE name = 'mgmilter-fb'"
fpm_send fb popen
flush
check "[fpm fb blocked] popen: logged refuse by the milter, not delivered" "sendmail|$UFB|mgmilter-fb|refuse|blocked:fpm-test|0" \
	"$(rows "$SUBJ")|$(delivered "$SUBJ")"
fpm_send fb fsockopen
check "[fpm fb blocked] fsockopen SMTP: 5.7.1 at the end of DATA" "1" "$(grep -c '5.7.1 mailguard: account blocked' <<<"$OUT")"
fpm_stop
if grep -E 'exited on signal|ERROR' "$RUN/fpm/fpm.log" >/dev/null 2>&1; then
	fail "[fpm] no worker crashed, no error in php-fpm's log"
	grep -E 'exited on signal|ERROR' "$RUN/fpm/fpm.log" | head -n 10 | sed 's/^/#   /'
else
	ok "[fpm] no worker crashed, no error in php-fpm's log"
fi
# }}}

# {{{ 4. refusals: over quota, blocked, unmapped uid
for m in popen smtp; do
	send mgmilter-b acct_b "$m"
	flush
done
send mgmilter-b acct_b smtp
SMTPOUT=$OUT
send mgmilter-b acct_b popen
flush
check "[over quota] two accepted, then refused: smtp, popen" "accept|accept|refuse|refuse" \
	"$(sql -c "SELECT string_agg(verdict, '|' ORDER BY id) FROM mailguard.log WHERE account = 'acct_b'")"
check "[over quota] the smtp client saw 5.7.1 and the reason" "1" "$(grep -c '5.7.1 mailguard: over quota' <<<"$SMTPOUT")"
check "[over quota] the refused sendmail mail not delivered" "0" "$(delivered "$SUBJ")"
check "[over quota] counted 2, the limit" "2" "$(counted acct_b)"
send mgmilter-c acct_c smtp
check "[blocked] smtp refused with 5.7.1" "1" "$(grep -c '5.7.1 mailguard: account blocked' <<<"$OUT")"
send mgmilter-c acct_c popen
flush
check "[blocked] sendmail path: logged refuse blocked, not delivered" "sendmail|$UC|acct_c|refuse|blocked:spam|0" "$(rows "$SUBJ")|$(delivered "$SUBJ")"
send mgmilter-d acct_a popen
flush
check "[unmapped uid] refused unknown-uid, not delivered" "sendmail|$UD||refuse|unknown-uid|0" "$(rows "$SUBJ")|$(delivered "$SUBJ")"
# }}}

# {{{ 5. root is outside the customer ranges: passes, not counted
N=$((N + 1))
SUBJ="mgm-$N-root"
printf 'From: root@example.test\nTo: r@example.test\nSubject: %s\n\nbody\n' "$SUBJ" | $PF_SENDMAIL
flush
check "[root] delivered, no row" "1|" "$(delivered "$SUBJ")|$(rows "$SUBJ")"
# }}}

# {{{ 6. database down: tempfail within the deadline, delivered once it is back
last_ms() { grep 'reason=db-unavailable' "$RUN/milter.log" | tail -n 1 | sed -E 's/.* ms=([0-9]+).*/\1/'; }
bash "$ROOT/scripts/pg.sh" stop "$PGDIR" 2>/dev/null
send mgmilter-a acct_a smtp
check "[db stopped] the smtp client got 451 4.3.0" "1" "$(grep -c '451 4.3.0' <<<"$OUT")"
send mgmilter-a acct_a popen
DOWN_SUBJ=$SUBJ
postkick -c "$PF_CONF" public pickup W 2>/dev/null
sleep 1
check "[db stopped] the sendmail mail is held, not delivered" "0" "$(delivered "$DOWN_SUBJ")"
bash "$ROOT/scripts/pg.sh" start "$PGDIR" >/dev/null 2>&1
flush 40
check "[db back] the held mail delivered once and counted once" "1|sendmail|$UA|acct_a|accept|" "$(delivered "$DOWN_SUBJ")|$(rows "$DOWN_SUBJ")"
# frozen: SIGSTOP the server and its backends
PGPID=$(head -n 1 "$PGDIR/data/postmaster.pid")
kill -STOP "$PGPID"; pkill -STOP -P "$PGPID"
send mgmilter-a acct_a smtp
FROZEN_OUT=$OUT
FROZEN_MS=$(last_ms)
send mgmilter-a acct_a popen
FROZEN_SUBJ=$SUBJ
postkick -c "$PF_CONF" public pickup W 2>/dev/null
sleep 1
pkill -CONT -P "$PGPID"; kill -CONT "$PGPID"
check "[db frozen] the smtp client got 451 4.3.0" "1" "$(grep -c '451 4.3.0' <<<"$FROZEN_OUT")"
check "[db frozen] the milter answered within the deadline ($DEADLINE_MS ms + 100)" "yes" \
	"$([ "${FROZEN_MS:-99999}" -le $((DEADLINE_MS + 100)) ] && echo yes || echo "no (${FROZEN_MS:-none} ms)")"
flush 40
check "[db thawed] the held mail delivered once and counted once" "1|sendmail|$UA|acct_a|accept|" "$(delivered "$FROZEN_SUBJ")|$(rows "$FROZEN_SUBJ")"
# }}}

# {{{ 6c. fail modes accept and reject; the milter protocol timeouts (a stalled client, a stalled milter)
# restart_milter KEY=VALUE...: the milter again, its config with these settings changed
restart_milter() {
	local kv
	kill "$MILTER_PID" 2>/dev/null; wait "$MILTER_PID" 2>/dev/null; MILTER_PID=""
	cp "$RUN/milter.conf.orig" "$RUN/milter.conf"
	for kv in "$@"; do
		sed -i "/^${kv%%=*} *=/d" "$RUN/milter.conf"
		echo "${kv%%=*} = ${kv#*=}" >>"$RUN/milter.conf"
	done
	start_milter
}
cp "$RUN/milter.conf" "$RUN/milter.conf.orig"
# A client that stalls mid-message holds neither Postfix nor the milter:
# Debian's libmilter (built with its worker pool) keeps no thread for a
# session waiting on the MTA, and does not time such a session out
# (milter_timeout bounds reads and writes within a command); smtpd's own
# smtpd_timeout (3 s on the stall port, see PF_MASTER_EXTRA) drops the
# client, and smtpd then ends the milter session.
restart_milter fail_mode=accept || die "the milter did not restart" "$RUN/milter.log"
runuser -u mgmilter-a -- bash -c 'exec 3<>/dev/tcp/127.0.0.1/$1
	say() { [ -z "$1" ] || printf "%s\r\n" "$1" >&3
		while read -r -t 10 l <&3; do echo "$l"; case $l in [0-9][0-9][0-9]" "*) break ;; esac; done; }
	say ""; say "EHLO x"; say "MAIL FROM:<a@x>"; say "RCPT TO:<b@y>"; say DATA
	printf "Subject: mgm-stalled\r\n" >&3
	timeout 15 cat <&3' sh "$PF_PORT_STALL" >"$RUN/stall.out" 2>"$RUN/stall.err" &
STALL_JOB=$!
t=$(now_ms)
sleep 2
send mgmilter-a acct_a smtp
check "[stalled client] meanwhile another client's mail is checked and accepted" "ok|smtp|$UA|acct_a|accept|" "$OUT|$(rows "$SUBJ")"
wait "$STALL_JOB"
t=$(( $(now_ms) - t ))
check "[stalled client] Postfix dropped it (421 4.4.2 timeout) within 7 s (its commands, then smtpd_timeout 3 s); no row" "1|yes|" \
	"$(grep -c '^421 4\.4\.2 .*timeout' "$RUN/stall.out")|$([ "$t" -le 7000 ] && echo yes || echo "no ($t ms)")|$(rows mgm-stalled)"
check "[stalled client] the milter still running" "alive" "$(kill -0 "$MILTER_PID" 2>/dev/null && echo alive)"
# fail_mode = accept: the database down, the mail passes with the origin
# header and no trace
bash "$ROOT/scripts/pg.sh" stop "$PGDIR" 2>/dev/null
send mgmilter-a acct_a smtp
f=$(delivered_file "$SUBJ")
check "[fail_mode=accept, db stopped] smtp: accepted, delivered with origin and no trace" "ok|1|uid=$UA; via=smtp|" \
	"$OUT|$(delivered "$SUBJ")|$([ -n "$f" ] && hdr "$f" X-Mailguard-Origin)|$([ -n "$f" ] && hdr "$f" X-Mailguard-Trace)"
send mgmilter-a acct_a popen
flush
check "[fail_mode=accept, db stopped] sendmail: delivered; the milter logged why" "1|1" \
	"$(delivered "$SUBJ")|$(grep -c "verdict=accept via=sendmail uid=$UA .*reason=db-unavailable fail_mode=accept" "$RUN/milter.log")"
# fail_mode = reject
restart_milter fail_mode=reject || die "the milter did not restart" "$RUN/milter.log"
send mgmilter-a acct_a smtp
check "[fail_mode=reject, db stopped] smtp: 550 5.7.1 policy unavailable" "1" "$(grep -c '550 5.7.1 mailguard: policy unavailable' <<<"$OUT")"
send mgmilter-a acct_a popen
flush
check "[fail_mode=reject, db stopped] sendmail: not delivered; the milter logged why" "0|1" \
	"$(delivered "$SUBJ")|$(grep -c "verdict=refuse via=sendmail uid=$UA .*reason=db-unavailable fail_mode=reject" "$RUN/milter.log")"
bash "$ROOT/scripts/pg.sh" start "$PGDIR" >/dev/null 2>&1
restart_milter || die "the milter did not restart" "$RUN/milter.log"
# A stalled milter (SIGSTOP): Postfix gives up after its milter_*_timeout
# (3 s on the stall port) and applies milter_default_action = tempfail.
kill -STOP "$MILTER_PID"
t=$(now_ms)
SEND_PORT=$PF_PORT_STALL send mgmilter-a acct_a smtp
t=$(( $(now_ms) - t ))
kill -CONT "$MILTER_PID"
check "[stalled milter] the smtp client got 451 4.7.1 (milter_default_action), not delivered" "1|0" "$(grep -c '451 4\.7\.1' <<<"$OUT")|$(delivered "$SUBJ")"
check "[stalled milter] within 15 s (Postfix's milter timeout 3 s there, 30 s by default; the client's own start on a busy machine)" "yes" \
	"$([ "$t" -le 15000 ] && echo yes || echo "no ($t ms)")"
check "[stalled milter] Postfix logged the milter timeout" "yes" "$(grep -q 'milter unix:.*timed out\|milter unix:.*timeout' "$PF_LOG" && echo yes)"
send mgmilter-a acct_a smtp
check "[stalled milter, continued] the next mail is checked and delivered" "ok|smtp|$UA|acct_a|accept|" "$OUT|$(rows "$SUBJ")"
# }}}

# {{{ 6c2. the milter's synchronous_commit reaches the server; log_timing; root over SMTP
# A trigger on the log (this test's own, dropped below) records the
# setting in force in the session that writes each row: the milter's. The
# role's default is set to the opposite of each config value, so a value
# the milter did not send, or that something overrode, shows.
sql -c "CREATE TABLE public.mgm_sync_seen (subject text, setting text);
GRANT INSERT ON public.mgm_sync_seen TO PUBLIC;
CREATE FUNCTION public.mgm_sync_seen() RETURNS trigger LANGUAGE plpgsql AS
  \$\$BEGIN INSERT INTO public.mgm_sync_seen VALUES (NEW.subject, pg_catalog.current_setting('synchronous_commit')); RETURN NULL; END\$\$;
CREATE TRIGGER mgm_sync_seen AFTER INSERT ON mailguard.log FOR EACH ROW EXECUTE FUNCTION public.mgm_sync_seen();" >"$RUN/sync-setup.log" 2>&1
check "[synchronous_commit] the test's trigger is in place" "0" "$(sql -c "SELECT count(*) FROM public.mgm_sync_seen" 2>&1)"
for sc in on off; do
	other=$([ "$sc" = on ] && echo off || echo on)
	sql -c "ALTER ROLE postfix SET synchronous_commit = $other"
	restart_milter synchronous_commit="$sc" log_timing=on || die "the milter did not restart" "$RUN/milter.log"
	send mgmilter-a acct_a smtp
	check "[synchronous_commit = $sc in the config, $other for the role] the milter's session wrote the row with $sc" "ok|$sc" \
		"$OUT|$(sql -c "SELECT string_agg(setting, ',') FROM public.mgm_sync_seen WHERE subject = '$SUBJ'")"
done
check "[log_timing = on] the verdict line has timing= with every phase in microseconds" "1" \
	"$(grep "verdict=accept via=smtp uid=$UA " "$RUN/milter.log" | tail -n 1 | grep -cE ' ms=[0-9]+ timing=rcpt:[0-9]+,hdr:[0-9]+,eom:[0-9]+,uid:[0-9]+,scan:[0-9]+,wait:[0-9]+,connect:[0-9]+,db:[0-9]+,edits:[0-9]+,total:[0-9]+,at:[0-9]+$')"
sql -c "ALTER ROLE postfix RESET synchronous_commit; DROP TRIGGER mgm_sync_seen ON mailguard.log; DROP FUNCTION public.mgm_sync_seen(); DROP TABLE public.mgm_sync_seen"
restart_milter || die "the milter did not restart" "$RUN/milter.log"
send mgmilter-a acct_a smtp
check "[log_timing off, the default] no timing= field" "ok|0" "$OUT|$(grep "verdict=accept via=smtp uid=$UA " "$RUN/milter.log" | tail -n 1 | grep -c ' timing=')"
# root (outside customer_uids) over SMTP: the session passes at connect
# (the milter answers MAIL without the MTA waiting, so it decides there)
send root acct_a smtp
check "[root over smtp] accepted, delivered, no row; one pass line for the session" "ok|1||1" \
	"$OUT|$(flush; delivered "$SUBJ")|$(rows "$SUBJ")|$(grep -c "verdict=pass via=smtp uid=0 .*reason=not-a-customer-uid" "$RUN/milter.log")"
# }}}

# {{{ 6d. IPv6 loopback SMTP: the client socket's owner from /proc/net/tcp6
SEND_PORT="[::1]:$PF_PORT6" send mgmilter-a acct_a fsockopen
flush
f=$(delivered_file "$SUBJ")
check "[::1] counted once, delivered once, with the origin header" "ok|smtp|$UA|acct_a|accept||1|uid=$UA; via=smtp" \
	"$OUT|$(rows "$SUBJ")|$(delivered "$SUBJ")|$([ -n "$f" ] && hdr "$f" X-Mailguard-Origin)"
check "[::1] it came over IPv6 (Postfix's Received)" "1" "$([ -n "$f" ] && sed '/^$/q' "$f" | grep -c 'IPv6:::1')"
# }}}

# {{{ 6d2. concurrent SMTP clients share the pool of db_connections (4 by default)
par_jobs=()
for i in 1 2 3 4 5 6; do
	N=$((N + 1))   # each subshell's send takes the next number: unique subjects
	(send mgmilter-a acct_a smtp; echo "$SUBJ $OUT" >"$RUN/par-$i.out") &
	par_jobs+=($!)
done
wait "${par_jobs[@]}"
N=$((N + 1))
# Each is accepted and counted once, or -- on a loaded machine, when its
# wait for a free connection and its question outlast deadline_ms (300 ms
# here) -- tempfailed and not counted; never anything else.
par_ok=0 par_tf=0 par_bad=""
for i in 1 2 3 4 5 6; do
	read -r s o <"$RUN/par-$i.out"
	case "$o|$(rows "$s")" in
	"ok|smtp|$UA|acct_a|accept|") par_ok=$((par_ok + 1)) ;;
	*"451 4.3.0 mailguard: policy database unavailable"*"|") par_tf=$((par_tf + 1)) ;;
	*) par_bad="$par_bad [$o|$(rows "$s")]" ;;
	esac
done
check "[6 concurrent smtp clients] each accepted and counted once, or tempfailed uncounted; at least one accepted" "6|yes|" \
	"$((par_ok + par_tf))|$([ $par_ok -ge 1 ] && echo yes)|$par_bad"
check "[6 concurrent smtp clients] at most db_connections (4) milter connections to the database" "yes" \
	"$([ "$(sql -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'mailguard-milter'")" -le 4 ] && echo yes)"
# }}}

# {{{ 6e. hashed queue directories (hash_queue_names with incoming,
# hash_queue_depth 2), short and long queue IDs: the queue file still found
for long in no yes; do
	postconf -c "$PF_CONF" -e "hash_queue_names = deferred, defer, incoming, active, hold" hash_queue_depth=2 "enable_long_queue_ids = $long"
	postfix -c "$PF_CONF" reload >/dev/null 2>&1
	sleep 1
	send mgmilter-a acct_a popen
	flush
	qid=$(sql -c "SELECT queue_id FROM mailguard.log WHERE subject = '$SUBJ'")
	check "[hashed queue, long IDs $long] counted once and delivered once" "sendmail|$UA|acct_a|accept||1" "$(rows "$SUBJ")|$(delivered "$SUBJ")"
	check "[hashed queue, long IDs $long] the queue ID's form; incoming hashed two deep" "$long|yes" \
		"$(case $qid in *z*) echo yes ;; ?*) echo no ;; esac)|$(find "$PF_QUEUE/incoming" -mindepth 2 -maxdepth 2 -type d | grep -q . && echo yes)"
done
# }}}

# {{{ 6b. bad input: 8-bit and a long folded header, 1500 recipients; a client gone mid-message
RCPTS=$(seq -f 'r%g@example.test' 1500 | paste -sd, -)
LONG=$(head -c 20000 /dev/zero | tr '\0' 'x' | fold -w 900 | sed '2,$s/^/ /')
send mgmilter-a acct_a popen "Bcc: $RCPTS" "X-Long: $LONG" $'X-8bit: \xff\xfe caf\xc3\xa9'
flush 60
check "[bad input] 1501 envelope recipients counted, 8-bit subject row written" "sendmail|$UA|acct_a|accept||1501" \
	"$(rows "$SUBJ")|$(sql -c "SELECT rcpts FROM mailguard.log WHERE subject = '$SUBJ'")"
unshare -m -- runuser -u mgmilter-a -- bash -c 'exec 3<>/dev/tcp/127.0.0.1/$1; printf "EHLO x\r\n" >&3; sleep 0.3
	printf "MAIL FROM:<a@x>\r\n" >&3; sleep 0.1; printf "RCPT TO:<b@y>\r\n" >&3; sleep 0.1; printf "DATA\r\n" >&3; sleep 0.1
	printf "Subject: mgm-gone\r\nX-A: 1\r\n" >&3; sleep 0.3; exec 3>&-' sh "$PF_PORT" 2>/dev/null
sleep 1
check "[client gone mid-message] no row, the milter still running" "|alive" "$(rows mgm-gone)|$(kill -0 "$MILTER_PID" 2>/dev/null && echo alive)"
# }}}

# {{{ 6f. the config file holds the DSN: group/world-readable or not root's -> the milter refuses to start
BADSOCK=$RUN/milter/bad.sock
sed "s|^socket = .*|socket = unix:$BADSOCK|" "$RUN/milter.conf" >"$RUN/bad.conf"
for how in 0640 0604 0600:nobody; do
	chown root: "$RUN/bad.conf"; chmod "${how%%:*}" "$RUN/bad.conf"
	case $how in *:*) chown "${how#*:}" "$RUN/bad.conf" ;; esac
	msg=$("$MILTER" -t -c "$RUN/bad.conf" 2>&1); rc=$?
	timeout 10 "$MILTER" -c "$RUN/bad.conf" >"$RUN/bad.out" 2>&1; rc2=$?
	check "[config $how] -t and a start both refuse it (status 1), saying why; no socket" \
		"1|1|1|no" "$rc|$rc2|$(grep -c "bad.conf: must be owned by root and mode 0600 (or 0400)" <<<"$msg")|$([ -e "$BADSOCK" ] && echo yes || echo no)"
done
chown root: "$RUN/bad.conf"; chmod 0600 "$RUN/bad.conf"
check "[config 0600 root] accepted by -t" "0" "$("$MILTER" -t -c "$RUN/bad.conf" >/dev/null 2>&1; echo $?)"
for kv in "synchronous_commit = maybe" "db_connections = 0" "db_connections = 65" "fail_mode = open"; do
	{ cat "$RUN/bad.conf"; echo "$kv"; } >"$RUN/bad2.conf"; chmod 0600 "$RUN/bad2.conf"
	check "[config '$kv'] refused by -t, naming the setting" "1|1" \
		"$("$MILTER" -t -c "$RUN/bad2.conf" >"$RUN/bad2.out" 2>&1; echo $?)|$(grep -c "invalid value for ${kv%% *}" "$RUN/bad2.out")"
done
{ cat "$RUN/bad.conf"; printf 'synchronous_commit = off\ndb_connections = 64\nfail_mode = reject\n'; } >"$RUN/bad2.conf"
chmod 0600 "$RUN/bad2.conf"
check "[config synchronous_commit off, db_connections 64, fail_mode reject] accepted by -t" "0" \
	"$("$MILTER" -t -c "$RUN/bad2.conf" >/dev/null 2>&1; echo $?)"
# }}}

# {{{ 7. the harness itself
check "the milter is still running" "alive" "$(kill -0 "$MILTER_PID" 2>/dev/null && echo alive)"
if grep -E 'postfix/[a-z-]+\[[0-9]+\]: (fatal|panic):' "$PF_LOG" >/dev/null; then
	fail "no fatal error or panic of a Postfix daemon"
	grep -E ': (fatal|panic):' "$PF_LOG" | head -n 10 | sed 's/^/#   /'
else
	ok "no fatal error or panic of a Postfix daemon"
fi
# }}}

if [ "$failed" != 0 ]; then
	echo "# clients:"; sed 's/^/#   /' "$RUN/clients.log" | tail -n 40
	echo "# milter log:"; tail -n 40 "$RUN/milter.log" | sed 's/^/#   /'
fi
echo "# $(( ($(date +%s%N) - T0) / 1000000 )) ms, in $RUN"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
