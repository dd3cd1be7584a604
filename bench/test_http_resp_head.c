/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The usual response head's path (lib/http/http_resp_head.c) against
 * the general parse (http_response_head_general()): the heads it takes
 * give what the general parse gives, byte for byte, and the rest are
 * handed over. Each scan of the path is run by name, whichever one
 * http_response_prefix() chooses on this CPU: the sixteen-byte one
 * (SSSE3) everywhere, the 64-byte windows (AVX2) where the CPU has
 * them (skipped elsewhere), and the choice itself. Every head in a heap
 * buffer of exactly its size, so that ASan sees a load past it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http.h"
#include "http_prefix.h"

typedef uint32_t (*prefix_fn)(const char *p, uint32_t len,
			      bool head_request, struct http_response *resp);

/* The scan a test runs (its cmocka state). */
struct scan_under_test {
	const char *name;
	prefix_fn prefix;
	bool avx2;   /* runs only where the CPU has AVX2, BMI1, BMI2 */
};

static struct scan_under_test scan_sse = {
	"sse", http_response_prefix_sse, false };
static struct scan_under_test scan_avx2 = {
	"avx2", http_response_prefix_avx2, true };
static struct scan_under_test scan_chosen = {
	"chosen", http_response_prefix, false };

/* The scan of the test's @p state; skips the test where it cannot
 * run. */
static prefix_fn
scan_of(void **state)
{
	const struct scan_under_test *t = *state;

	if (t->avx2 && !http_response_prefix_avx2_runs()) {
		print_message("no AVX2 on this CPU: %s scan skipped\n",
			      t->name);
		skip();
	}
	return t->prefix;
}

/* Both parses of p[0..len) in an exactly sized copy; fails the test
 * when they differ. @return the head's length (0: refused). */
static uint32_t
both_agree(prefix_fn prefix, const char *p, size_t len, bool head_request,
	   struct http_response *out)
{
	struct http_response fast, general;
	char *h = malloc(len);
	uint32_t nf, ng;

	assert_non_null(h);
	memcpy(h, p, len);
	memset(&fast, 0x55, sizeof(fast));
	memset(&general, 0x66, sizeof(general));
	nf = prefix(h, (uint32_t)len, head_request, &fast);
	ng = http_response_head_general(h, (uint32_t)len, head_request,
					&general);
	free(h);
	if (nf != ng ||
	    (nf != 0 && (fast.status != general.status ||
			 fast.version_minor != general.version_minor ||
			 fast.keep_alive != general.keep_alive ||
			 fast.body != general.body ||
			 fast.content_length != general.content_length)))
		fail_msg("prefix %u, general %u for \"%.*s\"", nf, ng,
			 (int)len, p);
	*out = fast;
	return nf;
}

#define PAD "0123456789abcdef0123456789abcdef"
/* tern-httpd's page head, as tern-load reads it in the benchmark. */
#define BENCH_HEAD "HTTP/1.1 200 OK\r\nServer: tern-httpd\r\n" \
	"Date: Sun, 06 Dec 2026 21:59:32 GMT\r\n" \
	"Content-Type: text/html\r\nContent-Length: 104\r\n\r\n"
#define LONG70 "0123456789012345678901234567890123456789" \
	"012345678901234567890123456789"
/* A case both parses refuse. */
#define REFUSED 0, 0, false, HTTP_BODY_NONE, 0

/* Heads of the shapes the usual path takes or hands over, with what
 * either parse must give. */
