# Shared by the milter's harnesses (milter/tests/run.sh, exim.sh): sourced.
# The tally, die and ensure_user are tests/inc/harness.sh's; the milter's
# check compares values:
#
#   check TEXT EXPECTED ACTUAL

. "$(dirname "${BASH_SOURCE[0]}")/../../tests/inc/harness.sh"
check() { # description expected actual
	if [ "$2" = "$3" ]; then ok "$1"; else fail "$1"; printf '#   expected: %s\n#   got:      %s\n' "$2" "$3" | head -n 20; fi
}
