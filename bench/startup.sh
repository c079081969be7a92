#!/usr/bin/env bash
# mailguard benchmark: what loading the extension costs a PHP process that
# sends no mail (start time, RSS, page faults), now that libpq is loaded
# lazily (ext/mailguard/pq.c), against the same process with libpq forced
# in at start (LD_PRELOAD: what the build linked with libpq cost), and the
# RSS once the first mail has asked the database. See bench/README.md.
#
#   bash bench/startup.sh
#
# Environment: STARTUP_ROUNDS (default 20), STARTUP_PER (timed starts per
# variant per round, default 40), STARTUP_LIBPQ (the libpq to preload,
# default /usr/lib/x86_64-linux-gnu/libpq.so.5), BENCH_REBUILD=1 as in
# run.sh. Runs as root on Debian 12 (installs what it needs, like run.sh).
# Exit status: 0 whatever the figures; non-zero only when something failed
# to run.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ROUNDS=${STARTUP_ROUNDS:-20}
PER=${STARTUP_PER:-40}
LIBPQ=${STARTUP_LIBPQ:-/usr/lib/x86_64-linux-gnu/libpq.so.5}
for v in ROUNDS PER; do
	[[ ${!v} =~ ^[0-9]+$ ]] && [ "${!v}" -gt 0 ] || { echo "startup: $v must be a positive integer" >&2; exit 2; }
done
[ -f "$LIBPQ" ] || { echo "startup: $LIBPQ not found (STARTUP_LIBPQ)" >&2; exit 2; }

# {{{ deps, build
mg_install_deps >&2
bench_module
if ldd "$MG_SO" | grep -q libpq; then
	echo "startup: $MG_SO is linked with libpq: not the lazy build this measures" >&2
	exit 1
fi
# }}}

# {{{ scratch dir, cluster; undone on exit
bench_scratch mg-startup
bench_pg_start
psql_su -c "INSERT INTO mailguard.accounts(name) VALUES ('bench_s')"

bench_tools
# }}}

# {{{ variants: the same php8.2 -n, the same sendmail_path
PHP_COMMON=(-n -d display_errors=stderr -d mail.add_x_header=0 -d "sendmail_path=$STUB")
MGDSN=(-d "extension=$MG_SO" -d mailguard.account=bench_s -d mailguard.syslog=0
	-d "mailguard.dsn=\"$MG_PG_DSN\"" -d mailguard.synchronous_commit=off)
VARIANTS=(a m p)
# vargs VARIANT: its environment (VENV: NAME=VALUE for the measured
# process only; spawn sets it after fork) and its php flags (VA)
vargs() {
	VENV=()
	VA=("${PHP_COMMON[@]}")
	case $1 in
		a) ;;
		m) VA+=("${MGDSN[@]}") ;;
		p) VENV=("LD_PRELOAD=$LIBPQ"); VA+=("${MGDSN[@]}") ;;
	esac
}
# }}}

mkdir -p "$WORK/start" "$WORK/probe" "$WORK/mail"
cpu() { read -r _ u n s i w q sq st _ </proc/stat; echo "$((u+n+s+i+w+q+sq+st)) $((i+w)) $st"; }
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
read -r tot0 idle0 st0 < <(cpu)
T0=$(date +%s)

# one untimed pass: page cache, the cluster's first connection
for v in "${VARIANTS[@]}"; do
	vargs "$v"
	"$SPAWN" 3 ${VENV[@]+"${VENV[@]}"} "$MG_PHP" "${VA[@]}" -r '' >/dev/null 2>"$WORK/err" \
		|| { cat "$WORK/err" >&2; echo "startup: variant $v failed to start" >&2; exit 1; }
	env ${VENV[@]+"${VENV[@]}"} "$MG_PHP" "${VA[@]}" "$BENCH/startup-probe.php" mail >/dev/null 2>>"$WORK/err"
done

