#!/usr/bin/env bash
# The release tarball as an admin gets it (issue 14, "Packaging"):
#
# 1. `make test` in the unpacked tarball (phpize, configure, make, no repo
#    script) runs the phpt suite: the tests load the extensions they need
#    and the database tests start their own private PostgreSQL
#    (Makefile.frag, scripts/test-env.sh); few skip, none fails.
# 2. `pecl install` of the tarball, with a PEAR configuration and prefix of
#    this run's own (pear config-create; PHP_PEAR_SYSCONF_DIR keeps the
#    system's pear.conf out), builds the extension and puts the `mailguard`
#    command in that bin_dir, its SQL in that data_dir; the installed copy
#    finds its SQL (`schema apply`, `schema status` against a private
#    cluster). pecl always copies the module into PHP's extension dir: the
#    installs run in a mount namespace of their own where that dir is a
#    private copy, so the system's is never written.
# 3. `pecl upgrade` to a tarball with one more migration (made here, in a
#    copy): `mailguard schema status` says it is pending, exit 1; after
#    `schema apply`, none is.
#
#   bash tests/pecl/run.sh
#
# Run as root (pecl's install as an admin runs it; scripts/pg.sh). Needs
# php-pear, php8.2-dev, util-linux's unshare. Prints "ok - ..." or
# "FAIL - ..." per check and "N passed, N failed" last; non-zero exit on a
# failure. Everything lives in one private temp dir (scripts/tmpdir.sh),
# removed on exit with its clusters.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PHP=${MG_PHP:-php8.2}
PHP_CONFIG=${MG_PHP_CONFIG:-php-config8.2}
PHPIZE=${MG_PHPIZE:-phpize8.2}

[ "$(id -u)" = 0 ] || { echo "tests/pecl/run.sh: run as root" >&2; exit 2; }

T=$(sh "$ROOT/scripts/tmpdir.sh" new) || exit 2
trap 'sh "$ROOT/scripts/tmpdir.sh" remove "$T"' EXIT
trap 'exit 130' INT TERM

