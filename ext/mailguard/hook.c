/*
  +----------------------------------------------------------------------+
  | mailguard: per-account mail accounting for shared PHP hosting        |
  +----------------------------------------------------------------------+
  | This source file is subject to the MIT license that is bundled with  |
  | this package in the file LICENSE.                                    |
  +----------------------------------------------------------------------+
*/

/* The data path of one mail: hook -> origin -> headers -> verdict ->
 * PHP's original handler -> syslog.
 *
 * Each hook parses its arguments with exactly the specification the
 * original uses, in the same call frame, so every TypeError, ValueError and
 * deprecation is PHP's own, whatever way the function was called. Coerced
 * string arguments are converted in place by the engine, so when the
 * original handler runs on the same frame its own parse has no side effect
 * left to repeat. */

#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "php_globals.h"
#include "ext/standard/php_mail.h"
#include "ext/standard/php_string.h"
#include "zend_smart_str.h"
#include "php_mailguard.h"
#include "call.h"
#include "hook.h"
#include "origin.h"
#include "headers.h"
#include "policy.h"
#include "report.h"
#include "store.h"
#include "params.h"

/* {{{ the hook table */
static ZEND_NAMED_FUNCTION(mg_mail);
static ZEND_NAMED_FUNCTION(mg_mb_send_mail);
static ZEND_NAMED_FUNCTION(mg_error_log);
static ZEND_NAMED_FUNCTION(mg_imap_mail);

typedef struct {
	const char *name;
	size_t name_len;
	zif_handler ours;
	zif_handler orig;       /* NULL while not hooked */
	zend_internal_function orig_fn; /* the function's record, with the original handler */
} mg_hook;

enum { MG_HOOK_MAIL, MG_HOOK_MB_SEND_MAIL, MG_HOOK_ERROR_LOG, MG_HOOK_IMAP_MAIL, MG_HOOK_COUNT };

static mg_hook mg_hooks[MG_HOOK_COUNT] = {
	{ ZEND_STRL("mail"), mg_mail, NULL },
	{ ZEND_STRL("mb_send_mail"), mg_mb_send_mail, NULL },
	{ ZEND_STRL("error_log"), mg_error_log, NULL },
	{ ZEND_STRL("imap_mail"), mg_imap_mail, NULL },
};

static char mg_hook_names[96];

/* The additional headers are argument 4 of every hooked function;
 * additional_params argument 5 of mail() and mb_send_mail(). */
#define MG_HEADERS_ARG 3
#define MG_PARAMS_ARG 4

#define MG_ORIG(id) (mg_hooks[id].orig)

void mg_hook_install(void)
{
	int i;

	mg_hook_names[0] = '\0';
	for (i = 0; i < MG_HOOK_COUNT; i++) {
		zend_function *fn = zend_hash_str_find_ptr(CG(function_table), mg_hooks[i].name, mg_hooks[i].name_len);

		if (fn == NULL || fn->type != ZEND_INTERNAL_FUNCTION) {
			continue;
		}
		/* Chain to whatever handler is installed now: another extension
		 * may have hooked the function before us. */
		mg_hooks[i].orig = fn->internal_function.handler;
		fn->internal_function.handler = mg_hooks[i].ours;
		/* A mail that needs extra header lines (the trace id; imap's
		 * stamp) is sent through a copy of the record that carries the
		 * original handler, with the rewritten headers argument. */
		mg_hooks[i].orig_fn = fn->internal_function;
		mg_hooks[i].orig_fn.handler = mg_hooks[i].orig;
		if (mg_hook_names[0] != '\0') {
			strlcat(mg_hook_names, ", ", sizeof(mg_hook_names));
		}
		strlcat(mg_hook_names, mg_hooks[i].name, sizeof(mg_hook_names));
	}
}