static void
test_resp_head_cases(void **state)
{
	static const struct {
		const char *head;
		bool head_request;
		uint32_t len;            /* 0: refused */
		uint16_t status;
		bool keep_alive;
		enum http_body body;
		uint64_t length;
	} cases[] = {
		{ "HTTP/1.1 200 OK\r\nServer: tern-httpd\r\n"
		  "Content-Length: 104\r\n\r\n" PAD "\n", false, 60, 200,
		  true, HTTP_BODY_LENGTH, 104 },
		{ "HTTP/1.1 200 OK\r\ncontent-length:  7 \r\n\r\n" PAD "\n",
		  false, 40, 200, true, HTTP_BODY_LENGTH, 7 },
		{ "HTTP/1.1 200 OK\r\nCONTENT-LENGTH:12345678\r\n\r\n" PAD
		  "\n", false, 44, 200, true, HTTP_BODY_LENGTH, 12345678 },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 123456789012\r\n\r\n"
		  PAD "\n", false, 49, 200, true, HTTP_BODY_LENGTH,
		  123456789012u },
		{ "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\n" PAD
		  "\n", false, 45, 404, true, HTTP_BODY_LENGTH, 9 },
		{ "HTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n" PAD
		  "\n", false, 46, 204, true, HTTP_BODY_NONE, 0 },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n" PAD "\n",
		  true, 38, 200, true, HTTP_BODY_NONE, 0 },
		{ "HTTP/1.1 200 OK\r\nServer: x\r\n\r\n" PAD "\n", false, 30,
		  200, false, HTTP_BODY_TO_EOF, 0 },
		{ "HTTP/1.1 200 OK\r\nConnection: close\r\n"
		  "Content-Length: 1\r\n\r\n" PAD "\n", false, 57, 200, false,
		  HTTP_BODY_LENGTH, 1 },
		{ "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n" PAD "\n",
		  false, 38, 200, false, HTTP_BODY_LENGTH, 1 },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
		  "Content-Length: 5\r\n\r\n" PAD "\n", false, 57, 200, true,
		  HTTP_BODY_LENGTH, 5 },
		{ "HTTP/1.1 200 OK\r\nAbcdefghijklmno: v\r\n\r\n" PAD "\n",
		  false, 39, 200, false, HTTP_BODY_TO_EOF, 0 },
		{ "HTTP/1.1 200 OK\r\nAbcdefghijklmnop: v\r\n\r\n" PAD "\n",
		  false, 40, 200, false, HTTP_BODY_TO_EOF, 0 },
		/* Heads of 64 bytes or more (the AVX2 scan's): the
		 * benchmark's with and without its body behind, names the
		 * usual path reads or hands over (Transfer-Encoding and
		 * Connection of any case; names of their lengths that are
		 * neither), names and values longer than a window. */
		{ BENCH_HEAD PAD PAD PAD "01234567\n", false, 122, 200, true,
		  HTTP_BODY_LENGTH, 104 },
		{ BENCH_HEAD, false, 122, 200, true, HTTP_BODY_LENGTH, 104 },
		{ BENCH_HEAD, true, 122, 200, true, HTTP_BODY_NONE, 0 },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		  PAD "\n", false, 47, 200, true, HTTP_BODY_CHUNKED, 0 },
		{ "HTTP/1.1 200 OK\r\ntransfer-ENCODING: gzip, chunked\r\n"
		  "\r\n" PAD "\n", false, 53, 200, true, HTTP_BODY_CHUNKED,
		  0 },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n" PAD
		  "\n", false, 44, 200, false, HTTP_BODY_TO_EOF, 0 },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encodinx: chunked\r\n"
		  "Content-Length: 3\r\n\r\n" PAD "\n", false, 66, 200,
		  true, HTTP_BODY_LENGTH, 3 },
		{ "HTTP/1.1 200 OK\r\nSet-Cookie: a=b; Path=/\r\n"
		  "Content-Length: 3\r\n\r\n" PAD "\n", false, 63, 200,
		  true, HTTP_BODY_LENGTH, 3 },
		{ "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n"
		  "Content-Length: 3\r\n\r\n" PAD "\n", false, 62, 200,
		  true, HTTP_BODY_LENGTH, 3 },
		{ "HTTP/1.1 200 OK\r\nCONNECTION: close\r\n"
		  "Content-Length: 3\r\n\r\n" PAD "\n", false, 57, 200,
		  false, HTTP_BODY_LENGTH, 3 },
		{ "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\n"
		  "Content-Length: 3\r\n\r\n" PAD "\n", false, 70, 200,
		  true, HTTP_BODY_LENGTH, 3 },
		{ "HTTP/1.1 200 OK\r\nX-Long: " LONG70 "\r\n"
		  "Content-Length: 3\r\n\r\n" PAD "\n", false, 118, 200,
		  true, HTTP_BODY_LENGTH, 3 },
		{ "HTTP/1.1 200 OK\r\nX" LONG70 ": v\r\n"
		  "Content-Length: 3\r\n\r\n" PAD "\n", false, 114, 200,
		  true, HTTP_BODY_LENGTH, 3 },
		/* Refused: repeats that differ, an empty name, whitespace
		 * before the colon, obs-fold, a bare CR, a CTL in a value,
		 * an empty or signed length, TE with CL. */
		{ "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
		  "Content-Length: 6\r\n\r\n" PAD "\n", false, REFUSED },
		{ "HTTP/1.1 200 OK\r\n: v\r\n\r\n" PAD "\n", false, REFUSED },
		{ "HTTP/1.1 200 OK\r\nServer : v\r\n\r\n" PAD "\n", false,
		  REFUSED },
		{ "HTTP/1.1 200 OK\r\nServer: v\r\n w\r\n\r\n" PAD "\n", false,
		  REFUSED },
		{ "HTTP/1.1 200 OK\r\nServer: v\rw\r\n\r\n" PAD "\n", false,
		  REFUSED },
		{ "HTTP/1.1 200 OK\r\nServer: v\x01w\r\n\r\n" PAD "\n", false,
		  REFUSED },
		{ "HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n" PAD "\n",
		  false, REFUSED },
		{ "HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\n" PAD "\n",
		  false, REFUSED },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
		  "Content-Length: 5\r\n\r\n" PAD "\n", false, REFUSED },
		{ "HTTP/1.1 2x0 OK\r\nContent-Length: 5\r\n\r\n" PAD "\n",
		  false, REFUSED },
		{ "HTTP/1.1 200 OK\r\nServer: tern-httpd\r\n"
		  "Content-Length: 5\r\nContent-Length: 6\r\n\r\n" PAD "\n",
		  false, REFUSED },
		{ "HTTP/1.1 200 OK\r\nX-Long: " LONG70 "\x01\r\n"
		  "Content-Length: 3\r\n\r\n" PAD "\n", false, REFUSED },
		{ "HTTP/1.1 200 OK\r\nServer: tern-httpd\r\n"
		  "Date: Sun, 06 Dec 2026 21:59:32 GMT\r\n"
		  "Content-Type: text/html\r\n\r\n", false, 101, 200, false,
		  HTTP_BODY_TO_EOF, 0 },
		{ "HTTP/1.1 200 OK\r\nServer: tern-httpd\r\n"
		  "Date: Sun, 06 Dec 2026 21:59:32 GMT\r\n"
		  "Content-Type: text/html\r\n", false, REFUSED },
	};

	prefix_fn prefix = scan_of(state);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct http_response resp;
		uint32_t n = both_agree(prefix, cases[i].head,
					strlen(cases[i].head),
					cases[i].head_request, &resp);

		if (n != cases[i].len)
			fail_msg("case %zu: length %u, want %u", i, n,
				 cases[i].len);
		if (n == 0)
			continue;
		assert_int_equal(resp.status, cases[i].status);
		assert_int_equal(resp.keep_alive, cases[i].keep_alive);
		assert_int_equal(resp.body, cases[i].body);
		assert_int_equal(resp.content_length, cases[i].length);
	}
}

