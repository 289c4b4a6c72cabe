/*
 * Test-only driver for fetch.c: fetches the URLs on its command line and
 * prints one JSON object per result, in completion order.  Options before
 * a URL set the limits; --etag and --last-modified apply to the next URL
 * only, and so does --hold SECONDS (fetch_hold_host on its host).  Used
 * by tests/e2e_fetch.py.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "fetch.h"

static void
print_result(const struct fetch_result *r, long idx)
{
	json_t *o, *red;
	size_t i;
	time_t now = time(NULL);

	o = json_object();
	json_object_set_new(o, "index", json_integer(idx));
	json_object_set_new(o, "url", json_string(r->url));
	json_object_set_new(o, "final_url", json_string(r->final_url));
	json_object_set_new(o, "status", json_integer(r->status));
	json_object_set_new(o, "not_modified", json_boolean(r->not_modified));
	json_object_set_new(o, "error", json_string(fetch_error_name(r->error)));
	json_object_set_new(o, "errmsg", json_string(r->errmsg));
	red = json_array();
	for (i = 0; i < r->nredirects; i++)
		json_array_append_new(red, json_pack("[is]",
		    (int)r->redirects[i].status, r->redirects[i].to));
	json_object_set_new(o, "redirects", red);
	json_object_set_new(o, "moved_to", fetch_result_moved_to(r) ?
	    json_string(fetch_result_moved_to(r)) : json_null());
	json_object_set_new(o, "etag", r->etag ? json_string(r->etag) :
	    json_null());
	json_object_set_new(o, "last_modified", r->last_modified ?
	    json_string(r->last_modified) : json_null());
	json_object_set_new(o, "content_type", r->content_type ?
	    json_string(r->content_type) : json_null());
	json_object_set_new(o, "charset", r->charset ?
	    json_string(r->charset) : json_null());
	json_object_set_new(o, "retry_after_in", r->retry_after ?
	    json_integer((json_int_t)(r->retry_after - now)) : json_null());
	json_object_set_new(o, "max_age", json_integer(r->max_age));
	json_object_set_new(o, "expires", json_integer((json_int_t)r->expires));
	json_object_set_new(o, "body_len", json_integer((json_int_t)r->body_len));
	json_object_set_new(o, "body", r->body ?
	    json_stringn_nocheck(r->body, r->body_len) : json_null());
	json_object_set_new(o, "seconds", json_real(r->seconds));
	json_dumpf(o, stdout, JSON_COMPACT | JSON_ENSURE_ASCII);
	fputc('\n', stdout);
	fflush(stdout);
	json_decref(o);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "max-body", required_argument, NULL, 'b' },
		{ "timeout", required_argument, NULL, 't' },
		{ "connect-timeout", required_argument, NULL, 'C' },
		{ "low-speed-time", required_argument, NULL, 'l' },
		{ "low-speed-limit", required_argument, NULL, 'L' },
		{ "host-rate", required_argument, NULL, 'r' },
		{ "host-connections", required_argument, NULL, 'h' },
		{ "max-transfers", required_argument, NULL, 'm' },
		{ "max-redirects", required_argument, NULL, 'R' },
		{ "user-agent", required_argument, NULL, 'u' },
		{ "etag", required_argument, NULL, 'e' },
		{ "last-modified", required_argument, NULL, 'M' },
		{ "userpwd", required_argument, NULL, 'p' },
		{ "hold", required_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	struct fetch_opts o;
	struct fetch_request req;
	struct fetch_result *r;
	struct fetch *f;
	char ebuf[256];
	long n = 0, hold = 0;
	int ch, failed = 0;

	fetch_opts_init(&o);
	memset(&req, 0, sizeof(req));
	f = NULL;
	/* "-" first: URLs and options interleave, in order. */
	while ((ch = getopt_long(argc, argv, "-", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b': o.max_body = strtoul(optarg, NULL, 10); break;
		case 't': o.timeout = atol(optarg); break;
		case 'C': o.connect_timeout = atol(optarg); break;
		case 'l': o.low_speed_time = atol(optarg); break;
		case 'L': o.low_speed_limit = atol(optarg); break;
		case 'r': o.host_rate = atof(optarg); break;
		case 'h': o.host_connections = atoi(optarg); break;
		case 'm': o.max_transfers = atoi(optarg); break;
		case 'R': o.max_redirects = atol(optarg); break;
		case 'u': o.user_agent = optarg; break;
		case 'e': req.etag = optarg; break;
		case 'M': req.last_modified = optarg; break;
		case 'p': req.userpwd = optarg; break;
		case 'H': hold = atol(optarg); break;
		case 1:
			if (f == NULL && (f = fetch_new(&o, ebuf,
			    sizeof(ebuf))) == NULL) {
				fprintf(stderr, "fetch_probe: %s\n", ebuf);
				return 2;
			}
			req.url = optarg;
			req.ctx = (void *)n++;
			if (hold > 0)
				fetch_hold_host(f, optarg, time(NULL) + hold);
			hold = 0;
			if (fetch_add(f, &req, ebuf, sizeof(ebuf)) != 0) {
				fprintf(stderr, "fetch_probe: %s\n", ebuf);
				failed = 1;
			}
			memset(&req, 0, sizeof(req));
			break;
		default:
			return 2;
		}
	}
	if (f == NULL)
		return 2;
	while (fetch_pending(f) > 0) {
		fetch_poll(f, 1000);
		while ((r = fetch_next(f)) != NULL) {
			print_result(r, (long)r->ctx);
			fetch_result_free(r);
		}
	}
	fetch_free(f);
	return failed;
}
