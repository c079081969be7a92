/*
 * Standalone tests for ext/mailguard/scanner.c (build: make -C tests/scanner check).
 *
 * Every input is copied into a heap buffer of exactly its length, so that
 * AddressSanitizer catches any read past the end (the scanner's buffers are
 * not NUL-terminated).
 *
 * Expected counts follow what Postfix 3.7 `sendmail -t -i` queues; for
 * malformed input they are the scanner's documented "max of readings"
 * (never below Postfix). A reference model of Postfix's grouper (written
 * from its documented behaviour, array based, quadratic-free but simple)
 * is compared against the scanner on many random inputs.
 */

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../ext/mailguard/scanner.h"

static int passed, failed, verbose;

/* The duplicate filter's memory (about 100 KiB: not on the stack). */
static mg_rcpt_set rset;

static void check(int ok, const char *what)
{
	if (ok) {
		passed++;
		if (verbose) {
			printf("ok: %s\n", what);
		}
	} else {
		failed++;
		printf("FAIL: %s\n", what);
	}
}

/* An exact-size heap copy (NULL for empty) so ASan sees overreads. */
static char *dup_exact(const char *s, size_t len)
{
	char *p;

	if (len == 0) {
		return NULL;
	}
	p = malloc(len);
	if (p == NULL) {
		perror("malloc");
		exit(2);
	}
	memcpy(p, s, len);
	return p;
}

/* ------------------------------------------------------------------ */
/* the case table: whole mails through mg_summarize()                  */

typedef struct {
	const char *desc;
	const char *to;
	size_t to_len;
	const char *hdrs;
	size_t hdrs_len;
	long rcpts;
	int has_resent;	/* -1: not checked */
	int has_stamp;	/* -1: not checked */
	int malformed;	/* -1: not checked */
} mail_case;

/* sizeof keeps NUL bytes inside literals */
#define MC(d, to, h, r, rs, st, m) { d, to, sizeof(to) - 1, h, sizeof(h) - 1, r, rs, st, m }

