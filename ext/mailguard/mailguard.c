/*
  +----------------------------------------------------------------------+
  | mailguard: per-account mail accounting for shared PHP hosting        |
  +----------------------------------------------------------------------+
  | This source file is subject to the MIT license that is bundled with  |
  | this package in the file LICENSE.                                    |
  +----------------------------------------------------------------------+
*/

/* Module entry, INI settings and phpinfo(). The data path of one mail
 * starts in hook.c. */

#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "php_ini.h"
#include "SAPI.h"
#include "ext/standard/info.h"
#include "php_mailguard.h"
#include "hook.h"
#include "log.h"
#include "store.h"
#include "report.h"
#include "params.h"
#include "origin.h"

/* config.m4 checks php-config; this checks the headers actually used. */
#if PHP_VERSION_ID < 80200 || PHP_VERSION_ID >= 80300
# error "mailguard supports PHP 8.2 only: its hooks mirror 8.2's argument parsing of mail(), mb_send_mail(), error_log() and imap_mail()"
#endif

ZEND_DECLARE_MODULE_GLOBALS(mailguard)

/* {{{ INI validators: every setting is PHP_INI_SYSTEM and checked here. The
 * engine silently falls back to the default when a startup value is refused,
 * so say which setting was wrong (never its value). */
static int mg_ini_invalid(zend_ini_entry *entry, int stage)
{
	if (stage == ZEND_INI_STAGE_STARTUP) {
		zend_error(E_WARNING, "mailguard: invalid value for %s, using the default", ZSTR_VAL(entry->name));
	}
	return FAILURE;
}
/* Settings that decide identity or policy take effect at startup only.
 * FPM applies pool php_admin_value AND a FastCGI client's PHP_ADMIN_VALUE
 * through the same ACTIVATE-stage path, and a customer can reach their own
 * pool's socket; refusing every later stage closes that door. The one
 * exception is the account under mod_php, where the vhost's
 * php_admin_value (ACTIVATE, from the admin's Apache config) is the only
 * way to name a site's account. At the end of such a request the engine
 * puts the startup value back (DEACTIVATE): that must be taken too, or the
 * global would keep pointing at the vhost's value, which the engine frees
 * (tests/apache/run.sh, check A7, read freed memory before this). Only an
 * entry changed earlier in the request is ever restored, so DEACTIVATE
 * opens nothing for the other settings. */
static bool mg_ini_stage_ok(int stage, bool per_vhost)
{
	if (stage == ZEND_INI_STAGE_STARTUP) {
		return true;
	}
	if (!per_vhost) {
		return false;
	}
	if (stage == ZEND_INI_STAGE_DEACTIVATE) {
		return true;
	}
	return stage == ZEND_INI_STAGE_ACTIVATE
		&& sapi_module.name != NULL && strcmp(sapi_module.name, "apache2handler") == 0;
}

/* Settings that take one word of a fixed list share OnUpdateMgWord: the
 * list (mh_arg3) says which words, matched ASCII case-insensitively (as
 * PHP's own ini booleans are; zend_binary_strcasecmp(), not the locale),
 * and what each writes into the setting's global (mh_arg1/mh_arg2). A word
 * list may hold "1" and "": what the ini parser makes of an unquoted on,
 * yes, true and off, no, false, none. */
typedef enum { MG_INI_BOOL, MG_INI_INT, MG_INI_STR } mg_ini_kind;

typedef struct {
	const char *word;
	int value;          /* MG_INI_BOOL, MG_INI_INT */
	const char *str;    /* MG_INI_STR */
} mg_ini_word;

typedef struct {
	mg_ini_kind kind;   /* the global's type: bool, int or const char * */
	const mg_ini_word *words;   /* ends with a NULL word */
} mg_ini_words;

/* Only the spellings php.ini documents; "enabled" or a typo must not
 * quietly switch the stamp off. */
static const mg_ini_word mg_bool_words[] = {
	{ "1", 1, NULL }, { "on", 1, NULL }, { "yes", 1, NULL }, { "true", 1, NULL },
	{ "0", 0, NULL }, { "off", 0, NULL }, { "no", 0, NULL }, { "false", 0, NULL },
	{ "none", 0, NULL }, { "", 0, NULL }, { NULL, 0, NULL },
};
static const mg_ini_words mg_bool = { MG_INI_BOOL, mg_bool_words };

