#!/usr/bin/env bash
# Two runs of the test suite on one machine must not see each other
# (issue 11): every temporary path, socket and port is private to a run.
#
#   bash tests/isolation/run.sh
#
# Run as root after `source scripts/lib.sh && mg_install_deps && mg_build`
# (MG_SO may name another mailguard.so). Prints one `ok - ...` or
# `FAIL - ...` line per check, then `N passed, N failed`. Two parts:
#
# 1. Lint, over every file of tests/, scripts/ and bench/ (not *.md, not
#    the fuzz corpus): no file names a path under /tmp (only the fallback
#    ${TMPDIR:-/tmp} of a shell script), calls sys_get_temp_dir() or
#    tempnam(), or names /var/tmp or /dev/shm. Comment lines do not count;
#    a line that must (the one place in tests/inc/helpers.inc, test data
#    that only looks like a path) says "mg-lint: ok".
# 2. Two runs at once, in a mount namespace of their own whose /tmp is a
#    new, empty tmpfs (the machine's /tmp and whatever runs there are not
#    touched or seen): two run dirs made as scripts/test.sh makes them
#    (scripts/tmpdir.sh), each with its own PostgreSQL, run the same phpt
#    tests ($SAMPLE: mail and log capture in-process and in child
#    processes, the database, a private cluster, a switch of the euid) at
#    the same time, with --no-clean. Then both runs must pass, each test's
#    files must be in its own run's dir, and /tmp must hold nothing but the
#    two run dirs: a test that wrote to a fixed name would have left it
#    there, where the other run would have read it.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PHP=${MG_PHP:-php8.2}
PHP_CONFIG=${MG_PHP_CONFIG:-php-config8.2}
SO=${MG_SO:-$ROOT/modules/mailguard.so}
# Quick ones, no timing checks (two runs at once on a loaded machine): the
# transparency tests that were seen reading each other's mails, in-process
# capture of mail and log, the database, a switch of the euid.
SAMPLE="transparency/transparency_add_x_header transparency/transparency_failing_sendmail
	transparency/transparency_mail_log hook/hook_direct_call syslog/syslog_escaping
	db/db_accept_trace db/db_euid_change"

passed=0
failed=0
ok() { echo "ok - $*"; passed=$((passed + 1)); }
fail() { echo "FAIL - $*"; failed=$((failed + 1)); }
finish() { echo "$passed passed, $failed failed"; [ "$failed" = 0 ]; exit $?; }

