# Shared by the scripts in this folder: dependency install and the build.
# Sourced, not run.

MG_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MG_PHP=${MG_PHP:-php8.2}
MG_PHPIZE=${MG_PHPIZE:-phpize8.2}
MG_PHP_CONFIG=${MG_PHP_CONFIG:-php-config8.2}

mg_say() { printf '==> %s\n' "$*"; }

# Installs what the build and the tests need from Debian's archive. Runs
# apt-get only when something is missing, so a second run is quick.
# libmariadb3 libidn12 libspf2-2: what exim4-daemon-heavy links against;
# milter/tests/exim.sh unpacks that package (it conflicts with postfix).
mg_install_deps() {
	local pkgs="php8.2-dev php8.2-cli php8.2-mbstring php8.2-imap php8.2-opcache
		php8.2-fpm php8.2-cgi php8.2-pgsql libfcgi-bin apache2 libapache2-mod-php8.2 pgbouncer
		re2c libpq-dev pkg-config valgrind clang make gcc
		postgresql-15 postgresql-client-15 postfix chromium
		libmilter-dev php-symfony-mailer libphp-phpmailer php-pear
		libmariadb3 libidn12 libspf2-2 openssl iproute2"
	local missing=""
	for p in $pkgs; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		if [ "$(id -u)" != 0 ]; then
			echo "missing packages:$missing (run as root, or install them)" >&2
			return 1
		fi
		mg_say "installing:$missing"
		# The tests start their own php-fpm and Apache: keep the packages'
		# scripts from starting the system services (policy-rc.d, as in
		# Debian containers; removed again only if we created it).
		local policy=""
		if [ ! -e /usr/sbin/policy-rc.d ]; then
			printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && policy=1
		fi
		# Postfix is only there for tests/postfix, which runs a private
		# instance of its own: answer debconf's question with "No
		# configuration", so that the package writes no /etc/postfix/main.cf
		# and the system's instance is never configured nor started.
		echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
		DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends $missing >/dev/null
		local rc=$?
		[ -n "$policy" ] && rm -f /usr/sbin/policy-rc.d
		return $rc
	fi
}

# phpize + configure + make, in the source tree, as an admin would; with the
# developer switch the build fails on any compiler warning.
mg_build() {
	cd "$MG_ROOT"
	if [ ! -f modules/mailguard.so ] || [ -n "${MG_REBUILD:-}" ] || [ ! -f Makefile ]; then
		mg_say "building mailguard (phpize, configure --enable-mailguard-dev, make)"
		"$MG_PHPIZE" --clean >/dev/null 2>&1 || true
		"$MG_PHPIZE" >/dev/null
		./configure --with-php-config="$MG_PHP_CONFIG" --with-mailguard --enable-mailguard-dev >/dev/null
	fi
	make -j"$(nproc)" >build.log 2>&1 || { cat build.log; return 1; }
	if grep -q 'warning:' build.log; then
		grep 'warning:' build.log
		echo "build produced warnings" >&2
		return 1
	fi
	MG_SO="$MG_ROOT/modules/mailguard.so"
	export MG_SO
}