/* mailguard.fail_mode, into fail_open */
static const mg_ini_word mg_fail_mode_words[] = {
	{ "open", 1, NULL }, { "closed", 0, NULL }, { NULL, 0, NULL },
};
static const mg_ini_words mg_fail_mode = { MG_INI_BOOL, mg_fail_mode_words };

/* mailguard.header_limit_action, into header_limit_count */
static const mg_ini_word mg_limit_action_words[] = {
	{ "refuse", 0, NULL }, { "count", 1, NULL }, { NULL, 0, NULL },
};
static const mg_ini_words mg_limit_action = { MG_INI_BOOL, mg_limit_action_words };

/* mailguard.misconfiguration: refuse, or leave it to fail_mode */
static const mg_ini_word mg_misconfiguration_words[] = {
	{ "refuse", 0, NULL }, { "fail_mode", 1, NULL }, { NULL, 0, NULL }
};
static const mg_ini_words mg_misconfiguration = { MG_INI_BOOL, mg_misconfiguration_words };

/* mailguard.stamp_uid, an mg_stamp_uid_rule */
static const mg_ini_word mg_stamp_uid_words[] = {
	{ "auto", MG_STAMP_UID_AUTO, NULL }, { "owner", MG_STAMP_UID_OWNER, NULL },
	{ "process", MG_STAMP_UID_PROCESS, NULL }, { NULL, 0, NULL }
};
static const mg_ini_words mg_stamp_uid = { MG_INI_INT, mg_stamp_uid_words };

/* mailguard.additional_params: "none" reaches us as "" from the ini parser */
static const mg_ini_word mg_params_words[] = {
	{ "envelope", MG_PARAMS_ENVELOPE, NULL }, { "any", MG_PARAMS_ANY, NULL },
	{ "none", MG_PARAMS_NONE, NULL }, { "", MG_PARAMS_NONE, NULL }, { NULL, 0, NULL },
};
static const mg_ini_words mg_params = { MG_INI_INT, mg_params_words };

/* mailguard.synchronous_commit, passed to the server as
 * -c synchronous_commit=<value>: only the values PostgreSQL knows, in our
 * own lower-case spelling, so nothing else can ride along. The ini parser
 * turns on/off/yes/no/true/false into "1" and "", so those mean on and off;
 * "default" (NULL) leaves the server's (or the role's) setting alone. */
static const mg_ini_word mg_sync_commit_words[] = {
	{ "default", 0, NULL }, { "1", 0, "on" }, { "", 0, "off" },
	{ "on", 0, "on" }, { "off", 0, "off" }, { "local", 0, "local" },
	{ "remote_write", 0, "remote_write" }, { "remote_apply", 0, "remote_apply" },
	{ NULL, 0, NULL },
};
static const mg_ini_words mg_sync_commit = { MG_INI_STR, mg_sync_commit_words };

/* mailguard.pooler, into pooled: "transaction" sends no startup options (a
 * pooler such as PgBouncer refuses them, and a pooled server connection
 * would not keep them); "none" reaches us as "" from the ini parser. */
static const mg_ini_word mg_pooler_words[] = {
	{ "none", 0, NULL }, { "", 0, NULL }, { "transaction", 1, NULL }, { NULL, 0, NULL },
};
static const mg_ini_words mg_pooler = { MG_INI_BOOL, mg_pooler_words };

static ZEND_INI_MH(OnUpdateMgWord)
{
	const mg_ini_words *list = (const mg_ini_words *) mh_arg3;
	const mg_ini_word *w;
	char *p = ZEND_INI_GET_ADDR();

	if (!mg_ini_stage_ok(stage, false)) {
		return FAILURE;
	}
	for (w = list->words; w->word != NULL; w++) {
		if (zend_binary_strcasecmp(ZSTR_VAL(new_value), ZSTR_LEN(new_value), w->word, strlen(w->word)) != 0) {
			continue;
		}
		switch (list->kind) {
			case MG_INI_BOOL:
				*(bool *) p = w->value != 0;
				break;
			case MG_INI_INT:
				*(int *) p = w->value;
				break;
			case MG_INI_STR:
				*(const char **) p = w->str;
				break;
		}
		return SUCCESS;
	}
	return mg_ini_invalid(entry, stage);
}

