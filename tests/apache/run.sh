#!/usr/bin/env bash
# mod_php (apache2handler): the one per-vhost setting, mailguard.account.
#
#   bash tests/apache/run.sh
#
# Run as root after `source scripts/lib.sh && mg_install_deps && mg_build`.
# Starts a private Apache 2.4 (prefork, one child, so that "the next
# request" is the same process) with Debian's libphp8.2.so and mailguard,
# on 127.0.0.1 and a free port, with three name-based vhosts, a syslog
# listener and a capture MTA (both from tests/fpm). Prints one `ok - ...`
# or `FAIL - ...` line per check, then `N passed, N failed`. Nothing is
# skipped. Everything lives in ${TMPDIR:-/tmp}/mg-apache.XXXXXX, removed at
# the end (MG_APACHE_KEEP=1 keeps it).
#
# The rule under test (docs/configuration.md, mailguard.account): Apache's
# php_admin_value in the server or vhost config may set mailguard.account
# for the vhost's requests; nothing else may (not .htaccess php_value, not
# php_admin_value of any other mailguard.* setting, not ini_set()), and the
# account goes back to the startup value when the request ends.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PHP=${MG_PHP:-php8.2}
SO=${MG_SO:-$ROOT/modules/mailguard.so}
MODDIR=/usr/lib/apache2/modules

passed=0
failed=0
ok() { echo "ok - $*"; passed=$((passed + 1)); }
fail() { echo "FAIL - $*"; failed=$((failed + 1)); }
check() { if [ "$2" = "$3" ]; then ok "$1"; else fail "$1"; echo "#   expected: $2"; echo "#   got:      $3"; fi; }
die() {
	fail "setup: $1"
	[ -n "${2:-}" ] && [ -f "$2" ] && tail -n 30 "$2" | sed 's/^/#   /'
	echo "$passed passed, $failed failed"
	exit 1
}

[ "$(id -u)" = 0 ] || { echo "tests/apache/run.sh: run as root (Apache's parent must start as root)" >&2; exit 2; }
for f in /usr/sbin/apache2 "$MODDIR/libphp8.2.so" "$MODDIR/mod_mpm_prefork.so" "$SO"; do
	[ -e "$f" ] || die "$f not found (source scripts/lib.sh && mg_install_deps && mg_build)"
done

RUN=$(mktemp -d "${TMPDIR:-/tmp}/mg-apache.XXXXXX") || die "mktemp failed"
chmod 0711 "$RUN"
HTTPD_PID=""
LISTENER_PID=""
cleanup() {
	if [ -f "$RUN/httpd.pid" ]; then
		HTTPD_PID=$(cat "$RUN/httpd.pid")
	fi
	if [ -n "$HTTPD_PID" ] && kill -0 "$HTTPD_PID" 2>/dev/null; then
		kill -TERM "$HTTPD_PID" 2>/dev/null
		for _ in $(seq 100); do kill -0 "$HTTPD_PID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$HTTPD_PID" 2>/dev/null
	fi
	[ -n "$LISTENER_PID" ] && kill "$LISTENER_PID" 2>/dev/null
	wait 2>/dev/null
	[ -n "${MG_APACHE_KEEP:-}" ] || rm -rf "$RUN"
}
trap cleanup EXIT

# {{{ syslog listener, MTA, PHP ini
"$PHP" -n "$ROOT/tests/fpm/syslog-listener.php" "$RUN/log.sock" "$RUN/syslog.txt" 2>"$RUN/listener.log" &
LISTENER_PID=$!
install -m 0755 -d "$RUN/php" "$RUN/mail"
chown www-data "$RUN/mail"
install -m 0644 "$ROOT/tests/fpm/mta.sh" "$RUN/mta.sh"
# The startup values: account empty (= the effective user, www-data).
cat >"$RUN/php/php.ini" <<EOF
extension=$SO
display_errors=1
log_errors=0
html_errors=0
mailguard.syslog_socket=$RUN/log.sock
sendmail_path="/bin/sh $RUN/mta.sh $RUN/mail"
EOF
# Root-only, as install.md lays out the DSN file: mod_php reads it in the
# root parent before the children switch to www-data (check A1 shows it
# was read).
chmod 0600 "$RUN/php/php.ini"
for _ in $(seq 50); do [ -S "$RUN/log.sock" ] && break; sleep 0.1; done
[ -S "$RUN/log.sock" ] || die "syslog listener did not start" "$RUN/listener.log"
# }}}

