/*
  +----------------------------------------------------------------------+
  | mailguard-milter: the MTA-side companion of the mailguard extension  |
  +----------------------------------------------------------------------+
  | This source file is subject to the MIT license that is bundled with  |
  | this package in the file LICENSE.                                    |
  +----------------------------------------------------------------------+
*/

/* The database: mailguard.milter_mail(), one round trip per message, over
 * a small pool of connections (db_connections, opened as needed) shared
 * by the milter's threads: a question takes a free connection, or waits
 * for one -- the wait counts against the deadline. libpq's non-blocking
 * API and poll(), as the extension's store.c does: connect, send and read
 * all end at the deadline. After a failure no question is asked for
 * retry_ms (the circuit is open): each message then gets the fail mode at
 * once instead of waiting out the deadline again. */

#define _GNU_SOURCE
#include "db.h"
#include "deadline.h"

#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static struct {
	pthread_mutex_t lock;       /* guards busy[] and retry_at */
	pthread_cond_t freed;       /* a connection was given back */
	PGconn *conns[MGM_DB_MAX_CONNS];
	unsigned char busy[MGM_DB_MAX_CONNS];
	int nconns;
	const char *dsn;
	int deadline_ms;
	int retry_ms;
	int sync_commit;
	uint64_t retry_at;  /* monotonic ms; 0 = closed */
} mgm_db = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, { NULL }, { 0 }, 1, NULL, 500, 1000, 1, 0 };

static const char mgm_db_sql[] =
	"SELECT verdict, reason, detail, trace, account FROM mailguard.milter_mail("
	"$1::integer, $2, $3::integer, $4::uuid, $5, $6, $7, $8, $9, $10, $11::timestamptz)";

void mgm_db_init(const char *dsn, int deadline_ms, int retry_ms, int connections, int sync_commit)
{
	mgm_db.dsn = dsn;
	mgm_db.deadline_ms = deadline_ms;
	mgm_db.retry_ms = retry_ms;
	mgm_db.nconns = connections < 1 ? 1 : connections > MGM_DB_MAX_CONNS ? MGM_DB_MAX_CONNS : connections;
	mgm_db.sync_commit = sync_commit;
}


static void mgm_db_fail(mgm_answer *a, const char *what, const char *detail)
{
	size_t n;

	a->verdict = MGM_DB_UNAVAILABLE;
	snprintf(a->error, sizeof(a->error), "%s: %s", what, detail != NULL ? detail : "");
	/* libpq's messages end in a newline */
	n = strlen(a->error);
	while (n > 0 && (a->error[n - 1] == '\n' || a->error[n - 1] == ' ')) {
		a->error[--n] = '\0';
	}
	for (n = 0; a->error[n] != '\0'; n++) {
		if (a->error[n] == '\n') {
			a->error[n] = ' ';
		}
	}
}

/* Opens the circuit. */
static void mgm_db_trip(void)
{
	pthread_mutex_lock(&mgm_db.lock);
	mgm_db.retry_at = mg_clock_ms() + (uint64_t) mgm_db.retry_ms;
	pthread_mutex_unlock(&mgm_db.lock);
}

/* Drops the connection and opens the circuit. */
static void mgm_db_drop(PGconn **slot)
{
	if (*slot != NULL) {
		PQfinish(*slot);
		*slot = NULL;
	}
	mgm_db_trip();
}

