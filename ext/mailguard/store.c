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
#include "report.h"
#include "utf8.h"
#include "deadline.h"

#include "pq.h"
#include <arpa/inet.h>
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

/* The positional parameters of mailguard.mail(), in order. */
enum {
	MG_DB_ACCOUNT, MG_DB_RCPTS, MG_DB_FN, MG_DB_UID, MG_DB_OWNER, MG_DB_SCRIPT,
	MG_DB_LINE, MG_DB_ENTRY, MG_DB_VHOST, MG_DB_CLIENT, MG_DB_HOST, MG_DB_PID,
	MG_DB_SAPI, MG_DB_FROM, MG_DB_TO, MG_DB_CC, MG_DB_BCC, MG_DB_SUBJECT,
	MG_DB_NPARAMS
};

/* $21: the deadline the client waits until, as wall-clock time: the
 * function neither counts nor logs an accept decided after it (plus the
 * database's margin for clock differences), so a question that a frozen
 * server runs when it wakes charges nothing.
 *
 * $19/$20: the failure of this process's previous accepted mail, if not
 * yet reported: it rides along with the next question, so a mail costs one
 * round trip and one commit (an accepted mail is logged as sent: a mail
 * that went out needs no report). */
static const char mg_db_check_sql[] =
	"SELECT verdict, reason, detail, trace FROM mailguard.mail("
	"$1, $2::integer, $3, $4::integer, $5::integer, $6, $7::integer, $8, $9, $10, "
	"$11, $12::integer, $13, $14, $15, $16, $17, $18, $19::uuid, $20, $21::timestamptz)";

/* The same, with the envelope sender for an accepted mail ($22: the From
 * address). mailguard.envelope() runs after mailguard.mail() has written
 * the log row it reads. */
static const char mg_db_check_envelope_sql[] =
	"SELECT m.verdict, m.reason, m.detail, m.trace, "
	"CASE WHEN m.verdict = 'accept' THEN mailguard.envelope(m.trace, $22) END FROM mailguard.mail("
	"$1, $2::integer, $3, $4::integer, $5::integer, $6, $7::integer, $8, $9, $10, "
	"$11, $12::integer, $13, $14, $15, $16, $17, $18, $19::uuid, $20, $21::timestamptz) AS m";

/* The names of the two statements above, prepared once per connection
 * unless mailguard.pooler is transaction, and their bits in
 * MG_G(store).prepared. */
#define MG_DB_PREPARED_CHECK 1u
#define MG_DB_PREPARED_ENVELOPE 2u
static const char mg_db_check_name[] = "mailguard_check";
static const char mg_db_check_envelope_name[] = "mailguard_check_envelope";

static const char mg_db_outcome_sql[] =
	"SELECT verdict FROM mailguard.mail(p_trace => $1::uuid, p_outcome => $2)";

/* time: deadline.c (mg_clock_ms(), mg_fd_wait(), mg_wall_deadline()) */

/* {{{ the connection's life */

/* libpq prints server notices (and the FATAL a server sends when it ends
 * an idle session) on stderr by default: the customer's output. They go
 * to syslog instead, but not from here: this runs inside libpq, with the
 * customer's environment hidden (mg_db_env_hide()), and building a line
 * takes request memory, whose failure (memory_limit) would be a bailout
 * that longjmps through libpq. So the message is only copied into a fixed
 * buffer, and mg_db_notices() logs it once libpq has returned.
 *
 * A FATAL (or PANIC) arriving while no query runs is how the server says
 * it ended the session (restart, idle_session_timeout,
 * pg_terminate_backend()); libpq hands it to the notice receiver, and the
 * end of file may not have been read yet. It marks the session ended. */
static void mg_db_notice(void *arg, const PGresult *res)
{
	const char *severity = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);

	(void) arg;
	if (severity != NULL && (strcmp(severity, "FATAL") == 0 || strcmp(severity, "PANIC") == 0)) {
		MG_G(store).ended = true;
	}
	if (MG_G(store).notice[0] != '\0') {
		MG_G(store).notices_lost++;
		return;
	}
	strlcpy(MG_G(store).notice, PQresultErrorMessage(res), sizeof(MG_G(store).notice));
}

static void mg_db_notices(void)
{
	if (MG_G(store).notice[0] != '\0') {
		mg_report_db_event("notice", MG_G(store).notice);
		MG_G(store).notice[0] = '\0';
	}
	if (MG_G(store).notices_lost > 0) {
		char n[32];

		snprintf(n, sizeof(n), "%u more", MG_G(store).notices_lost);
		mg_report_db_event("notice", n);
		MG_G(store).notices_lost = 0;
	}
}

/* Whether the connection was opened by this process under this euid. A
 * forked child, or a worker whose euid changed, must not talk on it. */