void mg_hook_restore(void)
{
	int i;

	for (i = 0; i < MG_HOOK_COUNT; i++) {
		zend_function *fn;

		if (mg_hooks[i].orig == NULL) {
			continue;
		}
		fn = zend_hash_str_find_ptr(CG(function_table), mg_hooks[i].name, mg_hooks[i].name_len);
		/* Only undo our own work: if someone hooked after us, their
		 * handler stays and still chains to ours, which stays valid
		 * until the module is unloaded. */
		if (fn != NULL && fn->type == ZEND_INTERNAL_FUNCTION
				&& fn->internal_function.handler == mg_hooks[i].ours) {
			fn->internal_function.handler = mg_hooks[i].orig;
		}
		mg_hooks[i].orig = NULL;
	}
	mg_hook_names[0] = '\0';
}

const char *mg_hook_list(void)
{
	return mg_hook_names[0] != '\0' ? mg_hook_names : "(none)";
}

void mg_hook_request_end(void)
{
	/* A bailout left a call unfinished: back to what the setting says now.
	 * In RSHUTDOWN that is the request's value (a .user.ini's, say); after
	 * the engine has put the startup values back (post deactivate, for a
	 * mail from a session save handler), the startup value. A value saved
	 * at the call would carry a directory's value into the next request. */
	if (MG_G(hook).depth > 0) {
		zend_ini_entry *e = zend_hash_str_find_ptr(EG(ini_directives), ZEND_STRL("mail.add_x_header"));

		PG(mail_x_header) = e != NULL && e->value != NULL && zend_ini_parse_bool(e->value);
		MG_G(hook).depth = 0;
	}
}
/* }}} */

/* {{{ building the header block the MTA will read */

/* Core replaces control characters in mail()'s to and subject with spaces
 * (keeping folds) and drops trailing whitespace; for counting and logging
 * a fold and a space are the same, so every control byte becomes a space. */
static void mg_block_append_clean(smart_str *s, const char *v, size_t len)
{
	size_t i;

	while (len > 0 && isspace((unsigned char) v[len - 1])) {
		len--;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char) v[i];
		smart_str_appendc(s, iscntrl(c) ? ' ' : (char) c);
	}
}

static void mg_block_field(smart_str *s, const char *name, const char *v, size_t len, bool clean)
{
	smart_str_appends(s, name);
	smart_str_appendl(s, ": ", 2);
	if (clean) {
		mg_block_append_clean(s, v, len);
	} else {
		smart_str_appendl(s, v, len);
	}
	smart_str_appendc(s, '\n');
}

static zend_string *mg_block_finish(smart_str *s, const char *headers, size_t headers_len)
{
	if (headers != NULL && headers_len > 0) {
		smart_str_appendl(s, headers, headers_len);
	}
	smart_str_0(s);
	return s->s != NULL ? s->s : ZSTR_EMPTY_ALLOC();
}
/* }}} */

/* A call with no fifth argument and nothing forced: each hook then fills
 * in what it has. Core joins header lines with CRLF unless
 * mail.mixed_lf_and_crlf asks for bare LF; lines mailguard adds use the
 * same. */
static void mg_call_init(mg_call *c, const char *function, int hook, mg_header_check check)
{
	memset(c, 0, sizeof(*c));
	c->function = function;
	c->hook = hook;
	c->check = check;
	c->eol = PG(mail_mixed_lf_and_crlf) ? "\n" : "\r\n";
}

/* {{{ one mail */

/* Calls the original with the additional headers argument replaced by
 * `extra` lines (if any) in front of the headers the script gave
 * (c->headers, in string form), and for mail()/mb_send_mail() with
 * `envelope` (if set) as the fifth argument, "-f<address>". The other
 * arguments are the frame's own, already parsed and converted by the
 * engine. */
