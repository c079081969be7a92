/*
  +----------------------------------------------------------------------+
  | mailguard-milter: the MTA-side companion of the mailguard extension  |
  +----------------------------------------------------------------------+
  | This source file is subject to the MIT license that is bundled with  |
  | this package in the file LICENSE.                                    |
  +----------------------------------------------------------------------+
*/

/* Which uid submitted a message, from evidence the submitter cannot write
 * (docs/ARCHITECTURE.md, "The milter"):
 *   - sendmail command (postdrop -> pickup): Postfix's own first header in
 *     the queue file, which milters are never shown;
 *   - SMTP from this host: the owner of the client's end of the TCP
 *     connection, asked of the kernel by its 4-tuple (sock_diag netlink),
 *     or found in /proc/net/tcp{,6}. */

#define _GNU_SOURCE
#include "mgm.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* {{{ the queue file */
/* Postfix's record types (src/global/rec_type.h). */
#define REC_MESG 'M'    /* start of message content */
#define REC_NORM 'N'    /* a line */
#define REC_CONT 'L'    /* a piece of a line that goes on in the next record */
#define REC_PTR  'p'    /* in-place edit: go on at this offset */
#define REC_XTRA 'X'    /* end of message content */
#define REC_END  'E'

/* One record at *pos: type, data, length. 0 ok, -1 truncated/garbage. */
static int mgm_qf_record(const unsigned char *buf, size_t len, size_t *pos, int *type,
	const unsigned char **data, size_t *dlen)
{
	size_t p = *pos, n = 0;
	unsigned shift = 0;

	if (p >= len) {
		return -1;
	}
	*type = buf[p++];
	/* The length: 7 bits a byte, low bits first, high bit = more. */
	for (;;) {
		unsigned char b;

		if (p >= len || shift > 28) {
			return -1;
		}
		b = buf[p++];
		n |= (size_t) (b & 0x7f) << shift;
		shift += 7;
		if ((b & 0x80) == 0) {
			break;
		}
	}
	if (n > len - p) {
		return -1;
	}
	*data = buf + p;
	*dlen = n;
	*pos = p + n;
	return 0;
}

static int mgm_qf_append(char *out, size_t size, size_t *o, const unsigned char *d, size_t n)
{
	/* Postfix never writes a NUL into its own Received header: a header
	 * that has one is not the one it wrote (and would cut the string). */
	if (n >= size - *o || memchr(d, '\0', n) != NULL) {
		return -1;
	}
	memcpy(out + *o, d, n);
	*o += n;
	out[*o] = '\0';
	return 0;
}

long mgm_qf_first_header(const unsigned char *buf, size_t len, char *out, size_t size)
{
	size_t pos = 0, o = 0;
	int in_msg = 0, lines = 0, partial = 0, jumps = 0;

	if (size == 0) {
		return -1;
	}
	out[0] = '\0';
	for (;;) {
		int type;
		const unsigned char *d;
		size_t n;

		if (mgm_qf_record(buf, len, &pos, &type, &d, &n) != 0) {
			return -1;
		}
		if (type == REC_PTR) {
			/* "%15ld": where the content goes on; 0 = right here. */
			char num[32];
			char *end;
			long off;

			if (n == 0 || n >= sizeof(num) || ++jumps > 64) {
				return -1;
			}
			memcpy(num, d, n);
			num[n] = '\0';
			errno = 0;
			off = strtol(num, &end, 10);
			while (*end == ' ') {
				end++;
			}
			if (errno != 0 || *end != '\0' || off < 0 || (unsigned long) off >= len) {
				return -1;
			}
			if (off > 0) {
				pos = (size_t) off;
			}
			continue;
		}
		if (!in_msg) {
			if (type == REC_MESG) {
				in_msg = 1;
			} else if (type == REC_END) {
				return -1;
			}
			continue;
		}
		if (type != REC_NORM && type != REC_CONT) {
			/* the end of the headers (or of the content) */
			break;
		}
		if (!partial) {
			/* a new line: the first, or a continuation of it, or the end */
			if (lines > 0) {
				if (n == 0 || (d[0] != ' ' && d[0] != '\t')) {
					break;
				}
				/* unfold: the line break and its blanks become one space */
				while (n > 0 && (d[0] == ' ' || d[0] == '\t')) {
					d++;
					n--;
				}
				if (mgm_qf_append(out, size, &o, (const unsigned char *) " ", 1) != 0) {
					return -1;
				}
			} else if (n == 0) {
				return -1;  /* no header at all */
			}
			lines++;
		}
		if (mgm_qf_append(out, size, &o, d, n) != 0) {
			return -1;
		}
		partial = type == REC_CONT;
	}
	return lines > 0 ? (long) o : -1;
}

