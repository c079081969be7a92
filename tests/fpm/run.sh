#!/usr/bin/env bash
# The php-fpm harness (issue 5: secrets and tamper resistance): a real
# php-fpm8.2 master, as root, with two pools running as two unprivileged
# users, mailguard loaded, a private PostgreSQL with peer authentication,
# a syslog listener and a capture MTA. Then tests/fpm/checks.php plays the
# customer of pool A (and the web server) and checks each attack.
#
#   bash tests/fpm/run.sh
#
# Run as root, after `source scripts/lib.sh && mg_install_deps && mg_build`
# (MG_SO may name another mailguard.so). Prints one `ok - ...` or
# `FAIL - ...` line per check, then `N passed, N failed`; the exit status is
# non-zero when anything failed. Nothing is ever skipped. Everything lives
# in one temp dir, ${TMPDIR:-/tmp}/mg-fpm.XXXXXX, removed at the end
# (MG_FPM_KEEP=1 keeps it, with the processes stopped). Global state: the
# two system users mgpoola and mgpoolb (created once, kept).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PHP=${MG_PHP:-php8.2}
. "$HERE/lib.sh"   # FPM, fpm_start, fpm_stop
SO=${MG_SO:-$ROOT/modules/mailguard.so}
POOL_A=mgpoola
POOL_B=mgpoolb
# The web server's user: owns pool B's socket (the safe layout).
WEB_USER=www-data
# Fragments of the DSN that no response may contain: the password, the
# database name and the socket directory (below, once RUN is known).
SECRET_PW=S3cr3tPW
DB=mgfpm_secretdb_k7q

# ok, fail, die (a setup step failed: count it, say why, stop; cleanup
# runs from the trap), ensure_user
. "$ROOT/tests/inc/harness.sh"

[ "$(id -u)" = 0 ] || { echo "tests/fpm/run.sh: run as root (php-fpm's master must be root)" >&2; exit 2; }
# psql of the server's version (pg.sh prefers it too); runuser, useradd
export PATH="/usr/lib/postgresql/15/bin:/usr/sbin:/sbin:$PATH"
for cmd in "$PHP" "$FPM" cgi-fcgi runuser useradd psql; do
	command -v "$cmd" >/dev/null 2>&1 || die "$cmd not found (source scripts/lib.sh && mg_install_deps)"
done
[ -f "$SO" ] || die "$SO not found (source scripts/lib.sh && mg_build)"
"$PHP" -n -d extension=pgsql -r 'exit(function_exists("pg_connect") ? 0 : 1);' 2>/dev/null \
	|| die "the pgsql extension is missing (apt-get install php8.2-pgsql; mg_install_deps does)"

T0=$(date +%s%N)

# {{{ the temp dir and cleanup
RUN=$(mktemp -d "${TMPDIR:-/tmp}/mg-fpm.XXXXXX") || die "mktemp failed"
# Pool users and the PostgreSQL user must traverse RUN, not list it.
chmod 0711 "$RUN"
PGDIR=$RUN/pg
PGSOCK=$PGDIR/sock
LISTENER_PID=""

