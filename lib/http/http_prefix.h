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

/* The request head at @p p, its bytes up to the last line feed of
 * p[0..len): @return 0 or the status it deserves, as
 * http_parse_request(); *head_len its length, up to and including the
 * empty line when the status is 0. (The reader's usual request calls
 * this at once: a wrapper giving only the length cost a call.) */
int http_request_head(const char *p, uint32_t len, struct http_request *req,
		      uint32_t *head_len);

uint32_t http_response_prefix(const char *p, uint32_t len, bool head_request,
			      struct http_response *resp);

#endif /* TERN_HTTP_PREFIX_H */
