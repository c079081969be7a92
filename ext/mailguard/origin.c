/*
  +----------------------------------------------------------------------+
  | mailguard: per-account mail accounting for shared PHP hosting        |
  +----------------------------------------------------------------------+
  | This source file is subject to the MIT license that is bundled with  |
  | this package in the file LICENSE.                                    |
  +----------------------------------------------------------------------+
*/

/* Origin of one mail: account, uid, the calling script and line, the
 * request's vhost and client. */

#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "SAPI.h"
#include "ext/standard/php_string.h"
#include "php_mailguard.h"
#include "origin.h"

#include <pwd.h>
#include <unistd.h>

static const char *mg_effective_user(uid_t euid)
{
	mg_origin_cache *c = &MG_G(origin);

	if (c->user_euid != euid || c->user_name[0] == '\0') {
		struct passwd pw, *res = NULL;
		char buf[1024];

		if (getpwuid_r(euid, &pw, buf, sizeof(buf), &res) == 0 && res != NULL
				&& strlen(res->pw_name) < sizeof(c->user_name)) {
			strcpy(c->user_name, res->pw_name);
		} else {
			snprintf(c->user_name, sizeof(c->user_name), "uid%lu", (unsigned long) euid);
		}
		c->user_euid = euid;
	}
	return c->user_name;
}

static const char *mg_host(void)
{
	mg_origin_cache *c = &MG_G(origin);

	/* Looked up once per process: a web node's name does not change under
	 * a running worker. */
	if (c->host_pid != getpid()) {
		if (gethostname(c->host_name, sizeof(c->host_name) - 1) != 0) {
			c->host_name[0] = '\0';
		}
		c->host_name[sizeof(c->host_name) - 1] = '\0';
		c->host_pid = getpid();
	}
	return c->host_name;
}

/* The SAPI's own view of the request (FastCGI params, Apache's
 * subprocess_env), unlike $_SERVER or getenv(). Read when the request
 * starts: a script can change some SAPIs' answers later
 * (mg_origin_request_start()). */
static char *mg_sapi_var(const char *name, size_t len)
{
	char *v = sapi_getenv(name, len);

	if (v != NULL && *v == '\0') {
		efree(v);
		v = NULL;
	}
	return v;
}

static zend_long mg_script_owner(void)
{
	/* What core's php_getuid() answers: the owner of the request's script,
	 * or the process's real uid when there is none (php -r). */
	zend_stat_t *st = sapi_get_stat();

	return st != NULL ? (zend_long) st->st_uid : (zend_long) getuid();
}

/* The vhost (SERVER_NAME, else HTTP_HOST) and the client (REMOTE_ADDR)
 * as the SAPI answers now; emalloc()ed, NULL when there is none. */
static void mg_sapi_request_vars(char **vhost, char **client)
{
	*vhost = mg_sapi_var(ZEND_STRL("SERVER_NAME"));
	if (*vhost == NULL) {
		*vhost = mg_sapi_var(ZEND_STRL("HTTP_HOST"));
	}
	*client = mg_sapi_var(ZEND_STRL("REMOTE_ADDR"));
}

void mg_origin_request_start(void)
{
	mg_origin_cache *c = &MG_G(origin);

	mg_sapi_request_vars(&c->request_vhost, &c->request_client);
	/* Some SAPIs (php-cgi, FPM) free the script's path when it has run,
	 * before the modules' RSHUTDOWN, where a session save handler can
	 * still send mail. */
	c->request_entry = SG(request_info).path_translated != NULL ? estrdup(SG(request_info).path_translated) : NULL;
	c->request_read = true;
}

void mg_origin_request_end(void)
{
	mg_origin_cache *c = &MG_G(origin);

	if (c->request_vhost != NULL) {
		efree(c->request_vhost);
	}
	if (c->request_client != NULL) {
		efree(c->request_client);
	}
	if (c->request_entry != NULL) {
		efree(c->request_entry);
	}
	c->request_vhost = c->request_client = c->request_entry = NULL;
	c->request_read = false;
}

void mg_origin_collect(mg_origin *o)
{
	mg_origin_cache *c = &MG_G(origin);
	uid_t euid = geteuid();

	memset(o, 0, sizeof(*o));
	if (MG_G(account) != NULL && MG_G(account)[0] != '\0') {
		o->account = zend_string_init(MG_G(account), strlen(MG_G(account)), 0);
	} else {
		const char *u = mg_effective_user(euid);
		o->account = zend_string_init(u, strlen(u), 0);
	}
	o->uid = (zend_long) euid;
	o->owner = mg_script_owner();
	/* Both walk back to the innermost user-code frame, so a call through
	 * call_user_func() or array_map() names the script that made it. */
	o->script = zend_get_executed_filename();
	o->line = zend_get_executed_lineno();
	o->entry = SG(request_info).path_translated != NULL ? SG(request_info).path_translated
		: c->request_entry != NULL ? c->request_entry : "";
	if (c->request_read) {
		/* kept until post deactivate, after the last code that can mail */
		o->vhost = c->request_vhost;
		o->client = c->request_client;
	} else {
		/* A mail outside this module's RINIT..RSHUTDOWN (another module's
		 * RINIT or RSHUTDOWN): read for this mail only. Not cached: after
		 * RSHUTDOWN the request's memory is gone before the next RINIT. */
		mg_sapi_request_vars(&o->vhost, &o->client);
		o->own_vars = true;
	}
	o->host = mg_host();
	o->pid = (zend_long) getpid();
	o->sapi = sapi_module.name;
}

void mg_origin_free(mg_origin *o)
{
	if (o->account) {
		zend_string_release(o->account);
	}
	if (o->own_vars && o->vhost) {
		efree(o->vhost);
	}
	if (o->own_vars && o->client) {
		efree(o->client);
	}
	memset(o, 0, sizeof(*o));
}

zend_long mg_origin_core_uid(void)
{
	return mg_script_owner();
}

zend_long mg_origin_stamp_uid(void)
{
	switch ((mg_stamp_uid_rule) MG_G(stamp_uid)) {
		case MG_STAMP_UID_OWNER:
			return mg_script_owner();
		case MG_STAMP_UID_PROCESS:
			return (zend_long) geteuid();
		case MG_STAMP_UID_AUTO:
			break;
	}
	/* mod_php runs every customer as the web server's user: the file's
	 * owner is the only fact that tells them apart. Everywhere else the
	 * process runs as the customer (an FPM pool, suPHP, the CLI), and a
	 * file's owner is whoever wrote it: another customer's file, run
	 * through a symlink or an auto_prepend_file, must not name them. */
	if (sapi_module.name != NULL && strcmp(sapi_module.name, "apache2handler") == 0) {
		return mg_script_owner();
	}
	return (zend_long) geteuid();
}

zend_string *mg_origin_stamp_value(void)
{
	const char *file = zend_get_executed_filename();
	zend_string *base = php_basename(file, strlen(file), NULL, 0);
	zend_string *v = zend_strpprintf(0, ZEND_LONG_FMT ":%s", mg_origin_stamp_uid(), ZSTR_VAL(base));

	zend_string_release(base);
	return v;
}
