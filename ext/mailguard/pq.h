/*
  +----------------------------------------------------------------------+
  | mailguard: per-account mail accounting for shared PHP hosting        |
  +----------------------------------------------------------------------+
  | This source file is subject to the MIT license that is bundled with  |
  | this package in the file LICENSE.                                    |
  +----------------------------------------------------------------------+
*/

#ifndef MAILGUARD_PQ_H
#define MAILGUARD_PQ_H

/* libpq, loaded on the first mail that needs the database, not at process
 * start: libpq pulls some twenty libraries (Kerberos, LDAP, SASL, TLS)
 * into every process that maps it, and most PHP requests send no mail.
 * The module is not linked with libpq; store.c calls it through this
 * table, and only store.c includes this header. */

#include <stdbool.h>
#include <stddef.h>
#include <libpq-fe.h>

typedef struct {
	void (*PQclear)(PGresult *);
	PostgresPollingStatusType (*PQconnectPoll)(PGconn *);
	PGconn *(*PQconnectStartParams)(const char *const *, const char *const *, int);
	void (*PQconninfoFree)(PQconninfoOption *);
	PQconninfoOption *(*PQconninfoParse)(const char *, char **);
	int (*PQconsumeInput)(PGconn *);
	char *(*PQerrorMessage)(const PGconn *);
	void (*PQfinish)(PGconn *);
	int (*PQflush)(PGconn *);
	void (*PQfreemem)(void *);
	PGresult *(*PQgetResult)(PGconn *);
	int (*PQgetisnull)(const PGresult *, int, int);
	char *(*PQgetvalue)(const PGresult *, int, int);
	int (*PQisBusy)(PGconn *);
	int (*PQlibVersion)(void);
	int (*PQnfields)(const PGresult *);
	int (*PQntuples)(const PGresult *);
	char *(*PQresultErrorField)(const PGresult *, int);
	char *(*PQresultErrorMessage)(const PGresult *);
	ExecStatusType (*PQresultStatus)(const PGresult *);
	int (*PQsendPrepare)(PGconn *, const char *, const char *, int, const Oid *);
	int (*PQsendQueryParams)(PGconn *, const char *, int, const Oid *, const char *const *, const int *, const int *, int);
	int (*PQsendQueryPrepared)(PGconn *, const char *, int, const char *const *, const int *, const int *, int);
	PQnoticeReceiver (*PQsetNoticeReceiver)(PGconn *, PQnoticeReceiver, void *);
	int (*PQsetnonblocking)(PGconn *, int);
	int (*PQsocket)(const PGconn *);
	ConnStatusType (*PQstatus)(const PGconn *);
	/* optional (libpq 14 and later): NULL when the library has none */
	int (*PQenterPipelineMode)(PGconn *);
	int (*PQexitPipelineMode)(PGconn *);
	int (*PQpipelineSync)(PGconn *);
} mg_pq_api;

extern mg_pq_api mg_pq;

/* Loads libpq (once per process) and fills mg_pq. False, with a reason in
 * err, when the library or one of its functions cannot be found. */
bool mg_pq_load(char *err, size_t err_size);

/* Whether this process has loaded libpq. */
bool mg_pq_loaded(void);

/* store.c keeps libpq's own names (pq.c, which fills the table, does not). */
#ifndef MG_PQ_NO_NAMES
#define PQclear mg_pq.PQclear
#define PQconnectPoll mg_pq.PQconnectPoll
#define PQconnectStartParams mg_pq.PQconnectStartParams
#define PQconninfoFree mg_pq.PQconninfoFree
#define PQconninfoParse mg_pq.PQconninfoParse
#define PQconsumeInput mg_pq.PQconsumeInput
#define PQerrorMessage mg_pq.PQerrorMessage
#define PQfinish mg_pq.PQfinish
#define PQflush mg_pq.PQflush
#define PQfreemem mg_pq.PQfreemem
#define PQgetResult mg_pq.PQgetResult
#define PQgetisnull mg_pq.PQgetisnull
#define PQgetvalue mg_pq.PQgetvalue
#define PQisBusy mg_pq.PQisBusy
#define PQlibVersion mg_pq.PQlibVersion
#define PQnfields mg_pq.PQnfields
#define PQntuples mg_pq.PQntuples
#define PQresultErrorField mg_pq.PQresultErrorField
#define PQresultErrorMessage mg_pq.PQresultErrorMessage
#define PQresultStatus mg_pq.PQresultStatus
#define PQsendPrepare mg_pq.PQsendPrepare
#define PQsendQueryParams mg_pq.PQsendQueryParams
#define PQsendQueryPrepared mg_pq.PQsendQueryPrepared
#define PQsetNoticeReceiver mg_pq.PQsetNoticeReceiver
#define PQsetnonblocking mg_pq.PQsetnonblocking
#define PQsocket mg_pq.PQsocket
#define PQstatus mg_pq.PQstatus
#define PQenterPipelineMode mg_pq.PQenterPipelineMode
#define PQexitPipelineMode mg_pq.PQexitPipelineMode
#define PQpipelineSync mg_pq.PQpipelineSync
#endif

#endif
