/*
  +----------------------------------------------------------------------+
  | mailguard: per-account mail accounting for shared PHP hosting        |
  +----------------------------------------------------------------------+
  | This source file is subject to the MIT license that is bundled with  |
  | this package in the file LICENSE.                                    |
  +----------------------------------------------------------------------+
*/

/* The PostgreSQL side of one mail.
 *
 * One connection per worker process, opened on the first mail (never in
 * MINIT: a connection inherited by forked workers would be one backend
 * shared by many processes), kept across requests, and tagged with the
 * pid and euid that opened it. A process that finds a connection opened by
 * another pid or euid abandons it without a word on the socket.
 *
 * Everything runs on libpq's non-blocking API against one deadline,
 * mailguard.timeout_ms from the start of the mail: connect, send, answer.
 * After a failure nothing is tried for mailguard.retry_ms (the circuit is
 * open), so a dead database costs each later mail nothing.
 *
 * The connection string comes from the admin; the process environment
 * comes from the customer's script (putenv()). So the connection is made
 * with every libpq keyword given explicitly, files that libpq would look
 * for in the (customer's) home directory pointed at nothing unless the
 * admin named them, and the PG* environment hidden while libpq reads it. */

#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_smart_str.h"
#include "php_mailguard.h"
#include "store.h"
#include "log.h"
#include "utf8.h"

#include <libpq-fe.h>
#include <fcntl.h>
#include <poll.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* Files libpq reads from ~/.postgresql or ~ when not named: in a worker
 * that is the customer's home. Unless the admin's DSN names them, point
 * them where nothing can be (a planted root.crt or .pgpass could otherwise
 * make every connection fail and the fail mode decide). */
#define MG_DB_NO_FILE "/nonexistent/mailguard/none"

/* $19/$20: the outcome of this process's previous accepted mail, if not
 * yet reported: it rides along with the next question, so a mail costs one
 * round trip. */
static const char mg_db_check_sql[] =
	"SELECT verdict, reason, detail, trace FROM mailguard.mail("
	"$1, $2::integer, $3, $4::integer, $5::integer, $6, $7::integer, $8, $9, $10, "
	"$11, $12::integer, $13, $14, $15, $16, $17, $18, $19::uuid, $20)";

/* The same, with the envelope sender for an accepted mail ($21: the From
 * address). mailguard.envelope() runs after mailguard.mail() has written
 * the log row it reads. */
static const char mg_db_check_envelope_sql[] =
	"SELECT m.verdict, m.reason, m.detail, m.trace, "
	"CASE WHEN m.verdict = 'accept' THEN mailguard.envelope(m.trace, $21) END FROM mailguard.mail("
	"$1, $2::integer, $3, $4::integer, $5::integer, $6, $7::integer, $8, $9, $10, "
	"$11, $12::integer, $13, $14, $15, $16, $17, $18, $19::uuid, $20) AS m";

static const char mg_db_outcome_sql[] =
	"SELECT verdict FROM mailguard.mail(p_trace => $1::uuid, p_outcome => $2)";

/* {{{ time */
static uint64_t mg_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

/* Waits until fd is ready or the deadline passes: 1 ready, 0 timed out,
 * -1 error. A signal (PHP's own timers) just resumes the wait. */
static int mg_db_wait(int fd, bool for_write, uint64_t deadline)
{
	for (;;) {
		struct pollfd p;
		uint64_t now = mg_now_ms();
		int rc;

		if (fd < 0) {
			return -1;
		}
		if (now >= deadline) {
			return 0;
		}
		p.fd = fd;
		p.events = for_write ? POLLOUT : POLLIN;
		p.revents = 0;
		rc = poll(&p, 1, (int) MIN(deadline - now, (uint64_t) INT_MAX));
		if (rc > 0) {
			return 1;
		}
		if (rc < 0 && errno != EINTR) {
			return -1;
		}
	}
}
/* }}} */

