/*
  +----------------------------------------------------------------------+
  | mailguard-milter: the MTA-side companion of the mailguard extension  |
  +----------------------------------------------------------------------+
  | This source file is subject to the MIT license that is bundled with  |
  | this package in the file LICENSE.                                    |
  +----------------------------------------------------------------------+
*/

/* What the log row says about a message: the extension's own header
 * scanner (ext/mailguard/scanner.c) and UTF-8 decoder (utf8.c), compiled
 * into the milter. */

#include "mgm.h"
#include "scanner.h"
#include "utf8.h"

#include <string.h>

void mgm_text(char *dst, size_t size, const char *src, size_t len)
{
	const unsigned char *p = (const unsigned char *) src;
	size_t i = 0, o = 0;

	if (size == 0) {
		return;
	}
	while (i < len) {
		size_t n = mg_utf8_seq(p + i, len - i, NULL);
		const char *rep = NULL;

		if (n == 0) {
			rep = "?";
			n = 1;
		} else if (n == 1 && (p[i] < 0x20 || p[i] == 0x7f)) {
			rep = p[i] == '\t' || p[i] == '\r' || p[i] == '\n' ? " " : "?";
		}
		if ((rep != NULL ? 1 : n) > size - 1 - o) {
			break;
		}
		if (rep != NULL) {
			dst[o++] = rep[0];
		} else {
			memcpy(dst + o, p + i, n);
			o += n;
		}
		i += n;
	}
	dst[o] = '\0';
}

static int mgm_facts_field(const mg_hdr_field *fd, void *ctx)
{
	mgm_facts *f = ctx;
	char *dst = NULL;

	switch (fd->kind) {
	case MG_HDR_FROM: dst = f->from; break;
	case MG_HDR_TO: dst = f->to; break;
	case MG_HDR_CC: dst = f->cc; break;
	case MG_HDR_BCC: dst = f->bcc; break;
	case MG_HDR_SUBJECT: dst = f->subject; break;
	default: return 0;
	}
	if (dst[0] == '\0') {
		mgm_text(dst, MGM_FIELD_MAX, fd->value, fd->value_len);
	}
	return 0;
}

void mgm_facts_scan(const char *hdrs, size_t len, mgm_facts *f)
{
	mg_msg_summary s;

	memset(f, 0, sizeof(*f));
	f->fields = mg_scan_headers(hdrs, len, 0, NULL, mgm_facts_field, f, &s);	/* the count is the envelope's: no set */
	f->malformed = s.malformed;
}

static int mgm_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int mgm_trace_parse(const char *v, size_t len, char out[37])
{
	size_t i;

	while (len > 0 && (v[0] == ' ' || v[0] == '\t' || v[0] == '\r' || v[0] == '\n')) {
		v++;
		len--;
	}
	while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t' || v[len - 1] == '\r' || v[len - 1] == '\n')) {
		len--;
	}
	if (len != 36) {
		return -1;
	}
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (v[i] != '-') {
				return -1;
			}
			out[i] = '-';
		} else if (!mgm_hex(v[i])) {
			return -1;
		} else {
			out[i] = (char) (v[i] >= 'A' && v[i] <= 'F' ? v[i] - 'A' + 'a' : v[i]);
		}
	}
	out[36] = '\0';
	return 0;
}
