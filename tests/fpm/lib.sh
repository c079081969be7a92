# A php-fpm master started by a test harness: sourced, not run
# (tests/fpm/run.sh, milter/tests/run.sh).
#
#   FPM_WRAP=(cmd args...)   # optional: a command the master runs under
#                            # (e.g. a mount namespace); it must exec its
#                            # arguments, so that FPM_PID is the master
#   fpm_start PHP_INI FPM_CONF OUT [SCAN_DIR] -- SOCKET...
#                            # starts the master as root in the foreground
#                            # of a background job, with a clean
#                            # environment; returns 0 once every SOCKET
#                            # exists, 1 (the master's output in OUT) if it
#                            # died or they did not appear within 10 s.
#                            # SCAN_DIR: PHP_INI_SCAN_DIR ("" or absent:
#                            # the SAPI's own, /etc/php/8.2/fpm/conf.d)
#   fpm_get SOCKET SCRIPT [QUERY] [USER]
#                            # one GET request with cgi-fcgi (as USER, or as
#                            # root, the web server's stand-in); prints the
#                            # response body, without the CGI headers
#   fpm_stop                 # SIGQUIT (graceful), then SIGKILL to its
#                            # workers and itself after 10 s; by pid only
#
# Variables: FPM (the binary, MG_FPM or php-fpm8.2), FPM_PID.

FPM=${MG_FPM:-php-fpm8.2}
FPM_PID=""

fpm_start() {
	local ini=$1 conf=$2 out=$3 scan="" s i all
	shift 3
	if [ "${1:-}" != "--" ]; then scan=$1; shift; fi
	[ "${1:-}" = "--" ] && shift
	local -a wrap=("${FPM_WRAP[@]+"${FPM_WRAP[@]}"}") envv=(PATH=/usr/sbin:/usr/bin:/sbin:/bin)
	[ -n "$scan" ] && envv+=(PHP_INI_SCAN_DIR="$scan")
	env -i "${envv[@]}" nice -n 10 "${wrap[@]}" "$FPM" -c "$ini" -y "$conf" -F >"$out" 2>&1 &
	FPM_PID=$!
	for i in $(seq 100); do
		kill -0 "$FPM_PID" 2>/dev/null || return 1
		all=1
		for s in "$@"; do [ -S "$s" ] || all=0; done
		[ $all = 1 ] && return 0
		sleep 0.1
	done
	return 1
}

fpm_get() {
	local sock=$1 script=$2 qs=${3:-} user=${4:-}
	local -a run=()
	[ -n "$user" ] && run=(runuser -u "$user" --)
	"${run[@]}" env -i GATEWAY_INTERFACE=CGI/1.1 SERVER_PROTOCOL=HTTP/1.1 REQUEST_METHOD=GET \
		SCRIPT_FILENAME="$script" SCRIPT_NAME="/${script##*/}" DOCUMENT_ROOT="${script%/*}" \
		QUERY_STRING="$qs" REQUEST_URI="/${script##*/}?$qs" SERVER_NAME=localhost REMOTE_ADDR=127.0.0.1 \
		timeout 60 cgi-fcgi -bind -connect "$sock" </dev/null | sed '1,/^\r*$/d'
}

fpm_stop() {
	local i
	if [ -n "$FPM_PID" ] && kill -0 "$FPM_PID" 2>/dev/null; then
		kill -QUIT "$FPM_PID" 2>/dev/null
		for i in $(seq 100); do kill -0 "$FPM_PID" 2>/dev/null || break; sleep 0.1; done
		if kill -0 "$FPM_PID" 2>/dev/null; then
			for i in $(pgrep -P "$FPM_PID"); do kill -KILL "$i" 2>/dev/null; done
			kill -KILL "$FPM_PID" 2>/dev/null
		fi
	fi
	[ -n "$FPM_PID" ] && wait "$FPM_PID" 2>/dev/null
	FPM_PID=""
}