/* {{{ syslog for database trouble: the detail goes here, never to userland */
static void mg_db_syslog(const char *error, const char *detail)
{
	smart_str s = {0};
	size_t len;

	if (!MG_G(syslog) || MG_G(syslog_socket) == NULL || MG_G(syslog_socket)[0] == '\0') {
		return;
	}
	mg_log_kv(&s, "event", ZEND_STRL("database"), 0);
	mg_log_kv(&s, "error", error, strlen(error), 0);
	if (detail != NULL) {
		/* libpq's messages end in a newline and may span lines */
		len = strlen(detail);
		while (len > 0 && (detail[len - 1] == '\n' || detail[len - 1] == ' ')) {
			len--;
		}
		mg_log_kv(&s, "detail", detail, len, (size_t) MG_G(log_field_max) * 2);
	}
	mg_log_kv_long(&s, "pid", (zend_long) getpid());
	smart_str_0(&s);
	mg_log_send(MG_G(syslog_socket), MG_G(facility), LOG_ERR, ZSTR_VAL(s.s), ZSTR_LEN(s.s),
		(size_t) MG_G(syslog_max_length));
	smart_str_free(&s);
}
/* }}} */

/* {{{ the connection's life */

/* libpq prints server notices (and the FATAL a server sends when it shuts
 * down) on stderr by default: the customer's output. Syslog instead. */
static void mg_db_notice(void *arg, const char *message)
{
	(void) arg;
	mg_db_syslog("notice", message);
}


/* Lets go of a connection that this process must not talk on: its socket
 * is shared with the process that opened it. /dev/null takes the socket's
 * descriptor number, so PQfinish() frees libpq's memory and "sends" its
 * Terminate message to /dev/null; the other process's backend never hears
 * of it. */
static void mg_db_abandon(PGconn *conn)
{
	int fd = PQsocket(conn);

	if (fd >= 0) {
		int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (null_fd >= 0) {
			dup2(null_fd, fd);
			close(null_fd);
		}
	}
	PQfinish(conn);
}

static void mg_db_drop(void)
{
	PGconn *conn = MG_G(db_conn);

	if (conn == NULL) {
		return;
	}
	MG_G(db_conn) = NULL;
	MG_G(db_pending) = 0;
	if (MG_G(db_pid) == getpid() && MG_G(db_euid) == geteuid()) {
		PQfinish(conn);
	} else {
		/* Also forget the other process's unreported outcome. */
		MG_G(db_outcome_trace)[0] = '\0';
		mg_db_abandon(conn);
	}
}

static int mg_db_drain(PGconn *conn, uint64_t deadline, mg_db_result *r);

void mg_db_close(void)
{
	/* At process end, wait (within the deadline) for the answers still
	 * due: closing on an unread answer makes the server lose the
	 * connection before it commits the report. */
	mg_db_report();
	if (MG_G(db_conn) != NULL && MG_G(db_pid) == getpid() && MG_G(db_euid) == geteuid()) {
		mg_db_result r;
		mg_db_drain(MG_G(db_conn), mg_now_ms() + (uint64_t) MG_G(timeout_ms), &r);
	}
	mg_db_drop();
}

/* A failure: drop the connection and answer "unavailable" without trying
 * until retry_ms have passed. */
static void mg_db_fail(mg_db_result *r, const char *error, const char *detail)
{
	r->verdict = MG_DB_UNAVAILABLE;
	r->error = error;
	mg_db_syslog(error, detail);
	mg_db_drop();
	MG_G(db_retry_at) = mg_now_ms() + (uint64_t) MG_G(retry_ms);
}

/* Runs a libpq call that reads the environment with the environment the
 * customer cannot influence: every PG* variable (PGOPTIONS, PGSERVICE,
 * PGTZ, PGDATESTYLE, PGSSL*, ...), KRB5* and HOME hidden. Only the
 * environ pointer changes; the strings stay where they are. */
static char **mg_db_env_hide(void)
{
	char **saved = environ;
	char **clean;
	size_t n = 0, i, j = 0;

	if (saved == NULL) {
		return NULL;
	}
	while (saved[n] != NULL) {
		n++;
	}
	clean = malloc((n + 1) * sizeof(char *));
	if (clean == NULL) {
		return NULL;
	}
	for (i = 0; i < n; i++) {
		const char *e = saved[i];
		if (strncmp(e, "PG", 2) == 0 || strncmp(e, "KRB5", 4) == 0 || strncmp(e, "HOME=", 5) == 0) {
			continue;
		}
		clean[j++] = saved[i];
	}
	clean[j] = NULL;
	environ = clean;
	return saved;
}