/* p starts with the n bytes of s */
static int mgm_eat(const char **p, const char *end, const char *s, size_t n)
{
	if ((size_t) (end - *p) < n || memcmp(*p, s, n) != 0) {
		return 0;
	}
	*p += n;
	return 1;
}
#define MGM_EAT(p, end, lit) mgm_eat(&(p), end, lit, sizeof(lit) - 1)

long mgm_received_uid(const char *hdr, size_t len, const char *host, const char *mail_name, const char *qid)
{
	const char *p = hdr, *end = hdr + len;
	long uid = 0;
	int digits = 0;

	if (host == NULL || host[0] == '\0' || mail_name == NULL || qid == NULL || qid[0] == '\0') {
		return -1;
	}
	if (!MGM_EAT(p, end, "Received: by ") || !mgm_eat(&p, end, host, strlen(host))
			|| !MGM_EAT(p, end, " (") || !mgm_eat(&p, end, mail_name, strlen(mail_name))
			|| !MGM_EAT(p, end, ", from userid ")) {
		return -1;
	}
	while (p < end && *p >= '0' && *p <= '9') {
		if (uid > (long) INT_MAX / 10) {
			return -1;
		}
		uid = uid * 10 + (*p++ - '0');
		digits++;
	}
	if (digits == 0 || !MGM_EAT(p, end, ")")) {
		return -1;
	}
	if (p == end || (*p != ' ' && *p != '\t')) {
		return -1;
	}
	while (p < end && (*p == ' ' || *p == '\t')) {
		p++;
	}
	if (!MGM_EAT(p, end, "id ") || !mgm_eat(&p, end, qid, strlen(qid)) || !MGM_EAT(p, end, ";")) {
		return -1;
	}
	return uid;
}

/* The name Postfix hashes a queue file's directory by (mail_queue_dir()
 * with hash_queue_names): a short queue ID itself; for a long one
 * (seconds, 4 base-52 digits of microseconds, 'z', the inode), those
 * microseconds as 5 upper-case hex digits. 0 ok, -1 not a queue ID. */
int mgm_queue_hash_key(const char *qid, char key[16])
{
	static const char b52[] = "0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz";
	const char *z = strrchr(qid, 'z');
	unsigned long usec = 0;
	int i;

	if (z == NULL || z - qid < 10) {
		snprintf(key, 16, "%.15s", qid);
		return 0;
	}
	for (i = 4; i > 0; i--) {
		const char *d = strchr(b52, z[-i]);

		if (z[-i] == '\0' || d == NULL) {
			return -1;
		}
		usec = usec * 52 + (unsigned long) (d - b52);
	}
	snprintf(key, 16, "%05lX", usec);
	return 0;
}

/* Queue files are small until the body; the first header follows the
 * envelope, which holds the command line's recipients. */
#define MGM_QF_MAX (8u << 20)

long mgm_queue_uid(const char *queue_dir, const char *qid, const char *host, const char *mail_name, const char **why)
{
	static const char *const dirs[] = { "incoming", "active", "hold" };
	unsigned char *buf = NULL;
	char path[PATH_MAX], hdr[1024];
	size_t len = 0, cap = 0;
	const char *q;
	int fd = -1;
	char key[16];
	int denied = 0;
	long uid;
	size_t i;

	*why = "bad-queue-id";
	if (qid == NULL || qid[0] == '\0' || strlen(qid) > 64) {
		return -1;
	}
	for (q = qid; *q != '\0'; q++) {
		if (!((*q >= '0' && *q <= '9') || (*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z'))) {
			return -1;
		}
	}
	if (mgm_queue_hash_key(qid, key) != 0) {
		return -1;
	}
	/* Each queue directory as it is, then hashed (hash_queue_names,
	 * hash_queue_depth 1 .. MGM_HASH_DEPTH_MAX): whichever holds it. */
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]) && fd < 0; i++) {
		int depth;

		for (depth = 0; depth <= MGM_HASH_DEPTH_MAX && fd < 0; depth++) {
			char forest[2 * MGM_HASH_DEPTH_MAX + 1];
			int d;

			for (d = 0; d < depth; d++) {
				forest[2 * d] = d < (int) strlen(key) ? key[d] : '_';
				forest[2 * d + 1] = '/';
			}
			forest[2 * depth] = '\0';
			if (snprintf(path, sizeof(path), "%s/%s/%s%s", queue_dir, dirs[i], forest, qid) >= (int) sizeof(path)) {
				*why = "queue-path-too-long";
				return -1;
			}
			fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			denied |= fd < 0 && errno == EACCES;
		}
	}
	if (fd < 0) {
		*why = denied ? "queue-file-unreadable" : "queue-file-missing";
		return -1;
	}
	for (;;) {
		ssize_t r;

		if (len == cap) {
			unsigned char *nb;

			if (cap >= MGM_QF_MAX) {
				break;
			}
			cap = cap == 0 ? 65536 : cap * 2;
			nb = realloc(buf, cap);
			if (nb == NULL) {
				free(buf);
				close(fd);
				*why = "out-of-memory";
				return -1;
			}
			buf = nb;
		}
		r = read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r <= 0) {
			break;
		}
		len += (size_t) r;
		/* enough once the first header is whole */
		if (mgm_qf_first_header(buf, len, hdr, sizeof(hdr)) >= 0 && len >= 4096) {
			break;
		}
	}
	close(fd);
	if (mgm_qf_first_header(buf, len, hdr, sizeof(hdr)) < 0) {
		free(buf);
		*why = "queue-file-no-header";
		return -1;
	}
	free(buf);
	uid = mgm_received_uid(hdr, strlen(hdr), host, mail_name, qid);
	if (uid < 0) {
		*why = "queue-file-not-local";   /* first header is not Postfix's own local-submission line */
	}
	return uid;
}
/* }}} */

