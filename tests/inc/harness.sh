# Shared by the shell harnesses (tests/*/run.sh): the tally, its output
# and the system users they create. Sourced, not run.
#
#   ok TEXT / fail TEXT     one `ok - ...` / `FAIL - ...` line, counted
#   check TEXT CMD...       ok or fail by the status of CMD
#   die TEXT [LOG]          a setup step failed: counted, the log's tail,
#                           the final tally, exit 1 (the EXIT trap cleans up)
#   ensure_user NAME        a system user without home or shell, created
#                           once and kept (a concurrent run creating it
#                           first is fine)
#   run_dir NAME KEEPVAR    RUN: a new temp dir ${TMPDIR:-/tmp}/mg-NAME.XXXXXX
#                           (0711), PGDIR=$RUN/pg; on exit the cluster in
#                           PGDIR is destroyed and RUN removed, unless the
#                           variable named KEEPVAR is set (needs ROOT)

passed=0
failed=0
ok() { echo "ok - $*"; passed=$((passed + 1)); }
fail() { echo "FAIL - $*"; failed=$((failed + 1)); }
check() { local name=$1; shift; if "$@"; then ok "$name"; else fail "$name"; fi; }
die() {
	fail "setup: $1"
	[ -n "${2:-}" ] && [ -f "$2" ] && tail -n 30 "$2" | sed 's/^/#   /'
	echo "$passed passed, $failed failed"
	exit 1
}
ensure_user() {
	id -u "$1" >/dev/null 2>&1 && return 0
	useradd --system --user-group --no-create-home --home-dir /nonexistent \
		--shell /usr/sbin/nologin "$1" 2>/dev/null
	id -u "$1" >/dev/null 2>&1
}

# pg_peer_hba PGDIR DB MAP: pg_hba.conf as docs/database.md ("Peer") has
# it: the superuser by peer (pg.sh's map admin), members of
# mailguard_client by peer through MAP into DB only, nobody else. MAP's
# lines ("SYSTEM-USER PG-USER") come on stdin, added to pg_ident.conf.
# Reload the server afterwards.
pg_peer_hba() {
	local d=$1 db=$2 map=$3 os
	os=$(stat -c %U "$d/data")
	printf '# written by %s\nlocal all postgres peer map=admin\nlocal %s +mailguard_client peer map=%s\nlocal all all reject\n' \
		"$0" "$db" "$map" >"$d/data/pg_hba.conf"
	sed "s/^/$map /" >>"$d/data/pg_ident.conf"
	chown "$os:" "$d/data/pg_hba.conf" "$d/data/pg_ident.conf"
}

run_dir() {
	RUN=$(mktemp -d "${TMPDIR:-/tmp}/mg-$1.XXXXXX") || die "mktemp failed"
	chmod 0711 "$RUN"
	PGDIR=$RUN/pg
	RUN_KEEP_VAR=$2
	trap run_dir_cleanup EXIT
	trap 'exit 130' INT TERM
}
run_dir_cleanup() {
	[ -d "$PGDIR" ] && bash "$ROOT/scripts/pg.sh" destroy "$PGDIR" >/dev/null 2>&1
	if [ -n "${!RUN_KEEP_VAR:-}" ]; then echo "# kept $RUN" >&2; else rm -rf -- "$RUN"; fi
}
