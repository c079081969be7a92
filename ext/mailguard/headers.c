/*
  +----------------------------------------------------------------------+
  | mailguard: per-account mail accounting for shared PHP hosting        |
  +----------------------------------------------------------------------+
  | This source file is subject to the MIT license that is bundled with  |
  | this package in the file LICENSE.                                    |
  +----------------------------------------------------------------------+
*/

/* Header facts of one mail, from the re2c scanner (scanner.re), which is
 * pure C so that it can be fuzzed on its own. */

#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "headers.h"
#include "scanner.h"
#include "mime.h"

enum { MG_F_FROM, MG_F_TO, MG_F_CC, MG_F_BCC, MG_F_SUBJECT, MG_F_COUNT };

typedef struct {
	mg_facts *f;
	smart_str raw[MG_F_COUNT];   /* from, to, cc, bcc, subject: undecoded */
	bool cut[MG_F_COUNT];        /* ... longer than raw_keep */
	size_t raw_keep;
} mg_facts_ctx;

/* Appends one field value, unfolded: the line breaks of a fold are dropped
 * and the whitespace after them kept, as a reader of the header sees it.
 * At most `keep` bytes are stored; *cut says that some were left out. */
static void mg_facts_append(smart_str *dst, bool *cut, size_t keep, const mg_hdr_field *field)
{
	size_t i, start = 0, have = dst->s != NULL ? ZSTR_LEN(dst->s) : 0;
	size_t len = field->value_len;

	if (have > 0) {
		smart_str_appendl(dst, ", ", 2);
		have += 2;
	}
	if (have >= keep) {
		*cut = true;
		return;
	}
	if (len > keep - have) {
		/* room for the unfolded value; folds only make it shorter */
		len = keep - have;
		*cut = true;
	}
	/* Only line ends (LF, CRLF) go; a lone CR is data to core and the MTA,
	 * so the log keeps it (escaped). */
	for (i = 0; i < len; i++) {
		char c = field->value[i];
		if (c == '\n') {
			size_t end = (i > start && field->value[i - 1] == '\r') ? i - 1 : i;
			smart_str_appendl(dst, field->value + start, end - start);
			start = i + 1;
		}
	}
	smart_str_appendl(dst, field->value + start, len - start);
}

static int mg_facts_field(const mg_hdr_field *field, void *vctx)
{
	mg_facts_ctx *c = (mg_facts_ctx *) vctx;
	int slot;

	if (field->malformed) {
		c->f->malformed_lines++;
		return 0;
	}
	switch (field->kind) {
		case MG_HDR_FROM:
			slot = MG_F_FROM;
			if (c->f->from_fields++ == 0) {
				c->f->from_raw = field->value;
				c->f->from_raw_len = field->value_len;
			}
			break;
		case MG_HDR_TO: case MG_HDR_RESENT_TO: slot = MG_F_TO; break;
		case MG_HDR_CC: case MG_HDR_RESENT_CC: slot = MG_F_CC; break;
		case MG_HDR_BCC: case MG_HDR_RESENT_BCC: slot = MG_F_BCC; break;
		case MG_HDR_SUBJECT: slot = MG_F_SUBJECT; break;
		default: return 0;
	}
	mg_facts_append(&c->raw[slot], &c->cut[slot], c->raw_keep, field);
	return 0;
}

/* The stored value: encoded words decoded, at most keep bytes, "..." when
 * something was left out. */
static void mg_facts_store(smart_str *dst, const smart_str *raw, bool cut, size_t keep)
{
	size_t n;
	int trunc = 0;

	if (raw->s == NULL || ZSTR_LEN(raw->s) == 0) {
		smart_str_0(dst);
		return;
	}
	smart_str_alloc(dst, keep + 4, 0);
	n = mg_mime_decode(ZSTR_VAL(raw->s), ZSTR_LEN(raw->s), ZSTR_VAL(dst->s), keep, &trunc);
	ZSTR_LEN(dst->s) = n;
	if (cut || trunc) {
		smart_str_appendl(dst, "...", 3);
	}
	smart_str_0(dst);
}

void mg_facts_scan(mg_facts *f, const char *block, size_t len, size_t limit, size_t keep, size_t envelope_rcpts)
{
	mg_facts_ctx c;
	mg_msg_summary sum;
	mg_rcpt_set *set;
	int i;

	memset(f, 0, sizeof(*f));
	memset(&c, 0, sizeof(c));
	c.f = f;
	/* Decoding shrinks text by up to ten times (a one-byte encoded word
	 * takes ten): keep enough raw text to fill `keep` decoded bytes. */
	c.raw_keep = keep * 10 + 64;

	/* The MTA's duplicate filter takes the command line's recipients
	 * first: what is left for the headers' addresses. */
	set = emalloc(sizeof(*set));
	mg_rcpt_set_init(set, envelope_rcpts < MG_DUP_FILTER_LIMIT ? MG_DUP_FILTER_LIMIT - envelope_rcpts : 0);

	/* One walk: the values from every field, the counts from whole lines
	 * up to the limit (repeats the MTA drops left out), a forged stamp or
	 * trace header wherever it is. */
	mg_scan_headers(block, len, limit, set, mg_facts_field, &c, &sum);
	efree(set);
	f->rcpts = sum.rcpts;
	f->capped = sum.capped != 0;
	f->has_stamp = sum.has_stamp != 0;
	f->has_trace = sum.has_trace != 0;
	f->malformed = sum.malformed != 0;

	mg_facts_store(&f->from, &c.raw[MG_F_FROM], c.cut[MG_F_FROM], keep);
	mg_facts_store(&f->to, &c.raw[MG_F_TO], c.cut[MG_F_TO], keep);
	mg_facts_store(&f->cc, &c.raw[MG_F_CC], c.cut[MG_F_CC], keep);
	mg_facts_store(&f->bcc, &c.raw[MG_F_BCC], c.cut[MG_F_BCC], keep);
	mg_facts_store(&f->subject, &c.raw[MG_F_SUBJECT], c.cut[MG_F_SUBJECT], keep);
	for (i = 0; i < MG_F_COUNT; i++) {
		smart_str_free(&c.raw[i]);
	}
}

void mg_facts_free(mg_facts *f)
{
	smart_str_free(&f->from);
	smart_str_free(&f->to);
	smart_str_free(&f->cc);
	smart_str_free(&f->bcc);
	smart_str_free(&f->subject);
}

bool mg_headers_refused_by_core(const char *hdr, size_t len)
{
	size_t i = 0;
	unsigned char first;

	if (hdr == NULL || len == 0) {
		return false;
	}
	first = (unsigned char) hdr[0];
	if (first < 33 || first > 126 || first == ':') {
		return true;
	}
	/* A line break must be followed by more header text; core steps over
	 * the byte after each break, and so does this loop. */
	while (i < len) {
		if (hdr[i] == '\r') {
			if (i + 1 >= len || hdr[i + 1] == '\r'
					|| (hdr[i + 1] == '\n' && (i + 2 >= len || hdr[i + 2] == '\n' || hdr[i + 2] == '\r'))) {
				return true;
			}
			i += 2;
		} else if (hdr[i] == '\n') {
			if (i + 1 >= len || hdr[i + 1] == '\r' || hdr[i + 1] == '\n') {
				return true;
			}
			i += 2;
		} else {
			i++;
		}
	}
	return false;
}