static bool mg_db_owned(void)
{
	return MG_G(store).conn != NULL && MG_G(store).pid == getpid() && MG_G(store).euid == geteuid();
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
	PGconn *conn = MG_G(store).conn;

	if (conn == NULL) {
		return;
	}
	if (mg_db_owned()) {
		MG_G(store).conn = NULL;
		MG_G(store).pending = 0;
		MG_G(store).prepared = 0;
		PQfinish(conn);
	} else {
		MG_G(store).conn = NULL;
		MG_G(store).pending = 0;
		MG_G(store).prepared = 0;
		/* Also forget the other process's unreported outcomes. */
		MG_G(store).outcome_trace[0] = '\0';
		MG_G(store).inflight_trace[0] = '\0';
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
	if (mg_db_owned()) {
		mg_db_result r;
		mg_db_drain(MG_G(store).conn, mg_clock_ms() + (uint64_t) MG_G(timeout_ms), &r);
	}
	mg_db_drop();
	mg_db_notices();
}

/* Whether a failure says the configuration is wrong rather than the
 * database being away: the DSN itself, or the server refusing this client
 * by name (authentication, pg_hba, a role or database that does not
 * exist, no CONNECT privilege). The server's refusal arrives as a FATAL
 * during start-up; its SQLSTATE is not available from libpq at that
 * point, so the text decides, with the FATALs of a server that is
 * starting, stopping or full counted as unavailability. */
static bool mg_db_is_misconfiguration(const char *error, const char *detail)
{
	static const char *const transient[] = {
		"starting up", "shutting down", "recovery mode", "not yet accepting connections",
		"not accepting connections", "too many clients", "connection slots are reserved",
		"terminating connection",
		"no more connections allowed",      /* PgBouncer's max_client_conn */
	};
	size_t i;

	if (strcmp(error, "invalid-dsn") == 0 || strcmp(error, "host-name") == 0 || strcmp(error, "libpq") == 0) {
		return true;
	}
	if (strcmp(error, "connect") != 0 || detail == NULL) {
		return false;
	}
	if (strstr(detail, "no password supplied") != NULL) {
		return true;        /* libpq's own: the server wants a password the DSN lacks */
	}
	if (strstr(detail, "FATAL:") == NULL) {
		return false;       /* no server answered: refused, no socket, reset */
	}
	for (i = 0; i < sizeof(transient) / sizeof(transient[0]); i++) {
		if (strstr(detail, transient[i]) != NULL) {
			return false;
		}
	}
	return true;
}

/* The same for an error answer to the question: the role may not run the
 * function, the schema or function is missing (42xxx, 3F000), or the
 * session's authorization is wrong (28xxx, 0Pxxx). */
static bool mg_db_is_misconfigured_answer(const PGresult *res)
{
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

	return state != NULL && (strncmp(state, "42", 2) == 0 || strncmp(state, "3F", 2) == 0
		|| strncmp(state, "3D", 2) == 0 || strncmp(state, "28", 2) == 0 || strncmp(state, "0P", 2) == 0
		|| strncmp(state, "0L", 2) == 0);
}

/* An outcome to remember for phpinfo() and for the back-off: the database
 * answered, did not, or refused this configuration. */
static void mg_db_state(mg_db_result *r, mg_db_state_kind state)
{
	MG_G(store).state = state;
	r->misconfigured = state == MG_DB_STATE_MISCONFIGURED;
}

/* The first back-off of a failure streak. A failover (the primary gone, a
 * standby promoted a second or a few later) ends a streak early: with the
 * circuit open for retry_ms from the first failure, every worker would
 * take the fail mode for retry_ms, long after the new primary is up. */
#define MG_DB_RETRY_FIRST_MS 1000

/* A failure: drop the connection and answer "unavailable" without trying
 * for a while: MG_DB_RETRY_FIRST_MS after the first failure since the
 * database last answered, twice as long as the last time after each
 * further one, never longer than retry_ms. A worker so waits at most about
 * as long as the outage has lasted (plus the first back-off), and a dead
 * database still costs it a timeout only every retry_ms once the streak
 * is long. A misconfiguration is logged as such. */
static void mg_db_fail(mg_db_result *r, const char *error, const char *detail)
{
	bool mis = mg_db_is_misconfiguration(error, detail);

	r->verdict = MG_DB_UNAVAILABLE;
	r->error = mis ? "misconfigured" : error;
	mg_db_state(r, mis ? MG_DB_STATE_MISCONFIGURED : MG_DB_STATE_UNAVAILABLE);
	mg_report_db_event(r->error, detail);
	mg_db_drop();
	MG_G(store).backoff_ms = MG_G(store).backoff_ms == 0 ? MG_DB_RETRY_FIRST_MS : MG_G(store).backoff_ms * 2;
	if (MG_G(store).backoff_ms > (uint64_t) MG_G(retry_ms)) {
		MG_G(store).backoff_ms = (uint64_t) MG_G(retry_ms);
	}
	MG_G(store).retry_at = mg_clock_ms() + MG_G(store).backoff_ms;
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

static bool mg_db_names_host(const PQconninfoOption *opts);

/* One connection attempt with the parameters as given, until it is made
 * or `deadline` passes. */
static PGconn *mg_db_connect(const char *const *kw, const char *const *val, uint64_t deadline,
	const char **error, char *detail, size_t detail_size)
{
	char **env;
	PGconn *conn;

	env = mg_db_env_hide();
	conn = PQconnectStartParams(kw, val, 0);
	mg_db_env_restore(env);
	if (conn == NULL) {
		*error = "connect";
		snprintf(detail, detail_size, "out of memory");
		return NULL;
	}
	PQsetNoticeReceiver(conn, mg_db_notice, NULL);
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
		w = mg_fd_wait(PQsocket(conn), st == PGRES_POLLING_WRITING, deadline);
		if (w <= 0) {
			*error = w == 0 ? "connect-timeout" : "connect";
			snprintf(detail, detail_size, "%s", w == 0 ? "no answer within mailguard.timeout_ms" : strerror(errno));
			PQfinish(conn);
			return NULL;
		}
	}
	PQsetNoticeReceiver(conn, mg_db_notice, NULL);
	if (PQsetnonblocking(conn, 1) != 0) {
		*error = "connect";
		snprintf(detail, detail_size, "%s", PQerrorMessage(conn));
		PQfinish(conn);
		return NULL;
	}
	return conn;
}

/* The number of elements of a comma-separated host, hostaddr or port
 * list (0 for none), and a copy of element i (the only one when there is
 * one: a single port serves every host). */
static size_t mg_db_list_len(const char *v)
{
	size_t n = 1;

	if (v == NULL || v[0] == '\0') {
		return 0;
	}
	for (; *v != '\0'; v++) {
		n += *v == ',';
	}
	return n;
}

static char *mg_db_list_item(const char *v, size_t i)
{
	size_t len;

	if (mg_db_list_len(v) == 1) {
		i = 0;
	}
	for (; i > 0; i--) {
		v = strchr(v, ',') + 1;
	}
	len = strcspn(v, ",");
	return estrndup(v, len);
}

/* Connects as the DSN says. A DSN with several hosts (a primary and its
 * standbys) is tried one host at a time, each with an equal share of what
 * is left of the deadline, starting with the host that answered last:
 * libpq's own walk through the list would wait the whole deadline on a
 * host that takes the connection and never answers (a frozen or
 * partitioned old primary), and never reach the promoted standby. */
static PGconn *mg_db_start(uint64_t deadline, const char **error, char *detail, size_t detail_size)
{
	PQconninfoOption *opts, *o;
	char *err = NULL;
	const char **kw, **val;
	size_t n = 0, i = 0, hosts, h;
	int list[3] = {-1, -1, -1};     /* where host, hostaddr, port are in kw[] */
	const char *lists[3] = {NULL, NULL, NULL};
	smart_str options = {0};
	PGconn *conn = NULL;

	*error = NULL;
	opts = PQconninfoParse(MG_G(dsn), &err);
	if (opts == NULL) {
		/* The parser's message names keywords, never values. */
		*error = "invalid-dsn";
		snprintf(detail, detail_size, "%s", err != NULL ? err : "out of memory");
		PQfreemem(err);
		return NULL;
	}
	if (mg_db_names_host(opts)) {
		*error = "host-name";
		snprintf(detail, detail_size, "mailguard.dsn names a host by name and gives no hostaddr");
		PQconninfoFree(opts);
		return NULL;
	}
	for (o = opts; o->keyword != NULL; o++) {
		n++;
	}
	kw = ecalloc(n + 1, sizeof(char *));
	val = ecalloc(n + 1, sizeof(char *));

	/* Server settings for this session: the deadline also bounds the
	 * statement on the server, and synchronous_commit is the admin's.
	 * Behind a transaction pooler (mailguard.pooler) none: the pooler
	 * refuses startup options, and its server connections are shared by
	 * sessions; the pooler's own configuration sets them there
	 * (operations.md, "PgBouncer"). */
	if (!MG_G(pooled)) {
		smart_str_append_printf(&options, "-c statement_timeout=" ZEND_LONG_FMT, MG_G(timeout_ms));
		/* The policy function's exactness rests on READ COMMITTED
		 * re-checking the UPDATE's WHERE; a stricter default (a role
		 * setting) would turn contention into errors, i.e. into the fail
		 * mode. */
		smart_str_appends(&options, " -c default_transaction_isolation=read\\ committed");
		/* A client role may give itself defaults (ALTER ROLE CURRENT_USER
		 * SET ...): a read-only default would turn every question into an
		 * error, i.e. its own mail into the fail mode. Startup options
		 * outrank role settings. */
		smart_str_appends(&options, " -c default_transaction_read_only=off");
		if (MG_G(synchronous_commit) != NULL) {
			smart_str_append_printf(&options, " -c synchronous_commit=%s", MG_G(synchronous_commit));
		}
	}

	for (o = opts; o->keyword != NULL; o++) {
		const char *v = o->val;

		if (strcmp(o->keyword, "options") == 0) {
			if (v != NULL && v[0] != '\0') {
				if (options.s != NULL) {
					smart_str_appendc(&options, ' ');
				}
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
			int l = strcmp(o->keyword, "host") == 0 ? 0 : strcmp(o->keyword, "hostaddr") == 0 ? 1
				: strcmp(o->keyword, "port") == 0 ? 2 : -1;

			if (l >= 0) {
				list[l] = (int) i;
				lists[l] = v;
			}
			kw[i] = o->keyword;
			val[i] = v;
			i++;
		}
	}
	smart_str_0(&options);
	if (options.s != NULL) {
		kw[i] = "options";
		val[i] = ZSTR_VAL(options.s);
		i++;
	}
	kw[i] = NULL;
	val[i] = NULL;

	/* libpq's count: the hostaddr list when given, else the host list.
	 * Lists that do not match (libpq refuses them with a message) go to
	 * libpq as they are. */
	hosts = lists[1] != NULL ? mg_db_list_len(lists[1]) : mg_db_list_len(lists[0]);
	if ((lists[0] != NULL && lists[1] != NULL && mg_db_list_len(lists[0]) != hosts)
			|| (lists[2] != NULL && mg_db_list_len(lists[2]) != 1 && mg_db_list_len(lists[2]) != hosts)) {
		hosts = 1;
	}
	if (hosts <= 1) {
		conn = mg_db_connect(kw, val, deadline, error, detail, detail_size);
	} else {
		size_t used = 0;

		detail[0] = '\0';
		*error = "connect-timeout";
		for (h = 0; h < hosts && conn == NULL; h++) {
			size_t at = (MG_G(store).host_first + h) % hosts, l;
			char *item[3] = {NULL, NULL, NULL};
			const char *e;
			uint64_t now = mg_clock_ms();
			uint64_t share = now < deadline ? (deadline - now) / (hosts - h) : 0;

			for (l = 0; l < 3; l++) {
				if (list[l] >= 0) {
					item[l] = mg_db_list_item(lists[l], at);
					val[list[l]] = item[l];
				}
			}
			conn = mg_db_connect(kw, val, now + share, &e, detail + used, detail_size - used);
			for (l = 0; l < 3; l++) {
				if (item[l] != NULL) {
					efree(item[l]);
				}
			}
			if (conn != NULL) {
				MG_G(store).host_first = at;
				break;
			}
			if (strcmp(e, "connect-timeout") != 0) {
				*error = e;     /* a timeout only when every host timed out */
			}
			used += strlen(detail + used);
			if (used + 2 < detail_size) {
				detail[used++] = ';';
				detail[used++] = ' ';
				detail[used] = '\0';
			}
			if (used >= detail_size - 1) {
				used = detail_size - 1;
			}
		}
	}

	efree(kw);
	efree(val);
	smart_str_free(&options);
	PQconninfoFree(opts);
	return conn;
}
/* }}} */

/* {{{ text for the database */
static size_t mg_utf8_len(const unsigned char *p, size_t avail)
{
	return p[0] == 0 ? 0 : mg_utf8_seq(p, avail, NULL);	/* NUL is escaped too */
}

static void mg_db_text(smart_str *s, const char *v, size_t len, size_t cap)
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
		if (mg_fd_wait(PQsocket(conn), true, deadline) <= 0) {
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
			int w = mg_fd_wait(PQsocket(conn), false, deadline);

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
 * those reports are lost, their failed mails stay "sent"); -1 when the server
 * did not answer in time (mg_db_fail()). */
static int mg_db_drain(PGconn *conn, uint64_t deadline, mg_db_result *r)
{
	while (MG_G(store).pending > 0) {
		bool timed_out;
		PGresult *res = mg_db_collect(conn, deadline, &timed_out);

		if (res == NULL) {
			if (timed_out) {
				mg_db_fail(r, "timeout", "no answer within mailguard.timeout_ms");
				return -1;
			}
			mg_report_db_event("reconnect", PQerrorMessage(conn));
			mg_db_drop();
			return 1;
		}
		if (PQresultStatus(res) != PGRES_TUPLES_OK) {
			/* The report was lost; the connection may be fine. */
			mg_report_db_event("outcome", PQresultErrorMessage(res));
		}
		PQclear(res);
		MG_G(store).pending--;
	}
	if (PQstatus(conn) != CONNECTION_OK) {
		mg_report_db_event("reconnect", PQerrorMessage(conn));
		mg_db_drop();
		return 1;
	}
	return 0;
}

/* An idle connection the server has ended (a restart, idle_session_timeout,
 * pg_terminate_backend()) has its FATAL message and end of file waiting on
 * the socket: read what is there without waiting and see. Only when no
 * answer is due (after mg_db_drain()), and only before a question is sent,
 * so the mail is never asked twice. */
static bool mg_db_alive(PGconn *conn)
{
	struct pollfd p;
	int i;

	if (PQstatus(conn) != CONNECTION_OK || MG_G(store).ended) {
		return false;
	}
	p.fd = PQsocket(conn);
	p.events = POLLIN;
	p.revents = 0;
	if (p.fd < 0) {
		return false;
	}
	/* The FATAL message and the end of file may come in separate reads. */
	for (i = 0; i < 4 && poll(&p, 1, 0) > 0; i++) {
		if (!PQconsumeInput(conn) || PQstatus(conn) != CONNECTION_OK || MG_G(store).ended) {
			return false;
		}
		p.revents = 0;
	}
	return !MG_G(store).ended;
}

/* Makes sure there is a usable connection for this process: abandons one
 * inherited across fork() or opened under another euid, reads the answers
 * to outcome reports still in flight, connects if needed. */
static PGconn *mg_db_ready(uint64_t deadline, mg_db_result *r)
{
	PGconn *conn = MG_G(store).conn;
	const char *error;
	char detail[512];

	if (conn != NULL && !mg_db_owned()) {
		mg_db_drop();
		conn = NULL;
	}
	if (conn != NULL) {
		/* Answers still due first: a session that ended after the last
		 * outcome report has that answer, then its FATAL, waiting. */
		int d = mg_db_drain(conn, deadline, r);

		if (d < 0) {
			return NULL;
		}
		conn = MG_G(store).conn;
	}
	if (conn != NULL && !mg_db_alive(conn)) {
		mg_report_db_event("reconnect", MG_G(store).ended ? "the server ended the session" : PQerrorMessage(conn));
		mg_db_drop();
		conn = NULL;
	}
	if (conn == NULL) {
		conn = mg_db_start(deadline, &error, detail, sizeof(detail));
		if (conn == NULL) {
			mg_db_fail(r, error, detail);
			return NULL;
		}
		MG_G(store).conn = conn;
		MG_G(store).pid = getpid();
		MG_G(store).euid = geteuid();
		MG_G(store).pending = 0;
		MG_G(store).prepared = 0;
		MG_G(store).ended = false;
	}
	return conn;
}

static void mg_db_copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src != NULL ? src : "");
}

