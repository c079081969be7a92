#!/usr/bin/env bash
# mailguard benchmark over a real php-fpm: one mail() per request, the
# pattern of most sites (a contact form, a password reset), where a
# worker's connection outlives the request and the request ends right
# after its one mail. See bench/README.md ("php-fpm, one mail per request").
#
#   bash bench/fpm.sh
#
# Three php-fpm masters side by side, the same php.ini but for mailguard,
# the same stub sendmail, 2 static workers each:
#   a  no mailguard
#   m  mailguard + DSN, mailguard.synchronous_commit=off
#   d  mailguard + DSN, synchronous_commit on (durable; no target)
#   r  no mailguard, but one `SELECT 1` round trip (PHP's pgsql extension,
#      a persistent connection as the client role, over the same socket)
#      inside the timed part before mail(): the floor of any design that
#      waits for one answer from the server before the MTA starts
# Then three measurements of m alone:
#   commits  database commits per mail over BENCH_FPM_COMMITS one-mail
#            requests (pg_stat_database.xact_commit, read after the workers
#            and their backends are gone, so every commit is flushed)
#   frozen   the server SIGSTOPped, m with fail_mode=closed (a refused mail
#            runs no sendmail, so its mail() time is mailguard's): mail()
#            time of each request, the first one per worker (bounded by
#            timeout_ms) and the later ones (the open circuit: no wait),
#            then SIGCONT and the recovery
#
# Environment: BENCH_ROUNDS (10), BENCH_PER (100 requests per variant per
# round), BENCH_FPM_COMMITS (200), BENCH_REBUILD=1. As root, Debian 12.
# Exit status: 0 whatever the figures; non-zero when something failed to
# run.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ROUNDS=${BENCH_ROUNDS:-10}
PER=${BENCH_PER:-100}
NCOMMIT=${BENCH_FPM_COMMITS:-200}
WARMUP=20
NFROZEN=20
TIMEOUT_MS=200
RETRY_MS=3000
for v in ROUNDS PER NCOMMIT; do
	[[ ${!v} =~ ^[0-9]+$ ]] && [ "${!v}" -gt 0 ] || { echo "bench: $v must be a positive integer" >&2; exit 2; }
done
FPM=${MG_FPM:-php-fpm8.2}
RUNAS=www-data

# {{{ deps, build; scratch dir, cluster, masters: all undone on exit
mg_install_deps >&2
bench_module
declare -A MASTER
bench_on_exit() {
	local v
	for v in "${!MASTER[@]}"; do stop_master "$v"; done
}
bench_scratch mg-bench-fpm
bench_pg_start
psql_su -c "INSERT INTO mailguard.accounts(name) VALUES ('bench_m'), ('bench_d')"

bench_tools
mkdir -p "$WORK/www" "$WORK/s" "$WORK/scan"
install -m 0644 "$BENCH/fpm-mail.php" "$WORK/www/fpm-mail.php"
chmod 0755 "$WORK/www"
chown "$RUNAS" "$WORK/s"

# php.ini of each variant: nothing from /etc/php (PHP_INI_SCAN_DIR is an
# empty dir of ours); the DSN only in m's and d's.
ini() {
	printf '%s\n' "sendmail_path = \"$STUB\"" "mail.add_x_header = 0" "display_errors = stderr" \
		"log_errors = 0" "opcache.enable = 0"
	case $1 in
		r) echo "extension = pgsql" ;;
		m|d|f)
			printf '%s\n' "extension = $MG_SO" "mailguard.account = bench_${1/f/m}" "mailguard.syslog = 0" \
				"mailguard.dsn = \"$MG_PG_DSN\""
			[ "$1" = d ] && echo "mailguard.synchronous_commit = on" || echo "mailguard.synchronous_commit = off"
			# m and d: the default timeout_ms (500) and retry_ms
			[ "$1" != f ] || printf '%s\n' "mailguard.fail_mode = closed" \
				"mailguard.timeout_ms = $TIMEOUT_MS" "mailguard.retry_ms = $RETRY_MS"
			;;
	esac
}
start_master() {
	local v=$1 i
	ini "$v" >"$WORK/php-$v.ini"
	cat >"$WORK/fpm-$v.conf" <<EOF
[global]
pid = $WORK/fpm-$v.pid
error_log = $WORK/fpm-$v.log
daemonize = no
[bench]
user = $RUNAS
group = $RUNAS
listen = $WORK/fpm-$v.sock
listen.owner = root
listen.mode = 0600
pm = static
pm.max_children = 2
EOF
	rm -f "$WORK/fpm-$v.sock"
	PHP_INI_SCAN_DIR=$WORK/scan "$FPM" -F -c "$WORK/php-$v.ini" -y "$WORK/fpm-$v.conf" >/dev/null 2>&1 &
	MASTER[$v]=$!
	for i in $(seq 100); do [ -S "$WORK/fpm-$v.sock" ] && return 0; sleep 0.05; done
	cat "$WORK/fpm-$v.log" >&2
	echo "bench: php-fpm for $v did not start" >&2
	exit 1
}
stop_master() {
	local pid=${MASTER[$1]:-} i
	[ -n "$pid" ] || return 0
	kill -QUIT "$pid" 2>/dev/null || true
	for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	unset "MASTER[$1]"
}
# req VARIANT COUNT OUTFILE: COUNT requests one after the other, timed by
# spawn (fork+exec of cgi-fcgi to its exit); the request's own line goes
# to OUTFILE
req() {
	local floor=""
	[ "$1" != r ] || floor=$MG_PG_DSN
	"$SPAWN" "$2" SCRIPT_FILENAME="$WORK/www/fpm-mail.php" SCRIPT_NAME=/fpm-mail.php REQUEST_METHOD=GET \
		QUERY_STRING="o=$3" MG_BENCH_FLOOR_DSN="$floor" cgi-fcgi -bind -connect "$WORK/fpm-$1.sock"
}
# }}}