static void mg_call_rewritten(const mg_call *c, const char *extra, size_t extra_len, const char *envelope,
		INTERNAL_FUNCTION_PARAMETERS)
{
	uint32_t n = ZEND_NUM_ARGS();
	uint32_t argc = MAX(n, envelope != NULL ? MG_PARAMS_ARG + 1 : MG_HEADERS_ARG + 1);
	uint32_t i;
	zval *params = safe_emalloc(argc, sizeof(zval), 0);
	zend_string *h = NULL;

	if (extra == NULL) {
		h = NULL;
	} else if (c->headers_len > 0) {
		h = zend_string_concat3(extra, extra_len, c->eol, strlen(c->eol), c->headers, c->headers_len);
	} else {
		h = zend_string_init(extra, extra_len, 0);
	}
	for (i = 0; i < argc; i++) {
		if (i == MG_HEADERS_ARG && h != NULL) {
			ZVAL_STR(&params[i], h);
		} else if (i == MG_PARAMS_ARG && envelope != NULL) {
			/* a strict addr-spec (checked by the caller): nothing for
			 * core's shell escaping to do */
			ZVAL_STR(&params[i], zend_string_concat2("-f", 2, envelope, strlen(envelope)));
		} else if (i == MG_HEADERS_ARG && i >= n) {
			ZVAL_EMPTY_STRING(&params[i]);  /* no headers given: none */
		} else if (i < n) {
			ZVAL_COPY(&params[i], ZEND_CALL_ARG(execute_data, i + 1));
		} else {
			ZVAL_NULL(&params[i]);      /* error_log()'s destination */
		}
	}
	zend_call_known_function((zend_function *) &mg_hooks[c->hook].orig_fn, NULL, NULL,
		return_value, argc, params, NULL);
	for (i = 0; i < argc; i++) {
		zval_ptr_dtor(&params[i]);
	}
	efree(params);
}

/* Hands the mail to the original handler: stamped (unless `stamp` is
 * false), with the trace header when `trace` is set, and with
 * "-f<envelope>" as the fifth argument when `envelope` is set. */
static void mg_send(const mg_call *c, bool stamp, const char *trace, const char *envelope, zif_handler orig,
		INTERNAL_FUNCTION_PARAMETERS)
{
	bool saved = PG(mail_x_header);
	smart_str extra = {0};
	/* Core's stamp names the owner of the entry script; where
	 * mailguard.stamp_uid names another uid, mailguard writes the stamp
	 * itself, in core's format and place, and core writes none. */
	bool own = c->own_stamp || (stamp && mg_origin_stamp_uid() != mg_origin_core_uid());

	if (own && stamp) {
		zend_string *v = mg_origin_stamp_value();
		smart_str_appends(&extra, MG_STAMP_HEADER ": ");
		smart_str_append(&extra, v);
		zend_string_release(v);
	}
	if (trace != NULL) {
		if (extra.s != NULL) {
			smart_str_appends(&extra, c->eol);
		}
		smart_str_appends(&extra, MG_TRACE_HEADER ": ");
		smart_str_appends(&extra, trace);
	}

	/* Core's own mail.add_x_header writes the stamp in core's format, once,
	 * at the front of the headers, for every path through php_mail().
	 * Forcing it for the length of this call is what makes the stamp
	 * impossible to switch off; the saved value is put back afterwards (and
	 * the setting's value in RSHUTDOWN after a bailout). */
	MG_G(hook).depth++;
	if (!c->own_stamp) {
		PG(mail_x_header) = stamp && !own;
	}
	if (extra.s == NULL && envelope == NULL) {
		orig(INTERNAL_FUNCTION_PARAM_PASSTHRU);
	} else {
		mg_call_rewritten(c, extra.s != NULL ? ZSTR_VAL(extra.s) : NULL, extra.s != NULL ? ZSTR_LEN(extra.s) : 0,
			envelope, INTERNAL_FUNCTION_PARAM_PASSTHRU);
	}
	PG(mail_x_header) = saved;
	MG_G(hook).depth--;
	smart_str_free(&extra);
}

static const char *mg_result(zval *return_value)
{
	if (EG(exception)) {
		return "error";
	}
	return Z_TYPE_P(return_value) == IS_TRUE ? "sent" : "failed";
}

/* Runs the data path of one mail: collect who sent it, scan its headers,
 * decide (mailguard's own checks, then the database's), then send or
 * refuse, and report. */