# {{{ docroots
for v in 1 2 3; do install -m 0755 -d "$RUN/www$v"; done
cat >"$RUN/www1/send.php" <<'EOF'
<?php
$set = ini_set('mailguard.account', 'from_ini_set');
$r = mail('rcpt@example.com', 'subject', 'body');
echo json_encode(['pid' => getmypid(), 'ret' => $r, 'account' => ini_get('mailguard.account'), 'ini_set' => $set,
	'header' => ini_get('mailguard.header')]), "\n";
EOF
cp "$RUN/www1/send.php" "$RUN/www2/send.php"
# A customer's file under mod_php: every customer runs as www-data, so the
# file's owner (nobody here) is what the stamp must name.
cp "$RUN/www1/send.php" "$RUN/www1/owned.php"
chown 65534 "$RUN/www1/owned.php"
cp "$RUN/www1/send.php" "$RUN/www3/send.php"
# A script that fakes its origin before it sends (threat model row 7):
# vhost and client must still be Apache's, not these.
cat >"$RUN/www1/spoof.php" <<'EOF'
<?php
$_SERVER['REMOTE_ADDR'] = '203.0.113.66';
$_SERVER['SERVER_NAME'] = 'forged.example';
$_SERVER['HTTP_HOST'] = 'forged-host.example';
$_ENV['REMOTE_ADDR'] = '203.0.113.67';
putenv('REMOTE_ADDR=203.0.113.68');
putenv('SERVER_NAME=forged-env.example');
putenv('HTTP_HOST=forged-env-host.example');
apache_setenv('REMOTE_ADDR', '203.0.113.69');
apache_setenv('SERVER_NAME', 'forged-apache.example');
$r = mail('rcpt@example.com', 'subject', 'body');
echo json_encode(['pid' => getmypid(), 'ret' => $r]), "\n";
EOF
# The same from a session save handler's write(), which the session
# module calls from its RSHUTDOWN, after mailguard's (check A10).
cat >"$RUN/www1/spoof_session.php" <<'EOF'
<?php
session_set_save_handler(fn($p, $n) => true, fn() => true, fn($id) => '',
	function ($id, $data) {
		putenv('REMOTE_ADDR=203.0.113.68');
		putenv('SERVER_NAME=forged-env.example');
		apache_setenv('REMOTE_ADDR', '203.0.113.69');
		apache_setenv('SERVER_NAME', 'forged-apache.example');
		mail('rcpt@example.com', 'from write()', 'body');
		return true;
	}, fn($id) => true, fn($l) => 0);
session_id('mgsession');
session_start();
$_SESSION['n'] = 1;
echo json_encode(['pid' => getmypid()]), "\n";
EOF
# .htaccess: php_value cannot reach a PHP_INI_SYSTEM setting
cat >"$RUN/www2/.htaccess" <<'EOF'
php_value mailguard.account from_htaccess
php_flag mailguard.header off
EOF
# .htaccess: Apache does not allow php_admin_value here at all
cat >"$RUN/www3/.htaccess" <<'EOF'
php_admin_value mailguard.account from_htaccess_admin
EOF
# }}}

