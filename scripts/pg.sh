#!/usr/bin/env bash
# A private, throwaway PostgreSQL cluster for mailguard's tests, demo and
# bench: Unix socket only (DIR/sock), fsync on, the mailguard schema
# applied to database mailguard_test and a shared client role
# mailguard_web (password mg-test-secret).
#
#   scripts/pg.sh start DIR           initdb + start + schema (or just start an existing DIR)
#   scripts/pg.sh template DIR        start, then keep a copy of the data dir in DIR/template
#   scripts/pg.sh clone TEMPLATE DEST a new cluster in DEST from a template copy (fast)
#   scripts/pg.sh stop DIR            fast shutdown (no error when not running)
#   scripts/pg.sh destroy DIR         stop (even a SIGSTOPped server) and rm -rf DIR
#   scripts/pg.sh psql DIR [ARGS]     psql as the superuser, database mailguard_test
#
# start/template/clone print eval-able `export MG_PG_...` lines on stdout;
# progress goes to stderr. Run as root: the server runs as the OS user
# postgres (or mailguard-pg, created when there is no postgres user).
set -euo pipefail

MG_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PORT=5432
DB=mailguard_test
WEB_ROLE=mailguard_web
WEB_PASS=mg-test-secret

say() { printf 'pg.sh: %s\n' "$*" >&2; }
die() { printf 'pg.sh: error: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

# {{{ environment
find_bindir() {
	local d
	if [ -n "${MG_PG_BINDIR:-}" ]; then echo "$MG_PG_BINDIR"; return; fi
	for d in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return; fi
	done
	d=$(command -v pg_ctl 2>/dev/null || true)
	if [ -n "$d" ]; then dirname "$d"; return; fi
	die "PostgreSQL server binaries not found (apt-get install postgresql-15, or set MG_PG_BINDIR)"
}
BINDIR=$(find_bindir)
# psql/pgbench of the same version when the bindir has them, else the
# Debian wrapper (postgresql-client-common) on PATH.
export PATH="$BINDIR:$PATH"
command -v psql >/dev/null || die "psql not found (apt-get install postgresql-client-15)"

# The OS user the server runs as.
pg_os_user() {
	if id -u postgres >/dev/null 2>&1; then
		echo postgres
	else
		if ! id -u mailguard-pg >/dev/null 2>&1; then
			[ "$(id -u)" = 0 ] || die "no OS user postgres; run as root to create mailguard-pg"
			useradd --system --user-group --no-create-home --home-dir /nonexistent \
				--shell /usr/sbin/nologin mailguard-pg >&2
			say "created system user mailguard-pg"
		fi
		echo mailguard-pg
	fi
}
PGOS=$(pg_os_user)

# Runs a command as the server's OS user, from a directory it can read.
as_pg() {
	if [ "$(id -un)" = "$PGOS" ]; then
		(cd / && "$@")
	else
		[ "$(id -u)" = 0 ] || die "run as root (or as the OS user $PGOS)"
		(cd / && runuser -u "$PGOS" -- "$@")
	fi
}
# }}}

# {{{ paths
# DIR must be a plain path: it goes into postgresql.conf and into a libpq
# connection string unquoted.
abs_dir() {
	local d=$1
	[ -n "$d" ] || die "empty directory name"
	case $d in /*) ;; *) d="$PWD/$d" ;; esac
	d=$(realpath -m -- "$d")
	[[ $d =~ ^/[A-Za-z0-9._/+-]+$ ]] || die "directory '$d': use only letters, digits and . _ / + -"
	[ "$d" != / ] || die "refusing to use /"
	echo "$d"
}

# The server's OS user must be able to reach DIR (search permission on
# every parent).
check_traverse() {
	local d=$1
	if ! as_pg test -x "$d" -a -r "$d"; then
		local p=$d bad=""
		while [ "$p" != / ]; do
			p=$(dirname "$p")
			as_pg test -x "$p" || bad=$p
		done
		die "the OS user $PGOS cannot reach $d${bad:+ (no search permission on $bad)}; chmod o+x the parents, or use a directory such as /tmp/NAME"  # mg-lint: ok, a message
	fi
}

# Socket path: sun_path holds 107 bytes.
check_socket_len() {
	local s="$1/sock/.s.PGSQL.$PORT"
	[ ${#s} -le 107 ] || die "socket path $s is longer than 107 bytes; use a shorter directory"
}

make_dirs() {
	local d=$1
	mkdir -p -- "$d"
	chmod 0755 "$d"
	# Marks the directory as ours, so that destroy never removes anything else.
	: >"$d/.mailguard-pg"
	check_traverse "$d"
	check_socket_len "$d"
	mkdir -p "$d/sock" "$d/log"
	chown "$PGOS:" "$d/sock" "$d/log"
	chmod 0755 "$d/sock" "$d/log"
}
# }}}

# {{{ configuration
# Settings that depend on DIR live in their own file, included from
# postgresql.conf; clone rewrites it.
write_local_conf() {
	local d=$1
	cat >"$d/data/mailguard-test.conf" <<EOF
# written by scripts/pg.sh
listen_addresses = ''
port = $PORT
unix_socket_directories = '$d/sock'
unix_socket_permissions = 0777
fsync = on
timezone = 'UTC'
log_timezone = 'UTC'
synchronous_commit = on
logging_collector = off
log_line_prefix = '%m [%p] %q%u@%d '
EOF
	chown "$PGOS:" "$d/data/mailguard-test.conf"
	chmod 0600 "$d/data/mailguard-test.conf"
}

write_conf() {
	local d=$1
	grep -q "^include = 'mailguard-test.conf'" "$d/data/postgresql.conf" \
		|| printf "\ninclude = 'mailguard-test.conf'\n" >>"$d/data/postgresql.conf"
	write_local_conf "$d"
	# First match wins: root and postgres may be the superuser, the test
	# web role logs in with its password, every other role by peer.
	cat >"$d/data/pg_hba.conf" <<'EOF'
local all postgres peer map=admin
local all mailguard_web scram-sha-256
local all all peer
EOF
	{
		echo "admin root postgres"
		echo "admin postgres postgres"
		[ "$PGOS" = postgres ] || echo "admin $PGOS postgres"
	} >"$d/data/pg_ident.conf"
	chown "$PGOS:" "$d/data/pg_hba.conf" "$d/data/pg_ident.conf"
	chmod 0600 "$d/data/pg_hba.conf" "$d/data/pg_ident.conf"
}
# }}}

# {{{ server control
# A live process (a zombie is not: the server's parent is init, which may
# reap it late).
alive() {
	kill -0 "$1" 2>/dev/null || return 1
	[ "$(sed -E 's/^[0-9]+ \(.*\) ([A-Za-z]).*/\1/' "/proc/$1/stat" 2>/dev/null)" != Z ]
}

pm_pid() {
	local f=$1/data/postmaster.pid
	[ -f "$f" ] && head -n 1 "$f" | grep -E '^[0-9]+$' || true
}

server_start() {
	local d=$1
	if as_pg pg_ctl -D "$d/data" status >/dev/null 2>&1; then
		say "server in $d already running"
		return
	fi
	say "starting server in $d"
	as_pg pg_ctl -D "$d/data" -l "$d/log/postgresql.log" -w -t 60 -s start >&2 \
		|| { tail -n 20 "$d/log/postgresql.log" >&2 || true; die "server in $d did not start (log: $d/log/postgresql.log)"; }
}

# Resumes a SIGSTOPped postmaster and its children, then stops it.
server_stop() {
	local d=$1 pid
	[ -d "$d/data" ] || return 0
	pid=$(pm_pid "$d")
	[ -n "$pid" ] || return 0
	if alive "$pid"; then
		kill -CONT "$pid" 2>/dev/null || true
		pkill -CONT -P "$pid" 2>/dev/null || true
	fi
	if ! as_pg pg_ctl -D "$d/data" status >/dev/null 2>&1; then
		return 0
	fi
	say "stopping server in $d"
	as_pg pg_ctl -D "$d/data" -m fast -w -t 30 -s stop >&2 2>/dev/null \
		|| as_pg pg_ctl -D "$d/data" -m immediate -w -t 10 -s stop >&2 2>/dev/null \
		|| { kill -KILL "$pid" 2>/dev/null || true; }
	# pg_ctl returns when the pid file is gone; wait for the process too.
	local i
	for i in $(seq 50); do
		alive "$pid" || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
}

# psql as the superuser (root maps to postgres via pg_ident).
su_psql() {
	local d=$1; shift
	psql -X -q -v ON_ERROR_STOP=1 -h "$d/sock" -p "$PORT" -U postgres "$@"
}

print_env() {
	local d=$1
	echo "export MG_PG_DIR=$d"
	echo "export MG_PG_HOST=$d/sock"
	echo "export MG_PG_PORT=$PORT"
	echo "export MG_PG_DB=$DB"
	echo "export MG_PG_DSN='host=$d/sock port=$PORT dbname=$DB user=$WEB_ROLE password=$WEB_PASS'"
	echo "export MG_PG_ADMIN_DSN='host=$d/sock port=$PORT dbname=$DB user=postgres'"
}
# }}}

# {{{ commands
cmd_start() {
	local d
	d=$(abs_dir "$1")
	if [ -f "$d/data/PG_VERSION" ]; then
		make_dirs "$d"
		server_start "$d"
		print_env "$d"
		return
	fi
	make_dirs "$d"
	say "initdb in $d/data ($PGOS, $("$BINDIR/pg_ctl" --version))"
	local locale=C.UTF-8
	locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$' || locale=C
	mkdir -p "$d/data"
	chown "$PGOS:" "$d/data"
	chmod 0700 "$d/data"
	# --no-sync: a throwaway cluster need not survive a crash of the machine
	# during initdb; the running server keeps fsync on.
	as_pg initdb -D "$d/data" -U postgres --auth-local=peer --auth-host=reject \
		-E UTF8 --locale="$locale" --no-sync --no-instructions >"$d/log/initdb.log" 2>&1 \
		|| { cat "$d/log/initdb.log" >&2; die "initdb failed"; }
	write_conf "$d"
	server_start "$d"
	say "creating database $DB and applying the schema"
	su_psql "$d" -d postgres -c "CREATE DATABASE $DB" >&2
	PGHOST="$d/sock" PGPORT=$PORT PGUSER=postgres PGDATABASE=$DB \
		"$MG_ROOT/sql/mailguard-db" apply >&2
	su_psql "$d" -d "$DB" -c "SET password_encryption = 'scram-sha-256'; CREATE ROLE $WEB_ROLE LOGIN PASSWORD '$WEB_PASS'" >&2
	PGHOST="$d/sock" PGPORT=$PORT PGUSER=postgres PGDATABASE=$DB \
		"$MG_ROOT/sql/mailguard-db" add-client "$WEB_ROLE" --shared >&2
	print_env "$d"
}

cmd_template() {
	local d
	d=$(abs_dir "$1")
	cmd_start "$d"
	server_stop "$d"
	rm -rf "$d/template"
	cp -a "$d/data" "$d/template"
	rm -f "$d/template/postmaster.pid" "$d/template/postmaster.opts"
	server_start "$d"
	echo "export MG_PG_TEMPLATE=$d/template"
}

cmd_clone() {
	local t d
	t=$(abs_dir "$1")
	d=$(abs_dir "$2")
	[ -f "$t/PG_VERSION" ] || die "$t is not a data directory (made by: scripts/pg.sh template DIR)"
	[ ! -e "$d/data" ] || die "$d/data exists already"
	make_dirs "$d"
	cp -a "$t" "$d/data"
	rm -f "$d/data/postmaster.pid"
	chown "$PGOS:" "$d/data"
	chmod 0700 "$d/data"
	write_local_conf "$d"
	server_start "$d"
	print_env "$d"
}

cmd_stop() {
	local d
	d=$(abs_dir "$1")
	server_stop "$d"
}

cmd_destroy() {
	local d
	d=$(abs_dir "$1")
	[ -e "$d" ] || return 0
	if [ ! -e "$d/.mailguard-pg" ] && [ -n "$(ls -A "$d" 2>/dev/null)" ]; then
		die "$d was not made by pg.sh (no .mailguard-pg); not removing it"
	fi
	server_stop "$d"
	rm -rf -- "$d"
	say "removed $d"
}

cmd_psql() {
	local d
	d=$(abs_dir "$1"); shift
	exec psql -X -v ON_ERROR_STOP=1 -h "$d/sock" -p "$PORT" -U postgres -d "$DB" "$@"
}
# }}}

[ $# -ge 1 ] || usage
cmd=$1; shift
case $cmd in
	start)    [ $# -eq 1 ] || usage; cmd_start "$1" ;;
	template) [ $# -eq 1 ] || usage; cmd_template "$1" ;;
	clone)    [ $# -eq 2 ] || usage; cmd_clone "$1" "$2" ;;
	stop)     [ $# -eq 1 ] || usage; cmd_stop "$1" ;;
	destroy)  [ $# -eq 1 ] || usage; cmd_destroy "$1" ;;
	psql)     [ $# -ge 1 ] || usage; cmd_psql "$@" ;;
	*) usage ;;
esac