# Stops what this run started, by pid: the FPM master (SIGQUIT: graceful,
# it stops its workers), the listener, the cluster. Then removes RUN.
cleanup() {
	fpm_stop
	if [ -n "$LISTENER_PID" ]; then
		kill "$LISTENER_PID" 2>/dev/null
		wait "$LISTENER_PID" 2>/dev/null
	fi
	[ -d "$PGDIR" ] && bash "$ROOT/scripts/pg.sh" destroy "$PGDIR" >/dev/null 2>&1
	if [ -n "${MG_FPM_KEEP:-}" ]; then
		echo "# kept $RUN" >&2
	else
		rm -rf -- "$RUN"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# }}}

# {{{ the pool users (ensure_user: tests/inc/harness.sh)
ensure_user "$POOL_A" || die "cannot create user $POOL_A"
ensure_user "$POOL_B" || die "cannot create user $POOL_B"
id -u "$WEB_USER" >/dev/null 2>&1 || die "no user $WEB_USER (the safe layout's socket owner)"
# The safe layout needs the pool users outside the socket's group.
for u in "$POOL_A" "$POOL_B"; do
	id -nG "$u" | tr ' ' '\n' | grep -qx "$(id -gn "$WEB_USER")" \
		&& die "$u is in group $(id -gn "$WEB_USER"): the safe socket layout cannot be shown"
done
# }}}

# {{{ PostgreSQL: private cluster, the schema in database $DB, peer clients
nice -n 10 bash "$ROOT/scripts/pg.sh" start "$PGDIR" >"$RUN/pg.env" 2>"$RUN/pg-start.log" \
	|| die "scripts/pg.sh start failed" "$RUN/pg-start.log"
ADMIN_DSN="host=$PGSOCK port=5432 dbname=$DB user=postgres"
adm() { psql -X -q -At -v ON_ERROR_STOP=1 -h "$PGSOCK" -p 5432 -U postgres "$@"; }
mgdb() { PGHOST=$PGSOCK PGPORT=5432 PGUSER=postgres PGDATABASE=$DB "$ROOT/sql/mailguard-db" "$@"; }
{
	adm -d postgres -c "CREATE DATABASE $DB" \
		&& mgdb apply \
		&& adm -d "$DB" -c "REVOKE ALL ON DATABASE $DB FROM PUBLIC" -c "GRANT CONNECT ON DATABASE $DB TO mailguard_client" \
		&& mgdb add-client "$POOL_A" --peer \
		&& mgdb add-client "$POOL_B" --peer \
		&& adm -d "$DB" -c "INSERT INTO mailguard.accounts (name, msgs_hour, msgs_day, rcpts_hour, rcpts_day, rcpts_per_msg)
			VALUES ('$POOL_A', 40, 200, 80, 400, 5), ('$POOL_B', 40, 200, 80, 400, 5)"
} >"$RUN/schema.log" 2>&1 || die "schema setup failed" "$RUN/schema.log"

# Authentication as docs/database.md describes it: the pool users by peer,
# through an allow-list map, into $DB only; the superuser as before;
# nobody else at all.
printf '%s %s\n' "$POOL_A" "$POOL_A" "$POOL_B" "$POOL_B" | pg_peer_hba "$PGDIR" "$DB" mgfpm
adm -d "$DB" -c "SELECT pg_reload_conf()" >/dev/null || die "pg_reload_conf failed"
# The reload is asynchronous: wait until a pool user gets in.
peer_ok=""
for i in $(seq 50); do
	if [ "$(runuser -u "$POOL_A" -- psql -X -At -h "$PGSOCK" -p 5432 -d "$DB" -c 'SELECT session_user' 2>/dev/null)" = "$POOL_A" ]; then
		peer_ok=yes
		break
	fi
	sleep 0.1
done
[ -n "$peer_ok" ] || die "peer login as $POOL_A does not work"
# }}}

# {{{ docroots, MTA, syslog listener
WWW=$RUN/www
mkdir -p "$WWW/a" "$WWW/b" "$RUN/mail/a" "$RUN/mail/b" "$RUN/fpm" "$RUN/etc/conf.d"
chmod 0755 "$WWW" "$RUN/mail" "$RUN/fpm" "$RUN/etc" "$RUN/etc/conf.d"
# Each pool's docroot belongs to its user (the owner is the uid in the
# stamp); pool B gets only the positive test's script.
cp -r "$HERE/www/." "$WWW/a/"
cp "$HERE/www/common.inc" "$HERE/www/send.php" "$HERE/www/baseline.php" "$WWW/b/"
chown -R "$POOL_A:$POOL_A" "$WWW/a" "$RUN/mail/a"
chown -R "$POOL_B:$POOL_B" "$WWW/b" "$RUN/mail/b"
chmod -R u=rwX,go=rX "$WWW/a" "$WWW/b"
chmod 0700 "$RUN/mail/a" "$RUN/mail/b"
install -m 0644 "$HERE/mta.sh" "$RUN/mta.sh"

"$PHP" -n "$HERE/syslog-listener.php" "$RUN/log.sock" "$RUN/syslog.txt" 2>"$RUN/listener.log" &
LISTENER_PID=$!
for i in $(seq 50); do [ -S "$RUN/log.sock" ] && break; sleep 0.1; done
[ -S "$RUN/log.sock" ] || die "the syslog listener did not start" "$RUN/listener.log"
# }}}

# {{{ PHP and FPM configuration
# php.ini of our own (-c): nothing from /etc/php. PHP_INI_SCAN_DIR points
# at our conf.d, laid out as docs/install.md says: extension= and the
# settings in a world-readable file, the DSN (with a password) in a
# root-only one.
cat >"$RUN/etc/php.ini" <<EOF
; written by tests/fpm/run.sh
display_errors = On
display_startup_errors = On
html_errors = Off
log_errors = Off
error_reporting = E_ALL
; a .user.ini is read on every request (check 2b)
user_ini.filename = ".user.ini"
user_ini.cache_ttl = 0
EOF
cat >"$RUN/etc/conf.d/10-extensions.ini" <<EOF
extension=pgsql
extension=ffi
EOF
cat >"$RUN/etc/conf.d/20-mailguard.ini" <<EOF
extension=$SO
mailguard.syslog_socket = "$RUN/log.sock"
; a database that cannot answer refuses the mail: no check can pass by
; falling back to "no quota"
mailguard.fail_mode = closed
; generous for a shared machine; short back-off, so that one broken
; connection (check 1, warnings) does not hold up later checks
mailguard.timeout_ms = 5000
mailguard.retry_ms = 100
EOF
# The password is never checked (peer authentication), but it is what a
# shared role's DSN would hold: the fragment to look for.
# The same DSN also sits in a [PATH=] and a [HOST=] section (an admin's
# per-site setting): FPM applies those at the ACTIVATE stage, which
# mailguard refuses, but PHP keeps them where get_cfg_var() finds them
# (check 1), so redaction must cover them too (DESIGN §4). [PHP] ends the
# sections: they would otherwise continue into a later file.
cat >"$RUN/etc/conf.d/21-mailguard-dsn.ini" <<EOF
mailguard.dsn = "host=$PGSOCK port=5432 dbname=$DB password=$SECRET_PW"
[PATH=$WWW/a]
mailguard.dsn = "host=$PGSOCK port=5432 dbname=$DB password=$SECRET_PW"
[HOST=poola.example]
mailguard.dsn = "host=$PGSOCK port=5432 dbname=$DB password=$SECRET_PW"
[PHP]
EOF
chmod 0644 "$RUN/etc/php.ini" "$RUN/etc/conf.d/10-extensions.ini" "$RUN/etc/conf.d/20-mailguard.ini"
chmod 0600 "$RUN/etc/conf.d/21-mailguard-dsn.ini"

# Pool A: the UNSAFE socket layout on purpose (its own user owns the
# socket, as in many setups): checks 3 and the ffi check use it.
# Pool B: the SAFE layout (socket owned by the web server's user, 0660,
# pool user not in the group). Pool B's file also tries to set mailguard.*
# with php_admin_value: FPM applies those at the ACTIVATE stage, which
# mailguard refuses, so they must change nothing.
# pm=static with one child: "the next request" is the same worker.
cat >"$RUN/etc/php-fpm.conf" <<EOF
; written by tests/fpm/run.sh
[global]
pid = $RUN/fpm/fpm.pid
error_log = $RUN/fpm/fpm.log
log_level = notice
daemonize = no
process_control_timeout = 10

[a]
user = $POOL_A
group = $POOL_A
listen = $RUN/fpm/a.sock
listen.owner = $POOL_A
listen.group = $POOL_A
listen.mode = 0660
pm = static
pm.max_children = 1
catch_workers_output = yes
php_admin_value[sendmail_path] = "/bin/sh $RUN/mta.sh $RUN/mail/a"

[b]
user = $POOL_B
group = $POOL_B
listen = $RUN/fpm/b.sock
listen.owner = $WEB_USER
listen.group = $(id -gn "$WEB_USER")
listen.mode = 0660
pm = static
pm.max_children = 1
catch_workers_output = yes
php_admin_value[sendmail_path] = "/bin/sh $RUN/mta.sh $RUN/mail/b"
php_admin_value[mailguard.account] = $POOL_A
php_admin_value[mailguard.syslog_facility] = local5
EOF

# The master as root, in the foreground of a background job (its pid is
# ours to stop), with a clean environment.
fpm_start "$RUN/etc/php.ini" "$RUN/etc/php-fpm.conf" "$RUN/fpm/stdout" "$RUN/etc/conf.d" \
		-- "$RUN/fpm/a.sock" "$RUN/fpm/b.sock" || {
	cat "$RUN/fpm/stdout" >>"$RUN/fpm/fpm.log" 2>/dev/null
	die "php-fpm did not start" "$RUN/fpm/fpm.log"
}
# }}}

# {{{ the checks
MGF_RUN=$RUN MGF_WWW=$WWW MGF_ROOT=$ROOT MGF_PGSOCK=$PGSOCK MGF_DB=$DB MGF_ADMIN_DSN=$ADMIN_DSN \
MGF_SECRETS="$SECRET_PW|$DB|$PGSOCK" MGF_POOL_A=$POOL_A MGF_POOL_B=$POOL_B \
	"$PHP" -n -d display_errors=stderr "$HERE/checks.php" >"$RUN/checks.out" 2>"$RUN/checks.err"
rc=$?
cat "$RUN/checks.out"
p=$(grep -c '^ok - ' "$RUN/checks.out")
f=$(grep -c '^FAIL - ' "$RUN/checks.out")
passed=$((passed + p))
failed=$((failed + f))
if [ $rc != 0 ] && [ "$f" = 0 ] || [ -s "$RUN/checks.err" ]; then
	fail "checks.php ended with status $rc or wrote to stderr"
	head -n 30 "$RUN/checks.err" | sed 's/^/#   /'
fi
[ "$p" -gt 0 ] || fail "checks.php ran no check"
# Anything the workers wrote to FPM's log (catch_workers_output): a crash
# of a worker shows up here.
if grep -E 'WARNING: \[pool [ab]\] child [0-9]+ exited on signal|ERROR' "$RUN/fpm/fpm.log" >/dev/null 2>&1; then
	fail "php-fpm's log reports crashed workers or errors"
	grep -E 'exited on signal|ERROR' "$RUN/fpm/fpm.log" | head -n 10 | sed 's/^/#   /'
else
	ok "no worker crashed, no error in php-fpm's log"
fi
# }}}

echo "# $(( ($(date +%s%N) - T0) / 1000000 )) ms, in $RUN"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
