# Shared by the milter's harnesses (milter/tests/run.sh, exim.sh): sourced.
#
#   ok TEXT / fail TEXT     one check's line; counts into passed / failed
#   check TEXT EXPECTED ACTUAL
#   die TEXT [LOG]          a setup step failed: count it, show LOG's tail,
#                           print the totals and exit 1 (the EXIT trap
#                           cleans up)
#   ensure_user NAME        a system user without home or shell, created
#                           once and kept (a concurrent run that made it
#                           first is fine)

passed=0
failed=0
ok() { echo "ok - $*"; passed=$((passed + 1)); }
fail() { echo "FAIL - $*"; failed=$((failed + 1)); }
check() { # description expected actual
	if [ "$2" = "$3" ]; then ok "$1"; else fail "$1"; printf '#   expected: %s\n#   got:      %s\n' "$2" "$3" | head -n 20; fi
}
die() {
	fail "setup: $1"
	[ -n "${2:-}" ] && [ -f "$2" ] && tail -n 30 "$2" | sed 's/^/#   /'
	echo "$passed passed, $failed failed"
	exit 1
}
ensure_user() {
	id -u "$1" >/dev/null 2>&1 && return 0
	useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$1" 2>/dev/null
	id -u "$1" >/dev/null 2>&1
}
