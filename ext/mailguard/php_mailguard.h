/*
  +----------------------------------------------------------------------+
  | mailguard: per-account mail accounting for shared PHP hosting        |
  +----------------------------------------------------------------------+
  | This source file is subject to the MIT license that is bundled with  |
  | this package in the file LICENSE.                                    |
  +----------------------------------------------------------------------+
*/

#ifndef PHP_MAILGUARD_H
#define PHP_MAILGUARD_H

extern zend_module_entry mailguard_module_entry;
#define phpext_mailguard_ptr &mailguard_module_entry

#define PHP_MAILGUARD_VERSION "0.2.0"

/* The header every accepted mail carries, in PHP core's own format. */
#define MG_STAMP_HEADER "X-PHP-Originating-Script"
/* The header a mail the database accepted carries: the log row's opaque id. */
#define MG_TRACE_HEADER "X-Mailguard-Trace"

#include <sys/types.h>

struct pg_conn;

ZEND_BEGIN_MODULE_GLOBALS(mailguard)
	bool header;                /* mailguard.header: stamp every mail */
	char *account;              /* mailguard.account: "" = effective user name */
	bool syslog;                /* mailguard.syslog: one line per mail */
	char *syslog_facility;      /* mailguard.syslog_facility, as written */
	int facility;               /* the same, as a LOG_* code */
	char *syslog_socket;        /* mailguard.syslog_socket: datagram socket path */
	zend_long syslog_max_length; /* mailguard.syslog_max_length: bytes per line */
	zend_long log_field_max;    /* mailguard.log_field_max: bytes per logged value */
	zend_long max_header_bytes; /* mailguard.max_header_bytes: 0 = no limit */
	bool header_limit_count;    /* mailguard.header_limit_action = count (else refuse) */
	zend_long max_rcpts;        /* mailguard.max_rcpts: per mail, 0 = no limit */
	int params_policy;
	bool envelope_sender;       /* mailguard.envelope_sender: ask the database for -f */          /* mailguard.additional_params, an mg_params_policy */
	char *dsn;                  /* mailguard.dsn: libpq conninfo, "" = no database */
	zend_long timeout_ms;       /* mailguard.timeout_ms: connect + query deadline */
	zend_long retry_ms;         /* mailguard.retry_ms: back-off after a failure */
	bool fail_open;             /* mailguard.fail_mode = open */
	zend_long emergency_cap;    /* mailguard.emergency_cap: mails/hour/process, fail open */
	const char *synchronous_commit; /* mailguard.synchronous_commit, NULL = the server's */
	struct pg_conn *db_conn;    /* this worker's connection, or NULL */
	pid_t db_pid;               /* ... opened by this pid */
	uid_t db_euid;              /* ... under this euid */
	uint64_t db_retry_at;       /* circuit open until then (monotonic ms), 0 = closed */
	int db_pending;             /* outcome reports whose answer is still unread */
	char db_outcome_trace[40];  /* accepted mail whose outcome is not yet reported, "" = none */
	bool db_outcome_sent;       /* ... and its outcome */
	zend_long emergency_hour;   /* the clock hour emergency_count counts in */
	zend_long emergency_count;  /* mails sent without the database this hour */
	uint32_t depth;             /* hooked calls in progress in this request */
	bool saved_x_header;        /* PG(mail_x_header) before the outermost stamp */
ZEND_END_MODULE_GLOBALS(mailguard)

ZEND_EXTERN_MODULE_GLOBALS(mailguard)
#define MG_G(v) ZEND_MODULE_GLOBALS_ACCESSOR(mailguard, v)

#if defined(ZTS) && defined(COMPILE_DL_MAILGUARD)
ZEND_TSRMLS_CACHE_EXTERN()
#endif

#endif /* PHP_MAILGUARD_H */