/* A small seeded generator: the same heads on every run. */
static uint32_t
next_rand(uint64_t *seed)
{
	*seed = *seed * UINT64_C(6364136223846793005) +
		UINT64_C(1442695040888963407);
	return (uint32_t)(*seed >> 33);
}

/*
 * Random heads of usual and unusual lines, up to three bytes inserted,
 * deleted or replaced by bytes that matter to the grammar, bounded at
 * their last LF as the reader bounds a piece: both parses agree.
 */
static void
test_resp_head_mutations(void **state)
{
	static const char *const status[] = {
		"HTTP/1.1 200 OK\r\n", "HTTP/1.1 204 No Content\r\n",
		"HTTP/1.1 404 Not Found\r\n", "HTTP/1.0 200 OK\r\n",
		"HTTP/1.1 100 Continue\r\n", "HTTP/1.1 304 \r\n",
		"HTTP/1.1 200\r\n",
		"HTTP/1.1 500 A reason phrase of some length\r\n",
	};
	static const char *const lines[] = {
		"Server: tern-httpd\r\n",
		"Date: Sun, 06 Dec 2026 19:00:00 GMT\r\n",
		"Content-Type: text/html\r\n", "Content-Length: 104\r\n",
		"content-length:  7 \r\n", "Content-Length: 123456789012\r\n",
		"Connection: close\r\n", "Transfer-Encoding: chunked\r\n",
		"X-A-Long-Field-Name-Here: v\r\n", "X: \r\n",
		"Connection: keep-alive\r\n", "CONTENT-LENGTH:0\r\n",
		"Content-Lengtx: 5\r\n", "Conn-ection: x\r\n",
		"Transfer-Encodinx: y\r\n", "Set-Cookie: a=b; Path=/\r\n",
		"Access-Control-Allow-Origin: *\r\n",
		"X-Long: " LONG70 "\r\n", "transfer-encoding: gzip, chunked\r\n",
	};
	static const char bytes[] = { '\t', '\r', '\n', ' ', ':', 0, 0x7f,
				      (char)0x80, 'a', 'Z', '"', '(', '-',
				      '5' };
	const size_t nstatus = sizeof(status) / sizeof(status[0]);
	const size_t nlines = sizeof(lines) / sizeof(lines[0]);
	prefix_fn prefix = scan_of(state);
	uint64_t seed = 1;
	uint32_t taken = 0;

	for (int it = 0; it < 200000; it++) {
		struct http_response resp;
		char buf[1024];
		size_t len = 0, lim;
		int nl = (int)(next_rand(&seed) % 7);
		int muts = (int)(next_rand(&seed) % 4);

		len += (size_t)sprintf(buf, "%s",
				       status[next_rand(&seed) % nstatus]);
		for (int i = 0; i < nl; i++)
			len += (size_t)sprintf(buf + len, "%s",
					       lines[next_rand(&seed) % nlines]);
		len += (size_t)sprintf(buf + len, "\r\n");
		if (next_rand(&seed) % 2 != 0)
			len += (size_t)sprintf(buf + len, "%s\n", PAD);
		for (int k = 0; k < muts; k++) {
			size_t at = next_rand(&seed) % len;
			char c = bytes[next_rand(&seed) % sizeof(bytes)];

			switch (next_rand(&seed) % 3) {
			case 0:
				memmove(buf + at + 1, buf + at, len - at);
				buf[at] = c;
				len++;
				break;
			case 1:
				memmove(buf + at, buf + at + 1, len - at - 1);
				len--;
				break;
			default:
				buf[at] = c;
				break;
			}
		}
		for (lim = len; lim > 0 && buf[lim - 1] != '\n'; lim--)
			;
		if (lim == 0)
			continue;
		taken += both_agree(prefix, buf, lim, it % 5 == 0, &resp) != 0;
	}
	/* Enough of them valid for the comparison to mean something. */
	assert_true(taken > 20000);
}