static ZEND_INI_MH(OnUpdateMgAccount)
{
	const char *p = ZSTR_VAL(new_value);
	size_t i, len = ZSTR_LEN(new_value);

	if (!mg_ini_stage_ok(stage, true)) {
		return FAILURE;
	}
	/* Account names become PostgreSQL keys and log fields: keep them to a
	 * conservative identifier alphabet and PostgreSQL's NAMEDATALEN. */
	if (len > 63) {
		return mg_ini_invalid(entry, stage);
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char) p[i];
		if (!(isalnum(c) || c == '_' || c == '-' || c == '.' || c == '@')) {
			return mg_ini_invalid(entry, stage);
		}
	}
	return OnUpdateString(entry, new_value, mh_arg1, mh_arg2, mh_arg3, stage);
}

static ZEND_INI_MH(OnUpdateMgFacility)
{
	int facility = mg_log_facility_from_name(ZSTR_VAL(new_value), ZSTR_LEN(new_value));

	if (!mg_ini_stage_ok(stage, false)) {
		return FAILURE;
	}
	if (facility < 0) {
		return mg_ini_invalid(entry, stage);
	}
	MG_G(facility) = facility;
	return OnUpdateString(entry, new_value, mh_arg1, mh_arg2, mh_arg3, stage);
}

static ZEND_INI_MH(OnUpdateMgSocket)
{
	/* Empty disables syslog output; otherwise an absolute path that fits
	 * in sockaddr_un. */
	if (!mg_ini_stage_ok(stage, false)) {
		return FAILURE;
	}
	if (ZSTR_LEN(new_value) > 0
			&& (ZSTR_VAL(new_value)[0] != '/' || ZSTR_LEN(new_value) >= 108
				|| strlen(ZSTR_VAL(new_value)) != ZSTR_LEN(new_value))) {
		return mg_ini_invalid(entry, stage);
	}
	return OnUpdateString(entry, new_value, mh_arg1, mh_arg2, mh_arg3, stage);
}

/* The connection string, captured in MINIT (process-wide, so that a ZTS
 * thread's refresh of the globals finds it too). The ini entry then holds
 * MG_DSN_REDACTED, and the parsed ini files' copies are deleted. */
static char *mg_dsn_secret;
static size_t mg_dsn_secret_len;
#define MG_DSN_REDACTED "(redacted)"

static ZEND_INI_MH(OnUpdateMgDsn)
{
	/* Any conninfo string: one that libpq cannot parse is reported at
	 * startup and makes every mail take the fail mode, rather than
	 * quietly running without quotas. */
	if (!mg_ini_stage_ok(stage, false)) {
		return FAILURE;
	}
	if (mg_dsn_secret != NULL) {
		/* after MINIT only the redacted value comes back (ZTS: another
		 * thread's startup); it stands for the captured one */
		if (!zend_string_equals_literal(new_value, MG_DSN_REDACTED) && ZSTR_LEN(new_value) != 0) {
			return FAILURE;
		}
		MG_G(dsn) = mg_dsn_secret;
		return SUCCESS;
	}
	if (strlen(ZSTR_VAL(new_value)) != ZSTR_LEN(new_value)) {
		return mg_ini_invalid(entry, stage);
	}
	return OnUpdateString(entry, new_value, mh_arg1, mh_arg2, mh_arg3, stage);
}

/* The connection string may hold a password: phpinfo() says only whether
 * one is set. */
static ZEND_INI_DISP(mg_display_dsn)
{
	zend_string *v = type == ZEND_INI_DISPLAY_ORIG && ini_entry->modified ? ini_entry->orig_value : ini_entry->value;

	PHPWRITE(v != NULL && ZSTR_LEN(v) > 0 ? "(set)" : "(empty)", v != NULL && ZSTR_LEN(v) > 0 ? 5 : 7);
}

static ZEND_INI_MH(OnUpdateMgRange)
{
	/* mh_arg3 points at the inclusive bounds. Only plain decimal numbers
	 * are accepted: no quantity suffixes, no trailing junk. */
	const zend_long *bounds = (const zend_long *) mh_arg3;
	char *end = NULL;
	zend_long v = ZEND_STRTOL(ZSTR_VAL(new_value), &end, 10);

	if (!mg_ini_stage_ok(stage, false)) {
		return FAILURE;
	}
	if (ZSTR_LEN(new_value) == 0 || end != ZSTR_VAL(new_value) + ZSTR_LEN(new_value)
			|| v < bounds[0] || v > bounds[1]) {
		return mg_ini_invalid(entry, stage);
	}
	*(zend_long *) ZEND_INI_GET_ADDR() = v;
	return SUCCESS;
}
/* }}} */