VARIANTS=(a m d r)
for v in "${VARIANTS[@]}"; do start_master "$v"; done
for v in "${VARIANTS[@]}"; do req "$v" "$WARMUP" "$WORK/s/warm-$v" >/dev/null; done

# {{{ 1. rounds, interleaved, order rotated
cpu() { read -r _ u n s i w q sq st _ </proc/stat; echo "$((u+n+s+i+w+q+sq+st)) $((i+w)) $st"; }
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
read -r tot0 idle0 st0 < <(cpu)
mg_say "one mail per request: ${#VARIANTS[@]} variants x $ROUNDS rounds x $PER requests" >&2
for r in $(seq 0 $((ROUNDS - 1))); do
	order=("${VARIANTS[@]:r % ${#VARIANTS[@]}}" "${VARIANTS[@]:0:r % ${#VARIANTS[@]}}")
	for v in "${order[@]}"; do
		req "$v" "$PER" "$WORK/s/$v.r$r" >"$WORK/s/$v.w$r"
	done
	printf '  round %d/%d done (%s)\n' $((r + 1)) "$ROUNDS" "${order[*]}" >&2
done
read -r tot1 idle1 st1 < <(cpu)
dt=$((tot1 - tot0)); [ "$dt" -gt 0 ] || dt=1
BUSY=$(awk "BEGIN{printf \"%.1f\", 100 * ($dt - ($idle1 - $idle0)) / $dt}")
STEAL=$(awk "BEGIN{printf \"%.1f\", 100 * ($st1 - $st0) / $dt}")
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
# }}}

# {{{ 2. commits per mail, m alone
# read from the database postgres, so that the readings are not counted
DBNAME=$(psql_su -c "SELECT current_database()")
psql_pg() { bash "$MG_ROOT/scripts/pg.sh" psql "$PGDIR" -qAt -d postgres "$@"; }
xact() { psql_pg -c "SELECT xact_commit FROM pg_stat_database WHERE datname = '$DBNAME'"; }
backends() { psql_pg -c "SELECT count(*) FROM pg_stat_activity WHERE usename = 'mailguard_web'"; }
gone() {
	local i
	for i in $(seq 200); do [ "$(backends)" = 0 ] && return 0; sleep 0.05; done
	echo "bench: mailguard_web backends still there" >&2
	exit 1
}
for v in a d r; do stop_master "$v"; done
stop_master m
gone
rows0=$(psql_su -c "SELECT count(*) FROM mailguard.log WHERE account = 'bench_m'")
sleep 1.1     # that session's stats flushed
c0=$(xact)
c1=$(xact)    # c1 - c0: what the readings add (0 expected)
start_master m
mg_say "commits: $NCOMMIT one-mail requests to m" >&2
req m "$NCOMMIT" "$WORK/s/commits" >/dev/null
stop_master m
gone
c2=$(xact)
rows1=$(psql_su -c "SELECT count(*) FROM mailguard.log WHERE account = 'bench_m'")
sent=$(awk '$2 == 1' "$WORK/s/commits" | wc -l)
COMMITS=$((c2 - c1 - (c1 - c0)))
MAILS=$((rows1 - rows0))
# }}}