/* The database answered a question (or its preparation) with an error
 * (no schema, no privilege, statement timeout): the connection stays, the
 * fail mode decides for this mail. */
static void mg_db_error_answer(mg_db_result *r, PGresult *res)
{
	r->verdict = MG_DB_UNAVAILABLE;
	r->error = mg_db_is_misconfigured_answer(res) ? "misconfigured" : "query";
	mg_db_state(r, strcmp(r->error, "misconfigured") == 0 ? MG_DB_STATE_MISCONFIGURED : MG_DB_STATE_UNAVAILABLE);
	mg_report_db_event(r->error, PQresultStatus(res) == PGRES_TUPLES_OK ? "unexpected result shape" : PQresultErrorMessage(res));
	PQclear(res);
}

/* Reads the PGRES_PIPELINE_SYNC that ends a pipeline (no NULL follows
 * it) and leaves pipeline mode. False on a timeout (*timed_out) or a
 * broken connection. */
static bool mg_db_pipeline_end(PGconn *conn, uint64_t deadline, bool *timed_out)
{
	PGresult *res;
	bool ok;

	*timed_out = false;
	while (PQisBusy(conn)) {
		int w = mg_fd_wait(PQsocket(conn), false, deadline);

		if (w <= 0 || !PQconsumeInput(conn)) {
			*timed_out = w == 0;
			return false;
		}
	}
	res = PQgetResult(conn);
	ok = res != NULL && PQresultStatus(res) == PGRES_PIPELINE_SYNC;
	if (res != NULL) {
		PQclear(res);
	}
	return ok && PQexitPipelineMode(conn) == 1;
}

