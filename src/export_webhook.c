/*
 * Webhook targets: each article POSTed as its JSON record on the target's
 * own curl multi handle, which the caller advances without waiting
 * (export_req_poll), so the daemon's loop never stalls behind a slow
 * receiver.  The contract is in export.h; the outbox decides what a
 * status means for the article and the target.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "buf.h"
#include "date.h"
#include "err.h"
#include "export.h"
#include "export_int.h"
#include "hash.h"
#include "xmalloc.h"

/* The largest secret_file read. */
#define SECRET_MAX	4096
/* How much of a receiver's answer a message quotes. */
#define REPLY_MAX	160

struct export_hook {
	CURLM		*multi;
	char		*secret;
	size_t		 secret_len;
	char		*test_ca;	/* TIDINGS_TEST_CA_FILE */
};

struct export_req {
	struct export_target	*t;
	CURL			*easy;
	struct curl_slist	*headers;
	struct buf		 body;
	char			 errbuf[CURL_ERROR_SIZE];
	char			 reply[REPLY_MAX];
	size_t			 nreply;
	long			 retry_after;	/* -1: none */
	int			 done;		/* libcurl finished it */
	CURLcode		 code;
	int			 status;	/* -1 until classified */
	char			 msg[512];
};

int
export_secret_read(const char *path, char **out, size_t *len, char *ebuf,
    size_t n)
{
	struct stat sb;
	char *buf;
	ssize_t r;
	size_t got = 0;
	int fd;

	*out = NULL;
	*len = 0;
	/* O_NONBLOCK: a FIFO put in its place must not stop the caller. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd == -1)
		return err_set(ebuf, n, ERR_IO, "secret_file %s: %s", path,
		    strerror(errno));
	if (fstat(fd, &sb) == -1) {
		close(fd);
		return err_set(ebuf, n, ERR_IO, "secret_file %s: %s", path,
		    strerror(errno));
	}
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		return err_set(ebuf, n, ERR_INVALID, "secret_file %s: not a "
		    "regular file", path);
	}
	if ((sb.st_mode & S_IRWXO) != 0 ||
	    ((sb.st_mode & S_IRWXG) != 0 && sb.st_uid == geteuid())) {
		close(fd);
		return err_set(ebuf, n, ERR_INVALID, "secret_file %s: "
		    "permissions %04o are too open: %s can read it (chmod 600 "
		    "it)", path, (unsigned)(sb.st_mode & 07777),
		    (sb.st_mode & S_IRWXO) != 0 ? "others" : "its group");
	}
	buf = xmalloc(SECRET_MAX + 1);
	while (got <= SECRET_MAX) {
		r = read(fd, buf + got, SECRET_MAX + 1 - got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			err_set(ebuf, n, ERR_IO, "secret_file %s: %s", path,
			    strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	if (got > SECRET_MAX) {
		err_set(ebuf, n, ERR_INVALID, "secret_file %s: over %d bytes",
		    path, SECRET_MAX);
		goto fail;
	}
	while (got > 0 && (buf[got - 1] == '\n' || buf[got - 1] == '\r'))
		got--;
	if (got == 0) {
		err_set(ebuf, n, ERR_INVALID, "secret_file %s: empty", path);
		goto fail;
	}
	close(fd);
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return ERR_OK;
fail:
	close(fd);
	explicit_bzero(buf, SECRET_MAX + 1);
	free(buf);
	return ERR_INVALID;
}

long
export_retry_after(const char *v, time_t now)
{
	struct date_time dt;
	const char *p;
	long secs = 0;

	while (*v == ' ' || *v == '\t')
		v++;
	if (*v == '\0')
		return -1;
	/* delta-seconds: digits only */
	for (p = v; isdigit((unsigned char)*p); p++)
		if (secs < 100000000L)
			secs = secs * 10 + (*p - '0');
	if (secs > 100000000L)
		secs = 100000000L;
	while (*p == ' ' || *p == '\t')
		p++;
	if (p != v && *p == '\0')
		return secs;
	/* an HTTP-date (IMF-fixdate, or the obsolete forms) */
	if (date_parse(v, &dt) != ERR_OK)
		return -1;
	if (dt.utc <= (int64_t)now)
		return 0;
	return dt.utc - (int64_t)now > 100000000L ? 100000000L :
	    (long)(dt.utc - (int64_t)now);
}