static void mg_db_env_restore(char **saved)
{
	if (saved != NULL) {
		char **clean = environ;
		environ = saved;
		free(clean);
	}
}

/* Keywords whose value mailguard decides, or which point at files. */
static bool mg_db_is_file_keyword(const char *kw)
{
	static const char *const files[] = {
		"passfile", "sslcert", "sslkey", "sslrootcert", "sslcrl", "sslcrldir"
	};
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (strcmp(kw, files[i]) == 0) {
			return true;
		}
	}
	return false;
}

static PGconn *mg_db_start(uint64_t deadline, const char **error, char *detail, size_t detail_size)
{
	PQconninfoOption *opts, *o;
	char *err = NULL;
	const char **kw, **val;
	size_t n = 0, i = 0;
	smart_str options = {0};
	char **env;
	PGconn *conn;

	*error = NULL;
	opts = PQconninfoParse(MG_G(dsn), &err);
	if (opts == NULL) {
		/* The parser's message names keywords, never values. */
		*error = "invalid-dsn";
		snprintf(detail, detail_size, "%s", err != NULL ? err : "out of memory");
		PQfreemem(err);
		return NULL;
	}
	for (o = opts; o->keyword != NULL; o++) {
		n++;
	}
	kw = ecalloc(n + 1, sizeof(char *));
	val = ecalloc(n + 1, sizeof(char *));

	/* Server settings for this session: the deadline also bounds the
	 * statement on the server, and synchronous_commit is the admin's. */
	smart_str_append_printf(&options, "-c statement_timeout=" ZEND_LONG_FMT, MG_G(timeout_ms));
	/* The policy function's exactness rests on READ COMMITTED re-checking
	 * the UPDATE's WHERE; a stricter default (a role setting) would turn
	 * contention into errors, i.e. into the fail mode. */
	smart_str_appends(&options, " -c default_transaction_isolation=read\\ committed");
	if (MG_G(synchronous_commit) != NULL) {
		smart_str_append_printf(&options, " -c synchronous_commit=%s", MG_G(synchronous_commit));
	}

	for (o = opts; o->keyword != NULL; o++) {
		const char *v = o->val;

		if (strcmp(o->keyword, "options") == 0) {
			if (v != NULL && v[0] != '\0') {
				smart_str_appendc(&options, ' ');
				smart_str_appends(&options, v);
			}
			continue;
		}
		if (strcmp(o->keyword, "client_encoding") == 0) {
			v = "UTF8";         /* what mg_db_text() produces */
		} else if (strcmp(o->keyword, "application_name") == 0 && (v == NULL || v[0] == '\0')) {
			v = "mailguard";
		} else if (strcmp(o->keyword, "connect_timeout") == 0) {
			v = NULL;           /* the deadline is ours; libpq's has a 2 s floor */
		} else if (v == NULL || v[0] == '\0') {
			v = mg_db_is_file_keyword(o->keyword) ? MG_DB_NO_FILE : o->compiled;
		}
		if (v != NULL && v[0] != '\0') {
			kw[i] = o->keyword;
			val[i] = v;
			i++;
		}
	}
	smart_str_0(&options);
	kw[i] = "options";
	val[i] = ZSTR_VAL(options.s);
	i++;
	kw[i] = NULL;
	val[i] = NULL;

	env = mg_db_env_hide();
	conn = PQconnectStartParams(kw, val, 0);
	mg_db_env_restore(env);

	efree(kw);
	efree(val);
	smart_str_free(&options);
	PQconninfoFree(opts);

	if (conn == NULL) {
		*error = "connect";
		snprintf(detail, detail_size, "out of memory");
		return NULL;
	}
	PQsetNoticeProcessor(conn, mg_db_notice, NULL);
	if (PQstatus(conn) == CONNECTION_BAD) {
		*error = "connect";
		snprintf(detail, detail_size, "%s", PQerrorMessage(conn));
		PQfinish(conn);
		return NULL;
	}

	/* PQconnectPoll() with a wait on the socket in the direction it asks,
	 * until the connection is made or the deadline passes. */
	for (;;) {
		PostgresPollingStatusType st;
		int w;

		env = mg_db_env_hide();
		st = PQconnectPoll(conn);
		mg_db_env_restore(env);
		if (st == PGRES_POLLING_OK) {
			break;
		}
		if (st == PGRES_POLLING_FAILED) {
			*error = "connect";
			snprintf(detail, detail_size, "%s", PQerrorMessage(conn));
			PQfinish(conn);
			return NULL;
		}
		w = mg_db_wait(PQsocket(conn), st == PGRES_POLLING_WRITING, deadline);
		if (w <= 0) {
			*error = w == 0 ? "connect-timeout" : "connect";
			snprintf(detail, detail_size, "%s", w == 0 ? "no answer within mailguard.timeout_ms" : strerror(errno));
			PQfinish(conn);
			return NULL;
		}
	}
	PQsetNoticeProcessor(conn, mg_db_notice, NULL);
	if (PQsetnonblocking(conn, 1) != 0) {
		*error = "connect";
		snprintf(detail, detail_size, "%s", PQerrorMessage(conn));
		PQfinish(conn);
		return NULL;
	}
	return conn;
}
/* }}} */

