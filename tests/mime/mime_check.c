/*
 * Standalone tests for ext/mailguard/mime.c and the strict UTF-8 helper it
 * uses, ext/mailguard/utf8.c (build: make -C tests/mime check).
 *
 * Inputs are copied into heap buffers of exactly their length and the output
 * buffer is exactly `cap` bytes, so AddressSanitizer catches any access out
 * of either.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../ext/mailguard/mime.h"
#include "../../ext/mailguard/utf8.h"

static int passed, failed;

static void check(int ok, const char *what)
{
	if (ok) {
		passed++;
	} else {
		failed++;
		printf("FAIL: %s\n", what);
	}
}

static char *dup_exact(const char *s, size_t len)
{
	char *p = malloc(len ? len : 1);

	if (p == NULL) {
		perror("malloc");
		exit(2);
	}
	memcpy(p, s, len);
	return p;
}

/* Decodes in with the given cap; returns a NUL-terminated copy. */
static char *decode(const char *in, size_t len, size_t cap, int *trunc, size_t *got_len)
{
	char *src = dup_exact(in, len);
	char *out = malloc(cap ? cap : 1);
	char *res;
	size_t n;

	*trunc = 0;
	n = mg_mime_decode(src, len, out, cap, trunc);
	if (n > cap) {
		printf("FAIL: wrote %zu bytes past a cap of %zu\n", n, cap);
		exit(1);
	}
	res = malloc(n + 1);
	memcpy(res, out, n);
	res[n] = '\0';
	*got_len = n;
	free(src);
	free(out);
	return res;
}

typedef struct {
	const char *desc;
	const char *in;
	size_t in_len;
	const char *want;
	size_t want_len;
	long cap;       /* -1: plenty */
	int trunc;
} mime_case;

/* sizeof keeps NUL bytes inside literals */
#define MC(d, in, want) { d, in, sizeof(in) - 1, want, sizeof(want) - 1, -1, 0 }
#define MCAP(d, in, want, cap, t) { d, in, sizeof(in) - 1, want, sizeof(want) - 1, cap, t }

