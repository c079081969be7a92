/*
   +----------------------------------------------------------------------+
   | mailguard: syslog datagram writer                                    |
   +----------------------------------------------------------------------+
   | Plain POSIX on purpose: no syslog(3) (userland openlog() changes its |
   | ident/facility for the whole process), no php_syslog, no strftime()  |
   | (setlocale() would translate month names), nothing a script can      |
   | reach. Also built standalone by tests/log.                           |
   +----------------------------------------------------------------------+
*/

#ifndef _GNU_SOURCE
# define _GNU_SOURCE 1
#endif

#define MG_LOG_NO_ZEND
#include "log.h"
#include "utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <syslog.h>	/* LOG_* constants only */
#include <time.h>
#include <unistd.h>

#ifndef MSG_NOSIGNAL
# define MSG_NOSIGNAL 0	/* datagram sockets do not raise SIGPIPE anyway */
#endif

/*
 * Cached socket. Unconnected: every sendmsg() names the path, so a restarted
 * syslog daemon (new socket inode) is used at once, with no reconnect logic
 * and no lost first message.
 *
 * mg_log_fd_pid tags the process that created it. After fork() the child
 * closes its inherited copy (a dup: the parent's socket stays open) and
 * creates its own, so processes never share one socket's send buffer
 * (AF_UNIX charges queued datagrams to the sender socket).
 *
 * dev/ino identify the socket (one fstat() per send): if some other code
 * closed our fd and the number got reused, we forget the number (never close
 * it) rather than write the line into somebody else's file or connection;
 * TCP would ignore sendmsg()'s address and send it to the peer.
 */
static int mg_log_fd = -1;
static pid_t mg_log_fd_pid;
static dev_t mg_log_fd_dev;
static ino_t mg_log_fd_ino;

/*
 * Guards the state above in ZTS builds: 0 when free, else the holder's pid.
 * Only ever try-locked: a thread that loses falls back to a one-shot socket,
 * so nobody waits. A lock inherited locked through fork() carries a pid that
 * is not ours (its holder thread does not exist in the child) and is taken
 * over.
 */
static pid_t mg_log_lock_pid;

#if defined(__GNUC__) || defined(__clang__)
# define MG_CAS(p, e, d) \
	__atomic_compare_exchange_n((p), (e), (d), false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)
# define MG_RELEASE(p) __atomic_store_n((p), 0, __ATOMIC_RELEASE)
#else
/* No atomics available: correct for NTS builds only. */
static bool mg_cas_plain(pid_t *p, pid_t *e, pid_t d)
{
	if (*p == *e) {
		*p = d;
		return true;
	}
	*e = *p;
	return false;
}
# define MG_CAS(p, e, d) mg_cas_plain((p), (e), (d))
# define MG_RELEASE(p) (*(p) = 0)
#endif

static bool mg_log_trylock(pid_t self)
{
	pid_t seen = 0;

	if (MG_CAS(&mg_log_lock_pid, &seen, self)) {
		return true;
	}
	/* seen == self: another thread of ours holds it. */
	return seen != self && MG_CAS(&mg_log_lock_pid, &seen, self);
}

static void mg_log_unlock(void)
{
	MG_RELEASE(&mg_log_lock_pid);
}

static int mg_log_socket(void)
{
	int fd;

#if defined(SOCK_CLOEXEC) && defined(SOCK_NONBLOCK)
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
#else
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd >= 0) {
		(void) fcntl(fd, F_SETFD, FD_CLOEXEC);
		(void) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	}
#endif
	return fd;
}

static bool mg_log_fd_is_ours(void)
{
	struct stat st;

	return fstat(mg_log_fd, &st) == 0 && S_ISSOCK(st.st_mode)
		&& st.st_dev == mg_log_fd_dev && st.st_ino == mg_log_fd_ino;
}

/* Returns the cached socket for this process, creating it if needed. Caller
 * holds the lock. */
static int mg_log_cached_socket(pid_t self)
{
	struct stat st;
	int fd;

	if (mg_log_fd >= 0) {
		if (!mg_log_fd_is_ours()) {
			mg_log_fd = -1;
		} else if (mg_log_fd_pid != self) {
			close(mg_log_fd);
			mg_log_fd = -1;
		} else {
			return mg_log_fd;
		}
	}

	fd = mg_log_socket();
	if (fd < 0) {
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		close(fd);
		return -1;
	}
	mg_log_fd = fd;
	mg_log_fd_pid = self;
	mg_log_fd_dev = st.st_dev;
	mg_log_fd_ino = st.st_ino;
	return fd;
}

/* "<PRI>Mmm dd hh:mm:ss mailguard[pid]: ". Month names are fixed English as
 * RFC 3164 requires; strftime() would follow LC_TIME. */
static int mg_log_header(char *buf, size_t size, int pri, pid_t pid, time_t now)
{
	static const char months[12][4] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
	};
	struct tm tm;

	if (localtime_r(&now, &tm) == NULL || tm.tm_mon < 0 || tm.tm_mon > 11) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_mday = 1;
	}
	return snprintf(buf, size, "<%d>%s %2d %02d:%02d:%02d " MG_LOG_IDENT "[%ld]: ",
		pri, months[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		(long) pid);
}