static int mgm_db_connect(PGconn **slot, uint64_t deadline, mgm_answer *a)
{
	char options[96];
	const char *kw[] = { "dbname", "options", "application_name", "client_encoding", "connect_timeout", NULL };
	const char *val[6];
	PGconn *conn;

	/* The deadline also bounds the statement on the server. Later keywords
	 * override what the DSN says. connect_timeout: ours, not libpq's. */
	snprintf(options, sizeof(options), "-c statement_timeout=%d -c synchronous_commit=%s", mgm_db.deadline_ms,
		mgm_db.sync_commit ? "on" : "off");
	val[0] = mgm_db.dsn;
	val[1] = options;
	val[2] = "mailguard-milter";
	val[3] = "UTF8";
	val[4] = "0";
	val[5] = NULL;
	conn = PQconnectStartParams(kw, val, 1);
	if (conn == NULL) {
		mgm_db_fail(a, "connect", "out of memory");
		return -1;
	}
	for (;;) {
		PostgresPollingStatusType st;
		int w;

		if (PQstatus(conn) == CONNECTION_BAD) {
			mgm_db_fail(a, "connect", PQerrorMessage(conn));
			PQfinish(conn);
			return -1;
		}
		st = PQconnectPoll(conn);
		if (st == PGRES_POLLING_OK) {
			break;
		}
		if (st == PGRES_POLLING_FAILED) {
			mgm_db_fail(a, "connect", PQerrorMessage(conn));
			PQfinish(conn);
			return -1;
		}
		w = mg_fd_wait(PQsocket(conn), st == PGRES_POLLING_WRITING, deadline);
		if (w <= 0) {
			mgm_db_fail(a, w == 0 ? "connect-timeout" : "connect", w == 0 ? "no answer within deadline_ms" : strerror(errno));
			PQfinish(conn);
			return -1;
		}
	}
	if (PQsetnonblocking(conn, 1) != 0) {
		mgm_db_fail(a, "connect", PQerrorMessage(conn));
		PQfinish(conn);
		return -1;
	}
	*slot = conn;
	return 0;
}

/* The query's result, or NULL (a->error set) on timeout or a broken
 * connection. */
static PGresult *mgm_db_query(PGconn *conn, const char *const values[11], uint64_t deadline, mgm_answer *a)
{
	PGresult *first = NULL, *res;

	/* An unnamed statement, parsed per message: a named one would not
	 * survive PgBouncer's transaction pooling (operations.md, "Web farms"). */
	if (!PQsendQueryParams(conn, mgm_db_sql, 11, NULL, values, NULL, NULL, 0)) {
		mgm_db_fail(a, "send", PQerrorMessage(conn));
		return NULL;
	}
	for (;;) {
		int f = PQflush(conn);

		if (f == 0) {
			break;
		}
		if (f < 0 || mg_fd_wait(PQsocket(conn), 1, deadline) <= 0 || !PQconsumeInput(conn)) {
			mgm_db_fail(a, "send", f < 0 ? PQerrorMessage(conn) : "no answer within deadline_ms");
			return NULL;
		}
	}
	for (;;) {
		while (PQisBusy(conn)) {
			int w = mg_fd_wait(PQsocket(conn), 0, deadline);

			if (w <= 0) {
				mgm_db_fail(a, w == 0 ? "timeout" : "read", w == 0 ? "no answer within deadline_ms" : strerror(errno));
				goto fail;
			}
			if (!PQconsumeInput(conn)) {
				mgm_db_fail(a, "read", PQerrorMessage(conn));
				goto fail;
			}
		}
		res = PQgetResult(conn);
		if (res == NULL) {
			break;
		}
		if (first == NULL) {
			first = res;
		} else {
			PQclear(res);
		}
	}
	if (first == NULL) {
		mgm_db_fail(a, "read", "no result");
	}
	return first;
fail:
	if (first != NULL) {
		PQclear(first);
	}
	return NULL;
}

static void mgm_db_copy(char *dst, size_t size, PGresult *res, int col)
{
	const char *v = PQgetisnull(res, 0, col) ? "" : PQgetvalue(res, 0, col);

	mgm_text(dst, size, v, strlen(v));
}

/* Now + deadline on the wall clock, ISO 8601 UTC: the database refuses,
 * uncounted, a question it decides after it (a server that froze). */
static void mgm_db_wall_deadline(char *buf, size_t size)
{
	if (mg_wall_deadline(buf, size, (long) mgm_db.deadline_ms) == NULL) {
		snprintf(buf, size, "infinity");
	}
}