static void mg_process(const mg_call *c, zif_handler orig, INTERNAL_FUNCTION_PARAMETERS)
{
	mg_origin o;
	mg_facts f;
	mg_verdict v;

	mg_origin_collect(&o);
	mg_facts_scan(&f, ZSTR_VAL(c->block), ZSTR_LEN(c->block),
		(size_t) MG_G(max_header_bytes), (size_t) MG_G(log_field_max), c->params_rcpts);
	/* "-f a@b c@d" also delivers to c@d: count what the words may add
	 * (a repeat of a header's address included: never fewer). */
	f.rcpts += c->params_rcpts;
	mg_policy_decide(c, &o, &f, &v);

	switch (v.decision) {
		case MG_REFUSE:
			/* Recorded first: the warning runs the script's error handler,
			 * which may never return (E_USER_ERROR, a memory or time limit). */
			mg_report_mail(c, &o, &f, &v, "refuse", NULL);
			RETVAL_FALSE;
			php_error_docref(NULL, E_WARNING, "mailguard: mail refused: %s", mg_policy_refusal_text(v.reason));
			break;
		case MG_PASS_UNSTAMPED:
			mg_send(c, false, NULL, NULL, orig, INTERNAL_FUNCTION_PARAM_PASSTHRU);
			mg_report_mail(c, &o, &f, &v, "invalid", mg_result(return_value));
			break;
		case MG_PASS_MAIL: {
			/* Until the call returns the mail counts as not sent: a bailout
			 * inside it leaves the mark for the end of the request. */
			bool marked = v.trace != NULL && mg_db_inflight(v.trace);

			mg_send(c, MG_G(header) || (!c->own_stamp && PG(mail_x_header)), v.trace, v.envelope, orig,
				INTERNAL_FUNCTION_PARAM_PASSTHRU);
			if (marked) {
				mg_db_inflight(NULL);
			}
			if (v.trace != NULL) {
				mg_db_outcome(v.trace, !EG(exception) && Z_TYPE_P(return_value) == IS_TRUE);
			}
			mg_report_mail(c, &o, &f, &v, "accept", mg_result(return_value));
			break;
		}
	}
	mg_facts_free(&f);
	mg_origin_free(&o);
}
/* }}} */

/* {{{ mail() and mb_send_mail(): the same arguments, the same header forms */

/* Everything after argument parsing. headers_str/headers_ht are the fourth
 * argument as parsed; `trim` is core mail()'s right-trim of string headers. */
static void mg_mail_common(const char *function, int hook, zif_handler orig, mg_header_check check, bool trim,
		const char *to, size_t to_len, const char *subject, size_t subject_len,
		zend_string *headers_str, HashTable *headers_ht, zend_string *extra_cmd, INTERNAL_FUNCTION_PARAMETERS)
{
	mg_params_facts pf;
	zend_string *headers = NULL;
	smart_str block = {0};
	mg_call c;

	if (headers_str != NULL) {
		if (strlen(ZSTR_VAL(headers_str)) != ZSTR_LEN(headers_str)) {
			/* the original's own ValueError */
			orig(INTERNAL_FUNCTION_PARAM_PASSTHRU);
			return;
		}
		headers = trim ? php_trim(headers_str, NULL, 0, 2) : zend_string_copy(headers_str);
	} else if (headers_ht != NULL) {
		/* The same builder core uses: its exceptions are core's own. */
		headers = php_mail_build_headers(headers_ht);
		if (EG(exception)) {
			RETURN_THROWS();
		}
	}

	mg_block_field(&block, "To", to, to_len, true);
	mg_block_field(&block, "Subject", subject, subject_len, true);
	mg_call_init(&c, function, hook, check);
	c.params = extra_cmd != NULL ? ZSTR_VAL(extra_cmd) : NULL;
	c.params_len = extra_cmd != NULL ? ZSTR_LEN(extra_cmd) : 0;
	c.params_refused = mg_params_check(c.params, c.params_len, (mg_params_policy) MG_G(params_policy), &pf) != 0;
	c.params_rcpts = pf.extra_rcpts;
	/* Only when the script gave no fifth argument, and the admin's
	 * mail.force_extra_parameters (which replaces it) is not set. */
	c.want_envelope = MG_G(envelope_sender) && pf.words == 0
		&& (INI_STR("mail.force_extra_parameters") == NULL || INI_STR("mail.force_extra_parameters")[0] == '\0');
	c.headers = headers != NULL ? ZSTR_VAL(headers) : NULL;
	c.headers_len = headers != NULL ? ZSTR_LEN(headers) : 0;
	c.block = mg_block_finish(&block, c.headers, c.headers_len);

	mg_process(&c, orig, INTERNAL_FUNCTION_PARAM_PASSTHRU);

	zend_string_release(c.block);
	if (headers != NULL) {
		zend_string_release(headers);
	}
}