mg_say "start: ${#VARIANTS[@]} variants x $ROUNDS rounds x $PER starts, then one RSS probe before and one after a mail each" >&2
for r in $(seq 0 $((ROUNDS - 1))); do
	order=("${VARIANTS[@]:r % ${#VARIANTS[@]}}" "${VARIANTS[@]:0:r % ${#VARIANTS[@]}}")
	for v in "${order[@]}"; do
		# (1) wall time, maxrss and faults of `php -n -r ''`, PER in a row
		vargs "$v"
		"$SPAWN" "$PER" ${VENV[@]+"${VENV[@]}"} "$MG_PHP" "${VA[@]}" -r '' >"$WORK/start/$v.r$r" 2>"$WORK/err" \
			|| { cat "$WORK/err" >&2; echo "startup: variant $v failed" >&2; exit 1; }
		# (2) VmRSS right after start, (3) after the first mail
		env ${VENV[@]+"${VENV[@]}"} "$MG_PHP" "${VA[@]}" "$BENCH/startup-probe.php" >"$WORK/probe/$v.r$r" 2>>"$WORK/err"
		env ${VENV[@]+"${VENV[@]}"} "$MG_PHP" "${VA[@]}" "$BENCH/startup-probe.php" mail >"$WORK/mail/$v.r$r" 2>>"$WORK/err"
		if [ -s "$WORK/err" ]; then
			echo "startup: variant $v round $r wrote to stderr:" >&2
			head -n 5 "$WORK/err" >&2
			: >"$WORK/err"
		fi
	done
	printf '  round %d/%d done (%s)\n' $((r + 1)) "$ROUNDS" "${order[*]}" >&2
done
read -r tot1 idle1 st1 < <(cpu)
T1=$(date +%s)
dt=$((tot1 - tot0)); [ "$dt" -gt 0 ] || dt=1
BUSY=$(awk "BEGIN{printf \"%.1f\", 100 * ($dt - ($idle1 - $idle0)) / $dt}")
STEAL=$(awk "BEGIN{printf \"%.1f\", 100 * ($st1 - $st0) / $dt}")
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
rows=$(psql_su -c "SELECT count(*) FROM mailguard.log WHERE account = 'bench_s' AND verdict = 'accept'")

# {{{ the report
echo "== environment"
echo "CPUs:        $(nproc) ($(sed -nE 's/^model name\s*: //p' /proc/cpuinfo | head -n 1))"
echo "kernel:      $(uname -r)"
echo "PHP:         $("$MG_PHP" -n -r 'echo PHP_VERSION;') (CLI, -n: no php.ini, no opcache)"
echo "PostgreSQL:  $(psql_su -c 'SHOW server_version'), Unix socket; libpq preloaded for p: $LIBPQ ($(readlink -f "$LIBPQ"))"
echo "mailguard:   $MG_SO ($(stat -c %y "$MG_SO" | cut -d. -f1), $(git rev-parse --short HEAD 2>/dev/null)); ldd: no libpq"
echo "command:     $MG_PHP ${PHP_COMMON[*]} [variant flags] -r ''  (timed by bench/spawn.c: fork+exec+wait4)"
echo "N:           $ROUNDS rounds x $PER starts per variant (order rotated each round), 1 RSS probe per variant per round after start and 1 after a mail"
echo "load:        loadavg $LOAD_START before, $LOAD_END after (run: $((T1 - T0)) s); during the run (this bench included): CPU busy ${BUSY}%, stolen ${STEAL}% (all CPUs)"
echo "DB:          $rows accepted mails logged for bench_s (expected $(( (ROUNDS + 1) * 2 )) from m and p)"
echo
"$MG_PHP" -n "$BENCH/startup-report.php" "$WORK" "$(nproc)" "$(cut -d' ' -f1 <<<"$LOAD_START")" "$BUSY" "${VARIANTS[@]}"
# }}}
