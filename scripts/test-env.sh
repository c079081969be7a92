#!/bin/sh
# What `make test` (Makefile.frag) needs beyond PHP's own test rule, so that
# the phpt suite runs from an unpacked release tarball as it does under
# scripts/test.sh. Both write only into the run's private temp dir.
#
#   scripts/test-env.sh extdir TMP EXTDIR SO
#       make TMP/ext with a link to every extension in PHP's EXTDIR and to
#       this build's mailguard.so (SO), and print its path (the tests load
#       sockets, posix, mbstring and imap from there)
#   scripts/test-env.sh pg TMP
#       start a private PostgreSQL in TMP/pg (scripts/pg.sh template), write
#       its MG_PG_*=value lines to TMP/pg.env and print that path; prints
#       nothing, and says why on stderr, when none can be started (not root,
#       no server binaries): the database tests then skip with that reason
set -u

root=$(cd "$(dirname "$0")/.." && pwd)

case ${1:-} in
	extdir)
		[ $# -eq 4 ] || { echo "usage: $0 extdir TMP EXTDIR SO" >&2; exit 2; }
		d=$2/ext
		mkdir -p "$d" || exit 1
		for f in "$3"/*.so; do
			[ -e "$f" ] && ln -sf "$f" "$d/"
		done
		# This build's module wins over an installed one.
		ln -sf "$4" "$d/mailguard.so"
		echo "$d"
		;;
	pg)
		[ $# -eq 2 ] || { echo "usage: $0 pg TMP" >&2; exit 2; }
		if [ "$(id -u)" != 0 ]; then
			echo "make test: not root, no private PostgreSQL: the database tests skip (run as root, or set MG_PG_DSN, MG_PG_ADMIN_DSN and MG_PG_TEMPLATE as scripts/pg.sh prints them)" >&2
			exit 0
		fi
		if ! out=$(bash "$root/scripts/pg.sh" template "$2/pg" 2>"$2/pg.log"); then
			echo "make test: no private PostgreSQL ($(tail -n 1 "$2/pg.log")): the database tests skip" >&2
			exit 0
		fi
		printf '%s\n' "$out" | sed -n "s/^export \(MG_PG_[A-Z_]*\)='\{0,1\}\([^']*\)'\{0,1\}$/\1=\2/p" >"$2/pg.env"
		echo "make test: private PostgreSQL in $2/pg (removed after the run)" >&2
		echo "$2/pg.env"
		;;
	*)
		sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2
		exit 2
		;;
esac
