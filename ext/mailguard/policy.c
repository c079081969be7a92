/*
  +----------------------------------------------------------------------+
  | mailguard: per-account mail accounting for shared PHP hosting        |
  +----------------------------------------------------------------------+
  | This source file is subject to the MIT license that is bundled with  |
  | this package in the file LICENSE.                                    |
  +----------------------------------------------------------------------+
*/

/* The verdict on one mail: mailguard's own checks first (they need no
 * database), then the database's answer, then, when the database has
 * none, the fail mode and the emergency cap. */

#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "php_mailguard.h"
#include "policy.h"
#include "params.h"

const char *mg_policy_refusal_text(const char *reason)
{
	static const struct { const char *reason, *text; } texts[] = {
		{ "forged-stamp", "the additional headers must not contain " MG_STAMP_HEADER },
		{ "forged-trace", "the additional headers must not contain " MG_TRACE_HEADER },
		{ "params-refused", "additional parameters not allowed" },
		{ "headers-too-large", "headers too large" },
		{ "malformed-headers", "malformed additional headers" },
		{ "over-quota", "over quota" },
		{ "blocked", "account blocked" },
		{ "too-many-recipients", "too many recipients" },
		{ "unknown-account", "unknown account" },
		{ "db-unavailable", "service unavailable" },
		{ "busy", "service unavailable" },
		{ "db-misconfigured", "service unavailable" },
		{ "late", "service unavailable" },
	};
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		if (strcmp(reason, texts[i].reason) == 0) {
			return texts[i].text;
		}
	}
	return "account not permitted to send mail";
}

static bool mg_breaks_stamp(const mg_call *c)
{
	size_t len = c->headers_len;

	switch (c->check) {
		case MG_CHECK_CORE:
			return mg_headers_refused_by_core(c->headers, len);
		case MG_CHECK_TRIMMED:
			/* mbstring adds its own line end after the user's headers. */
			while (len > 0 && isspace((unsigned char) c->headers[len - 1])) {
				len--;
			}
			return mg_headers_refused_by_core(c->headers, len);
		case MG_CHECK_LEADING:
			return len > 0 && (c->headers[0] == ' ' || c->headers[0] == '\t');
	}
	return true;
}

/* mailguard's own checks: what no database answer can make right. */
static mg_decision mg_policy_own(const mg_call *c, const mg_facts *f, const char **reason)
{
	*reason = NULL;
	if (f->has_trace) {
		/* Only mailguard writes the trace id: a script's own would point
		 * an abuse desk at somebody else's log row. */
		*reason = "forged-trace";
		return MG_REFUSE;
	}
	if (c->params_refused) {
		/* Sendmail options or recipients the admin's policy does not
		 * allow in the fifth argument. */
		*reason = "params-refused";
		return MG_REFUSE;
	}
	if (f->capped && !MG_G(header_limit_count)) {
		/* Longer than mailguard.max_header_bytes: not counted at all. */
		*reason = "headers-too-large";
		return MG_REFUSE;
	}
	if (MG_G(max_rcpts) > 0 && f->rcpts > (size_t) MG_G(max_rcpts)) {
		*reason = "too-many-recipients";
		return MG_REFUSE;
	}
	if (f->malformed_lines > 0 && !(c->check == MG_CHECK_CORE && mg_breaks_stamp(c))) {
		/* A line that is neither a field nor a continuation (an empty
		 * line, "text without a colon"), from any argument written into
		 * the header block (error_log()'s destination, imap_mail()'s
		 * addresses and subject, the additional headers): the MTA ends
		 * the header section there, and the fields after it (the stamp,
		 * the trace, the Subject) become body text. Headers core refuses
		 * on its own are left to core, below. */
		*reason = "malformed-headers";
		return MG_REFUSE;
	}
	if (!MG_G(header)) {
		return MG_PASS_MAIL;
	}
	if (f->has_stamp) {
		/* A script that writes its own X-PHP-Originating-Script is trying
		 * to hide where a mail came from: refuse rather than guess which
		 * of the two a reader would trust. */
		*reason = "forged-stamp";
		return MG_REFUSE;
	}
	if (mg_breaks_stamp(c)) {
		/* Core refuses these headers on its own; with the stamp in front,
		 * a leading space would instead continue the stamp's line. Where
		 * core sees exactly these headers, let it refuse them with its own
		 * warning; otherwise refuse here. */
		*reason = "malformed-headers";
		return c->check == MG_CHECK_CORE ? MG_PASS_UNSTAMPED : MG_REFUSE;
	}
	return MG_PASS_MAIL;
}

/* Fail mode "open": the mail goes out unless this process has already sent
 * emergency_cap mails without the database in this clock hour. */
static bool mg_emergency_allows(void)
{
	zend_long hour = (zend_long) (time(NULL) / 3600);

	if (!MG_G(fail_open)) {
		return false;
	}
	if (MG_G(emergency).hour != hour) {
		MG_G(emergency).hour = hour;
		MG_G(emergency).count = 0;
	}
	if (MG_G(emergency).count >= MG_G(emergency_cap)) {
		return false;
	}
	MG_G(emergency).count++;
	return true;
}

void mg_policy_decide(const mg_call *c, const mg_origin *o, const mg_facts *f, mg_verdict *v)
{
	/* The From address the database may make the envelope sender: only
	 * from a single From field naming one plain mailbox. */
	char env_from[256];
	const char *a;
	size_t al;
	bool have_from;

	memset(v, 0, sizeof(*v));
	v->decision = mg_policy_own(c, f, &v->reason);
	if (v->decision != MG_PASS_MAIL || !mg_db_configured()) {
		return;
	}

	have_from = c->want_envelope && f->from_fields == 1
		&& mg_params_from_addr(f->from_raw, f->from_raw_len, &a, &al) && al < sizeof(env_from);
	if (have_from) {
		memcpy(env_from, a, al);
		env_from[al] = '\0';
	}
	mg_db_ask(c, o, f, have_from ? env_from : NULL, &v->db);
	v->asked = true;
	switch (v->db.verdict) {
		case MG_DB_ACCEPT:
			if (v->db.trace[0] != '\0') {
				v->trace = v->db.trace;
			}
			/* Checked again here: whatever the database says, only a
			 * plain addr-spec ever reaches the command line. */
			if (v->trace != NULL && c->want_envelope && v->db.envelope[0] != '\0'
					&& mg_params_addr_spec(v->db.envelope, strlen(v->db.envelope))) {
				v->envelope = v->db.envelope;
			}
			break;
		case MG_DB_REFUSE:
			v->decision = MG_REFUSE;
			v->reason = v->db.reason;
			break;
		case MG_DB_UNAVAILABLE:
			if (v->db.misconfigured && !MG_G(misconfig_fail_mode)) {
				/* A customer forgotten in pg_hba/pg_ident, a role or
				 * database that does not exist: not an outage to ride
				 * out unmetered. */
				v->decision = MG_REFUSE;
				v->reason = "db-misconfigured";
				break;
			}
			v->reason = "db-unavailable";
			if (!mg_emergency_allows()) {
				v->decision = MG_REFUSE;
			}
			break;
	}
}