# {{{ 2., inside the namespace (bash run.sh --inside, from below)
if [ "${1:-}" = --inside ]; then
	# The checkout or the module may live under /tmp (a CI job's clone):
	# keep each such top-level entry reachable at its path by binding it
	# back from the old /tmp, which a tmpfs of this namespace's own holds.
	kept=()
	for p in "$ROOT" "$SO"; do
		case $p in /tmp/?*) kept+=("$(echo "${p#/tmp/}" | cut -d/ -f1)") ;; esac
	done
	if [ ${#kept[@]} -gt 0 ]; then
		hold=$(ls -d /mnt /media /srv 2>/dev/null | head -n 1)
		{ [ -n "$hold" ] && mount -t tmpfs -o size=1m mg-isolation-hold "$hold" && mkdir "$hold/old" \
			&& mount --bind /tmp "$hold/old"; } || { fail "two runs: cannot keep the checkout under /tmp reachable"; finish; }
	fi
	mount -t tmpfs -o mode=1777,size=512m mg-isolation /tmp || { fail "two runs: cannot mount a tmpfs on /tmp"; finish; }
	for k in "${kept[@]}"; do
		[ -d "/tmp/$k" ] && continue
		{ mkdir "/tmp/$k" && mount --bind "$hold/old/$k" "/tmp/$k"; } || { fail "two runs: cannot bind /tmp/$k back"; finish; }
	done
	export TMPDIR=/tmp
	A=$(sh "$ROOT/scripts/tmpdir.sh" new) && B=$(sh "$ROOT/scripts/tmpdir.sh" new) \
		|| { fail "two runs: scripts/tmpdir.sh new failed"; finish; }
	trap 'sh "$ROOT/scripts/tmpdir.sh" remove "$A"; sh "$ROOT/scripts/tmpdir.sh" remove "$B"' EXIT
	trap 'exit 130' INT TERM

	# One run: its PostgreSQL, then run-tests.php over $SAMPLE, the way
	# scripts/test.sh runs it. Writes DIR/rc and DIR/run.log. Each run has
	# a copy of the tests, as two checkouts would: run-tests.php writes
	# each test's .php, .out and .diff next to the .phpt.
	run() {
		local d=$1 env t dirs="" files=()
		export MG_TEST_TMP=$d TMPDIR=$d
		mkdir -p "$d/src/tests"
		for t in $SAMPLE; do dirs="$dirs ${t%%/*}"; done
		cp -a "$ROOT/scripts" "$d/src/"
		for t in inc $dirs; do
			[ -d "$d/src/tests/$t" ] || cp -a "$ROOT/tests/$t" "$d/src/tests/"
		done
		if ! env=$(bash "$ROOT/scripts/pg.sh" template "$d/pg" 2>"$d/pg.log"); then
			echo "pg.sh template failed: $(tail -n 5 "$d/pg.log")" >"$d/run.log"
			echo 1 >"$d/rc"
			return
		fi
		eval "$env"
		for t in $SAMPLE; do files+=("$d/src/tests/$t.phpt"); done
		TEST_PHP_EXECUTABLE=$(command -v "$PHP") MG_SO="$SO" NO_INTERACTION=1 REPORT_EXIT_STATUS=1 \
			"$PHP" "$("$PHP_CONFIG" --extension-dir)/build/run-tests.php" -q -j2 --no-clean \
			-d extension="$SO" -d opcache.enable_cli=0 --show-diff "${files[@]}" >"$d/run.log" 2>&1
		echo $? >"$d/rc"
	}
	run "$A" &
	pa=$!
	run "$B" &
	pb=$!
	wait "$pa" "$pb"

	n=$(echo $SAMPLE | wc -w)
	for d in "$A" "$B"; do
		r=$(basename "$d")
		p=$(sed -nE 's/^Tests passed *: *([0-9]+).*/\1/p' "$d/run.log" | tail -n 1)
		if [ "$(cat "$d/rc" 2>/dev/null)" = 0 ] && [ "${p:-0}" = "$n" ] && ! grep -qE '^(FAIL|SKIP|BORK|LEAK)' "$d/run.log"; then
			ok "two runs: run $r passed all $n tests while the other ran them too"
		else
			fail "two runs: run $r: ${p:-0} of $n passed (exit status $(cat "$d/rc" 2>/dev/null))"
			grep -E '^(FAIL|SKIP|BORK|LEAK)|^pg.sh' "$d/run.log" | head -n 20 | sed 's/^/#   /'
			# The diffs run-tests.php left next to the tests.
			for t in $SAMPLE; do
				[ -f "$d/src/tests/$t.diff" ] && head -n 20 "$d/src/tests/$t.diff" | sed "s|^|#   $t: |"
			done
		fi
	done

	missing=""
	for t in $SAMPLE; do
		t=$(basename "$t")
		for d in "$A" "$B"; do
			compgen -G "$d/mg-$t.*" >/dev/null || missing="$missing $(basename "$d")/mg-$t.*"
		done
	done
	if [ -z "$missing" ]; then
		ok "two runs: every test's files are in its own run's dir"
	else
		fail "two runs: files missing from the run's own dir:$missing"
	fi

	stray=$(cd /tmp && ls -A | grep -vxF -e "$(basename "$A")" -e "$(basename "$B")" $(for k in "${kept[@]}"; do printf -- '-e %s ' "$k"; done))
	if [ -z "$stray" ]; then
		ok "two runs: nothing was written to the shared temp dir outside the two run dirs"
	else
		fail "two runs: written to the shared temp dir (/tmp), where the other run sees it: $(echo $stray)"
	fi
	finish
fi
# }}}

[ "$(id -u)" = 0 ] || { echo "tests/isolation/run.sh: run as root (a mount namespace, PostgreSQL as postgres)" >&2; exit 2; }

# {{{ 1. lint
lint() {
	local f out=""
	while IFS= read -r f; do
		case $f in
			# this file: its /tmp is the namespace's own tmpfs
			*.md|tests/fuzz/corpus/*|tests/isolation/run.sh) continue ;;
		esac
		[ -f "$f" ] || continue
		grep -Iq . "$f" || continue
		out+=$(grep -nHE \
			-e 'sys_get_temp_dir|tempnam *\(' \
			-e '(^|[][[:space:]"'"'"'=(,:;<>|`])/tmp([]/"'"'"'[:space:],);|`}]|$)' \
			-e '/var/tmp|/dev/shm' \
			"$f" | grep -v 'mg-lint: ok' | grep -vE '^[^:]+:[0-9]+:[[:space:]]*(#|\*|//|/\*|--|dnl )')$'\n'
	done < <(cd "$ROOT" && git ls-files --cached --others --exclude-standard -- tests scripts bench Makefile.frag | sort -u)
	printf '%s' "$out" | grep .
}
if bad=$(cd "$ROOT" && lint); then
	fail "lint: fixed temporary paths (use mg_path() in tests, \${TMPDIR:-/tmp} in scripts)"
	printf '%s\n' "$bad" | head -n 30 | sed 's/^/#   /'
else
	ok "lint: no file of tests/, scripts/ or bench/ names a path under /tmp, sys_get_temp_dir(), tempnam(), /var/tmp or /dev/shm"
fi
# }}}

# {{{ 2. two runs at once
[ -f "$SO" ] || { fail "two runs: $SO not found (source scripts/lib.sh && mg_build)"; finish; }
command -v unshare >/dev/null || { fail "two runs: unshare not found (util-linux)"; finish; }
# The namespace's own checks print their lines; add their counts to ours.
out=$(unshare --mount --propagation private bash "$HERE/run.sh" --inside 2>&1)
printf '%s\n' "$out" | grep -vE '^[0-9]+ passed, [0-9]+ failed$'
line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
if [ -z "$line" ]; then
	fail "two runs: the namespace ended without a result"
	printf '%s\n' "$out" | tail -n 20 | sed 's/^/#   /'
else
	passed=$((passed + $(echo "$line" | cut -d' ' -f1)))
	failed=$((failed + $(echo "$line" | cut -d' ' -f3)))
fi
# }}}
finish