/* Asks the question and returns its result (the caller PQclear()s it), or
 * NULL with r set: the connection failed (mg_db_fail()) or the database
 * answered with an error (mg_db_error_answer()).
 *
 * Behind a transaction pooler (mailguard.pooler) the unnamed statement,
 * parsed and planned by the server for each mail: nothing is prepared on
 * a server connection that the pooler shares between sessions. Else a
 * named statement: on a connection's first question it is prepared in the
 * same round trip and the same transaction (libpq's pipeline mode: Parse,
 * Bind, Execute, Sync), and every later question only binds and executes
 * it. On a backend that sat idle through the MTA's run, not parsing and
 * planning the outer query again saves 15-20 % of the question's time
 * (bench/cold.sh, performance.md). */
static PGresult *mg_db_question(PGconn *conn, bool envelope, int nparams, const char *const *values,
	uint64_t deadline, mg_db_result *r)
{
	const char *sql = envelope ? mg_db_check_envelope_sql : mg_db_check_sql;
	const char *name = envelope ? mg_db_check_envelope_name : mg_db_check_name;
	unsigned bit = envelope ? MG_DB_PREPARED_ENVELOPE : MG_DB_PREPARED_CHECK;
	bool named = !MG_G(pooled) && PQenterPipelineMode != NULL;
	bool pipeline = named && !(MG_G(store).prepared & bit);
	PGresult *res, *prep = NULL;
	bool timed_out;
	int sent;

	if (!named) {
		sent = PQsendQueryParams(conn, sql, nparams, NULL, values, NULL, NULL, 0);
	} else if (!pipeline) {
		sent = PQsendQueryPrepared(conn, name, nparams, values, NULL, NULL, 0);
	} else {
		sent = PQenterPipelineMode(conn) == 1
			&& PQsendPrepare(conn, name, sql, nparams, NULL)
			&& PQsendQueryPrepared(conn, name, nparams, values, NULL, NULL, 0)
			&& PQpipelineSync(conn) == 1;
	}
	if (!sent || !mg_db_flush(conn, deadline)) {
		mg_db_fail(r, "send", PQerrorMessage(conn));
		return NULL;
	}
	if (pipeline) {
		prep = mg_db_collect(conn, deadline, &timed_out);
		if (prep == NULL) {
			goto broken;
		}
	}
	res = mg_db_collect(conn, deadline, &timed_out);
	if (res == NULL) {
		if (prep != NULL) {
			PQclear(prep);
		}
		goto broken;
	}
	if (pipeline) {
		if (!mg_db_pipeline_end(conn, deadline, &timed_out)) {
			PQclear(prep);
			PQclear(res);
			goto broken;
		}
		if (PQresultStatus(prep) != PGRES_COMMAND_OK) {
			/* the question was not run (PGRES_PIPELINE_ABORTED): the
			 * preparation's error is the answer */
			PQclear(res);
			mg_db_error_answer(r, prep);
			return NULL;
		}
		PQclear(prep);
		MG_G(store).prepared |= bit;
	}
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1 || PQnfields(res) != (envelope ? 5 : 4)) {
		mg_db_error_answer(r, res);
		return NULL;
	}
	return res;