void mgm_db_ask(const mgm_question *q, mgm_answer *a)
{
	uint64_t t0 = mg_clock_us(), t1, t2;
	uint64_t deadline = t0 / 1000 + (uint64_t) mgm_db.deadline_ms;
	char uid[24], rcpts[24], wall[80];
	const char *values[11];
	struct timespec abs;
	PGconn **slot;
	PGresult *res;
	int rc, i, n;

	memset(a, 0, sizeof(*a));
	/* The wait for a free connection is part of the deadline (a
	 * CLOCK_REALTIME instant, as pthread_cond_timedwait() takes). */
	clock_gettime(CLOCK_REALTIME, &abs);
	abs.tv_sec += mgm_db.deadline_ms / 1000;
	abs.tv_nsec += (long) (mgm_db.deadline_ms % 1000) * 1000000L;
	if (abs.tv_nsec >= 1000000000L) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&mgm_db.lock);
	for (;;) {
		if (mgm_db.retry_at != 0 && mg_clock_ms() < mgm_db.retry_at) {
			pthread_mutex_unlock(&mgm_db.lock);
			mgm_db_fail(a, "circuit-open", "a recent question failed; retrying after retry_ms");
			return;
		}
		/* an open idle connection first, else a slot to open one in */
		for (i = 0, n = -1; i < mgm_db.nconns; i++) {
			if (!mgm_db.busy[i] && (n < 0 || (mgm_db.conns[n] == NULL && mgm_db.conns[i] != NULL))) {
				n = i;
			}
		}
		if (n >= 0) {
			break;
		}
		rc = pthread_cond_timedwait(&mgm_db.freed, &mgm_db.lock, &abs);
		if (rc != 0) {
			pthread_mutex_unlock(&mgm_db.lock);
			mgm_db_fail(a, "busy", rc == ETIMEDOUT ? "every connection was in use until the deadline" : strerror(rc));
			return;
		}
	}
	mgm_db.busy[n] = 1;
	mgm_db.retry_at = 0;
	pthread_mutex_unlock(&mgm_db.lock);
	t1 = mg_clock_us();
	a->wait_us = (long) (t1 - t0);
	slot = &mgm_db.conns[n];
	/* A connection the server ended while idle shows as bad only once read. */
	if (*slot != NULL && (!PQconsumeInput(*slot) || PQstatus(*slot) != CONNECTION_OK)) {
		PQfinish(*slot);
		*slot = NULL;
	}
	if (*slot == NULL) {
		rc = mgm_db_connect(slot, deadline, a);
		t2 = mg_clock_us();
		a->connect_us = (long) (t2 - t1);
		t1 = t2;
		if (rc != 0) {
			mgm_db_trip();
			goto out;
		}
	}
	snprintf(uid, sizeof(uid), "%ld", q->uid);
	snprintf(rcpts, sizeof(rcpts), "%lu", q->rcpts > 2147483647UL ? 2147483647UL : q->rcpts);
	mgm_db_wall_deadline(wall, sizeof(wall));
	values[0] = uid;
	values[1] = q->via;
	values[2] = rcpts;
	values[3] = q->trace;
	values[4] = q->queue_id;
	values[5] = q->facts->from[0] != '\0' ? q->facts->from : NULL;
	values[6] = q->facts->to[0] != '\0' ? q->facts->to : NULL;
	values[7] = q->facts->cc[0] != '\0' ? q->facts->cc : NULL;
	values[8] = q->facts->bcc[0] != '\0' ? q->facts->bcc : NULL;
	values[9] = q->facts->subject[0] != '\0' ? q->facts->subject : NULL;
	values[10] = wall;
	res = mgm_db_query(*slot, values, deadline, a);
	a->query_us = (long) (mg_clock_us() - t1);
	if (res == NULL) {
		mgm_db_drop(slot);
		goto out;
	}
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1 || PQnfields(res) != 5) {
		mgm_db_fail(a, "error", PQresultErrorMessage(res));
		PQclear(res);
		if (PQstatus(*slot) != CONNECTION_OK) {
			mgm_db_drop(slot);
		}
		goto out;
	}
	mgm_db_copy(a->reason, sizeof(a->reason), res, 1);
	mgm_db_copy(a->detail, sizeof(a->detail), res, 2);
	mgm_db_copy(a->trace, sizeof(a->trace), res, 3);
	mgm_db_copy(a->account, sizeof(a->account), res, 4);
	if (strcmp(PQgetvalue(res, 0, 0), "accept") == 0) {
		a->verdict = MGM_DB_ACCEPT;
	} else if (strcmp(PQgetvalue(res, 0, 0), "claimed") == 0) {
		a->verdict = MGM_DB_CLAIMED;
	} else if (strcmp(a->reason, "late") == 0 || strcmp(a->reason, "busy") == 0) {
		/* nothing was counted: like no answer */
		mgm_db_fail(a, a->reason, a->detail);
	} else {
		a->verdict = MGM_DB_REFUSE;
	}
	PQclear(res);
out:
	pthread_mutex_lock(&mgm_db.lock);
	mgm_db.busy[n] = 0;
	pthread_cond_signal(&mgm_db.freed);
	pthread_mutex_unlock(&mgm_db.lock);
}