static const mail_case cases[] = {
	/* address lists in the to-argument */
	MC("single address", "a@x", "", 1, 0, 0, 0),
	MC("empty to and headers", "", "", 0, 0, 0, 0),
	MC("two comma-separated", "a@x, b@y", "", 2, 0, -1, 0),
	MC("display name + angle address", "John Smith <j@x>", "", 1, -1, -1, 0),
	MC("quoted display name with comma", "\"Doe, John\" <j@x>", "", 1, -1, -1, 0),
	MC("unquoted comma in display name splits", "Doe, John <j@x>", "", 2, -1, -1, 0),
	MC("quoted local part with comma", "\"Doe, John\"@x", "", 1, -1, -1, 0),
	MC("quoted word then address", "\"a b\" c@x", "", 2, -1, -1, 0),
	MC("escaped quote inside quoted string", "\"a\\\", b\" <c@x>", "", 1, -1, -1, 0),
	MC("escaped backslash ends quoted string", "\"a\\\\\", b@y", "", 2, -1, -1, 0),
	MC("missing comma: two addresses", "a@x b@y", "", 2, -1, -1, 0),
	MC("missing comma: two bare words", "John Smith", "", 2, -1, -1, 0),
	MC("words joined by @", "a @ x", "", 1, -1, -1, 0),
	MC("words joined by dots", "a . b@x", "", 1, -1, -1, 0),
	MC("two angle addresses, no comma", "<a@x> <b@y>", "", 2, -1, -1, 0),
	MC("address after angle address", "<a@x> b@y", "", 2, -1, -1, 0),
	MC("route syntax is one address", "<@a,@b:u@x>", "", 1, -1, -1, 0),
	MC("route syntax with display name", "Joe <@a.example,@b.example:joe@x.example>, c@y", "", 2, -1, -1, 0),
	MC("group of two", "team: a@x, b@y;", "", 2, -1, -1, 0),
	MC("undisclosed-recipients group", "undisclosed-recipients:;", "", 0, -1, -1, 0),
	MC("group with display names", "team: A <a@x>, \"B, b\" <b@y>;", "", 2, -1, -1, 0),
	MC("group followed by address", "g: a@x; b@y", "", 2, -1, -1, 0),
	MC("colon without semicolon joins", "team: a@x, b@y", "", 2, -1, -1, 0),
	MC("colon in display name splits", "Doe: John <j@x>", "", 2, -1, -1, 0),
	MC("empty elements", "a@x,,b@y", "", 2, -1, -1, 0),
	MC("leading and trailing commas", ",a@x,", "", 1, -1, -1, 0),
	MC("only commas", ",,,", "", 0, -1, -1, 0),
	MC("empty angle address", "<>", "", 0, -1, -1, 0),
	MC("comment only", "(nobody)", "", 0, -1, -1, 0),
	MC("nested comment with commas", "a@x (c, (d, e) f), b@y", "", 2, -1, -1, 0),
	MC("comment with escaped paren", "a@x (c \\) d, e)", "", 1, -1, -1, 0),
	MC("comment between words: two", "a (c) b", "", 2, -1, -1, 0),
	MC("comment hides group syntax", "team (x: y;): a@x;", "", 1, -1, -1, 0),
	MC("domain literal", "u@[192.0.2.1]", "", 1, -1, -1, 0),
	MC("domain literal with comma", "u@[a,b], v@y", "", 2, -1, -1, 0),
	MC("encoded word display name", "=?utf-8?q?J=C3=B6rg?= <j@x>", "", 1, -1, -1, 0),
	MC("encoded word, two words", "=?utf-8?q?J=C3=B6rg?= =?utf-8?q?M?= <j@x>, k@y", "", 2, -1, -1, 0),
	MC("8-bit bytes are atom text", "J\xc3\xb6rg <j@x>, \xff@y", "", 2, -1, -1, 0),
	MC("NUL inside an atom", "a\0b@x", "", 1, -1, -1, 0),
	MC("NUL between commas is a word", "a@x,\0,b@y", "", 3, -1, -1, 0),
	MC("escaped comma in atom", "a\\,b@x", "", 1, -1, -1, 0),
	MC("backslash as last byte", "a@x\\", "", 1, -1, -1, 0),
	MC("CRLF fold in to-argument", "a@x,\r\n b@y", "", 2, -1, -1, 0),
	MC("lone CR is whitespace between words", "a@x\rb@y", "", 2, -1, -1, 0),
	MC("to-argument line break starts a field", "a@x\r\nBcc: b@y, c@y", "", 3, -1, -1, 0),

	/* header fields */
	MC("Cc and Bcc add up", "a@x", "Cc: b@y\r\nBcc: c@z, d@z", 4, 0, 0, 0),
	MC("repeated To/Cc/Bcc all count", "a@x",
	   "To: b@y\r\nTo: c@z\r\nCc: d@z\r\nCc: e@z\r\nBcc: f@z\r\nBcc: g@z", 7, 0, -1, 0),
	MC("same address twice is queued once", "a@x", "To: a@x", 1, -1, -1, 0),
	MC("header names case-insensitive", "", "bCC: a@x\r\ncC: b@y\r\nTO: c@z", 3, -1, -1, 0),
	MC("whitespace before colon", "", "Bcc : x@y\r\nCc\t: z@y\r\nBcc \t : w@y", 3, -1, -1, 0),
	MC("folded Bcc with CRLF", "", "Bcc: a@x,\r\n b@y,\r\n\tc@z", 3, -1, -1, 0),
	MC("folded Bcc with bare LF", "", "Bcc: a@x,\n b@y\n\t, c@z", 3, -1, -1, 0),
	MC("blank before colon: Postfix reads the colon too", "", "Bcc : ", 1, -1, -1, 0),
	MC("blank before colon, then a comma", "", "Cc\t:, a@x", 2, -1, -1, 0),
	MC("blank before colon of a group", "", "Bcc : g: a@x, b@x;", 2, -1, -1, 0),
	MC("blank before colon of Resent-To", "a@x", "Resent-To : ", 1, 1, -1, 0),
	MC("empty first line, value on fold", "", "Bcc:\r\n a@x,\r\n b@x", 2, -1, -1, 0),
	MC("field without value", "", "Bcc:", 0, -1, -1, 0),
	MC("field with blanks only", "", "Bcc:   \r\n", 0, -1, -1, 0),
	MC("CRLF at end of block", "", "Bcc: a@x\r\n", 1, -1, -1, 0),
	MC("continuation looking like Bcc under Subject", "a@x", "Subject: hi\r\n Bcc: b@y", 1, -1, -1, 0),
	MC("continuation looking like Bcc under X-Mailer", "a@x", "X-Mailer: x\n Bcc: b@y, c@y", 1, -1, -1, 0),
	MC("continuation looking like Bcc under Cc counts for Cc", "a@x", "Cc: b@y\r\n Bcc: c@z", 3, -1, -1, 0),
	MC("lone CR does not end a line", "a@x", "Cc: b@y\rBcc: c@y", 3, -1, -1, 0),
	MC("From/Reply-To/Return-Path do not count", "a@x",
	   "From: f@z\r\nReply-To: r@z, s@z\r\nReturn-Path: <p@z>\r\nSender: s@z", 1, -1, -1, 0),
	MC("Apparently-To is not extracted", "a@x", "Apparently-To: b@y", 1, -1, -1, 0),
	MC("Bcc-like names are other fields", "a@x", "Bccx: b@y\r\nX-Bcc: c@y\r\nBc c: d@y", 1, -1, -1, 1),
	MC("NUL in a value is atom text", "", "Bcc: a@x\0, b@y", 2, -1, -1, 0),
	MC("group in Bcc", "", "Bcc: g: a@x, b@x;\r\nCc: undisclosed-recipients:;", 2, -1, -1, 0),

	/* malformed lines: counting goes on */
	MC("malformed line then Bcc still counts", "a@x", "garbage line\r\nBcc: b@y", 2, -1, -1, 1),
	MC("8-bit byte in name makes a malformed line", "a@x", "B\xe4" "cc: b@y\r\nBcc: c@y", 2, -1, -1, 1),
	MC("NUL in name makes a malformed line", "", "Bc\0c: a@x\r\nCc: b@y", 1, -1, -1, 1),
	MC("leading continuation without a field", "a@x", " Bcc: b@y", 1, -1, -1, 1),
	MC("empty line inside headers", "a@x", "Cc: b@y\r\n\r\nBcc: c@y", 3, -1, -1, 1),
	MC("line without colon", "", "Bcc a@x\nCc: b@y", 1, -1, -1, 1),

	/* Resent-* */
	MC("Resent-To makes To/Cc/Bcc ignored", "a@x", "Cc: b@y\r\nResent-To: r@z", 1, 1, -1, 0),
	MC("Resent-Cc + Resent-Bcc add up", "a@x", "Resent-Cc: r1@z, r2@z\r\nResent-Bcc: r3@z\r\nBcc: b@y", 3, 1, -1, 0),
	MC("repeated Resent-To", "a@x", "Resent-To: r1@z\r\nResent-To: r2@z, r3@z", 3, 1, -1, 0),
	MC("Resent-To case-insensitive", "a@x, b@x", "rEsEnT-tO: r@z", 1, 1, -1, 0),
	MC("Resent-From alone does not switch", "a@x", "Resent-From: f@z\r\nResent-Date: x", 1, 0, -1, 0),
	MC("Resent-To with empty group", "a@x", "Resent-To: undisclosed-recipients:;", 0, 1, -1, 0),
	MC("Resent-Bcc group", "", "Resent-Bcc: g: a@x, b@x;\r\nTo: c@x", 2, 1, -1, 0),
	MC("Resent-To injected via to-argument", "a@x\r\nResent-To: r@z", "Bcc: b@y", 1, 1, -1, 0),
	MC("Resent-To after malformed line: larger wins", "a@x, b@x, c@x", "junk\r\nResent-To: r@z", 3, 1, -1, 1),
	MC("Resent-To after malformed line, resent larger", "a@x", "junk\r\nResent-To: r@z, s@z", 2, 1, -1, 1),
	MC("Resent-To in a continuation is not a field", "a@x", "Subject: s\r\n Resent-To: r@z", 1, 0, -1, 0),

	/* X-PHP-Originating-Script */
	MC("stamp detected", "a@x", "X-PHP-Originating-Script: 1000:index.php", 1, -1, 1, 0),
	MC("stamp detected in any case, blank before colon", "a@x", "x-php-ORIGINATING-script : 33:x.php", 1, -1, 1, 0),
	MC("stamp after other fields", "a@x", "From: f@z\r\nX-Php-Originating-Script: 1:y.php\r\n", 1, -1, 1, 0),
	MC("similar name is not the stamp", "a@x", "X-PHP-Originating-Scripts: 1:x", 1, -1, 0, 0),
	MC("stamp in a continuation is not a field", "a@x", "X-Foo: 1\r\n X-PHP-Originating-Script: 1:x", 1, -1, 0, 0),
	MC("stamp in the to-argument is not in hdrs", "a@x\r\nX-PHP-Originating-Script: 1:x", "", 1, -1, 0, 0),

	/* unterminated and stray constructs: max of readings, flagged */
	MC("unterminated quote", "\"Doe, John <j@x>", "", 2, -1, -1, 1),
	MC("unterminated quote hides addresses from Postfix", "a@x, \"b@y, c@z, d@w", "", 4, -1, -1, 1),
	MC("unterminated comment", "a@x (b@y, c@z", "", 3, -1, -1, 1),
	MC("unterminated domain literal", "a@[1.2.3.4, b@y", "", 2, -1, -1, 1),
	MC("unclosed angle", "John <j@x, b@y", "", 3, -1, -1, 1),
	MC("stray >", "a@x, b@y> c@z", "", 3, -1, -1, 1),
	MC("stray )", "a@x) b@y", "", 2, -1, -1, 1),
	MC("stray ]", "a@x] b@y", "", 2, -1, -1, 1),
	MC("second > after angle address", "<a> b> c", "", 3, -1, -1, 1),
	MC("nested <", "<a@x <b@y>", "", 1, -1, -1, 1),
	MC("odd number of quotes", "\"\"\"", "", 2, -1, -1, 1),
	MC("open brackets", "[[[[", "", 1, -1, -1, 1),
	MC("open parens", "((((a", "", 1, -1, -1, 1),
	MC("unterminated quote in Bcc sets summary flag", "", "Bcc: \"a, b@x", 2, -1, -1, 1),
	MC("unterminated quote after fold", "", "Bcc: a@x,\r\n \"b@y, c@y", 3, -1, -1, 1),

	/* duplicates: what a private Postfix 3.7.11 queued for each
	 * (tests/postfix/dedupe.sh), or more where the scanner does not
	 * compare the form (marked "more") */
	MC("repeat in any case is queued once", "a@example.com, A@Example.COM, a@example.com", "", 1, 0, -1, 0),
	MC("repeat: angle, quoted, comment", "a@example.com, <a@example.com>, \"a\"@example.com, a@example.com (comment)", "", 1, -1, -1, 0),
	MC("repeat under other display names", "A <a@example.com>, B <a@example.com>", "", 1, -1, -1, 0),
	MC("repeat with other comments", "a@example.com (x), a@example.com (y)", "", 1, -1, -1, 0),
	MC("bare local part repeated", "john, john, JOHN", "", 1, -1, -1, 0),
	MC("bare local part and local@myorigin: two", "john, john@mailguard-test.localdomain", "", 2, -1, -1, 0),
	MC("repeat across To, Cc and Bcc", "a@example.com", "Cc: a@example.com\r\nBcc: A@EXAMPLE.COM", 1, -1, -1, 0),
	MC("trailing dot: two", "a@example.com., a@example.com", "", 2, -1, -1, 0),
	MC("bang path: two", "example.com!a, a@example.com", "", 2, -1, -1, 0),
	MC("percent hack: two", "a%example.com@localhost, a@example.com", "", 2, -1, -1, 0),
	MC("route: two", "<@x.example:a@example.com>, a@example.com", "", 2, -1, -1, 0),
	MC("blanks between tokens", "a . b@example.com, a.b@example.com", "", 1, -1, -1, 0),
	MC("quoted local part", "\"a.b\"@example.com, a.b@example.com", "", 1, -1, -1, 0),
	MC("quoted local part with a space, case", "\"A b\"@example.com, \"a B\"@example.com", "", 1, -1, -1, 0),
	MC("domain literal: more", "a@[192.0.2.1], A@[192.0.2.1]", "", 2, -1, -1, 0),
	MC("8-bit: not folded", "\xc3\x84@example.com, \xc3\xa4@example.com", "", 2, -1, -1, 0),
	MC("8-bit repeated: more", "\xc3\xa4@example.com, \xc3\xa4@example.com", "", 2, -1, -1, 0),
	MC("group: more", "g: a@example.com, a@example.com;", "", 2, -1, -1, 0),
	MC("escape in quoted local part: more", "\"a\\b\"@example.com, ab@example.com", "", 2, -1, -1, 0),
	MC("'@' in quoted local part: more", "\"a@b\"@example.com, \"a@b@example.com\"", "", 2, -1, -1, 0),
	MC("unquoted comma in display name, repeat", "Doe, John <doe@example.com>, doe", "", 2, -1, -1, 0),
	MC("repeat in Resent-To", "a@example.com", "Resent-To: r@example.com, R@example.com", 1, 1, -1, 0),
	MC("repeat across Resent-To and Resent-Cc", "a@example.com", "Resent-To: r@example.com\r\nResent-Cc: R@EXAMPLE.com", 1, 1, -1, 0),
	MC("domain case", "a@EXAMPLE.com, a@example.COM", "", 1, -1, -1, 0),
	MC("blanks around @", "a@example.com, a @ example.com", "", 1, -1, -1, 0),
	MC("comments inside the address", "a(c)@example.com, a@(c)example.com, <a@example.com (c)>, (c)a@example.com", "", 1, -1, -1, 0),
	MC("quoted bare local part", "\"john\", john", "", 1, -1, -1, 0),
	MC("display name with comment", "John (x) <a@example.com>, a@example.com", "", 1, -1, -1, 0),
	MC("comment between dots", "a.b(c).c@example.com, a.b.c@example.com", "", 1, -1, -1, 0),
	MC("quoted local part starting with a dot", "\".a\"@example.com, \".A\"@example.com", "", 1, -1, -1, 0),
	MC("repeat after a fold", "a@example.com,\r\n A@example.com", "", 1, -1, -1, 0),
	MC("bare dotted local part", "john.doe, John.Doe", "", 1, -1, -1, 0),
	MC("extension is another address", "a+tag@example.com, a@example.com", "", 2, -1, -1, 0),
	MC("tabs around the comma", "a@example.com\t,\ta@example.com", "", 1, -1, -1, 0),
	MC("encoded-word display name", "=?utf-8?q?x?= <a@example.com>, a@example.com", "", 1, -1, -1, 0),
	MC("quoted display name with a comma", "\"Doe, John\" <a@example.com>, a@example.com", "", 1, -1, -1, 0),
	MC("nested comment", "a@example.com (x (y) z), <a@example.com>", "", 1, -1, -1, 0),
	MC("blanks inside angle brackets", "< a @ example.com >, a@example.com", "", 1, -1, -1, 0),
	MC("escaped quote in quoted local part: more", "\"a\\\"b\"@example.com, \"a\\\"b\"@example.com", "", 2, -1, -1, 0),
	MC("repeated To fields", "a@example.com, a@example.com", "To: a@example.com\r\nCc: a@example.com, <A@example.com>", 1, -1, -1, 0),
	MC("bare local part in angle brackets", "<john>, john", "", 1, -1, -1, 0),
	MC("empty elements", "a@example.com,,a@example.com,", "", 1, -1, -1, 0),
	MC("malformed line: repeats still dropped, the rest counted", "a@example.com", "not a field\r\nCc: a@example.com, b@example.com", 2, -1, -1, 1),
	MC("missing comma: more", "John Smith, john", "", 3, -1, -1, 0),
	MC("unterminated quote: not compared", "a@x, a@x, \"b", "", 3, -1, -1, 1),
	MC("Bcc with a blank before the colon: not compared (Postfix 1)", "", "Bcc : a@x, a@x", 2, -1, -1, 0),
	MC("a compared list and an uncompared one", "a@x, a@x", "Cc: a@x, John Smith", 4, -1, -1, 0),
	MC("Resent-* and To/Cc/Bcc are separate lists", "r@x", "Resent-To: r@x, r@x", 1, 1, -1, 0),
	MC("malformed line and Resent: the larger, each without repeats", "a@x, b@x, a@x", "junk\r\nResent-To: r@x, r@x", 2, 1, -1, 1),
};