# {{{ httpd.conf
# The port: one the kernel picks as free (bind to port 0), written into
# httpd.conf; should another process take it before Apache binds it (two
# runs of the suite at once), Apache fails with EADDRINUSE and we pick again.
write_conf() {
cat >"$RUN/httpd.conf" <<EOF
ServerRoot /etc/apache2
ServerName localhost
PidFile $RUN/httpd.pid
Mutex file:$RUN default
Listen 127.0.0.1:$PORT
User www-data
Group www-data
ErrorLog $RUN/error.log
LogLevel warn
LoadModule mpm_prefork_module $MODDIR/mod_mpm_prefork.so
LoadModule authz_core_module $MODDIR/mod_authz_core.so
LoadModule php_module $MODDIR/libphp8.2.so
StartServers 1
MinSpareServers 1
MaxSpareServers 1
ServerLimit 1
MaxRequestWorkers 1
MaxConnectionsPerChild 0
UseCanonicalName On
PHPINIDir $RUN/php
<FilesMatch "\.php\$">
	SetHandler application/x-httpd-php
</FilesMatch>
<Directory $RUN>
	AllowOverride All
	Require all granted
</Directory>
# shop1: the admin's per-vhost account, plus two settings that must not
# apply per vhost
<VirtualHost 127.0.0.1:$PORT>
	ServerName shop1.example
	DocumentRoot $RUN/www1
	php_admin_value mailguard.account shop1
	php_admin_value mailguard.header 0
	php_admin_value mailguard.syslog_facility local5
</VirtualHost>
<VirtualHost 127.0.0.1:$PORT>
	ServerName shop2.example
	DocumentRoot $RUN/www2
</VirtualHost>
<VirtualHost 127.0.0.1:$PORT>
	ServerName shop3.example
	DocumentRoot $RUN/www3
</VirtualHost>
EOF
}
for try in 1 2 3 4 5; do
	PORT=$("$PHP" -n -r '$s = stream_socket_server("tcp://127.0.0.1:0"); echo explode(":", stream_socket_get_name($s, false))[1];')
	write_conf
	# Only this php.ini: no conf.d of the system's PHP.
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin PHP_INI_SCAN_DIR= APACHE_RUN_DIR="$RUN" APACHE_LOG_DIR="$RUN" \
		/usr/sbin/apache2 -f "$RUN/httpd.conf" -k start >"$RUN/start.log" 2>&1 && break
	grep -q 'Address already in use' "$RUN/start.log" "$RUN/error.log" 2>/dev/null && [ "$try" -lt 5 ] \
		|| die "apache2 did not start" "$RUN/start.log"
	echo "# port $PORT was taken before apache2 bound it; picking another" >&2
done
for _ in $(seq 50); do [ -s "$RUN/httpd.pid" ] && break; sleep 0.1; done
[ -s "$RUN/httpd.pid" ] || die "apache2 wrote no pid file" "$RUN/error.log"
HTTPD_PID=$(cat "$RUN/httpd.pid")
# }}}

# GET http://127.0.0.1:PORT/PATH with Host: HOST; prints "STATUS BODY".
get() {
	"$PHP" -n -r '
		$ctx = stream_context_create(["http" => ["header" => "Host: $argv[1]\r\n", "ignore_errors" => true, "timeout" => 20]]);
		$body = @file_get_contents("http://127.0.0.1:$argv[3]$argv[2]", false, $ctx);
		preg_match("~^HTTP/\S+ (\d+)~", $http_response_header[0] ?? "", $m);
		echo ($m[1] ?? "000"), " ", trim((string) $body), "\n";
	' "$1" "$2" "$PORT"
}
# The newest syslog line's key=value of $1 ("-" when absent).
lastkv() {
	tail -n 1 "$RUN/syslog.txt" | grep -oE "(^| )$1=[^ ]*" | head -n 1 | sed "s/^ *$1=//" | grep . || echo -
}
lines() { [ -f "$RUN/syslog.txt" ] && wc -l <"$RUN/syslog.txt" || echo 0; }
mails() { find "$RUN/mail" -mindepth 1 -maxdepth 1 -type d | wc -l; }
json() { "$PHP" -n -r '$j = json_decode($argv[1], true); echo json_encode($j[$argv[2]] ?? null);' "${1#* }" "$2"; }

# {{{ the checks
r1=$(get shop1.example /send.php)
check "A1. vhost php_admin_value mailguard.account = shop1: the mail is charged to shop1 (apache2handler, vhost shop1.example)" \
	"200 shop1 shop1.example apache2handler" "${r1%% *} $(lastkv account) $(lastkv vhost) $(lastkv sapi)"