static const zend_long mg_line_bounds[2] = {256, 65000};
static const zend_long mg_field_bounds[2] = {16, 8192};
static const zend_long mg_timeout_bounds[2] = {10, 60000};
static const zend_long mg_retry_bounds[2] = {0, 3600000};
static const zend_long mg_cap_bounds[2] = {0, 1000000};
static const zend_long mg_header_bytes_bounds[2] = {0, 1073741824};
static const zend_long mg_rcpts_bounds[2] = {0, 100000000};

#ifdef ZTS
# define MG_GLOBALS_ARG ((void *) &mailguard_globals_id)
#else
# define MG_GLOBALS_ARG ((void *) &mailguard_globals)
#endif

/* A word-list setting (OnUpdateMgWord): its global and its mg_ini_words. */
#define MG_INI_WORDS(name, default_value, field, list, displayer) \
	ZEND_INI_ENTRY3_EX(name, default_value, PHP_INI_SYSTEM, OnUpdateMgWord, \
		(void *) XtOffsetOf(zend_mailguard_globals, field), MG_GLOBALS_ARG, (void *) &(list), displayer)

/* {{{ INI entries */
PHP_INI_BEGIN()
	MG_INI_WORDS("mailguard.header", "1", header, mg_bool, zend_ini_boolean_displayer_cb)
	MG_INI_WORDS("mailguard.stamp_uid", "auto", stamp_uid, mg_stamp_uid, NULL)
	STD_PHP_INI_ENTRY("mailguard.account", "", PHP_INI_SYSTEM, OnUpdateMgAccount,
		account, zend_mailguard_globals, mailguard_globals)
	MG_INI_WORDS("mailguard.syslog", "1", syslog, mg_bool, zend_ini_boolean_displayer_cb)
	STD_PHP_INI_ENTRY("mailguard.syslog_facility", "mail", PHP_INI_SYSTEM, OnUpdateMgFacility,
		syslog_facility, zend_mailguard_globals, mailguard_globals)
	STD_PHP_INI_ENTRY("mailguard.syslog_socket", "/dev/log", PHP_INI_SYSTEM, OnUpdateMgSocket,
		syslog_socket, zend_mailguard_globals, mailguard_globals)
	ZEND_INI_ENTRY3_EX("mailguard.syslog_max_length", "2048", PHP_INI_SYSTEM, OnUpdateMgRange,
		(void *) XtOffsetOf(zend_mailguard_globals, syslog_max_length), MG_GLOBALS_ARG, (void *) mg_line_bounds, NULL)
	ZEND_INI_ENTRY3_EX("mailguard.log_field_max", "256", PHP_INI_SYSTEM, OnUpdateMgRange,
		(void *) XtOffsetOf(zend_mailguard_globals, log_field_max), MG_GLOBALS_ARG, (void *) mg_field_bounds, NULL)
	ZEND_INI_ENTRY3_EX("mailguard.dsn", "", PHP_INI_SYSTEM, OnUpdateMgDsn,
		(void *) XtOffsetOf(zend_mailguard_globals, dsn), MG_GLOBALS_ARG, NULL, mg_display_dsn)
	ZEND_INI_ENTRY3_EX("mailguard.timeout_ms", "500", PHP_INI_SYSTEM, OnUpdateMgRange,
		(void *) XtOffsetOf(zend_mailguard_globals, timeout_ms), MG_GLOBALS_ARG, (void *) mg_timeout_bounds, NULL)
	ZEND_INI_ENTRY3_EX("mailguard.retry_ms", "10000", PHP_INI_SYSTEM, OnUpdateMgRange,
		(void *) XtOffsetOf(zend_mailguard_globals, retry_ms), MG_GLOBALS_ARG, (void *) mg_retry_bounds, NULL)
	MG_INI_WORDS("mailguard.fail_mode", "open", fail_open, mg_fail_mode, NULL)
	MG_INI_WORDS("mailguard.misconfiguration", "refuse", misconfig_fail_mode, mg_misconfiguration, NULL)
	ZEND_INI_ENTRY3_EX("mailguard.emergency_cap", "20", PHP_INI_SYSTEM, OnUpdateMgRange,
		(void *) XtOffsetOf(zend_mailguard_globals, emergency_cap), MG_GLOBALS_ARG, (void *) mg_cap_bounds, NULL)
	MG_INI_WORDS("mailguard.synchronous_commit", "default", synchronous_commit, mg_sync_commit, NULL)
	MG_INI_WORDS("mailguard.pooler", "none", pooled, mg_pooler, NULL)
	MG_INI_WORDS("mailguard.additional_params", "envelope", params_policy, mg_params, NULL)
	MG_INI_WORDS("mailguard.envelope_sender", "0", envelope_sender, mg_bool, zend_ini_boolean_displayer_cb)
	ZEND_INI_ENTRY3_EX("mailguard.max_header_bytes", "4194304", PHP_INI_SYSTEM, OnUpdateMgRange,
		(void *) XtOffsetOf(zend_mailguard_globals, max_header_bytes), MG_GLOBALS_ARG, (void *) mg_header_bytes_bounds, NULL)
	MG_INI_WORDS("mailguard.header_limit_action", "refuse", header_limit_count, mg_limit_action, NULL)
	ZEND_INI_ENTRY3_EX("mailguard.max_rcpts", "0", PHP_INI_SYSTEM, OnUpdateMgRange,
		(void *) XtOffsetOf(zend_mailguard_globals, max_rcpts), MG_GLOBALS_ARG, (void *) mg_rcpts_bounds, NULL)
