/*
  +----------------------------------------------------------------------+
  | mailguard-milter: the MTA-side companion of the mailguard extension  |
  +----------------------------------------------------------------------+
  | This source file is subject to the MIT license that is bundled with  |
  | this package in the file LICENSE.                                    |
  +----------------------------------------------------------------------+
*/

/* mailguard-milter: attributes, counts and logs mail that bypasses PHP's
 * mail() -- the sendmail command (Symfony Mailer, PHPMailer isSendmail(),
 * popen()) and SMTP from this host -- on the same policy as the
 * extension (docs/ARCHITECTURE.md, "The milter").
 *
 *   mailguard-milter [-c CONFIG] [-t]     -t: check the config and exit
 *
 * Per connection: the path (client port 0: the sendmail command; anything
 * else: SMTP) and, for SMTP, the uid owning the client's socket, decided
 * at connect. Per message: the envelope recipients, the headers, and at
 * end of message the sendmail path's uid from the queue file; then one
 * question to the database and one verdict, logged. */

#define _GNU_SOURCE
#include "conf.h"
#include "db.h"
#include "deadline.h"
#include "mgm.h"

#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <libmilter/mfapi.h>
#include <netinet/in.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#define MGM_TRACE_HDR "X-Mailguard-Trace"
#define MGM_ORIGIN_HDR "X-Mailguard-Origin"
/* Headers kept for the log's From/To/Cc/Bcc/Subject: the first 64 KiB. */
#define MGM_HDRS_MAX 65536

static mgm_conf conf;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

typedef enum { MGM_PATH_SENDMAIL, MGM_PATH_SMTP, MGM_PATH_REMOTE } mgm_path;

typedef struct {
	int nr;                 /* the MTA takes no reply to MAIL, RCPT and headers */
	mgm_path path;
	long uid;               /* SMTP: the client socket's owner; -1 unknown */
	char client[64];
	/* the current message */
	unsigned long rcpts;
	unsigned traces;        /* X-Mailguard-Trace fields it brought */
	int trace_ok;           /* exactly one, and a UUID */
	char trace[37];
	unsigned origins;       /* X-Mailguard-Origin fields it brought */
	char *hdrs;
	size_t hlen;
	int hcapped;
	/* where the time goes (log_timing): CLOCK_MONOTONIC microseconds at
	 * MAIL, the last RCPT, the first header, the end of message, after the
	 * uid lookup, the header scan and the database question */
	uint64_t t_mail, t_rcpt, t_hdr, t_eom, t_uid, t_scan, t_ask;
	long uid_us;            /* the uid lookup: at connect (SMTP), at end of message (sendmail) */
} mgm_conn;