static const mime_case cases[] = {
	/* plain text passes */
	MC("plain ascii", "Hello world", "Hello world"),
	MC("empty", "", ""),
	MC("8-bit bytes pass as they are", "Gr\xfc\xdf" "e", "Gr\xfc\xdf" "e"),
	MC("lone =? is text", "a =? b", "a =? b"),
	/* Q */
	MC("Q utf-8", "=?UTF-8?Q?J=C3=B6rg?=", "J\xc3\xb6rg"),
	MC("Q underscore is space", "=?utf-8?q?a_b?=", "a b"),
	MC("Q lowercase hex", "=?utf-8?q?=c3=a9?=", "\xc3\xa9"),
	MC("Q latin1", "=?ISO-8859-1?Q?Gr=FC=DFe?=", "Gr\xc3\xbc\xc3\x9f" "e"),
	MC("Q latin9 euro", "=?iso-8859-15?q?10=A4?=", "10\xe2\x82\xac"),
	MC("Q windows-1252 quotes", "=?windows-1252?Q?=93hi=94?=", "\xe2\x80\x9chi\xe2\x80\x9d"),
	MC("Q us-ascii", "=?us-ascii?q?plain?=", "plain"),
	MC("Q language suffix (RFC 2231)", "=?utf-8*de?q?=C3=BC?=", "\xc3\xbc"),
	MC("Q empty text", "a =?utf-8?q?\?= b", "a  b"),
	/* B */
	MC("B utf-8", "=?UTF-8?B?SsO2cmc=?=", "J\xc3\xb6rg"),
	MC("B no padding", "=?utf-8?b?SsO2cmc?=", "J\xc3\xb6rg"),
	MC("B latin1", "=?iso-8859-1?b?/A==?=", "\xc3\xbc"),
	MC("B lowercase b", "=?utf-8?b?YWJj?=", "abc"),
	/* words in context */
	MC("display name", "=?utf-8?q?J=C3=B6rg?= <j@example.com>", "J\xc3\xb6rg <j@example.com>"),
	MC("text around", "Re: =?utf-8?q?caf=C3=A9?= today", "Re: caf\xc3\xa9 today"),
	MC("adjacent words: space dropped", "=?utf-8?q?a?= =?utf-8?q?b?=", "ab"),
	MC("adjacent words over a fold", "=?utf-8?q?a?=\r\n =?utf-8?q?b?=", "ab"),
	MC("adjacent words, different charsets", "=?iso-8859-1?q?=FC?= =?utf-8?q?=C3=BC?=", "\xc3\xbc\xc3\xbc"),
	MC("character split across two words", "=?utf-8?q?=C3?= =?utf-8?q?=B6?=", "\xc3\xb6"),
	MC("B split across two words", "=?utf-8?b?w6k=?= =?utf-8?b?w6k=?=", "\xc3\xa9\xc3\xa9"),
	MC("word then text keeps space", "=?utf-8?q?a?= b", "a b"),
	MC("text then word keeps space", "a =?utf-8?q?b?=", "a b"),
	MC("two display names", "=?utf-8?q?A?= <a@x>, =?utf-8?q?B?= <b@x>", "A <a@x>, B <b@x>"),
	MC("decoded control bytes are kept (the log escapes them)", "=?utf-8?q?a=0D=0Ab=00c?=", "a\r\nb\0c"),
	/* invalid: copied as written */
	MC("unknown charset raw", "=?koi8-r?q?=F0=D2?=", "=?koi8-r?q?=F0=D2?="),
	MC("unknown charset keeps the space before the next word", "=?x-foo?q?a?= =?utf-8?q?b?=", "=?x-foo?q?a?= b"),
	MC("bad Q escape raw", "=?utf-8?q?a=ZZ?=", "=?utf-8?q?a=ZZ?="),
	MC("Q escape cut raw", "=?utf-8?q?a=C?=", "=?utf-8?q?a=C?="),
	MC("bad base64 char raw", "=?utf-8?b?ab$c?=", "=?utf-8?b?ab$c?="),
	MC("base64 of one char too many raw", "=?utf-8?b?YWJjZ?=", "=?utf-8?b?YWJjZ?="),
	MC("padding in the middle raw", "=?utf-8?b?YQ==YQ==?=", "=?utf-8?b?YQ==YQ==?="),
	MC("invalid utf-8 raw", "=?utf-8?q?=FF?=", "=?utf-8?q?=FF?="),
	MC("overlong utf-8 raw", "=?utf-8?q?=C0=AF?=", "=?utf-8?q?=C0=AF?="),
	MC("surrogate raw", "=?utf-8?q?=ED=A0=80?=", "=?utf-8?q?=ED=A0=80?="),
	MC("incomplete utf-8 at the end raw", "=?utf-8?q?=C3?=", "=?utf-8?q?=C3?="),
	MC("8-bit in us-ascii raw", "=?us-ascii?q?=E9?=", "=?us-ascii?q?=E9?="),
	MC("unassigned windows-1252 raw", "=?windows-1252?q?=81?=", "=?windows-1252?q?=81?="),
	MC("bad run: both words raw", "=?utf-8?q?=C3?= =?utf-8?q?x?=", "=?utf-8?q?=C3?= =?utf-8?q?x?="),
	MC("unterminated word", "=?utf-8?q?abc", "=?utf-8?q?abc"),
	MC("missing encoding", "=?utf-8??abc?=", "=?utf-8??abc?="),
	MC("unknown encoding", "=?utf-8?x?abc?=", "=?utf-8?x?abc?="),
	MC("empty charset", "=??q?abc?=", "=??q?abc?="),
	MC("space inside text ends the word", "=?utf-8?q?a b?=", "=?utf-8?q?a b?="),
	MC("NUL inside text ends the word", "=?utf-8?q?a\0b?=", "=?utf-8?q?a\0b?="),
	MC("word then garbage", "=?utf-8?q?=C3=A9?==?=", "\xc3\xa9=?="),
	MC("many =? in a row", "=?=?=?=?=?", "=?=?=?=?=?"),
	MC("=? at the very end", "abc=?", "abc=?"),
	/* the cap */
	MCAP("cap cuts plain text", "abcdef", "abc", 3, 1),
	MCAP("cap never halves a decoded character", "=?utf-8?q?a=C3=A9?=", "a", 2, 1),
	MCAP("cap with exact fit is not a cut", "=?utf-8?q?a=C3=A9?=", "a\xc3\xa9", 3, 0),
	MCAP("cap inside a converted character", "=?iso-8859-1?q?a=FC?=", "a", 2, 1),
	MCAP("cap inside a 3-byte character", "=?utf-8?q?a=E2=82=AC?=", "a", 3, 1),
	MCAP("cap inside an overlong: raw, as without the cap", "=?utf-8?q?a=E0=80=80?=", "=?u", 3, 1),
	MCAP("cap inside a surrogate: raw", "=?utf-8?q?a=ED=A0=80?=", "=?u", 3, 1),
	MCAP("cap on a raw word", "=?x-foo?q?a?=", "=?x-f", 5, 1),
	MCAP("cap on an invalid word", "=?utf-8?q?=FF?=", "=?utf", 5, 1),
	MCAP("cap of zero", "abc", "", 0, 1),
};

