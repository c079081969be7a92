#!/bin/sh
# The private temp dir of one test run. Every temporary path of the suite
# (phpt files, sockets, capture mails, PostgreSQL clusters, the harnesses'
# dirs) lives in it, so two runs on one machine never see each other's
# files; the phpt helpers refuse a shared temp dir (tests/inc/helpers.inc).
#
#   scripts/tmpdir.sh new [PID]   make ${TMPDIR:-/tmp}/mg-test.XXXXXX (mode 0755:
#                                 the postgres and pool users must reach into
#                                 it, nobody else may write) and print its
#                                 path; with PID, remove it once that process
#                                 has ended (for `make test`, whose recipe
#                                 cannot clean up after itself)
#   scripts/tmpdir.sh remove DIR  stop the PostgreSQL clusters left in DIR
#                                 (scripts/pg.sh destroy), then rm -rf DIR
#
# The caller exports the path as MG_TEST_TMP and as TMPDIR: run-tests.php
# replaces {TMP} in --INI-- with its own temp dir (TMPDIR), and the test
# processes inherit both.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)

remove() {
	d=$1
	[ -d "$d" ] || return 0
	case $(basename "$d") in
		mg-test.??????) ;;
		*) echo "tmpdir.sh: $d was not made by tmpdir.sh new; not removing it" >&2; return 1 ;;
	esac
	# Clusters of the run (its own, and those that tests cloned and failed
	# to destroy) are stopped before their files go.
	for m in "$d"/.mailguard-pg "$d"/*/.mailguard-pg "$d"/*/*/.mailguard-pg; do
		[ -e "$m" ] || continue
		bash "$root/scripts/pg.sh" destroy "$(dirname "$m")" >/dev/null 2>&1 || true
	done
	rm -rf -- "$d"
}

case ${1:-} in
	new)
		d=$(mktemp -d "${TMPDIR:-/tmp}/mg-test.XXXXXX")
		chmod 0755 "$d"
		if [ -n "${2:-}" ]; then
			# In a session of its own (Ctrl-C of make does not reach it),
			# with no terminal or pipe of the caller's held open.
			setsid sh -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; exec sh "$2" remove "$3"' \
				tmpdir-reaper "$2" "$root/scripts/tmpdir.sh" "$d" </dev/null >/dev/null 2>&1 &
		fi
		echo "$d"
		;;
	remove)
		[ $# -eq 2 ] || { echo "usage: $0 remove DIR" >&2; exit 2; }
		remove "$2"
		;;
	*)
		sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//' >&2
		exit 2
		;;
esac
