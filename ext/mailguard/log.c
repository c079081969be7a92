/*
   +----------------------------------------------------------------------+
   | mailguard: key=value line builder                                    |
   +----------------------------------------------------------------------+
   | Everything that reaches the log line from a script (headers,         |
   | addresses, paths, vhost, ...) goes through mg_log_kv(), so this is   |
   | the one place that must make CR/LF/NUL and field forgery impossible. |
   | The socket writer lives in log_writer.c.                             |
   +----------------------------------------------------------------------+
*/

#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_smart_str.h"
#include "log.h"
#include "utf8.h"

/* Longest output of one character: a 4-byte sequence as \xNN each. */
#define MG_LOG_UNIT_MAX 16

#if ZEND_DEBUG
static bool mg_log_key_ok(const char *key)
{
	if (!key || !*key) {
		return false;
	}
	for (; *key; key++) {
		if (!((*key >= 'a' && *key <= 'z') || *key == '_')) {
			return false;
		}
	}
	return true;
}
#endif

/* Bytes that can be written without quotes. Deliberately excludes '=', ',',
 * quotes, spaces and anything non-ASCII, so that a bare value can never look
 * like a second pair or confuse a logfmt / splunk style parser. */
static zend_always_inline bool mg_log_is_bare(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		|| (c >= '0' && c <= '9')
		|| c == '.' || c == '_' || c == '@' || c == ':'
		|| c == '/' || c == '+' || c == '-';
}

/* Valid code points we still escape: C1 controls (8-bit CSI etc.), Unicode
 * line/paragraph separators, and bidi controls that can visually reorder a
 * log line ("Trojan Source"). */
static zend_always_inline bool mg_log_cp_unsafe(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f)
		|| cp == 0x2028 || cp == 0x2029
		|| (cp >= 0x202a && cp <= 0x202e)
		|| (cp >= 0x2066 && cp <= 0x2069);
}

static zend_always_inline size_t mg_log_hex(char *out, unsigned char c)
{
	static const char digits[] = "0123456789abcdef";

	out[0] = '\\';
	out[1] = 'x';
	out[2] = digits[c >> 4];
	out[3] = digits[c & 0x0f];
	return 4;
}

/* Escapes the character starting at p into out (at least MG_LOG_UNIT_MAX
 * bytes); returns the output length and stores the input bytes consumed.
 * One call = one unit that truncation may keep or drop as a whole. */
static size_t mg_log_unit(const unsigned char *p, size_t n, char *out, size_t *used)
{
	unsigned char c = p[0];
	uint32_t cp;
	size_t seq, i, o;

	*used = 1;
	if (c == '"' || c == '\\') {
		out[0] = '\\';
		out[1] = (char) c;
		return 2;
	}
	if (c < 0x20 || c == 0x7f) {
		return mg_log_hex(out, c);
	}
	if (c < 0x80) {
		out[0] = (char) c;
		return 1;
	}
	seq = mg_utf8_seq(p, n, &cp);
	if (seq == 0) {
		/* Escape just this byte and resync on the next one. */
		return mg_log_hex(out, c);
	}
	*used = seq;
	if (mg_log_cp_unsafe(cp)) {
		for (i = 0, o = 0; i < seq; i++) {
			o += mg_log_hex(out + o, p[i]);
		}
		return o;
	}
	memcpy(out, p, seq);
	return seq;
}

static zend_always_inline void mg_log_key(smart_str *s, const char *key)
{
#if ZEND_DEBUG
	ZEND_ASSERT(mg_log_key_ok(key));
#endif
	if (smart_str_get_len(s) > 0) {
		smart_str_appendc(s, ' ');
	}
	smart_str_appends(s, key);
	smart_str_appendc(s, '=');
}

void mg_log_kv(smart_str *s, const char *key, const char *val, size_t len, size_t cap)
{
	const unsigned char *p = (const unsigned char *) val;
	char unit[MG_LOG_UNIT_MAX];
	size_t i, vstart, fit, ulen, used;
	bool bare;

	mg_log_key(s, key);

	if (!val || len == 0) {
		smart_str_appendl(s, "\"\"", 2);
		return;
	}

	bare = (cap == 0 || len <= cap);
	for (i = 0; bare && i < len; i++) {
		bare = mg_log_is_bare(p[i]);
	}
	if (bare) {
		smart_str_appendl(s, val, len);
		return;
	}

	/* Escape unit by unit. `fit` remembers the last unit boundary after which
	 * `..."` still fits in cap, so an overflow can be rolled back to it. */
	smart_str_appendc(s, '"');
	vstart = ZSTR_LEN(s->s) - 1;
	fit = ZSTR_LEN(s->s);
	for (i = 0; i < len; i += used) {
		ulen = mg_log_unit(p + i, len - i, unit, &used);
		if (cap && ZSTR_LEN(s->s) - vstart + ulen + 1 > cap) {
			ZSTR_LEN(s->s) = fit;
			smart_str_appendl(s, "...\"", 4);
			return;
		}
		smart_str_appendl(s, unit, ulen);
		if (cap && ZSTR_LEN(s->s) - vstart + 4 <= cap) {
			fit = ZSTR_LEN(s->s);
		}
	}
	smart_str_appendc(s, '"');
}

void mg_log_kv_long(smart_str *s, const char *key, zend_long v)
{
	mg_log_key(s, key);
	smart_str_append_long(s, v);
}
