/*
 * Standalone checks for ext/mailguard/log.c (line builder) and
 * ext/mailguard/log_writer.c (syslog datagram writer).
 *
 * The builder (log.c, a separate object) is compiled against the real Zend
 * headers; the only Zend symbol it needs at link time, smart_str_ferealloc(),
 * is provided below on top of malloc. The writer is #included so the tests
 * can look at its cached socket state (fork handling, stolen fd, lock).
 *
 * Prints one line per failure and ends with "N passed, N failed".
 */

/* First, before any PHP header: the writer is compiled exactly as in the
 * extension (php.h would e.g. turn its snprintf into ap_php_snprintf). */
#include "log_writer.c"

#include "php.h"
#include "zend_smart_str.h"
#undef MG_LOG_NO_ZEND
#include "log.h"

/* The test's own formatting uses libc, not PHP's replacements. */
#undef snprintf
#undef vsnprintf

#include <arpa/inet.h>
#include <locale.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/wait.h>

static int passed, failed;

static void check(bool ok, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* ---- smart_str shim: the one out-of-line Zend function log.c uses ---- */

ZEND_API bool ZEND_FASTCALL smart_str_ferealloc(smart_str *str, size_t len, bool fallible)
{
	/* Exact-size growth so ASan catches any write past ZSTR_LEN + NUL. */
	zend_string *ns = realloc(str->s, _ZSTR_STRUCT_SIZE(len));

	(void) fallible;
	if (!ns) {
		abort();
	}
	if (!str->s) {
		ZSTR_LEN(ns) = 0;
	}
	str->s = ns;
	str->a = len;
	return true;
}

static void sfree(smart_str *s)
{
	free(s->s);
	s->s = NULL;
	s->a = 0;
}

/* Renders non-printable bytes so failure lines stay on one line. */
static const char *show(const char *p, size_t n)
{
	static char buf[4][1024];
	static int which;
	char *out = buf[which++ & 3];
	size_t i, o = 0;

	for (i = 0; i < n && o + 5 < sizeof(buf[0]); i++) {
		unsigned char c = (unsigned char) p[i];

		if (c >= 0x20 && c < 0x7f) {
			out[o++] = (char) c;
		} else {
			o += (size_t) snprintf(out + o, 5, "<%02x>", c);
		}
	}
	out[o] = '\0';
	return out;
}

/* ---- builder ---- */

static void expect_kv(const char *val, size_t len, size_t cap, const char *want)
{
	smart_str s = {0};

	mg_log_kv(&s, "k", val, len, cap);
	smart_str_0(&s);
	check(s.s && strcmp(ZSTR_VAL(s.s), want) == 0,
		"mg_log_kv(%s, cap=%zu): got [%s] want [%s]",
		val ? show(val, len) : "NULL", cap,
		s.s ? show(ZSTR_VAL(s.s), ZSTR_LEN(s.s)) : "(null)", want);
	sfree(&s);
}

#define KV(lit, cap, want) expect_kv((lit), sizeof(lit) - 1, (cap), (want))

static void test_builder_cases(void)
{
	smart_str s = {0};

	/* bare */
	KV("alice", 0, "k=alice");
	KV("a.example", 0, "k=a.example");
	KV("203.0.113.9", 0, "k=203.0.113.9");
	KV("2001:db8::1", 0, "k=2001:db8::1");
	KV("fpm-fcgi", 0, "k=fpm-fcgi");
	KV("/srv/a/contact.php:42", 0, "k=/srv/a/contact.php:42");
	KV("a+b@x.example", 0, "k=a+b@x.example");

	/* empty / NULL */
	expect_kv("", 0, 0, "k=\"\"");
	expect_kv(NULL, 0, 0, "k=\"\"");
	expect_kv(NULL, 5, 0, "k=\"\"");
	expect_kv("abc", 0, 0, "k=\"\"");

	/* needs quotes */
	KV("a=b", 0, "k=\"a=b\"");
	KV("b@x, c@y", 0, "k=\"b@x, c@y\"");
	KV("Alice <a@a.example>", 0, "k=\"Alice <a@a.example>\"");
	KV("Hello \"you\"", 0, "k=\"Hello \\\"you\\\"\"");
	KV("C:\\dir\\", 0, "k=\"C:\\\\dir\\\\\"");
	KV("~user", 0, "k=\"~user\"");

	/* control bytes */
	KV("a\r\nb", 0, "k=\"a\\x0d\\x0ab\"");
	KV("a\0b", 0, "k=\"a\\x00b\"");
	KV("\t\x1b[31m\x7f", 0, "k=\"\\x09\\x1b[31m\\x7f\"");
	KV("x\r\nBcc: victim@example.com", 0, "k=\"x\\x0d\\x0aBcc: victim@example.com\"");

	/* forged fields stay inside quotes */
	KV("x verdict=accept", 0, "k=\"x verdict=accept\"");
	KV("x\" verdict=\"accept", 0, "k=\"x\\\" verdict=\\\"accept\"");
	KV("x\\\" verdict=accept", 0, "k=\"x\\\\\\\" verdict=accept\"");

	/* valid UTF-8 kept */
	KV("Gr\xc3\xbc\xc3\x9f" "e", 0, "k=\"Gr\xc3\xbc\xc3\x9f" "e\"");
	KV("\xe6\x97\xa5\xe6\x9c\xac", 0, "k=\"\xe6\x97\xa5\xe6\x9c\xac\"");
	KV("\xf0\x9f\x8e\x89", 0, "k=\"\xf0\x9f\x8e\x89\"");
	KV("\xef\xbf\xbf\xf4\x8f\xbf\xbf", 0, "k=\"\xef\xbf\xbf\xf4\x8f\xbf\xbf\"");
	KV("\xc2\xa0", 0, "k=\"\xc2\xa0\"");

	/* invalid UTF-8 escaped byte by byte */
	KV("\xff", 0, "k=\"\\xff\"");
	KV("\xc0\xaf", 0, "k=\"\\xc0\\xaf\"");				/* overlong '/' */
	KV("\xe0\x80\xaf", 0, "k=\"\\xe0\\x80\\xaf\"");		/* overlong */
	KV("\xf0\x80\x80\xaf", 0, "k=\"\\xf0\\x80\\x80\\xaf\"");	/* overlong */
	KV("\xed\xa0\x80", 0, "k=\"\\xed\\xa0\\x80\"");		/* surrogate */
	KV("\xf4\x90\x80\x80", 0, "k=\"\\xf4\\x90\\x80\\x80\"");	/* > U+10FFFF */
	KV("\xf5\x80\x80\x80", 0, "k=\"\\xf5\\x80\\x80\\x80\"");
	KV("a\xe2\x82", 0, "k=\"a\\xe2\\x82\"");			/* cut short at end */
	KV("\xe2\x82z", 0, "k=\"\\xe2\\x82z\"");
	KV("\x80\xbf", 0, "k=\"\\x80\\xbf\"");
	KV("\xe2\x82\xac\xac", 0, "k=\"\xe2\x82\xac\\xac\"");	/* euro + stray */

	/* valid but unsafe code points */
	KV("\xc2\x85", 0, "k=\"\\xc2\\x85\"");			/* NEL */
	KV("\xc2\x9b" "2J", 0, "k=\"\\xc2\\x9b2J\"");		/* 8-bit CSI */
	KV("a\xe2\x80\xa8" "b", 0, "k=\"a\\xe2\\x80\\xa8b\"");	/* U+2028 */
	KV("\xe2\x80\xae" "cba", 0, "k=\"\\xe2\\x80\\xaecba\"");	/* RLO */
	KV("\xe2\x81\xa6", 0, "k=\"\\xe2\\x81\\xa6\"");		/* LRI */
	KV("\xe2\x80\xad\xe2\x80\xaf", 0, "k=\"\\xe2\\x80\\xad\xe2\x80\xaf\"");	/* LRO, then U+202F kept */

	/* cap */
	KV("abcdefghij", 10, "k=abcdefghij");
	KV("abcdefghij", 11, "k=abcdefghij");
	KV("abcdefghij", 9, "k=\"abcd...\"");
	KV("a b", 5, "k=\"a b\"");
	KV("a bc", 5, "k=\"...\"");
	KV("hello world", 1, "k=\"...\"");
	KV("hello world", 6, "k=\"h...\"");
	KV("a\"bcdef", 8, "k=\"a\\\"...\"");			/* keeps whole \" */
	KV("a\"bcdef", 7, "k=\"a...\"");			/* never half of \" */
	KV("\n\n\n", 14, "k=\"\\x0a\\x0a\\x0a\"");
	KV("\n\n\n", 13, "k=\"\\x0a\\x0a...\"");
	KV("\n\n\n", 12, "k=\"\\x0a...\"");
	KV("\n\n\n", 8, "k=\"...\"");
	KV("\xc3\xa9\xc3\xa9\xc3\xa9", 8, "k=\"\xc3\xa9\xc3\xa9\xc3\xa9\"");
	KV("\xc3\xa9\xc3\xa9\xc3\xa9", 7, "k=\"\xc3\xa9...\"");
	KV("\xc3\xa9\xc3\xa9\xc3\xa9", 6, "k=\"...\"");
	KV("a\xf0\x9f\x8e\x89", 7, "k=\"a\xf0\x9f\x8e\x89\"");
	KV("a\xf0\x9f\x8e\x89", 6, "k=\"a...\"");		/* never half an emoji */
	KV("\xe2\x80\xae" "x", 15, "k=\"\\xe2\\x80\\xaex\"");
	KV("\xe2\x80\xae" "x", 14, "k=\"...\"");		/* RLO escape is one unit */

	/* pairs, separators, longs */
	mg_log_kv(&s, "verdict", "accept", 6, 0);
	mg_log_kv(&s, "account", "alice", 5, 0);
	mg_log_kv_long(&s, "uid", 1001);
	mg_log_kv(&s, "subject", "Hello \"you\"", 11, 0);
	mg_log_kv(&s, "cc", "", 0, 0);
	mg_log_kv_long(&s, "neg", -42);
	mg_log_kv_long(&s, "min", ZEND_LONG_MIN);
	smart_str_0(&s);
	{
		char want[256];

		snprintf(want, sizeof(want),
			"verdict=accept account=alice uid=1001 subject=\"Hello \\\"you\\\"\" cc=\"\" neg=-42 min="
			ZEND_LONG_FMT, ZEND_LONG_MIN);
		check(strcmp(ZSTR_VAL(s.s), want) == 0, "pairs: got [%s] want [%s]",
			ZSTR_VAL(s.s), want);
	}
	sfree(&s);

	/* appending to a non-empty buffer adds exactly one space */
	smart_str_appendl(&s, "x", 1);
	mg_log_kv_long(&s, "n", 0);
	smart_str_0(&s);
	check(strcmp(ZSTR_VAL(s.s), "x n=0") == 0, "separator: got [%s]", ZSTR_VAL(s.s));
	sfree(&s);

	/* large value, unlimited cap */
	{
		size_t n = 100000, i;
		char *big = malloc(n);

		for (i = 0; i < n; i++) {
			big[i] = (i % 7 == 0) ? '\n' : 'a';
		}
		mg_log_kv(&s, "k", big, n, 0);
		check(ZSTR_LEN(s.s) == 2 + 2 + n + (n / 7 + 1) * 3,
			"large value: len %zu", ZSTR_LEN(s.s));
		sfree(&s);
		mg_log_kv(&s, "k", big, n, 1000);
		check(ZSTR_LEN(s.s) <= 2 + 1000 && memcmp(ZSTR_VAL(s.s) + ZSTR_LEN(s.s) - 4, "...\"", 4) == 0,
			"large value capped: len %zu", ZSTR_LEN(s.s));
		sfree(&s);
		free(big);
	}
}

/* Independent reader for the line format: splits pairs honouring quotes and
 * undoes the escapes. Returns the number of pairs or -1 on a syntax error. */
struct pair {
	char key[32];
	char val[1024];
	size_t len;
	bool quoted;
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	return -1;
}

static int parse_line(const char *p, size_t n, struct pair *out, int max)
{
	size_t i = 0, k;
	int np = 0;

	while (i < n) {
		struct pair *pr;

		if (np == max) {
			return -1;
		}
		pr = &out[np++];
		if (np > 1) {
			if (p[i] != ' ') {
				return -1;
			}
			i++;
		}
		for (k = 0; i < n && p[i] >= 'a' && p[i] <= 'z' && k < sizeof(pr->key) - 1; i++) {
			pr->key[k++] = p[i];
		}
		pr->key[k] = '\0';
		if (k == 0 || i >= n || p[i++] != '=') {
			return -1;
		}
		pr->len = 0;
		pr->quoted = (i < n && p[i] == '"');
		if (!pr->quoted) {
			while (i < n && p[i] != ' ') {
				if (pr->len == sizeof(pr->val)) {
					return -1;
				}
				pr->val[pr->len++] = p[i++];
			}
			continue;
		}
		for (i++; ; ) {
			int c;

			if (i >= n || pr->len == sizeof(pr->val)) {
				return -1;
			}
			if (p[i] == '"') {
				i++;
				break;
			}
			if (p[i] != '\\') {
				pr->val[pr->len++] = p[i++];
				continue;
			}
			if (i + 1 >= n) {
				return -1;
			}
			if (p[i + 1] == '"' || p[i + 1] == '\\') {
				pr->val[pr->len++] = p[i + 1];
				i += 2;
				continue;
			}
			if (p[i + 1] != 'x' || i + 3 >= n || hexval(p[i + 2]) < 0 || hexval(p[i + 3]) < 0) {
				return -1;
			}
			c = hexval(p[i + 2]) * 16 + hexval(p[i + 3]);
			pr->val[pr->len++] = (char) c;
			i += 4;
		}
	}
	return np;
}

/* Every byte >= 0x80 of the output must be strict UTF-8, with no C1. */
static bool utf8_clean(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = p[i];
		uint32_t cp;
		size_t need, j;

		if (c < 0x20 || c == 0x7f) {
			return false;
		}
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 2;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 3;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (i + need > n) {
			return false;
		}
		for (j = 1; j < need; j++) {
			if ((p[i + j] & 0xc0) != 0x80) {
				return false;
			}
			cp = (cp << 6) | (p[i + j] & 0x3f);
		}
		if ((need == 3 && cp < 0x800) || (need == 4 && (cp < 0x10000 || cp > 0x10ffff))
				|| (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f)
				|| (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)
				|| cp == 0x2028 || cp == 0x2029) {
			return false;
		}
		i += need;
	}
	return true;
}