static void run_cases(void)
{
	size_t i;
	char what[512];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const mail_case *c = &cases[i];
		char *to = dup_exact(c->to, c->to_len);
		char *hdrs = dup_exact(c->hdrs, c->hdrs_len);
		mg_msg_summary s, raw;
		int ok = 1;
		size_t k;

		mg_summarize(to, c->to_len, hdrs, c->hdrs_len, &rset, &s);
		mg_summarize(to, c->to_len, hdrs, c->hdrs_len, NULL, &raw);
		if ((long) s.rcpts != c->rcpts) {
			ok = 0;
		}
		/* removing repeats only lowers the counts, never to 0 */
		if (s.rcpts > raw.rcpts || (raw.rcpts > 0 && s.rcpts == 0)
				|| s.plain_rcpts > raw.plain_rcpts || s.resent_rcpts > raw.resent_rcpts) {
			ok = 0;
		}
		raw.rcpts = s.rcpts;
		raw.plain_rcpts = s.plain_rcpts;
		raw.resent_rcpts = s.resent_rcpts;
		if (memcmp(&raw, &s, sizeof(s)) != 0) {
			ok = 0;
		}
		if (c->has_resent >= 0 && s.has_resent != c->has_resent) {
			ok = 0;
		}
		if (c->has_stamp >= 0 && s.has_stamp != c->has_stamp) {
			ok = 0;
		}
		if (c->malformed >= 0 && s.malformed != c->malformed) {
			ok = 0;
		}
		/* rcpts must be one of the two totals */
		if (s.rcpts != s.plain_rcpts && s.rcpts != s.resent_rcpts) {
			ok = 0;
		}
		snprintf(what, sizeof(what),
			"case %zu \"%s\": rcpts %zu (want %ld) resent %d (want %d) stamp %d (want %d) malformed %d (want %d)",
			i + 1, c->desc, s.rcpts, c->rcpts, s.has_resent, c->has_resent,
			s.has_stamp, c->has_stamp, s.malformed, c->malformed);
		for (k = 0; what[k]; k++) {
			if ((unsigned char) what[k] < 0x20) {
				what[k] = ' ';
			}
		}
		check(ok, what);
		free(to);
		free(hdrs);
	}
}

