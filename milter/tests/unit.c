/* Unit tests of the milter's parsers (milter/evidence.c, facts.c), built
 * with ASan+UBSan by `make -C milter check`. Ends in "N passed, N failed". */

#include "mgm.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int passed, failed;

#define CHECK(what, cond) do { if (cond) { passed++; } else { failed++; printf("FAIL - %s (line %d)\n", what, __LINE__); } } while (0)

/* A queue file: records of type + 7-bit length + data. */
static size_t rec(unsigned char *buf, size_t pos, int type, const char *data)
{
	size_t n = strlen(data);

	buf[pos++] = (unsigned char) type;
	do {
		unsigned char b = n & 0x7f;

		n >>= 7;
		buf[pos++] = n != 0 ? (b | 0x80) : b;
	} while (n != 0);
	memcpy(buf + pos, data, strlen(data));
	return pos + strlen(data);
}

static void test_hash_key(void)
{
	char key[16];

	CHECK("short queue ID: hashed by itself", mgm_queue_hash_key("8195B51E884", key) == 0 && strcmp(key, "8195B51E884") == 0);
	/* 00BC in base 52 (0-9, consonants upper, lower) = 10*52 + 11 = 531 = 0x213 */
	CHECK("long queue ID: by its microseconds in hex", mgm_queue_hash_key("4Lc0pw00BCz1bF", key) == 0 && strcmp(key, "00213") == 0);
	CHECK("long queue ID: a vowel is no base-52 digit", mgm_queue_hash_key("4Lc0pw00ACz1bF", key) == -1);
	CHECK("a 'z' before the time's end: a short ID", mgm_queue_hash_key("ABCz12", key) == 0 && strcmp(key, "ABCz12") == 0);
}

static void test_queue_file(void)
{
	unsigned char buf[4096];
	char hdr[256], big[300];
	size_t p = 0;
	long n;

	p = rec(buf, p, 'C', "             123             456  1  0  0");
	p = rec(buf, p, 'T', "1700000000 0");
	p = rec(buf, p, 'S', "user@host");
	memset(big, 'r', 299);
	big[299] = '\0';
	p = rec(buf, p, 'R', big);   /* a length over 127: two length bytes */
	p = rec(buf, p, 'M', "0");
	p = rec(buf, p, 'N', "Received: by mx.test (Postfix, from userid 1001)");
	p = rec(buf, p, 'N', "\tid ABC123; Mon, 1 Jan 2024 00:00:00 +0000 (UTC)");
	p = rec(buf, p, 'N', "Received: by mx.test (Postfix, from userid 0)");
	p = rec(buf, p, 'X', "");
	n = mgm_qf_first_header(buf, p, hdr, sizeof(hdr));
	CHECK("first header found and unfolded", n > 0 && strcmp(hdr,
		"Received: by mx.test (Postfix, from userid 1001) id ABC123; Mon, 1 Jan 2024 00:00:00 +0000 (UTC)") == 0);
	CHECK("uid from it", mgm_received_uid(hdr, strlen(hdr), "mx.test", "Postfix", "ABC123") == 1001);
	CHECK("another host: no uid", mgm_received_uid(hdr, strlen(hdr), "mx.other", "Postfix", "ABC123") == -1);
	CHECK("another queue id: no uid", mgm_received_uid(hdr, strlen(hdr), "mx.test", "Postfix", "ABC12") == -1);
	CHECK("truncated file: none", mgm_qf_first_header(buf, p - 60, hdr, sizeof(hdr)) == -1
		|| strncmp(hdr, "Received: by mx.test (Postfix, from userid 1001)", 48) == 0);
	CHECK("too small a buffer: none", mgm_qf_first_header(buf, p, hdr, 20) == -1);
	CHECK("no content record: none", mgm_qf_first_header(buf, 40, hdr, sizeof(hdr)) == -1);
	CHECK("SMTP's Received: no uid", mgm_received_uid("Received: from x (localhost [127.0.0.1]) by mx.test (Postfix) with ESMTP id ABC123;", 83,
		"mx.test", "Postfix", "ABC123") == -1);
	CHECK("userid overflow: no uid", mgm_received_uid("Received: by h (Postfix, from userid 99999999999) id Q;", 55,
		"h", "Postfix", "Q") == -1);
}

