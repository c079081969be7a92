#!/usr/bin/env bash
# The Exim route (issue 12, docs/install.md "Exim"): Debian's exim4 asks
# the same policy as mailguard-milter, mailguard.milter_mail(), from its
# acl_not_smtp with ${lookup pgsql} on $originator_uid -- the uid Exim
# itself records for a local submission (the sendmail command), which an
# untrusted caller cannot set.
#
#   bash milter/tests/exim.sh
#
# exim4-daemon-heavy conflicts with postfix as a package, so this harness
# does not install it: it fetches the .deb with `apt-get download` (or
# takes it from MG_EXIM_DEB, a path), unpacks it with dpkg -x into its
# temp dir, and runs that binary (setuid root, as installed) with a config
# of its own: spool, log and delivery directories in the temp dir, the ACL
# of docs/install.md, every message delivered into a maildir there. The
# customers run the plain `exim4 -t -i` as their own users, in a mount
# namespace where /etc/exim4 (the config directory compiled into Debian's
# exim4) is the harness's; everything else is the machine's.
#
# Run as root, after `source scripts/lib.sh && mg_install_deps` (the
# libraries exim4-daemon-heavy links against: libmariadb3, libidn12,
# libspf2-2). Prints `ok - ...`/`FAIL - ...` per check, then `N passed, N
# failed`; exit status non-zero on failure. Everything lives in
# ${TMPDIR:-/tmp}/mg-exim.XXXXXX, removed at the end (MG_EXIM_KEEP=1 keeps
# it). Global state: the users Debian-exim (Exim's compiled-in user),
# mgexim-a, mgexim-b, mgexim-c, and an empty /etc/exim4 as the mount point,
# created when missing and kept.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

. "$HERE/lib.sh"   # ok, fail, check, die, ensure_user

[ "$(id -u)" = 0 ] || { echo "milter/tests/exim.sh: run as root" >&2; exit 2; }
export PATH="/usr/lib/postgresql/15/bin:/usr/sbin:/sbin:$PATH"
for cmd in apt-get dpkg psql runuser useradd unshare; do
	command -v "$cmd" >/dev/null 2>&1 || die "$cmd not found"
done
T0=$(date +%s%N)

# {{{ temp dir, cleanup
# RUN, PGDIR, cleanup on exit (tests/inc/harness.sh)
run_dir exim MG_EXIM_KEEP
# }}}

# {{{ Exim, unpacked
nice -n 10 bash "$ROOT/scripts/pg.sh" start "$PGDIR" >"$RUN/pg.env" 2>"$RUN/pg-start.log" &
PG_JOB=$!
mkdir -p "$RUN/debs"
if [ -n "${MG_EXIM_DEB:-}" ]; then
	cp "$MG_EXIM_DEB" "$RUN/debs/" || die "cannot read $MG_EXIM_DEB"
else
	(cd "$RUN/debs" && apt-get download exim4-daemon-heavy) >"$RUN/apt.log" 2>&1 \
		|| die "apt-get download exim4-daemon-heavy failed" "$RUN/apt.log"
fi
dpkg -x "$RUN"/debs/exim4-daemon-heavy_*.deb "$RUN/exim" || die "dpkg -x failed"
EXIM=$RUN/exim/usr/sbin/exim4
[ -u "$EXIM" ] || die "$EXIM is not setuid root"
missing=$(ldd "$EXIM" | grep 'not found')
[ -z "$missing" ] || die "exim4 needs: $(echo "$missing" | awk '{print $1}' | paste -sd' ') (mg_install_deps installs them)"
for u in Debian-exim mgexim-a mgexim-b mgexim-c; do
	ensure_user "$u" || die "cannot create user $u"
done
UA=$(id -u mgexim-a) UB=$(id -u mgexim-b) UC=$(id -u mgexim-c)
[ -d /etc/exim4 ] || mkdir -m 0755 /etc/exim4 || die "cannot create the mount point /etc/exim4"
wait "$PG_JOB" || die "scripts/pg.sh start failed" "$RUN/pg-start.log"
. "$RUN/pg.env"
sql() { bash "$ROOT/scripts/pg.sh" psql "$PGDIR" -q -At "$@"; }
mgdb() { PGHOST=$MG_PG_HOST PGPORT=$MG_PG_PORT PGUSER=postgres PGDATABASE=$MG_PG_DB "$ROOT/sql/mailguard-db" "$@"; }
{
	sql -c "INSERT INTO mailguard.accounts (name) VALUES ('exim_a')" \
		-c "INSERT INTO mailguard.accounts (name, blocked, blocked_reason) VALUES ('exim_b', true, 'spam')"
	# peer authentication: Exim's lookups run as Debian-exim
	mgdb add-milter Debian-exim
	mgdb map-uid "$UA" exim_a
	mgdb map-uid "$UB" exim_b
} >"$RUN/db-setup.log" 2>&1 || die "database setup failed" "$RUN/db-setup.log"
# }}}

