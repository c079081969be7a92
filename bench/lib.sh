# Shared by the bench scripts (sourced after scripts/lib.sh): a scratch
# directory and a private PostgreSQL cluster, both removed on exit (also on
# SIGINT/SIGTERM).
#
#   bench_cluster NAME   WORK=$(mktemp -d ${TMPDIR:-/tmp}/mg-NAME.XXXXXX),
#                        PGDIR=$WORK/pg started by scripts/pg.sh (its
#                        MG_PG_* exported), psql_su() as the superuser
#   bench_pgbench        the path of pgbench
# A script that needs more undone on exit defines bench_cleanup_extra().

bench_cleanup() {
	local rc=$?
	if declare -F bench_cleanup_extra >/dev/null; then
		bench_cleanup_extra || true
	fi
	bash "$MG_ROOT/scripts/pg.sh" destroy "$PGDIR" 2>/dev/null || true
	rm -rf -- "$WORK"
	exit $rc
}

bench_cluster() {
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/mg-$1.XXXXXX")
	chmod 0755 "$WORK"
	PGDIR=$WORK/pg
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
	mg_say "cluster in $PGDIR" >&2
	eval "$(bash "$MG_ROOT/scripts/pg.sh" start "$PGDIR")"
}

psql_su() { bash "$MG_ROOT/scripts/pg.sh" psql "$PGDIR" -qAt "$@"; }

# pgbench of the server's version (pg.sh's choice), else the one on PATH
bench_pgbench() {
	local d
	for d in ${MG_PG_BINDIR:-} /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
		[ -x "$d/pgbench" ] && { echo "$d/pgbench"; return 0; }
	done
	command -v pgbench
}
