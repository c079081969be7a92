#!/usr/bin/env bash
# The full test suite: installs what it needs (Debian 12, as root), builds
# the extension with warnings as errors, checks the generated scanner, runs
# the standalone C tests under ASan/UBSan and the phpt suite with opcache
# off, with opcache and JIT on, and once under valgrind.
# Ends with "N passed, N failed" (test cases summed over every run); the exit
# status is non-zero when anything failed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

passed=0
failed=0
# Adds one run's counts: label, exit status, passed, failed.
count() {
	local label=$1 rc=$2 p=${3:-0} f=${4:-0}
	# A run that failed without counting a failure (crash, no tests) is one.
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$rc" = 0 ]; then mg_say "ok   $label: $p passed"; else mg_say "FAIL $label: $p passed, $f failed"; fi
}

mg_install_deps
MG_REBUILD=1 mg_build
cd "$MG_ROOT"
set +e

# The committed scanner.c must be exactly what re2c makes of scanner.re.
tmpc=$(mktemp)
re2c -W -Werror --no-generation-date --no-version -o "$tmpc" ext/mailguard/scanner.re \
	&& diff <(sed '/^#line/d' "$tmpc") <(sed '/^#line/d' ext/mailguard/scanner.c) >/dev/null
rc=$?
rm -f "$tmpc"
count "scanner.c regenerated from scanner.re is unchanged" $rc $((rc == 0)) 0

scripts/checkrel.sh
rc=$?
count "package.xml lists every shipped file" $rc $((rc == 0)) 0

# Standalone C programs that end in "N passed, N failed".
ctest() {
	local label=$1 dir=$2 out
	out=$(make -s -C "$dir" check 2>&1)
	local rc=$?
	printf '%s\n' "$out" | grep -vE '^[0-9]+ passed, [0-9]+ failed$' | tail -n 20
	local line
	line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
	count "$label" $rc "$(echo "${line:-0 passed, 0 failed}" | cut -d' ' -f1)" "$(echo "${line:-0 passed, 0 failed}" | cut -d' ' -f3)"
}
ctest "header scanner cases (ASan+UBSan)" tests/scanner
ctest "syslog writer (ASan+UBSan)" tests/log
ctest "additional_params policy (ASan+UBSan)" tests/params
ctest "RFC 2047 decoder (ASan+UBSan)" tests/mime
# The scanner under libFuzzer (ASan+UBSan) for FUZZ_SECONDS (default 60):
# any crash, leak, overread or broken invariant fails the run.
ctest "header scanner fuzzing, ${FUZZ_SECONDS:-60} s (libFuzzer)" tests/fuzz

# The schema, the client role's privileges and the policy function's
# exactness, in SQL, against a cluster of its own.
out=$(bash tests/sql/run.sh 2>&1)
rc=$?
printf '%s\n' "$out" | grep -E '^not ok' | head -n 20
line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
count "SQL schema and policy function" $rc "$(echo "${line:-0 passed, 0 failed}" | cut -d' ' -f1)" "$(echo "${line:-0 passed, 0 failed}" | cut -d' ' -f3)"

# mailguard under a real php-fpm master, as root, with two pools as two
# users and peer authentication: what a customer's script can read or
# change of mailguard's settings and secrets (tests/fpm/README.md).
out=$(bash tests/fpm/run.sh 2>&1)
rc=$?
printf '%s\n' "$out" | grep -E '^FAIL' | head -n 30
line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
count "php-fpm harness" $rc "$(echo "${line:-0 passed, 0 failed}" | cut -d' ' -f1)" "$(echo "${line:-0 passed, 0 failed}" | cut -d' ' -f3)"

# mod_php: the per-vhost account from Apache's php_admin_value, and
# nothing else per vhost, under a real Apache (tests/apache/run.sh).
out=$(bash tests/apache/run.sh 2>&1)
rc=$?
printf '%s\n' "$out" | grep -E '^(FAIL|#)' | head -n 30
line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
count "Apache mod_php harness" $rc "$(echo "${line:-0 passed, 0 failed}" | cut -d' ' -f1)" "$(echo "${line:-0 passed, 0 failed}" | cut -d' ' -f3)"