/* Largest prefix of msg[0, len) (len > limit) that fits limit without
 * splitting a strict UTF-8 sequence: when one of the (at most) 3 bytes
 * before the cut starts a sequence that runs past it, cut before that. */
static size_t mg_log_utf8_cut(const char *msg, size_t len, size_t limit)
{
	const unsigned char *p = (const unsigned char *) msg;
	size_t back;

	for (back = 1; back <= 3 && back <= limit; back++) {
		if (mg_utf8_seq(p + limit - back, len - (limit - back), NULL) > back) {
			return limit - back;
		}
	}
	return limit;
}

static const struct {
	const char *name;
	size_t len;
	int code;
} mg_log_facilities[] = {
	{ "user",     4, LOG_USER },
	{ "mail",     4, LOG_MAIL },
	{ "daemon",   6, LOG_DAEMON },
	{ "auth",     4, LOG_AUTH },
	{ "authpriv", 8, LOG_AUTHPRIV },
	{ "news",     4, LOG_NEWS },
	{ "uucp",     4, LOG_UUCP },
	{ "cron",     4, LOG_CRON },
	{ "local0",   6, LOG_LOCAL0 },
	{ "local1",   6, LOG_LOCAL1 },
	{ "local2",   6, LOG_LOCAL2 },
	{ "local3",   6, LOG_LOCAL3 },
	{ "local4",   6, LOG_LOCAL4 },
	{ "local5",   6, LOG_LOCAL5 },
	{ "local6",   6, LOG_LOCAL6 },
	{ "local7",   6, LOG_LOCAL7 },
};

#define MG_LOG_NFACILITIES (sizeof(mg_log_facilities) / sizeof(mg_log_facilities[0]))

int mg_log_facility_from_name(const char *name, size_t len)
{
	size_t i, j;

	if (!name) {
		return -1;
	}
	for (i = 0; i < MG_LOG_NFACILITIES; i++) {
		if (mg_log_facilities[i].len != len) {
			continue;
		}
		/* ASCII folding by hand: strncasecmp() follows the locale (tr_TR). */
		for (j = 0; j < len; j++) {
			unsigned char c = (unsigned char) name[j];

			if (c >= 'A' && c <= 'Z') {
				c += 'a' - 'A';
			}
			if (c != (unsigned char) mg_log_facilities[i].name[j]) {
				break;
			}
		}
		if (j == len) {
			return mg_log_facilities[i].code;
		}
	}
	return -1;
}

const char *mg_log_facility_name(int facility)
{
	size_t i;

	for (i = 0; i < MG_LOG_NFACILITIES; i++) {
		if (mg_log_facilities[i].code == facility) {
			return mg_log_facilities[i].name;
		}
	}
	return NULL;
}

int mg_log_send(const char *path, int facility, int severity,
		const char *msg, size_t msg_len, size_t max_len)
{
	struct sockaddr_un sa;
	struct msghdr mh;
	struct iovec iov[2];
	char hdr[64];
	size_t plen, body;
	ssize_t sent = -1;
	pid_t self;
	int hlen, fd, saved_errno;

	if (!path || (!msg && msg_len) || severity < 0 || severity > 7
			|| mg_log_facility_name(facility) == NULL) {
		return -1;
	}
	plen = strnlen(path, sizeof(sa.sun_path));
	if (plen == 0 || plen == sizeof(sa.sun_path)) {
		return -1;	/* empty, or no room for the terminating NUL */
	}

	/* Logging must not clobber errno for the mail() code around us. */
	saved_errno = errno;
	self = getpid();

	hlen = mg_log_header(hdr, sizeof(hdr), facility | severity, self, time(NULL));
	if (max_len == 0) {
		max_len = MG_LOG_DEFAULT_MAX_LEN;
	}
	if (hlen <= 0 || (size_t) hlen >= sizeof(hdr) || (size_t) hlen >= max_len) {
		errno = saved_errno;
		return -1;
	}
	body = msg_len;
	if (body > max_len - (size_t) hlen) {
		body = mg_log_utf8_cut(msg, msg_len, max_len - (size_t) hlen);
	}

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, plen + 1);

	iov[0].iov_base = hdr;
	iov[0].iov_len = (size_t) hlen;
	iov[1].iov_base = (void *) msg;
	iov[1].iov_len = body;
	memset(&mh, 0, sizeof(mh));
	mh.msg_name = &sa;
	mh.msg_namelen = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + plen + 1);
	mh.msg_iov = iov;
	mh.msg_iovlen = body ? 2 : 1;

	if (mg_log_trylock(self)) {
		fd = mg_log_cached_socket(self);
		if (fd >= 0) {
			sent = sendmsg(fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
		}
		mg_log_unlock();
	} else {
		/* Another thread is using the cached socket: don't wait for it. */
		fd = mg_log_socket();
		if (fd >= 0) {
			sent = sendmsg(fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
			close(fd);
		}
	}

	errno = saved_errno;
	return sent == (ssize_t) (hlen + body) ? 0 : -1;
}

void mg_log_close(void)
{
	int saved_errno = errno;
	pid_t self = getpid();

	if (!mg_log_trylock(self)) {
		return;
	}
	if (mg_log_fd >= 0 && mg_log_fd_pid == self && mg_log_fd_is_ours()) {
		close(mg_log_fd);
	}
	mg_log_fd = -1;
	mg_log_unlock();
	errno = saved_errno;
}