# {{{ the config: docs/install.md's ACL, customers = the three test uids
mkdir -p "$RUN/etc" "$RUN/spool" "$RUN/log" "$RUN/out"
chown Debian-exim: "$RUN/spool" "$RUN/log" "$RUN/out"
chmod 0750 "$RUN/spool" "$RUN/log"
chmod 0755 "$RUN/out"
sed -n '/^# BEGIN mailguard exim acl/,/^# END mailguard exim acl/p' "$ROOT/docs/install.md" | sed '1d;$d' >"$RUN/acl.conf"
[ -s "$RUN/acl.conf" ] || die "no ACL between the markers in docs/install.md"
{
	cat <<EOF
# written by milter/tests/exim.sh
exim_path = $EXIM
spool_directory = $RUN/spool
log_file_path = $RUN/log/%slog
primary_hostname = mailguard-test.localdomain
keep_environment =
tls_advertise_hosts =
hide pgsql_servers = ($MG_PG_HOST/.s.PGSQL.$MG_PG_PORT)/$MG_PG_DB/Debian-exim/
MAILGUARD_CUSTOMER = or{{={\$originator_uid}{$UA}}{={\$originator_uid}{$UB}}{={\$originator_uid}{$UC}}}
acl_not_smtp = acl_mailguard

begin acl
EOF
	cat "$RUN/acl.conf"
	cat <<EOF

begin routers
capture:
  driver = accept
  transport = capture

begin transports
capture:
  driver = appendfile
  directory = $RUN/out
  maildir_format
  user = Debian-exim
  group = Debian-exim
  mode = 0644
EOF
} >"$RUN/etc/exim4.conf"
chmod 0644 "$RUN/etc/exim4.conf"
"$EXIM" -C "$RUN/etc/exim4.conf" -bV >"$RUN/bV.log" 2>&1 || die "exim4 -bV refuses the config" "$RUN/bV.log"
# }}}