/* ------------------------------------------------------------------ */
/* mg_scan_fields() details                                            */

#define MAX_SEEN 16

typedef struct {
	size_t n;
	int stop_at;	/* stop after this many fields (0: never) */
	mg_hdr_field f[MAX_SEEN];
} seen_fields;

static int collect(const mg_hdr_field *field, void *ctx)
{
	seen_fields *s = ctx;

	if (s->n < MAX_SEEN) {
		s->f[s->n] = *field;
	}
	s->n++;
	return s->stop_at != 0 && (int) s->n >= s->stop_at;
}

static int same(const char *p, size_t len, const char *want)
{
	return len == strlen(want) && (len == 0 || memcmp(p, want, len) == 0);
}

static size_t scan(const char *lit, size_t len, seen_fields *s, char **keep)
{
	size_t r;

	*keep = dup_exact(lit, len);
	r = mg_scan_fields(*keep, len, collect, s);
	return r;
}

static void run_field_checks(void)
{
	seen_fields s;
	char *buf;
	size_t r;

	{
		static const char in[] = "Bcc : x@y\r\nSubject: a\r\n b\r\nTo:\tc ";

		memset(&s, 0, sizeof(s));
		r = scan(in, sizeof(in) - 1, &s, &buf);
		check(r == 3 && s.n == 3, "fields: three fields reported");
		check(s.f[0].kind == MG_HDR_BCC && same(s.f[0].name, s.f[0].name_len, "Bcc")
			&& same(s.f[0].value, s.f[0].value_len, "x@y") && !s.f[0].malformed,
			"fields: \"Bcc : x@y\" -> name Bcc, value x@y");
		check(s.f[1].kind == MG_HDR_SUBJECT && same(s.f[1].value, s.f[1].value_len, "a\r\n b"),
			"fields: folded value keeps the fold, drops the final CRLF");
		check(s.f[2].kind == MG_HDR_TO && same(s.f[2].name, s.f[2].name_len, "To")
			&& same(s.f[2].value, s.f[2].value_len, "c "),
			"fields: leading WSP skipped, trailing kept, unterminated last line");
		free(buf);
	}
	{
		static const char in[] = "junk here\nx-php-originating-SCRIPT: 1:a.php\n\tmore\n";

		memset(&s, 0, sizeof(s));
		r = scan(in, sizeof(in) - 1, &s, &buf);
		check(r == 2 && s.f[0].malformed && s.f[0].name_len == 0
			&& same(s.f[0].value, s.f[0].value_len, "junk here"),
			"fields: malformed line reported whole, name_len 0");
		check(s.f[1].kind == MG_HDR_STAMP && !s.f[1].malformed
			&& same(s.f[1].value, s.f[1].value_len, "1:a.php\n\tmore"),
			"fields: stamp kind, bare-LF fold kept");
		free(buf);
	}
	{
		static const char in[] = " lead\r\n cont\r\nFrom: f@x\r\nRESENT-BCC: r@x\r\nReturn-Path: <p@x>\r\nResent-Cc: c\r\nResent-To: t\r\nCC: c";

		memset(&s, 0, sizeof(s));
		r = scan(in, sizeof(in) - 1, &s, &buf);
		check(r == 7 && s.f[0].malformed && same(s.f[0].value, s.f[0].value_len, " lead\r\n cont"),
			"fields: leading continuation is malformed, takes its own folds");
		check(s.f[1].kind == MG_HDR_FROM && s.f[2].kind == MG_HDR_RESENT_BCC
			&& s.f[3].kind == MG_HDR_RETURN_PATH && s.f[4].kind == MG_HDR_RESENT_CC
			&& s.f[5].kind == MG_HDR_RESENT_TO && s.f[6].kind == MG_HDR_CC,
			"fields: kinds recognised");
		free(buf);
	}
	{
		static const char in[] = "To: a\r\nCc: b\r\nBcc: c";

		memset(&s, 0, sizeof(s));
		s.stop_at = 2;
		r = scan(in, sizeof(in) - 1, &s, &buf);
		check(r == 2 && s.n == 2, "fields: callback stop ends the scan");
		check(mg_scan_fields(buf, sizeof(in) - 1, NULL, NULL) == 3, "fields: NULL callback just counts");
		free(buf);
	}
	{
		static const char in[] = "\r\n\nA:\r\r\n";

		memset(&s, 0, sizeof(s));
		r = scan(in, sizeof(in) - 1, &s, &buf);
		check(r == 3 && s.f[0].malformed && s.f[0].value_len == 0 && s.f[1].malformed
			&& s.f[2].kind == MG_HDR_OTHER && !s.f[2].malformed && same(s.f[2].value, s.f[2].value_len, "\r"),
			"fields: empty lines are malformed; CR before CRLF is data");
		free(buf);
	}
	check(mg_scan_fields(NULL, 0, collect, &s) == 0, "fields: empty buffer");
	check(mg_count_rcpts(NULL, 0) == 0, "count: empty value");
	{
		mg_msg_summary m;

		mg_summarize(NULL, 0, NULL, 0, &rset, &m);
		check(m.rcpts == 0 && m.fields == 0 && !m.malformed, "summary: all empty");
		buf = dup_exact("a\r\nb\r\nBcc: c@x", 14);
		mg_summarize(NULL, 0, buf, 14, &rset, &m);
		check(m.fields == 3 && m.malformed_lines == 2 && m.rcpts == 1,
			"summary: fields and malformed_lines counted in hdrs");
		free(buf);
	}
}

/* ------------------------------------------------------------------ */
/* field names: the kind table                                          */

static void run_name_checks(void)
{
	static const struct {
		const char *line;
		mg_hdr_kind kind;
		const char *name;
	} names[] = {
		{ "fROM: x", MG_HDR_FROM, "fROM" },
		{ "tO: x", MG_HDR_TO, "tO" },
		{ "Cc \t: x", MG_HDR_CC, "Cc" },
		{ "BCC: x", MG_HDR_BCC, "BCC" },
		{ "Resent-TO: x", MG_HDR_RESENT_TO, "Resent-TO" },
		{ "resent-cc: x", MG_HDR_RESENT_CC, "resent-cc" },
		{ "RESENT-Bcc\t: x", MG_HDR_RESENT_BCC, "RESENT-Bcc" },
		{ "SUBJECT: x", MG_HDR_SUBJECT, "SUBJECT" },
		{ "return-PATH: x", MG_HDR_RETURN_PATH, "return-PATH" },
		{ "X-Php-Originating-Script: x", MG_HDR_STAMP, "X-Php-Originating-Script" },
		{ "x-mailguard-TRACE : x", MG_HDR_TRACE, "x-mailguard-TRACE" },
		/* near misses: prefixes, longer names, other bytes */
		{ "Fro: x", MG_HDR_OTHER, "Fro" },
		{ "Fromm: x", MG_HDR_OTHER, "Fromm" },
		{ "T: x", MG_HDR_OTHER, "T" },
		{ "Resent-T: x", MG_HDR_OTHER, "Resent-T" },
		{ "Resent_To: x", MG_HDR_OTHER, "Resent_To" },
		{ "Return-Paths: x", MG_HDR_OTHER, "Return-Paths" },
		{ "X-Mailguard-Trac: x", MG_HDR_OTHER, "X-Mailguard-Trac" },
		{ "Subjec\x54: x", MG_HDR_SUBJECT, "Subjec\x54" },
		{ "Subjec\x74\x21: x", MG_HDR_OTHER, "Subjec\x74\x21" },
		{ "B\x63\x63: x", MG_HDR_BCC, "B\x63\x63" },
		{ "B\x43\x03: x", MG_HDR_OTHER, NULL },
	};
	size_t i;
	char what[160];

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t len = strlen(names[i].line);
		char *buf = dup_exact(names[i].line, len);
		seen_fields s;

		memset(&s, 0, sizeof(s));
		mg_scan_fields(buf, len, collect, &s);
		snprintf(what, sizeof(what), "names: \"%s\" is kind %d", names[i].name ? names[i].name : "(malformed)", (int) names[i].kind);
		check(s.n == 1 && s.f[0].kind == names[i].kind
			&& (names[i].name == NULL ? s.f[0].malformed : same(s.f[0].name, s.f[0].name_len, names[i].name))
			&& same(s.f[0].value, s.f[0].value_len, names[i].name == NULL ? names[i].line : "x"), what);
		free(buf);
	}
}