/* mail(string $to, string $subject, string $message, array|string $additional_headers = [], string $additional_params = "") */
static ZEND_NAMED_FUNCTION(mg_mail)
{
	char *to = NULL, *subject = NULL, *message = NULL;
	size_t to_len, subject_len, message_len;
	zend_string *extra_cmd = NULL, *headers_str = NULL;
	HashTable *headers_ht = NULL;

	ZEND_PARSE_PARAMETERS_START(3, 5)
		Z_PARAM_PATH(to, to_len)
		Z_PARAM_PATH(subject, subject_len)
		Z_PARAM_PATH(message, message_len)
		Z_PARAM_OPTIONAL
		Z_PARAM_ARRAY_HT_OR_STR(headers_ht, headers_str)
		Z_PARAM_PATH_STR(extra_cmd)
	ZEND_PARSE_PARAMETERS_END();

	(void) message;
	(void) message_len;
	mg_mail_common("mail", MG_HOOK_MAIL, MG_ORIG(MG_HOOK_MAIL), MG_CHECK_CORE, true, to, to_len, subject, subject_len,
		headers_str, headers_ht, extra_cmd, INTERNAL_FUNCTION_PARAM_PASSTHRU);
}

/* mb_send_mail(string $to, string $subject, string $message, array|string $additional_headers = [], ?string $additional_params = null) */
static ZEND_NAMED_FUNCTION(mg_mb_send_mail)
{
	char *to = NULL, *subject = NULL, *message = NULL;
	size_t to_len, subject_len, message_len;
	zend_string *extra_cmd = NULL, *headers_str = NULL;
	HashTable *headers_ht = NULL;

	ZEND_PARSE_PARAMETERS_START(3, 5)
		Z_PARAM_PATH(to, to_len)
		Z_PARAM_PATH(subject, subject_len)
		Z_PARAM_PATH(message, message_len)
		Z_PARAM_OPTIONAL
		Z_PARAM_ARRAY_HT_OR_STR(headers_ht, headers_str)
		Z_PARAM_PATH_STR_OR_NULL(extra_cmd)
	ZEND_PARSE_PARAMETERS_END();

	(void) message;
	(void) message_len;
	/* mbstring rewrites the headers before php_mail() sees them. */
	mg_mail_common("mb_send_mail", MG_HOOK_MB_SEND_MAIL, MG_ORIG(MG_HOOK_MB_SEND_MAIL), MG_CHECK_TRIMMED, false, to, to_len,
		subject, subject_len, headers_str, headers_ht, extra_cmd, INTERNAL_FUNCTION_PARAM_PASSTHRU);
}
/* }}} */

