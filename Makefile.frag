# Regenerate the header scanner when re2c is installed; otherwise the
# committed scanner.c is used as is. Run from the source root with relative
# paths and no date/version so the output is byte-for-byte reproducible.
$(srcdir)/ext/mailguard/scanner.c: $(srcdir)/ext/mailguard/scanner.re
	@if test -n "$(MAILGUARD_RE2C)"; then \
		echo "re2c: regenerating ext/mailguard/scanner.c"; \
		(cd $(srcdir) && $(MAILGUARD_RE2C) -W -Werror --no-generation-date --no-version -o ext/mailguard/scanner.c ext/mailguard/scanner.re) || exit 1; \
	else \
		echo "re2c not found: using the committed ext/mailguard/scanner.c"; \
		touch $@; \
	fi

# `make test`: like scripts/test.sh, a private temp dir for this run
# (scripts/tmpdir.sh), exported as MG_TEST_TMP and TMPDIR, so that two runs
# on one machine never see each other's files; tests/inc/helpers.inc
# refuses a shared temp dir such as /tmp. Removed once make has exited. A
# caller's own MG_TEST_TMP (with TMPDIR set to it) is used as it is, and
# is the caller's to remove (scripts/tmpdir.sh remove also stops the
# cluster started in it).
ifneq ($(filter test,$(MAKECMDGOALS)),)
ifeq ($(MG_TEST_TMP),)
MG_TEST_TMP := $(shell sh $(srcdir)/scripts/tmpdir.sh new $$PPID)
TMPDIR := $(MG_TEST_TMP)
export MG_TEST_TMP TMPDIR
endif
# PHP's test rule points extension_dir at modules/, where only mailguard.so
# is, and drops the extension= lines of php.ini: the tests' --EXTENSIONS--
# (sockets, posix, mbstring, imap) would all skip. run-tests.php appends
# TEST_PHP_ARGS to its arguments, so a later extension_dir wins: a dir in
# the run's temp dir with links to PHP's extensions and to this build's
# mailguard.so.
MG_TEST_EXT := $(shell sh $(srcdir)/scripts/test-env.sh extdir "$(MG_TEST_TMP)" "$(EXTENSION_DIR)" "$(phplibdir)/mailguard.so")
TEST_PHP_ARGS += -d extension_dir=$(MG_TEST_EXT)
export TEST_PHP_ARGS
# The database tests need a PostgreSQL: without MG_PG_DSN, a private
# cluster in the run's temp dir (scripts/pg.sh template, as root with the
# server binaries installed), removed with the temp dir. Where none can be
# started, those tests skip and say why.
ifeq ($(MG_PG_DSN),)
MG_PG_ENV := $(shell sh $(srcdir)/scripts/test-env.sh pg "$(MG_TEST_TMP)")
ifneq ($(MG_PG_ENV),)
include $(MG_PG_ENV)
export $(shell sed -n 's/=.*//p' "$(MG_PG_ENV)")
endif
endif
endif

# `make install-admin`: the operator's command from a source tree (pecl
# installs it from package.xml instead: role script, in pear's bin_dir).
# Not part of `make install`, which pecl runs and whose files it copies
# without their execute bit. MAILGUARD_PREFIX=/usr/local by default.
MAILGUARD_PREFIX ?= /usr/local
install-admin:
	@set -e; share=$(INSTALL_ROOT)$(MAILGUARD_PREFIX)/share/mailguard; \
	mkdir -p $(INSTALL_ROOT)$(MAILGUARD_PREFIX)/bin $$share/admin/lib $$share/sql/migrations; \
	sed 's|@data_dir@|$(MAILGUARD_PREFIX)/share|' $(srcdir)/admin/mailguard >$(INSTALL_ROOT)$(MAILGUARD_PREFIX)/bin/mailguard; \
	chmod 755 $(INSTALL_ROOT)$(MAILGUARD_PREFIX)/bin/mailguard; \
	cp $(srcdir)/admin/lib/*.php $$share/admin/lib/; \
	sed 's|/usr/bin/mailguard|$(MAILGUARD_PREFIX)/bin/mailguard|' $(srcdir)/admin/mailguard-watch.service >$$share/admin/mailguard-watch.service; \
	cp $(srcdir)/sql/mailguard-db $$share/sql/; chmod 755 $$share/sql/mailguard-db; \
	cp $(srcdir)/sql/migrations/*.sql $$share/sql/migrations/; \
	echo "installed $(MAILGUARD_PREFIX)/bin/mailguard, its lib and sql/ in $(MAILGUARD_PREFIX)/share/mailguard"