/* ------------------------------------------------------------------ */
/* mg_scan_headers(): fields and summary in one walk, with a limit      */

static void run_one_walk_checks(void)
{
	static const char block[] =
		"Bcc: a@x,\r\n b@x,\r\n c@x\r\n"		/* 0..23: lines end at 11, 18, 24 */
		"X-PHP-Originating-Script: 1:x\r\n";	/* 24..54 */
	const size_t len = sizeof(block) - 1;
	char *buf = dup_exact(block, len);
	mg_msg_summary m, ref;
	seen_fields s;
	size_t i, n;
	int same_all = 1;

	memset(&s, 0, sizeof(s));
	n = mg_scan_headers(buf, len, 0, &rset, collect, &s, &m);
	check(n == 2 && s.n == 2 && m.fields == 2 && m.rcpts == 3 && m.has_stamp && !m.capped && !m.malformed
		&& same(s.f[0].value, s.f[0].value_len, "a@x,\r\n b@x,\r\n c@x"),
		"one walk: no limit, fields and counts");
	n = mg_scan_headers(buf, len, len, &rset, NULL, NULL, &m);
	check(n == 2 && m.rcpts == 3 && !m.capped, "one walk: a limit of exactly the length does not cap");

	memset(&s, 0, sizeof(s));
	n = mg_scan_headers(buf, len, 18, &rset, collect, &s, &m);
	check(n == 2 && m.capped && m.rcpts == 2 + (len - 18) && m.has_stamp && m.fields == 2
		&& same(s.f[0].value, s.f[0].value_len, "a@x,\r\n b@x,\r\n c@x"),
		"one walk: a fold past the limit counts up to its last whole line; cb sees the whole value");
	mg_scan_headers(buf, len, 17, &rset, NULL, NULL, &m);
	check(m.capped && m.rcpts == 1 + (len - 11), "one walk: a line cut by the limit is not counted");
	mg_scan_headers(buf, len, 5, &rset, NULL, NULL, &m);
	check(m.capped && m.rcpts == len && m.plain_rcpts == 0 && m.has_stamp && m.fields == 2,
		"one walk: no whole line within the limit: one per byte; stamp still found");
	free(buf);

	{
		static const char in[] = "Cc: a@x\r\njunk\r\nTo: b@x";	/* lines end at 9, 15 */

		buf = dup_exact(in, sizeof(in) - 1);
		mg_scan_headers(buf, sizeof(in) - 1, 9, &rset, NULL, NULL, &m);
		check(m.capped && !m.malformed && m.malformed_lines == 0 && m.rcpts == 1 + (sizeof(in) - 1 - 9) && m.fields == 3,
			"one walk: a malformed line past the limit is not counted");
		mg_scan_headers(buf, sizeof(in) - 1, 15, &rset, NULL, NULL, &m);
		check(m.capped && m.malformed && m.malformed_lines == 1 && m.rcpts == 1 + 7,
			"one walk: a malformed line within the limit is");
		free(buf);
	}
	{
		static const char in[] = "To: a@x\r\nResent-To: r@x\r\nX: y";	/* lines end at 9, 25 */

		buf = dup_exact(in, sizeof(in) - 1);
		mg_scan_headers(buf, sizeof(in) - 1, 26, &rset, NULL, NULL, &m);
		check(m.capped && m.has_resent && m.rcpts == 1 + 1 + 4,
			"one walk: capped, To/Cc/Bcc and Resent-* both count");
		free(buf);
	}
	{
		static const char in[] = "To: a\r\nCc: b\r\nBcc: c";

		buf = dup_exact(in, sizeof(in) - 1);
		memset(&s, 0, sizeof(s));
		s.stop_at = 2;
		n = mg_scan_headers(buf, sizeof(in) - 1, 0, &rset, collect, &s, &m);
		check(n == 2 && s.n == 2 && m.fields == 2 && m.rcpts == 2, "one walk: callback stop ends walk and summary");
		free(buf);
	}
	mg_scan_headers(NULL, 0, 10, &rset, NULL, NULL, &m);
	check(m.rcpts == 0 && m.fields == 0 && !m.capped, "one walk: empty block");

	/* without a limit, the summary of every case with no to-argument is
	 * what mg_summarize() gives */
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cases[i].to_len != 0) {
			continue;
		}
		buf = dup_exact(cases[i].hdrs, cases[i].hdrs_len);
		mg_summarize(NULL, 0, buf, cases[i].hdrs_len, &rset, &ref);
		n = mg_scan_headers(buf, cases[i].hdrs_len, 0, &rset, NULL, NULL, &m);
		if (memcmp(&m, &ref, sizeof(m)) != 0 || n != mg_scan_fields(buf, cases[i].hdrs_len, NULL, NULL)) {
			printf("FAIL: one walk differs from mg_summarize() on case %zu\n", i + 1);
			same_all = 0;
		}
		mg_summarize(NULL, 0, buf, cases[i].hdrs_len, NULL, &ref);
		n = mg_scan_headers(buf, cases[i].hdrs_len, 0, NULL, NULL, NULL, &m);
		if (memcmp(&m, &ref, sizeof(m)) != 0) {
			printf("FAIL: one walk differs from mg_summarize() without a set on case %zu\n", i + 1);
			same_all = 0;
		}
		free(buf);
	}
	check(same_all, "one walk: equals mg_summarize() on the header-only cases");
}

/* ------------------------------------------------------------------ */
/* reference model of Postfix's tokenizer + right-to-left grouper      */

#define R_WORD 256

static int r_isop(int c)
{
	return c != 0 && strchr("|%!)<>@,;:.]", c) != NULL;
}

static int r_stops_atom(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n'
		|| (c != 0 && strchr("|%!()<>@,;:\".[]", c) != NULL);
}

