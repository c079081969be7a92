# A private Postfix instance for tests: sourced, not run.
#
#   . tests/postfix/lib.sh
#   pf_start DIR        # DIR: an empty directory of the caller's (in its run
#                       # temp dir); starts Postfix with everything under it
#   $PF_SENDMAIL        # the submission command: sendmail -C PF_CONF -t -i
#   pf_wait_idle [SECS] # flush the queue, wait until every submitted
#                       # message has been delivered (default 20 s)
#   pf_stop             # stop the instance (postfix -c PF_CONF stop);
#                       # the caller removes DIR
#
# What pf_start sets up (DESIGN §8): its own config_directory (a generated
# main.cf and master.cf), queue_directory and data_directory, all in DIR;
# inet_interfaces = loopback-only; smtpd on 127.0.0.1 and a free high port
# (PF_PORT); every service unchrooted; mail_owner postfix (the user the
# Debian package creates); and one transport, `capture`, a pipe(8) that
# writes each delivered message, whole (headers and body, as Postfix would
# hand it to a mailbox), into a file of its own in PF_OUT/new (maildir
# style: written in PF_OUT/tmp, then renamed). default_transport,
# local_transport, relay_transport and virtual_transport all name it, so
# nothing ever leaves the machine and every recipient ends up in a file.
# Postfix logs to PF_LOG (maillog_file), not to syslog.
#
# Variables set by pf_start: PF_DIR PF_CONF PF_QUEUE PF_DATA PF_OUT PF_LOG
# PF_PORT PF_SENDMAIL. Set before pf_start: PF_MAIN_EXTRA (more main.cf
# lines, e.g. non_smtpd_milters for a milter harness; a later line
# overrides an earlier one), PF_MASTER_EXTRA (more master.cf lines, e.g.
# a second smtpd on [::1]:PORT), PF_INET_PROTOCOLS (default ipv4; all
# for such an smtpd), PF_MYNETWORKS (default 127.0.0.0/8), PF_DELIVER_USER
# (the user the pipe runs as; pipe(8) refuses root and mail_owner;
# default nobody).
#
# Runs as root. The system's own Postfix (/etc/postfix) is neither read
# for settings nor started nor changed: root may point sendmail, postfix
# and postqueue at another config directory (-C/-c, or MAIL_CONFIG)
# without it being listed in the system's alternate_config_directories.
# The meta files (postfix-files, postfix-script) are the package's, read
# from /etc/postfix.

PF_BIN=${PF_BIN:-/usr/sbin}

# Prints the delivered messages' paths, sorted by name (<queue id>.<n>).
pf_delivered() {
	find "$PF_OUT/new" -type f 2>/dev/null | sort
}

# A free TCP port on ADDR (default 127.0.0.1; ::1 for IPv6 loopback): the
# kernel's choice; another process could still take it before smtpd binds
# it, which pf_start reports.
pf_free_port() {
	local php=${MG_PHP:-php8.2} addr=${1:-127.0.0.1}
	if command -v "$php" >/dev/null 2>&1; then
		"$php" -n -r '$a = $argv[1]; $s = stream_socket_server(strpos($a, ":") !== false ? "tcp://[$a]:0" : "tcp://$a:0"); $n = stream_socket_get_name($s, false); echo substr($n, strrpos($n, ":") + 1), "\n";' "$addr"
	else
		python3 -c 'import socket, sys; a = sys.argv[1]; s = socket.socket(socket.AF_INET6 if ":" in a else socket.AF_INET); s.bind((a, 0)); print(s.getsockname()[1])' "$addr"
	fi
}

# Files waiting anywhere in the queue (maildrop: submitted, not yet
# picked up; incoming/active/deferred/hold: not yet delivered).
pf_queued() {
	find "$PF_QUEUE/maildrop" "$PF_QUEUE/incoming" "$PF_QUEUE/active" \
		"$PF_QUEUE/deferred" "$PF_QUEUE/hold" -type f 2>/dev/null | wc -l
}

