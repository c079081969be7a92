/*
  +----------------------------------------------------------------------+
  | mailguard: per-account mail accounting for shared PHP hosting        |
  +----------------------------------------------------------------------+
  | This source file is subject to the MIT license that is bundled with  |
  | this package in the file LICENSE.                                    |
  +----------------------------------------------------------------------+
*/

#ifndef MAILGUARD_HEADERS_H
#define MAILGUARD_HEADERS_H

#include "zend_smart_str.h"

/* What the log and the policy need to know about one mail's headers. */
typedef struct {
	smart_str from, to, cc, bcc, subject; /* every occurrence, unfolded, ", "-joined */
	size_t rcpts;      /* recipients the MTA will queue, never fewer (a repeated address once, as the MTA) */
	bool has_stamp;    /* the script supplied its own X-PHP-Originating-Script */
	bool has_trace;    /* the script supplied its own X-Mailguard-Trace */
	bool malformed;    /* a line or an address list was not well formed */
	size_t malformed_lines; /* lines that are neither a field nor a continuation (empty ones too): the MTA ends the header section at the first */
	bool capped;       /* the block was longer than the scan limit */
	const char *from_raw; /* the first From value as written (points into the block), or NULL */
	size_t from_raw_len;
	size_t from_fields;   /* how many From fields */
} mg_facts;

/* Scans the header block exactly as the MTA will read it (the To: and
 * Subject: lines core writes first, then the additional headers), in one
 * walk (mg_scan_headers()).
 *
 * limit (0 = none) bounds the bytes whose addresses are counted. Past it,
 * rcpts grows by one per remaining byte (each recipient the MTA queues
 * takes at least one byte of a value, so that is never fewer), while the
 * fields are still split to find a forged stamp or trace header anywhere.
 *
 * keep bounds each stored value (from, to, ...) so that their copies stay
 * small whatever the block's size; a cut value ends in "...". Values are
 * stored with RFC 2047 encoded words decoded (mime.h).
 *
 * rcpts leaves out the repeats the MTA drops (scanner.h, mg_rcpt_set).
 * envelope_rcpts: how many recipients the MTA may be given on its command
 * line (never fewer): they take places in its duplicate filter first. They
 * are not in rcpts. */
void mg_facts_scan(mg_facts *f, const char *block, size_t len, size_t limit, size_t keep, size_t envelope_rcpts);
void mg_facts_free(mg_facts *f);

/* Core's php_mail() refuses additional headers that start with a byte that
 * cannot begin a field name or contain an empty or malformed line break;
 * the same test, so mailguard knows in advance that core will refuse. */
bool mg_headers_refused_by_core(const char *hdr, size_t len);

#endif