static uint32_t rng_state = 12345;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/* Random values built from nasty pieces; each line must parse back into the
 * same three keys, be free of control bytes / bad UTF-8, respect the cap and
 * round-trip (or be a prefix of the value plus "..." when truncated). */
static void test_builder_fuzz(void)
{
	static const char *pieces[] = {
		"a", "Z", "9", ".", "-", "@", ":", "/", "+", "_", " ", "=", ",", "\"", "\\",
		"\r", "\n", "\0", "\t", "\x7f", "\x1b", "verdict=accept", "\" x=\"",
		"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x8e\x89", "\xc2\x85", "\xe2\x80\xae",
		"\xe2\x80\xa8", "\xff", "\xc0", "\x80", "\xe2\x82", "\xed\xa0\x80",
		"\xf4\x90\x80\x80", "\\x41",
	};
	const int npieces = (int) (sizeof(pieces) / sizeof(pieces[0]));
	int iter, bad = 0;

	for (iter = 0; iter < 20000; iter++) {
		char val[300];
		size_t len = 0, cap, vallen_out;
		int npc = (int) (rnd() % 12), j;
		smart_str s = {0};
		struct pair pr[4];
		int np;
		const char *why = NULL;

		for (j = 0; j < npc; j++) {
			const char *pc = pieces[rnd() % (uint32_t) npieces];
			size_t pl = pc[0] ? strlen(pc) : 1;	/* "\0" is one NUL byte */

			memcpy(val + len, pc, pl);
			len += pl;
		}
		cap = (rnd() % 4 == 0) ? 0 : rnd() % 80;

		mg_log_kv(&s, "verdict", "reject", 6, 0);
		mg_log_kv(&s, "subject", val, len, cap);
		mg_log_kv_long(&s, "pid", 7);

		np = parse_line(ZSTR_VAL(s.s), ZSTR_LEN(s.s), pr, 4);
		vallen_out = ZSTR_LEN(s.s) - strlen("verdict=reject subject=") - strlen(" pid=7");
		if (np != 3 || strcmp(pr[0].key, "verdict") || strcmp(pr[1].key, "subject")
				|| strcmp(pr[2].key, "pid") || pr[0].len != 6 || memcmp(pr[0].val, "reject", 6)
				|| pr[2].len != 1 || pr[2].val[0] != '7') {
			why = "structure";
		} else if (!utf8_clean((const unsigned char *) ZSTR_VAL(s.s), ZSTR_LEN(s.s))) {
			why = "bytes";
		} else if (cap && vallen_out > (cap < 5 ? 5 : cap)) {
			why = "cap";
		} else if (pr[1].len == len && memcmp(pr[1].val, val, len) == 0) {
			/* round trip */
		} else if (cap && pr[1].quoted && pr[1].len >= 3
				&& memcmp(pr[1].val + pr[1].len - 3, "...", 3) == 0
				&& pr[1].len - 3 < len
				&& memcmp(pr[1].val, val, pr[1].len - 3) == 0
				&& memcmp(ZSTR_VAL(s.s) + ZSTR_LEN(s.s) - strlen(" pid=7") - 4, "...\"", 4) == 0) {
			/* truncated to a prefix */
		} else {
			why = "round trip";
		}
		if (why && bad++ < 5) {
			check(false, "fuzz #%d (%s, cap=%zu): in [%s] out [%s]", iter, why, cap,
				show(val, len), show(ZSTR_VAL(s.s), ZSTR_LEN(s.s)));
		}
		sfree(&s);
	}
	check(bad == 0, "fuzz: %d of 20000 lines bad", bad);
}