/* {{{ the socket's owner */
int mgm_endpoint_parse(const char *text, unsigned port, mgm_endpoint *e)
{
	memset(e, 0, sizeof(*e));
	if (text == NULL) {
		return -1;
	}
	if (strncasecmp(text, "IPv6:", 5) == 0) {
		text += 5;
	}
	e->port = port;
	if (inet_pton(AF_INET, text, e->addr) == 1) {
		e->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, text, e->addr) == 1) {
		e->family = AF_INET6;
		return 0;
	}
	return -1;
}

/* The kernel prints each 32-bit word of the address as it lies in memory,
 * with %08X: parse words and store them back the same way. */
static int mgm_proc_addr(const char *hex, size_t n, unsigned char *out)
{
	size_t w;

	if (n != 8 && n != 32) {
		return -1;
	}
	for (w = 0; w < n / 8; w++) {
		char word[9];
		char *end;
		unsigned long v;
		uint32_t v32;

		memcpy(word, hex + w * 8, 8);
		word[8] = '\0';
		v = strtoul(word, &end, 16);
		if (*end != '\0') {
			return -1;
		}
		v32 = (uint32_t) v;
		memcpy(out + w * 4, &v32, 4);
	}
	return (int) (n / 2);
}

/* e as the bytes /proc shows for a socket of family `family` (a v4
 * address in a v6 file is v4-mapped). 0 when e cannot be in such a file. */
static size_t mgm_as_family(const mgm_endpoint *e, int family, unsigned char out[16])
{
	if (e->family == family) {
		memcpy(out, e->addr, family == AF_INET ? 4 : 16);
		return family == AF_INET ? 4 : 16;
	}
	if (e->family == AF_INET && family == AF_INET6) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, e->addr, 4);
		return 16;
	}
	return 0;
}

int mgm_proc_line(const char *line, const mgm_endpoint *client, const mgm_endpoint *server,
	uid_t *uid, unsigned long *inode, unsigned *state)
{
	char la[40], ra[40];
	unsigned lp, rp, st, u;
	unsigned long ino;
	unsigned char lb[16], rb[16], want[16];
	int ln, rn;
	size_t wn;

	if (sscanf(line, " %*u: %32[0-9A-Fa-f]:%x %32[0-9A-Fa-f]:%x %x %*x:%*x %*x:%*x %*x %u %*d %lu",
			la, &lp, ra, &rp, &st, &u, &ino) != 7) {
		return -1;
	}
	ln = mgm_proc_addr(la, strlen(la), lb);
	rn = mgm_proc_addr(ra, strlen(ra), rb);
	if (ln < 0 || rn != ln) {
		return -1;
	}
	if (lp != client->port) {
		return 0;
	}
	wn = mgm_as_family(client, ln == 4 ? AF_INET : AF_INET6, want);
	if (wn != (size_t) ln || memcmp(lb, want, wn) != 0) {
		return 0;
	}
	if (server != NULL && server->family != 0) {
		if (server->port != 0 && rp != server->port) {
			return 0;
		}
		wn = mgm_as_family(server, ln == 4 ? AF_INET : AF_INET6, want);
		if (wn != (size_t) rn || memcmp(rb, want, wn) != 0) {
			return 0;
		}
	}
	*uid = (uid_t) u;
	*inode = ino;
	*state = st;
	return 1;
}

#define MGM_TCP_TIME_WAIT 0x06
#define MGM_TCP_CLOSE 0x07
#define MGM_TCP_LISTEN 0x0A

