/*
  +----------------------------------------------------------------------+
  | mailguard: per-account mail accounting for shared PHP hosting        |
  +----------------------------------------------------------------------+
  | This source file is subject to the MIT license that is bundled with  |
  | this package in the file LICENSE.                                    |
  +----------------------------------------------------------------------+
*/

/* Every line mailguard writes to syslog is produced here. */

#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_smart_str.h"
#include "php_mailguard.h"
#include "report.h"
#include "log.h"

#include <syslog.h>

/* Room for the syslog header "<PRI>Mmm dd hh:mm:ss mailguard[pid]: ". */
#define MG_LOG_HEADER_ROOM 64

/* A line under construction: each field's end is remembered, so an
 * over-long line can be cut between fields rather than inside a quoted
 * value. */
typedef struct {
	smart_str s;
	size_t ends[32];
	int n;
	size_t cap;             /* bytes per value: mailguard.log_field_max */
} mg_line;

static bool mg_report_enabled(void)
{
	return MG_G(syslog) && MG_G(syslog_socket) != NULL && MG_G(syslog_socket)[0] != '\0';
}

static void mg_line_mark(mg_line *l)
{
	if (l->n < (int) (sizeof(l->ends) / sizeof(l->ends[0]))) {
		l->ends[l->n++] = l->s.s ? ZSTR_LEN(l->s.s) : 0;
	}
}

static void mg_line_kv(mg_line *l, const char *key, const char *val, size_t len)
{
	mg_log_kv(&l->s, key, val, len, l->cap);
	mg_line_mark(l);
}

static void mg_line_str(mg_line *l, const char *key, const char *val)
{
	mg_line_kv(l, key, val, val != NULL ? strlen(val) : 0);
}

static void mg_line_smart(mg_line *l, const char *key, const smart_str *v)
{
	mg_line_kv(l, key, v->s != NULL ? ZSTR_VAL(v->s) : NULL, v->s != NULL ? ZSTR_LEN(v->s) : 0);
}

static void mg_line_long(mg_line *l, const char *key, zend_long v)
{
	mg_log_kv_long(&l->s, key, v);
	mg_line_mark(l);
}

/* Cuts the line to the cap (whole fields only, then " cut=1"), says how
 * many earlier lines the socket did not take (" dropped=N", kept whatever
 * the cut), sends it, and frees it. A line that is not taken either
 * (receiver's queue full, no socket) is counted for the next one. */
static void mg_line_send(mg_line *l, int severity)
{
	size_t budget = (size_t) MG_G(syslog_max_length) - MG_LOG_HEADER_ROOM;
	zend_ulong dropped = MG_G(report).dropped;
	char tail[48];
	size_t tail_len = 0;

	if (dropped > 0) {
		tail_len = (size_t) snprintf(tail, sizeof(tail), " dropped=" ZEND_ULONG_FMT, dropped);
		budget = budget > tail_len ? budget - tail_len : 0;
	}
	if (l->s.s != NULL && ZSTR_LEN(l->s.s) > budget) {
		size_t keep = 0;
		int i;

		for (i = 0; i < l->n && l->ends[i] + sizeof(" cut=1") - 1 <= budget; i++) {
			keep = l->ends[i];
		}
		ZSTR_LEN(l->s.s) = keep;
		smart_str_appendl(&l->s, " cut=1", sizeof(" cut=1") - 1);
	}
	if (tail_len > 0) {
		smart_str_appendl(&l->s, tail, tail_len);
	}
	smart_str_0(&l->s);
	if (mg_log_send(MG_G(syslog_socket), MG_G(facility), severity,
			ZSTR_VAL(l->s.s), ZSTR_LEN(l->s.s), (size_t) MG_G(syslog_max_length)) == 0) {
		MG_G(report).dropped -= dropped;
	} else {
		MG_G(report).dropped++;
		MG_G(report).dropped_total++;
	}
	smart_str_free(&l->s);
}

zend_ulong mg_report_dropped(void)
{
	return MG_G(report).dropped_total;
}

void mg_report_mail(const mg_call *c, const mg_origin *o, const mg_facts *f, const mg_verdict *v,
		const char *verdict, const char *result)
{
	mg_line l;
	char where[32];
	zend_string *script;

	if (!mg_report_enabled()) {
		return;
	}
	memset(&l, 0, sizeof(l));
	l.cap = (size_t) MG_G(log_field_max);
	snprintf(where, sizeof(where), ":%u", o->line);
	script = zend_string_concat2(o->script, strlen(o->script), where, strlen(where));

	/* Short, fixed facts first and the customer's header values last, so a
	 * cut at the line cap loses the least useful part. */
	mg_line_str(&l, "verdict", verdict);
	if (v->reason != NULL) {
		mg_line_str(&l, "reason", v->reason);
	}
	if (result != NULL) {
		mg_line_str(&l, "result", result);
	}
	if (v->asked) {
		if (v->db.verdict == MG_DB_ACCEPT) {
			mg_line_str(&l, "trace", v->db.trace);
		} else if (v->db.verdict == MG_DB_REFUSE && v->db.detail[0] != '\0') {
			mg_line_str(&l, "detail", v->db.detail);
		} else if (v->db.verdict == MG_DB_UNAVAILABLE) {
			mg_line_str(&l, "db", v->db.error);
		}
	}
	mg_line_str(&l, "fn", c->function);
	mg_line_kv(&l, "account", ZSTR_VAL(o->account), ZSTR_LEN(o->account));
	mg_line_long(&l, "uid", o->uid);
	mg_line_long(&l, "owner", o->owner);
	mg_line_long(&l, "rcpts", (zend_long) f->rcpts);
	if (f->capped) {
		/* rcpts is an upper bound: the block was not counted whole */
		mg_line_str(&l, "capped", "1");
	}
	mg_line_kv(&l, "script", ZSTR_VAL(script), ZSTR_LEN(script));
	mg_line_str(&l, "entry", o->entry);
	mg_line_str(&l, "vhost", o->vhost);
	mg_line_str(&l, "client", o->client);
	mg_line_str(&l, "host", o->host);
	mg_line_str(&l, "sapi", o->sapi);
	mg_line_long(&l, "pid", o->pid);
	if (c->params != NULL && c->params_len > 0) {
		mg_line_kv(&l, "params", c->params, c->params_len);
	}
	if (v->envelope != NULL) {
		mg_line_str(&l, "envelope", v->envelope);
	}
	mg_line_smart(&l, "from", &f->from);
	mg_line_smart(&l, "to", &f->to);
	mg_line_smart(&l, "cc", &f->cc);
	mg_line_smart(&l, "bcc", &f->bcc);
	mg_line_smart(&l, "subject", &f->subject);

	mg_line_send(&l, strcmp(verdict, "accept") == 0 ? LOG_INFO : LOG_WARNING);
	zend_string_release(script);
}

void mg_report_db_event(const char *error, const char *detail)
{
	mg_line l;

	if (!mg_report_enabled()) {
		return;
	}
	memset(&l, 0, sizeof(l));
	l.cap = 0;
	mg_line_kv(&l, "event", ZEND_STRL("database"));
	mg_line_str(&l, "error", error);
	if (detail != NULL) {
		/* libpq's messages end in a newline and may span lines */
		size_t len = strlen(detail);

		while (len > 0 && (detail[len - 1] == '\n' || detail[len - 1] == ' ')) {
			len--;
		}
		l.cap = (size_t) MG_G(log_field_max) * 2;
		mg_line_kv(&l, "detail", detail, len);
	}
	mg_line_long(&l, "pid", (zend_long) getpid());
	mg_line_send(&l, LOG_ERR);
}
