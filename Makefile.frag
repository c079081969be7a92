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