static void test_proc(void)
{
	mgm_endpoint c, s;
	uid_t uid = 77;
	unsigned long ino = 0;
	unsigned st = 0;
	/* 127.0.0.1:40000 -> 127.0.0.1:2525, ESTABLISHED, uid 1001, inode 12345 */
	const char *line = "   3: 0100007F:9C40 0100007F:09DD 01 00000000:00000000 00:00000000 00000000  1001        0 12345 1 0000000000000000 20 4 30 10 -1\n";

	CHECK("endpoint parse v4", mgm_endpoint_parse("127.0.0.1", 40000, &c) == 0 && c.family == AF_INET);
	CHECK("endpoint parse IPv6:", mgm_endpoint_parse("IPv6:::1", 1, &s) == 0 && s.family == AF_INET6);
	CHECK("endpoint parse junk", mgm_endpoint_parse("localhost", 1, &s) == -1);
	mgm_endpoint_parse("127.0.0.1", 2525, &s);
	CHECK("proc line matches the 4-tuple", mgm_proc_line(line, &c, &s, &uid, &ino, &st) == 1 && uid == 1001 && ino == 12345 && st == 1);
	s.port = 25;
	CHECK("another server port: no match", mgm_proc_line(line, &c, &s, &uid, &ino, &st) == 0);
	c.port = 40001;
	CHECK("another client port: no match", mgm_proc_line(line, &c, NULL, &uid, &ino, &st) == 0);
	CHECK("header line: unparsable", mgm_proc_line("  sl  local_address rem_address   st tx_queue rx_queue", &c, NULL, &uid, &ino, &st) == -1);
}

/* sock_diag on a real loopback connection: the client's socket is ours. */
static void test_diag(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	mgm_endpoint c, s;
	const char *why = NULL;
	uid_t uid = 77;
	int l, k, rc;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM, 0);
	k = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || k < 0 || bind(l, (struct sockaddr *) &a, sizeof(a)) != 0 || listen(l, 1) != 0
			|| getsockname(l, (struct sockaddr *) &a, &len) != 0 || connect(k, (struct sockaddr *) &a, sizeof(a)) != 0) {
		CHECK("a loopback connection for the sock_diag test", 0);
		return;
	}
	mgm_endpoint_parse("127.0.0.1", ntohs(a.sin_port), &s);
	len = sizeof(a);
	getsockname(k, (struct sockaddr *) &a, &len);
	mgm_endpoint_parse("127.0.0.1", ntohs(a.sin_port), &c);
	rc = mgm_socket_uid_diag(&c, &s, &uid, &why);
	CHECK("sock_diag: the client socket's owner is this process's euid", rc == 0 && uid == geteuid());
	c.port = c.port == 65535 ? 65534 : c.port + 1;
	uid = 77;
	rc = mgm_socket_uid_diag(&c, &s, &uid, &why);
	CHECK("sock_diag: no such 4-tuple -> socket-gone, uid untouched", rc == -1 && uid == 77 && why != NULL && strcmp(why, "socket-gone") == 0);
	s.port = 0;
	CHECK("sock_diag: no server port -> -2 (the caller reads /proc)", mgm_socket_uid_diag(&c, &s, &uid, &why) == -2);
	close(k);
	close(l);
}

static void test_facts(void)
{
	mgm_facts f;
	char out[37], t[16];
	const char hdrs[] = "From: a@x\nTo: b@y,\n\tc@z\nSubject: h\xc3\xa9 \xff\x01x\nTo: second@x\n";

	mgm_facts_scan(hdrs, sizeof(hdrs) - 1, &f);
	CHECK("from", strcmp(f.from, "a@x") == 0);
	CHECK("to: first, fold as blanks", strcmp(f.to, "b@y,  c@z") == 0);
	CHECK("subject: valid UTF-8 kept, invalid byte and control as ?", strcmp(f.subject, "h\xc3\xa9 ??x") == 0);
	mgm_text(t, 4, "\xc3\xa9\xc3\xa9", 4);
	CHECK("text cut at a character boundary", strcmp(t, "\xc3\xa9") == 0);
	CHECK("trace ok, lower-cased", mgm_trace_parse(" 0A1B2C3D-0000-4000-8000-00000000000F ", 38, out) == 0
		&& strcmp(out, "0a1b2c3d-0000-4000-8000-00000000000f") == 0);
	CHECK("trace: wrong shape", mgm_trace_parse("0a1b2c3d00004000800000000000000f", 32, out) == -1);
	CHECK("trace: not hex", mgm_trace_parse("0a1b2c3d-0000-4000-8000-00000000000g", 36, out) == -1);
}

int main(void)
{
	test_queue_file();
	test_hash_key();
	test_proc();
	test_diag();
	test_facts();
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