int
export_hook_open(struct export_target *t, char *ebuf, size_t n)
{
	static int global_done;
	struct export_hook *h;
	char *secret;
	size_t len;

	if (t->hook != NULL)
		return EXPORT_OK;
	if (t->s.url == NULL || t->s.secret_file == NULL) {
		err_set(ebuf, n, ERR_INVALID, "%s: a webhook needs a url and a "
		    "secret_file", t->s.name);
		return EXPORT_ESECRET;
	}
	if (export_secret_read(t->s.secret_file, &secret, &len, ebuf, n) !=
	    ERR_OK)
		return EXPORT_ESECRET;
	if (!global_done) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			explicit_bzero(secret, len);
			free(secret);
			err_set(ebuf, n, ERR_NET, "curl_global_init failed");
			return EXPORT_EIO;
		}
		global_done = 1;
	}
	h = xcalloc(1, sizeof(*h));
	h->secret = secret;
	h->secret_len = len;
	if (getenv("TIDINGS_TEST_CA_FILE") != NULL)
		h->test_ca = xstrdup(getenv("TIDINGS_TEST_CA_FILE"));
	h->multi = curl_multi_init();
	t->hook = h;
	return EXPORT_OK;
}

void
export_hook_free(struct export_hook *h)
{
	if (h == NULL)
		return;
	if (h->multi != NULL)
		curl_multi_cleanup(h->multi);
	if (h->secret != NULL) {
		explicit_bzero(h->secret, h->secret_len);
		free(h->secret);
	}
	free(h->test_ca);
	free(h);
}

static size_t
on_header(char *p, size_t size, size_t nmemb, void *ctx)
{
	struct export_req *r = ctx;
	size_t len = size * nmemb;
	char v[128];

	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		r->retry_after = -1;	/* a new response */
		return len;
	}
	if (len > 12 && strncasecmp(p, "Retry-After:", 12) == 0) {
		len -= 12;
		snprintf(v, sizeof(v), "%.*s", (int)(len < sizeof(v) - 1 ?
		    len : sizeof(v) - 1), p + 12);
		v[strcspn(v, "\r\n")] = '\0';
		r->retry_after = export_retry_after(v, time(NULL));
		return size * nmemb;
	}
	return len;
}

/* Keeps the start of the answer for a message; the rest is dropped. */
static size_t
on_body(char *p, size_t size, size_t nmemb, void *ctx)
{
	struct export_req *r = ctx;
	size_t len = size * nmemb, room = sizeof(r->reply) - 1 - r->nreply;

	if (room > 0) {
		memcpy(r->reply + r->nreply, p, len < room ? len : room);
		r->nreply += len < room ? len : room;
	}
	return len;
}

int
export_req_start(struct export_target *t, const struct export_item *it,
    struct export_req **out, char *ebuf, size_t n)
{
	struct export_hook *h;
	struct export_req *r;
	unsigned char mac[32];
	char key[80], hex[65], line[128];
	enum export_status st;

