/*
  +----------------------------------------------------------------------+
  | mailguard: per-account mail accounting for shared PHP hosting        |
  +----------------------------------------------------------------------+
  | This source file is subject to the MIT license that is bundled with  |
  | this package in the file LICENSE.                                    |
  +----------------------------------------------------------------------+
*/

/* Loads libpq on first use (see pq.h). Process-wide: a fork keeps the
 * mapping, which is what a worker forked after its parent loaded it wants. */

#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#define MG_PQ_NO_NAMES
#include "pq.h"

/* The library configure found, by absolute path: the dynamic loader reads
 * LD_LIBRARY_PATH once at process start, but an absolute path leaves it
 * nothing to choose at all. */
#ifndef MG_LIBPQ_PATH
# define MG_LIBPQ_PATH "libpq.so.5"
#endif

mg_pq_api mg_pq;
static void *mg_pq_handle;

bool mg_pq_loaded(void)
{
	return mg_pq_handle != NULL;
}

bool mg_pq_load(char *err, size_t err_size)
{
	static const struct { const char *name; size_t offset; } fns[] = {
#define MG_PQ_SYM(n) { #n, offsetof(mg_pq_api, n) }
		MG_PQ_SYM(PQclear), MG_PQ_SYM(PQconnectPoll), MG_PQ_SYM(PQconnectStartParams),
		MG_PQ_SYM(PQconninfoFree), MG_PQ_SYM(PQconninfoParse), MG_PQ_SYM(PQconsumeInput),
		MG_PQ_SYM(PQerrorMessage), MG_PQ_SYM(PQfinish), MG_PQ_SYM(PQflush), MG_PQ_SYM(PQfreemem),
		MG_PQ_SYM(PQgetResult), MG_PQ_SYM(PQgetisnull), MG_PQ_SYM(PQgetvalue), MG_PQ_SYM(PQisBusy),
		MG_PQ_SYM(PQlibVersion), MG_PQ_SYM(PQnfields), MG_PQ_SYM(PQntuples),
		MG_PQ_SYM(PQresultErrorField), MG_PQ_SYM(PQresultErrorMessage), MG_PQ_SYM(PQresultStatus),
		MG_PQ_SYM(PQsendPrepare), MG_PQ_SYM(PQsendQueryParams), MG_PQ_SYM(PQsendQueryPrepared),
		MG_PQ_SYM(PQsetNoticeReceiver), MG_PQ_SYM(PQsetnonblocking),
		MG_PQ_SYM(PQsocket), MG_PQ_SYM(PQstatus),
	};
	/* Pipeline mode (libpq 14): without it every question is the
	 * unnamed statement (store.c, mg_db_question()). */
	static const struct { const char *name; size_t offset; } optional[] = {
		MG_PQ_SYM(PQenterPipelineMode), MG_PQ_SYM(PQexitPipelineMode), MG_PQ_SYM(PQpipelineSync),
#undef MG_PQ_SYM
	};
	mg_pq_api api;
	void *h;
	size_t i;

	if (mg_pq_handle != NULL) {
		return true;
	}
	/* RTLD_LOCAL: libpq's symbols stay out of the global namespace, where
	 * another extension (pgsql, pdo_pgsql) may have its own libpq. */
	h = dlopen(MG_LIBPQ_PATH, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		const char *e = dlerror();
		snprintf(err, err_size, "cannot load libpq: %s", e != NULL ? e : MG_LIBPQ_PATH);
		return false;
	}
	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		void *f = dlsym(h, fns[i].name);

		if (f == NULL) {
			snprintf(err, err_size, "libpq at %s has no %s", MG_LIBPQ_PATH, fns[i].name);
			dlclose(h);
			return false;
		}
		memcpy((char *) &api + fns[i].offset, &f, sizeof(f));
	}
	for (i = 0; i < sizeof(optional) / sizeof(optional[0]); i++) {
		void *f = dlsym(h, optional[i].name);

		memcpy((char *) &api + optional[i].offset, &f, sizeof(f));
	}
	mg_pq = api;
	mg_pq_handle = h;
	return true;
}