static size_t ref_count(const unsigned char *s, size_t n)
{
	int *tok = malloc((n + 1) * sizeof(int));
	size_t i = 0, count = 0;
	long nt = 0, right, k;
	int word = 1, group = 0;

	if (tok == NULL) {
		exit(2);
	}
	while (i < n) {
		int c = s[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			i++;
		} else if (c == '(') {
			int depth = 1;

			for (i++; i < n; ) {
				c = s[i++];
				if (c == '\\') {
					if (i < n) {
						i++;
					}
				} else if (c == '(') {
					depth++;
				} else if (c == ')' && --depth == 0) {
					break;
				}
			}
		} else if (c == '"' || c == '[') {
			int close = c == '"' ? '"' : ']';

			for (i++; i < n; ) {
				c = s[i++];
				if (c == '\\') {
					if (i < n) {
						i++;
					}
				} else if (c == close) {
					break;
				}
			}
			tok[nt++] = R_WORD;
		} else if (r_isop(c)) {
			tok[nt++] = c;
			i++;
		} else {
			while (i < n) {
				if (s[i] == '\\') {
					i += i + 1 < n ? 2 : 1;
				} else if (r_stops_atom(s[i])) {
					break;
				} else {
					i++;
				}
			}
			tok[nt++] = R_WORD;
		}
	}

#define R_GROUP(l, r) do { if ((r) - (l) > 1) count++; } while (0)
	right = nt;
	k = nt - 1;
	while (k >= 0) {
		int t = tok[k];

		if (t == ';') {
			R_GROUP(k, right);
			right = k--;
			group = word = 1;
		} else if (t == ':' && group) {
			R_GROUP(k, right);
			while (k >= 0 && tok[k] != ',') {
				k--;
			}
			right = k;
		} else if (t == '>') {
			long j;

			R_GROUP(k, right);
			for (j = k - 1; j >= 0 && tok[j] != '<'; j--) {
			}
			R_GROUP(j, k);
			while (j >= 0 && !(tok[j] < 256 && strchr(">;,:", tok[j]) != NULL)) {
				j--;
			}
			right = k = j;
			word = 1;
		} else if (t == R_WORD) {
			if (!word) {
				R_GROUP(k, right);
				right = k + 1;
			}
			word = 0;
			k--;
		} else if (t == ',') {
			R_GROUP(k, right);
			right = k--;
			word = 1;
		} else {
			word = 1;
			k--;
		}
	}
	R_GROUP(-1, right);
#undef R_GROUP
	free(tok);
	return count;
}

static unsigned long rng_state = 88172645463325252UL;

static unsigned long rng(void)
{
	/* xorshift: deterministic across runs */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void run_reference_checks(void)
{
	static const char *pieces[] = {
		"a", "b", "x", " ", " ", ",", ",", ";", ":", "<", ">", "@", "@", ".",
		"(", ")", "\"", "[", "]", "\\", "\r\n ", "\n", "\t", "%", "!", "|",
		"\xff", "=?q?", "g:", "<a@b>", "\"q, r\"",
	};
	const size_t npieces = sizeof(pieces) / sizeof(pieces[0]);
	const long rounds = 300000;
	long r, bad_rel = 0, bad_eq = 0, nul_case = 0;
	char in[256];
	char what[600];

	for (r = 0; r < rounds; r++) {
		size_t len = 0, parts = rng() % 14, p;
		int mal = 0;
		size_t mine, ref;
		char *buf;

		for (p = 0; p < parts; p++) {
			const char *piece = pieces[rng() % npieces];
			size_t pl = strlen(piece);

			if (rng() % 97 == 0) {
				in[len++] = '\0';
				nul_case++;
				continue;
			}
			memcpy(in + len, piece, pl);
			len += pl;
		}
		buf = dup_exact(in, len);
		mine = mg_count_rcpts_ex(buf, len, &mal);
		ref = ref_count((const unsigned char *) in, len);
		if (mine < ref || (!mal && mine != ref)) {
			size_t q, w = 0;

			if (mine < ref) {
				bad_rel++;
			} else {
				bad_eq++;
			}
			if (bad_rel + bad_eq <= 10) {
				for (q = 0; q < len && w < 200; q++) {
					w += (size_t) snprintf(what + w, sizeof(what) - w,
						(unsigned char) in[q] < 0x20 || (unsigned char) in[q] > 0x7e ? "\\x%02x" : "%c",
						(unsigned char) in[q]);
				}
				printf("FAIL: reference: [%s] scanner %zu (malformed %d), Postfix model %zu\n",
					what, mine, mal, ref);
			}
		}
		free(buf);
	}
	snprintf(what, sizeof(what), "reference: %ld random values: never below the Postfix model (%ld below)", rounds, bad_rel);
	check(bad_rel == 0, what);
	snprintf(what, sizeof(what), "reference: %ld random values: equal to it when not malformed (%ld differ)", rounds, bad_eq);
	check(bad_eq == 0, what);
	check(nul_case > 0, "reference: NUL bytes were exercised");
}

/* ------------------------------------------------------------------ */
/* duplicates: the filter's limit, its memory, and a model              */

static char *lbuf;
static size_t llen;
#define LBUF_SIZE (1u << 20)

static void put(const char *fmt, const char *a, const char *b)
{
	llen += (size_t) snprintf(lbuf + llen, LBUF_SIZE - llen, fmt, a, b);
	if (llen >= LBUF_SIZE) {
		fprintf(stderr, "lbuf too small\n");
		exit(2);
	}
}

/* rcpts of a header block (lbuf) with the filter taking `remember` */
static size_t dd_count(size_t remember, mg_msg_summary *s)
{
	char *buf = dup_exact(lbuf, llen);

	mg_rcpt_set_init(&rset, remember);
	mg_summarize(NULL, 0, buf, llen, &rset, s);
	free(buf);
	return s->rcpts;
}

/* n addresses a0..a<n-1>@example.com, separated by sep */
static void put_many(const char *sep, int n)
{
	char one[32];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(one, sizeof(one), "a%d@example.com", i);
		put("%s%s", i ? sep : "", one);
	}
}

/* FNV-1a as the scanner hashes a key of list 0 (to aim at one slot) */
static unsigned slot_of(const char *k)
{
	unsigned long h = 2166136261u;

	for (; *k; k++) {
		h = ((h ^ (unsigned char) *k) * 16777619u) & 0xffffffffu;
	}
	return (unsigned) (h & (MG_RCPT_SET_SLOTS - 1));
}

/* A model of the filter: keys in order, the first `remember` distinct ones
 * remembered; a key counts unless it is a remembered one seen before. */
#define DD_MAX 2600
static char dd_keys[DD_MAX][64];
static size_t dd_nkeys;

static size_t dd_model(size_t remember)
{
	static char seen[DD_MAX][64];
	size_t nseen = 0, count = 0, i, j;

	for (i = 0; i < dd_nkeys; i++) {
		for (j = 0; j < nseen && strcmp(seen[j], dd_keys[i]) != 0; j++) {
		}
		if (j < nseen) {
			continue;
		}
		count++;
		if (nseen < remember) {
			strcpy(seen[nseen++], dd_keys[i]);
		}
	}
	return count;
}

/* Some letters of s in upper case, at random. */
static void upper_some(char *s)
{
	for (; *s; s++) {
		if (rng() % 3 == 0 && *s >= 'a' && *s <= 'z') {
			*s = (char) (*s - 'a' + 'A');
		}
	}
}