	*out = NULL;
	if ((st = export_hook_open(t, ebuf, n)) != EXPORT_OK)
		return st;
	h = t->hook;
	r = xcalloc(1, sizeof(*r));
	r->t = t;
	r->retry_after = -1;
	r->status = -1;
	if (export_format_key(it, key, sizeof(key), ebuf, n) != ERR_OK ||
	    export_format_render(it, EXPORT_FMT_WEBHOOK, &r->body, ebuf,
	    n) != ERR_OK) {
		buf_free(&r->body);
		free(r);
		return EXPORT_EINVAL;
	}
	hash_hmac_sha256(h->secret, h->secret_len, r->body.data, r->body.len,
	    mac);
	hash_hex(mac, sizeof(mac), hex);
	r->headers = curl_slist_append(r->headers,
	    "Content-Type: application/json");
	snprintf(line, sizeof(line), "Idempotency-Key: %s", key);
	r->headers = curl_slist_append(r->headers, line);
	snprintf(line, sizeof(line), "X-Tidings-Signature: sha256=%s", hex);
	r->headers = curl_slist_append(r->headers, line);
	/* no "100 Continue" round trip before the body */
	r->headers = curl_slist_append(r->headers, "Expect:");
	if ((r->easy = curl_easy_init()) == NULL) {
		export_req_free(r);
		err_set(ebuf, n, ERR_NET, "%s: curl_easy_init failed",
		    t->s.name);
		return EXPORT_EIO;
	}
	curl_easy_setopt(r->easy, CURLOPT_URL, t->s.url);
	curl_easy_setopt(r->easy, CURLOPT_PRIVATE, r);
	curl_easy_setopt(r->easy, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(r->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(r->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(r->easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(r->easy, CURLOPT_TIMEOUT_MS, (long)(t->s.timeout_ms > 0 ?
	    t->s.timeout_ms : 30000));
	curl_easy_setopt(r->easy, CURLOPT_POST, 1L);
	curl_easy_setopt(r->easy, CURLOPT_POSTFIELDS, r->body.data);
	curl_easy_setopt(r->easy, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)r->body.len);
	curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, r->headers);
	curl_easy_setopt(r->easy, CURLOPT_USERAGENT, "tidings/" PACKAGE_VERSION);
	curl_easy_setopt(r->easy, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(r->easy, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(r->easy, CURLOPT_WRITEDATA, r);
	if (h->test_ca != NULL)
		curl_easy_setopt(r->easy, CURLOPT_CAINFO, h->test_ca);
	if (curl_multi_add_handle(h->multi, r->easy) != CURLM_OK) {
		export_req_free(r);
		err_set(ebuf, n, ERR_NET, "%s: cannot start a request",
		    t->s.name);
		return EXPORT_EIO;
	}
	*out = r;
	return EXPORT_OK;
}

/* Runs the target's transfers and notes the ones that finished. */
static void
advance(struct export_hook *h)
{
	struct export_req *r;
	CURLMsg *m;
	int running, left;

	curl_multi_perform(h->multi, &running);
	while ((m = curl_multi_info_read(h->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		r = NULL;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
		if (r == NULL)
			continue;
		r->done = 1;
		r->code = m->data.result;
	}
}

/* The answer's start, on one line of printable ASCII, for a message. */
static void
reply_text(const struct export_req *r, char *out, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < r->nreply && o + 1 < n; i++)
		out[o++] = r->reply[i] >= 0x20 && r->reply[i] < 0x7f ?
		    r->reply[i] : ' ';
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

/* What a finished request means (export.h). */
static int
classify(struct export_req *r)
{
	struct export_target *t = r->t;
	char text[REPLY_MAX];
	long code = 0;

	if (r->code != CURLE_OK) {
		snprintf(r->msg, sizeof(r->msg), "%s: no answer: %s",
		    t->s.name, r->errbuf[0] != '\0' ? r->errbuf :
		    curl_easy_strerror(r->code));
		return EXPORT_EHTTP;
	}
	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &code);
	if (code >= 200 && code < 300)
		return EXPORT_OK;
	reply_text(r, text, sizeof(text));
	snprintf(r->msg, sizeof(r->msg), "%s: HTTP %ld%s%s", t->s.name, code,
	    text[0] != '\0' ? ": " : "", text);
	if (code >= 500 || code == 408 || code == 429) {
		if (r->retry_after >= 0 && r->retry_after > t->retry_after)
			t->retry_after = r->retry_after > 100000000L ?
			    100000000 : (int)r->retry_after;
		return EXPORT_EHTTP;
	}
	return EXPORT_EREJECTED;
}

int
export_req_poll(struct export_req *r, char *ebuf, size_t n)
{
	if (r->status == -1) {
		if (!r->done)
			advance(r->t->hook);
		if (!r->done)
			return -1;
		r->status = classify(r);
	}
	if (ebuf != NULL && n > 0)
		snprintf(ebuf, n, "%s", r->msg);
	return r->status;
}

void
export_req_free(struct export_req *r)
{
	if (r == NULL)
		return;
	if (r->easy != NULL) {
		curl_multi_remove_handle(r->t->hook->multi, r->easy);
		curl_easy_cleanup(r->easy);
	}
	curl_slist_free_all(r->headers);
	buf_free(&r->body);
	free(r);
}

void
export_hook_wait(struct export_target *t, int ms)
{
	if (t->hook != NULL)
		curl_multi_poll(t->hook->multi, NULL, 0, ms, NULL);
}
