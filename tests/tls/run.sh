#!/usr/bin/env bash
# libpq's own files in the home directory of the passwd entry, over TLS
# (threat model, row 24). A script can unset or change HOME; libpq then
# looks up the home directory of the process's passwd entry and reads
# ~/.postgresql/postgresql.crt, postgresql.key, root.crt and root.crl from
# it, and ~/.pgpass and ~/.pg_service.conf. A customer who can write there
# (their own home, under FPM or suPHP) could make mailguard's TLS
# connection fail, so that the fail mode decides. mailguard points
# passfile, sslcert, sslkey, sslrootcert, sslcrl and sslcrldir at a path
# that does not exist unless the DSN names them (ext/mailguard/store.c).
#
# The harness runs in private network and mount namespaces (unshare): a
# private PostgreSQL listens with TLS on the namespace's own 127.0.0.1,
# and root's passwd home directory is a bind mount of a directory of this
# run, with broken certificate files in it. Nothing outside is touched,
# and two runs at once do not see each other. Controls: psql, which reads
# those files, fails with the same DSN; and with a clean home it connects
# over TLS (so the server works and the files are what breaks psql).
#
#   bash tests/tls/run.sh
#
# Run as root after `source scripts/lib.sh && mg_install_deps && mg_build`
# (MG_SO may name another mailguard.so). Prints `ok - ...` / `FAIL - ...`
# per check, then `N passed, N failed`. Everything lives in
# ${TMPDIR:-/tmp}/mg-tls.XXXXXX, removed at the end (MG_TLS_KEEP=1 keeps it).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PHP=${MG_PHP:-php8.2}
SO=${MG_SO:-$ROOT/modules/mailguard.so}

# ok, fail, check, die
. "$ROOT/tests/inc/harness.sh"

[ "$(id -u)" = 0 ] || { echo "tests/tls/run.sh: run as root" >&2; exit 2; }
export PATH="/usr/lib/postgresql/15/bin:/usr/sbin:/sbin:$PATH"
for cmd in "$PHP" psql openssl unshare ip mount; do
	command -v "$cmd" >/dev/null 2>&1 || die "$cmd not found (source scripts/lib.sh && mg_install_deps)"
done
[ -f "$SO" ] || die "$SO not found (source scripts/lib.sh && mg_build)"

# Into private namespaces: a loopback of our own (no port taken from
# anyone) and mounts that vanish with this process.
if [ -z "${MG_TLS_IN_NS:-}" ]; then
	exec unshare --net --mount --propagation private env MG_TLS_IN_NS=1 bash "${BASH_SOURCE[0]}" "$@"
fi
ip link set lo up || die "cannot bring up the namespace's loopback"

# RUN, PGDIR, cleanup on exit (tests/inc/harness.sh)
run_dir tls MG_TLS_KEEP

# {{{ PostgreSQL with TLS on 127.0.0.1 (of this namespace)
bash "$ROOT/scripts/pg.sh" start "$PGDIR" >"$RUN/pg.env" 2>"$RUN/pg.log" || die "pg.sh start failed" "$RUN/pg.log"
. "$RUN/pg.env"
PGOS=$(stat -c %U "$PGDIR/data")
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
	-keyout "$PGDIR/data/server.key" -out "$PGDIR/data/server.crt" >"$RUN/openssl.log" 2>&1 \
	|| die "openssl could not make a certificate" "$RUN/openssl.log"
cp "$PGDIR/data/server.crt" "$RUN/ca.crt"
chown "$PGOS:" "$PGDIR/data/server.key" "$PGDIR/data/server.crt"
chmod 0600 "$PGDIR/data/server.key"
echo "hostssl all mailguard_web 127.0.0.1/32 scram-sha-256" >>"$PGDIR/data/pg_hba.conf"
adm() { bash "$ROOT/scripts/pg.sh" psql "$PGDIR" -At "$@"; }
{
	adm -c "ALTER SYSTEM SET listen_addresses = '127.0.0.1'" \
		&& adm -c "ALTER SYSTEM SET ssl = on" \
		&& adm -c "ALTER SYSTEM SET log_connections = on" \
		&& adm -c "INSERT INTO mailguard.accounts (name, msgs_hour) VALUES ('tls', 100)" \
		&& bash "$ROOT/scripts/pg.sh" stop "$PGDIR" \
		&& bash "$ROOT/scripts/pg.sh" start "$PGDIR" >/dev/null
} >>"$RUN/pg.log" 2>&1 || die "could not switch TLS on" "$RUN/pg.log"
DSN="host=127.0.0.1 port=$MG_PG_PORT dbname=$MG_PG_DB user=mailguard_web password=mg-test-secret sslmode=require"
# }}}

# {{{ root's passwd home: broken files of a customer's making
HOME_DIR=$(getent passwd 0 | cut -d: -f6)
[ -n "$HOME_DIR" ] && [ -d "$HOME_DIR" ] || die "root's passwd entry has no home directory"
H=$RUN/home
mkdir -p "$H/.postgresql" "$RUN/clean"
for f in postgresql.crt postgresql.key root.crt root.crl; do
	echo "not a certificate" >"$H/.postgresql/$f"
