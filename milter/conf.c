/*
  +----------------------------------------------------------------------+
  | mailguard-milter: the MTA-side companion of the mailguard extension  |
  +----------------------------------------------------------------------+
  | This source file is subject to the MIT license that is bundled with  |
  | this package in the file LICENSE.                                    |
  +----------------------------------------------------------------------+
*/

/* The config file: `key = value` lines, `#` comments (docs/install.md). */

#define _GNU_SOURCE
#include "conf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static int mgm_conf_str(char *dst, size_t size, const char *v)
{
	if (strlen(v) >= size) {
		return -1;
	}
	strcpy(dst, v);
	return 0;
}

static int mgm_conf_int(int *dst, const char *v, long lo, long hi)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < lo || n > hi) {
		return -1;
	}
	*dst = (int) n;
	return 0;
}

/* One of words (NULL-terminated): *dst = its index. */
static int mgm_conf_word(int *dst, const char *v, const char *const words[])
{
	int i;

	for (i = 0; words[i] != NULL; i++) {
		if (strcmp(v, words[i]) == 0) {
			*dst = i;
			return 0;
		}
	}
	return -1;
}

/* The words of a boolean setting, in mgm_conf_word()'s order. */
static const char *const offon[] = { "off", "on", NULL };

/* "1000-59999, 70000-79999" */
static int mgm_conf_ranges(mgm_conf *c, const char *v)
{
	const char *p = v;

	c->nuids = 0;
	while (*p != '\0') {
		char *end;
		unsigned long lo, hi;

		while (*p == ' ' || *p == ',') {
			p++;
		}
		if (*p == '\0') {
			break;
		}
		if (*p < '0' || *p > '9' || c->nuids == MGM_MAX_RANGES) {
			return -1;
		}
		lo = strtoul(p, &end, 10);
		hi = lo;
		p = end;
		if (*p == '-') {
			p++;
			if (*p < '0' || *p > '9') {
				return -1;
			}
			hi = strtoul(p, &end, 10);
			p = end;
		}
		if (hi < lo || hi > 4294967294UL || (*p != '\0' && *p != ',' && *p != ' ')) {
			return -1;
		}
		c->uids[c->nuids].lo = lo;
		c->uids[c->nuids].hi = hi;
		c->nuids++;
	}
	return c->nuids > 0 ? 0 : -1;
}

int mgm_conf_customer(const mgm_conf *c, unsigned long uid)
{
	int i;

	for (i = 0; i < c->nuids; i++) {
		if (uid >= c->uids[i].lo && uid <= c->uids[i].hi) {
			return 1;
		}
	}
	return 0;
}

static char *mgm_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t') {
		s++;
	}
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r')) {
		*--e = '\0';
	}
	return s;
}

int mgm_conf_load(const char *path, mgm_conf *c, char *err, size_t errsize)
{
	char line[2048];
	struct stat st;
	FILE *fp;
	int fd, n = 0, have_dsn = 0;

	memset(c, 0, sizeof(*c));
	strcpy(c->socket, "unix:/run/mailguard-milter/milter.sock");
	strcpy(c->queue_directory, "/var/spool/postfix");
	strcpy(c->mail_name, "Postfix");
	c->uids[0].lo = 1000;
	c->uids[0].hi = 59999;
	c->nuids = 1;
	c->fail_mode = MGM_FAIL_TEMPFAIL;
	c->deadline_ms = 500;
	c->retry_ms = 1000;
	c->milter_timeout = 60;
	c->db_connections = 4;
	c->sync_commit = 1;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errsize, "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	/* It holds the DSN: nobody but its owner (root) may read or change it. */
	if ((st.st_uid != 0 && st.st_uid != geteuid()) || (st.st_mode & 077) != 0) {
		snprintf(err, errsize, "%s: must be owned by root and mode 0600 (or 0400)", path);
		close(fd);
		return -1;
	}
	fp = fdopen(fd, "r");
	if (fp == NULL) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *k, *v, *eq;
		int bad = 0;

		n++;
		if (strchr(line, '\n') == NULL && !feof(fp)) {
			snprintf(err, errsize, "%s line %d: too long", path, n);
			fclose(fp);
			return -1;
		}
		k = mgm_trim(line);
		if (*k == '\0' || *k == '#') {
			continue;
		}
		eq = strchr(k, '=');
		if (eq == NULL) {
			snprintf(err, errsize, "%s line %d: expected key = value", path, n);
			fclose(fp);
			return -1;
		}
		*eq = '\0';
		k = mgm_trim(k);
		v = mgm_trim(eq + 1);
		if (strcmp(k, "dsn") == 0) {
			bad = mgm_conf_str(c->dsn, sizeof(c->dsn), v);
			have_dsn = 1;
		} else if (strcmp(k, "socket") == 0) {
			bad = mgm_conf_str(c->socket, sizeof(c->socket), v);
		} else if (strcmp(k, "user") == 0) {
			bad = mgm_conf_str(c->user, sizeof(c->user), v);
		} else if (strcmp(k, "customer_uids") == 0) {
			bad = mgm_conf_ranges(c, v);
		} else if (strcmp(k, "fail_mode") == 0) {
			static const char *const modes[] = { "tempfail", "accept", "reject", NULL };   /* mgm_fail_mode's order */
			int m = 0;

			bad = mgm_conf_word(&m, v, modes);
			c->fail_mode = (mgm_fail_mode) m;
		} else if (strcmp(k, "deadline_ms") == 0) {
			bad = mgm_conf_int(&c->deadline_ms, v, 10, 60000);
		} else if (strcmp(k, "retry_ms") == 0) {
			bad = mgm_conf_int(&c->retry_ms, v, 0, 600000);
		} else if (strcmp(k, "milter_timeout") == 0) {
			bad = mgm_conf_int(&c->milter_timeout, v, 1, 3600);
		} else if (strcmp(k, "db_connections") == 0) {
			bad = mgm_conf_int(&c->db_connections, v, 1, 64);
		} else if (strcmp(k, "synchronous_commit") == 0) {
			bad = mgm_conf_word(&c->sync_commit, v, offon);
		} else if (strcmp(k, "queue_directory") == 0) {
			bad = mgm_conf_str(c->queue_directory, sizeof(c->queue_directory), v) || v[0] != '/';
		} else if (strcmp(k, "myhostname") == 0) {
			bad = mgm_conf_str(c->myhostname, sizeof(c->myhostname), v);
		} else if (strcmp(k, "mail_name") == 0) {
			bad = mgm_conf_str(c->mail_name, sizeof(c->mail_name), v) || v[0] == '\0';
		} else if (strcmp(k, "log") == 0) {
			static const char *const logs[] = { "syslog", "stderr", NULL };

			bad = mgm_conf_word(&c->log_stderr, v, logs);
		} else if (strcmp(k, "log_timing") == 0) {
			bad = mgm_conf_word(&c->log_timing, v, offon);
		} else {
			snprintf(err, errsize, "%s line %d: unknown setting '%s'", path, n, k);
			fclose(fp);
			return -1;
		}
		if (bad) {
			snprintf(err, errsize, "%s line %d: invalid value for %s", path, n, k);
			fclose(fp);
			return -1;
		}
	}
	fclose(fp);
	if (!have_dsn || c->dsn[0] == '\0') {
		snprintf(err, errsize, "%s: no dsn", path);
		return -1;
	}
	return 0;
}
