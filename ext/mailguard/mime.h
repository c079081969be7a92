/*
 * mailguard - RFC 2047 encoded words, decoded for the log.
 *
 * Pure C99, no PHP headers, no allocation, no iconv: the same code is linked
 * into the extension and into the standalone tests (tests/mime).
 *
 * Why no iconv(3): glibc's iconv_open() loads converter modules found
 * through GCONV_PATH, which a script can putenv(); a charset name chosen by
 * the script would then load the script owner's shared object into the
 * worker. So only charsets decoded here by table are converted; text in any
 * other charset stays as written (raw), which an admin can still read.
 */

#ifndef MAILGUARD_MIME_H
#define MAILGUARD_MIME_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Copies the header value in[0, len) to out, with every RFC 2047 encoded
 * word (=?charset?B|Q?text?=, charset optionally with *language) decoded
 * to UTF-8 and the whitespace between adjacent encoded words dropped.
 *
 * Decoded charsets: UTF-8, US-ASCII, ISO-8859-1, ISO-8859-15 and
 * Windows-1252 (names case-insensitive, with the usual aliases). A run of
 * adjacent words in one charset is decoded as a whole, so a character split
 * across two words still decodes. A word in any other charset, with a bad
 * base64 or Q text, or whose run does not decode to valid UTF-8 in its
 * charset is copied as written, never guessed at.
 *
 * Writes at most cap bytes to out (no NUL is added) and returns how many;
 * a decoded character is never cut in half. Sets *truncated to 1 (never to
 * 0) when input was left out for lack of room; truncated may be NULL.
 * Linear in len; reads nothing outside in[0, len). */
size_t mg_mime_decode(const char *in, size_t len, char *out, size_t cap, int *truncated);

#ifdef __cplusplus
}
#endif

#endif /* MAILGUARD_MIME_H */
