/*
 * mailguard - RFC 2047 encoded words, decoded for the log (see mime.h).
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mime.h"
#include "utf8.h"

typedef unsigned char mg_uc;

enum { MG_CS_OTHER = -1, MG_CS_UTF8, MG_CS_ASCII, MG_CS_LATIN1, MG_CS_LATIN9, MG_CS_CP1252 };

static int mg_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int mg_charset(const mg_uc *p, size_t n)
{
	static const struct { const char *name; int cs; } names[] = {
		{ "utf-8", MG_CS_UTF8 }, { "utf8", MG_CS_UTF8 },
		{ "us-ascii", MG_CS_ASCII }, { "ascii", MG_CS_ASCII },
		{ "iso-8859-1", MG_CS_LATIN1 }, { "iso_8859-1", MG_CS_LATIN1 }, { "iso8859-1", MG_CS_LATIN1 },
		{ "latin1", MG_CS_LATIN1 }, { "l1", MG_CS_LATIN1 },
		{ "iso-8859-15", MG_CS_LATIN9 }, { "iso_8859-15", MG_CS_LATIN9 }, { "iso8859-15", MG_CS_LATIN9 },
		{ "latin-9", MG_CS_LATIN9 }, { "latin9", MG_CS_LATIN9 },
		{ "windows-1252", MG_CS_CP1252 }, { "cp1252", MG_CS_CP1252 },
	};
	size_t i, k;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strlen(names[i].name) != n) {
			continue;
		}
		for (k = 0; k < n && mg_lower(p[k]) == names[i].name[k]; k++) {
		}
		if (k == n) {
			return names[i].cs;
		}
	}
	return MG_CS_OTHER;
}

/* RFC 2047 token: CHAR except SPACE, CTLs and especials. */
static int mg_token_char(mg_uc c)
{
	return c > 0x20 && c < 0x7f && strchr("()<>@,;:\\\"/[]?.=", c) == NULL;
}

typedef struct {
	size_t end;         /* just past the closing "?=" */
	int cs;
	int b64;
	const mg_uc *text;
	size_t text_len;
} mg_word;

/* Is there an encoded word at in[i]? Stops at the third '?' at the latest,
 * and a word's text holds no '?', so every byte is looked at by a bounded
 * number of calls. */
static int mg_word_at(const mg_uc *in, size_t len, size_t i, mg_word *w)
{
	size_t j = i + 2, name, name_end, text;

	if (len - i < 2 || in[i] != '=' || in[i + 1] != '?') {
		return 0;
	}
	name = j;
	name_end = 0;
	while (j < len && mg_token_char(in[j])) {
		if (in[j] == '*' && name_end == 0) {
			name_end = j;   /* RFC 2231: charset*language */
		}
		j++;
	}
	if (name_end == 0) {
		name_end = j;
	}
	if (name_end == name || j >= len || in[j] != '?') {
		return 0;
	}
	j++;
	if (len - j < 2 || (mg_lower(in[j]) != 'b' && mg_lower(in[j]) != 'q') || in[j + 1] != '?') {
		return 0;
	}
	w->b64 = mg_lower(in[j]) == 'b';
	j += 2;
	text = j;
	while (j < len && in[j] > 0x20 && in[j] < 0x7f && in[j] != '?') {
		j++;
	}
	if (len - j < 2 || in[j] != '?' || in[j + 1] != '=') {
		return 0;
	}
	w->cs = mg_charset(in + name, name_end - name);
	w->text = in + text;
	w->text_len = j - text;
	w->end = j + 2;
	return 1;
}

typedef struct {
	mg_uc *out;
	size_t o, cap;
	int full;           /* something did not fit */
} mg_sink;

static void mg_put(mg_sink *s, const mg_uc *p, size_t n)
{
	if (s->full) {
		return;
	}
	if (s->cap - s->o < n) {
		s->full = 1;
		return;
	}
	memcpy(s->out + s->o, p, n);
	s->o += n;
}

static void mg_put_cp(mg_sink *s, uint32_t cp)
{
	mg_uc b[3];

	if (cp < 0x80) {
		b[0] = (mg_uc) cp;
		mg_put(s, b, 1);
	} else if (cp < 0x800) {
		b[0] = (mg_uc) (0xc0 | (cp >> 6));
		b[1] = (mg_uc) (0x80 | (cp & 0x3f));
		mg_put(s, b, 2);
	} else {
		b[0] = (mg_uc) (0xe0 | (cp >> 12));
		b[1] = (mg_uc) (0x80 | ((cp >> 6) & 0x3f));
		b[2] = (mg_uc) (0x80 | (cp & 0x3f));
		mg_put(s, b, 3);
	}
}

/* Windows-1252 0x80-0x9f; 0 = not assigned. */
static const uint16_t mg_cp1252[32] = {
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
};

/* One decoded byte in charset cs, written as UTF-8 (UTF-8 itself is copied
 * and checked per run). Returns 0 for a byte the charset does not have. */
