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

# One private temp dir for the whole run (scripts/tmpdir.sh): every test,
# harness, socket and cluster below lives in it, so that another run of
# the suite on this machine (another checkout, another CI job) never sees
# this run's files nor this one its. run-tests.php puts it for {TMP} in
# --INI--, and tests/inc/helpers.inc refuses to run without it. Removed at
# the end, with any cluster still running in it.
MG_TEST_TMP=$(sh scripts/tmpdir.sh new)
TMPDIR=$MG_TEST_TMP
export MG_TEST_TMP TMPDIR
trap 'sh "$MG_ROOT/scripts/tmpdir.sh" remove "$MG_TEST_TMP" || true' EXIT
trap 'exit 130' INT TERM
mg_say "temp dir of this run: $MG_TEST_TMP"
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
# Adds a run whose output ends in "N passed, N failed": label, exit
# status, output.
tally() {
	local line
	line=$(printf '%s\n' "$3" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
	count "$1" "$2" "$(echo "${line:-0 passed, 0 failed}" | cut -d' ' -f1)" "$(echo "${line:-0 passed, 0 failed}" | cut -d' ' -f3)"
}
ctest() {
	local label=$1 dir=$2 out
	out=$(make -s -C "$dir" check 2>&1)
	local rc=$?
	printf '%s\n' "$out" | grep -vE '^[0-9]+ passed, [0-9]+ failed$' | tail -n 20
	tally "$label" $rc "$out"
}
# A harness script: label, the output lines worth showing (grep -E), the
# command.
harness() {
	local label=$1 show=$2 out rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -E "$show" | head -n 30
	tally "$label" $rc "$out"
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
harness "SQL schema and policy function" '^not ok' bash tests/sql/run.sh

# The operator's command admin/mailguard: every subcommand and its bad
# input against a cluster of its own, the HTML report in headless
# Chromium, the commands docs/ shows (tests/admin/run.sh).
harness "mailguard command" '^(FAIL|#)' bash tests/admin/run.sh

# The release tarball (tests/pecl/run.sh): `make test` in it runs the phpt
# suite with its own PostgreSQL; `pecl install` into a private PEAR puts
# `mailguard` in its bin_dir, the SQL in its data_dir; `pecl upgrade` to a
# release with one more migration makes `schema status` say it is pending.
harness "release tarball: make test, pecl install and upgrade" '^(FAIL|#)' bash tests/pecl/run.sh

# mailguard under a real php-fpm master, as root, with two pools as two
# users and peer authentication: what a customer's script can read or
# change of mailguard's settings and secrets (tests/fpm/README.md).
harness "php-fpm harness" '^FAIL' bash tests/fpm/run.sh

# mailguard through a real PgBouncer in transaction pooling mode, customers
# as unix users with peer authentication at the pooler: identity, session
# state, exactness, 200 workers on 20 server connections
# (tests/pgbouncer/README.md).
harness "PgBouncer harness" '^(FAIL|# load|# questions)' bash tests/pgbouncer/run.sh

# mod_php: the per-vhost account from Apache's php_admin_value, and
# nothing else per vhost, under a real Apache (tests/apache/run.sh).
harness "Apache mod_php harness" '^(FAIL|#)' bash tests/apache/run.sh

# The four mail paths through a real, private Postfix with a database that
# accepts: where the stamp and the trace end up in each delivered message
# (issue 11 item 1) and the line endings PHP writes (item 4)
# (tests/postfix/README.md).
harness "Postfix harness" '^FAIL' bash tests/postfix/run.sh

# Failover (issue 15 item 2): a primary and a streaming standby, PHP
# workers on a multi-host DSN, the primary stopped and the standby
# promoted while mail flows: the fail-mode window, the workers back on the
# new primary within a bound, no lost log row with synchronous
# replication (tests/failover/run.sh).
harness "failover to a promoted standby" '^(not ok|# (summary|mode=))' bash tests/failover/run.sh

# A libpq without pipeline mode (libpq < 14): the extension built against
# it with --with-mailguard=PREFIX asks the unnamed statement with
# mailguard.pooler = none too (tests/libpq/run.sh).
harness "libpq without pipeline mode" '^(FAIL|#)' bash tests/libpq/run.sh

# Broken client certificates, root.crt and .pgpass in the home directory
# of the passwd entry (and at HOME, PGSSLCERT, ...) do not reach
# mailguard's TLS connection; files the DSN names do (tests/tls/run.sh,
# in private network and mount namespaces).
harness "libpq's files in the passwd home, over TLS" '^FAIL' bash tests/tls/run.sh

# Two runs of the suite at once see nothing of each other: no test names a
# fixed temporary path, and two runs of phpt tests in one private /tmp
# leave nothing outside their run dirs (tests/isolation/run.sh).
harness "two runs at once, private temp paths" '^(FAIL|#)' bash tests/isolation/run.sh

# mailguard-milter (milter/): its parsers' unit tests and fuzzing, then
# every client path (mail(), the sendmail command, Symfony Mailer,
# PHPMailer, SMTP from this host) through a real Postfix with the milter,
# as separate unprivileged users (issue 12, milter/tests/run.sh).
out=$(make -s -C milter 2>&1)
rc=$?
[ $rc = 0 ] || printf '%s\n' "$out" | tail -n 20
count "mailguard-milter builds with warnings as errors" $rc $((rc == 0)) 0
ctest "milter parsers (ASan+UBSan)" milter
out=$(make -s -C milter fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-60}" 2>&1)
rc=$?
printf '%s\n' "$out" | grep -vE '^[0-9]+ passed, [0-9]+ failed$' | tail -n 20
count "milter parsers fuzzing, ${FUZZ_SECONDS:-60} s (libFuzzer)" $rc $((rc == 0)) $((rc != 0))
harness "milter harness" '^(FAIL|#   )' bash milter/tests/run.sh
# The Exim route (docs/install.md "Exim"): Debian's exim4, fetched with
# apt-get download and unpacked (it conflicts with postfix as a package).
harness "Exim acl_not_smtp harness" '^(FAIL|#   )' bash milter/tests/exim.sh

# Duplicate recipients (issue 11 item 10): the scanner's count against
# what the same kind of private Postfix queues, fixed and random lists.
out=$(bash tests/postfix/dedupe.sh "${MG_DEDUPE_ROUNDS:-100}" 2>&1)
rc=$?
printf '%s\n' "$out" | grep -E '^(FAIL|#)' | head -n 30
line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
count "Postfix duplicate recipients" $rc "$(echo "${line:-0 passed, 0 failed}" | cut -d' ' -f1)" "$(echo "${line:-0 passed, 0 failed}" | cut -d' ' -f3)"

# A private PostgreSQL for the phpt suite (tests/db): started here as an
# unprivileged user, with a stopped template copy that tests clone when
# they stop or freeze a server of their own. In the run's temp dir, which
# the EXIT trap removes with the cluster.
pgdir=$MG_TEST_TMP/pg
if pgenv=$(bash scripts/pg.sh template "$pgdir" 2>"$MG_TEST_TMP/pg.log"); then
	eval "$pgenv"
else
	cat "$MG_TEST_TMP/pg.log" >&2
	count "private PostgreSQL for the phpt suite" 1 0 1
fi
rm -f "$MG_TEST_TMP/pg.log"

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
	# why: the start of each failed test's diff (run-tests.php removes a
	# test's old .diff when it runs it again, so these are this pass's)
	find "$MG_ROOT/tests" \( -name '*.diff' -o -name '*.mem' \) | sort | while read -r d; do
		echo "# ${d#"$MG_ROOT"/}:"
		head -n 15 "$d" | sed -e 's/^/#   /' -e '$a\'
	done
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
