/*
 * mailguard - header scanner and recipient counter.
 *
 * Pure C99, no PHP headers, no allocation: the same code is linked into the
 * extension and into standalone test and fuzz targets.
 *
 * Buffers are pointer + length and need not be NUL-terminated; NUL bytes
 * inside them are ordinary data. A pointer may be NULL when its length is 0.
 * All functions run in time linear in the input length, use a fixed amount
 * of stack and never read outside [ptr, ptr + len).
 */

#ifndef MAILGUARD_SCANNER_H
#define MAILGUARD_SCANNER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	MG_HDR_OTHER = 0,
	MG_HDR_FROM, MG_HDR_TO, MG_HDR_CC, MG_HDR_BCC,
	MG_HDR_RESENT_TO, MG_HDR_RESENT_CC, MG_HDR_RESENT_BCC,
	MG_HDR_SUBJECT, MG_HDR_RETURN_PATH,
	MG_HDR_STAMP,           /* X-PHP-Originating-Script */
	MG_HDR_TRACE            /* X-Mailguard-Trace */
} mg_hdr_kind;

typedef struct {
	mg_hdr_kind kind;
	const char *name;  size_t name_len;   /* field name as written, without the colon or whitespace before it */
	const char *value; size_t value_len;  /* raw value: after the colon and leading WSP, including any folds, excluding the final line end */
	int malformed;                        /* line had no colon / invalid name: the MTA would end the header block here */
} mg_hdr_field;

typedef int (*mg_hdr_cb)(const mg_hdr_field *field, void *ctx);  /* return nonzero to stop */

/* Splits a header block into fields the way `sendmail -t` reads it: lines
 * end in CRLF or bare LF (a lone CR is ordinary data); a line starting with
 * SP/HTAB continues the previous field (even if it looks like " Bcc: x"); a
 * field is `name: value` where name is 1+ printable ASCII (0x21-0x7e) except
 * ':' optionally followed by SP/HTAB before the ':'. The kind is the name
 * looked up case-insensitively (ASCII) among those of mg_hdr_kind; any other
 * name is MG_HDR_OTHER. A line that is not a field (no colon, bad name
 * chars, an empty line, leading continuation with no previous field) is
 * reported with malformed=1 (kind MG_HDR_OTHER, name_len 0, value = the
 * whole line, plus any continuation lines after it) and scanning CONTINUES
 * (counting on after it over-counts, which is safe). cb may be NULL.
 * Returns the number of fields reported, malformed ones included; when cb
 * returns nonzero the scan stops and that field is included in the count. */
size_t mg_scan_fields(const char *buf, size_t len, mg_hdr_cb cb, void *ctx);

/* Recipients an MTA would queue for one address-list value
 * (To/Cc/Bcc/Resent-*), never fewer. Folds (CRLF/LF + WSP) count as
 * whitespace. */
size_t mg_count_rcpts(const char *value, size_t len);

/* Same as mg_count_rcpts(); additionally sets *malformed to 1 (never to 0)
 * when the value holds an unterminated quote, comment, domain literal or
 * angle address, a stray '>', ')' or ']', or a '<' inside an open '<'.
 * malformed may be NULL. */
size_t mg_count_rcpts_ex(const char *value, size_t len, int *malformed);

/* Duplicate recipients, removed as the MTA removes them.
 *
 * Postfix (cleanup's duplicate filter) queues an address that the header
 * lists name twice once. It compares the address as written (without
 * display name, angle brackets, comments, blanks, quotes and escapes)
 * together with the address as rewritten, ASCII case folded: so
 * `a@x`, `A@X`, `<a@x>`, `Name <a@x>`, `a@x (c)` and `"a"@x` are one
 * recipient, while `john` and `john@<myorigin>`, or `a@x.` and `a@x`, are
 * two. It remembers at most duplicate_filter_limit (default 1000) distinct
 * addresses per mail, the command line's recipients first; a repeat of an
 * address it did not remember is queued again.
 *
 * mg_rcpt_set is the memory for that filter: the caller provides it (the
 * scanner never allocates; it is about 100 KiB, too large for the stack)
 * and sets it up once with mg_rcpt_set_init(); each mg_summarize() or
 * mg_scan_headers() starts it afresh. An address is remembered only when
 * it was written in a form whose comparison is certain (a plain
 * local@domain, or local part alone, of printable ASCII); any other
 * recipient is counted and, as far as the limit goes, taken to be a new
 * address, which can only count more. */