static int mg_put_byte(mg_sink *s, int cs, mg_uc b)
{
	uint32_t cp = b;

	switch (cs) {
		case MG_CS_UTF8:
			mg_put(s, &b, 1);
			return 1;
		case MG_CS_ASCII:
			if (b >= 0x80) {
				return 0;
			}
			break;
		case MG_CS_LATIN9:
			switch (b) {
				case 0xa4: cp = 0x20ac; break;
				case 0xa6: cp = 0x0160; break;
				case 0xa8: cp = 0x0161; break;
				case 0xb4: cp = 0x017d; break;
				case 0xb8: cp = 0x017e; break;
				case 0xbc: cp = 0x0152; break;
				case 0xbd: cp = 0x0153; break;
				case 0xbe: cp = 0x0178; break;
				default: break;
			}
			break;
		case MG_CS_CP1252:
			if (b >= 0x80 && b < 0xa0) {
				cp = mg_cp1252[b - 0x80];
				if (cp == 0) {
					return 0;
				}
			}
			break;
		default:
			break;
	}
	mg_put_cp(s, cp);
	return 1;
}

static int mg_hex(mg_uc c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	c = (mg_uc) mg_lower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int mg_b64(mg_uc c)
{
	if (c >= 'A' && c <= 'Z') {
		return c - 'A';
	}
	if (c >= 'a' && c <= 'z') {
		return c - 'a' + 26;
	}
	if (c >= '0' && c <= '9') {
		return c - '0' + 52;
	}
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Decodes one word's text into s. Returns 0 if the text is not valid
 * base64 / Q or holds a byte its charset does not have. */
static int mg_word_decode(mg_sink *s, const mg_word *w)
{
	const mg_uc *t = w->text;
	size_t n = w->text_len, i;

	if (!w->b64) {
		for (i = 0; i < n && !s->full; i++) {
			mg_uc b = t[i];
			if (b == '_') {
				b = ' ';
			} else if (b == '=') {
				int hi, lo;
				if (n - i < 3 || (hi = mg_hex(t[i + 1])) < 0 || (lo = mg_hex(t[i + 2])) < 0) {
					return 0;
				}
				b = (mg_uc) (hi * 16 + lo);
				i += 2;
			}
			if (!mg_put_byte(s, w->cs, b)) {
				return 0;
			}
		}
		return 1;
	} else {
		uint32_t acc = 0;
		size_t bits = 0, data = n;

		/* up to two '=' of padding, at the end only */
		while (data > 0 && n - data < 2 && t[data - 1] == '=') {
			data--;
		}
		if (data % 4 == 1 || (data < n && (data + (n - data)) % 4 != 0)) {
			return 0;
		}
		for (i = 0; i < data && !s->full; i++) {
			int v = mg_b64(t[i]);
			if (v < 0) {
				return 0;
			}
			acc = (acc << 6) | (uint32_t) v;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				if (!mg_put_byte(s, w->cs, (mg_uc) (acc >> bits))) {
					return 0;
				}
				acc &= (1u << bits) - 1;
			}
		}
		return 1;
	}
}

/* Length of the longest strict UTF-8 prefix of p[0, n) (NUL counts as a
 * character: the log escapes it); *complete = 1 if that is all of it, 0 if
 * the rest is a character cut by the end of the buffer, -1 otherwise. */
static size_t mg_utf8_prefix(const mg_uc *p, size_t n, int *complete)
{
	size_t i = 0, k;

	while (i < n && (k = mg_utf8_seq(p + i, n - i, NULL)) != 0) {
		i += k;
	}
	*complete = i == n ? 1 : mg_utf8_partial(p + i, n - i) ? 0 : -1;
	return i;
}

static size_t mg_skip_wsp(const mg_uc *in, size_t len, size_t i)
{
	while (i < len && (in[i] == ' ' || in[i] == '\t' || in[i] == '\r' || in[i] == '\n')) {
		i++;
	}
	return i;
}

size_t mg_mime_decode(const char *vin, size_t len, char *vout, size_t cap, int *truncated)
{
	const mg_uc *in = (const mg_uc *) vin;
	mg_sink s;
	size_t i = 0;
	mg_word w;

	s.out = (mg_uc *) vout;
	s.o = 0;
	s.cap = cap;
	s.full = 0;

	while (i < len && !s.full) {
		size_t run_in, run_out, j;
		int cs, ok;

		if (in[i] != '=' || !mg_word_at(in, len, i, &w) || w.cs == MG_CS_OTHER) {
			mg_put(&s, in + i, 1);
			i++;
			continue;
		}
		/* A run: adjacent words in one charset, decoded as a whole. */
		run_in = i;
		run_out = s.o;
		cs = w.cs;
		ok = mg_word_decode(&s, &w);
		i = w.end;
		while (ok && !s.full) {
			j = mg_skip_wsp(in, len, i);
			if (j >= len || !mg_word_at(in, len, j, &w) || w.cs != cs) {
				break;
			}
			ok = mg_word_decode(&s, &w);
			i = w.end;
		}
		if (ok && cs == MG_CS_UTF8) {
			int complete;
			size_t good = mg_utf8_prefix(s.out + run_out, s.o - run_out, &complete);

			if (complete == 1 || (complete == 0 && s.full)) {
				s.o = run_out + good;   /* a character cut by the cap goes */
			} else {
				ok = 0;
			}
		}
		if (!ok) {
			/* as written */
			s.o = run_out;
			s.full = 0;
			mg_put(&s, in + run_in, i - run_in);
			if (s.full) {
				size_t room = s.cap - s.o;
				memcpy(s.out + s.o, in + run_in, room);
				s.o += room;
			}
			continue;
		}
		/* Whitespace between adjacent encoded words is not text. */
		j = mg_skip_wsp(in, len, i);
		if (j > i && j < len && mg_word_at(in, len, j, &w) && w.cs != MG_CS_OTHER) {
			i = j;
		}
	}
	if (s.full && truncated != NULL) {
		*truncated = 1;
	}
	return s.o;
}
