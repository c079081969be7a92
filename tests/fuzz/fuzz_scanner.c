/*
 * libFuzzer target for the header scanner and recipient counter
 * (ext/mailguard/scanner.c). Build and run: make -C tests/fuzz check
 *
 * The input is copied into a heap buffer of exactly its size (the scanner
 * never sees a NUL terminator, so AddressSanitizer catches any overread).
 * Besides crashes, leaks and undefined behaviour it checks what callers
 * rely on, and aborts when one does not hold:
 *   - every field the splitter reports lies inside the buffer, in order,
 *     with a known kind; malformed lines have no name;
 *   - the field count it returns is the number of callbacks;
 *   - mg_count_rcpts() == mg_count_rcpts_ex(), and a count never exceeds
 *     the bytes it was made from plus one (a lone "," or ":" may count);
 *   - mg_summarize(): rcpts is what the MTA queues, never fewer than the
 *     list it would use (Resent-* when present) and, after a malformed
 *     line, never fewer than either list (the MTA may have stopped reading
 *     before the Resent-* field);
 *   - mg_scan_headers() (fields and summary in one walk, with a limit)
 *     reports the same fields as mg_scan_fields() and the same summary as
 *     the two passes it replaced: mg_scan_fields() over the whole block,
 *     then mg_summarize() over the whole lines within the limit, plus one
 *     recipient per byte after them;
 *   - removing duplicate recipients (mg_rcpt_set) only lowers the counts
 *     (rcpts, plain_rcpts, resent_rcpts), never to 0 from 1 or more, and
 *     changes nothing else; the less the filter remembers, the more is
 *     counted, and remembering nothing counts every recipient;
 *   - the same input scanned twice gives the same answers.
 * The first input byte chooses where the input is split into the
 * to-argument and the additional headers for mg_summarize(), the limit
 * for mg_scan_headers(), how much the filter remembers in the second
 * count, and the output room (4 bytes per unit) for the RFC 2047 decoder
 * (mime.c), which is fuzzed on the same input.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../ext/mailguard/scanner.h"
#include "../../ext/mailguard/mime.h"

#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "invariant failed: %s (line %d)\n", #cond, __LINE__); abort(); } } while (0)

/* The duplicate filter's memory (about 100 KiB). */
static mg_rcpt_set set;

typedef struct {
	const char *buf;
	size_t len;
	const char *last_end;
	size_t calls;
	uint64_t sum;		/* of every field reported, in order */
	int stamp, trace;
} walk;

static int on_field(const mg_hdr_field *f, void *arg)
{
	walk *w = arg;

	w->calls++;
	CHECK(f->kind >= MG_HDR_OTHER && f->kind <= MG_HDR_TRACE);
	CHECK(f->value >= w->buf && f->value + f->value_len <= w->buf + w->len);
	CHECK(f->value >= w->last_end);
	if (f->malformed) {
		CHECK(f->name_len == 0);
		CHECK(f->kind == MG_HDR_OTHER);
	} else {
		CHECK(f->name_len > 0);
		CHECK(f->name >= w->last_end && f->name + f->name_len <= f->value);
	}
	w->last_end = f->value + f->value_len;
	/* FNV-1a over what a field is, so that two walks can be compared */
	{
		size_t v[6], i;

		v[0] = (size_t) f->kind;
		v[1] = (size_t) (f->name - w->buf);
		v[2] = f->name_len;
		v[3] = (size_t) (f->value - w->buf);
		v[4] = f->value_len;
		v[5] = (size_t) f->malformed;
		for (i = 0; i < 6; i++) {
			w->sum = (w->sum ^ v[i]) * 1099511628211u;
		}
	}
	w->stamp |= f->kind == MG_HDR_STAMP;
	w->trace |= f->kind == MG_HDR_TRACE;
	return 0;
}

/* What mailguard's headers.c did before the one walk: split the whole
 * block, then summarize the whole lines within the limit, and count one
 * recipient per byte after them. */
static void two_passes(const char *buf, size_t len, size_t limit, const walk *w, mg_msg_summary *out)
{
	size_t head = len;

	if (limit != 0 && len > limit) {
		for (head = limit; head > 0 && buf[head - 1] != '\n'; head--) {
		}
	}
	mg_summarize(NULL, 0, head ? buf : NULL, head, &set, out);
	out->fields = w->calls;
	out->has_stamp = w->stamp;
	out->has_trace = w->trace;
	if (head != len) {
		out->capped = 1;
		out->rcpts = out->plain_rcpts + out->resent_rcpts + (len - head);
	}
}

/* The counts with repeats removed (dd) against every recipient counted
 * (raw): lower or equal, 0 only when raw is, and the rest the same. */