# {{{ 3. frozen server: f, m with fail_mode=closed, so that a refused
# mail's time is mailguard's alone (no sendmail)
start_master f
req f 4 "$WORK/s/frozen-warm" >/dev/null
PGPID=$(head -n 1 "$PGDIR/data/postmaster.pid")
mg_say "frozen: SIGSTOP the server, $NFROZEN requests to m (timeout_ms=$TIMEOUT_MS, retry_ms=$RETRY_MS)" >&2
kill -STOP "$PGPID"; pkill -STOP -P "$PGPID" || true
req f "$NFROZEN" "$WORK/s/frozen" >"$WORK/s/frozen.w"
kill -CONT "$PGPID"; pkill -CONT -P "$PGPID" || true
# after retry_ms the circuit lets the next mail try again
sleep $(awk "BEGIN{print ($RETRY_MS + 200) / 1000}")
rows2=$(psql_su -c "SELECT count(*) FROM mailguard.log WHERE account = 'bench_m' AND verdict = 'accept'")
req f 6 "$WORK/s/recovered" >/dev/null
rows3=$(psql_su -c "SELECT count(*) FROM mailguard.log WHERE account = 'bench_m' AND verdict = 'accept'")
recovered=$(awk '{printf "%.1fms:%s ", $1 / 1e6, ($2 == 1 ? "true" : "false")}' "$WORK/s/recovered")
late=$(psql_su -c "SELECT string_agg(n || ' x ' || v, ', ') FROM (SELECT verdict || coalesce(' ' || reason, '') AS v, count(*) AS n FROM mailguard.log WHERE account = 'bench_m' AND ts > now() - interval '30 s' GROUP BY 1 ORDER BY 1) x")
stop_master f
# }}}

# {{{ the report
echo "== environment"
echo "CPUs:        $(nproc) ($(sed -nE 's/^model name\s*: //p' /proc/cpuinfo | head -n 1))"
echo "PHP:         $("$MG_PHP" -n -r 'echo PHP_VERSION;'), $("$FPM" -v | head -n 1 | cut -d' ' -f1-3), pm=static, 2 workers per variant, opcache off"
echo "PostgreSQL:  $(psql_su -c 'SHOW server_version'), Unix socket, fsync=$(psql_su -c 'SHOW fsync')"
echo "mailguard:   $MG_SO ($(git rev-parse --short HEAD 2>/dev/null)), schema $(psql_su -c 'SELECT max(version) FROM mailguard.schema_version' 2>/dev/null || echo '?')"
echo "requests:    cgi-fcgi, one after the other, timed by bench/spawn.c (fork+exec+exit); mail() timed inside the request (hrtime)"
echo "N:           $ROUNDS rounds x $PER requests per variant (order rotated each round), $WARMUP untimed first"
echo "load:        loadavg $LOAD_START before, $LOAD_END after; during the rounds (this bench included): CPU busy ${BUSY}%, stolen ${STEAL}%"
echo
"$MG_PHP" -n "$BENCH/fpm-report.php" "$WORK/s" "$(nproc)" "$(cut -d' ' -f1 <<<"$LOAD_START")" "$BUSY" "${VARIANTS[@]}"
echo
echo "== commits per mail (m, $NCOMMIT one-mail requests, then the workers stopped)"
echo "xact_commit: +$COMMITS for $MAILS mails logged: $(awk "BEGIN{printf \"%.2f\", $COMMITS / ($MAILS > 0 ? $MAILS : 1)}") commits per mail (goal: 1)"
echo "mail() true: $sent of $NCOMMIT$([ "$MAILS" = "$NCOMMIT" ] || echo "; WARNING: $((NCOMMIT - MAILS)) requests not logged: the database did not answer within timeout_ms (fail mode), see the load")"
echo
echo "== frozen server (m with fail_mode=closed; SIGSTOP; timeout_ms=$TIMEOUT_MS, retry_ms=$RETRY_MS)"
"$MG_PHP" -n "$BENCH/fpm-report.php" --frozen "$WORK/s/frozen" "$TIMEOUT_MS"
echo "after SIGCONT and retry_ms: $((rows3 - rows2)) of 6 mails accepted by the database (goal: 6); mail() of each: $recovered"
echo "log rows of the last 30 s (the frozen questions the server ran when it woke are refuse late): $late"
# }}}