PHP_INI_END()
/* }}} */

static PHP_GINIT_FUNCTION(mailguard)
{
#if defined(COMPILE_DL_MAILGUARD) && defined(ZTS)
	ZEND_TSRMLS_CACHE_UPDATE();
#endif
	memset(mailguard_globals, 0, sizeof(*mailguard_globals));
	mailguard_globals->facility = LOG_MAIL;
}

/* After MINIT no userland function may reveal mailguard.dsn: ini_get(),
 * ini_get_all(), Reflection and phpinfo() read the ini entry, which now
 * says MG_DSN_REDACTED; get_cfg_var() reads the parsed ini files, from
 * which the key is deleted, also inside [HOST=]/[PATH=] sections (a DSN
 * there never applies: the setting is startup-only). Copies the ini
 * parser made in freed or interned memory stay in the process: FPM
 * workers are not dumpable, so that memory is not readable from PHP. */
static void mg_dsn_redact(void)
{
	zend_ini_entry *e = zend_hash_str_find_ptr(EG(ini_directives), ZEND_STRL("mailguard.dsn"));
	HashTable *cfg = php_ini_get_configuration_hash();
	zval *section;
	const char *v = MG_G(dsn) != NULL ? MG_G(dsn) : "";

	mg_dsn_secret_len = strlen(v);
	mg_dsn_secret = pemalloc(mg_dsn_secret_len + 1, 1);
	memcpy(mg_dsn_secret, v, mg_dsn_secret_len + 1);
	MG_G(dsn) = mg_dsn_secret;
	if (e != NULL && e->value != NULL && ZSTR_LEN(e->value) > 0) {
		zend_string_release(e->value);
		e->value = zend_string_init_interned(MG_DSN_REDACTED, sizeof(MG_DSN_REDACTED) - 1, 1);
	}
	if (cfg != NULL) {
		zend_hash_str_del(cfg, ZEND_STRL("mailguard.dsn"));
		ZEND_HASH_FOREACH_VAL(cfg, section) {
			if (Z_TYPE_P(section) == IS_ARRAY) {
				zend_hash_str_del(Z_ARRVAL_P(section), ZEND_STRL("mailguard.dsn"));
			}
		} ZEND_HASH_FOREACH_END();
	}
}

/* {{{ PHP_MINIT_FUNCTION */
static PHP_MINIT_FUNCTION(mailguard)
{
	REGISTER_INI_ENTRIES();
	mg_dsn_redact();
	mg_hook_install();
	/* Never connect here: this process forks the workers. */
	if (mg_db_configured()) {
		switch (mg_db_dsn_precheck()) {
			case MG_DSN_UNPARSABLE:
				zend_error(E_WARNING, "mailguard: mailguard.dsn cannot be parsed; every mail is %s",
					MG_G(misconfig_fail_mode) ? "decided by the fail mode" : "refused");
				break;
			case MG_DSN_HOST_NAME:
				zend_error(E_WARNING, "mailguard: mailguard.dsn names a host by name, whose lookup no deadline bounds; "
					"give its address in hostaddr=; until then every mail is %s",
					MG_G(misconfig_fail_mode) ? "decided by the fail mode" : "refused");
				break;
			case MG_DSN_OK:
				break;
		}
	}
	return SUCCESS;
}
/* }}} */

/* {{{ PHP_MSHUTDOWN_FUNCTION */
static PHP_MSHUTDOWN_FUNCTION(mailguard)
{
	mg_hook_restore();
	mg_db_close();
	mg_log_close();
	UNREGISTER_INI_ENTRIES();
	if (mg_dsn_secret != NULL) {
		explicit_bzero(mg_dsn_secret, mg_dsn_secret_len);
		pefree(mg_dsn_secret, 1);
		mg_dsn_secret = NULL;
	}
	return SUCCESS;
}
/* }}} */

