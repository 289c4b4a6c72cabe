/*
 * libcurl, loaded when it is first used instead of when tidings starts.
 *
 * Linking libcurl makes the dynamic loader map and bind it and the ~30
 * libraries it needs (TLS, HTTP/2, LDAP, Kerberos, SSH, ...) at every
 * start, most of the start-up of a short command such as `tidings parse`
 * on a small feed (bench/README has the figures).  Only fetching needs
 * libcurl, so the program is not
 * linked with it; the functions fetch.c calls are defined here and, on the
 * first call, dlopen() libcurl and call through the real ones.  The
 * declarations come from <curl/curl.h> itself, so a changed signature
 * fails to compile here; a curl function used elsewhere but not defined
 * here fails to link, which is the signal to add it below.
 *
 * If libcurl cannot be loaded, curl_global_init (the first call fetch.c
 * makes) says so on stderr and fails with CURLE_FAILED_INIT; any other
 * entry point aborts, since it cannot be reached without that call.
 */
#include "config.h"

/* We define the functions, so we want them, not their type-checking
 * macro wrappers. */
#define CURL_DISABLE_TYPECHECK 1

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <curl/curl.h>

#ifndef CURL_LAZY_SONAME
#define CURL_LAZY_SONAME "libcurl.so.4"
#endif