static void run_cases(void)
{
	size_t i;
	char what[256];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const mime_case *c = &cases[i];
		size_t cap = c->cap >= 0 ? (size_t) c->cap : c->in_len * 3 + 16;
		int trunc;
		char *got;
		size_t want_len = c->want_len;
		size_t got_len;
		int same;

		got = decode(c->in, c->in_len, cap, &trunc, &got_len);
		same = got_len == want_len && memcmp(got, c->want, want_len) == 0;
		snprintf(what, sizeof(what), "case: %s", c->desc);
		check(same && trunc == c->trunc, what);
		if (!same || trunc != c->trunc) {
			printf("  got \"%s\" truncated=%d\n", got, trunc);
		}
		free(got);
	}
	printf("%zu decoder cases\n", sizeof(cases) / sizeof(cases[0]));
}

/* ---- ext/mailguard/utf8.c ---- */

typedef struct {
	const char *desc;
	const char *in;
	size_t in_len;
	size_t seq;         /* mg_utf8_seq() */
	uint32_t cp;        /* ... its code point, when seq != 0 */
	int partial;        /* mg_utf8_partial() */
} utf8_case;

#define U8(d, in, seq, cp, partial) { d, in, sizeof(in) - 1, seq, cp, partial }

static const utf8_case utf8_cases[] = {
	U8("empty", "", 0, 0, 0),
	U8("NUL is a character", "\0", 1, 0, 0),
	U8("ASCII", "A", 1, 0x41, 0),
	U8("DEL", "\x7f", 1, 0x7f, 0),
	U8("ASCII, more after it", "ab", 1, 0x61, 0),
	U8("2 bytes, lowest", "\xc2\x80", 2, 0x80, 0),
	U8("2 bytes, highest", "\xdf\xbf", 2, 0x7ff, 0),
	U8("3 bytes, lowest", "\xe0\xa0\x80", 3, 0x800, 0),
	U8("euro", "\xe2\x82\xac", 3, 0x20ac, 0),
	U8("last before the surrogates", "\xed\x9f\xbf", 3, 0xd7ff, 0),
	U8("first after the surrogates", "\xee\x80\x80", 3, 0xe000, 0),
	U8("3 bytes, highest", "\xef\xbf\xbf", 3, 0xffff, 0),
	U8("4 bytes, lowest", "\xf0\x90\x80\x80", 4, 0x10000, 0),
	U8("emoji, more after it", "\xf0\x9f\x8e\x89!", 4, 0x1f389, 0),
	U8("U+10FFFF", "\xf4\x8f\xbf\xbf", 4, 0x10ffff, 0),
	/* overlongs */
	U8("0xC0 overlong", "\xc0\x80", 0, 0, 0),
	U8("0xC1 overlong", "\xc1\xbf", 0, 0, 0),
	U8("lone 0xC0", "\xc0", 0, 0, 0),
	U8("3-byte overlong", "\xe0\x80\x80", 0, 0, 0),
	U8("3-byte overlong, highest", "\xe0\x9f\xbf", 0, 0, 0),
	U8("3-byte overlong cut short", "\xe0\x9f", 0, 0, 0),
	U8("4-byte overlong", "\xf0\x80\x80\x80", 0, 0, 0),
	U8("4-byte overlong, highest", "\xf0\x8f\xbf\xbf", 0, 0, 0),
	U8("4-byte overlong cut short", "\xf0\x8f\xbf", 0, 0, 0),
	/* surrogates */
	U8("high surrogate", "\xed\xa0\x80", 0, 0, 0),
	U8("low surrogate, highest", "\xed\xbf\xbf", 0, 0, 0),
	U8("surrogate cut short", "\xed\xa0", 0, 0, 0),
	/* above U+10FFFF */
	U8("U+110000", "\xf4\x90\x80\x80", 0, 0, 0),
	U8("U+110000 cut short", "\xf4\x90", 0, 0, 0),
	U8("0xF5 lead", "\xf5\x80\x80\x80", 0, 0, 0),
	U8("0xF7 lead", "\xf7\xbf\xbf\xbf", 0, 0, 0),
	U8("0xF8 lead (5 bytes once)", "\xf8\x88\x80\x80\x80", 0, 0, 0),
	U8("0xFE", "\xfe", 0, 0, 0),
	U8("0xFF", "\xff", 0, 0, 0),
	/* stray continuation bytes */
	U8("0x80", "\x80", 0, 0, 0),
	U8("0xBF", "\xbf\xbf", 0, 0, 0),
	/* cut short by the end of the buffer */
	U8("2-byte lead alone", "\xc3", 0, 0, 1),
	U8("3-byte lead alone", "\xe2", 0, 0, 1),
	U8("3 bytes, 2 there", "\xe2\x82", 0, 0, 1),
	U8("0xE0, 2 of 3 there", "\xe0\xa0", 0, 0, 1),
	U8("4 bytes, 3 there", "\xf0\x9f\x8e", 0, 0, 1),
	U8("0xF4, 3 of 4 there", "\xf4\x8f\xbf", 0, 0, 1),
	/* ... and by something else */
	U8("2-byte lead, then ASCII", "\xc3(", 0, 0, 0),
	U8("3-byte lead, then ASCII", "\xe2\x82(", 0, 0, 0),
	U8("4-byte lead, new lead inside", "\xf0\x9f\xc3\xa9", 0, 0, 0),
	U8("continuation where the lead belongs", "\x82\xac", 0, 0, 0),
};