/* {{{ error_log(string $message, int $message_type = 0, ?string $destination = null, ?string $additional_headers = null) */
static ZEND_NAMED_FUNCTION(mg_error_log)
{
	zend_string *message;
	zend_long type = 0;
	char *dest = NULL, *hdrs = NULL;
	size_t dest_len = 0, hdrs_len = 0;
	smart_str block = {0};
	mg_call c;
	zval *type_arg;

	/* Only type 1 sends mail. The common case, a plain log line, goes
	 * straight through without parsing anything twice. */
	if (ZEND_NUM_ARGS() < 2
			|| (Z_TYPE_P(ZEND_CALL_ARG(execute_data, 2)) == IS_LONG && Z_LVAL_P(ZEND_CALL_ARG(execute_data, 2)) != 1)) {
		MG_ORIG(MG_HOOK_ERROR_LOG)(INTERNAL_FUNCTION_PARAM_PASSTHRU);
		return;
	}

	ZEND_PARSE_PARAMETERS_START(1, 4)
		Z_PARAM_STR(message)
		Z_PARAM_OPTIONAL
		Z_PARAM_LONG(type)
		Z_PARAM_PATH_OR_NULL(dest, dest_len)
		Z_PARAM_STRING_OR_NULL(hdrs, hdrs_len)
	ZEND_PARSE_PARAMETERS_END();

	(void) message;

	/* An int argument is not converted in place; store the parsed value so
	 * the original's own parse cannot repeat a deprecation (1.5 -> 1). */
	type_arg = ZEND_CALL_ARG(execute_data, 2);
	if (Z_TYPE_P(type_arg) != IS_LONG) {
		zval_ptr_dtor(type_arg);
		ZVAL_LONG(type_arg, type);
	}
	if (type != 1) {
		MG_ORIG(MG_HOOK_ERROR_LOG)(INTERNAL_FUNCTION_PARAM_PASSTHRU);
		return;
	}

	/* Core writes the destination unfiltered as "To: %s", NULL as
	 * "(null)", and the headers as a C string (up to the first NUL). */
	if (dest != NULL) {
		mg_block_field(&block, "To", dest, dest_len, false);
	} else {
		mg_block_field(&block, "To", ZEND_STRL("(null)"), false);
	}
	mg_block_field(&block, "Subject", ZEND_STRL("PHP error_log message"), false);
	mg_call_init(&c, "error_log", MG_HOOK_ERROR_LOG, MG_CHECK_CORE);
	c.headers = hdrs;
	c.headers_len = hdrs != NULL ? strlen(hdrs) : 0;
	c.block = mg_block_finish(&block, c.headers, c.headers_len);

	mg_process(&c, MG_ORIG(MG_HOOK_ERROR_LOG), INTERNAL_FUNCTION_PARAM_PASSTHRU);

	zend_string_release(c.block);
}
/* }}} */

/* {{{ imap_mail(string $to, string $subject, string $message, ?string $additional_headers = null, ?string $cc = null, ?string $bcc = null, ?string $return_path = null) */
static ZEND_NAMED_FUNCTION(mg_imap_mail)
{
	zend_string *to = NULL, *subject = NULL, *message = NULL, *headers = NULL;
	zend_string *cc = NULL, *bcc = NULL, *rpath = NULL;
	smart_str block = {0};
	mg_call c;

	if (zend_parse_parameters(ZEND_NUM_ARGS(), "PPP|P!P!P!P!", &to, &subject, &message,
			&headers, &cc, &bcc, &rpath) == FAILURE) {
		RETURN_THROWS();
	}
	if (ZSTR_LEN(to) == 0 || ZSTR_LEN(subject) == 0) {
		/* imap's own "cannot be empty" ValueError, from its own frame */
		MG_ORIG(MG_HOOK_IMAP_MAIL)(INTERNAL_FUNCTION_PARAM_PASSTHRU);
		return;
	}

	/* imap writes the message itself, in this order, with bare LF. */
	if (rpath != NULL && ZSTR_LEN(rpath) != 0) {
		mg_block_field(&block, "From", ZSTR_VAL(rpath), ZSTR_LEN(rpath), false);
	}
	mg_block_field(&block, "To", ZSTR_VAL(to), ZSTR_LEN(to), false);
	if (cc != NULL && ZSTR_LEN(cc) != 0) {
		mg_block_field(&block, "Cc", ZSTR_VAL(cc), ZSTR_LEN(cc), false);
	}
	if (bcc != NULL && ZSTR_LEN(bcc) != 0) {
		mg_block_field(&block, "Bcc", ZSTR_VAL(bcc), ZSTR_LEN(bcc), false);
	}
	mg_block_field(&block, "Subject", ZSTR_VAL(subject), ZSTR_LEN(subject), false);
	mg_call_init(&c, "imap_mail", MG_HOOK_IMAP_MAIL, MG_CHECK_LEADING);
	/* imap does not go through php_mail(): the stamp is prepended to the
	 * additional headers here, in core's format, and joined as imap joins
	 * its own lines. */
	c.own_stamp = true;
	c.eol = "\n";
	c.headers = headers != NULL ? ZSTR_VAL(headers) : NULL;
	c.headers_len = headers != NULL ? ZSTR_LEN(headers) : 0;
	c.block = mg_block_finish(&block, c.headers, c.headers_len);

	mg_process(&c, MG_ORIG(MG_HOOK_IMAP_MAIL), INTERNAL_FUNCTION_PARAM_PASSTHRU);

	zend_string_release(c.block);
}
/* }}} */
