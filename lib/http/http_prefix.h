/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_HTTP_PREFIX_H
#define TERN_HTTP_PREFIX_H

/*
 * Inside lib/http: the head parsers of http.c run on the start of a
 * received piece before its end is known, so that a head arriving whole
 * is scanned once (http_reader_feed_request() and _response()).
 *
 * @p p[0..len) must end with a line feed (the scans stop there). A head
 * that is complete and valid within it gives its length, up to and
 * including the empty line, and *req (*resp) as http_parse_request()
 * (http_parse_response()) gives for those bytes; anything else (no
 * empty line yet, a malformed head) gives 0, and the caller finds the
 * head's end first and parses it as before.
 */

#include <stdbool.h>
#include <stdint.h>

#include "http.h"

/* Where a reader stands (struct http_reader's phase): http_reader.c's,
 * and http.c's http_reader_take_request() tests for PH_HEAD. */
enum http_phase {
	PH_HEAD,             /* collecting a head */
	PH_HEAD_TAKEN,       /* head reported; waiting for set_body() */
	PH_DONE_PENDING,     /* message complete; report it on next feed */
	PH_BODY_LENGTH,      /* skipping body_left bytes */
	PH_BODY_EOF,         /* everything until the end is body */
	PH_CHUNK_SIZE_FIRST, /* first hex digit of a chunk size */
	PH_CHUNK_SIZE,       /* more hex digits, or the end of the size */
	PH_CHUNK_EXT,        /* chunk extension: skipped up to LF */
	PH_CHUNK_SIZE_LF,    /* CR seen after the size: LF must follow */
	PH_CHUNK_DATA,       /* skipping body_left chunk bytes */
	PH_CHUNK_DATA_CR,    /* CRLF after chunk data */
	PH_CHUNK_DATA_LF,
	PH_TRAILER_START,    /* start of a trailer line (or the final CRLF) */
	PH_TRAILER_LINE,     /* inside a trailer field line */
	PH_TRAILER_LINE_LF,  /* CR inside a trailer line: LF must follow */
	PH_TRAILER_END_LF,   /* CR of the final empty line seen */
	PH_ERROR,
};

/* The request head at @p p, its bytes up to the last line feed of
 * p[0..len): @return 0 or the status it deserves, as
 * http_parse_request(); *head_len its length, up to and including the
 * empty line when the status is 0. (The reader's usual request calls
 * this at once: a wrapper giving only the length cost a call.) */
int http_request_head(const char *p, uint32_t len, struct http_request *req,
		      uint32_t *head_len);

/* The response head at @p p, as above: the usual head read in
 * registers (http_resp_head.c), any other by
 * http_response_head_general(). */
uint32_t http_response_prefix(const char *p, uint32_t len, bool head_request,
			      struct http_response *resp);

/* The usual head's path by one scan, for the tests (bench-http-resp-head
 * runs each): sixteen-byte loads (SSSE3), and 64-byte windows (AVX2,
 * with BMI1 and BMI2), the one http_response_prefix() takes when
 * http_response_prefix_avx2_runs(); a build without either scan gives
 * the general parse's result from both. Call the AVX2 one only when
 * http_response_prefix_avx2_runs(). */
uint32_t http_response_prefix_sse(const char *p, uint32_t len,
				  bool head_request,
				  struct http_response *resp);
uint32_t http_response_prefix_avx2(const char *p, uint32_t len,
				   bool head_request,
				   struct http_response *resp);
bool http_response_prefix_avx2_runs(void);

/* The same by the general scans alone (http.c), every verdict given. */
uint32_t http_response_head_general(const char *p, uint32_t len,
				    bool head_request,
				    struct http_response *resp);

#endif /* TERN_HTTP_PREFIX_H */