/* {{{ one query on the non-blocking connection */

/* Sends the buffered query out; false on timeout or error. */
static bool mg_db_flush(PGconn *conn, uint64_t deadline)
{
	for (;;) {
		int f = PQflush(conn);

		if (f == 0) {
			return true;
		}
		if (f < 0) {
			return false;
		}
		/* The server may be waiting for us to read before it reads more. */
		if (mg_db_wait(PQsocket(conn), true, deadline) <= 0) {
			return false;
		}
		if (!PQconsumeInput(conn)) {
			return false;
		}
	}
}

/* Reads every result of one query. Returns the first non-NULL result
 * (the caller PQclear()s it) or NULL on timeout/connection error, with
 * *timed_out telling which. */
static PGresult *mg_db_collect(PGconn *conn, uint64_t deadline, bool *timed_out)
{
	PGresult *first = NULL, *res;

	*timed_out = false;
	for (;;) {
		while (PQisBusy(conn)) {
			int w = mg_db_wait(PQsocket(conn), false, deadline);

			if (w <= 0) {
				*timed_out = w == 0;
				goto fail;
			}
			if (!PQconsumeInput(conn)) {
				goto fail;
			}
		}
		res = PQgetResult(conn);
		if (res == NULL) {
			if (first == NULL) {
				goto fail;
			}
			return first;
		}
		if (first == NULL) {
			first = res;
		} else {
			PQclear(res);
		}
	}
fail:
	if (first != NULL) {
		PQclear(first);
	}
	return NULL;
}

/* Reads the answers to outcome reports still in flight. On a timeout or a
 * broken connection the connection is dropped (r says why). */
/* Reads the answers to outcome reports still in flight. Returns 0 when
 * all were read; 1 when the server had ended the session (the connection
 * is dropped without opening the circuit: the caller connects anew, and
 * those reports are lost, their mails stay "pending"); -1 when the server
 * did not answer in time (mg_db_fail()). */
static int mg_db_drain(PGconn *conn, uint64_t deadline, mg_db_result *r)
{
	while (MG_G(db_pending) > 0) {
		bool timed_out;
		PGresult *res = mg_db_collect(conn, deadline, &timed_out);

		if (res == NULL) {
			if (timed_out) {
				mg_db_fail(r, "timeout", "no answer within mailguard.timeout_ms");
				return -1;
			}
			mg_db_syslog("reconnect", PQerrorMessage(conn));
			mg_db_drop();
			return 1;
		}
		if (PQresultStatus(res) != PGRES_TUPLES_OK) {
			/* The report was lost; the connection may be fine. */
			mg_db_syslog("outcome", PQresultErrorMessage(res));
		}
		PQclear(res);
		MG_G(db_pending)--;
	}
	if (PQstatus(conn) != CONNECTION_OK) {
		mg_db_syslog("reconnect", PQerrorMessage(conn));
		mg_db_drop();
		return 1;
	}
	return 0;
}

/* An idle connection the server has ended (a restart, idle_session_timeout,
 * pg_terminate_backend()) has its FATAL message and end of file waiting on
 * the socket: read what is there without waiting and see. Only before a
 * question is sent, so the mail is never asked twice. */
