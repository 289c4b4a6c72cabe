#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dedup.h"
#include "err.h"
#include "hash.h"
#include "xmalloc.h"

static int
is_ascii_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
	    c == '\v';
}

/* Parameters that say where a reader came from, never what they read. */
static const char *const tracking_exact[] = {
	"fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid",
	"mc_cid", "mc_eid", "yclid", "_hsenc", "_hsmi", "igshid", "mkt_tok",
	"_ga", "_gl", "oly_anon_id", "oly_enc_id", "vero_id", "vero_conv",
	"rb_clickid", "s_cid", "ncid", "xtor", "ref_src", "spm", "at_medium",
	"at_campaign", "wt_mc", "wt.mc_id", "cmpid", "__twitter_impression",
};

int
dedup_is_tracking_param(const char *name, size_t len)
{
	size_t i;

	if (len > 4 && strncasecmp(name, "utm_", 4) == 0)
		return 1;
	for (i = 0; i < sizeof(tracking_exact) / sizeof(tracking_exact[0]); i++)
		if (strlen(tracking_exact[i]) == len &&
		    strncasecmp(name, tracking_exact[i], len) == 0)
			return 1;
	return 0;
}

/* Appends query q (qlen bytes, without '?') minus tracking parameters,
 * with a leading '?' when anything is left. */
static void
put_query(struct buf *out, const char *q, size_t qlen)
{
	size_t i = 0, start, name_end;
	int first = 1;

	while (i <= qlen) {
		start = i;
		while (i < qlen && q[i] != '&' && q[i] != ';')
			i++;
		name_end = start;
		while (name_end < i && q[name_end] != '=')
			name_end++;
		if (i > start && !dedup_is_tracking_param(q + start,
		    name_end - start)) {
			buf_putc(out, first ? '?' : '&');
			buf_append(out, q + start, i - start);
			first = 0;
		}
		i++;
	}
}

/* A fragment that is empty or looks like key=value ("#xtor=RSS-3") is
 * tracking, not a place in the page. */
static int
fragment_is_noise(const char *f, size_t len)
{
	return len == 0 || memchr(f, '=', len) != NULL;
}

static void
strip_into(struct buf *out, const char *u, size_t len)
{
	const char *q = memchr(u, '?', len), *h = memchr(u, '#', len);

	if (h != NULL && q != NULL && q > h)
		q = NULL;
	if (q == NULL) {
		if (h != NULL && fragment_is_noise(h + 1, len - (h + 1 - u)))
			len = h - u;
		buf_append(out, u, len);
		return;
	}
	buf_append(out, u, q - u);
	put_query(out, q + 1, (h ? (size_t)(h - q - 1) : len - (q + 1 - u)));
	if (h != NULL && !fragment_is_noise(h + 1, len - (h + 1 - u)))
		buf_append(out, h, len - (h - u));
}

char *
dedup_strip_tracking(const char *url)
{
	struct buf b = { 0 };

	if (url == NULL)
		return NULL;
	strip_into(&b, url, strlen(url));
	return buf_detach(&b);
}

char *
dedup_link_key(const char *url)
{
	struct buf b = { 0 };
	const char *s, *host, *p, *end;
	size_t len, hlen;

	if (url == NULL)
		return NULL;
	while (is_ascii_space((unsigned char)*url))
		url++;
	len = strlen(url);
	while (len > 0 && is_ascii_space((unsigned char)url[len - 1]))
		len--;
	if (len == 0)
		return NULL;
	if (len > 7 && strncasecmp(url, "http://", 7) == 0)
		host = url + 7;
	else if (len > 8 && strncasecmp(url, "https://", 8) == 0)
		host = url + 8;
	else
		return xstrndup(url, len);
	end = url + len;
	for (p = host; p < end && *p != '/' && *p != '?' && *p != '#'; p++)
		;
	hlen = p - host;
	/* userinfo never identifies an article; drop it with the scheme */
	for (s = host; s < p; s++)
		if (*s == '@') {
			hlen -= s + 1 - host;
			host = s + 1;
		}
	if (hlen > 4 && strncasecmp(host, "www.", 4) == 0) {
		host += 4;
		hlen -= 4;
	}
	if (hlen > 3 && (strncmp(host + hlen - 3, ":80", 3) == 0))
		hlen -= 3;
	else if (hlen > 4 && strncmp(host + hlen - 4, ":443", 4) == 0)
		hlen -= 4;
	if (hlen > 0 && host[hlen - 1] == '.')
		hlen--;
	buf_puts(&b, "//");
	for (s = host; s < host + hlen; s++)
		buf_putc(&b, (*s >= 'A' && *s <= 'Z') ? *s + 32 : *s);
	{
		struct buf rest = { 0 };
		const char *r, *cut;

		strip_into(&rest, p, end - p);
		r = buf_str(&rest);
		cut = r + strcspn(r, "?#");
		/* "/a/" and "/a" are the same page on every real site */
		if (cut - r > 1 && cut[-1] == '/') {
			buf_append(&b, r, cut - r - 1);
			buf_puts(&b, cut);
		} else if (cut == r) {
			buf_putc(&b, '/');
			buf_puts(&b, r);
		} else
			buf_puts(&b, r);
		buf_free(&rest);
	}
	return buf_detach(&b);
}