broken:
	mg_db_fail(r, timed_out ? "timeout" : "connection",
		timed_out ? "no answer within mailguard.timeout_ms" : PQerrorMessage(conn));
	return NULL;
}

static void mg_db_check(const char *const fields[MG_DB_NPARAMS], bool envelope, const char *env_from, mg_db_result *r)
{
	uint64_t now = mg_clock_ms();
	uint64_t deadline = now + (uint64_t) MG_G(timeout_ms);
	PGconn *conn;
	PGresult *res;
	const char *values[MG_DB_NPARAMS + 4];
	bool reporting;
	int nparams = envelope ? MG_DB_NPARAMS + 4 : MG_DB_NPARAMS + 3;
	char wall_deadline[40];

	/* read with the monotonic clock above: the same deadline */
	const char *wall = mg_wall_deadline(wall_deadline, sizeof(wall_deadline), (long) MG_G(timeout_ms));

	memset(r, 0, sizeof(*r));
	if (MG_G(store).retry_at != 0 && now < MG_G(store).retry_at
			&& !mg_db_owned()) {
		r->verdict = MG_DB_UNAVAILABLE;
		r->error = "backing-off";
		r->misconfigured = MG_G(store).state == MG_DB_STATE_MISCONFIGURED;
		return;
	}
	if (!mg_pq_loaded()) {
		char why[256];

		if (!mg_pq_load(why, sizeof(why))) {
			mg_db_fail(r, "libpq", why);
			return;
		}
	}
	conn = mg_db_ready(deadline, r);
	if (conn == NULL) {
		return;
	}
	/* After mg_db_ready(): a connection inherited from another process
	 * takes that process's unreported outcome with it. */
	reporting = MG_G(store).outcome_trace[0] != '\0';
	memcpy(values, fields, sizeof(fields[0]) * MG_DB_NPARAMS);
	values[MG_DB_NPARAMS] = reporting ? MG_G(store).outcome_trace : NULL;
	values[MG_DB_NPARAMS + 1] = reporting ? "failed" : NULL;
	values[MG_DB_NPARAMS + 2] = wall;
	values[MG_DB_NPARAMS + 3] = env_from;
	res = mg_db_question(conn, envelope, nparams, values, deadline, r);
	if (res == NULL) {
		return;
	}
	MG_G(store).retry_at = 0;
	MG_G(store).backoff_ms = 0;
	MG_G(store).state = MG_DB_STATE_CONNECTED;
	if (reporting) {
		MG_G(store).outcome_trace[0] = '\0';
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
	/* The database wrote the accepted mail's row as sent (schema 5): only
	 * a failure is news. It is kept until the next question (or the end of
	 * the request): waking the server now would cost the mail() call a
	 * second round trip. A failure still unreported is replaced (it cannot
	 * be: a question, which carries it, comes before every accept); the
	 * database would keep that mail "sent". */
	if (sent) {
		return;
	}
	snprintf(MG_G(store).outcome_trace, sizeof(MG_G(store).outcome_trace), "%s", trace);
}

bool mg_db_inflight(const char *trace)
{
	if (trace == NULL) {
		MG_G(store).inflight_trace[0] = '\0';
		return true;
	}
	if (MG_G(store).inflight_trace[0] != '\0') {
		return false;
	}
	snprintf(MG_G(store).inflight_trace, sizeof(MG_G(store).inflight_trace), "%s", trace);
	return true;
}

/* Sends the noted failure, if any; false when it could not be sent (the
 * connection is dropped then, and the rest is not tried). */
static bool mg_db_report_one(void)
{
	PGconn *conn = MG_G(store).conn;
	const char *values[2];
	int sent;
	uint64_t deadline;

	/* Every request ends here: nothing to report is the common case. */
	if (MG_G(store).outcome_trace[0] == '\0' || !mg_db_owned() || PQstatus(conn) != CONNECTION_OK) {
		return MG_G(store).outcome_trace[0] == '\0';
	}
	deadline = mg_clock_ms() + (uint64_t) MG_G(timeout_ms);
	/* One statement at a time on this connection: an earlier report's
	 * answer first (only when two are due, which is rare). */
	if (MG_G(store).pending > 0) {
		mg_db_result r;

		memset(&r, 0, sizeof(r));
		if (mg_db_drain(conn, deadline, &r) != 0) {
			return false;
		}
	}
	/* PQsendQueryParams() copies the values into its buffer. */
	values[0] = MG_G(store).outcome_trace;
	values[1] = "failed";
	sent = PQsendQueryParams(conn, mg_db_outcome_sql, 2, NULL, values, NULL, NULL, 0);
	MG_G(store).outcome_trace[0] = '\0';
	if (!sent
			|| !mg_db_flush(conn, deadline)) {
		mg_report_db_event("outcome", PQerrorMessage(conn));
		mg_db_drop();
		return false;
	}
	/* The answer is read before the next question (mg_db_ready()). */
	MG_G(store).pending++;
	mg_db_notices();
	return true;
}

void mg_db_report(void)
{
	bool sent = mg_db_report_one();

	if (MG_G(store).inflight_trace[0] == '\0' || MG_G(store).outcome_trace[0] != '\0') {
		return;
	}
	/* A mail whose call never returned was not handed to the MTA: in
	 * every hooked function the script's code (an error handler) can run
	 * only before core starts it. The database logged it sent. Reported
	 * now, or (no connection) with this worker's next question. */
	memcpy(MG_G(store).outcome_trace, MG_G(store).inflight_trace, sizeof(MG_G(store).outcome_trace));
	MG_G(store).inflight_trace[0] = '\0';
	if (sent) {
		mg_db_report_one();
	}
}
/* }}} */

/* {{{ the question about one mail */

/* One value for mailguard.mail(): valid UTF-8, at most log_field_max
 * bytes, stored in `buf` (freed by the caller). */
static const char *mg_db_value(smart_str *buf, const char *v, size_t len)
{
	if (v == NULL) {
		return NULL;
	}
	mg_db_text(buf, v, len, (size_t) MG_G(log_field_max));
	smart_str_0(buf);
	return buf->s != NULL ? ZSTR_VAL(buf->s) : "";
}

static const char *mg_db_number(char *buf, size_t size, zend_long v)
{
	if (v < 0 || v > INT32_MAX) {
		return NULL;    /* the column is an integer; unknown rather than wrong */
	}
	snprintf(buf, size, ZEND_LONG_FMT, v);
	return buf;
}

void mg_db_ask(const mg_call *c, const mg_origin *o, const mg_facts *f, const char *env_from, mg_db_result *r)
{
	const char *values[MG_DB_NPARAMS];
	smart_str text[MG_DB_NPARAMS];
	char nums[5][24];
	int i;

	memset(text, 0, sizeof(text));
#define MG_TEXT(i, v, len) values[i] = mg_db_value(&text[i], v, len)
#define MG_CSTR(i, v) MG_TEXT(i, v, (v) != NULL ? strlen(v) : 0)
#define MG_SMART(i, field) MG_TEXT(i, f->field.s ? ZSTR_VAL(f->field.s) : NULL, f->field.s ? ZSTR_LEN(f->field.s) : 0)
	MG_TEXT(MG_DB_ACCOUNT, ZSTR_VAL(o->account), ZSTR_LEN(o->account));
	values[MG_DB_RCPTS] = mg_db_number(nums[0], sizeof(nums[0]), (zend_long) MIN(f->rcpts, (size_t) INT32_MAX));
	MG_CSTR(MG_DB_FN, c->function);
	values[MG_DB_UID] = mg_db_number(nums[1], sizeof(nums[1]), o->uid);
	values[MG_DB_OWNER] = mg_db_number(nums[2], sizeof(nums[2]), o->owner);
	MG_CSTR(MG_DB_SCRIPT, o->script);
	values[MG_DB_LINE] = mg_db_number(nums[3], sizeof(nums[3]), (zend_long) o->line);
	MG_CSTR(MG_DB_ENTRY, o->entry);
	MG_TEXT(MG_DB_VHOST, o->vhost, o->vhost ? strlen(o->vhost) : 0);
	MG_TEXT(MG_DB_CLIENT, o->client, o->client ? strlen(o->client) : 0);
	MG_CSTR(MG_DB_HOST, o->host);
	values[MG_DB_PID] = mg_db_number(nums[4], sizeof(nums[4]), o->pid);
	MG_CSTR(MG_DB_SAPI, o->sapi);
	MG_SMART(MG_DB_FROM, from);
	MG_SMART(MG_DB_TO, to);
	MG_SMART(MG_DB_CC, cc);
	MG_SMART(MG_DB_BCC, bcc);
	MG_SMART(MG_DB_SUBJECT, subject);
#undef MG_SMART
#undef MG_CSTR
#undef MG_TEXT

	mg_db_check(values, c->want_envelope, env_from, r);
	mg_db_notices();

	for (i = 0; i < MG_DB_NPARAMS; i++) {
		smart_str_free(&text[i]);
	}
}
/* }}} */

/* {{{ configuration */
bool mg_db_configured(void)
{
	return MG_G(dsn) != NULL && MG_G(dsn)[0] != '\0';
}

const char *mg_db_state_name(void)
{
	switch (MG_G(store).state) {
		case MG_DB_STATE_CONNECTED: return "answering";
		case MG_DB_STATE_UNAVAILABLE: return "unavailable (see syslog)";
		case MG_DB_STATE_MISCONFIGURED: return "misconfigured (see syslog)";
		default: return "not asked yet by this process";
	}
}

int mg_db_libpq_version(void)
{
	return mg_pq_loaded() ? PQlibVersion() : 0;
}

/* Whether one element of the host list is a name (a lookup, which no
 * deadline bounds) rather than a socket directory or an address. */
static bool mg_db_is_host_name(const char *h, size_t len)
{
	char buf[64];
	unsigned char addr[sizeof(struct in6_addr)];

	if (len == 0 || h[0] == '/' || h[0] == '@') {
		return false;       /* the default, a socket directory, an abstract socket */
	}
	if (len >= sizeof(buf)) {
		return true;
	}
	memcpy(buf, h, len);
	buf[len] = '\0';
	return inet_pton(AF_INET, buf, addr) != 1 && inet_pton(AF_INET6, buf, addr) != 1;
}

static bool mg_db_host_list_names_host(const char *host, const char *hostaddr);

/* The host-name rule on libpq's parse of the DSN. */
static bool mg_db_names_host(const PQconninfoOption *opts)
{
	const PQconninfoOption *o;
	const char *host = NULL, *hostaddr = NULL;

	for (o = opts; o->keyword != NULL; o++) {
		if (strcmp(o->keyword, "host") == 0) {
			host = o->val;
		} else if (strcmp(o->keyword, "hostaddr") == 0) {
			hostaddr = o->val;
		}
	}
	return mg_db_host_list_names_host(host, hostaddr);
}

/* libpq connects to hostaddr when it is given and looks up nothing;
 * otherwise every element of host that is not a socket directory or an
 * address is resolved with a blocking getaddrinfo(). */
static bool mg_db_host_list_names_host(const char *host, const char *hostaddr)
{
	const char *p = host;

	if ((hostaddr != NULL && hostaddr[0] != '\0') || host == NULL) {
		return false;
	}
	for (;;) {
		size_t len = strcspn(p, ",");

		if (mg_db_is_host_name(p, len)) {
			return true;
		}
		if (p[len] == '\0') {
			return false;
		}
		p += len + 1;
	}
}

/* At startup, without libpq (the process that starts PHP must not map it,
 * see pq.h): the keyword=value form's syntax as libpq reads it (keywords,
 * '=', values bare or single-quoted, backslash escapes) and the host-name
 * rule. Unknown keywords and the URI form are left to libpq's own parse at
 * the first connection, which reports them the same way. */
mg_dsn_problem mg_db_dsn_precheck(void)
{
	const char *p = MG_G(dsn);
	char host[1024], hostaddr[256];
	bool have_host = false;

	host[0] = hostaddr[0] = '\0';
	if (strncmp(p, "postgresql://", 13) == 0 || strncmp(p, "postgres://", 11) == 0) {
		return MG_DSN_OK;
	}
	for (;;) {
		const char *kw;
		size_t kw_len, n = 0;
		char *dst = NULL;
		size_t dst_size = 0;

		while (isspace((unsigned char) *p)) {
			p++;
		}
		if (*p == '\0') {
			break;
		}
		kw = p;
		while (*p != '\0' && *p != '=' && !isspace((unsigned char) *p)) {
			p++;
		}
		kw_len = (size_t) (p - kw);
		while (isspace((unsigned char) *p)) {
			p++;
		}
		if (*p != '=' || kw_len == 0) {
			return MG_DSN_UNPARSABLE;
		}
		p++;
		while (isspace((unsigned char) *p)) {
			p++;
		}
		if (kw_len == 4 && strncmp(kw, "host", 4) == 0) {
			dst = host;
			dst_size = sizeof(host);
			have_host = true;
		} else if (kw_len == 8 && strncmp(kw, "hostaddr", 8) == 0) {
			dst = hostaddr;
			dst_size = sizeof(hostaddr);
		}
		if (*p == '\'') {
			for (p++; *p != '\''; p++) {
				if (*p == '\\') {
					p++;
				}
				if (*p == '\0') {
					return MG_DSN_UNPARSABLE;     /* unterminated quoted value */
				}
				if (dst != NULL && n + 1 < dst_size) {
					dst[n++] = *p;
				}
			}
			p++;
		} else {
			for (; *p != '\0' && !isspace((unsigned char) *p); p++) {
				if (*p == '\\' && p[1] != '\0') {
					p++;
				}
				if (dst != NULL && n + 1 < dst_size) {
					dst[n++] = *p;
				}
			}
		}
		if (dst != NULL) {
			dst[n] = '\0';
		}
	}
	return have_host && mg_db_host_list_names_host(host, hostaddr) ? MG_DSN_HOST_NAME : MG_DSN_OK;
}
/* }}} */
