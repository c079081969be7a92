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

#define PHP_MAILGUARD_VERSION "0.3.0"

/* The header every accepted mail carries, in PHP core's own format. */
#define MG_STAMP_HEADER "X-PHP-Originating-Script"
/* The header a mail the database accepted carries: the log row's opaque id. */
#define MG_TRACE_HEADER "X-Mailguard-Trace"

#include <sys/types.h>

/* Each part of the data path owns its state; the module globals hold the
 * settings (every one PHP_INI_SYSTEM, see mailguard.c) and one sub-struct
 * per owner, declared in the owner's header. */
#include "hook.h"
#include "origin.h"
#include "store.h"
#include "policy.h"
#include "report.h"

ZEND_BEGIN_MODULE_GLOBALS(mailguard)
	bool header;                /* mailguard.header: stamp every mail */
	int stamp_uid;              /* mailguard.stamp_uid, an mg_stamp_uid_rule */
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
	int params_policy;          /* mailguard.additional_params, an mg_params_policy */
	bool envelope_sender;       /* mailguard.envelope_sender: ask the database for -f */
	char *dsn;                  /* mailguard.dsn: libpq conninfo, "" = no database */
	zend_long timeout_ms;       /* mailguard.timeout_ms: connect + query deadline */
	zend_long retry_ms;         /* mailguard.retry_ms: back-off after a failure */
	bool fail_open;             /* mailguard.fail_mode = open */
	bool misconfig_fail_mode;   /* mailguard.misconfiguration = fail_mode (else refuse) */
	zend_long emergency_cap;    /* mailguard.emergency_cap: mails/hour/process, fail open */
	const char *synchronous_commit; /* mailguard.synchronous_commit, NULL = the server's */
	bool pooled;                /* mailguard.pooler = transaction: no startup options */
	mg_store_state store;       /* store.c: this worker's connection */
	mg_emergency_state emergency; /* policy.c: mails sent without the database */
	mg_hook_state hook;         /* hook.c: hooked calls in progress */
	mg_origin_cache origin;     /* origin.c: per-process look-ups */
	mg_report_state report;     /* report.c: lines the socket did not take */
ZEND_END_MODULE_GLOBALS(mailguard)

ZEND_EXTERN_MODULE_GLOBALS(mailguard)
#define MG_G(v) ZEND_MODULE_GLOBALS_ACCESSOR(mailguard, v)

#if defined(ZTS) && defined(COMPILE_DL_MAILGUARD)
ZEND_TSRMLS_CACHE_EXTERN()
#endif

#endif /* PHP_MAILGUARD_H */
