#!/usr/bin/env bash
# The full test suite: installs what it needs (Debian 12, as root), builds
# the extension with warnings as errors, checks the generated scanner, runs
# the standalone C tests and the phpt suite with opcache off, with opcache
# on, and once under valgrind. Ends with "N passed, N failed"; exit status
# is non-zero when anything failed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

passed=0
failed=0
report() { # name status
	if [ "$2" = 0 ]; then passed=$((passed + 1)); mg_say "PASS $1"; else failed=$((failed + 1)); mg_say "FAIL $1"; fi
}

mg_install_deps
mg_build
cd "$MG_ROOT"

# The committed scanner.c must be what re2c makes of scanner.re.
set +e
tmpc=$(mktemp)
re2c -W -Werror --no-generation-date --no-version -o "$tmpc" ext/mailguard/scanner.re \
	&& diff <(sed '/^#line/d' "$tmpc") <(sed '/^#line/d' ext/mailguard/scanner.c) >/dev/null
report "scanner.c is regenerated from scanner.re unchanged" $?
rm -f "$tmpc"

make -s -C tests/scanner check
report "scanner case table (ASan+UBSan)" $?
make -s -C tests/log check
report "syslog writer (ASan+UBSan)" $?

# run-tests.php: $1 = label, rest = extra run-tests arguments.
phpt() {
	local label=$1; shift
	local out="$MG_ROOT/tests/.last-$label.log"
	TEST_PHP_EXECUTABLE=$(command -v "$MG_PHP") \
	NO_INTERACTION=1 REPORT_EXIT_STATUS=1 \
	"$MG_PHP" "$($MG_PHP_CONFIG --extension-dir)/build/run-tests.php" \
		-q -j"${MG_JOBS:-2}" -d extension="$MG_SO" "$@" \
		--show-diff "$MG_ROOT/tests" >"$out" 2>&1
	local rc=$?
	grep -E '^(FAIL|SKIP|BORK|LEAK)' "$out" || true
	grep -E '^Tests (passed|failed|skipped)' "$out" || true
	# A test that skips under CI hides a failure.
	if [ "$rc" = 0 ] && [ "${CI:-}" = true ] && grep -qE '^SKIP' "$out"; then
		echo "tests were skipped under CI=true" >&2
		rc=1
	fi
	if [ "$rc" = 0 ] && ! grep -qE '^Tests passed *: *[1-9]' "$out"; then
		echo "run-tests.php ran no test" >&2
		rc=1
	fi
	return $rc
}

phpt opcache-off -d opcache.enable_cli=0
report "phpt suite, opcache off" $?
phpt opcache-on -d opcache.enable_cli=1 -d opcache.jit_buffer_size=32M -d opcache.jit=tracing
report "phpt suite, opcache and JIT on" $?
if [ -z "${MG_SKIP_VALGRIND:-}" ]; then
	phpt valgrind -m -d pcre.jit=0 -d opcache.enable_cli=0
	rc=$?
	# run-tests.php marks leaks as LEAK (and counts them as failures).
	grep -qE '^LEAK' "$MG_ROOT/tests/.last-valgrind.log" && rc=1
	report "phpt suite under valgrind (memcheck, leaks fatal)" $rc
fi
set -e

echo
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
