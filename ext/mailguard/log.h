/*
   +----------------------------------------------------------------------+
   | mailguard: one syslog line per mail() call                           |
   +----------------------------------------------------------------------+
   | Two halves:                                                          |
   |  - the line builder (log.c) formats key=value pairs into a smart_str |
   |    and is the only place that escapes untrusted data;                |
   |  - the writer (log_writer.c) is plain POSIX, has no PHP dependency   |
   |    and sends one RFC 3164 datagram over mailguard's own AF_UNIX      |
   |    socket, so userland openlog()/setlocale() cannot affect it.       |
   | Define MG_LOG_NO_ZEND before including this header to get only the   |
   | writer part. log_writer.c does: it must never see php.h, which      |
   | would swap in PHP's snprintf and friends.                            |
   +----------------------------------------------------------------------+
*/

#ifndef MAILGUARD_LOG_H
#define MAILGUARD_LOG_H

#include <stddef.h>

/* Used by mg_log_send() when max_len is 0; rsyslog's default
 * $MaxMessageSize, and well below the AF_UNIX datagram limit. */
#define MG_LOG_DEFAULT_MAX_LEN 8192

/* The program name written into the syslog header, "mailguard[pid]: ". */
#define MG_LOG_IDENT "mailguard"

/* Maps a facility name to its <syslog.h> code (LOG_MAIL etc., i.e. already
 * shifted left by 3). Accepts, ASCII case-insensitively and independent of
 * the C locale: user, mail, daemon, auth, authpriv, news, uucp, cron,
 * local0 .. local7. name need not be NUL-terminated. Returns -1 otherwise. */
int mg_log_facility_from_name(const char *name, size_t len);

/* Lowercase name of a facility code, or NULL if it is not one of the above. */
const char *mg_log_facility_name(int facility);

/* Sends one message to the AF_UNIX SOCK_DGRAM syslog socket at path
 * (e.g. "/dev/log") as "<PRI>Mmm dd hh:mm:ss mailguard[pid]: msg", local
 * time, English month names, PRI = facility | severity.
 *
 * facility is a <syslog.h> code (LOG_MAIL, LOG_LOCAL3, ...), severity 0..7
 * (LOG_EMERG .. LOG_DEBUG). max_len caps the whole datagram; the message is
 * cut at a UTF-8 boundary to fit (0 means MG_LOG_DEFAULT_MAX_LEN). msg is
 * sent as given: pass only lines built with mg_log_kv().
 *
 * Never blocks, never prints, never raises SIGPIPE. Returns 0 when the
 * datagram was handed to the kernel, -1 otherwise (invalid arguments, no
 * socket at path, not a datagram socket, receiver queue full, too long). */
int mg_log_send(const char *path, int facility, int severity,
		const char *msg, size_t msg_len, size_t max_len);

/* Closes the cached socket, if this process opened it. For MSHUTDOWN. */
void mg_log_close(void);

#endif /* MAILGUARD_LOG_H */

/* Builder, separately guarded so that a file which first included this header
 * with MG_LOG_NO_ZEND can still pull it in later. */
#if !defined(MG_LOG_NO_ZEND) && !defined(MAILGUARD_LOG_ZEND_H)
#define MAILGUARD_LOG_ZEND_H

# include "php.h"
# include "zend_smart_str.h"

/* Appends ` key=value` to s (no leading space when s is empty).
 *
 * key must be a fixed identifier from our own code matching [a-z_]+
 * (asserted in debug builds, never escaped).
 *
 * The value is written bare when it is non-empty, at most cap bytes long and
 * consists only of [A-Za-z0-9._@:/+-]. Otherwise it is written in double
 * quotes with:
 *   "  -> \"          \  -> \\
 *   bytes 0x00-0x1f, 0x7f             -> \xNN (lowercase hex)
 *   bytes that are not strict UTF-8   -> \xNN (overlongs, surrogates,
 *                                        > U+10FFFF, stray/truncated bytes)
 *   C1 controls U+0080-U+009F, U+2028/U+2029 and the bidi embedding/override/
 *   isolate controls U+202A-U+202E, U+2066-U+2069 -> \xNN per byte
 *   (valid UTF-8 that terminals/log viewers would act on)
 * Every other valid UTF-8 sequence is copied as is. So the output never
 * contains CR, LF, NUL or an unescaped quote, and no `key=` can appear
 * outside quotes.
 *
 * cap bounds the bytes written for the value (everything after `key=`,
 * quotes included); 0 means unlimited. When the value does not fit, it is cut
 * at a character boundary (never inside an escape or a UTF-8 sequence) and
 * ends in `..."`. The smallest truncated value is `"..."`, so caps below 5
 * behave like 5.
 *
 * An empty or NULL value is written as key="". */
void mg_log_kv(smart_str *s, const char *key, const char *val, size_t len, size_t cap);

/* Appends ` key=<decimal>` (no leading space when s is empty). */
void mg_log_kv_long(smart_str *s, const char *key, zend_long v);
#endif /* MAILGUARD_LOG_ZEND_H */