/* The reference: a code point's encoding, by the book. */
static size_t utf8_encode(uint32_t cp, unsigned char *out)
{
	if (cp < 0x80) {
		out[0] = (unsigned char) cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (unsigned char) (0xc0 | (cp >> 6));
		out[1] = (unsigned char) (0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (unsigned char) (0xe0 | (cp >> 12));
		out[1] = (unsigned char) (0x80 | ((cp >> 6) & 0x3f));
		out[2] = (unsigned char) (0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (unsigned char) (0xf0 | (cp >> 18));
	out[1] = (unsigned char) (0x80 | ((cp >> 12) & 0x3f));
	out[2] = (unsigned char) (0x80 | ((cp >> 6) & 0x3f));
	out[3] = (unsigned char) (0x80 | (cp & 0x3f));
	return 4;
}

static void run_utf8(void)
{
	size_t i, bad;
	uint32_t cp, got;
	char what[160];

	for (i = 0; i < sizeof(utf8_cases) / sizeof(utf8_cases[0]); i++) {
		const utf8_case *c = &utf8_cases[i];
		unsigned char *in = (unsigned char *) dup_exact(c->in, c->in_len);
		size_t n;
		int part;

		got = 0xdeadbeef;
		n = mg_utf8_seq(in, c->in_len, &got);
		part = mg_utf8_partial(in, c->in_len);
		snprintf(what, sizeof(what), "utf8: %s", c->desc);
		check(n == c->seq && (n == 0 ? got == 0xdeadbeef : got == c->cp)
			&& mg_utf8_seq(in, c->in_len, NULL) == n && (part != 0) == (c->partial != 0), what);
		if (n != c->seq || (part != 0) != (c->partial != 0)) {
			printf("  seq %zu (want %zu) cp U+%04X partial %d\n", n, c->seq, (unsigned) got, part);
		}
		free(in);
	}

	/* Every code point: its encoding is one sequence of its length, every
	 * shorter prefix is a partial one; surrogates are neither (past 0xED). */
	bad = 0;
	for (cp = 0; cp <= 0x10ffff; cp++) {
		unsigned char buf[4];
		size_t len = utf8_encode(cp, buf), k;
		int surrogate = cp >= 0xd800 && cp <= 0xdfff;

		got = 0;
		if (surrogate ? mg_utf8_seq(buf, len, &got) != 0
				: mg_utf8_seq(buf, len, &got) != len || got != cp) {
			bad++;
		}
		for (k = 1; k < len; k++) {
			/* a lone 0xED may still become U+D000..U+D7FF */
			int want = !surrogate || k == 1;

			if ((mg_utf8_partial(buf, k) != 0) != want || mg_utf8_seq(buf, k, NULL) != 0) {
				bad++;
			}
		}
	}
	check(bad == 0, "utf8: every code point's encoding, and its prefixes");

	/* Every string of 1 to 3 bytes: what is taken is the encoding of what
	 * it decodes to, and no surrogate (with the loop above: exactly the
	 * encodings are taken). */
	bad = 0;
	for (i = 0; i < (1u << 24); i++) {
		unsigned char b[3], enc[4];
		size_t len = i < 0x100 ? 1 : i < 0x10000 ? 2 : 3, n, k;

		for (k = 0; k < len; k++) {
			b[k] = (unsigned char) (i >> (8 * (len - 1 - k)));
		}
		n = mg_utf8_seq(b, len, &got);
		if (n != 0 && (utf8_encode(got, enc) != n || memcmp(enc, b, n) != 0
				|| (got >= 0xd800 && got <= 0xdfff))) {
			bad++;
		}
	}
	check(bad == 0, "utf8: every string of 1 to 3 bytes");
}

/* Random inputs built from encoded-word pieces: never out of bounds (ASan),
 * never more than cap, and the same answer twice. */
static unsigned long rng_state = 2463534242UL;

static unsigned long rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void run_random(void)
{
	static const char *pieces[] = {
		"=?", "?=", "?", "=", "utf-8", "UTF-8", "iso-8859-1", "windows-1252", "koi8-r", "*en",
		"?q?", "?b?", "?Q?", "?B?", "=C3", "=A9", "=FF", "=", "_", " ", "\r\n ", "\t",
		"YWJj", "w6k=", "==", "a", "<x@y>", ",", "\xc3", "\xa9", "\0", "\xff",
	};
	size_t round, bad = 0;

	for (round = 0; round < 200000; round++) {
		char buf[96];
		size_t len = 0, k, n = rng() % 12, cap;
		int t1 = 0, t2 = 0;
		char *in, *o1, *o2;
		size_t r1, r2;

		for (k = 0; k < n; k++) {
			const char *p = pieces[rng() % (sizeof(pieces) / sizeof(pieces[0]))];
			size_t pl = strcmp(p, "") == 0 ? 0 : (p[0] == '\0' ? 1 : strlen(p));
			if (len + pl > sizeof(buf)) {
				break;
			}
			memcpy(buf + len, p, pl);
			len += pl;
		}
		cap = rng() % (len * 3 + 2);
		in = dup_exact(buf, len);
		o1 = malloc(cap ? cap : 1);
		o2 = malloc(cap ? cap : 1);
		r1 = mg_mime_decode(in, len, o1, cap, &t1);
		r2 = mg_mime_decode(in, len, o2, cap, &t2);
		if (r1 > cap || r1 != r2 || t1 != t2 || memcmp(o1, o2, r1) != 0) {
			bad++;
		}
		/* with room for everything nothing is cut */
		if (cap >= len * 3) {
			if (t1) {
				bad++;
			}
		}
		free(in);
		free(o1);
		free(o2);
	}
	check(bad == 0, "random: within cap, deterministic, no cut when there is room");
}

/* Linear time: 4 MiB of words and of near-words. */
static void run_stress(void)
{
	static const char *units[] = { "=?utf-8?q?=C3=A9?= ", "=?=?=?", "=?utf-8?q?aaaaaaaaaaaaaaaa", "=?x?b?" };
	size_t u;

	for (u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		size_t ul = strlen(units[u]), len = 4u << 20, i, n;
		char *in = malloc(len), *out = malloc(len);
		clock_t t0;
		double secs;
		int trunc = 0;
		char what[128];

		for (i = 0; i < len; i++) {
			in[i] = units[u][i % ul];
		}
		t0 = clock();
		n = mg_mime_decode(in, len, out, len, &trunc);
		secs = (double) (clock() - t0) / CLOCKS_PER_SEC;
		snprintf(what, sizeof(what), "stress: 4 MiB of \"%s\" in %.3f s", units[u], secs);
		check(n <= len && secs < 10.0, what);
		free(in);
		free(out);
	}
}

int main(void)
{
	run_cases();
	run_utf8();
	run_random();
	run_stress();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