pf_start() {
	local dir=$1 user=${PF_DELIVER_USER:-nobody} i
	[ "$(id -u)" = 0 ] || { echo "pf_start: run as root" >&2; return 1; }
	[ -x "$PF_BIN/postfix" ] && [ -x "$PF_BIN/sendmail" ] && [ -x "$PF_BIN/postqueue" ] \
		|| { echo "pf_start: Postfix not installed (apt-get install postfix; mg_install_deps does)" >&2; return 1; }
	id -u postfix >/dev/null 2>&1 || { echo "pf_start: no user postfix" >&2; return 1; }
	getent group postdrop >/dev/null || { echo "pf_start: no group postdrop" >&2; return 1; }
	id -u "$user" >/dev/null 2>&1 || { echo "pf_start: no user $user for the pipe transport" >&2; return 1; }
	case $dir in /*) ;; *) dir="$PWD/$dir" ;; esac

	PF_DIR=$dir
	PF_CONF=$dir/etc
	PF_QUEUE=$dir/queue
	PF_DATA=$dir/data
	PF_OUT=$dir/out
	PF_LOG=$dir/postfix.log
	PF_PORT=$(pf_free_port) || return 1
	PF_SENDMAIL="$PF_BIN/sendmail -C $PF_CONF -t -i"

	# The postfix and pipe users must reach their directories.
	mkdir -p "$PF_CONF" "$PF_QUEUE" "$PF_DATA" "$PF_OUT/tmp" "$PF_OUT/new" || return 1
	chmod 0755 "$dir" "$PF_CONF" "$PF_QUEUE"
	chown postfix: "$PF_DATA"
	chmod 0700 "$PF_DATA"
	chown "$user:" "$PF_OUT" "$PF_OUT/tmp" "$PF_OUT/new"
	chmod 0755 "$PF_OUT" "$PF_OUT/tmp" "$PF_OUT/new"
	: >"$PF_LOG"
	chown postfix: "$PF_LOG"

	# The pipe's command: stdin to tmp/<queue id>.<n>, then renamed into
	# new/, so a file in new/ is always whole. Exit 75 (EX_TEMPFAIL) on
	# any error: the message stays queued and pf_wait_idle reports it.
	cat >"$dir/deliver.sh" <<'EOF'
#!/bin/sh
# pipe(8) command of the private Postfix (tests/postfix/lib.sh)
out=$1 id=$2 n=0
umask 022
while ! (set -C; : >"$out/tmp/$id.$n") 2>/dev/null; do
	n=$((n + 1))
	[ $n -lt 1000 ] || exit 75
done
cat >"$out/tmp/$id.$n" && mv "$out/tmp/$id.$n" "$out/new/$id.$n" || exit 75
exit 0
EOF
	chmod 0755 "$dir/deliver.sh"

	cat >"$PF_CONF/main.cf" <<EOF
# written by tests/postfix/lib.sh: a private instance for one test run
compatibility_level = 3.6
config_directory = $PF_CONF
queue_directory = $PF_QUEUE
data_directory = $PF_DATA
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = mailguard-test.localdomain
mydomain = localdomain
myorigin = \$myhostname
mydestination =
relay_domains =
inet_interfaces = loopback-only
inet_protocols = ${PF_INET_PROTOCOLS:-ipv4}
mynetworks = ${PF_MYNETWORKS:-127.0.0.0/8}
smtpd_relay_restrictions = permit_mynetworks, reject
alias_maps =
alias_database =
local_recipient_maps =
biff = no
smtputf8_enable = no
# every destination is the capture pipe
default_transport = capture
local_transport = capture
relay_transport = capture
virtual_transport = capture
capture_destination_recipient_limit = 100
# nothing bounces back into the output as a second message
notify_classes =
# deliver at once, and never wait long for a retry
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
maillog_file = $PF_LOG
maillog_file_prefixes = $dir
EOF
	if [ -n "${PF_MAIN_EXTRA:-}" ]; then
		printf '%s\n' "$PF_MAIN_EXTRA" >>"$PF_CONF/main.cf"
	fi

	# Only the services a submission, a delivery and SMTP need; all with
	# chroot = n. The pipe runs as $user.
	cat >"$PF_CONF/master.cf" <<EOF
# written by tests/postfix/lib.sh
# service        type  private unpriv chroot wakeup maxproc command
127.0.0.1:$PF_PORT inet n       -      n      -      -       smtpd
pickup           unix  n       -      n      60     1       pickup
cleanup          unix  n       -      n      -      0       cleanup
qmgr             unix  n       -      n      300    1       qmgr
tlsmgr           unix  -       -      n      1000?  1       tlsmgr
rewrite          unix  -       -      n      -      -       trivial-rewrite
bounce           unix  -       -      n      -      0       bounce
defer            unix  -       -      n      -      0       bounce
trace            unix  -       -      n      -      0       bounce
verify           unix  -       -      n      -      1       verify
flush            unix  n       -      n      1000?  0       flush
proxymap         unix  -       -      n      -      -       proxymap
smtp             unix  -       -      n      -      -       smtp
showq            unix  n       -      n      -      -       showq
error            unix  -       -      n      -      -       error
retry            unix  -       -      n      -      -       error
discard          unix  -       -      n      -      -       discard
anvil            unix  -       -      n      -      1       anvil
scache           unix  -       -      n      -      1       scache
postlog          unix-dgram n  -      n      -      1       postlogd
capture          unix  -       n      n      -      -       pipe
  flags= user=$user argv=/bin/sh $dir/deliver.sh $PF_OUT \${queue_id}
EOF
	if [ -n "${PF_MASTER_EXTRA:-}" ]; then
		printf '%s\n' "$PF_MASTER_EXTRA" >>"$PF_CONF/master.cf"
	fi

	# `postfix start` runs the integrity checks (postfix-script check-fatal,
	# check-warn) and creates the queue's subdirectories.
	"$PF_BIN/postfix" -c "$PF_CONF" start >"$dir/start.log" 2>&1 \
		|| { cat "$dir/start.log" "$PF_LOG" >&2; return 1; }
	# master is up when its pid file is there and pickup's socket exists.
	for i in $(seq 100); do
		[ -s "$PF_DATA/master.lock" ] && [ -S "$PF_QUEUE/public/pickup" ] && break
		sleep 0.05
	done
	[ -S "$PF_QUEUE/public/pickup" ] || { echo "pf_start: Postfix did not start" >&2; cat "$dir/start.log" "$PF_LOG" >&2; return 1; }
	# The master binds smtpd's socket itself before it answers `start`:
	# one connection tells that the port was ours to take.
	(exec 3<>"/dev/tcp/127.0.0.1/$PF_PORT") 2>/dev/null \
		|| { echo "pf_start: nothing listens on 127.0.0.1:$PF_PORT" >&2; cat "$PF_LOG" >&2; return 1; }
	export PF_DIR PF_CONF PF_QUEUE PF_DATA PF_OUT PF_LOG PF_PORT PF_SENDMAIL
}

# Waits until the queue is empty: every message that sendmail handed over
# (a file in maildrop from the moment sendmail returns) has been picked up
# and delivered. Flushes the queue now and then, so a deferred message is
# retried. Returns 1, with the queue listing on stderr, after SECS seconds.
pf_wait_idle() {
	local secs=${1:-20} i
	"$PF_BIN/postqueue" -c "$PF_CONF" -f >/dev/null 2>&1
	for i in $(seq $((secs * 20))); do
		[ "$(pf_queued)" = 0 ] && return 0
		if [ $((i % 40)) = 0 ]; then
			"$PF_BIN/postqueue" -c "$PF_CONF" -f >/dev/null 2>&1
		fi
		sleep 0.05
	done
	echo "pf_wait_idle: still queued after ${secs}s:" >&2
	"$PF_BIN/postqueue" -c "$PF_CONF" -p >&2 2>&1
	return 1
}

# Stops the instance (the master stops its children). Safe to call twice
# and before pf_start finished.
pf_stop() {
	[ -n "${PF_CONF:-}" ] && [ -f "$PF_CONF/main.cf" ] || return 0
	"$PF_BIN/postfix" -c "$PF_CONF" stop >/dev/null 2>&1
	# postfix stop returns before the master is gone: wait for its lock
	# holder to exit (the pid in master.pid).
	local pid i
	pid=$(tr -dc 0-9 <"$PF_QUEUE/pid/master.pid" 2>/dev/null)
	if [ -n "$pid" ]; then
		for i in $(seq 100); do
			pf_alive "$pid" || break
			sleep 0.05
		done
		pf_alive "$pid" && "$PF_BIN/postfix" -c "$PF_CONF" abort >/dev/null 2>&1
	fi
	return 0
}

# A live process, not a zombie: the master's parent is init, which may
# reap it late (or, in a container, never).
pf_alive() {
	kill -0 "$1" 2>/dev/null || return 1
	[ "$(sed -E 's/^[0-9]+ \(.*\) ([A-Za-z]).*/\1/' "/proc/$1/stat" 2>/dev/null)" != Z ]
}