/*
 * Where a window ends: a filler line of every length from 0 to 150
 * bytes before the benchmark's lines moves each line end across the
 * 64-byte windows' bounds, with and without a body behind (the last
 * window then the piece's last 64 bytes); each such head taken, and
 * with any byte of it replaced by a CTL, a colon or a SP the same
 * verdict as the general parse's.
 */
static void
test_resp_head_window_bounds(void **state)
{
	static const char bad[] = { '\x01', '\t', '\n', '\r', ':', ' ',
				    (char)0x80 };
	prefix_fn prefix = scan_of(state);

	for (uint32_t fill = 0; fill <= 150; fill++) {
		for (int body = 0; body < 2; body++) {
			struct http_response resp;
			char buf[512];
			int head, len;

			head = sprintf(buf, "HTTP/1.1 200 OK\r\nX-Fill: "
				       "%.*s\r\nServer: tern-httpd\r\n"
				       "Content-Length: 5\r\n\r\n", (int)fill,
				       LONG70 LONG70 LONG70);
			len = head + (body ? sprintf(buf + head,
						     "hello" PAD "\n") : 0);
			assert_int_equal(both_agree(prefix, buf, (size_t)len,
						    false, &resp),
					 (uint32_t)head);
			assert_int_equal(resp.content_length, 5);
			for (int at = 0; at < head; at++) {
				char keep = buf[at];

				for (size_t b = 0; b < sizeof(bad); b++) {
					buf[at] = bad[b];
					both_agree(prefix, buf, (size_t)len,
						   false, &resp);
				}
				buf[at] = keep;
			}
		}
	}
}

/* A test of one scan, named after both. */
#define SCAN_TEST(f, scan) \
	{ #f " (" #scan ")", f, NULL, NULL, &scan }

int
main(void)
{
	const struct CMUnitTest tests[] = {
		SCAN_TEST(test_resp_head_cases, scan_sse),
		SCAN_TEST(test_resp_head_mutations, scan_sse),
		SCAN_TEST(test_resp_head_window_bounds, scan_sse),
		SCAN_TEST(test_resp_head_cases, scan_avx2),
		SCAN_TEST(test_resp_head_mutations, scan_avx2),
		SCAN_TEST(test_resp_head_window_bounds, scan_avx2),
		SCAN_TEST(test_resp_head_cases, scan_chosen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