# {{{ clients
N=0
# send USER [EXTRA_HEADER...]: exim4 -t -i as USER, in the namespace; sets
# SUBJ, RC (its exit status; what it refuses it mails back, -oem)
send() {
	local user=$1; shift
	N=$((N + 1))
	SUBJ="mgx-$N-$user"
	{ printf 'From: %s@example.test\nTo: rcpt%s@example.test\nSubject: %s\n' "$user" "$N" "$SUBJ"
		[ $# = 0 ] || printf '%s\n' "$@"; printf '\nbody %s\n' "$N"; } \
		| unshare -m -- sh -c 'mount --bind "$1" /etc/exim4 && shift && exec "$@"' sh "$RUN/etc" \
			runuser -u "$user" -- "$EXIM" -t -i >"$RUN/client-$N.out" 2>&1
	RC=$?
}
# Exim's log line for a message rejected by acl_not_smtp, from its Subject
rejected() { grep -F "rejected by non-SMTP ACL: $1" "$RUN/log/mainlog" 2>/dev/null | grep -c .; }
# the delivered files whose header section has Subject: S (waits up to 10 s
# for a delivery to appear when WAIT is set)
delivered_files() {
	local f i
	for i in $(seq 50); do
		for f in $(find "$RUN/out/new" -type f 2>/dev/null); do
			sed '/^$/q' "$f" | grep -qxF "Subject: $1" && echo "$f"
		done | grep -q . && break
		[ -n "${WAIT:-}" ] || break
		sleep 0.2
	done
	for f in $(find "$RUN/out/new" -type f 2>/dev/null); do
		sed '/^$/q' "$f" | grep -qxF "Subject: $1" && echo "$f"
	done
}
hdr() { sed '/^$/q' "$1" | grep -i "^$2:" | sed 's/^[^:]*: *//'; }
rows() { sql -c "SELECT via || '|' || coalesce(uid::text,'') || '|' || coalesce(account,'') || '|' || verdict || '|' || coalesce(reason,'') FROM mailguard.log WHERE subject = '$1' ORDER BY id"; }
counted() { sql -c "SELECT coalesce(sum(hour_msgs), 0) FROM mailguard.counters WHERE account = '$1'"; }
# }}}

# {{{ 1. a mapped customer: counted once, logged via sendmail with the uid, delivered with trace and origin
before=$(counted exim_a)
send mgexim-a "X-Mailguard-Origin: uid=0; via=forged"
f=$(WAIT=1 delivered_files "$SUBJ")
check "[customer] exim4 -t -i succeeded" "0" "$RC"
check "[customer] one row: via=sendmail, uid=$UA, account exim_a, accepted" "sendmail|$UA|exim_a|accept|" "$(rows "$SUBJ")"
check "[customer] counted once" "$((before + 1))" "$(counted exim_a)"
trace=$(sql -c "SELECT trace FROM mailguard.log WHERE subject = '$SUBJ'")
check "[customer] delivered once, with the row's trace" "1|$trace" "$(echo "$f" | grep -c .)|$([ -n "$f" ] && hdr "$f" X-Mailguard-Trace)"
check "[customer] the brought origin header replaced by uid and path" "uid=$UA; via=sendmail" "$([ -n "$f" ] && hdr "$f" X-Mailguard-Origin)"
check "[customer] the queue ID logged is Exim's message ID" "yes" \
	"$(grep -q "$(sql -c "SELECT queue_id FROM mailguard.log WHERE subject = '$SUBJ'") <= " "$RUN/log/mainlog" && echo yes)"
# }}}

# {{{ 2. a copied trace counts as untraced
send mgexim-a "X-Mailguard-Trace: $trace"
f=$(WAIT=1 delivered_files "$SUBJ")
newtrace=$(sql -c "SELECT trace FROM mailguard.log WHERE subject = '$SUBJ'")
check "[copied trace] counted (a row of its own), delivered with its new trace" "sendmail|$UA|exim_a|accept||yes" \
	"$(rows "$SUBJ")|$([ -n "$f" ] && [ "$(hdr "$f" X-Mailguard-Trace)" = "$newtrace" ] && [ "$newtrace" != "$trace" ] && echo yes)"
# }}}

# {{{ 3. refusals: blocked, unmapped
send mgexim-b
check "[blocked] refused: exim4 fails, logs the 5.7.1 reason; row; not delivered" "yes|1|sendmail|$UB|exim_b|refuse|blocked:spam|0" \
	"$([ "$RC" != 0 ] && echo yes)|$(rejected '5.7.1 mailguard: blocked')|$(rows "$SUBJ")|$(delivered_files "$SUBJ" | grep -c .)"
send mgexim-c
check "[unmapped uid] refused unknown-uid, not delivered" "yes|sendmail|$UC||refuse|unknown-uid|0" \
	"$([ "$RC" != 0 ] && echo yes)|$(rows "$SUBJ")|$(delivered_files "$SUBJ" | grep -c .)"
# }}}

# {{{ 4. root is not a customer: passes, not asked
N=$((N + 1))
SUBJ="mgx-$N-root"
printf 'From: root@example.test\nTo: r@example.test\nSubject: %s\n\nbody\n' "$SUBJ" \
	| unshare -m -- sh -c 'mount --bind "$1" /etc/exim4 && shift && exec "$@"' sh "$RUN/etc" "$EXIM" -t -i
check "[root] delivered, no row" "1|" "$(WAIT=1 delivered_files "$SUBJ" | grep -c .)|$(rows "$SUBJ")"
# }}}

# {{{ 5. the database down: the submission fails (temporarily), nothing delivered, nothing lost silently
bash "$ROOT/scripts/pg.sh" stop "$PGDIR" 2>/dev/null
t=$(date +%s%N)
send mgexim-a
t=$(( ($(date +%s%N) - t) / 1000000 ))
bash "$ROOT/scripts/pg.sh" start "$PGDIR" >/dev/null 2>&1
sleep 1
check "[db stopped] exim4 fails at once (under 5 s), saying so; not delivered" "yes|yes|0" \
	"$([ "$RC" != 0 ] && echo yes)|$([ "$t" -lt 5000 ] && echo yes)|$(delivered_files "$SUBJ" | grep -c .)"
check "[db stopped] nothing logged for it" "" "$(rows "$SUBJ")"
# }}}

if [ -s "$RUN/log/paniclog" ]; then
	fail "no entry in Exim's paniclog"; head -n 10 "$RUN/log/paniclog" | sed 's/^/#   /'
else
	ok "no entry in Exim's paniclog"
fi
if [ "$failed" != 0 ]; then
	echo "# exim mainlog:"; tail -n 30 "$RUN/log/mainlog" 2>/dev/null | sed 's/^/#   /'
	echo "# exim rejectlog:"; tail -n 30 "$RUN/log/rejectlog" 2>/dev/null | sed 's/^/#   /'
fi
echo "# $(( ($(date +%s%N) - T0) / 1000000 )) ms, in $RUN"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
