# Shared by the bench scripts (run.sh, startup.sh, growth.sh): a scratch
# directory with a private PostgreSQL in it, both removed on exit (also on
# SIGINT/SIGTERM), the built module, pgbench. Sourced, not run.
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
BENCH=$MG_ROOT/bench

# modules/mailguard.so when it exists, else mg_build (BENCH_REBUILD=1
# forces it); sets MG_SO and enters the source tree.
bench_module() {
	if [ -f "$MG_ROOT/modules/mailguard.so" ] && [ -z "${BENCH_REBUILD:-}" ]; then
		MG_SO=$MG_ROOT/modules/mailguard.so
	else
		mg_build >&2
	fi
	cd "$MG_ROOT"
}

# bench_scratch NAME: WORK=a new mktemp -d directory (NAME.XXXXXX under
# $TMPDIR or /tmp), PGDIR=$WORK/pg. On exit the function bench_on_exit
# runs first when the script defines one, then the cluster and WORK go.
bench_scratch() {
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
	chmod 0755 "$WORK"
	PGDIR=$WORK/pg
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
}

bench_cleanup() {
	local rc=$?
	if declare -F bench_on_exit >/dev/null; then
		bench_on_exit || true
	fi
	bash "$MG_ROOT/scripts/pg.sh" destroy "$PGDIR" 2>/dev/null || true
	rm -rf -- "$WORK"
	exit $rc
}

# Starts the cluster in PGDIR (scripts/pg.sh: schema applied, client role
# mailguard_web) and exports its MG_PG_* variables.
bench_pg_start() {
	mg_say "cluster in $PGDIR" >&2
	eval "$(bash "$MG_ROOT/scripts/pg.sh" start "$PGDIR")"
}

# psql as the superuser, database mailguard_test, unaligned, tuples only.
psql_su() { bash "$MG_ROOT/scripts/pg.sh" psql "$PGDIR" -qAt "$@"; }

# PGB: pgbench of the server's version (pg.sh's choice), else the one on PATH.
bench_find_pgbench() {
	local d
	PGB=""
	for d in ${MG_PG_BINDIR:-} /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
		[ -x "$d/pgbench" ] && { PGB=$d/pgbench; return 0; }
	done
	PGB=$(command -v pgbench) || { echo "bench: pgbench not found" >&2; exit 1; }
}

# The client role's password from MG_PG_DSN, for pgbench's environment only.
bench_pg_password() { printf '%s\n' "$MG_PG_DSN" | sed -nE 's/.*password=([^ ]+).*/\1/p'; }

# SPAWN=$WORK/spawn (bench/spawn.c: times a command COUNT times) and
# STUB=$WORK/sendmail-stub (reads stdin to EOF, exits 0; static when the
# toolchain can), built into WORK.
bench_tools() {
	SPAWN=$WORK/spawn
	gcc -O2 -o "$SPAWN" "$BENCH/spawn.c"
	STUB=$WORK/sendmail-stub
	gcc -O2 -static -o "$STUB" "$BENCH/sendmail-stub.c" 2>/dev/null || gcc -O2 -o "$STUB" "$BENCH/sendmail-stub.c"
}
