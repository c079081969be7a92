/*
 * mailguard - strict UTF-8 (RFC 3629), the one decoder behind the log line
 * (log.c), the syslog writer's cut (log_writer.c), the RFC 2047 decoder
 * (mime.c) and the database text (store.c).
 *
 * Pure C99, no PHP headers: linked into the extension and into the
 * standalone tests (tests/log, tests/mime, tests/fuzz).
 *
 * Strict means: no overlong forms (0xC0, 0xC1, 0xE0 0x80..0x9F,
 * 0xF0 0x80..0x8F), no UTF-16 surrogates (0xED 0xA0..0xBF), nothing above
 * U+10FFFF (0xF4 0x90.., 0xF5..0xFF), no stray continuation bytes and no
 * sequence cut short.
 */

#ifndef MAILGUARD_UTF8_H
#define MAILGUARD_UTF8_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Length (1..4) of the strict UTF-8 sequence at the start of p[0, avail),
 * storing its code point in *cp unless cp is NULL; 0 if p does not start
 * one (or avail is 0). Every ASCII byte, NUL included, is a sequence of 1:
 * a caller that treats NUL or control bytes apart checks them itself. */
size_t mg_utf8_seq(const unsigned char *p, size_t avail, uint32_t *cp);

/* Non-zero if p[0, avail) is a strict sequence cut short: the start of a
 * character that more bytes could complete (e.g. 0xE2 0x82 at the end of a
 * buffer, but not 0xE0 0x80, which no byte makes valid). */
int mg_utf8_partial(const unsigned char *p, size_t avail);

#ifdef __cplusplus
}
#endif

#endif /* MAILGUARD_UTF8_H */
