#!/usr/bin/env bash
# Checks that package.xml lists every file that ships, with the right role,
# and no file that does not exist (the idea of apcu's checkrel), so that
# `pecl package` never builds a broken tarball.
#
#   scripts/checkrel.sh           check; exit status 1 and a list of problems
#   scripts/checkrel.sh --update  rewrite the file list in package.xml
#   scripts/checkrel.sh --list    print the file list as package.xml holds it
#
# What ships: the top-level files below, and every file under ext/, docs/,
# tests/, sql/, scripts/ and milter/ that git tracks or would track (untracked files
# that .gitignore does not exclude), except .gitignore files. Roles: ext/, milter/,
# config.m4 and Makefile.frag are src; tests/ and milter/tests/ are test; sql/ is data;
# everything else is doc.
#
# package.xml keeps the list flat, one <file> per line with its full path,
# inside <dir name="/"> ... </dir>. --update rewrites exactly those lines and
# leaves the rest of package.xml alone. Needs bash, git, grep, sed, awk.
set -euo pipefail

cd "$(dirname "$0")/.."

PKG=package.xml
TOP_FILES="config.m4 Makefile.frag CREDITS LICENSE README.md CHANGELOG.md"
DIRS="ext docs tests sql scripts milter admin"

die() { echo "checkrel: $*" >&2; exit 2; }

git rev-parse --is-inside-work-tree >/dev/null 2>&1 || die "needs a git checkout"
[ -f "$PKG" ] || die "$PKG not found"

# Files that ship, one path per line, sorted.
shipped() {
	{
		printf '%s\n' $TOP_FILES
		# shellcheck disable=SC2086
		git ls-files --cached --others --exclude-standard -- $DIRS
	} | LC_ALL=C sort -u | while IFS= read -r f; do
		case "$f" in
			*/.gitignore|.gitignore) continue ;;
		esac
		# A tracked file deleted in the work tree does not ship.
		[ -f "$f" ] && printf '%s\n' "$f"
	done
	return 0
}

role() {
	case "$1" in
		tests/*|milter/tests/*) echo test ;;
		ext/*|milter/*|config.m4|Makefile.frag) echo src ;;
		admin/mailguard) echo script ;;
		sql/*|admin/*) echo data ;;
		*) echo doc ;;
	esac
}

# The <file> lines package.xml should hold.
expected() {
	local f
	shipped | while IFS= read -r f; do
		case "$f" in
			*[\&\<\>\"\']*) die "file name needs XML escaping, rename it: $f" ;;
		esac
		if [ "$(role "$f")" = script ]; then
			printf '   <file name="%s" role="script"><tasks:replace from="@data_dir@" to="data_dir" type="pear-config"/></file>\n' "$f"
		else
			printf '   <file name="%s" role="%s"/>\n' "$f" "$(role "$f")"
		fi
	done
}

# "name role" for every <file> in package.xml.
listed() {
	sed -nE 's/^[[:space:]]*<file name="([^"]+)" role="([^"]+)"[[:space:]]*(\/>|><tasks:replace [^>]*\/><\/file>).*/\1 \2/p' "$PKG" | LC_ALL=C sort
}

case "${1:-}" in
	--list)
		listed
		exit 0
		;;
	--update)
		grep -q '^  <dir name="/">$' "$PKG" || die "no '<dir name=\"/\">' line in $PKG"
		tmp=$(mktemp)
		trap 'rm -f "$tmp" "$tmp.xml"' EXIT
		expected >"$tmp"
		awk -v list="$tmp" '
			$0 == "  <dir name=\"/\">" { print; while ((getline l < list) > 0) print l; skip = 1; next }
			skip && $0 == "  </dir>" { skip = 0 }
			!skip { print }
		' "$PKG" >"$tmp.xml"
		# Write in place so the file keeps its mode and owner.
		cat "$tmp.xml" >"$PKG"
		echo "checkrel: $PKG now lists $(grep -c . "$tmp") files"
		exit 0
		;;
	"")
		;;
	*)
		die "usage: $0 [--update|--list]"
		;;
esac

problems=0
want=$(expected | sed -nE 's/^ *<file name="([^"]+)" role="([^"]+)"(\/>|><tasks:replace [^>]*\/><\/file>)$/\1 \2/p')
have=$(listed)

# Shipped files missing from package.xml, or listed with another role.
out=$(awk -v pkg="$PKG" '
	NR == FNR { if ($1 != "") have[$1] = $2; next }
	$1 == "" { next }
	!($1 in have) { print "missing from " pkg ": " $1; next }
	have[$1] != $2 { print "wrong role in " pkg ": " $1 " is \"" have[$1] "\", should be \"" $2 "\"" }
' <(printf '%s\n' "$have") <(printf '%s\n' "$want"))
if [ -n "$out" ]; then
	printf '%s\n' "$out"
	problems=1
fi

# Files named in package.xml that do not exist.
while IFS=' ' read -r f r; do
	[ -n "$f" ] || continue
	if [ ! -f "$f" ]; then
		echo "listed in $PKG but not found: $f"
		problems=1
	fi
done <<<"$have"

# Every <file> line must be in the one form this script reads.
if [ "$(grep -c '<file ' "$PKG")" != "$(printf '%s' "$have" | grep -c .)" ]; then
	echo "$PKG has <file> lines this script cannot read (one per line: <file name=\"...\" role=\"...\"/>)"
	problems=1
fi

if [ "$problems" != 0 ]; then
	echo "checkrel: $PKG is out of date; run scripts/checkrel.sh --update (in a clean tree)" >&2
	exit 1
fi
echo "checkrel: $PKG lists all $(printf '%s\n' "$want" | grep -c .) shipped files"