/* One address in a form the scanner compares; its key goes to dd_keys. */
static void dd_address(int big)
{
	static const char *locals[] = { "a", "b", "john", "a.b", "x-y", "first.last", "o'neil", "a+b", "q=r", "9", "q r" };
	static const char *domains[] = { "", "", "@example.com", "@example.com", "@sub.example.org", "@x" };
	static const char *names[] = { "John", "\"Doe, J.\"", "=?utf-8?q?J=C3=B6rg?=", "J. R. R.", "\"x\" y", "J\xc3\xb6rg", "(c) Name" };
	char local[32], domain[32], shown[128], tmp[128];
	size_t i, o;
	int form = (int) (rng() % 8);

	if (big) {
		snprintf(local, sizeof(local), "u%lu", rng() % 1200);
	} else {
		snprintf(local, sizeof(local), "%s", locals[rng() % (sizeof(locals) / sizeof(locals[0]))]);
	}
	snprintf(domain, sizeof(domain), "%s", domains[rng() % (sizeof(domains) / sizeof(domains[0]))]);
	snprintf(dd_keys[dd_nkeys++], sizeof(dd_keys[0]), "%s%s", local, domain);
	/* any letter in any case */
	upper_some(local);
	upper_some(domain);
	if (strchr(local, ' ') != NULL && form != 2 && form != 3) {
		form = 4;	/* a space only in a quoted local part */
	}
	switch (form) {
		case 4:
			snprintf(shown, sizeof(shown), "\"%s\"%s", local, domain);
			break;
		case 5:
			/* blanks around every dot and "@" */
			snprintf(tmp, sizeof(tmp), "%s%s", local, domain);
			for (i = o = 0; tmp[i] && o + 4 < sizeof(shown); i++) {
				if (tmp[i] == '.' || tmp[i] == '@') {
					shown[o++] = ' ';
					shown[o++] = tmp[i];
					shown[o++] = ' ';
				} else {
					shown[o++] = tmp[i];
				}
			}
			shown[o] = '\0';
			break;
		case 6:
			snprintf(shown, sizeof(shown), "%s(c)%s", local, domain);
			break;
		default:
			snprintf(shown, sizeof(shown), strchr(local, ' ') ? "\"%s\"%s" : "%s%s", local, domain);
			break;
	}
	switch (form) {
		case 1:
			put("<%s>%s", shown, "");
			break;
		case 2:
			put("%s <%s>", names[rng() % (sizeof(names) / sizeof(names[0]))], shown);
			break;
		case 3:
			put("%s (%s)", shown, rng() % 2 ? "a, b" : "x (y) z");
			break;
		default:
			put("%s%s", shown, "");
			break;
	}
}

static void run_dedupe_checks(void)
{
	static const char *seps[] = { ", ", ",", ",\r\n ", ",\n\t", ", , " };
	mg_msg_summary s;
	char what[256];
	long r, bad = 0, dups = 0;
	size_t i, want;

	lbuf = malloc(LBUF_SIZE);
	if (lbuf == NULL) {
		exit(2);
	}

	/* the filter's limit: head, n addresses, tail, the places it has */
	{
		static const struct {
			const char *head, *sep;
			int n;
			const char *tail;
			size_t remember, want;
			const char *what;
		} lim[] = {
			/* Postfix: 1002, 1000, 1000 (tests/postfix/dedupe.sh) */
			{ "To: ", ", ", 1000, ", x@example.com, x@example.com, a0@example.com", MG_DUP_FILTER_LIMIT, 1002,
				"a repeat of the 1001st address counts, of the 1st not" },
			{ "To: ", ", ", 1000, ", a999@example.com", MG_DUP_FILTER_LIMIT, 1000, "a repeat of the 1000th address is dropped" },
			{ "To: ", ",\r\n ", 1000, "\r\nCc: a999@example.com, a0@example.com, A998@EXAMPLE.COM", MG_DUP_FILTER_LIMIT, 1000,
				"1000 in a folded To, repeated in Cc" },
			/* one place taken by the command line (Postfix: 1 + 1000 + 1) */
			{ "To: ", ", ", 1000, ", a999@example.com", MG_DUP_FILTER_LIMIT - 1, 1001, "999 places left: a repeat of the 1000th counts" },
			{ "To: ", ", ", 1000, ", a999@example.com", 0, 1001, "no place left: every recipient counts" },
			{ "To: ", ", ", 1000, ", a999@example.com", 5000, 1000, "at most MG_DUP_FILTER_LIMIT places" },
			/* an uncompared list takes places too: 999 + 2 = full */
			{ "To: ", ", ", 999, "\r\nCc: John Smith\r\nBcc: a998@example.com, a0@example.com", MG_DUP_FILTER_LIMIT, 999 + 2,
				"an uncompared list fills places (a998 still remembered)" },
			{ "Cc: John Smith\r\nTo: ", ", ", 1000, "\r\nBcc: a997@example.com, a998@example.com", MG_DUP_FILTER_LIMIT, 2 + 1000 + 1,
				"places filled first by an uncompared list" },
		};

		for (i = 0; i < sizeof(lim) / sizeof(lim[0]); i++) {
			llen = 0;
			put("%s%s", lim[i].head, "");
			put_many(lim[i].sep, lim[i].n);
			put("%s%s", lim[i].tail, "");
			snprintf(what, sizeof(what), "duplicates: %s", lim[i].what);
			check(dd_count(lim[i].remember, &s) == lim[i].want, what);
		}
	}

	/* the memory for address text (64 KiB) runs out: an address whose
	 * text does not fit in what is left is neither found nor remembered */
	llen = 0;
	{
		char *longa = malloc(60001), *longc = malloc(6001);

		if (longa == NULL || longc == NULL) {
			exit(2);
		}
		memset(longa, 'a', 60000);
		memset(longc, 'c', 6000);
		longa[60000] = longc[6000] = '\0';
		put("To: %s@x, b@x, b@x, %s@x, ", longa, longc);
		put("%s@x, %s@x", longc, longa);
		check(dd_count(MG_DUP_FILTER_LIMIT, &s) == 5, "duplicates: past the text memory an address counts, repeated or not");
		free(longa);
		free(longc);
	}

	/* 40 addresses aimed at one hash slot: after MG_PROBES (32) slots an
	 * address is neither found nor remembered, so it counts again */
	{
		unsigned target = slot_of("k0@x");
		char one[32];
		int found = 0, round;
		unsigned long k;

		llen = 0;
		put("To: %s%s", "", "");
		for (round = 0; round < 2; round++) {
			found = 0;
			for (k = 0; found < 40; k++) {
				snprintf(one, sizeof(one), "k%lu@x", k);
				if (slot_of(one) == target) {
					put("%s%s, ", one, "");
					found++;
				}
			}
		}
		check(dd_count(MG_DUP_FILTER_LIMIT, &s) == 40 + 8, "duplicates: a crowded hash slot only counts more");
	}

	/* capped: repeats are dropped among the counted lines only */
	{
		static const char in[] = "Bcc: a@x, a@x\r\nBcc: a@x, a@x\r\n";	/* lines end at 15, 30 */
		char *buf = dup_exact(in, sizeof(in) - 1);

		mg_rcpt_set_init(&rset, MG_DUP_FILTER_LIMIT);
		mg_scan_headers(buf, sizeof(in) - 1, 20, &rset, NULL, NULL, &s);
		check(s.capped && s.rcpts == 1 + 15, "duplicates: capped, one per byte past the counted lines");
		mg_scan_headers(buf, sizeof(in) - 1, 0, &rset, NULL, NULL, &s);
		check(!s.capped && s.rcpts == 1, "duplicates: the same set starts afresh for each mail");
		mg_scan_headers(buf, sizeof(in) - 1, 0, NULL, NULL, NULL, &s);
		check(s.rcpts == 4, "duplicates: without a set every recipient counts");
		free(buf);
	}

	/* random lists in the forms the scanner compares, against the model */
	for (r = 0; r < 20000; r++) {
		int big = r % 100 == 0, fields = 1 + (int) (rng() % 4), resent = rng() % 8 == 0, f;
		size_t n, remember = rng() % 4 == 0 ? (size_t) (rng() % 1100) : MG_DUP_FILTER_LIMIT;
		static const char *plain_names[] = { "To", "Cc", "Bcc", "cc", "BCC" };
		static const char *resent_names[] = { "Resent-To", "Resent-Cc", "Resent-Bcc" };

		llen = 0;
		dd_nkeys = 0;
		for (f = 0; f < fields; f++) {
			put("%s: %s", resent ? resent_names[rng() % 3] : plain_names[rng() % 5], "");
			n = big ? 300 + rng() % 300 : 1 + rng() % 6;
			for (i = 0; i < n; i++) {
				if (i > 0) {
					put("%s%s", seps[rng() % 5], "");
				}
				dd_address(big);
			}
			put("%s%s", "\r\n", "");
		}
		want = dd_model(remember);
		if (dd_count(remember, &s) != want) {
			if (bad++ < 5) {
				printf("FAIL: duplicates: model %zu, scanner %zu (remember %zu): %.300s\n", want, s.rcpts, remember, lbuf);
			}
		}
		if (want < dd_nkeys) {
			dups++;
		}
	}
	snprintf(what, sizeof(what), "duplicates: 20000 random lists (%ld with repeats) counted as the model of Postfix's filter (%ld differ)", dups, bad);
	check(bad == 0 && dups > 1000, what);
	mg_rcpt_set_init(&rset, MG_DUP_FILTER_LIMIT);
	free(lbuf);
}

