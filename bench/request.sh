#!/usr/bin/env bash
# What mailguard costs a request that sends no mail: instructions, counted
# by callgrind (deterministic, unlike wall time on a shared VM), in the
# module's per-request hooks: RINIT (reads vhost, client and entry script
# from the SAPI), RSHUTDOWN and post deactivate (frees them). One php-cgi
# request in plain CGI mode of a script that prints one byte, with the
# request variables a web server sets, with and without mailguard.
#
#   bash bench/request.sh
#
# Needs php-cgi8.2 and valgrind (scripts/lib.sh installs both) and a built
# modules/mailguard.so (MG_SO may name another). Prints the hooks'
# inclusive instruction counts, their sum, and the whole process's counts
# with and without mailguard. The process is mostly start-up: in a
# long-lived worker only the hooks' sum is paid per request (less, even:
# the first call of each libc function through the PLT, counted here, is
# paid once per process). Figures: docs/performance.md.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SO=${MG_SO:-$ROOT/modules/mailguard.so}
CGI=${MG_PHP_CGI:-/usr/bin/php-cgi8.2}
for cmd in "$CGI" valgrind callgrind_annotate; do
	command -v "$cmd" >/dev/null 2>&1 || { echo "bench/request.sh: $cmd not found (source scripts/lib.sh && mg_install_deps)" >&2; exit 2; }
done
[ -f "$SO" ] || { echo "bench/request.sh: $SO not found (source scripts/lib.sh && mg_build)" >&2; exit 2; }

T=$(mktemp -d "${TMPDIR:-/tmp}/mg-bench-request.XXXXXX")
trap '[ -n "${MG_BENCH_KEEP:-}" ] || rm -rf -- "$T"' EXIT
echo '<?php echo "x";' >"$T/e.php"

run() {
	env -i GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET REDIRECT_STATUS=200 SERVER_NAME=shop.example \
		HTTP_HOST=shop.example REMOTE_ADDR=192.0.2.10 SCRIPT_FILENAME="$T/e.php" \
		valgrind --tool=callgrind --callgrind-out-file="$T/cg.$1" "$CGI" -n "${@:2}" >/dev/null 2>"$T/err.$1"
}
run with -d extension="$SO"
run without

# inclusive Ir of a function of mailguard.c / the whole program
ir() {
	(cd "$T" && callgrind_annotate --inclusive=yes --threshold=100 --auto=no "cg.$1" 2>/dev/null) \
		| awk -v f="$2" '!done && $0 ~ f { gsub(",", "", $1); print $1; done = 1 }'
}
total_with=$(ir with 'PROGRAM TOTALS')
total_without=$(ir without 'PROGRAM TOTALS')
sum=0
for hook in zm_activate_mailguard zm_deactivate_mailguard zm_post_zend_deactivate_mailguard; do
	n=$(ir with "mailguard.c:$hook ")
	n=${n:-0}
	printf '%-40s %8d instructions\n' "$hook" "$n"
	sum=$((sum + n))
done
printf '%-40s %8d instructions\n' "per request (sum)" "$sum"
printf 'whole process: %d with mailguard, %d without (ratio %s)\n' "$total_with" "$total_without" \
	"$(awk -v a="$total_with" -v b="$total_without" 'BEGIN { printf "%.4f", a / b }')"

# The same in a long-lived process: php-cgi as a FastCGI server (one
# process, PHP_FCGI_MAX_REQUESTS makes it exit after N requests) serving 1
# and then 21 requests; the difference over 20 is one request of a warm
# worker, start-up excluded.
fcgi_total() {   # $1 label, $2 requests, then php-cgi arguments
	local label=$1 n=$2 i pid
	shift 2
	rm -f "$T/fcgi.sock"
	env -i PATH=/usr/bin:/bin PHP_FCGI_MAX_REQUESTS="$n" \
		valgrind --tool=callgrind --callgrind-out-file="$T/cgf.$label.$n" "$CGI" -n "$@" -b "$T/fcgi.sock" \
		>/dev/null 2>"$T/errf.$label.$n" &
	pid=$!
	for i in $(seq 200); do [ -S "$T/fcgi.sock" ] && break; sleep 0.05; done
	for i in $(seq "$n"); do
		env -i GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET SERVER_NAME=shop.example HTTP_HOST=shop.example \
			REMOTE_ADDR=192.0.2.10 SCRIPT_FILENAME="$T/e.php" SCRIPT_NAME=/e.php QUERY_STRING= \
			cgi-fcgi -bind -connect "$T/fcgi.sock" >/dev/null
	done
	wait "$pid" || true
	(cd "$T" && callgrind_annotate --auto=no "cgf.$label.$n" 2>/dev/null) \
		| awk '!done && /PROGRAM TOTALS/ { gsub(",", "", $1); print $1; done = 1 }'
}
if command -v cgi-fcgi >/dev/null 2>&1; then
	for label in with without; do
		ext=()
		[ "$label" = with ] && ext=(-d extension="$SO")
		a=$(fcgi_total "$label" 1 "${ext[@]}")
		b=$(fcgi_total "$label" 21 "${ext[@]}")
		eval "req_$label=$(( (b - a) / 20 ))"
	done
	printf 'one request of a warm FastCGI process: %d instructions with mailguard, %d without (+%d, ratio %s)\n' \
		"$req_with" "$req_without" "$((req_with - req_without))" \
		"$(awk -v a="$req_with" -v b="$req_without" 'BEGIN { printf "%.4f", a / b }')"
else
	echo "(cgi-fcgi not found: the warm-process figure needs libfcgi-bin)"
fi