# The four mail paths through a real, private Postfix with a database that
# accepts: where the stamp and the trace end up in each delivered message
# (issue 11 item 1) and the line endings PHP writes (item 4)
# (tests/postfix/README.md).
out=$(bash tests/postfix/run.sh 2>&1)
rc=$?
printf '%s\n' "$out" | grep -E '^FAIL' | head -n 30
line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
count "Postfix harness" $rc "$(echo "${line:-0 passed, 0 failed}" | cut -d' ' -f1)" "$(echo "${line:-0 passed, 0 failed}" | cut -d' ' -f3)"

# Duplicate recipients (issue 11 item 10): the scanner's count against
# what the same kind of private Postfix queues, fixed and random lists.
out=$(bash tests/postfix/dedupe.sh "${MG_DEDUPE_ROUNDS:-100}" 2>&1)
rc=$?
printf '%s\n' "$out" | grep -E '^(FAIL|#)' | head -n 30
line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
count "Postfix duplicate recipients" $rc "$(echo "${line:-0 passed, 0 failed}" | cut -d' ' -f1)" "$(echo "${line:-0 passed, 0 failed}" | cut -d' ' -f3)"

# A private PostgreSQL for the phpt suite (tests/db): started here as an
# unprivileged user, with a stopped template copy that tests clone when
# they stop or freeze a server of their own.
pgdir=$(mktemp -d /tmp/mailguard-pg.XXXXXX)
chmod 755 "$pgdir"
trap 'bash "$MG_ROOT/scripts/pg.sh" destroy "$pgdir" >/dev/null 2>&1 || true' EXIT
if pgenv=$(bash scripts/pg.sh template "$pgdir" 2>"$pgdir.log"); then
	eval "$pgenv"
else
	cat "$pgdir.log" >&2
	count "private PostgreSQL for the phpt suite" 1 0 1
fi
rm -f "$pgdir.log"

# run-tests.php over tests/: label, then extra run-tests arguments.
phpt() {
	local label=$1; shift
	local out="$MG_ROOT/tests/.last-${label// /-}.log"
	TEST_PHP_EXECUTABLE=$(command -v "$MG_PHP") MG_SO="$MG_SO" \
	NO_INTERACTION=1 REPORT_EXIT_STATUS=1 \
	"$MG_PHP" "$($MG_PHP_CONFIG --extension-dir)/build/run-tests.php" \
		-q -j"${MG_JOBS:-2}" -d extension="$MG_SO" "$@" \
		--show-diff "$MG_ROOT/tests" >"$out" 2>&1
	local rc=$?
	grep -E '^(FAIL|SKIP|BORK|LEAK)' "$out"
	local p f
	p=$(sed -nE 's/^Tests passed *: *([0-9]+).*/\1/p' "$out" | tail -n 1)
	f=$(sed -nE 's/^Tests failed *: *([0-9]+).*/\1/p' "$out" | tail -n 1)
	# Leaks and borked tests fail the run too.
	if grep -qE '^(LEAK|BORK)' "$out"; then rc=1; fi
	# A test that skips under CI hides a failure.
	if [ "${CI:-}" = true ] && grep -qE '^SKIP' "$out"; then
		echo "tests were skipped under CI=true" >&2
		rc=1
	fi
	if [ "${p:-0}" = 0 ]; then
		echo "run-tests.php ran no test (see $out)" >&2
		rc=1
	fi
	count "phpt, $label" $rc "${p:-0}" "${f:-0}"
}
phpt "opcache off" -d opcache.enable_cli=0
phpt "opcache and JIT on" -d opcache.enable_cli=1 -d opcache.jit_buffer_size=32M -d opcache.jit=tracing
if [ -z "${MG_SKIP_VALGRIND:-}" ]; then
	# Memcheck on every test's own PHP process, started with -n (only the
	# extensions a test declares) and not following children: the shells,
	# capture MTAs and reference PHP processes the tests spawn would
	# otherwise each start under valgrind and take the run past an hour.
	# Under memcheck libpq's SCRAM key derivation alone takes longer than
	# the default 500 ms deadline, so the DB tests that run in-process get
	# a long one; the fault tests set their own in child processes that
	# valgrind does not run. --vgdb=no: a test that switches to another
	# euid would otherwise make valgrind fail to create its vgdb pipe in
	# TMPDIR.
	VALGRIND_OPTS="--vgdb=no --trace-children-skip=/bin/*,/usr/bin/*,/usr/sbin/*,*/sh,*/bash,*/cat" \
		phpt "valgrind" -n -m -d pcre.jit=0 -d mailguard.timeout_ms=30000
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
