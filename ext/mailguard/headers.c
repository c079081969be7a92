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

/* Appends one field value, unfolded: the line breaks of a fold are dropped
 * and the whitespace after them kept, as a reader of the header sees it. */
static void mg_facts_append(smart_str *dst, const mg_hdr_field *field)
{
	size_t i, start = 0;

	if (dst->s != NULL && ZSTR_LEN(dst->s) > 0) {
		smart_str_appendl(dst, ", ", 2);
	}
	/* Only line ends (LF, CRLF) go; a lone CR is data to core and the MTA,
	 * so the log keeps it (escaped). */
	for (i = 0; i < field->value_len; i++) {
		char c = field->value[i];
		if (c == '\n') {
			size_t end = (i > start && field->value[i - 1] == '\r') ? i - 1 : i;
			smart_str_appendl(dst, field->value + start, end - start);
			start = i + 1;
		}
	}
	smart_str_appendl(dst, field->value + start, field->value_len - start);
}

static int mg_facts_field(const mg_hdr_field *field, void *ctx)
{
	mg_facts *f = (mg_facts *) ctx;

	switch (field->kind) {
		case MG_HDR_FROM:
			mg_facts_append(&f->from, field);
			break;
		case MG_HDR_TO:
		case MG_HDR_RESENT_TO:
			mg_facts_append(&f->to, field);
			break;
		case MG_HDR_CC:
		case MG_HDR_RESENT_CC:
			mg_facts_append(&f->cc, field);
			break;
		case MG_HDR_BCC:
		case MG_HDR_RESENT_BCC:
			mg_facts_append(&f->bcc, field);
			break;
		case MG_HDR_SUBJECT:
			mg_facts_append(&f->subject, field);
			break;
		case MG_HDR_RETURN_PATH:
			mg_facts_append(&f->return_path, field);
			break;
		default:
			break;
	}
	return 0;
}

void mg_facts_scan(mg_facts *f, const char *block, size_t len)
{
	mg_msg_summary sum;

	memset(f, 0, sizeof(*f));
	mg_scan_fields(block, len, mg_facts_field, f);
	mg_summarize(NULL, 0, block, len, &sum);
	f->rcpts = sum.rcpts;
	f->has_stamp = sum.has_stamp != 0;
	f->has_trace = sum.has_trace != 0;
	f->has_resent = sum.has_resent != 0;
	f->malformed = sum.malformed != 0;
	smart_str_0(&f->from);
	smart_str_0(&f->to);
	smart_str_0(&f->cc);
	smart_str_0(&f->bcc);
	smart_str_0(&f->subject);
	smart_str_0(&f->return_path);
}

void mg_facts_free(mg_facts *f)
{
	smart_str_free(&f->from);
	smart_str_free(&f->to);
	smart_str_free(&f->cc);
	smart_str_free(&f->bcc);
	smart_str_free(&f->subject);
	smart_str_free(&f->return_path);
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
