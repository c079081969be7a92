/* libFuzzer target for everything mailguard-milter parses from outside:
 * the header block (mgm_facts_scan(): the extension's scanner and UTF-8
 * decoder), X-Mailguard-Trace values, a queue file's records and first
 * header, and /proc/net/tcp lines. `make -C milter fuzz`. */

#include "mgm.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mgm_facts f;
	char out[37], hdr[1024];
	long n;

	mgm_facts_scan((const char *) data, size, &f);
	if (strlen(f.from) >= MGM_FIELD_MAX || strlen(f.subject) >= MGM_FIELD_MAX) {
		abort();
	}
	(void) mgm_trace_parse((const char *) data, size, out);
	n = mgm_qf_first_header(data, size, hdr, sizeof(hdr));
	if (n >= (long) sizeof(hdr) || (n >= 0 && (size_t) n != strlen(hdr))) {
		abort();
	}
	if (n >= 0) {
		(void) mgm_received_uid(hdr, (size_t) n, "mx.test", "Postfix", "ABC123");
	}
	if (size < 512) {
		char line[512];
		mgm_endpoint c, s;
		uid_t uid;
		unsigned long ino;
		unsigned st;

		memcpy(line, data, size);
		line[size] = '\0';
		mgm_endpoint_parse("127.0.0.1", 40000, &c);
		mgm_endpoint_parse("127.0.0.1", 2525, &s);
		(void) mgm_proc_line(line, &c, &s, &uid, &ino, &st);
		(void) mgm_endpoint_parse(line, 1, &c);
	}
	return 0;
}
