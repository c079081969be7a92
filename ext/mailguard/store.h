/*
  +----------------------------------------------------------------------+
  | mailguard: per-account mail accounting for shared PHP hosting        |
  +----------------------------------------------------------------------+
  | This source file is subject to the MIT license that is bundled with  |
  | this package in the file LICENSE.                                    |
  +----------------------------------------------------------------------+
*/

#ifndef MAILGUARD_STORE_H
#define MAILGUARD_STORE_H

/* The PostgreSQL side: everything about the database. One call of
 * mailguard.mail() per mail, over one connection per worker process,
 * within mailguard.timeout_ms. */

#include <stdint.h>
#include "call.h"
#include "origin.h"
#include "headers.h"

struct pg_conn;

/* What this process last learnt about the database. */
typedef enum {
	MG_DB_STATE_NONE = 0,       /* not asked yet */
	MG_DB_STATE_CONNECTED,      /* the last question was answered */
	MG_DB_STATE_UNAVAILABLE,    /* no answer in time, no server, an error */
	MG_DB_STATE_MISCONFIGURED   /* the DSN, or the server refusing this client by name */
} mg_db_state_kind;

/* store.c's part of the module globals: this worker's connection. */
typedef struct {
	struct pg_conn *conn;   /* this worker's connection, or NULL */
	pid_t pid;              /* ... opened by this pid */
	uid_t euid;             /* ... under this euid */
	uint64_t retry_at;      /* circuit open until then (monotonic ms), 0 = closed */
	uint64_t backoff_ms;    /* how long it was opened for last, 0 = the database answered since */
	size_t host_first;      /* of a DSN's host list: the one connected to last, tried first */
	int pending;            /* outcome reports whose answer is still unread */
	unsigned prepared;      /* named statements prepared on conn (MG_DB_PREPARED_*) */
	char outcome_trace[40]; /* accepted mail whose failure is not yet reported, "" = none */
	char inflight_trace[40]; /* accepted mail whose hooked call has not returned yet, "" = none */
	bool ended;             /* the server said FATAL outside a query: the session is over */
	mg_db_state_kind state; /* what the last attempt learnt */
	char notice[512];       /* a libpq notice not yet logged (see mg_db_notice()) */
	uint32_t notices_lost;  /* ... and how many more came before it was */
} mg_store_state;

typedef enum {
	MG_DB_ACCEPT,       /* within quota: send, with the trace id */
	MG_DB_REFUSE,       /* the database refused: reason says why */
	MG_DB_UNAVAILABLE   /* no answer in time, or an error: the fail mode decides */
} mg_db_verdict;

typedef struct {
	mg_db_verdict verdict;
	char reason[32];    /* refusal reason from the database, e.g. "over-quota" */
	char detail[96];    /* which limit, or the block reason (syslog only) */
	char trace[40];     /* the opaque id of the log row (accepted mails) */
	const char *error;  /* unavailable: a short cause for syslog ("timeout", ...) */
	char envelope[256]; /* accepted, envelope asked: the -f address, "" = none */
	bool misconfigured; /* unavailable because the configuration is wrong, not the database away */
} mg_db_result;

/* Whether mailguard.dsn names a database: mails are asked about. */
bool mg_db_configured(void);

/* libpq's version number, for phpinfo(); 0 while this process has not
 * loaded libpq (it does so on the first mail that asks the database). */
int mg_db_libpq_version(void);

/* What is wrong with mailguard.dsn, seen without libpq: at startup (MINIT)
 * for a warning. Each connection checks again with libpq's own parse. */
typedef enum {
	MG_DSN_OK,
	MG_DSN_UNPARSABLE,      /* libpq cannot parse it */
	MG_DSN_HOST_NAME        /* a host by name without hostaddr: a lookup no deadline bounds */
} mg_dsn_problem;
mg_dsn_problem mg_db_dsn_precheck(void);

/* For phpinfo(): what this process last learnt, in words that name no
 * host, role or database. */
const char *mg_db_state_name(void);

/* Asks the database about one mail: mailguard.mail() with the call's,
 * the origin's and the headers' facts, each as valid UTF-8 capped at
 * log_field_max. With env_from set (the From address, for
 * mailguard.envelope_sender), mailguard.envelope() is asked in the same
 * statement. Never blocks past the deadline. */
void mg_db_ask(const mg_call *c, const mg_origin *o, const mg_facts *f, const char *env_from, mg_db_result *r);

/* Notes what happened to an accepted mail: a failure is reported to the
 * database (an accepted mail is logged as sent), with the next mail's
 * question, or with mg_db_report(). */
void mg_db_outcome(const char *trace, bool sent);

/* Marks the accepted mail `trace` as handed to the original function
 * (NULL: it returned). A call that never returns (a bailout inside it: the
 * script's error handler dying on a warning core raised before it started
 * the MTA, or its time or memory limit there) leaves the mark for
 * mg_db_report(), which reports that mail as failed. Returns false, and
 * marks nothing, when a mail is marked already (a mail sent from an error
 * handler inside another one's call): only the outermost is tracked. */
bool mg_db_inflight(const char *trace);

/* Sends a noted outcome now, without waiting for the answer (which is read
 * before the next question), and then that of a mail whose call never
 * returned. For the end of a request and of the process. */
void mg_db_report(void);

/* Closes this process's connection (MSHUTDOWN); abandons one inherited
 * from another process without talking on it. */
void mg_db_close(void);

#endif