/* Length of a Unicode space at p (0 if none); *drop says it vanishes
 * rather than becoming a space (zero-width ones). */
static size_t
unicode_space(const unsigned char *p, int *drop)
{
	*drop = 0;
	if (p[0] == 0xc2 && p[1] == 0xa0)
		return 2;
	if (p[0] == 0xe2 && p[1] == 0x80) {
		if ((p[2] >= 0x80 && p[2] <= 0x8a) || p[2] == 0xaf ||
		    p[2] == 0xa8 || p[2] == 0xa9)
			return 3;
		if (p[2] == 0x8b || p[2] == 0x8c || p[2] == 0x8d) {
			*drop = 1;
			return 3;
		}
	}
	if (p[0] == 0xe2 && p[1] == 0x81 && p[2] == 0x9f)
		return 3;
	if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80)
		return 3;
	if (p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
		*drop = 1;
		return 3;
	}
	return 0;
}

static int
url_end(int c)
{
	return c == '\0' || is_ascii_space(c) || c == '"' || c == '\'' ||
	    c == '<' || c == '>' || c == ')' || c == ']';
}

void
dedup_normalize(const char *s, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)s;
	int space = 0, any = 0, drop;
	size_t k;

	if (s == NULL)
		return;
	while (*p) {
		if (is_ascii_space(*p)) {
			space = any;
			p++;
			continue;
		}
		if (*p >= 0x80 && (k = unicode_space(p, &drop)) > 0) {
			if (!drop)
				space = any;
			p += k;
			continue;
		}
		if (space)
			buf_putc(out, ' ');
		space = 0;
		any = 1;
		if (*p == 'h' && (strncmp((const char *)p, "http://", 7) == 0 ||
		    strncmp((const char *)p, "https://", 8) == 0)) {
			const unsigned char *e = p;

			while (!url_end(*e))
				e++;
			strip_into(out, (const char *)p, e - p);
			p = e;
			continue;
		}
		/* the rest of the word in one append */
		{
			const unsigned char *e = p + 1;

			while (*e && *e < 0x80 && !is_ascii_space(*e) &&
			    *e != 'h')
				e++;
			buf_append(out, p, e - p);
			p = e;
		}
	}
}

static void
key_of(char kind, const char *s, size_t len, unsigned char out[DEDUP_KEYLEN])
{
	struct hash_sha256 c;
	unsigned char d[32];

	hash_sha256_init(&c);
	hash_sha256_update(&c, &kind, 1);
	hash_sha256_update(&c, s, len);
	hash_sha256_final(&c, d);
	memcpy(out, d, DEDUP_KEYLEN);
}

/* Link keys start with 4 bytes from the host alone, so that the keys of one
 * site sit together in the store's index: a feed document then dirties a
 * few index pages rather than one random page per item. */
static void
link_key_of(const char *lk, unsigned char out[DEDUP_KEYLEN])
{
	unsigned char h[DEDUP_KEYLEN];
	size_t hl = 0;

	if (lk[0] == '/' && lk[1] == '/')
		hl = 2 + strcspn(lk + 2, "/?#");
	key_of('h', lk, hl, h);
	key_of('l', lk, strlen(lk), out);
	memcpy(out, h, 4);
}

static void
hash_field(struct hash_sha256 *c, char tag, const char *s, size_t len)
{
	hash_sha256_update(c, &tag, 1);
	hash_sha256_update(c, s, len);
	hash_sha256_update(c, "", 1);
}