/* {{{ PHP_RINIT_FUNCTION */
static PHP_RINIT_FUNCTION(mailguard)
{
	/* The request's vhost and client, before any of its code can change
	 * what the SAPI answers (origin.h). */
	mg_origin_request_start();
	return SUCCESS;
}
/* }}} */

/* {{{ PHP_RSHUTDOWN_FUNCTION */
static PHP_RSHUTDOWN_FUNCTION(mailguard)
{
	/* A bailout (fatal error, timeout) inside the original handler skips
	 * the code that undoes the forced stamp: undo it here so the next
	 * request of this worker starts from the configured value. */
	mg_hook_request_end();
	/* The last accepted mail's failure, if it failed, so the log does not
	 * say "sent" until this worker's next mail (nothing to send, no
	 * statement, when it went out). */
	mg_db_report();
	return SUCCESS;
}
/* }}} */

/* {{{ post deactivate: after every module's RSHUTDOWN
 * User code can still run after this module's RSHUTDOWN: the session
 * module's RSHUTDOWN (registered before this one, so shut down after it)
 * calls a save handler's write(), which may send mail. Such a mail must
 * still see the vhost and client read in RINIT (else a script could forge
 * them with putenv() or apache_setenv() before it), and a bailout inside
 * it must not leave the forced stamp setting to the next request. Both are
 * undone here, after the last user code of the request and before its
 * memory goes. */
static ZEND_MODULE_POST_ZEND_DEACTIVATE_D(mailguard)
{
	mg_hook_request_end();
	/* a late mail's failure, or one whose call a bailout cut short */
	mg_db_report();
	mg_origin_request_end();
	return SUCCESS;
}
/* }}} */

/* {{{ PHP_MINFO_FUNCTION */
static PHP_MINFO_FUNCTION(mailguard)
{
	char buf[32];

	php_info_print_table_start();
	php_info_print_table_row(2, "mailguard support", "enabled");
	php_info_print_table_row(2, "Version", PHP_MAILGUARD_VERSION);
	php_info_print_table_row(2, "Hooked functions", mg_hook_list());
	if (mg_db_libpq_version() > 0) {
		snprintf(buf, sizeof(buf), "%d", mg_db_libpq_version());
		php_info_print_table_row(2, "libpq version", buf);
	} else {
		/* Not loaded here: phpinfo() does not load it either. */
		php_info_print_table_row(2, "libpq version", "not loaded by this process (loaded on its first mail that asks the database)");
	}
	php_info_print_table_row(2, "Quota database", mg_db_configured() ? "configured" : "not configured");
	if (mg_db_configured()) {
		php_info_print_table_row(2, "Quota database state", mg_db_state_name());
	}
	snprintf(buf, sizeof(buf), ZEND_ULONG_FMT, mg_report_dropped());
	php_info_print_table_row(2, "Log lines dropped by this process", buf);
	php_info_print_table_end();

	DISPLAY_INI_ENTRIES();
}
/* }}} */

static const zend_module_dep mailguard_deps[] = {
	ZEND_MOD_REQUIRED("standard")
	ZEND_MOD_OPTIONAL("mbstring")
	ZEND_MOD_OPTIONAL("imap")
	ZEND_MOD_END
};

/* {{{ mailguard_module_entry */
zend_module_entry mailguard_module_entry = {
	STANDARD_MODULE_HEADER_EX,
	NULL,
	mailguard_deps,
	"mailguard",
	NULL,                        /* no userland functions */
	PHP_MINIT(mailguard),
	PHP_MSHUTDOWN(mailguard),
	PHP_RINIT(mailguard),
	PHP_RSHUTDOWN(mailguard),
	PHP_MINFO(mailguard),
	PHP_MAILGUARD_VERSION,
	PHP_MODULE_GLOBALS(mailguard),
	PHP_GINIT(mailguard),
	NULL,
	ZEND_MODULE_POST_ZEND_DEACTIVATE_N(mailguard),
	STANDARD_MODULE_PROPERTIES_EX
};
/* }}} */

#ifdef COMPILE_DL_MAILGUARD
# ifdef ZTS
ZEND_TSRMLS_CACHE_DEFINE()
# endif
ZEND_GET_MODULE(mailguard)
#endif
