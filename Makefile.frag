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
# caller's own MG_TEST_TMP (with TMPDIR set to it) is used as it is.
ifneq ($(filter test,$(MAKECMDGOALS)),)
ifeq ($(MG_TEST_TMP),)
MG_TEST_TMP := $(shell sh $(srcdir)/scripts/tmpdir.sh new $$PPID)
TMPDIR := $(MG_TEST_TMP)
export MG_TEST_TMP TMPDIR
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