done
chmod 0600 "$H/.postgresql/postgresql.key"
printf '*:*:*:*:wrong-password\n' >"$H/.pgpass"
chmod 0600 "$H/.pgpass"
printf '[mailguard]\nhost=/nonexistent\n' >"$H/.pg_service.conf"
mount --bind "$H" "$HOME_DIR" || die "cannot bind-mount over $HOME_DIR"
# }}}

# {{{ the checks
# psql reads the files of the passwd home (no HOME): it must fail on them.
out=$(env -u HOME -u PGSSLCERT -u PGSSLROOTCERT psql -X -At -d "$DSN" -c "SELECT 1" 2>&1)
if [ "$out" != 1 ] && grep -qi 'certificate' <<<"$out"; then
	ok "control: psql without HOME reads $HOME_DIR/.postgresql and fails"
else
	fail "control: psql without HOME should fail on $HOME_DIR/.postgresql: $out"
fi
out=$(env HOME="$RUN/clean" psql -X -At -d "$DSN" -c "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()" 2>&1)
check "control: with a clean HOME psql connects, over TLS (got: $out)" [ "$out" = t ]

cat >"$RUN/mta.sh" <<EOF
cat >"$RUN/mail.\$\$.eml"
EOF
# One mail with mailguard: accepted by the database (a trace header), over
# TLS (the server's log), or refused (fail_mode=closed) if the connection
# failed. $1: label, then env arguments.
send() {
	local label=$1 out n
	shift
	rm -f "$RUN"/mail.*.eml
	: >"$PGDIR/log/postgresql.log"
	out=$(env "$@" "$PHP" -n -d extension="$SO" -d mailguard.dsn="\"$DSN\"" -d mailguard.account=tls \
		-d mailguard.fail_mode=closed -d mailguard.timeout_ms=5000 -d mailguard.syslog=0 \
		-d sendmail_path="/bin/sh $RUN/mta.sh" -d display_errors=stderr \
		-r 'var_dump(mail("a@example.com", "tls", "body"));' 2>&1)
	check "$label: mail() accepted (got: $out)" [ "$out" = "bool(true)" ]
	n=$(cat "$RUN"/mail.*.eml 2>/dev/null | grep -c '^X-Mailguard-Trace: ')
	check "$label: sent with the database's trace ($n)" [ "$n" = 1 ]
	if grep -q 'connection authorized: user=mailguard_web .*SSL enabled' "$PGDIR/log/postgresql.log"; then
		ok "$label: the server logged a TLS session of mailguard_web"
	else
		fail "$label: no TLS session of mailguard_web in the server's log"
		grep 'mailguard_web' "$PGDIR/log/postgresql.log" | head -n 5 | sed 's/^/#   /'
	fi
}
send "no HOME (libpq falls back to $HOME_DIR)" -u HOME
send "HOME set to the same files" HOME="$H"
send "PGSSLCERT, PGSSLKEY, PGSSLROOTCERT, PGPASSFILE at the files" -u HOME PGSSLCERT="$H/.postgresql/postgresql.crt" \
	PGSSLKEY="$H/.postgresql/postgresql.key" PGSSLROOTCERT="$H/.postgresql/root.crt" PGPASSFILE="$H/.pgpass"
# A file the DSN names is used: verify-ca with the server's certificate as
# the root works, with a wrong root it fails (the fail mode refuses).
DSN_CA="$DSN sslmode=verify-ca sslrootcert=$RUN/ca.crt"
out=$(env -u HOME "$PHP" -n -d extension="$SO" -d mailguard.dsn="\"$DSN_CA\"" -d mailguard.account=tls \
	-d mailguard.fail_mode=closed -d mailguard.syslog=0 -d sendmail_path="/bin/sh $RUN/mta.sh" -d display_errors=stderr \
	-r 'var_dump(mail("a@example.com", "tls", "body"));' 2>&1)
check "the DSN's own sslrootcert is used: verify-ca against the server's certificate (got: $out)" [ "$out" = "bool(true)" ]
DSN_CA="$DSN sslmode=verify-ca sslrootcert=$H/.postgresql/root.crt"
out=$(env -u HOME "$PHP" -n -d extension="$SO" -d mailguard.dsn="\"$DSN_CA\"" -d mailguard.account=tls \
	-d mailguard.fail_mode=closed -d mailguard.syslog=0 -d sendmail_path="/bin/sh $RUN/mta.sh" -d display_errors=stderr \
	-r 'var_dump(mail("a@example.com", "tls", "body"));' 2>&1)
if grep -q 'bool(false)' <<<"$out" && grep -q 'service unavailable' <<<"$out"; then
	ok "the DSN's own sslrootcert is used: a broken one refuses (fail_mode=closed)"
else
	fail "a broken sslrootcert named in the DSN should refuse: $out"
fi
# }}}

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