static void same_but_fewer(const mg_msg_summary *dd, const mg_msg_summary *raw)
{
	mg_msg_summary a = *dd;

	CHECK(dd->rcpts <= raw->rcpts && dd->plain_rcpts <= raw->plain_rcpts && dd->resent_rcpts <= raw->resent_rcpts);
	CHECK(raw->rcpts == 0 || dd->rcpts >= 1);
	CHECK(raw->plain_rcpts == 0 || dd->plain_rcpts >= 1);
	CHECK(raw->resent_rcpts == 0 || dd->resent_rcpts >= 1);
	a.rcpts = raw->rcpts;
	a.plain_rcpts = raw->plain_rcpts;
	a.resent_rcpts = raw->resent_rcpts;
	CHECK(memcmp(&a, raw, sizeof(a)) == 0);
}

static void scan_all(const char *buf, size_t len, size_t split, size_t limit, size_t remember)
{
	walk w = { buf, len, buf, 0, 14695981039346656037u, 0, 0 };
	walk w1 = w;
	size_t n, c, c2, hl = len - split;
	int mal = 0;
	mg_msg_summary s, s2, raw, less;

	n = mg_scan_fields(buf, len, on_field, &w);
	CHECK(n == w.calls);
	CHECK(mg_scan_fields(buf, len, NULL, NULL) == n);

	mg_rcpt_set_init(&set, MG_DUP_FILTER_LIMIT);
	memset(&s2, 0, sizeof(s2));
	two_passes(buf, len, limit, &w, &s2);
	CHECK(mg_scan_headers(buf, len, limit, &set, on_field, &w1, &s) == n);
	CHECK(w1.calls == n && w1.sum == w.sum);
	CHECK(memcmp(&s, &s2, sizeof(s)) == 0);
	CHECK(mg_scan_headers(buf, len, limit, &set, NULL, NULL, &s2) == n);
	CHECK(memcmp(&s, &s2, sizeof(s)) == 0);

	/* duplicates: fewer than every recipient, more when less is remembered */
	CHECK(mg_scan_headers(buf, len, limit, NULL, NULL, NULL, &raw) == n);
	same_but_fewer(&s, &raw);
	mg_rcpt_set_init(&set, remember);
	mg_scan_headers(buf, len, limit, &set, NULL, NULL, &less);
	same_but_fewer(&less, &raw);
	CHECK(less.rcpts >= s.rcpts && less.plain_rcpts >= s.plain_rcpts && less.resent_rcpts >= s.resent_rcpts);
	mg_rcpt_set_init(&set, 0);
	mg_scan_headers(buf, len, limit, &set, NULL, NULL, &less);
	CHECK(memcmp(&less, &raw, sizeof(raw)) == 0);
	mg_rcpt_set_init(&set, MG_DUP_FILTER_LIMIT);

	c = mg_count_rcpts_ex(buf, len, &mal);
	c2 = mg_count_rcpts(buf, len);
	CHECK(c == c2);
	CHECK(c <= len + 1);

	mg_summarize(split ? buf : NULL, split, hl ? buf + split : NULL, hl, &set, &s);
	CHECK(s.rcpts >= (s.has_resent ? s.resent_rcpts : s.plain_rcpts));
	if (s.malformed_lines > 0 && s.has_resent) {
		CHECK(s.rcpts >= s.plain_rcpts && s.rcpts >= s.resent_rcpts);
	}
	CHECK(s.plain_rcpts <= len + 1 + s.fields);
	CHECK(s.malformed_lines <= s.fields);
	mg_summarize(split ? buf : NULL, split, hl ? buf + split : NULL, hl, &set, &s2);
	CHECK(memcmp(&s, &s2, sizeof(s)) == 0);
	mg_summarize(split ? buf : NULL, split, hl ? buf + split : NULL, hl, NULL, &raw);
	same_but_fewer(&s, &raw);
}

/* The log's RFC 2047 decoder, into an output buffer of exactly cap bytes:
 * never more than cap, the same answer twice, and with room for three
 * bytes per input byte nothing is cut. */
static void decode_all(const char *buf, size_t len, size_t cap)
{
	char *o1 = malloc(cap ? cap : 1), *o2 = malloc(cap ? cap : 1);
	int t1 = 0, t2 = 0;
	size_t n1, n2;

	if (o1 == NULL || o2 == NULL) {
		free(o1);
		free(o2);
		return;
	}
	n1 = mg_mime_decode(buf, len, o1, cap, &t1);
	n2 = mg_mime_decode(buf, len, o2, cap, &t2);
	CHECK(n1 <= cap && n1 == n2 && t1 == t2 && memcmp(o1, o2, n1) == 0);
	CHECK(cap < len * 3 || !t1);
	free(o1);
	free(o2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf;
	size_t split, limit;

	if (size == 0) {
		scan_all(NULL, 0, 0, 0, 0);
		return 0;
	}
	split = data[0] % 64;
	/* from 0 (none) to the whole input (no cap either) */
	limit = ((size_t) data[0] * 131) % size;
	data++;
	size--;
	if (split > size) {
		split = size;
	}
	buf = malloc(size ? size : 1);
	if (buf == NULL) {
		return 0;
	}
	memcpy(buf, data, size);
	/* 0 .. 1020: none, some, all of the filter's places */
	scan_all(buf, size, split, limit, (size_t) data[-1] * 4);
	decode_all(buf, size, (size_t) data[-1] * 4);
	free(buf);
	return 0;
}
