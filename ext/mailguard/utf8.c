/*
 * mailguard - strict UTF-8 (see utf8.h).
 */

#include <stddef.h>
#include <stdint.h>

#include "utf8.h"

/* Length of the sequence lead byte c starts (1 for ASCII; 0 for a byte that
 * starts none: continuation bytes, 0xC0, 0xC1, 0xF5..0xFF), and the range
 * of the byte after it, narrowed where the lead alone does not rule out an
 * overlong form, a surrogate or a code point above U+10FFFF. */
static size_t mg_utf8_lead(unsigned char c, unsigned char *lo, unsigned char *hi)
{
	*lo = 0x80;
	*hi = 0xbf;
	if (c < 0x80) {
		return 1;
	}
	if (c < 0xc2) {
		return 0;
	}
	if (c < 0xe0) {
		return 2;
	}
	if (c < 0xf0) {
		if (c == 0xe0) {
			*lo = 0xa0;	/* overlong */
		} else if (c == 0xed) {
			*hi = 0x9f;	/* surrogates */
		}
		return 3;
	}
	if (c < 0xf5) {
		if (c == 0xf0) {
			*lo = 0x90;	/* overlong */
		} else if (c == 0xf4) {
			*hi = 0x8f;	/* above U+10FFFF */
		}
		return 4;
	}
	return 0;
}

/* Whether the bytes after the lead in p[1, n) are what a strict sequence
 * holds there: the first within [lo, hi], the rest continuation bytes. */
static int mg_utf8_tail_ok(const unsigned char *p, size_t n, unsigned char lo, unsigned char hi)
{
	size_t i;

	if (n > 1 && (p[1] < lo || p[1] > hi)) {
		return 0;
	}
	for (i = 2; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			return 0;
		}
	}
	return 1;
}

size_t mg_utf8_seq(const unsigned char *p, size_t avail, uint32_t *cp)
{
	unsigned char lo, hi;
	size_t need, i;
	uint32_t v;

	if (avail == 0) {
		return 0;
	}
	need = mg_utf8_lead(p[0], &lo, &hi);
	if (need == 0 || avail < need || !mg_utf8_tail_ok(p, need, lo, hi)) {
		return 0;
	}
	if (cp != NULL) {
		/* the lead's payload bits: 7, 5, 4 or 3 */
		v = need == 1 ? p[0] : p[0] & (0x7fu >> need);
		for (i = 1; i < need; i++) {
			v = (v << 6) | (p[i] & 0x3fu);
		}
		*cp = v;
	}
	return need;
}

int mg_utf8_partial(const unsigned char *p, size_t avail)
{
	unsigned char lo, hi;
	size_t need;

	if (avail == 0) {
		return 0;
	}
	need = mg_utf8_lead(p[0], &lo, &hi);
	return need > avail && mg_utf8_tail_ok(p, avail, lo, hi);
}
