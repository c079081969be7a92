/*
  +----------------------------------------------------------------------+
  | mailguard-milter: the MTA-side companion of the mailguard extension  |
  +----------------------------------------------------------------------+
  | This source file is subject to the MIT license that is bundled with  |
  | this package in the file LICENSE.                                    |
  +----------------------------------------------------------------------+
*/

#ifndef MAILGUARD_MILTER_H
#define MAILGUARD_MILTER_H

/* Plain C99 + POSIX: no libmilter and no libpq in this header, so that the
 * parsers (evidence.c, facts.c) build into the fuzz target on their own. */

#include <stddef.h>
#include <sys/types.h>

/* {{{ evidence.c: which uid submitted a message */

/* The first header of a Postfix queue file (the records in buf[0, len)):
 * the first header line after the message-content record, unfolded (its
 * continuation lines joined with one space), into out (NUL-terminated, at
 * most size - 1 bytes). Returns its length, or -1 when buf is not a queue
 * file, has no header yet, or the header is longer than size - 1. Follows
 * pointer records (in-place edits), at most 64 of them. */
long mgm_qf_first_header(const unsigned char *buf, size_t len, char *out, size_t size);

/* The uid in Postfix's own first header of a locally submitted message,
 * "Received: by HOST (MAIL_NAME, from userid N)" followed by whitespace
 * and "id QID;" -- or -1 when hdr is anything else. */
long mgm_received_uid(const char *hdr, size_t len, const char *host, const char *mail_name, const char *qid);

/* The name Postfix's hashed queue directories are made of for qid
 * (mail_queue_dir()): 0, or -1 for no queue ID. */
#define MGM_HASH_DEPTH_MAX 4
int mgm_queue_hash_key(const char *qid, char key[16]);

/* The queue file of qid under queue_dir (incoming/, active/, hold/, each
 * as is or hashed up to MGM_HASH_DEPTH_MAX levels): reads it and returns
 * the uid of its first header (mgm_received_uid()), or -1 with *why set
 * to a short cause. */
long mgm_queue_uid(const char *queue_dir, const char *qid, const char *host, const char *mail_name, const char **why);

/* An address and a port as the kernel keeps them in /proc/net/tcp{,6}. */
typedef struct {
	int family;                 /* AF_INET or AF_INET6 */
	unsigned char addr[16];     /* network order: 4 bytes for AF_INET */
	unsigned port;              /* host order; 0 = any (server side only) */
} mgm_endpoint;

/* Text ("127.0.0.1", "::1", "IPv6:::1") to an endpoint; 0 ok, -1 not an address. */
int mgm_endpoint_parse(const char *text, unsigned port, mgm_endpoint *e);

/* The uid owning the local TCP socket whose local end is `client` and
 * whose remote end is `server` (port 0: any), from the proc_net files
 * ("/proc/net/tcp", "/proc/net/tcp6"; an AF_INET client is also looked
 * for as a v4-mapped address in tcp6). 0 and *uid when found and owned;
 * -1 with *why otherwise: gone, in TIME_WAIT, or without an owner (uid 0
 * and inode 0). */
int mgm_socket_uid(const char *tcp4, const char *tcp6, const mgm_endpoint *client, const mgm_endpoint *server,
	uid_t *uid, const char **why);

/* The same question asked of the kernel by the exact 4-tuple (netlink
 * sock_diag, one hash lookup instead of a walk of the whole TCP table):
 * 0 and *uid, -1 with *why (gone, TIME_WAIT, orphaned), or -2 when it
 * cannot be asked (no server port, no sock_diag): then mgm_socket_uid(). */
int mgm_socket_uid_diag(const mgm_endpoint *client, const mgm_endpoint *server, uid_t *uid, const char **why);

/* One /proc/net/tcp{,6} line: 1 when it is the socket (client, server)
 * (setting *uid, *inode, *state), 0 when it is another, -1 unparsable. */
int mgm_proc_line(const char *line, const mgm_endpoint *client, const mgm_endpoint *server,
	uid_t *uid, unsigned long *inode, unsigned *state);
/* }}} */

/* {{{ facts.c: what the log row says about a message */
#define MGM_FIELD_MAX 256

typedef struct {
	char from[MGM_FIELD_MAX];
	char to[MGM_FIELD_MAX];
	char cc[MGM_FIELD_MAX];
	char bcc[MGM_FIELD_MAX];
	char subject[MGM_FIELD_MAX];
	size_t fields;
	int malformed;
} mgm_facts;

/* The first From, To, Cc, Bcc and Subject of a header block (as the
 * extension's scanner, mg_scan_headers(), splits it), each as log text. */
void mgm_facts_scan(const char *hdrs, size_t len, mgm_facts *f);

/* src[0, len) as text for the database and the log line: valid UTF-8
 * (ext/mailguard/utf8.c's strict decoder), every invalid byte, NUL and
 * control character (folds included) one '?' or ' ', cut at a character
 * boundary to fit size - 1 bytes, NUL-terminated. */
void mgm_text(char *dst, size_t size, const char *src, size_t len);

/* An X-Mailguard-Trace value: a UUID in its 8-4-4-4-12 hex form between
 * optional whitespace. 0 and out (lower case) when it is one, else -1. */
int mgm_trace_parse(const char *v, size_t len, char out[37]);
/* }}} */

#endif