static struct {
	CURLcode	(*global_init)(long);
	CURL		*(*easy_init)(void);
	CURLcode	(*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode	(*easy_getinfo)(CURL *, CURLINFO, ...);
	void		(*easy_cleanup)(CURL *);
	void		(*easy_reset)(CURL *);
	const char	*(*easy_strerror)(CURLcode);
	void		(*free)(void *);
	time_t		(*getdate)(const char *, const time_t *);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void		(*slist_free_all)(struct curl_slist *);
	CURLM		*(*multi_init)(void);
	CURLMcode	(*multi_setopt)(CURLM *, CURLMoption, ...);
	CURLMcode	(*multi_add_handle)(CURLM *, CURL *);
	CURLMcode	(*multi_remove_handle)(CURLM *, CURL *);
	CURLMcode	(*multi_perform)(CURLM *, int *);
	CURLMcode	(*multi_poll)(CURLM *, struct curl_waitfd *, unsigned int,
			    int, int *);
	CURLMcode	(*multi_wakeup)(CURLM *);
	CURLMsg		*(*multi_info_read)(CURLM *, int *);
	CURLMcode	(*multi_cleanup)(CURLM *);
	CURLU		*(*url)(void);
	void		(*url_cleanup)(CURLU *);
	CURLUcode	(*url_get)(CURLU *, CURLUPart, char **,
			    unsigned int);
	CURLUcode	(*url_set)(CURLU *, CURLUPart, const char *,
			    unsigned int);
} fn;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded;

static void
resolve(void *lib, void *slot, const char *name)
{
	void *p = dlsym(lib, name);

	if (p == NULL) {
		fprintf(stderr, "tidings: %s: no %s\n", CURL_LAZY_SONAME, name);
		return;
	}
	/* POSIX lets a data pointer hold a function's address (dlsym). */
	*(void **)slot = p;
}

static void
load(void)
{
	void *lib;
	size_t i;

	if ((lib = dlopen(CURL_LAZY_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		fprintf(stderr, "tidings: cannot load libcurl: %s\n",
		    dlerror());
		return;
	}
#define R(f) resolve(lib, &fn.f, "curl_" #f)
	R(global_init); R(easy_init); R(easy_setopt); R(easy_getinfo);
	R(easy_cleanup); R(easy_reset); R(easy_strerror); R(free);
	R(getdate); R(slist_append); R(slist_free_all); R(multi_init);
	R(multi_setopt); R(multi_add_handle); R(multi_remove_handle);
	R(multi_perform); R(multi_poll); R(multi_wakeup); R(multi_info_read);
	R(multi_cleanup); R(url); R(url_cleanup); R(url_get); R(url_set);
#undef R
	for (i = 0; i < sizeof(fn) / sizeof(void (*)(void)); i++)
		if (((void (**)(void))&fn)[i] == NULL)
			return;
	loaded = 1;
}

/* For every entry point but curl_global_init. */
static void
need(void)
{
	pthread_once(&once, load);
	if (!loaded)
		abort();
}

CURLcode
curl_global_init(long flags)
{
	pthread_once(&once, load);
	if (!loaded)
		return CURLE_FAILED_INIT;
	return fn.global_init(flags);
}

CURL *
curl_easy_init(void)
{
	need();
	return fn.easy_init();
}

/*
 * The variadic setters take one argument whose type the option number
 * tells (curl.h: CURLOPTTYPE_*, the same ranges for CURLMOPT_*); this is
 * how libcurl itself reads it.
 */
CURLcode
curl_easy_setopt(CURL *h, CURLoption opt, ...)
{
	va_list ap;
	CURLcode rc;

	need();
	va_start(ap, opt);
	if (opt < CURLOPTTYPE_OBJECTPOINT)
		rc = fn.easy_setopt(h, opt, va_arg(ap, long));
	else if (opt < CURLOPTTYPE_FUNCTIONPOINT)
		rc = fn.easy_setopt(h, opt, va_arg(ap, void *));
	else if (opt < CURLOPTTYPE_OFF_T)
		rc = fn.easy_setopt(h, opt, va_arg(ap, void (*)(void)));
	else if (opt < CURLOPTTYPE_BLOB)
		rc = fn.easy_setopt(h, opt, va_arg(ap, curl_off_t));
	else
		rc = fn.easy_setopt(h, opt, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

CURLMcode
curl_multi_setopt(CURLM *m, CURLMoption opt, ...)
{
	va_list ap;
	CURLMcode rc;

	need();
	va_start(ap, opt);
	if (opt < CURLOPTTYPE_OBJECTPOINT)
		rc = fn.multi_setopt(m, opt, va_arg(ap, long));
	else if (opt < CURLOPTTYPE_FUNCTIONPOINT)
		rc = fn.multi_setopt(m, opt, va_arg(ap, void *));
	else if (opt < CURLOPTTYPE_OFF_T)
		rc = fn.multi_setopt(m, opt, va_arg(ap, void (*)(void)));
	else
		rc = fn.multi_setopt(m, opt, va_arg(ap, curl_off_t));
	va_end(ap);
	return rc;
}

/* Every CURLINFO_* takes one pointer to where the answer goes. */
CURLcode
curl_easy_getinfo(CURL *h, CURLINFO info, ...)
{
	va_list ap;
	CURLcode rc;

	need();
	va_start(ap, info);
	rc = fn.easy_getinfo(h, info, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

void
curl_easy_cleanup(CURL *h)
{
	need();
	fn.easy_cleanup(h);
}

void
curl_easy_reset(CURL *h)
{
	need();
	fn.easy_reset(h);
}

const char *
curl_easy_strerror(CURLcode c)
{
	need();
	return fn.easy_strerror(c);
}

void
curl_free(void *p)
{
	need();
	fn.free(p);
}

time_t
curl_getdate(const char *p, const time_t *unused)
{
	need();
	return fn.getdate(p, unused);
}

struct curl_slist *
curl_slist_append(struct curl_slist *l, const char *s)
{
	need();
	return fn.slist_append(l, s);
}

void
curl_slist_free_all(struct curl_slist *l)
{
	need();
	fn.slist_free_all(l);
}

CURLM *
curl_multi_init(void)
{
	need();
	return fn.multi_init();
}

CURLMcode
curl_multi_add_handle(CURLM *m, CURL *h)
{
	need();
	return fn.multi_add_handle(m, h);
}

CURLMcode
curl_multi_remove_handle(CURLM *m, CURL *h)
{
	need();
	return fn.multi_remove_handle(m, h);
}

CURLMcode
curl_multi_perform(CURLM *m, int *running)
{
	need();
	return fn.multi_perform(m, running);
}

CURLMcode
curl_multi_poll(CURLM *m, struct curl_waitfd *extra, unsigned int nextra,
    int timeout_ms, int *ret)
{
	need();
	return fn.multi_poll(m, extra, nextra, timeout_ms, ret);
}

CURLMcode
curl_multi_wakeup(CURLM *m)
{
	need();
	return fn.multi_wakeup(m);
}

CURLMsg *
curl_multi_info_read(CURLM *m, int *left)
{
	need();
	return fn.multi_info_read(m, left);
}

CURLMcode
curl_multi_cleanup(CURLM *m)
{
	need();
	return fn.multi_cleanup(m);
}

CURLU *
curl_url(void)
{
	need();
	return fn.url();
}

void
curl_url_cleanup(CURLU *u)
{
	need();
	fn.url_cleanup(u);
}

CURLUcode
curl_url_get(CURLU *u, CURLUPart what, char **part, unsigned int flags)
{
	need();
	return fn.url_get(u, what, part, flags);
}

CURLUcode
curl_url_set(CURLU *u, CURLUPart what, const char *part, unsigned int flags)
{
	need();
	return fn.url_set(u, what, part, flags);
}