#define MG_DUP_FILTER_LIMIT 1000	/* Postfix's duplicate_filter_limit default */
#define MG_RCPT_SET_TEXT 65536		/* bytes of address text remembered; past them, no more addresses are */
#define MG_RCPT_SET_SLOTS 4096		/* hash slots, a power of two, more than twice the entries */

typedef struct {
	size_t remember;	/* addresses the filter can still take per list (mg_rcpt_set_init()) */
	size_t used[2];		/* per list (To/Cc/Bcc, Resent-*): never fewer than the filter holds */
	size_t entries;
	size_t text_used;
	struct {
		uint32_t hash, off, len, list;
	} entry[2 * MG_DUP_FILTER_LIMIT];
	uint16_t slot[MG_RCPT_SET_SLOTS];	/* entry index + 1; 0: empty */
	char text[MG_RCPT_SET_TEXT];
} mg_rcpt_set;

/* remember: how many distinct addresses the MTA's filter can take from the
 * headers: MG_DUP_FILTER_LIMIT less the recipients it is given besides the
 * headers (they come first), at most MG_DUP_FILTER_LIMIT. */
void mg_rcpt_set_init(mg_rcpt_set *set, size_t remember);

typedef struct {
	size_t rcpts;        /* what the MTA queues: resent_rcpts if has_resent, else plain_rcpts (see below) */
	size_t plain_rcpts;  /* to-argument + To + Cc + Bcc (all occurrences; duplicates removed when a set was given) */
	size_t resent_rcpts; /* Resent-To + Resent-Cc + Resent-Bcc (the same) */
	int has_resent;      /* any Resent-To/Cc/Bcc field present: Postfix then ignores To/Cc/Bcc */
	int has_stamp;       /* an X-PHP-Originating-Script field present in hdrs */
	int has_trace;       /* an X-Mailguard-Trace field present in hdrs */
	int malformed;       /* a malformed line or an unterminated quote/comment/angle/literal was seen */
	size_t fields;       /* number of fields in hdrs (as returned by mg_scan_fields, malformed lines included) */
	size_t malformed_lines; /* how many of those were malformed lines */
	int capped;          /* mg_scan_headers() only: the block was longer than its limit */
} mg_msg_summary;

/* Whole mail as PHP's mail() hands it to sendmail: the to-argument is
 * written as a "To:" field, then additional headers `hdrs`. Either pointer
 * may be NULL when its length is 0.
 *
 * set: NULL counts every recipient as written; otherwise duplicates are
 * removed as the MTA removes them (see mg_rcpt_set), and never one more:
 * the count stays what the MTA queues, never fewer. set is started afresh.
 *
 * A field written with blanks before its colon ("Bcc : x") is counted as
 * Postfix parses it: with the colon in front of the value (": x"), where
 * that colon can make a recipient of its own ("Bcc : " queues one).
 *
 * A line break in the to-argument that is not followed by SP/HTAB starts a
 * new field, as it would for the MTA. When a malformed line was seen and a
 * Resent-To/Cc/Bcc field is present, the MTA may have stopped reading
 * headers before the Resent field, so rcpts is then the larger of
 * plain_rcpts and resent_rcpts. */
void mg_summarize(const char *to, size_t to_len, const char *hdrs, size_t hdrs_len, mg_rcpt_set *set, mg_msg_summary *out);

/* mg_scan_fields() and mg_summarize() in one walk over a header block that
 * is the whole mail's headers (no separate to-argument): cb (may be NULL)
 * sees every field of the block, and *out is filled on the way. Returns
 * the number of fields, which is also out->fields.
 *
 * limit (0 = none) bounds the bytes whose addresses are counted. When the
 * block is longer (out->capped), only the whole lines that end within the
 * first limit bytes are counted (a field folded past them counts up to its
 * last such line), and rcpts = plain_rcpts + resent_rcpts + one per
 * remaining byte: every recipient the MTA queues takes at least one byte
 * of a value, so that is never fewer, whichever list the MTA uses.
 * plain_rcpts, resent_rcpts, has_resent, malformed and malformed_lines
 * describe the counted lines (duplicates are removed only among them: the
 * bytes after them count one each); fields, has_stamp and has_trace the
 * whole block, so that a forged stamp or trace field is found anywhere.
 * Without a cut, *out is what mg_summarize(NULL, 0, hdrs, len, set, out)
 * gives. set: as for mg_summarize().
 * When cb returns nonzero the walk stops and *out covers the fields up to
 * that one. */
size_t mg_scan_headers(const char *hdrs, size_t len, size_t limit, mg_rcpt_set *set, mg_hdr_cb cb, void *ctx, mg_msg_summary *out);

#ifdef __cplusplus
}
#endif

#endif /* MAILGUARD_SCANNER_H */
