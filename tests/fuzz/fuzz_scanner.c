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
 *   - the same input scanned twice gives the same answers.
 * The first input byte chooses where the input is split into the
 * to-argument and the additional headers for mg_summarize(), and the
 * output room (4 bytes per unit) for the RFC 2047 decoder (mime.c), which
 * is fuzzed on the same input.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../ext/mailguard/scanner.h"
#include "../../ext/mailguard/mime.h"

#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "invariant failed: %s (line %d)\n", #cond, __LINE__); abort(); } } while (0)

typedef struct {
	const char *buf;
	size_t len;
	const char *last_end;
	size_t calls;
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
	return 0;
}

static void scan_all(const char *buf, size_t len, size_t split)
{
	walk w = { buf, len, buf, 0 };
	size_t n, c, c2, hl = len - split;
	int mal = 0;
	mg_msg_summary s, s2;

	n = mg_scan_fields(buf, len, on_field, &w);
	CHECK(n == w.calls);
	CHECK(mg_scan_fields(buf, len, NULL, NULL) == n);

	c = mg_count_rcpts_ex(buf, len, &mal);
	c2 = mg_count_rcpts(buf, len);
	CHECK(c == c2);
	CHECK(c <= len + 1);

	mg_summarize(split ? buf : NULL, split, hl ? buf + split : NULL, hl, &s);
	CHECK(s.rcpts >= (s.has_resent ? s.resent_rcpts : s.plain_rcpts));
	if (s.malformed_lines > 0 && s.has_resent) {
		CHECK(s.rcpts >= s.plain_rcpts && s.rcpts >= s.resent_rcpts);
	}
	CHECK(s.plain_rcpts <= len + 1 + s.fields);
	CHECK(s.malformed_lines <= s.fields);
	mg_summarize(split ? buf : NULL, split, hl ? buf + split : NULL, hl, &s2);
	CHECK(memcmp(&s, &s2, sizeof(s)) == 0);
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
	size_t split;

	if (size == 0) {
		scan_all(NULL, 0, 0);
		return 0;
	}
	split = data[0] % 64;
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
	scan_all(buf, size, split);
	decode_all(buf, size, (size_t) data[-1] * 4);
	free(buf);
	return 0;
}