/* ---- writer ---- */

static char tmpdir[80];

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static void tpath(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", tmpdir, name);
}

static int bind_unix(const char *path, int type)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	unlink(path);
	if (fd < 0 || bind(fd, (struct sockaddr *) &sa, sizeof(sa)) != 0) {
		perror("bind");
		exit(2);
	}
	if (type == SOCK_STREAM && listen(fd, 1) != 0) {
		perror("listen");
		exit(2);
	}
	return fd;
}

/* One datagram within 2 s, NUL-terminated; returns its length or -1. */
static ssize_t recv_one(int fd, char *buf, size_t size)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	ssize_t n;

	if (poll(&pfd, 1, 2000) != 1) {
		return -1;
	}
	n = recv(fd, buf, size - 1, MSG_DONTWAIT);
	if (n >= 0) {
		buf[n] = '\0';
	}
	return n;
}

static bool queue_empty(int fd)
{
	struct pollfd pfd = { fd, POLLIN, 0 };

	return poll(&pfd, 1, 0) == 0;
}

static void drain(int fd)
{
	char buf[512];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0) {
	}
}

static int header_at(char *buf, size_t size, int pri, long pid, time_t t)
{
	static const char *mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;

	localtime_r(&t, &tm);
	return snprintf(buf, size, "<%d>%s %2d %02d:%02d:%02d mailguard[%ld]: ",
		pri, mon[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, pid);
}

/* Is buf exactly header(pri, pid) + msg, with a timestamp of t0 or t1? */
static bool is_line(const char *buf, size_t n, int pri, long pid, time_t t0, time_t t1,
		const char *msg, size_t mlen)
{
	char h[128];
	time_t t;

	for (t = t0; t <= t1; t++) {
		size_t hl = (size_t) header_at(h, sizeof(h), pri, pid, t);

		if (n == hl + mlen && memcmp(buf, h, hl) == 0 && memcmp(buf + hl, msg, mlen) == 0) {
			return true;
		}
	}
	return false;
}

static int out_fd = -1, saved_out = -1, saved_err = -1;
static char out_path[128];

/* Route stdout/stderr to a file to prove the writer prints nothing. */
static void capture_start(void)
{
	fflush(stdout);
	fflush(stderr);
	tpath(out_path, sizeof(out_path), "output");
	out_fd = open(out_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	saved_out = dup(1);
	saved_err = dup(2);
	dup2(out_fd, 1);
	dup2(out_fd, 2);
}

static off_t capture_end(void)
{
	struct stat st;

	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	fstat(out_fd, &st);
	close(out_fd);
	unlink(out_path);
	return st.st_size;
}

static void test_facilities(void)
{
	char buf[8] = "mailx";

	check(mg_log_facility_from_name("mail", 4) == LOG_MAIL, "facility mail");
	check(mg_log_facility_from_name("MAIL", 4) == LOG_MAIL, "facility MAIL");
	check(mg_log_facility_from_name(buf, 4) == LOG_MAIL, "facility not NUL-terminated");
	check(mg_log_facility_from_name(buf, 5) == -1, "facility mailx");
	check(mg_log_facility_from_name("Local3", 6) == LOG_LOCAL3, "facility Local3");
	check(mg_log_facility_from_name("local0", 6) == LOG_LOCAL0, "facility local0");
	check(mg_log_facility_from_name("LOCAL7", 6) == LOG_LOCAL7, "facility LOCAL7");
	check(mg_log_facility_from_name("AuthPriv", 8) == LOG_AUTHPRIV, "facility AuthPriv");
	check(mg_log_facility_from_name("user", 4) == LOG_USER, "facility user");
	check(mg_log_facility_from_name("daemon", 6) == LOG_DAEMON, "facility daemon");
	check(mg_log_facility_from_name("auth", 4) == LOG_AUTH, "facility auth");
	check(mg_log_facility_from_name("news", 4) == LOG_NEWS, "facility news");
	check(mg_log_facility_from_name("uucp", 4) == LOG_UUCP, "facility uucp");
	check(mg_log_facility_from_name("cron", 4) == LOG_CRON, "facility cron");
	check(mg_log_facility_from_name("kern", 4) == -1, "facility kern rejected");
	check(mg_log_facility_from_name("local8", 6) == -1, "facility local8 rejected");
	check(mg_log_facility_from_name("mai", 3) == -1, "facility mai rejected");
	check(mg_log_facility_from_name("mail\0", 5) == -1, "facility with NUL rejected");
	check(mg_log_facility_from_name("", 0) == -1, "facility empty rejected");
	check(mg_log_facility_from_name(NULL, 4) == -1, "facility NULL rejected");
	check(mg_log_facility_from_name("m\xc4\xb1l", 4) == -1, "facility non-ASCII rejected");
	check(mg_log_facility_name(LOG_MAIL) && strcmp(mg_log_facility_name(LOG_MAIL), "mail") == 0,
		"facility_name mail");
	check(mg_log_facility_name(LOG_LOCAL3) && strcmp(mg_log_facility_name(LOG_LOCAL3), "local3") == 0,
		"facility_name local3");
	check(mg_log_facility_name(LOG_KERN) == NULL, "facility_name kern NULL");
	check(mg_log_facility_name(LOG_MAIL | LOG_INFO) == NULL, "facility_name with severity NULL");
	check(mg_log_facility_name(-1) == NULL, "facility_name -1 NULL");
}

static void expect_header(int pri, long pid, time_t t, const char *want)
{
	char buf[64];
	int n = mg_log_header(buf, sizeof(buf), pri, (pid_t) pid, t);

	check(n == (int) strlen(want) && strcmp(buf, want) == 0,
		"header: got [%s] want [%s]", buf, want);
}

/* Fixed times in a fixed zone: day padding, month names, PRI range. */
static void test_header(void)
{
	char *old_tz = getenv("TZ");
	char saved[256] = "";

	if (old_tz) {
		snprintf(saved, sizeof(saved), "%s", old_tz);
	}
	setenv("TZ", "UTC", 1);
	tzset();
	expect_header(22, 1234, 1704412800 + 3723, "<22>Jan  5 01:02:03 mailguard[1234]: ");
	expect_header(191, 2147483647L, 1735689599, "<191>Dec 31 23:59:59 mailguard[2147483647]: ");
	expect_header(0, 1, 1718461845, "<0>Jun 15 14:30:45 mailguard[1]: ");
	expect_header(155, 42, 951782400, "<155>Feb 29 00:00:00 mailguard[42]: ");

	/* the offset follows the zone, the month names never follow the locale */
	setenv("TZ", "EST5", 1);
	tzset();
	expect_header(22, 1, 1704412800, "<22>Jan  4 19:00:00 mailguard[1]: ");
	if (setlocale(LC_ALL, "de_DE.UTF-8") || setlocale(LC_ALL, "fr_FR.UTF-8")) {
		expect_header(22, 1, 1709251200, "<22>Feb 29 19:00:00 mailguard[1]: ");
		setlocale(LC_ALL, "C");
	}
	if (old_tz) {
		setenv("TZ", saved, 1);
	} else {
		unsetenv("TZ");
	}
	tzset();
}

static void test_send_basic(const char *sock, int rfd)
{
	static const struct { int fac, sev, pri; } pris[] = {
		{ LOG_MAIL, LOG_INFO, 22 },
		{ LOG_MAIL, LOG_EMERG, 16 },
		{ LOG_MAIL, LOG_DEBUG, 23 },
		{ LOG_MAIL, LOG_WARNING, 20 },
		{ LOG_LOCAL3, LOG_INFO, 158 },
		{ LOG_LOCAL3, LOG_ERR, 155 },
		{ LOG_LOCAL3, LOG_NOTICE, 157 },
		{ LOG_LOCAL7, LOG_DEBUG, 191 },
		{ LOG_USER, LOG_NOTICE, 13 },
	};
	const char *msg = "verdict=accept account=alice uid=1001 script=\"/srv/a/contact.php:42\" "
		"subject=\"Gr\xc3\xbc\xc3\x9f" "e \\\"you\\\"\" rcpts=2 sapi=fpm-fcgi pid=1234";
	char buf[65536];
	size_t i;
	ssize_t n;
	time_t t0, t1;
	int rc;

	for (i = 0; i < sizeof(pris) / sizeof(pris[0]); i++) {
		t0 = time(NULL);
		rc = mg_log_send(sock, pris[i].fac, pris[i].sev, msg, strlen(msg), 0);
		t1 = time(NULL);
		n = recv_one(rfd, buf, sizeof(buf));
		check(rc == 0 && n > 0 && is_line(buf, (size_t) n, pris[i].pri, (long) getpid(), t0, t1, msg, strlen(msg)),
			"send fac=%d sev=%d: rc=%d got [%s], want PRI <%d>", pris[i].fac, pris[i].sev, rc,
			n > 0 ? show(buf, (size_t) n) : "(nothing)", pris[i].pri);
	}

	/* empty and NULL messages: header only */
	t0 = time(NULL);
	rc = mg_log_send(sock, LOG_MAIL, LOG_INFO, NULL, 0, 0);
	t1 = time(NULL);
	n = recv_one(rfd, buf, sizeof(buf));
	check(rc == 0 && n > 0 && is_line(buf, (size_t) n, 22, (long) getpid(), t0, t1, "", 0),
		"empty message: rc=%d got [%s]", rc, n > 0 ? show(buf, (size_t) n) : "");

	/* bytes pass through untouched (escaping is the builder's job) */
	t0 = time(NULL);
	rc = mg_log_send(sock, LOG_MAIL, LOG_INFO, "a\0b\xff", 4, 0);
	t1 = time(NULL);
	n = recv_one(rfd, buf, sizeof(buf));
	check(rc == 0 && n > 0 && is_line(buf, (size_t) n, 22, (long) getpid(), t0, t1, "a\0b\xff", 4),
		"raw bytes: rc=%d got [%s]", rc, n > 0 ? show(buf, (size_t) n) : "");

	/* invalid arguments */
	check(mg_log_send(sock, LOG_MAIL, 8, "x", 1, 0) == -1, "severity 8 rejected");
	check(mg_log_send(sock, LOG_MAIL, -1, "x", 1, 0) == -1, "severity -1 rejected");
	check(mg_log_send(sock, LOG_KERN, LOG_INFO, "x", 1, 0) == -1, "facility kern rejected");
	check(mg_log_send(sock, LOG_MAIL | LOG_INFO, LOG_INFO, "x", 1, 0) == -1, "facility|severity rejected");
	check(mg_log_send(sock, 17, LOG_INFO, "x", 1, 0) == -1, "facility 17 rejected");
	check(mg_log_send(NULL, LOG_MAIL, LOG_INFO, "x", 1, 0) == -1, "NULL path rejected");
	check(mg_log_send("", LOG_MAIL, LOG_INFO, "x", 1, 0) == -1, "empty path rejected");
	check(mg_log_send(sock, LOG_MAIL, LOG_INFO, NULL, 3, 0) == -1, "NULL msg with length rejected");
	{
		char longp[200];

		memset(longp, 'a', sizeof(longp) - 1);
		longp[0] = '/';
		longp[sizeof(longp) - 1] = '\0';
		check(mg_log_send(longp, LOG_MAIL, LOG_INFO, "x", 1, 0) == -1, "overlong path rejected");
		longp[108] = '\0';	/* no room for the NUL in sun_path */
		check(mg_log_send(longp, LOG_MAIL, LOG_INFO, "x", 1, 0) == -1, "108-byte path rejected");
	}
	check(queue_empty(rfd), "invalid arguments sent nothing");
}

static void test_send_failures(const char *sock, int rfd)
{
	char missing[128], file[128], dir[128], stream[128];
	double t;
	int rc, sfd, fd;
	off_t printed;

	tpath(missing, sizeof(missing), "missing");
	tpath(file, sizeof(file), "regular");
	tpath(dir, sizeof(dir), "dir");
	tpath(stream, sizeof(stream), "stream");
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	close(fd);
	mkdir(dir, 0700);
	sfd = bind_unix(stream, SOCK_STREAM);

	capture_start();
	errno = E2BIG;
	t = now_ms();
	rc = mg_log_send(missing, LOG_MAIL, LOG_INFO, "x", 1, 0);
	t = now_ms() - t;
	fd = errno;
	printed = capture_end();
	check(rc == -1, "missing socket: rc=%d", rc);
	check(t < 50.0, "missing socket took %.1f ms", t);
	check(printed == 0, "missing socket printed %ld bytes", (long) printed);
	check(fd == E2BIG, "errno clobbered: %d", fd);

	capture_start();
	t = now_ms();
	rc = mg_log_send(file, LOG_MAIL, LOG_INFO, "x", 1, 0);
	check(mg_log_send(dir, LOG_MAIL, LOG_INFO, "x", 1, 0) == -1, "directory path returns -1");
	check(mg_log_send(stream, LOG_MAIL, LOG_INFO, "x", 1, 0) == -1, "stream socket returns -1");
	check(mg_log_send("/nonexistent-dir/log", LOG_MAIL, LOG_INFO, "x", 1, 0) == -1, "missing dir returns -1");
	t = now_ms() - t;
	printed = capture_end();
	check(rc == -1, "regular file: rc=%d", rc);
	check(t < 50.0, "failure paths took %.1f ms", t);
	check(printed == 0, "failure paths printed %ld bytes", (long) printed);
	{
		struct stat st;

		check(stat(file, &st) == 0 && st.st_size == 0, "regular file was written to");
	}
	close(sfd);
	unlink(stream);
	unlink(file);
	rmdir(dir);

	/* still healthy afterwards */
	rc = mg_log_send(sock, LOG_MAIL, LOG_INFO, "ok", 2, 0);
	{
		char buf[256];
		ssize_t n = recv_one(rfd, buf, sizeof(buf));

		check(rc == 0 && n > 2 && memcmp(buf + n - 2, "ok", 2) == 0, "send after failures");
	}
}

static void test_full_queue(const char *sock, int rfd)
{
	char buf[256], msg[200];
	double t0, t, worst = 0;
	int i, ok = 0, rc = 0, drained = 0;
	off_t printed;

	memset(msg, 'q', sizeof(msg));
	capture_start();
	t0 = now_ms();
	for (i = 0; i < 100000; i++) {
		double ts = now_ms();

		rc = mg_log_send(sock, LOG_MAIL, LOG_INFO, msg, sizeof(msg), 0);
		ts = now_ms() - ts;
		if (ts > worst) {
			worst = ts;
		}
		if (rc != 0) {
			break;
		}
		ok++;
	}
	/* a few more against the full queue */
	for (i = 0; i < 100; i++) {
		double ts = now_ms();

		if (mg_log_send(sock, LOG_MAIL, LOG_INFO, msg, sizeof(msg), 0) == 0) {
			ok++;
		}
		ts = now_ms() - ts;
		if (ts > worst) {
			worst = ts;
		}
	}
	t = now_ms() - t0;
	printed = capture_end();
	check(rc == -1, "full queue: never returned -1 after %d sends", ok);
	check(ok > 0, "full queue: nothing was sent at all");
	check(t < 2000.0, "full queue loop took %.1f ms", t);
	check(worst < 50.0, "full queue: slowest send %.1f ms", worst);
	check(printed == 0, "full queue printed %ld bytes", (long) printed);

	while (recv(rfd, buf, sizeof(buf), MSG_DONTWAIT) >= 0) {
		drained++;
	}
	check(drained == ok, "full queue: %d accepted but %d received", ok, drained);
	rc = mg_log_send(sock, LOG_MAIL, LOG_INFO, "again", 5, 0);
	check(rc == 0 && recv_one(rfd, buf, sizeof(buf)) > 0, "send after queue drained");
}

static void test_truncation(const char *sock, int rfd)
{
	static char big[20000];
	char buf[65536];
	ssize_t n;
	size_t hl;
	int rc;

	/* header length for this pid/PRI is fixed width */
	rc = mg_log_send(sock, LOG_MAIL, LOG_INFO, "", 0, 0);
	n = recv_one(rfd, buf, sizeof(buf));
	if (rc != 0 || n <= 0) {
		check(false, "truncation: could not measure header");
		return;
	}
	hl = (size_t) n;

	memset(big, 'a', sizeof(big));
	rc = mg_log_send(sock, LOG_MAIL, LOG_INFO, big, 100, hl + 10);
	n = recv_one(rfd, buf, sizeof(buf));
	check(rc == 0 && n == (ssize_t) (hl + 10) && memcmp(buf + hl, big, 10) == 0,
		"ascii cut at max_len: rc=%d n=%zd", rc, n);

	rc = mg_log_send(sock, LOG_MAIL, LOG_INFO, big, 10, hl + 10);
	n = recv_one(rfd, buf, sizeof(buf));
	check(rc == 0 && n == (ssize_t) (hl + 10), "exact fit not cut: n=%zd", n);

	rc = mg_log_send(sock, LOG_MAIL, LOG_INFO, big, sizeof(big), 0);
	n = recv_one(rfd, buf, sizeof(buf));
	check(rc == 0 && n == MG_LOG_DEFAULT_MAX_LEN, "default max_len: n=%zd", n);

	{
		/* "ab" EURO "cd", then a 4-byte emoji */
		static const char u[] = "ab\xe2\x82\xac" "cd\xf0\x9f\x8e\x89";
		static const struct { size_t budget, keep; } cuts[] = {
			{ 2, 2 }, { 3, 2 }, { 4, 2 }, { 5, 5 }, { 6, 6 }, { 7, 7 },
			{ 8, 7 }, { 9, 7 }, { 10, 7 }, { 11, 11 },
		};
		size_t i;

		for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
			rc = mg_log_send(sock, LOG_MAIL, LOG_INFO, u, sizeof(u) - 1, hl + cuts[i].budget);
			n = recv_one(rfd, buf, sizeof(buf));
			check(rc == 0 && n == (ssize_t) (hl + cuts[i].keep)
				&& memcmp(buf + hl, u, cuts[i].keep) == 0,
				"utf-8 cut budget %zu: n=%zd want %zu", cuts[i].budget, n, hl + cuts[i].keep);
		}
	}
	{
		/* not UTF-8 at all: no character to keep whole, cut at the budget
		 * (the writer only ever gets mg_log_kv() lines, which are UTF-8) */
		static const char junk[] = "a\x80\x80\x80\x80\x80\x80";
		/* an overlong or surrogate lead is not a character either */
		static const char bad[] = "abc\xe0\x80\x80" "def\xed\xa0\x80";

		rc = mg_log_send(sock, LOG_MAIL, LOG_INFO, junk, sizeof(junk) - 1, hl + 5);
		n = recv_one(rfd, buf, sizeof(buf));
		check(rc == 0 && n == (ssize_t) (hl + 5), "continuation run cut: n=%zd", n);
		rc = mg_log_send(sock, LOG_MAIL, LOG_INFO, bad, sizeof(bad) - 1, hl + 4);
		n = recv_one(rfd, buf, sizeof(buf));
		check(rc == 0 && n == (ssize_t) (hl + 4), "overlong cut: n=%zd", n);
		rc = mg_log_send(sock, LOG_MAIL, LOG_INFO, bad, sizeof(bad) - 1, hl + 11);
		n = recv_one(rfd, buf, sizeof(buf));
		check(rc == 0 && n == (ssize_t) (hl + 11), "surrogate cut: n=%zd", n);
	}

	check(mg_log_send(sock, LOG_MAIL, LOG_INFO, "x", 1, hl) == -1, "max_len == header rejected");
	check(mg_log_send(sock, LOG_MAIL, LOG_INFO, "x", 1, 5) == -1, "tiny max_len rejected");
	check(queue_empty(rfd), "rejected max_len sent nothing");

	/* longer than the kernel allows: -1, nothing printed */
	{
		size_t huge = 4 * 1024 * 1024;
		char *h = malloc(huge);
		off_t printed;

		memset(h, 'h', huge);
		capture_start();
		rc = mg_log_send(sock, LOG_MAIL, LOG_INFO, h, huge, huge + 100);
		printed = capture_end();
		check(rc == -1 && printed == 0, "oversized datagram: rc=%d printed=%ld", rc, (long) printed);
		free(h);
		drain(rfd);
	}
}

static void test_restart(const char *sock, int *rfd)
{
	char buf[256];
	int rc, old = mg_log_fd;

	close(*rfd);
	unlink(sock);
	rc = mg_log_send(sock, LOG_MAIL, LOG_INFO, "gone", 4, 0);
	check(rc == -1, "daemon gone: rc=%d", rc);

	*rfd = bind_unix(sock, SOCK_DGRAM);
	rc = mg_log_send(sock, LOG_MAIL, LOG_INFO, "back", 4, 0);
	check(rc == 0 && recv_one(*rfd, buf, sizeof(buf)) > 0 && strstr(buf, "]: back"),
		"restarted daemon picked up: rc=%d", rc);
	check(mg_log_fd == old && old >= 0, "cached socket reused across restart (%d -> %d)", old, mg_log_fd);
}

static void test_fork(const char *sock, int rfd)
{
	char buf[256], want[64];
	ino_t parent_ino;
	int parent_fd, status = 0;
	pid_t child;
	int rc;

	rc = mg_log_send(sock, LOG_MAIL, LOG_INFO, "parent1", 7, 0);
	check(rc == 0 && recv_one(rfd, buf, sizeof(buf)) > 0, "parent send before fork");
	parent_fd = mg_log_fd;
	parent_ino = mg_log_fd_ino;

	fflush(stdout);
	child = fork();
	if (child == 0) {
		int code = 0;

		if (mg_log_send(sock, LOG_MAIL, LOG_INFO, "child", 5, 0) != 0) {
			code |= 1;
		}
		if (mg_log_fd_pid != getpid()) {
			code |= 2;
		}
		if (mg_log_fd_ino == parent_ino) {
			code |= 4;	/* still the parent's socket */
		}
		mg_log_close();
		if (mg_log_fd != -1) {
			code |= 8;
		}
		_exit(code);
	}
	waitpid(child, &status, 0);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child: status %d", status);
	snprintf(want, sizeof(want), "mailguard[%ld]: child", (long) child);
	check(recv_one(rfd, buf, sizeof(buf)) > 0 && strstr(buf, want), "child line carries child pid");

	rc = mg_log_send(sock, LOG_MAIL, LOG_INFO, "parent2", 7, 0);
	snprintf(want, sizeof(want), "mailguard[%ld]: parent2", (long) getpid());
	check(rc == 0 && recv_one(rfd, buf, sizeof(buf)) > 0 && strstr(buf, want),
		"parent still sends after child closed its copy");
	check(mg_log_fd == parent_fd && mg_log_fd_ino == parent_ino, "parent kept its socket");
}

/* A connected TCP pair over loopback: unlike AF_UNIX streams, TCP ignores
 * sendmsg()'s address, so a stale fd number would leak the line into it. */
static int tcp_pair(int pair[2])
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (lfd < 0 || bind(lfd, (struct sockaddr *) &sa, sizeof(sa)) != 0 || listen(lfd, 1) != 0
			|| getsockname(lfd, (struct sockaddr *) &sa, &len) != 0) {
		return -1;
	}
	pair[0] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (pair[0] < 0 || connect(pair[0], (struct sockaddr *) &sa, sizeof(sa)) != 0) {
		return -1;
	}
	pair[1] = accept(lfd, NULL, NULL);
	close(lfd);
	return pair[1] < 0 ? -1 : 0;
}