/*
 * A fast 128-bit hash (two multiply-xorshift lanes over 64-bit words) for
 * the raw-field shortcut.  Not collision-resistant: a feed could make a
 * changed item look unchanged to itself, which costs it its own update
 * and nothing else.  Identity keys stay SHA-256.
 */
struct fh {
	uint64_t	a, b, n;
};

static uint64_t
mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static void
fh_word(struct fh *h, uint64_t w)
{
	h->a = (h->a ^ w) * 0x9e3779b97f4a7c15ULL;
	h->a ^= h->a >> 29;
	h->b = (h->b + w) * 0xc2b2ae3d27d4eb4fULL;
	h->b = (h->b << 31) | (h->b >> 33);
	h->n++;
}

/* Each field is hashed with its length, so "ab"+"c" differs from
 * "a"+"bc"; NULL differs from "". */
static void
fh_field(struct fh *h, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	uint64_t w;
	size_t len, i;

	if (s == NULL) {
		fh_word(h, 0xfeedfacecafebeefULL);
		return;
	}
	len = strlen(s);
	fh_word(h, len);
	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, p + i, 8);
		fh_word(h, w);
	}
	if (i < len) {
		w = 0;
		memcpy(&w, p + i, len - i);
		fh_word(h, w);
	}
}

static void
fh_final(struct fh *h, unsigned char out[16])
{
	uint64_t x = mix(h->a ^ h->n), y = mix(h->b + x);

	x = mix(x ^ y);
	memcpy(out, &x, 8);
	memcpy(out + 8, &y, 8);
}

static const char *
body_of(const struct article *a)
{
	return a->text ? a->text : a->summary ? a->summary : a->content;
}

void
dedup_keys_quick(const struct article *a, const char *site_link,
    struct dedup_keys *k)
{
	struct fh h = { 0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0 };
	const char *g;
	char *lk, *site = NULL;
	size_t glen;
	uint64_t pub;

	memset(k, 0, sizeof(*k));
	if ((g = a->guid) != NULL) {
		while (is_ascii_space((unsigned char)*g))
			g++;
		glen = strlen(g);
		while (glen > 0 && is_ascii_space((unsigned char)g[glen - 1]))
			glen--;
		if (glen > 0) {
			key_of('g', g, glen, k->guid);
			k->has_guid = 1;
		}
	}
	lk = dedup_link_key(a->link);
	if (lk != NULL && site_link != NULL)
		site = dedup_link_key(site_link);
	if (lk != NULL && (site == NULL || strcmp(lk, site) != 0)) {
		link_key_of(lk, k->link);
		k->has_link = 1;
	}
	free(site);
	free(lk);

	fh_field(&h, a->title);
	fh_field(&h, body_of(a));
	fh_final(&h, k->tt);
	/* provisional, until dedup_keys_complete measures the normalised
	 * text: enough for the plan's duplicate count */
	k->has_fp = body_of(a) != NULL &&
	    strlen(body_of(a)) >= DEDUP_FP_MIN_TEXT;
	fh_field(&h, a->guid);
	fh_field(&h, a->link);
	fh_field(&h, a->author);
	pub = a->has_published ? (uint64_t)a->published.utc : 0x8000000000000000ULL;
	fh_word(&h, pub);
	fh_final(&h, k->raw);
}

void
dedup_keys_complete(const struct article *a, struct dedup_keys *k)
{
	struct buf title = { 0 }, text = { 0 }, tmp = { 0 };
	struct hash_sha256 c, rest;
	unsigned char d[32];
	char *lk, num[32];

	dedup_normalize(a->title, &title);
	dedup_normalize(body_of(a), &text);

	/* one pass over title and text serves both the identity digest and
	 * the content hash, which goes on from a copy of the state */
	hash_sha256_init(&c);
	hash_field(&c, 't', buf_str(&title), title.len);
	hash_field(&c, 'x', buf_str(&text), text.len);
	rest = c;
	hash_sha256_final(&c, d);
	key_of('c', (const char *)d, sizeof(d), k->content);
	k->has_fp = 0;
	if (text.len >= DEDUP_FP_MIN_TEXT) {
		key_of('f', (const char *)d, sizeof(d), k->fp);
		k->has_fp = 1;
	}

	dedup_normalize(a->author, &tmp);
	hash_field(&rest, 'a', buf_str(&tmp), tmp.len);
	if (a->has_published) {
		snprintf(num, sizeof(num), "%lld", (long long)a->published.utc);
		hash_field(&rest, 'p', num, strlen(num));
	}
	if ((lk = dedup_link_key(a->link)) != NULL)
		hash_field(&rest, 'l', lk, strlen(lk));
	free(lk);
	hash_sha256_final(&rest, d);
	memcpy(k->hash, d, DEDUP_HASHLEN);
	k->full = 1;

	buf_free(&title);
	buf_free(&text);
	buf_free(&tmp);
}