/* {{{ the log */
static void mgm_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void mgm_log(int prio, const char *fmt, ...)
{
	char line[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (conf.log_stderr) {
		struct timeval tv;
		struct tm tm;
		char ts[32];

		gettimeofday(&tv, NULL);
		gmtime_r(&tv.tv_sec, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
		pthread_mutex_lock(&log_lock);
		fprintf(stderr, "%s.%03ldZ mailguard-milter[%ld]: %s\n", ts, (long) tv.tv_usec / 1000, (long) getpid(), line);
		fflush(stderr);
		pthread_mutex_unlock(&log_lock);
	} else {
		syslog(prio, "%s", line);
	}
}
/* }}} */

static void mgm_msg_reset(mgm_conn *c)
{
	c->rcpts = 0;
	c->traces = 0;
	c->trace_ok = 0;
	c->trace[0] = '\0';
	c->origins = 0;
	c->hlen = 0;
	c->hcapped = 0;
	c->t_mail = c->t_rcpt = c->t_hdr = c->t_eom = c->t_uid = c->t_scan = c->t_ask = 0;
}

static const char *mgm_via(const mgm_conn *c)
{
	return c->path == MGM_PATH_SENDMAIL ? "sendmail" : "smtp";
}

/* The session's state, made at the first callback (negotiate, or connect
 * when the MTA does not negotiate); NULL when out of memory. */
static mgm_conn *mgm_conn_get(SMFICTX *ctx)
{
	mgm_conn *c = smfi_getpriv(ctx);

	if (c != NULL) {
		return c;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		return NULL;
	}
	c->hdrs = malloc(MGM_HDRS_MAX);
	if (c->hdrs == NULL) {
		free(c);
		return NULL;
	}
	c->uid = -1;
	smfi_setpriv(ctx, c);
	return c;
}

/* {{{ negotiate: only what the milter uses, and as few round trips as the
 * MTA allows. The MTA then waits for the milter at connect (once per
 * session) and at the end of each message only: no HELO, DATA, end of
 * header, body or unknown command is sent, and MAIL, RCPT and each header
 * go without a reply (SMFIP_NR_*; libmilter answers for an MTA that
 * cannot do without). The milter asks for the macros it reads itself, so
 * that the MTA's milter_*_macros need not name them. */
static sfsistat mgm_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2, unsigned long f3,
	unsigned long *pf0, unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	const unsigned long skip = SMFIP_NOHELO | SMFIP_NODATA | SMFIP_NOEOH | SMFIP_NOBODY | SMFIP_NOUNKNOWN;
	const unsigned long noreply = SMFIP_NR_MAIL | SMFIP_NR_RCPT | SMFIP_NR_HDR;
	mgm_conn *c = mgm_conn_get(ctx);

	(void) f2;
	(void) f3;
	if (c == NULL || (f0 & (SMFIF_ADDHDRS | SMFIF_CHGHDRS)) != (SMFIF_ADDHDRS | SMFIF_CHGHDRS)) {
		return SMFIS_REJECT;   /* libmilter: this MTA cannot run the milter; ends the session */
	}
	*pf0 = SMFIF_ADDHDRS | SMFIF_CHGHDRS;
	*pf1 = f1 & skip;
	c->nr = (f1 & noreply) == noreply;
	if (c->nr) {
		*pf1 |= noreply;
	}
	*pf2 = 0;
	*pf3 = 0;
	if (f0 & SMFIF_SETSYMLIST) {
		*pf0 |= SMFIF_SETSYMLIST;
		if (smfi_setsymlist(ctx, SMFIM_CONNECT, "{daemon_addr} {daemon_port}") != MI_SUCCESS
				|| smfi_setsymlist(ctx, SMFIM_EOM, "i j") != MI_SUCCESS) {
			*pf0 &= ~(unsigned long) SMFIF_SETSYMLIST;
		}
	}
	return SMFIS_CONTINUE;
}
/* }}} */

/* {{{ connect: the path and, for SMTP, the client socket's owner */
static sfsistat mgm_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *sa)
{
	mgm_conn *c = mgm_conn_get(ctx);
	mgm_endpoint client, server;
	const char *daddr, *dport, *why = NULL;
	unsigned port = 0;
	uid_t uid;
	uint64_t t0;
	int rc;

	(void) hostname;
	if (c == NULL) {
		return SMFIS_TEMPFAIL;
	}
	c->uid = -1;
	memset(&client, 0, sizeof(client));
	if (sa != NULL && sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *) sa;

		client.family = AF_INET;
		memcpy(client.addr, &in->sin_addr, 4);
		port = ntohs(in->sin_port);
	} else if (sa != NULL && sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *) sa;

		client.family = AF_INET6;
		memcpy(client.addr, &in6->sin6_addr, 16);
		port = ntohs(in6->sin6_port);
	}
	client.port = port;
	if (client.family != 0) {
		inet_ntop(client.family, client.addr, c->client, sizeof(c->client));
	} else {
		strcpy(c->client, "unknown");
	}
	/* Port 0, a port no TCP client has: Postfix's non-SMTP path (the
	 * sendmail command, postdrop, pickup). The uid comes at end of
	 * message, from the queue file. */
	if (port == 0) {
		c->path = MGM_PATH_SENDMAIL;
		return SMFIS_CONTINUE;
	}
	c->path = MGM_PATH_SMTP;
	daddr = smfi_getsymval(ctx, "{daemon_addr}");
	dport = smfi_getsymval(ctx, "{daemon_port}");
	memset(&server, 0, sizeof(server));
	if (daddr != NULL) {
		(void) mgm_endpoint_parse(daddr, dport != NULL ? (unsigned) strtoul(dport, NULL, 10) : 0, &server);
	}
	t0 = mg_clock_us();
	if (client.family != 0 && ((rc = mgm_socket_uid_diag(&client, &server, &uid, &why)) == 0
			|| (rc == -2 && mgm_socket_uid("/proc/net/tcp", "/proc/net/tcp6", &client, &server, &uid, &why) == 0))) {
		c->uid = (long) uid;
		c->uid_us = (long) (mg_clock_us() - t0);
		/* A client outside the customer ranges (root, daemons): its whole
		 * session passes (decided here, where the MTA waits anyway, so that
		 * MAIL need not be answered). */
		if (!mgm_conf_customer(&conf, (unsigned long) uid)) {
			mgm_log(LOG_INFO, "verdict=pass via=smtp uid=%ld client=%s reason=not-a-customer-uid", c->uid, c->client);
			return SMFIS_ACCEPT;
		}
		return SMFIS_CONTINUE;
	}
	/* No local socket has this 4-tuple: a client on another host is not
	 * ours to count. From loopback it must be local: fail closed. */
	if (client.family != 0 && !((client.family == AF_INET && client.addr[0] == 127)
			|| (client.family == AF_INET6 && memcmp(client.addr, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16) == 0)
			|| (client.family == AF_INET6 && memcmp(client.addr, "\0\0\0\0\0\0\0\0\0\0\xff\xff\x7f", 13) == 0))) {
		c->path = MGM_PATH_REMOTE;
		return SMFIS_ACCEPT;
	}
	mgm_log(LOG_WARNING, "verdict=tempfail via=smtp client=%s:%u reason=unknown-uid detail=%s",
		c->client, port, why != NULL ? why : "no-address");
	smfi_setreply(ctx, "421", "4.7.0", "mailguard: cannot tell which local user is connecting");
	return SMFIS_TEMPFAIL;
}
/* }}} */

