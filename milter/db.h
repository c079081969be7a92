/*
  +----------------------------------------------------------------------+
  | mailguard-milter: the MTA-side companion of the mailguard extension  |
  +----------------------------------------------------------------------+
  | This source file is subject to the MIT license that is bundled with  |
  | this package in the file LICENSE.                                    |
  +----------------------------------------------------------------------+
*/

#ifndef MAILGUARD_MILTER_DB_H
#define MAILGUARD_MILTER_DB_H

#include "mgm.h"

typedef enum {
	MGM_DB_ACCEPT,      /* counted: add the trace */
	MGM_DB_CLAIMED,     /* the extension's trace, claimed now: counted already */
	MGM_DB_REFUSE,      /* reason says why */
	MGM_DB_UNAVAILABLE  /* no answer within the deadline, or an error: the fail mode */
} mgm_db_verdict;

typedef struct {
	long uid;
	const char *via;        /* "sendmail" or "smtp" */
	unsigned long rcpts;    /* envelope recipients */
	const char *trace;      /* the message's X-Mailguard-Trace, or NULL */
	const char *queue_id;
	const mgm_facts *facts;
} mgm_question;

typedef struct {
	mgm_db_verdict verdict;
	char reason[64];
	char detail[160];
	char trace[40];
	char account[128];
	char error[200];    /* unavailable: the cause, for the log line only */
	/* microseconds (the log's timing= field) */
	long wait_us;       /* waiting for a free connection */
	long connect_us;    /* opening one (0: an open one was reused) */
	long query_us;      /* the question: sent, executed and committed, answered */
} mgm_answer;

/* Once, before the milter's threads start. */
/* At most this many connections (db_connections). */
#define MGM_DB_MAX_CONNS 64

/* sync_commit 0: the milter's transactions with synchronous_commit = off
 * (docs/install.md, "synchronous_commit"). */
void mgm_db_init(const char *dsn, int deadline_ms, int retry_ms, int connections, int sync_commit);

/* One question, one round trip, never longer than deadline_ms (waiting
 * for the connection another thread uses included). */
void mgm_db_ask(const mgm_question *q, mgm_answer *a);

#endif
