/*
  +----------------------------------------------------------------------+
  | mailguard: per-account mail accounting for shared PHP hosting        |
  +----------------------------------------------------------------------+
  | This source file is subject to the MIT license that is bundled with  |
  | this package in the file LICENSE.                                    |
  +----------------------------------------------------------------------+
*/

#ifndef MAILGUARD_STORE_H
#define MAILGUARD_STORE_H

/* The PostgreSQL side: one call of mailguard.mail() per mail, over one
 * connection per worker process, within mailguard.timeout_ms. */

typedef enum {
	MG_DB_ACCEPT,       /* within quota: send, with the trace id */
	MG_DB_REFUSE,       /* the database refused: reason says why */
	MG_DB_UNAVAILABLE   /* no answer in time, or an error: the fail mode decides */
} mg_db_verdict;

typedef struct {
	mg_db_verdict verdict;
	char reason[32];    /* refusal reason from the database, e.g. "over-quota" */
	char detail[96];    /* which limit, or the block reason (syslog only) */
	char trace[40];     /* the opaque id of the log row (accepted mails) */
	const char *error;  /* unavailable: a short cause for syslog ("timeout", ...) */
	char envelope[256]; /* accepted, envelope asked: the -f address, "" = none */
} mg_db_result;

/* The positional parameters of mailguard.mail(), in order. */
enum {
	MG_DB_ACCOUNT, MG_DB_RCPTS, MG_DB_FN, MG_DB_UID, MG_DB_OWNER, MG_DB_SCRIPT,
	MG_DB_LINE, MG_DB_ENTRY, MG_DB_VHOST, MG_DB_CLIENT, MG_DB_HOST, MG_DB_PID,
	MG_DB_SAPI, MG_DB_FROM, MG_DB_TO, MG_DB_CC, MG_DB_BCC, MG_DB_SUBJECT,
	MG_DB_NPARAMS
};

/* Asks the database about one mail. values[i] are NUL-terminated valid
 * UTF-8 (see mg_db_text()) or NULL. Never blocks past the deadline. */
/* One question: mailguard.mail() with these values. With `envelope` set,
 * mailguard.envelope() is asked in the same statement, with env_from (the
 * From address, may be NULL) for an accepted mail. */
void mg_db_check(const char *const values[MG_DB_NPARAMS], bool envelope, const char *env_from, mg_db_result *r);

/* Notes what happened to an accepted mail. The report goes to the database
 * with the next mail's question, or with mg_db_report(). */
void mg_db_outcome(const char *trace, bool sent);

/* Sends a noted outcome now, without waiting for the answer (which is read
 * before the next question). For the end of a request and of the process. */
void mg_db_report(void);

/* Appends `len` bytes of untrusted data as valid UTF-8 text of at most
 * `cap` bytes: NUL and invalid sequences become \xNN, cut at a character
 * boundary. */
void mg_db_text(smart_str *s, const char *v, size_t len, size_t cap);

/* Closes this process's connection (MSHUTDOWN); abandons one inherited
 * from another process without talking on it. */
void mg_db_close(void);

#endif
