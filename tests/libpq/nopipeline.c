/* A libpq without pipeline mode, for tests/libpq/run.sh: it exports the
 * functions mailguard requires (ext/mailguard/pq.c) and forwards each to
 * the real libpq, which it opens by path (REAL_LIBPQ) with RTLD_LOCAL so
 * that none of the real library's symbols, PQenterPipelineMode and the
 * other pipeline functions among them, can be found through this one.
 * That is a libpq < 14 as far as mailguard can tell. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <libpq-fe.h>

#ifndef REAL_LIBPQ
#error "REAL_LIBPQ: the path of the libpq.so.5 to forward to"
#endif

static void *real;

static void *sym(const char *name)
{
	void *f;

	if (real == NULL && (real = dlopen(REAL_LIBPQ, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		fprintf(stderr, "nopipeline: %s\n", dlerror());
		abort();
	}
	if ((f = dlsym(real, name)) == NULL) {
		fprintf(stderr, "nopipeline: no %s in %s\n", name, REAL_LIBPQ);
		abort();
	}
	return f;
}

/* FWD(return type, name, (parameters), (arguments)) */
#define FWD(ret, name, params, args) \
	ret name params \
	{ \
		static ret (*f) params; \
		if (f == NULL) { \
			*(void **) &f = sym(#name); \
		} \
		return f args; \
	}
#define FWDV(name, params, args) \
	void name params \
	{ \
		static void (*f) params; \
		if (f == NULL) { \
			*(void **) &f = sym(#name); \
		} \
		f args; \
	}

FWDV(PQclear, (PGresult *res), (res))
FWD(PostgresPollingStatusType, PQconnectPoll, (PGconn *conn), (conn))
FWD(PGconn *, PQconnectStartParams, (const char *const *keywords, const char *const *values, int expand_dbname),
	(keywords, values, expand_dbname))
FWDV(PQconninfoFree, (PQconninfoOption *opts), (opts))
FWD(PQconninfoOption *, PQconninfoParse, (const char *conninfo, char **errmsg), (conninfo, errmsg))
FWD(int, PQconsumeInput, (PGconn *conn), (conn))
FWD(char *, PQerrorMessage, (const PGconn *conn), (conn))
FWDV(PQfinish, (PGconn *conn), (conn))
FWD(int, PQflush, (PGconn *conn), (conn))
FWDV(PQfreemem, (void *ptr), (ptr))
FWD(PGresult *, PQgetResult, (PGconn *conn), (conn))
FWD(int, PQgetisnull, (const PGresult *res, int tup, int field), (res, tup, field))
FWD(char *, PQgetvalue, (const PGresult *res, int tup, int field), (res, tup, field))
FWD(int, PQisBusy, (PGconn *conn), (conn))
FWD(int, PQlibVersion, (void), ())
FWD(int, PQnfields, (const PGresult *res), (res))
FWD(int, PQntuples, (const PGresult *res), (res))
FWD(char *, PQresultErrorField, (const PGresult *res, int code), (res, code))
FWD(char *, PQresultErrorMessage, (const PGresult *res), (res))
FWD(ExecStatusType, PQresultStatus, (const PGresult *res), (res))
FWD(int, PQsendPrepare, (PGconn *conn, const char *name, const char *query, int n, const Oid *types),
	(conn, name, query, n, types))
FWD(int, PQsendQueryParams, (PGconn *conn, const char *command, int n, const Oid *types,
	const char *const *values, const int *lengths, const int *formats, int result_format),
	(conn, command, n, types, values, lengths, formats, result_format))
FWD(int, PQsendQueryPrepared, (PGconn *conn, const char *name, int n, const char *const *values,
	const int *lengths, const int *formats, int result_format),
	(conn, name, n, values, lengths, formats, result_format))
FWD(PQnoticeReceiver, PQsetNoticeReceiver, (PGconn *conn, PQnoticeReceiver proc, void *arg), (conn, proc, arg))
FWD(int, PQsetnonblocking, (PGconn *conn, int arg), (conn, arg))
FWD(int, PQsocket, (const PGconn *conn), (conn))
FWD(ConnStatusType, PQstatus, (const PGconn *conn), (conn))