static bool mg_db_alive(PGconn *conn)
{
	struct pollfd p;
	int i;

	if (PQstatus(conn) != CONNECTION_OK) {
		return false;
	}
	if (MG_G(db_pending) > 0) {
		return true;    /* answers are due: mg_db_drain() reads them */
	}
	p.fd = PQsocket(conn);
	p.events = POLLIN;
	p.revents = 0;
	if (p.fd < 0) {
		return false;
	}
	/* The FATAL message and the end of file may come in separate reads. */
	for (i = 0; i < 4 && poll(&p, 1, 0) > 0; i++) {
		if (!PQconsumeInput(conn) || PQstatus(conn) != CONNECTION_OK) {
			return false;
		}
		p.revents = 0;
	}
	return true;
}

/* Makes sure there is a usable connection for this process: abandons one
 * inherited across fork() or opened under another euid, reads the answers
 * to outcome reports still in flight, connects if needed. */
static PGconn *mg_db_ready(uint64_t deadline, mg_db_result *r)
{
	PGconn *conn = MG_G(db_conn);
	const char *error;
	char detail[512];

	if (conn != NULL && (MG_G(db_pid) != getpid() || MG_G(db_euid) != geteuid())) {
		mg_db_drop();
		conn = NULL;
	}
	if (conn != NULL && !mg_db_alive(conn)) {
		mg_db_syslog("reconnect", PQerrorMessage(conn));
		mg_db_drop();
		conn = NULL;
	}
	if (conn != NULL) {
		int d = mg_db_drain(conn, deadline, r);

		if (d < 0) {
			return NULL;
		}
		conn = MG_G(db_conn);
	}
	if (conn == NULL) {
		conn = mg_db_start(deadline, &error, detail, sizeof(detail));
		if (conn == NULL) {
			mg_db_fail(r, error, detail);
			return NULL;
		}
		MG_G(db_conn) = conn;
		MG_G(db_pid) = getpid();
		MG_G(db_euid) = geteuid();
		MG_G(db_pending) = 0;
	}
	return conn;
}

static void mg_db_copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src != NULL ? src : "");
}

void mg_db_check(const char *const fields[MG_DB_NPARAMS], bool envelope, const char *env_from, mg_db_result *r)
{
	uint64_t now = mg_now_ms();
	uint64_t deadline = now + (uint64_t) MG_G(timeout_ms);
	PGconn *conn;
	PGresult *res;
	bool timed_out;
	const char *values[MG_DB_NPARAMS + 3];
	bool reporting;
	int nparams = envelope ? MG_DB_NPARAMS + 3 : MG_DB_NPARAMS + 2;

	memset(r, 0, sizeof(*r));
	if (MG_G(db_retry_at) != 0 && now < MG_G(db_retry_at)
			&& (MG_G(db_conn) == NULL || MG_G(db_pid) != getpid())) {
		r->verdict = MG_DB_UNAVAILABLE;
		r->error = "backing-off";
		return;
	}
	conn = mg_db_ready(deadline, r);
	if (conn == NULL) {
		return;
	}
	/* After mg_db_ready(): a connection inherited from another process
	 * takes that process's unreported outcome with it. */
	reporting = MG_G(db_outcome_trace)[0] != '\0';
	memcpy(values, fields, sizeof(fields[0]) * MG_DB_NPARAMS);
	values[MG_DB_NPARAMS] = reporting ? MG_G(db_outcome_trace) : NULL;
	values[MG_DB_NPARAMS + 1] = reporting ? (MG_G(db_outcome_sent) ? "sent" : "failed") : NULL;
	values[MG_DB_NPARAMS + 2] = env_from;
	/* The unnamed statement: nothing is prepared on the server, so this
	 * works behind a pooler in transaction mode. */
	if (!PQsendQueryParams(conn, envelope ? mg_db_check_envelope_sql : mg_db_check_sql, nparams,
				NULL, values, NULL, NULL, 0)
			|| !mg_db_flush(conn, deadline)) {
		mg_db_fail(r, "send", PQerrorMessage(conn));
		return;
	}
	res = mg_db_collect(conn, deadline, &timed_out);
	if (res == NULL) {
		mg_db_fail(r, timed_out ? "timeout" : "connection",
			timed_out ? "no answer within mailguard.timeout_ms" : PQerrorMessage(conn));
		return;
	}
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1 || PQnfields(res) != (envelope ? 5 : 4)) {
		/* The database answered with an error (no schema, no privilege,
		 * statement timeout): the connection stays, the fail mode decides
		 * for this mail. */
		r->verdict = MG_DB_UNAVAILABLE;
		r->error = "query";
		mg_db_syslog("query", PQresultStatus(res) == PGRES_TUPLES_OK ? "unexpected result shape" : PQresultErrorMessage(res));
		PQclear(res);
		return;
	}
	MG_G(db_retry_at) = 0;
	if (reporting) {
		MG_G(db_outcome_trace)[0] = '\0';
	}
	mg_db_copy(r->reason, sizeof(r->reason), PQgetisnull(res, 0, 1) ? NULL : PQgetvalue(res, 0, 1));
	mg_db_copy(r->detail, sizeof(r->detail), PQgetisnull(res, 0, 2) ? NULL : PQgetvalue(res, 0, 2));
	mg_db_copy(r->trace, sizeof(r->trace), PQgetisnull(res, 0, 3) ? NULL : PQgetvalue(res, 0, 3));
	if (envelope && !PQgetisnull(res, 0, 4) && strlen(PQgetvalue(res, 0, 4)) < sizeof(r->envelope)) {
		mg_db_copy(r->envelope, sizeof(r->envelope), PQgetvalue(res, 0, 4));
	}
	if (strcmp(PQgetvalue(res, 0, 0), "accept") == 0) {
		r->verdict = MG_DB_ACCEPT;
	} else {
		r->verdict = MG_DB_REFUSE;
		if (r->reason[0] == '\0') {
			mg_db_copy(r->reason, sizeof(r->reason), "refused");
		}
	}
	PQclear(res);
}

