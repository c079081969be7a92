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
	smart_str from, to, cc, bcc, subject, return_path; /* every occurrence, unfolded, ", "-joined */
	size_t rcpts;      /* recipients the MTA will queue, never fewer */
	bool has_stamp;    /* the script supplied its own X-PHP-Originating-Script */
	bool has_trace;    /* the script supplied its own X-Mailguard-Trace */
	bool has_resent;   /* Resent-To/Cc/Bcc present: the MTA uses only those */
	bool malformed;    /* a line or an address list was not well formed */
} mg_facts;

/* Scans the header block exactly as the MTA will read it (the To: and
 * Subject: lines core writes first, then the additional headers). */
void mg_facts_scan(mg_facts *f, const char *block, size_t len);
void mg_facts_free(mg_facts *f);

/* Core's php_mail() refuses additional headers that start with a byte that
 * cannot begin a field name or contain an empty or malformed line break;
 * the same test, so mailguard knows in advance that core will refuse. */
bool mg_headers_refused_by_core(const char *hdr, size_t len);

#endif