static sfsistat mgm_envfrom(SMFICTX *ctx, char **argv)
{
	mgm_conn *c = smfi_getpriv(ctx);

	(void) argv;
	if (c == NULL) {
		return SMFIS_TEMPFAIL;
	}
	mgm_msg_reset(c);
	c->t_mail = mg_clock_us();
	return c->nr ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

static sfsistat mgm_envrcpt(SMFICTX *ctx, char **argv)
{
	mgm_conn *c = smfi_getpriv(ctx);

	(void) argv;
	if (c == NULL) {
		return SMFIS_TEMPFAIL;
	}
	if (c->rcpts < 0xffffffffUL) {
		c->rcpts++;
	}
	c->t_rcpt = mg_clock_us();
	return c->nr ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

static sfsistat mgm_header(SMFICTX *ctx, char *name, char *value)
{
	mgm_conn *c = smfi_getpriv(ctx);
	size_t nl, vl;

	if (c == NULL) {
		return SMFIS_TEMPFAIL;
	}
	if (c->t_hdr == 0) {
		c->t_hdr = mg_clock_us();
	}
	if (name == NULL || value == NULL) {
		return c->nr ? SMFIS_NOREPLY : SMFIS_CONTINUE;
	}
	if (strcasecmp(name, MGM_TRACE_HDR) == 0) {
		c->traces++;
		c->trace_ok = c->traces == 1 && mgm_trace_parse(value, strlen(value), c->trace) == 0;
	} else if (strcasecmp(name, MGM_ORIGIN_HDR) == 0) {
		c->origins++;
	}
	/* "Name: value\n" for the scanner; what does not fit is left out of
	 * the log's fields only. */
	nl = strlen(name);
	vl = strlen(value);
	if (!c->hcapped && nl + vl + 3 <= MGM_HDRS_MAX - c->hlen) {
		memcpy(c->hdrs + c->hlen, name, nl);
		c->hlen += nl;
		c->hdrs[c->hlen++] = ':';
		c->hdrs[c->hlen++] = ' ';
		memcpy(c->hdrs + c->hlen, value, vl);
		c->hlen += vl;
		c->hdrs[c->hlen++] = '\n';
	} else {
		c->hcapped = 1;
	}
	return c->nr ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* Removes every field `name` the message brought (indexes count from 1
 * among the fields of that name; from the last, so none moves). */
static void mgm_remove(SMFICTX *ctx, const char *name, unsigned n)
{
	while (n > 0) {
		smfi_chgheader(ctx, (char *) name, (int) n, NULL);
		n--;
	}
}

static void mgm_origin(SMFICTX *ctx, mgm_conn *c, long uid)
{
	char v[128];

	mgm_remove(ctx, MGM_ORIGIN_HDR, c->origins);
	snprintf(v, sizeof(v), "uid=%ld; via=%s", uid, mgm_via(c));
	smfi_addheader(ctx, MGM_ORIGIN_HDR, v);
}

static const char *mgm_reply_text(const char *reason)
{
	if (strcmp(reason, "over-quota") == 0) {
		return "mailguard: over quota";
	}
	if (strcmp(reason, "blocked") == 0) {
		return "mailguard: account blocked";
	}
	if (strcmp(reason, "too-many-recipients") == 0) {
		return "mailguard: too many recipients";
	}
	if (strcmp(reason, "unknown-uid") == 0 || strcmp(reason, "unknown-account") == 0) {
		return "mailguard: unknown account";
	}
	return "mailguard: refused";
}

/* " timing=..." for the verdict line when log_timing is on, else "":
 * microseconds. rcpt, hdr, eom: when the last RCPT, the first header and
 * the end of message arrived, counted from MAIL; uid: the uid lookup;
 * scan: the header scan; wait, connect, db: the database question (a free
 * connection, opening one, the round trip with its commit); edits: the
 * header changes sent to the MTA; total: end of message to its reply; at:
 * MAIL on CLOCK_MONOTONIC, to line these up with other processes' clocks. */
static const char *mgm_timing(const mgm_conn *c, const mgm_answer *a, char *buf, size_t size)
{
	uint64_t now;

	buf[0] = '\0';
	if (!conf.log_timing) {
		return buf;
	}
	now = mg_clock_us();
#define MGM_SINCE(t, from) ((t) != 0 && (from) != 0 ? (long) ((t) - (from)) : -1L)
	snprintf(buf, size, " timing=rcpt:%ld,hdr:%ld,eom:%ld,uid:%ld,scan:%ld,wait:%ld,connect:%ld,db:%ld,edits:%ld,total:%ld,at:%llu",
		MGM_SINCE(c->t_rcpt, c->t_mail), MGM_SINCE(c->t_hdr, c->t_mail), MGM_SINCE(c->t_eom, c->t_mail),
		c->uid_us, MGM_SINCE(c->t_scan, c->t_uid), a->wait_us, a->connect_us, a->query_us,
		MGM_SINCE(now, c->t_ask), MGM_SINCE(now, c->t_eom), (unsigned long long) c->t_mail);
#undef MGM_SINCE
	return buf;
}

/* {{{ end of message: the uid, the question, the verdict */
static sfsistat mgm_eom(SMFICTX *ctx)
{
	mgm_conn *c = smfi_getpriv(ctx);
	const char *qid, *host, *why = NULL;
	mgm_question q;
	mgm_answer a;
	mgm_facts facts;
	char tm[256];
	long uid;
	long ms;

	if (c == NULL) {
		return SMFIS_TEMPFAIL;
	}
	c->t_eom = mg_clock_us();
	qid = smfi_getsymval(ctx, "i");
	if (qid == NULL) {
		qid = "";
	}
	uid = c->uid;
	if (c->path == MGM_PATH_SENDMAIL) {
		host = conf.myhostname[0] != '\0' ? conf.myhostname : smfi_getsymval(ctx, "j");
		uid = mgm_queue_uid(conf.queue_directory, qid, host, conf.mail_name, &why);
		c->uid_us = (long) (mg_clock_us() - c->t_eom);
		if (uid < 0) {
			mgm_log(LOG_WARNING, "verdict=tempfail via=sendmail queue_id=%s reason=unknown-uid detail=%s", qid, why);
			smfi_setreply(ctx, "451", "4.7.0", "mailguard: cannot tell which local user submitted this");
			return SMFIS_TEMPFAIL;
		}
		if (!mgm_conf_customer(&conf, (unsigned long) uid)) {
			mgm_log(LOG_INFO, "verdict=pass via=sendmail uid=%ld queue_id=%s reason=not-a-customer-uid", uid, qid);
			return SMFIS_CONTINUE;
		}
	}

	c->t_uid = mg_clock_us();
	mgm_facts_scan(c->hdrs, c->hlen, &facts);
	c->t_scan = mg_clock_us();
	memset(&q, 0, sizeof(q));
	q.uid = uid;
	q.via = mgm_via(c);
	q.rcpts = c->rcpts;
	q.trace = c->trace_ok ? c->trace : NULL;
	q.queue_id = qid;
	q.facts = &facts;
	mgm_db_ask(&q, &a);
	c->t_ask = mg_clock_us();
	ms = (long) ((c->t_ask - c->t_scan) / 1000);

	switch (a.verdict) {
	case MGM_DB_CLAIMED:
		/* counted when mail() was called: pass, uncounted */
		mgm_origin(ctx, c, uid);
		mgm_log(LOG_INFO, "verdict=accept via=%s uid=%ld account=%s queue_id=%s rcpts=%lu trace=%s claimed=yes ms=%ld%s",
			q.via, uid, a.account, qid, c->rcpts, a.trace, ms, mgm_timing(c, &a, tm, sizeof(tm)));
		return SMFIS_CONTINUE;
	case MGM_DB_ACCEPT:
		mgm_remove(ctx, MGM_TRACE_HDR, c->traces);
		smfi_addheader(ctx, MGM_TRACE_HDR, a.trace);
		mgm_origin(ctx, c, uid);
		mgm_log(LOG_INFO, "verdict=accept via=%s uid=%ld account=%s queue_id=%s rcpts=%lu trace=%s%s ms=%ld%s",
			q.via, uid, a.account, qid, c->rcpts, a.trace,
			c->traces > 0 ? " claimed=no" : "", ms, mgm_timing(c, &a, tm, sizeof(tm)));
		return SMFIS_CONTINUE;
	case MGM_DB_REFUSE:
		mgm_log(LOG_NOTICE, "verdict=refuse via=%s uid=%ld account=%s queue_id=%s rcpts=%lu reason=%s%s%s trace=%s ms=%ld%s",
			q.via, uid, a.account[0] != '\0' ? a.account : "-", qid, c->rcpts, a.reason,
			a.detail[0] != '\0' ? ":" : "", a.detail, a.trace, ms, mgm_timing(c, &a, tm, sizeof(tm)));
		smfi_setreply(ctx, "550", "5.7.1", (char *) mgm_reply_text(a.reason));
		return SMFIS_REJECT;
	case MGM_DB_UNAVAILABLE:
	default:
		break;
	}
	switch (conf.fail_mode) {
	case MGM_FAIL_ACCEPT:
		mgm_remove(ctx, MGM_TRACE_HDR, c->traces);
		mgm_origin(ctx, c, uid);
		mgm_log(LOG_WARNING, "verdict=accept via=%s uid=%ld queue_id=%s rcpts=%lu reason=db-unavailable fail_mode=accept error=\"%s\" ms=%ld%s",
			q.via, uid, qid, c->rcpts, a.error, ms, mgm_timing(c, &a, tm, sizeof(tm)));
		return SMFIS_CONTINUE;
	case MGM_FAIL_REJECT:
		mgm_log(LOG_WARNING, "verdict=refuse via=%s uid=%ld queue_id=%s rcpts=%lu reason=db-unavailable fail_mode=reject error=\"%s\" ms=%ld%s",
			q.via, uid, qid, c->rcpts, a.error, ms, mgm_timing(c, &a, tm, sizeof(tm)));
		smfi_setreply(ctx, "550", "5.7.1", "mailguard: policy unavailable");
		return SMFIS_REJECT;
	case MGM_FAIL_TEMPFAIL:
	default:
		mgm_log(LOG_WARNING, "verdict=tempfail via=%s uid=%ld queue_id=%s rcpts=%lu reason=db-unavailable error=\"%s\" ms=%ld%s",
			q.via, uid, qid, c->rcpts, a.error, ms, mgm_timing(c, &a, tm, sizeof(tm)));
		smfi_setreply(ctx, "451", "4.3.0", "mailguard: policy database unavailable, try again later");
		return SMFIS_TEMPFAIL;
	}
}
/* }}} */

static sfsistat mgm_abort(SMFICTX *ctx)
{
	mgm_conn *c = smfi_getpriv(ctx);

	if (c != NULL) {
		mgm_msg_reset(c);
	}
	return SMFIS_CONTINUE;
}

static sfsistat mgm_close(SMFICTX *ctx)
{
	mgm_conn *c = smfi_getpriv(ctx);

	if (c != NULL) {
		free(c->hdrs);
		free(c);
		smfi_setpriv(ctx, NULL);
	}
	return SMFIS_CONTINUE;
}

static struct smfiDesc mgm_desc = {
	"mailguard-milter",
	SMFI_VERSION,
	SMFIF_ADDHDRS | SMFIF_CHGHDRS,
	mgm_connect,
	NULL,           /* helo: never trusted */
	mgm_envfrom,
	mgm_envrcpt,
	mgm_header,
	NULL,           /* eoh */
	NULL,           /* body: not asked for */
	mgm_eom,
	mgm_abort,
	mgm_close,
	NULL,           /* unknown */
	NULL,           /* data */
	mgm_negotiate
};

/* The socket's path for a unix: (local:) socket, else NULL. */
static const char *mgm_socket_path(const char *s)
{
	if (strncmp(s, "unix:", 5) == 0) {
		return s + 5;
	}
	if (strncmp(s, "local:", 6) == 0) {
		return s + 6;
	}
	return s[0] == '/' ? s : NULL;
}

int main(int argc, char **argv)
{
	const char *path = "/etc/mailguard/milter.conf";
	char err[1024];
	int check_only = 0, opt;
	struct passwd *pw = NULL;
	const char *sock;

	while ((opt = getopt(argc, argv, "c:th")) != -1) {
		switch (opt) {
		case 'c': path = optarg; break;
		case 't': check_only = 1; break;
		default:
			fprintf(stderr, "usage: mailguard-milter [-c CONFIG] [-t]\n");
			return opt == 'h' ? 0 : 2;
		}
	}
	if (mgm_conf_load(path, &conf, err, sizeof(err)) != 0) {
		fprintf(stderr, "mailguard-milter: %s\n", err);
		return 1;
	}
	if (conf.user[0] != '\0') {
		pw = getpwnam(conf.user);
		if (pw == NULL) {
			fprintf(stderr, "mailguard-milter: no user %s\n", conf.user);
			return 1;
		}
	}
	if (check_only) {
		printf("mailguard-milter: %s is valid\n", path);
		return 0;
	}
	if (!conf.log_stderr) {
		openlog("mailguard-milter", LOG_PID, LOG_MAIL);
	}
	signal(SIGPIPE, SIG_IGN);
	mgm_db_init(conf.dsn, conf.deadline_ms, conf.retry_ms, conf.db_connections, conf.sync_commit);
	if (smfi_setconn(conf.socket) == MI_FAILURE || smfi_register(mgm_desc) == MI_FAILURE
			|| smfi_settimeout(conf.milter_timeout) == MI_FAILURE) {
		fprintf(stderr, "mailguard-milter: cannot set up libmilter\n");
		return 1;
	}
	if (smfi_opensocket(1) == MI_FAILURE) {
		fprintf(stderr, "mailguard-milter: cannot open %s\n", conf.socket);
		return 1;
	}
	sock = mgm_socket_path(conf.socket);
	if (pw != NULL) {
		/* The MTA (the same user) connects to the socket; the queue files
		 * are that user's too. */
		if (sock != NULL && (chown(sock, pw->pw_uid, pw->pw_gid) != 0 || chmod(sock, 0660) != 0)) {
			fprintf(stderr, "mailguard-milter: %s: %s\n", sock, strerror(errno));
			return 1;
		}
		if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
			fprintf(stderr, "mailguard-milter: cannot become %s: %s\n", conf.user, strerror(errno));
			return 1;
		}
	}
	mgm_log(LOG_INFO, "starting: socket=%s fail_mode=%s deadline_ms=%d db_connections=%d synchronous_commit=%s",
		conf.socket, conf.fail_mode == MGM_FAIL_ACCEPT ? "accept" : conf.fail_mode == MGM_FAIL_REJECT ? "reject" : "tempfail",
		conf.deadline_ms, conf.db_connections, conf.sync_commit ? "on" : "off");
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}