void mg_db_outcome(const char *trace, bool sent)
{
	/* Kept until the next question (or the end of the request): waking
	 * the server now would cost the mail() call a second round trip. An
	 * outcome still unreported is replaced: the database keeps that mail
	 * "pending". */
	snprintf(MG_G(db_outcome_trace), sizeof(MG_G(db_outcome_trace)), "%s", trace);
	MG_G(db_outcome_sent) = sent;
}

void mg_db_report(void)
{
	PGconn *conn = MG_G(db_conn);
	const char *values[2];
	int sent;
	uint64_t deadline = mg_now_ms() + (uint64_t) MG_G(timeout_ms);

	if (MG_G(db_outcome_trace)[0] == '\0' || conn == NULL || MG_G(db_pid) != getpid()
			|| MG_G(db_euid) != geteuid() || PQstatus(conn) != CONNECTION_OK) {
		return;
	}
	/* PQsendQueryParams() copies the values into its buffer. */
	values[0] = MG_G(db_outcome_trace);
	values[1] = MG_G(db_outcome_sent) ? "sent" : "failed";
	sent = PQsendQueryParams(conn, mg_db_outcome_sql, 2, NULL, values, NULL, NULL, 0);
	MG_G(db_outcome_trace)[0] = '\0';
	if (!sent
			|| !mg_db_flush(conn, deadline)) {
		mg_db_syslog("outcome", PQerrorMessage(conn));
		mg_db_drop();
		return;
	}
	/* The answer is read before the next question (mg_db_ready()). */
	MG_G(db_pending)++;
}
/* }}} */

/* {{{ text for the database */
static size_t mg_utf8_len(const unsigned char *p, size_t avail)
{
	return p[0] == 0 ? 0 : mg_utf8_seq(p, avail, NULL);	/* NUL is escaped too */
}

void mg_db_text(smart_str *s, const char *v, size_t len, size_t cap)
{
	const unsigned char *p = (const unsigned char *) v;
	size_t i = 0, out = 0;

	while (i < len) {
		size_t n = mg_utf8_len(p + i, len - i);
		char esc[5];

		if (n == 0) {
			snprintf(esc, sizeof(esc), "\\x%02x", p[i]);
			if (cap != 0 && out + 4 > cap) {
				break;
			}
			smart_str_appendl(s, esc, 4);
			out += 4;
			i++;
			continue;
		}
		if (cap != 0 && out + n > cap) {
			break;
		}
		smart_str_appendl(s, v + i, n);
		out += n;
		i += n;
	}
}
/* }}} */
