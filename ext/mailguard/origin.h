/*
  +----------------------------------------------------------------------+
  | mailguard: per-account mail accounting for shared PHP hosting        |
  +----------------------------------------------------------------------+
  | This source file is subject to the MIT license that is bundled with  |
  | this package in the file LICENSE.                                    |
  +----------------------------------------------------------------------+
*/

#ifndef MAILGUARD_ORIGIN_H
#define MAILGUARD_ORIGIN_H

/* Who sent a mail and from where: everything is taken from the process,
 * the engine and the SAPI, never from values a script can overwrite
 * ($_SERVER, putenv(), apache_setenv()). */
/* Per-process look-ups (origin.c's part of the module globals). An FPM
 * worker changes uid after MINIT, so the user name is looked up on first
 * use and again whenever the euid differs; the host name once per pid. */
typedef struct {
	uid_t user_euid;        /* user_name is this euid's, valid when user_name[0] */
	char user_name[64];
	pid_t host_pid;         /* host_name was read by this pid */
	char host_name[256];
	/* The request's vhost and client, read from the SAPI when the request
	 * starts (RINIT), before any of its code runs: under mod_php a script
	 * can rewrite what the SAPI answers later (apache_setenv() writes
	 * Apache's subprocess_env), under plain CGI putenv() writes the
	 * environment the SAPI reads. emalloc()ed, freed after the last
	 * RSHUTDOWN (post deactivate): a session save handler can send mail
	 * from the session module's RSHUTDOWN. */
	bool request_read;      /* set from RINIT to post deactivate */
	char *request_vhost;    /* SERVER_NAME, else HTTP_HOST; NULL when none */
	char *request_client;   /* REMOTE_ADDR; NULL when none */
	char *request_entry;    /* the script the request started; NULL when none */
} mg_origin_cache;

typedef struct {
	zend_string *account;   /* mailguard.account, else the effective user name */
	zend_long uid;          /* effective uid of the process */
	zend_long owner;        /* owner of the entry script: the uid core's stamp uses */
	const char *script;     /* file of the innermost user frame */
	uint32_t line;          /* its line */
	const char *entry;      /* the script the request started */
	char *vhost;            /* SERVER_NAME, else HTTP_HOST, from the SAPI */
	char *client;           /* REMOTE_ADDR from the SAPI */
	bool own_vars;          /* vhost and client are this struct's (else the request's, read in RINIT) */
	const char *host;       /* this machine's host name */
	zend_long pid;
	const char *sapi;
} mg_origin;

/* Request start and end (RINIT, post deactivate): the SAPI's vhost,
 * client and entry script. */
void mg_origin_request_start(void);
void mg_origin_request_end(void);
void mg_origin_collect(mg_origin *o);
void mg_origin_free(mg_origin *o);
/* Whose uid the stamp names (mailguard.stamp_uid). */
typedef enum {
	MG_STAMP_UID_AUTO = 0,  /* apache2handler: the owner; any other SAPI: the process */
	MG_STAMP_UID_OWNER,     /* the owner of the entry script, as core's php_getuid() */
	MG_STAMP_UID_PROCESS    /* the effective uid of the process that sends */
} mg_stamp_uid_rule;

/* The uid core's own stamp would name (php_getuid()). */
zend_long mg_origin_core_uid(void);
/* The uid mailguard's stamp names, by mailguard.stamp_uid. */
zend_long mg_origin_stamp_uid(void);
/* The X-PHP-Originating-Script value in core's format: "<uid>:<basename>",
 * with mg_origin_stamp_uid(). */
zend_string *mg_origin_stamp_value(void);

#endif