passed=0
failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
# every line of the details is prefixed, a multi-line one too: the suite's
# summary shows only the lines that start with "#   "
fail() { echo "FAIL - $1"; shift; [ $# = 0 ] || printf '%s\n' "$@" | sed 's/^/#   /' | head -n 40; failed=$((failed + 1)); }
check() { local label=$1; shift; if "$@" >/dev/null 2>&1; then ok "$label"; else fail "$label"; fi; }
finish() { echo "$passed passed, $failed failed"; [ "$failed" = 0 ]; exit $?; }
like() { if grep -qE -- "$2" <<<"$3"; then ok "$1"; else fail "$1" "want /$2/ in:" "$3"; fi; }

for c in pecl pear unshare "$PHPIZE" "$PHP_CONFIG"; do
	command -v "$c" >/dev/null || { fail "$c is installed"; finish; }
done
for d in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
	if [ -x "$d/psql" ]; then PATH="$d:$PATH"; break; fi
done
export PATH

# {{{ a PEAR of this run's own: config, prefix, no system pear.conf
P=$T/pear
CONF=$T/pear.conf
export PHP_PEAR_SYSCONF_DIR=$T/etc
mkdir -p "$PHP_PEAR_SYSCONF_DIR" "$P/bin"
pear config-create "$P" "$CONF" >/dev/null
pecl -c "$CONF" config-set bin_dir "$P/bin" >/dev/null
pecl -c "$CONF" config-set php_suffix 8.2 >/dev/null   # phpize8.2, php-config8.2
pecl_() { pecl -c "$CONF" "$@" 2>&1 | grep -v 'Undefined array key "user"'; return "${PIPESTATUS[0]}"; }
DATA=$(pecl -c "$CONF" config-get data_dir)

# pecl copies the built module into PHP's extension dir, whatever its
# config says. In a mount namespace of its own that dir is a private copy.
EXTDIR=$("$PHP_CONFIG" --extension-dir)
MYEXT=$T/extdir
mkdir -p "$MYEXT"
cp -a "$EXTDIR/." "$MYEXT/"
sys_before=$(stat -c '%Y %s' "$EXTDIR/mailguard.so" 2>/dev/null || echo none)
in_private_extdir() {
	unshare --mount --propagation private -- sh -c 'mount --bind "$1" "$2" && shift 2 && exec "$@"' \
		sh "$MYEXT" "$EXTDIR" "$@"
}
export MAKE="make -j2"   # what pecl's builder runs
# pecl_install install|upgrade TGZ VERSION LABEL: as an admin runs it
# (answering the with-mailguard prompt), the module into the private copy.
pecl_install() {
	local start rc out
	start=$(date +%s)
	out=$(echo yes | in_private_extdir pecl -c "$CONF" "$1" "$2" 2>&1)
	rc=$?
	echo "# pecl $1: $(( $(date +%s) - start )) s"
	if [ $rc = 0 ] && grep -q "$1 ok: channel://pecl.php.net/mailguard-$3" <<<"$out"; then
		ok "$4"
	else
		fail "$4 (exit $rc)" "$(tail -n 25 <<<"$out")"
		finish
	fi
}
# }}}

# {{{ the tarball, made as docs/install.md says (pecl package)
VER=$(sed -n '/<version>/,/<\/version>/s/.*<release>\(.*\)<\/release>.*/\1/p' "$ROOT/package.xml")
out=$(cd "$T" && pecl_ package "$ROOT/package.xml")
TGZ=$T/mailguard-$VER.tgz
if [ -f "$TGZ" ]; then ok "pecl package wrote mailguard-$VER.tgz"; else fail "pecl package wrote mailguard-$VER.tgz" "$out"; finish; fi
list=$(tar -tzf "$TGZ")
like "the tarball holds the command, its SQL and make test's helper" \
	"mailguard-$VER/admin/mailguard" "$(grep -E 'admin/mailguard$|scripts/test-env.sh$|sql/mailguard-db$' <<<"$list" | sort | tr '\n' ' ')"
# }}}

# {{{ 1. make test from the unpacked tarball
mkdir "$T/mt"
tar -xzf "$TGZ" -C "$T/mt"
SRC=$T/mt/mailguard-$VER
if (cd "$SRC" && "$PHPIZE" && ./configure --with-php-config="$PHP_CONFIG" --with-mailguard && make -j2) >"$T/mt-build.log" 2>&1; then
	ok "tarball: phpize, configure, make"
else
	fail "tarball: phpize, configure, make" "$(tail -n 20 "$T/mt-build.log")"
	finish
fi
# As an admin runs it, except for the temp dir: no MG_PG_* of the caller's.
# The temp dir is given (a caller's MG_TEST_TMP is used as it is): make
# test's own mg-test.XXXXXX inside this run's, itself inside the suite's,
# would take the longest test's socket path past the 108 bytes of
# sun_path. A cluster started in a caller's dir is the caller's to stop.
unset_pg=()
for v in $(compgen -e | grep -E '^(MG_PG_|MG_SO$|TEST_PHP_)'); do unset_pg+=(-u "$v"); done
MT=$T/m
mkdir "$MT"
start=$(date +%s)
(cd "$SRC" && env "${unset_pg[@]}" MG_TEST_TMP="$MT" TMPDIR="$MT" make test NO_INTERACTION=1 TESTS=-j2) >"$T/make-test.log" 2>&1
rc=$?
secs=$(( $(date +%s) - start ))
log=$(sed 's/\x1b\[[0-9;]*m//g' "$T/make-test.log")
n() { sed -nE "s/^Tests $1 *: *([0-9]+).*/\1/p" <<<"$log" | tail -n 1; }
total=$(sed -nE 's/^Number of tests *: *([0-9]+).*/\1/p' <<<"$log" | tail -n 1)
skipped=$(n skipped) tfailed=$(n failed) tpassed=$(n passed)
echo "# make test: ${total:-?} tests, ${tpassed:-?} passed, ${skipped:-?} skipped, ${tfailed:-?} failed, exit $rc, ${secs} s"
like "make test started its own PostgreSQL" "^make test: private PostgreSQL in $MT/pg " "$log"
if [ "${tfailed:-x}" = 0 ] && [ "$rc" = 0 ]; then
	ok "make test: no test failed"
else
	# the failed tests' names, then the start of each one's diff
	diffs=$(find "$SRC/tests" -name '*.diff' 2>/dev/null | sort | while read -r d; do
		echo "${d#"$SRC"/}:"; head -n 15 "$d"; done)
	fail "make test: no test failed (exit $rc)" "$(sed -n '/^FAILED TEST SUMMARY/,/^=====/p' <<<"$log" | grep -v '^[-=]' | head -n 20)" "$diffs"
fi
# The suite has ~100 tests; a skip on this machine (root, PostgreSQL,
# every extension they name) is a test that did not run.
if [ -n "$total" ] && [ "$total" -ge 90 ] && [ "${skipped:-99}" -le 2 ]; then
	ok "make test: $total tests, ${skipped} skipped (at most 2)"
else
	fail "make test: at least 90 tests, at most 2 skipped" "$(grep -aE '^SKIP|^TEST.*SKIP' <<<"$log" | head -n 20)"
fi
bash "$ROOT/scripts/pg.sh" destroy "$MT/pg" >/dev/null 2>&1
# }}}

# {{{ 2. pecl install into this run's PEAR
pecl_install install "$TGZ" "$VER" "pecl install mailguard-$VER.tgz (private config and prefix)"
check "the module is built into the private extension dir" test -f "$MYEXT/mailguard.so"
eq_ver=$("$PHP" -n -d extension="$MYEXT/mailguard.so" --ri mailguard 2>&1 | sed -n 's/^Version => //p')
if [ -n "$eq_ver" ]; then ok "the installed module loads (Version $eq_ver)"; else fail "the installed module loads"; fi
sys_after=$(stat -c '%Y %s' "$EXTDIR/mailguard.so" 2>/dev/null || echo none)
if [ "$sys_before" = "$sys_after" ]; then ok "the system's extension dir is untouched"; else fail "the system's extension dir is untouched" "$sys_before -> $sys_after"; fi

BIN=$P/bin/mailguard
check "mailguard is an executable in bin_dir" test -x "$BIN"
found=$(PATH="$P/bin:$PATH" command -v mailguard)
if [ "$found" = "$BIN" ]; then ok "mailguard is on the PATH of the prefix"; else fail "mailguard is on the PATH of the prefix" "found: $found"; fi
if grep -qF "'$DATA'" "$BIN" && ! grep -q '@data_dir@' "$BIN"; then
	ok "the installed command names pear's data_dir"
else
	fail "the installed command names pear's data_dir ($DATA)" "$(grep -n data_dir "$BIN")"
fi
if diff -r "$ROOT/sql/migrations" "$DATA/mailguard/sql/migrations" >/dev/null && [ -f "$DATA/mailguard/sql/mailguard-db" ] \
	&& [ -f "$DATA/mailguard/admin/lib/cli.php" ] && [ -f "$DATA/mailguard/admin/mailguard-watch.service" ]; then
	ok "SQL, lib and unit in data_dir/mailguard (as docs/install.md says)"
else
	fail "SQL, lib and unit in data_dir/mailguard" "$(cd "$DATA" 2>/dev/null && find mailguard | head -n 20)"
fi
out=$(PATH="$P/bin:$PATH" mailguard --help 2>&1); rc=$?
if [ $rc = 0 ] && grep -q 'schema apply' <<<"$out"; then ok "installed mailguard --help"; else fail "installed mailguard --help (exit $rc)" "$out"; fi
out=$(PATH="$P/bin:$PATH" mailguard schema --help 2>&1); rc=$?
if [ $rc = 0 ] && grep -q 'usage: mailguard schema' <<<"$out"; then ok "installed mailguard schema --help"; else fail "installed mailguard schema --help (exit $rc)" "$out"; fi

# A private cluster and a database without the schema: the installed
# copy applies it from its own SQL.
if ! pgenv=$(bash "$ROOT/scripts/pg.sh" start "$T/pg" 2>"$T/pg.log"); then
	fail "private PostgreSQL started" "$(tail -n 5 "$T/pg.log")"
	finish
fi
eval "$pgenv"
psql -X -q -v ON_ERROR_STOP=1 "$MG_PG_ADMIN_DSN" -c 'CREATE DATABASE pecl_fresh' >/dev/null
export MAILGUARD_CONF=$T/mailguard.conf
printf 'dsn = "host=%s port=%s dbname=pecl_fresh user=postgres"\n' "$MG_PG_HOST" "$MG_PG_PORT" >"$MAILGUARD_CONF"
chmod 0600 "$MAILGUARD_CONF"
mg() { (cd / && PATH="$P/bin:$PATH" mailguard "$@"); }
nmig=$(ls "$DATA/mailguard/sql/migrations" | grep -c '^[0-9]\{4\}_.*\.sql$')
out=$(mg schema status 2>&1); rc=$?
if [ $rc = 1 ] && grep -q 'not installed' <<<"$out"; then ok "schema status on an empty database: not installed, exit 1"; else fail "schema status on an empty database (exit $rc)" "$out"; fi
out=$(mg schema apply 2>&1); rc=$?
if [ $rc = 0 ] && [ "$(grep -c '^applied ' <<<"$out")" = "$nmig" ]; then
	ok "installed schema apply: the $nmig migrations from data_dir"
else
	fail "installed schema apply (exit $rc)" "$out"
fi
out=$(mg schema status 2>&1); rc=$?
like "installed schema status: no migration pending, exit 0" "^schema at version $nmig, no migration pending" "$out$([ $rc = 0 ] || echo " (exit $rc)")"
# }}}

# {{{ 3. pecl upgrade to a release with one more migration
NEWVER=$(awk -F. '{ printf "%d.%d.%d", $1, $2, $3 + 1 }' <<<"$VER")
NEXT=$(printf '%04d' $((10#$(ls "$ROOT/sql/migrations" | sed -n 's/^\([0-9]\{4\}\)_.*/\1/p' | sort | tail -n 1) + 1)))
MIG=sql/migrations/${NEXT}_pecl_upgrade_check.sql
UP=$T/up/mailguard-$VER
mkdir "$T/up"
tar -xzf "$TGZ" -C "$T/up"
printf -- '-- made by tests/pecl/run.sh: the later release'"'"'s migration\nCREATE TABLE mailguard.pecl_upgrade_check (n int);\n' >"$UP/$MIG"
# The source's package.xml (the tarball's own is pecl's rewrite, with
# nested <dir>s), one <file> and the version more.
last=$(grep -n '<file name="sql/migrations/' "$ROOT/package.xml" | tail -n 1 | cut -d: -f1)
sed -e "${last}a\\   <file name=\"$MIG\" role=\"data\"/>" \
	-e "/<version>/,/<\/version>/s/>$VER</>$NEWVER</" "$ROOT/package.xml" >"$UP/package.xml"
out=$(cd "$T/up" && pecl_ package "$UP/package.xml")
NEWTGZ=$T/up/mailguard-$NEWVER.tgz
[ -f "$NEWTGZ" ] || { fail "the later release's tarball" "$out"; finish; }
pecl_install upgrade "$NEWTGZ" "$NEWVER" "pecl upgrade to $NEWVER (one more migration)"
check "the upgrade brought ${NEXT}_pecl_upgrade_check.sql to data_dir" test -f "$DATA/mailguard/$MIG"
out=$(mg schema status 2>&1); rc=$?
if [ $rc = 1 ] && grep -q "^pending: ${NEXT}_pecl_upgrade_check$" <<<"$out" && grep -q '^1 migration(s) pending: run mailguard schema apply$' <<<"$out"; then
	ok "after the upgrade schema status says the migration is pending, exit 1"
else
	fail "after the upgrade schema status says the migration is pending, exit 1 (exit $rc)" "$out"
fi
out=$(mg schema status --json 2>/dev/null)
if "$PHP" -r '$j = json_decode(stream_get_contents(STDIN), true); exit($j["pending"] === [$argv[1]] ? 0 : 1);' "${NEXT}_pecl_upgrade_check" <<<"$out"; then
	ok "schema status --json lists the pending migration"
else
	fail "schema status --json lists the pending migration" "$out"
fi
out=$(mg schema apply 2>&1); rc=$?
like "schema apply applies it" "^applied ${NEXT}_pecl_upgrade_check" "$out (exit $rc)"
out=$(mg schema status 2>&1); rc=$?
like "then no migration is pending" "^schema at version $((10#$NEXT)), no migration pending" "$out$([ $rc = 0 ] || echo " (exit $rc)")"
# }}}

finish
