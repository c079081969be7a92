#!/usr/bin/env bash
# mailguard built against a libpq without pipeline mode (libpq < 14, as far
# as mailguard can tell): ext/mailguard/pq.c finds PQenterPipelineMode and
# the other pipeline functions optional, and mg_db_question() then asks
# every question as the unnamed statement, also with mailguard.pooler =
# none, where a libpq 14+ prepares mailguard_check once per connection.
#
# The libpq is tests/libpq/nopipeline.c: it exports only the functions
# mailguard requires and forwards them to the system's libpq.so.5. It is
# installed as a libpq prefix (include/, lib/libpq.so.5) and the extension
# is built from a copy of the sources with --with-mailguard=PREFIX, the
# configure option for a libpq of the admin's own. Against a private
# PostgreSQL that logs every protocol step, three mails on one connection
# with each build: the server's log says which statement each one ran.
#
#   bash tests/libpq/run.sh
#
# Run as root after `source scripts/lib.sh && mg_install_deps && mg_build`
# (MG_SO may name another mailguard.so, the build with the real libpq).
# Prints `ok - ...` / `FAIL - ...` per check, `#` lines with evidence, then
# `N passed, N failed`. Everything lives in ${TMPDIR:-/tmp}/mg-libpq.XXXXXX,
# removed at the end (MG_LIBPQ_KEEP=1 keeps it).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PHP=${MG_PHP:-php8.2}
PHPIZE=${MG_PHPIZE:-phpize8.2}
PHP_CONFIG=${MG_PHP_CONFIG:-php-config8.2}
SO=${MG_SO:-$ROOT/modules/mailguard.so}

# ok, fail, check, die
. "$ROOT/tests/inc/harness.sh"

[ "$(id -u)" = 0 ] || { echo "tests/libpq/run.sh: run as root" >&2; exit 2; }
export PATH="/usr/lib/postgresql/15/bin:$PATH"
for cmd in "$PHP" "$PHPIZE" "$PHP_CONFIG" cc nm psql pkg-config; do
	command -v "$cmd" >/dev/null 2>&1 || die "$cmd not found (source scripts/lib.sh && mg_install_deps)"
done
[ -f "$SO" ] || die "$SO not found (source scripts/lib.sh && mg_build)"

# RUN, PGDIR (= $RUN/pg), cleanup on exit (tests/inc/harness.sh)
run_dir libpq MG_LIBPQ_KEEP

# {{{ the libpq prefix
real=$(pkg-config --variable=libdir libpq)/libpq.so.5
[ -r "$real" ] || die "the system's libpq.so.5 not found ($real)"
inc=$(pkg-config --variable=includedir libpq)
[ -r "$inc/libpq-fe.h" ] || inc=$inc/postgresql
P=$RUN/prefix
mkdir -p "$P/include" "$P/lib"
for h in libpq-fe.h postgres_ext.h pg_config_ext.h; do
	[ -r "$inc/$h" ] && ln -s "$inc/$h" "$P/include/$h"
done
cc -Wall -Wextra -Werror -fPIC -shared -Wl,-soname,libpq.so.5 -I"$inc" -DREAL_LIBPQ="\"$real\"" \
	-o "$P/lib/libpq.so.5" "$HERE/nopipeline.c" -ldl >"$RUN/shim.log" 2>&1 || die "building nopipeline.c" "$RUN/shim.log"
ln -s libpq.so.5 "$P/lib/libpq.so"
exports() { nm -D --defined-only "$1" | awk '$2 == "T" { print $3 }' | grep -c '^PQ.*Pipeline\|^PQpipeline'; }
check "the system's libpq has pipeline mode (else this test proves nothing)" [ "$(exports "$real")" -ge 3 ]
check "the stand-in libpq exports no pipeline function" [ "$(exports "$P/lib/libpq.so.5")" = 0 ]
# }}}