int mgm_socket_uid(const char *tcp4, const char *tcp6, const mgm_endpoint *client, const mgm_endpoint *server,
	uid_t *uid, const char **why)
{
	const char *files[2];
	int found = 0, i;

	files[0] = client->family == AF_INET ? tcp4 : NULL;
	files[1] = tcp6;
	*why = "socket-gone";
	for (i = 0; i < 2 && !found; i++) {
		FILE *fp;
		char line[512];

		if (files[i] == NULL) {
			continue;
		}
		fp = fopen(files[i], "re");
		if (fp == NULL) {
			if (i == 0 || client->family == AF_INET6) {
				*why = "proc-unreadable";
			}
			continue;
		}
		while (fgets(line, sizeof(line), fp) != NULL) {
			uid_t u;
			unsigned long ino;
			unsigned st;

			if (mgm_proc_line(line, client, server, &u, &ino, &st) != 1) {
				continue;
			}
			if (st == MGM_TCP_LISTEN) {
				continue;
			}
			found = 1;
			if (st == MGM_TCP_TIME_WAIT || st == MGM_TCP_CLOSE) {
				*why = "socket-time-wait";
			} else if (ino == 0) {
				*why = "socket-orphaned";   /* no file: uid 0 means nothing */
			} else {
				*uid = u;
				fclose(fp);
				return 0;
			}
			break;
		}
		fclose(fp);
	}
	return -1;
}

int mgm_socket_uid_diag(const mgm_endpoint *client, const mgm_endpoint *server, uid_t *uid, const char **why)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
	} q;
	union {
		struct nlmsghdr nlh;
		char buf[4096];
	} r;
	struct sockaddr_nl kernel;
	const struct inet_diag_msg *m;
	size_t alen;
	ssize_t n;
	int fd;

	if (server == NULL || server->port == 0 || server->family != client->family
			|| (client->family != AF_INET && client->family != AF_INET6)) {
		return -2;
	}
	alen = client->family == AF_INET ? 4 : 16;
	memset(&q, 0, sizeof(q));
	q.nlh.nlmsg_len = sizeof(q);
	q.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	q.nlh.nlmsg_flags = NLM_F_REQUEST;      /* one socket, by its 4-tuple: no dump */
	q.nlh.nlmsg_seq = 1;
	q.req.sdiag_family = (unsigned char) client->family;
	q.req.sdiag_protocol = IPPROTO_TCP;
	q.req.idiag_states = ~0U;
	/* the client's socket: its local end is the client, its remote end the server */
	q.req.id.idiag_sport = htons((unsigned short) client->port);
	q.req.id.idiag_dport = htons((unsigned short) server->port);
	memcpy(q.req.id.idiag_src, client->addr, alen);
	memcpy(q.req.id.idiag_dst, server->addr, alen);
	q.req.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
	q.req.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0) {
		return -2;
	}
	memset(&kernel, 0, sizeof(kernel));
	kernel.nl_family = AF_NETLINK;
	if (sendto(fd, &q, sizeof(q), 0, (const struct sockaddr *) &kernel, sizeof(kernel)) != (ssize_t) sizeof(q)) {
		close(fd);
		return -2;
	}
	/* The kernel answers within sendto(): never wait for it. */
	do {
		n = recv(fd, &r, sizeof(r), MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR);
	close(fd);
	if (n < (ssize_t) sizeof(struct nlmsghdr) || r.nlh.nlmsg_len > (size_t) n || r.nlh.nlmsg_seq != 1) {
		return -2;
	}
	if (r.nlh.nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(&r.nlh);

		if (r.nlh.nlmsg_len >= NLMSG_LENGTH(sizeof(*e)) && e->error == -ENOENT) {
			*why = "socket-gone";
			return -1;
		}
		return -2;      /* e.g. no tcp_diag in this kernel */
	}
	if (r.nlh.nlmsg_type != SOCK_DIAG_BY_FAMILY || r.nlh.nlmsg_len < NLMSG_LENGTH(sizeof(*m))) {
		return -2;
	}
	m = NLMSG_DATA(&r.nlh);
	if (m->id.idiag_sport != q.req.id.idiag_sport || m->id.idiag_dport != q.req.id.idiag_dport) {
		return -2;
	}
	if (m->idiag_state == MGM_TCP_TIME_WAIT || m->idiag_state == MGM_TCP_CLOSE) {
		*why = "socket-time-wait";
		return -1;
	}
	if (m->idiag_inode == 0) {
		*why = "socket-orphaned";   /* no file: uid 0 means nothing */
		return -1;
	}
	*uid = (uid_t) m->idiag_uid;
	return 0;
}
/* }}} */