/* ------------------------------------------------------------------ */
/* size and time                                                       */

static double since(clock_t t0)
{
	return (double) (clock() - t0) / CLOCKS_PER_SEC;
}

/* Generous limits: they hold under ASan+UBSan on a slow machine; a
 * quadratic scanner would need hours at these sizes. */
#define TIME_LIMIT 5.0

static void run_stress(void)
{
	const size_t big = 4u << 20;
	char *buf = malloc(big + 64);
	char what[256];
	size_t len, n, i;
	clock_t t0;
	mg_msg_summary s;
	double secs;

	if (buf == NULL) {
		exit(2);
	}

	/* 100000 recipients in one Bcc */
	len = (size_t) sprintf(buf, "Bcc: ");
	for (i = 0; i < 100000; i++) {
		len += (size_t) sprintf(buf + len, "%sr%zu@example.com", i ? ", " : "", i);
	}
	t0 = clock();
	mg_summarize(NULL, 0, buf, len, &rset, &s);
	secs = since(t0);
	snprintf(what, sizeof(what), "stress: 100000 recipients in one Bcc -> %zu in %.3fs", s.rcpts, secs);
	check(s.rcpts == 100000 && secs < TIME_LIMIT, what);

	/* about 4 MiB of header block: 3 recipients per Bcc line, Subject
	 * lines between; two of them the same on every line (queued once) */
	len = 0;
	n = 0;
	while (len < big - 200) {
		len += (size_t) sprintf(buf + len, "Bcc: a%zu@x.example, \"Doe, J\" <j@y.example>,\r\n\tb@z.example\r\nSubject: s, t@u\r\n", n);
		n++;
	}
	t0 = clock();
	mg_summarize("to@x", 4, buf, len, &rset, &s);
	secs = since(t0);
	snprintf(what, sizeof(what), "stress: %zu-byte header block, %zu fields -> %zu rcpts in %.3fs", len, s.fields, s.rcpts, secs);
	check(s.rcpts == n + 2 + 1 && s.fields == 2 * n && !s.malformed && secs < TIME_LIMIT, what);

	/* 4 MiB of one address, repeated in every case and form */
	len = (size_t) sprintf(buf, "Bcc: ");
	n = 0;
	while (len < big - 100) {
		len += (size_t) sprintf(buf + len, n % 3 == 0 ? "a@x.example, " : n % 3 == 1 ? "A <A@X.Example>,\r\n " : "\"a\"@x.EXAMPLE (c), ");
		n++;
	}
	t0 = clock();
	mg_summarize(NULL, 0, buf, len, &rset, &s);
	secs = since(t0);
	snprintf(what, sizeof(what), "stress: %zu repeats of one address in %zu bytes -> %zu in %.3fs", n, len, s.rcpts, secs);
	check(s.rcpts == 1 && secs < TIME_LIMIT, what);

	/* one 4 MiB folded Bcc */
	len = (size_t) sprintf(buf, "Bcc: ");
	n = 0;
	while (len < big - 100) {
		len += (size_t) sprintf(buf + len, "<r%zu@x>\r\n ", n);
		n++;
	}
	t0 = clock();
	mg_summarize(NULL, 0, buf, len, &rset, &s);
	secs = since(t0);
	snprintf(what, sizeof(what), "stress: one %zu-byte folded Bcc -> %zu in %.3fs", len, s.rcpts, secs);
	check(s.rcpts == n && secs < TIME_LIMIT, what);

	/* pathological values must stay linear (1 MiB: quadratic would never end) */
	{
		static const struct {
			const char *unit;
			long want;	/* -1: only check time and upper bound */
		} path[] = {
			{ "(", 1 }, { "\"", -1 }, { "[", 1 }, { "<", 1 }, { ">", -1 },
			{ ")", -1 }, { "\\", 1 }, { "\\\"", 1 }, { "(\\", 1 }, { "\"(", -1 },
			{ "[(\"", -1 }, { "<(", -1 }, { "a(", -1 }, { " (", -1 }, { "a,", -1 },
			{ "(a)", 0 }, { "<a>", -1 }, { ":;", 0 }, { "a:", 1 }, { "\r\n ", 0 },
		};
		size_t u;

		for (u = 0; u < sizeof(path) / sizeof(path[0]); u++) {
			size_t ul = strlen(path[u].unit);
			char *v;

			for (len = 0; len + ul <= big / 4; len += ul) {
				memcpy(buf + len, path[u].unit, ul);
			}
			v = dup_exact(buf, len);
			t0 = clock();
			n = mg_count_rcpts(v, len);
			secs = since(t0);
			snprintf(what, sizeof(what), "stress: 1 MiB of \"%s\" -> %zu in %.3fs", path[u].unit, n, secs);
			for (i = 0; what[i]; i++) {
				if ((unsigned char) what[i] < 0x20) {
					what[i] = ' ';
				}
			}
			check(secs < TIME_LIMIT && n <= len && (path[u].want < 0 || (long) n == path[u].want), what);
			free(v);
		}
	}

	/* random bytes: no crash, bounded, quick */
	for (i = 0; i < big; i++) {
		buf[i] = (char) (rng() >> 24);
	}
	{
		char *to = dup_exact(buf, big / 4);
		char *hdrs = dup_exact(buf + big / 4, big - big / 4);
		char *all = dup_exact(buf, big);

		t0 = clock();
		mg_summarize(to, big / 4, hdrs, big - big / 4, &rset, &s);
		n = mg_count_rcpts(all, big);
		secs = since(t0);
		snprintf(what, sizeof(what), "stress: 4 MiB of random bytes -> %zu rcpts as a mail, %zu as one value, in %.3fs",
			s.rcpts, n, secs);
		check(secs < TIME_LIMIT && s.rcpts <= big && n > 0 && n <= big, what);
		free(to);
		free(hdrs);
		free(all);
	}

	free(buf);
}

int main(int argc, char **argv)
{
	verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
	mg_rcpt_set_init(&rset, MG_DUP_FILTER_LIMIT);
	run_cases();
	run_field_checks();
	run_name_checks();
	run_one_walk_checks();
	run_reference_checks();
	run_dedupe_checks();
	run_stress();
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
