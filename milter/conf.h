/*
  +----------------------------------------------------------------------+
  | mailguard-milter: the MTA-side companion of the mailguard extension  |
  +----------------------------------------------------------------------+
  | This source file is subject to the MIT license that is bundled with  |
  | this package in the file LICENSE.                                    |
  +----------------------------------------------------------------------+
*/

#ifndef MAILGUARD_MILTER_CONF_H
#define MAILGUARD_MILTER_CONF_H

#include <stddef.h>
#include <sys/types.h>

/* What to do with a message when the database gives no answer in time. */
typedef enum {
	MGM_FAIL_TEMPFAIL = 0,  /* 451 4.3.0: Postfix keeps the mail and retries (default) */
	MGM_FAIL_ACCEPT,        /* pass it uncounted, with the origin header (fail open) */
	MGM_FAIL_REJECT         /* 550 5.7.1 (fail closed) */
} mgm_fail_mode;

#define MGM_MAX_RANGES 32

typedef struct {
	char dsn[1024];             /* libpq connection string (the milter's own role) */
	char socket[512];           /* libmilter's: unix:/path or inet:port@127.0.0.1 */
	char user[64];              /* run as this user after opening the socket ("" = stay) */
	struct { unsigned long lo, hi; } uids[MGM_MAX_RANGES];  /* customer uid ranges */
	int nuids;
	mgm_fail_mode fail_mode;
	int deadline_ms;            /* per database question, the wait for a connection included */
	int retry_ms;               /* after a failure, no question for this long */
	int milter_timeout;         /* libmilter's I/O timeout with the MTA, seconds */
	int db_connections;         /* connections in the pool, 1 .. 64 */
	int sync_commit;            /* synchronous_commit: 1 on (default), 0 off */
	char queue_directory[512];  /* Postfix's queue_directory */
	char myhostname[256];       /* "" = the MTA's {j} macro */
	char mail_name[64];         /* Postfix's mail_name */
	int log_stderr;             /* log lines to stderr instead of syslog (tests, systemd) */
	int log_timing;             /* a timing= field (microseconds per phase) on each verdict line */
} mgm_conf;

/* Reads the config file into *c (defaults first). 0 ok; -1 with err
 * ("line N: ...") otherwise. The file must be a regular file owned by root
 * (or the caller) and readable by nobody else: it holds the DSN. */
int mgm_conf_load(const char *path, mgm_conf *c, char *err, size_t errsize);

/* Whether uid is one of the customers' (a configured range). */
int mgm_conf_customer(const mgm_conf *c, unsigned long uid);

#endif