void
dedup_keys_compute(const struct article *a, const char *site_link,
    struct dedup_keys *k)
{
	dedup_keys_quick(a, site_link, k);
	dedup_keys_complete(a, k);
}

static int
keycmp(const void *a, const void *b)
{
	return memcmp(a, b, DEDUP_KEYLEN);
}

/* Counts how many of the n keys (present ones gathered in tmp) repeat. */
static size_t
count_repeats(unsigned char (*tmp)[DEDUP_KEYLEN], size_t m)
{
	size_t i, dups = 0;

	qsort(tmp, m, DEDUP_KEYLEN, keycmp);
	for (i = 1; i < m; i++)
		if (memcmp(tmp[i], tmp[i - 1], DEDUP_KEYLEN) == 0)
			dups++;
	return dups;
}

void
dedup_plan_make(enum dedup_identity configured, const struct dedup_keys *keys,
    size_t n, long churn, struct dedup_plan *p)
{
	unsigned char (*tmp)[DEDUP_KEYLEN];
	size_t i, with_guid = 0, with_link = 0, with_fp = 0;
	size_t dup_guid, dup_link, dup_fp;

	tmp = xreallocarray(NULL, n ? n : 1, DEDUP_KEYLEN);
	for (i = 0; i < n; i++)
		if (keys[i].has_guid)
			memcpy(tmp[with_guid++], keys[i].guid, DEDUP_KEYLEN);
	dup_guid = count_repeats(tmp, with_guid);
	for (i = 0; i < n; i++)
		if (keys[i].has_link)
			memcpy(tmp[with_link++], keys[i].link, DEDUP_KEYLEN);
	dup_link = count_repeats(tmp, with_link);
	for (i = 0; i < n; i++)
		if (keys[i].has_fp)
			memcpy(tmp[with_fp++], keys[i].tt, DEDUP_KEYLEN);
	dup_fp = count_repeats(tmp, with_fp);
	free(tmp);

	memset(p, 0, sizeof(*p));
	p->use_guid = dup_guid == 0;
	p->use_link = dup_link == 0;
	p->use_fp = dup_fp == 0;
	p->same_feed_fallback = 1;
	switch (configured) {
	case DEDUP_GUID:
		p->mode = DEDUP_GUID;
		p->use_guid = 1;
		p->same_feed_fallback = 0;
		p->reason = "configured: guid";
		return;
	case DEDUP_LINK:
		p->mode = DEDUP_LINK;
		p->use_guid = 0;
		p->use_link = 1;
		p->reason = "configured: link";
		return;
	case DEDUP_CONTENT:
		p->mode = DEDUP_CONTENT;
		p->use_guid = 0;
		p->use_link = 0;
		p->reason = "configured: content";
		return;
	case DEDUP_AUTO:
		break;
	}
	if (n == 0) {
		p->mode = DEDUP_GUID;
		p->reason = "empty document";
		return;
	}
	if (p->use_guid && with_guid * 2 > n && churn < DEDUP_CHURN_LIMIT) {
		p->mode = DEDUP_GUID;
		p->reason = "guids present and unique";
		return;
	}
	if (p->use_link && with_link * 2 > n) {
		p->mode = DEDUP_LINK;
		if (!p->use_guid)
			p->reason = "guid shared by several items; using links";
		else if (with_guid * 2 <= n)
			p->reason = "guids missing; using links";
		else {
			p->reason = "guids changed while links stayed; using links";
			p->use_guid = 0;
		}
		return;
	}
	if (p->use_guid && with_guid * 2 > n) {
		p->mode = DEDUP_GUID;
		p->reason = "guids changed, but links cannot identify items either";
		return;
	}
	p->mode = DEDUP_CONTENT;
	p->reason = "neither guids nor links identify items; using content";
}