static void test_stolen_fd(const char *sock, int rfd)
{
	char file[128], buf[256];
	struct stat st, fst;
	int victim, tfd, rc;

	rc = mg_log_send(sock, LOG_MAIL, LOG_INFO, "a", 1, 0);
	recv_one(rfd, buf, sizeof(buf));
	victim = mg_log_fd;
	check(rc == 0 && victim >= 0, "socket cached");

	/* some other code closes our fd and the number now holds a file */
	tpath(file, sizeof(file), "victim");
	tfd = open(file, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	dup2(tfd, victim);
	close(tfd);

	rc = mg_log_send(sock, LOG_MAIL, LOG_INFO, "b", 1, 0);
	check(rc == 0 && recv_one(rfd, buf, sizeof(buf)) > 0, "send after fd was stolen");
	check(stat(file, &st) == 0 && st.st_size == 0, "log line went into a foreign fd");
	check(fstat(victim, &fst) == 0 && fst.st_ino == st.st_ino, "foreign fd was closed");
	check(mg_log_fd != victim, "stolen fd still cached");
	close(victim);
	unlink(file);

	/* worse: the number now holds a live connection (think FastCGI client);
	 * sendmsg() would ignore our address and write into it */
	{
		int pair[2], n;

		rc = mg_log_send(sock, LOG_MAIL, LOG_INFO, "c", 1, 0);
		recv_one(rfd, buf, sizeof(buf));
		victim = mg_log_fd;
		if (tcp_pair(pair) != 0) {
			check(false, "tcp loopback pair");
			return;
		}
		dup2(pair[0], victim);
		close(pair[0]);
		rc = mg_log_send(sock, LOG_MAIL, LOG_INFO, "d", 1, 0);
		check(rc == 0 && recv_one(rfd, buf, sizeof(buf)) > 0, "send after fd became a stream");
		n = (int) recv(pair[1], buf, sizeof(buf), MSG_DONTWAIT);
		check(n < 0, "log line leaked into a foreign connection (%d bytes)", n);
		check(mg_log_fd != victim, "foreign stream cached");
		close(victim);
		close(pair[1]);
	}
}

static void test_lock(const char *sock, int rfd)
{
	char buf[256];
	int cached, rc;

	rc = mg_log_send(sock, LOG_MAIL, LOG_INFO, "a", 1, 0);
	recv_one(rfd, buf, sizeof(buf));
	cached = mg_log_fd;

	/* held by another thread of ours: one-shot socket, cache untouched */
	mg_log_lock_pid = getpid();
	rc = mg_log_send(sock, LOG_MAIL, LOG_INFO, "busy", 4, 0);
	check(rc == 0 && recv_one(rfd, buf, sizeof(buf)) > 0 && strstr(buf, "]: busy"),
		"send while lock busy");
	check(mg_log_lock_pid == getpid() && mg_log_fd == cached, "busy lock left alone");

	/* inherited locked through fork(): taken over and released */
	mg_log_lock_pid = getpid() + 100000;
	rc = mg_log_send(sock, LOG_MAIL, LOG_INFO, "stale", 5, 0);
	check(rc == 0 && recv_one(rfd, buf, sizeof(buf)) > 0 && strstr(buf, "]: stale"),
		"send with stale lock");
	check(mg_log_lock_pid == 0 && mg_log_fd == cached, "stale lock taken over and released");
	mg_log_lock_pid = 0;
}

static void test_close(const char *sock, int rfd)
{
	char buf[256];
	int old = mg_log_fd, rc;

	mg_log_close();
	check(mg_log_fd == -1, "close resets state");
	check(old < 0 || (fcntl(old, F_GETFD) == -1 && errno == EBADF), "close closed the socket");
	mg_log_close();
	check(mg_log_fd == -1, "double close harmless");
	rc = mg_log_send(sock, LOG_MAIL, LOG_INFO, "reopen", 6, 0);
	check(rc == 0 && recv_one(rfd, buf, sizeof(buf)) > 0, "lazy reopen after close");
	mg_log_close();
}

int main(void)
{
	char sock[128];
	int rfd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_DFL);

	test_builder_cases();
	test_builder_fuzz();
	test_facilities();
	test_header();

	/* In the run's private temp dir (scripts/test.sh exports TMPDIR), never
	 * a fixed name; short enough for the sockets' sun_path. */
	{
		const char *base = getenv("TMPDIR");
		int n;

		if (!base || !*base) {
			base = "/tmp";  /* mg-lint: ok, the usual fallback of TMPDIR */
		}
		n = snprintf(tmpdir, sizeof(tmpdir), "%s/mg_log_check.XXXXXX", base);
		if (n < 0 || (size_t) n >= sizeof(tmpdir) - 16) {
			fprintf(stderr, "TMPDIR %s is too long for a socket path\n", base);
			return 2;
		}
	}
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 2;
	}
	tpath(sock, sizeof(sock), "log");
	rfd = bind_unix(sock, SOCK_DGRAM);

	test_send_basic(sock, rfd);
	test_send_failures(sock, rfd);
	test_full_queue(sock, rfd);
	test_truncation(sock, rfd);
	test_restart(sock, &rfd);
	test_fork(sock, rfd);
	test_stolen_fd(sock, rfd);
	test_lock(sock, rfd);
	test_close(sock, rfd);

	close(rfd);
	unlink(sock);
	rmdir(tmpdir);

	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