check "A2. vhost php_admin_value of mailguard.header and mailguard.syslog_facility have no effect: stamped, facility mail (<22>)" \
	'"1" yes <22>' "$(json "$r1" header) $(grep -q '^X-PHP-Originating-Script:' "$RUN/mail/0/eml" 2>/dev/null && echo yes || echo no) $(tail -n 1 "$RUN/syslog.txt" | grep -oE '^<[0-9]+>')"
check "A3. ini_set('mailguard.account') in the vhost returns false; ini_get shows the vhost's account" \
	'false "shop1"' "$(json "$r1" ini_set) $(json "$r1" account)"
pid1=$(json "$r1" pid)

r2=$(get shop2.example /send.php)
check "A4. the next request in the same child, on a vhost without the directive: the startup account (www-data), not shop1's" \
	"$pid1 www-data \"\"" "$(json "$r2" pid) $(lastkv account) $(json "$r2" account)"
check "A5. .htaccess php_value mailguard.account and php_flag mailguard.header: no effect (stamped, account www-data)" \
	'200 "1" www-data' "${r2%% *} $(json "$r2" header) $(lastkv account)"

before=$(lines); mb=$(mails)
r3=$(get shop3.example /send.php)
check "A6. .htaccess php_admin_value is refused by Apache (500), no mail, no log line" \
	"500 $before $mb" "${r3%% *} $(lines) $(mails)"
grep -q 'php_admin_value not allowed here' "$RUN/error.log" \
	&& ok "A6b. Apache's error log names the refused directive" \
	|| { fail "A6b. Apache's error log names the refused directive"; tail -n 5 "$RUN/error.log" | sed 's/^/#   /'; }

r4=$(get shop1.example /send.php)
r5=$(get shop2.example /send.php)
check "A7. shop1 again, then shop2 again (same child): shop1, then www-data" \
	"$pid1 shop1 $pid1 www-data" \
	"$(json "$r4" pid) $(sed -n "$(( $(lines) - 1 ))p" "$RUN/syslog.txt" | grep -oE ' account=[^ ]*' | sed 's/ account=//') $(json "$r5" pid) $(lastkv account)"
mb=$(mails)
r6=$(get shop1.example /owned.php)
check "A8. mod_php (all customers as www-data): the stamp names the owner of the entry script (65534), not the process's uid" \
	"200 X-PHP-Originating-Script: 65534:owned.php" "${r6%% *} $(grep -m1 '^X-PHP-Originating-Script:' "$RUN/mail/$mb/eml" 2>/dev/null | tr -d '\r')"
r7=$(get shop1.example /spoof.php)
check "A9. \$_SERVER, \$_ENV, putenv() and apache_setenv() set to other values: the log has Apache's vhost and client, nothing forged" \
	"200 shop1.example 127.0.0.1 0" "${r7%% *} $(lastkv vhost) $(lastkv client) $(tail -n 1 "$RUN/syslog.txt" | grep -cE 'forged|203\.0\.113')"
n0=$(lines)
r8=$(get shop1.example /spoof_session.php)
for i in $(seq 50); do [ "$(lines)" -gt "$n0" ] && break; sleep 0.1; done
check "A10. the same in a session save handler's write(), after mailguard's RSHUTDOWN: the request's vhost and client, nothing forged" \
	"200 shop1.example 127.0.0.1 1 0" "${r8%% *} $(lastkv vhost) $(lastkv client) $(tail -n 1 "$RUN/syslog.txt" | grep -c 'subject="from write()"') $(tail -n 1 "$RUN/syslog.txt" | grep -cE 'forged|203\.0\.113')"
if grep -qiE 'segfault|child pid [0-9]+ exit signal' "$RUN/error.log"; then
	fail "no crash in Apache's error log"; grep -iE 'segfault|exit signal' "$RUN/error.log" | head -n 5 | sed 's/^/#   /'
else
	ok "no crash in Apache's error log"
fi
# }}}

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