# {{{ the extension, built against it
S=$RUN/src
mkdir -p "$S/ext/mailguard"
cp "$ROOT/config.m4" "$ROOT/Makefile.frag" "$S/"
cp "$ROOT"/ext/mailguard/*.[ch] "$ROOT"/ext/mailguard/*.re "$S/ext/mailguard/"
if (cd "$S" && "$PHPIZE" && ./configure --with-php-config="$PHP_CONFIG" --with-mailguard="$P" --enable-mailguard-dev \
		&& make -j"$(nproc)") >"$RUN/build.log" 2>&1; then
	ok "phpize, configure --with-mailguard=PREFIX, make"
else
	die "building the extension against the stand-in libpq" "$RUN/build.log"
fi
line=$(grep -a 'for the libpq that mailguard loads on first use' "$RUN/build.log")
echo "# configure: $line"
check "configure chose the prefix's libpq.so.5" grep -qF "... $P/lib/libpq.so.5" <<<"$line"
# }}}

# {{{ a private PostgreSQL logging each parse, bind and execute
eval "$(bash "$ROOT/scripts/pg.sh" start "$RUN/pg" 2>"$RUN/pg.log")" || die "pg.sh start" "$RUN/pg.log"
adm() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$MG_PG_ADMIN_DSN" "$@"; }
adm -c "ALTER SYSTEM SET log_min_duration_statement = 0" -c "SELECT pg_reload_conf()" >/dev/null || die "ALTER SYSTEM"
for i in $(seq 100); do
	[ "$(adm -c "SHOW log_min_duration_statement")" = 0 ] && break
	sleep 0.05
done
adm -c "INSERT INTO mailguard.accounts (name) VALUES ('nopipeline')" >/dev/null || die "adding the account"
LOG=$MG_PG_DIR/log/postgresql.log

# mails SO POOLER: three mails on one connection with that build; prints
# the verdicts, then the protocol steps the server logged for the
# question, as "step statement xN", sorted
mails() {
	local so=$1 pooler=$2 off out
	off=$(stat -c %s "$LOG")
	out=$("$PHP" -n -d extension="$so" -d mailguard.dsn="\"$MG_PG_DSN\"" -d mailguard.account=nopipeline \
		-d mailguard.pooler="$pooler" -d sendmail_path="cat >/dev/null" \
		-r 'for ($i = 0; $i < 3; $i++) echo mail("a@example.com", "s", "b") ? "sent " : "refused ";' 2>&1)
	echo "$out"
	sleep 0.3
	tail -c +"$((off + 1))" "$LOG" | grep -oE '(parse|bind|execute) [^:]+: SELECT (m\.)?verdict' \
		| awk '{ sub(/:$/, "", $2); print $1, $2 }' | sort | uniq -c | awk '{ printf "%s %s x%s, ", $2, $3, $1 } END { print "" }'
}
# }}}

# {{{ the statements
out=$(mails "$S/modules/mailguard.so" none)
echo "# stand-in libpq, pooler=none: $(tr '\n' ' ' <<<"$out")"
check "without pipeline mode, three mails are sent (pooler=none)" grep -qx 'sent sent sent ' <<<"$(head -n 1 <<<"$out")"
check "... each as the unnamed statement, parsed each time" \
	grep -qx 'bind <unnamed> x3, execute <unnamed> x3, parse <unnamed> x3, ' <<<"$(tail -n 1 <<<"$out")"

out=$(mails "$SO" none)
echo "# system libpq, pooler=none: $(tr '\n' ' ' <<<"$out")"
check "with pipeline mode, three mails are sent (pooler=none)" grep -qx 'sent sent sent ' <<<"$(head -n 1 <<<"$out")"
check "... the first prepares mailguard_check, the others only bind and execute it" \
	grep -qx 'bind mailguard_check x3, execute mailguard_check x3, parse mailguard_check x1, ' <<<"$(tail -n 1 <<<"$out")"

n=$(adm -c "SELECT count(*) FROM mailguard.log WHERE account = 'nopipeline' AND verdict = 'accept'")
check "six mails logged as accepted ($n)" [ "$n" = 6 ]
# }}}

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
