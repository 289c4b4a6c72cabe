/*
 * The field table and the filling of fields: what the SAX handlers
 * (parse_xml.c) capture goes into the item or the feed here, by the
 * rules below, and a finished item goes on to the callback, inline or
 * through the pipe (parse_pipe.h).
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "date.h"
#include "html.h"
#include "normalize.h"
#include "parse_pipe.h"
#include "parse_xml_impl.h"
#include "url.h"
#include "xml_names.h"
#include "xml_values.h"
#include "xmalloc.h"

/*
 * Which element wins a field.  Per element: the item field and the feed
 * field it fills, each with a priority, and the content type assumed when
 * the element has no type attribute.  A higher priority replaces a lower
 * one whatever the document order; at equal priority the later element
 * wins (as feedparser overwrites), except content, where the first wins
 * (feedparser's content[0]).  Two feedparser habits the corpus checks:
 * a second description or summary met before any content becomes the
 * content (at rank 1), and when the item ends, a missing summary is
 * copied from the content.  Only the item's (or the channel's) own
 * children count, and what the extensions nest (enum ctx): an item's
 * <image><title> or <s:variant><title> is not its title.
 *
 *   field      candidates (priority)
 *   title      title 3, dc:title 2, media:title 1
 *   link       atom link rel=alternate (HTML type) or RSS <link> 3,
 *              guid/atom:id that is an http(s) permalink 1
 *   author     author/atom author name (+ " (email)"), dc:creator,
 *              dc:author, managingEditor 3, itunes:author 2,
 *              webMaster 1 (the feed's only)
 *   published  pubDate, published, issued, dcterms:issued 3
 *   updated    updated, modified, lastBuildDate, dc:date, dcterms:modified 3
 *   summary    description, atom summary 3, dc:description,
 *              itunes:summary 2, media:description 1
 *   content    content:encoded, atom content 3, xhtml:body, fullitem 2
 *   feed description: description, subtitle, tagline 3,
 *              dc:description, itunes:subtitle 2, itunes:summary 1
 *   feed image: image/url, atom logo 3, itunes:image 2, atom icon 1,
 *              a channel's own media:thumbnail or image media:content 1
 *   generator  generator 3, admin:generatorAgent 2
 *
 * The item's image, duration and comment count are values, not text:
 *
 *   image      media:thumbnail url 5, media:content url with
 *              medium="image" or an image/ type 4, itunes:image href
 *              (or itunes:link rel="image") 3; inside a media:group the
 *              two media ones count 3 less (2, 1).  At equal rank the
 *              first stays unless a later one gives a larger width.
 *              Resolved like an enclosure; only http(s) URLs count.
 *   duration   itunes:duration 1: "SS", "MM:SS" or "HH:MM:SS" in
 *              seconds, a fraction of a second dropped (xml_value_duration)
 *   comment_count  slash:comments 2, thr:total 1: a decimal count
 *
 * A value that does not parse (or an image URL that is not http(s))
 * takes no rank: a lower candidate can still fill the field.
 */
static const struct rule rules[E_COUNT] = {
	[E_TITLE] = { F_TITLE, 3, F_TITLE, 3, T_TEXT },
	[E_DC_TITLE] = { F_TITLE, 2, F_TITLE, 2, T_TEXT },
	[E_MEDIA_TITLE] = { F_TITLE, 1, F_NONE, 0, T_TEXT },
	[E_LINK] = { F_LINK, 3, F_LINK, 3, T_TEXT },
	[E_GUID] = { F_GUID, 3, F_NONE, 0, T_TEXT },
	[E_AUTHOR] = { F_AUTHOR, 3, F_AUTHOR, 3, T_TEXT },
	[E_MANAGINGEDITOR] = { F_NONE, 0, F_AUTHOR, 3, T_TEXT },
	[E_DC_CREATOR] = { F_AUTHOR, 3, F_AUTHOR, 3, T_TEXT },
	[E_ITUNES_AUTHOR] = { F_AUTHOR, 2, F_AUTHOR, 2, T_TEXT },
	[E_PUBLISHED] = { F_PUBLISHED, 3, F_PUBLISHED, 3, T_TEXT },
	[E_UPDATED] = { F_UPDATED, 3, F_UPDATED, 3, T_TEXT },
	[E_DESCRIPTION] = { F_SUMMARY, 3, F_SUMMARY, 3, T_HTML },
	[E_SUMMARY] = { F_SUMMARY, 3, F_NONE, 0, T_TEXT },
	[E_DC_DESCRIPTION] = { F_SUMMARY, 2, F_SUMMARY, 2, T_HTML },
	[E_ITUNES_SUMMARY] = { F_SUMMARY, 2, F_SUMMARY, 1, T_TEXT },
	[E_MEDIA_DESCRIPTION] = { F_SUMMARY, 1, F_NONE, 0, T_HTML },
	[E_SUBTITLE] = { F_NONE, 0, F_SUMMARY, 3, T_TEXT },
	[E_ITUNES_SUBTITLE] = { F_NONE, 0, F_SUMMARY, 2, T_TEXT },
	[E_CONTENT_ENCODED] = { F_CONTENT, 3, F_NONE, 0, T_HTML },
	[E_CONTENT] = { F_CONTENT, 3, F_NONE, 0, T_TEXT },
	[E_BODY] = { F_CONTENT, 2, F_NONE, 0, T_XHTML },
	[E_FULLITEM] = { F_CONTENT, 2, F_NONE, 0, T_HTML },
	[E_COMMENTS] = { F_COMMENTS, 3, F_NONE, 0, T_TEXT },
	[E_LANGUAGE] = { F_LANGUAGE, 3, F_LANGUAGE, 3, T_TEXT },
	[E_GENERATOR] = { F_NONE, 0, F_GENERATOR, 3, T_TEXT },
	[E_LOGO] = { F_NONE, 0, F_IMAGE, 3, T_TEXT },
	[E_ICON] = { F_NONE, 0, F_IMAGE, 1, T_TEXT },
	[E_WEBMASTER] = { F_NONE, 0, F_AUTHOR, 1, T_TEXT },
	/* from attributes (handle_attrs), ranks as the table above */
	[E_MEDIA_THUMBNAIL] = { F_IMAGE, 5, F_NONE, 0, T_TEXT },
	[E_MEDIA_CONTENT] = { F_IMAGE, 4, F_NONE, 0, T_TEXT },
	[E_ITUNES_IMAGE] = { F_IMAGE, 3, F_IMAGE, 2, T_TEXT },
	[E_ITUNES_DURATION] = { F_DURATION, 1, F_NONE, 0, T_TEXT },
	[E_SLASH_COMMENTS] = { F_COMMENT_COUNT, 2, F_NONE, 0, T_TEXT },
	[E_THR_TOTAL] = { F_COMMENT_COUNT, 1, F_NONE, 0, T_TEXT },
};

const struct rule *
parse_xml_rule(enum xml_el e)
{
	const struct rule *r = &rules[e];

	return r->item != F_NONE || r->feed != F_NONE ? r : NULL;
}

/* ---------------------------------------------------------- fields */

/* May (prio) replace the field?  Content keeps the first at equal rank. */
static int
take(int *prios, enum fld f, int prio)
{
	if (prios[f] == 0 || prio > prios[f] ||
	    (prio == prios[f] && f != F_CONTENT)) {
		prios[f] = prio;
		return 1;
	}
	return 0;
}

static void
set_str(char **field, char *v)
{
	free(*field);
	*field = v;
}

static void
store_date(struct state *st, int is_item, enum fld f, int prio,
    const char *v)
{
	struct date_time dt;
	int *prios = is_item ? st->iprio : st->fprio;

	if (date_parse(v, &dt) != 0)
		return;
	if (!take(prios, f, prio))
		return;
	if (is_item) {
		if (f == F_PUBLISHED) {
			st->item->has_published = 1;
			st->item->published = dt;
		} else {
			st->item->has_updated = 1;
			st->item->updated = dt;
		}
	} else if (f == F_PUBLISHED) {
		st->feed_has_published = 1;
		st->feed_published = dt;
	} else {
		st->feed->has_updated = 1;
		st->feed->updated = dt;
	}
}

void
parse_xml_pending_set(struct pending *p, enum render how, const char *base)
{
	free(p->base);
	p->how = how;
	p->base = how != R_DONE && base != NULL ? xstrdup(base) : NULL;
}

int
parse_xml_store(struct state *st, int is_item, enum fld f, int prio, char *v,
    int plain)
{
	int *prios = is_item ? st->iprio : st->fprio;
	struct article *a = st->item;
	struct article_feed *fd = st->feed;
	char **slot = NULL;

	if (v == NULL)
		return 0;
	if (*v == '\0' && f != F_CONTENT && f != F_SUMMARY) {
		free(v);
		return 0;
	}
	if (!take(prios, f, prio)) {
		free(v);
		return 0;
	}
	switch (f) {
	case F_TITLE:
		slot = is_item ? &a->title : &fd->title;
		break;
	case F_LINK:
		slot = is_item ? &a->link : &fd->link;
		break;
	case F_GUID:
		slot = is_item ? &a->guid : NULL;
		break;
	case F_AUTHOR:
		slot = is_item ? &a->author : &fd->author;
		break;
	case F_SUMMARY:
		slot = is_item ? &a->summary : &fd->description;
		if (is_item) {
			st->item_summary_plain = plain;
			parse_xml_pending_set(&st->pend_summary, R_DONE, NULL);
		}
		break;
	case F_CONTENT:
		slot = is_item ? &a->content : NULL;
		if (is_item) {
			st->item_content_plain = plain;
			parse_xml_pending_set(&st->pend_content, R_DONE, NULL);
		}
		break;
	case F_COMMENTS:
		slot = is_item ? &a->comments : NULL;
		break;
	case F_LANGUAGE:
		slot = is_item ? &a->language : &fd->language;
		break;
	case F_GENERATOR:
		slot = is_item ? NULL : &fd->generator;
		break;
	case F_IMAGE:
		slot = is_item ? NULL : &fd->image;
		break;
	default:
		break;
	}
	if (slot == NULL) {
		free(v);
		return 0;
	}
	set_str(slot, v);
	return 1;
}

static void
add_categories(struct state *st, const char *v, int split)
{
	char *copy, *p, *tok;

	if (st->item == NULL)
		return;
	if (!split) {
		const char *t;
		size_t n;

		xml_value_trim(v, strlen(v), &t, &n);
		copy = xstrndup(t, n);
		article_add_category(st->item, copy);
		free(copy);
		return;
	}
	copy = xstrdup(v);
	for (p = copy; (tok = strsep(&p, ",")) != NULL; ) {
		const char *t;
		size_t n;
		char *c;

		xml_value_trim(tok, strlen(tok), &t, &n);
		c = xstrndup(t, n);
		article_add_category(st->item, c);
		free(c);
	}
	free(copy);
}

const char *
parse_xml_base(const struct state *st, const struct frame *fr)
{
	if (fr->base != NULL)
		return fr->base;
	if (st->self_url != NULL)
		return st->self_url;
	return st->feed->link;
}

/* Long: one switch case per field element, each finished as feedparser
 * finishes it. */
void
parse_xml_finish_capture(struct state *st)
{
	struct capture *c = &st->cap;
	const struct frame *fr = &st->frames[c->depth];
	const char *base = parse_xml_base(st, fr), *t;
	enum ctype type = c->type;
	size_t n;
	char *v, *d;

	xml_value_trim(buf_str(&c->text.b), c->text.b.len, &t, &n);
	if (type == T_XHTML && st->format == ARTICLE_FMT_ATOM10 &&
	    c->top_elems == 1 && !c->top_text && c->first_is_div &&
	    c->div_inner_end >= c->div_inner_start) {
		xml_value_trim(c->text.b.data + c->div_inner_start,
		    c->div_inner_end - c->div_inner_start, &t, &n);
	}
	v = xstrndup(t, n);
	if (c->base64 && (d = xml_value_base64(v, strlen(v))) != NULL) {
		free(v);
		v = d;
	}

	switch (fr->el) {
	case E_LINK:
		if (c->link_done)
			break;
		d = normalize_link_amps(v);
		free(v);
		v = url_resolve(base, d);
		free(d);
		parse_xml_store(st, c->is_item, F_LINK, c->prio, v, 0);
		return;
	case E_GUID:
		if (!c->is_item || *v == '\0')
			break;
		if (c->permalink) {
			d = url_resolve(base, v);
			free(v);
			v = d;
			/* a tag: URI or a urn: is an identity, not a page */
			if (url_has_scheme(v, "http,https"))
				parse_xml_store(st, 1, F_LINK, 1, xstrdup(v), 0);
		}
		parse_xml_store(st, 1, F_GUID, c->prio, v, 0);
		return;
	case E_COMMENTS:
	case E_URL:
	case E_LOGO:
	case E_ICON:
		d = url_resolve(base, v);
		free(v);
		if (fr->el == E_COMMENTS)
			parse_xml_store(st, c->is_item, F_COMMENTS, c->prio, d, 0);
		else
			parse_xml_store(st, 0, F_IMAGE, fr->el == E_ICON ?
			    rules[E_ICON].fprio : 3, d, 0);
		return;
	case E_PUBLISHED:
	case E_UPDATED:
		store_date(st, c->is_item, c->fld, c->prio, v);
		break;
	case E_CATEGORY:
	case E_MEDIA_CATEGORY:
	case E_ITUNES_KEYWORDS:
		if (c->is_item && *v)
			add_categories(st, v, fr->el == E_ITUNES_KEYWORDS);
		break;
	case E_NAME:
		buf_reset(&st->auth.name.b);
		cut_silently(cbuf_puts(&st->auth.name, v));
		break;
	case E_EMAIL:
		buf_reset(&st->auth.email.b);
		cut_silently(cbuf_puts(&st->auth.email, v));
		break;
	case E_TTL:
		if (!c->is_item)
			xml_value_int(v, &st->feed->ttl_minutes);
		break;
	case E_ITUNES_DURATION:
	case E_SLASH_COMMENTS:
	case E_THR_TOTAL: {
		long long k = fr->el == E_ITUNES_DURATION ?
		    xml_value_duration(v) : xml_value_count(v);

		if (!c->is_item || st->item == NULL || k < 0 ||
		    !take(st->iprio, c->fld, c->prio))
			break;
		if (c->fld == F_DURATION) {
			st->item->has_duration = 1;
			st->item->duration = k;
		} else {
			st->item->has_comment_count = 1;
			st->item->comment_count = k;
		}
		break;
	}
	case E_SY_PERIOD:
		if (xml_casecmp(v, "hourly") == 0)
			st->sy_period = 60;
		else if (xml_casecmp(v, "daily") == 0)
			st->sy_period = 1440;
		else if (xml_casecmp(v, "weekly") == 0)
			st->sy_period = 7 * 1440;
		else if (xml_casecmp(v, "monthly") == 0)
			st->sy_period = 30 * 1440;
		else if (xml_casecmp(v, "yearly") == 0)
			st->sy_period = 365 * 1440;
		break;
	case E_SY_FREQUENCY:
		xml_value_int(v, &st->sy_freq);
		break;
	case E_HOUR: {
		int h;

		if (xml_value_int(v, &h) == 0 && h <= 24)
			st->feed->skip_hours |= 1u << (h % 24);
		break;
	}
	case E_DAY: {
		static const char *days[] = { "monday", "tuesday",
		    "wednesday", "thursday", "friday", "saturday", "sunday" };
		int i;

		for (i = 0; i < 7; i++)
			if (xml_casecmp(v, days[i]) == 0)
				st->feed->skip_days |= 1u << i;
		break;
	}
	case E_GENERATOR:
	case E_LANGUAGE:
	case E_AUTHOR:
	case E_MANAGINGEDITOR:
	case E_WEBMASTER:
	case E_DC_CREATOR:
	case E_ITUNES_AUTHOR:
		if (c->fld == F_LANGUAGE) {
			char *q;

			for (q = v; *q; q++)
				if (*q == '_')
					*q = '-';
		}
		parse_xml_store(st, c->is_item, c->fld, c->prio, v, 0);
		return;
	default:
		if (c->fld == F_NONE)
			break;
		if (type == T_TEXT && st->format != ARTICLE_FMT_ATOM10 &&
		    st->format != ARTICLE_FMT_ATOM03 &&
		    html_looks_like_html(v, strlen(v)))
			type = T_HTML;
		if ((type == T_HTML || type == T_XHTML) && c->is_item &&
		    (c->fld == F_CONTENT || c->fld == F_SUMMARY)) {
			/* The bulk of the work: deferred to job_run.  Likely
			 * the item's text, then rendered in the same pass. */
			enum render how = c->fld == F_CONTENT ||
			    !st->item_has_content ? R_SANITIZE_TEXT :
			    R_SANITIZE;

			if (parse_xml_store(st, 1, c->fld, c->prio, v, 0))
				parse_xml_pending_set(c->fld == F_CONTENT ?
				    &st->pend_content : &st->pend_summary,
				    how, base);
			return;
		}
		if (type == T_HTML || type == T_XHTML) {
			d = html_sanitize(v, strlen(v), base);
			free(v);
			v = d;
		}
		v = normalize_text(v);
		parse_xml_store(st, c->is_item, c->fld, c->prio, v,
		    !(type == T_HTML || type == T_XHTML));
		return;
	}
	free(v);
}

/* -------------------------------------------------------- items */

void
parse_xml_item_begin(struct state *st)
{
	article_free(st->item);
	st->item = article_new();
	st->item_depth = st->depth - 1;
	memset(st->iprio, 0, sizeof(st->iprio));
	st->item_image_width = 0;
	st->item_content_plain = st->item_summary_plain = 0;
	st->item_has_content = 0;
	parse_xml_pending_set(&st->pend_content, R_DONE, NULL);
	parse_xml_pending_set(&st->pend_summary, R_DONE, NULL);
}

void
parse_xml_feed_finish(struct state *st)
{
	struct article_feed *f = st->feed;

	if (!f->has_updated && st->feed_has_published) {
		f->has_updated = 1;
		f->updated = st->feed_published;
	}
	if (st->sy_period > 0)
		f->update_period_minutes = st->sy_period /
		    (st->sy_freq > 0 ? st->sy_freq : 1);
	f->format = st->format;
}

/* Sanitises a deferred content or summary; *text gets its rendering
 * when one was asked for and still matches the value. */
static void
render(char **field, struct pending *p, char **text)
{
	char *v = *field, *d, *t = NULL;

	if (p->how == R_DONE || v == NULL)
		return;
	if (p->how == R_SANITIZE_TEXT)
		d = html_sanitize_text(v, strlen(v), p->base, &t);
	else
		d = html_sanitize(v, strlen(v), p->base);
	free(v);
	if ((v = normalize_text(d)) != d) {
		free(t);	/* rendered from other bytes */
		t = NULL;
	}
	*field = v;
	*text = t;
}

static void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	article_free(j->a);
	free(j->content.base);
	free(j->summary.base);
	free(j);
}

/* The steps that need only the item: may run on the second thread. */
static int
job_run(struct job *j, parse_item_fn cb, void *ctx,
    const struct article_feed *feed)
{
	struct article *a = j->a;
	char *ctext = NULL, *stext = NULL;
	int rc;

	render(&a->content, &j->content, &ctext);
	/* The summary's text is the item's only without content: else not
	 * rendered (the sanitised HTML does not depend on it). */
	if (a->content != NULL && j->summary.how == R_SANITIZE_TEXT)
		j->summary.how = R_SANITIZE;
	render(&a->summary, &j->summary, &stext);
	/* feedparser copies text or HTML content into a missing summary */
	if (a->summary == NULL && a->content != NULL) {
		a->summary = xstrdup(a->content);
		j->summary_plain = j->content_plain;
	}
	if (a->text == NULL) {
		const char *body = a->content ? a->content : a->summary;
		int plain = a->content ? j->content_plain : j->summary_plain;

		if (body != NULL && plain)
			a->text = xstrdup(body);
		else if (body != NULL) {
			/* rendered when it was sanitized, if it was */
			char **t = a->content ? &ctext : &stext;

			a->text = *t;
			*t = NULL;
		}
	}
	free(ctext);
	free(stext);
	normalize_item_body(a);	/* item_end did the links */
	j->a = NULL;
	job_free(j);
	rc = cb(ctx, feed, a);
	return rc;
}

int
parse_xml_pipe_run(void *ctx, struct parse_pipe_job *link)
{
	const struct state *st = ctx;

	return job_run((struct job *)link, st->cb, st->cbctx, NULL);
}

void
parse_xml_pipe_drop(struct parse_pipe_job *link)
{
	job_free((struct job *)link);
}

void
parse_xml_item_end(struct state *st)
{
	struct article *a = st->item;
	struct job *j;
	const char *lang;
	int rc;

	st->item = NULL;
	if (a == NULL)
		return;
	if (a->language == NULL) {
		lang = st->frames[st->item_depth].lang;
		if (lang == NULL)
			lang = st->feed->language;
		a->language = xstrdup(lang);
	}
	normalize_item_links(a);
	parse_xml_feed_finish(st);
	j = xcalloc(1, sizeof(*j));
	j->a = a;
	j->content = st->pend_content;
	j->summary = st->pend_summary;
	memset(&st->pend_content, 0, sizeof(st->pend_content));
	memset(&st->pend_summary, 0, sizeof(st->pend_summary));
	j->content_plain = st->item_content_plain;
	j->summary_plain = st->item_summary_plain;
	if (st->pipe != NULL) {
		j->link.cost = sizeof(*j) +
		    (a->content ? strlen(a->content) : 0) +
		    (a->summary ? strlen(a->summary) : 0);
		rc = parse_pipe_put(st->pipe, &j->link);
	} else
		rc = job_run(j, st->cb, st->cbctx, st->feed);
	if (rc != 0 && st->cbrc == 0) {
		st->cbrc = rc;
		xmlStopParser(st->ctxt);
	}
}

/*
 * A candidate for the item's image (the table above): href as the
 * attribute gave it, resolved here like an enclosure.  An empty one is
 * no image (it would resolve to the base); nor is anything but http(s).
 */
static void
item_image(struct state *st, const struct frame *fr, const char *href)
{
	const struct rule *r = &rules[fr->el];
	int rank = r->iprio, i;
	long long width;
	char *v, *w;
	const char *t;
	size_t n;

	if (st->item == NULL || href == NULL)
		return;
	/* looked up here, not kept per element: pictures are rare */
	for (i = (int)(fr - st->frames) - 1; i > st->item_depth &&
	    fr->el != E_ITUNES_IMAGE; i--)
		if (st->frames[i].el == E_MEDIA_GROUP &&
		    !st->frames[i].closed) {
			rank -= 3;
			break;
		}
	xml_value_trim(href, strlen(href), &t, &n);
	if (n == 0 || rank < st->iprio[F_IMAGE])
		return;
	w = fr->el == E_ITUNES_IMAGE ? NULL : parse_xml_attr_get(st, "width", 0);
	width = xml_value_length(w);
	free(w);
	if (width < 0)
		width = 0;
	if (rank == st->iprio[F_IMAGE] && width <= st->item_image_width)
		return;
	v = url_resolve(parse_xml_base(st, fr), href);
	if (!url_has_scheme(v, "http,https")) {
		free(v);
		return;
	}
	st->iprio[F_IMAGE] = rank;
	st->item_image_width = width;
	set_str(&st->item->image, v);
}

/* A channel's own media:thumbnail or media:content picture: the feed
 * image of last resort, http(s) only. */
static void
feed_image(struct state *st, const struct frame *fr)
{
	char *href = parse_xml_attr_get(st, "url", 0), *v;

	if (href == NULL)
		return;
	v = url_resolve(parse_xml_base(st, fr), href);
	free(href);
	if (url_has_scheme(v, "http,https"))
		parse_xml_store(st, 0, F_IMAGE, 1, v, 0);
	else
		free(v);
}

/* Is a media:content a picture?  medium="image", or an image/ type. */
static int
media_is_image(struct state *st, const char *type)
{
	char *medium = parse_xml_attr_get(st, "medium", 0);
	int yes;

	yes = medium != NULL ? xml_casecmp(medium, "image") == 0 :
	    type != NULL && strncasecmp(type, "image/", 6) == 0;
	free(medium);
	return yes;
}

/* Long: one switch case per element with fields in its attributes. */
void
parse_xml_handle_attrs(struct state *st, struct frame *fr, int is_item,
    int nb, const xmlChar **attrs)
{
	char *href, *rel, *type, *len, *v;

	switch (fr->el) {
	case E_LINK:
		if ((href = parse_xml_attr_get(st, "href", 0)) == NULL) {
			/* a link in its text: only when it is the alternate */
			rel = parse_xml_attr_get(st, "rel", 0);
			if (rel != NULL && xml_casecmp(rel, "alternate") != 0)
				st->cap.link_done = 1;
			free(rel);
			return;
		}
		st->cap.link_done = 1;
		rel = parse_xml_attr_get(st, "rel", 0);
		type = parse_xml_attr_get(st, "type", 0);
		v = url_resolve(parse_xml_base(st, fr), href);
		if (rel == NULL || xml_casecmp(rel, "alternate") == 0) {
			if (type == NULL || xml_casecmp(type, "text/html") == 0 ||
			    xml_casecmp(type, "application/xhtml+xml") == 0 ||
			    xml_casecmp(type, "html") == 0 ||
			    xml_casecmp(type, "xhtml") == 0) {
				parse_xml_store(st, is_item, F_LINK, 3, v, 0);
				v = NULL;
			}
		} else if (xml_casecmp(rel, "self") == 0 && !is_item &&
		    st->self_url == NULL && url_has_scheme(v, "http,https")) {
			st->self_url = v;
			v = NULL;
		} else if (xml_casecmp(rel, "enclosure") == 0 && is_item &&
		    st->item != NULL) {
			len = parse_xml_attr_get(st, "length", 0);
			article_add_enclosure(st->item, v, type,
			    xml_value_length(len));
			free(len);
		}
		free(v);
		free(href);
		free(rel);
		free(type);
		return;
	case E_ENCLOSURE:
	case E_MEDIA_CONTENT:
		if (!is_item && fr->el == E_MEDIA_CONTENT) {
			type = parse_xml_attr_get(st, "type", 0);
			if (media_is_image(st, type))
				feed_image(st, fr);
			free(type);
			return;
		}
		if (!is_item || st->item == NULL)
			return;
		if ((href = parse_xml_attr_get(st, "url", 0)) == NULL)
			return;
		type = parse_xml_attr_get(st, "type", 0);
		len = parse_xml_attr_get(st, fr->el == E_ENCLOSURE ? "length" :
		    "fileSize", 0);
		v = url_resolve(parse_xml_base(st, fr), href);
		if (fr->el == E_ENCLOSURE)
			article_add_enclosure(st->item, v, type,
			    xml_value_length(len));
		else {
			/* Media RSS: an enclosure unless the same URL is one */
			size_t i;

			for (i = 0; i < st->item->nenclosures; i++)
				if (strcmp(st->item->enclosures[i].url, v) == 0)
					break;
			if (i == st->item->nenclosures)
				article_add_enclosure(st->item, v, type,
				    xml_value_length(len));
			if (media_is_image(st, type))
				item_image(st, fr, href);
		}
		free(v);
		free(href);
		free(type);
		free(len);
		return;
	case E_MEDIA_THUMBNAIL:
		if (!is_item)
			feed_image(st, fr);
		else if ((href = parse_xml_attr_get(st, "url", 0)) != NULL) {
			item_image(st, fr, href);
			free(href);
		}
		return;
	case E_ITUNES_IMAGE:
		if (is_item && st->item == NULL)
			return;
		if ((rel = parse_xml_attr_get(st, "rel", 0)) != NULL &&
		    xml_casecmp(rel, "image") != 0) {
			free(rel);
			return;	/* itunes:link of another kind */
		}
		free(rel);
		if ((href = parse_xml_attr_get(st, "href", 0)) == NULL &&
		    (href = parse_xml_attr_get(st, "url", 0)) == NULL)
			return;
		if (is_item)
			item_image(st, fr, href);
		else
			parse_xml_store(st, 0, F_IMAGE, rules[fr->el].fprio,
			    url_resolve(parse_xml_base(st, fr), href), 0);
		free(href);
		return;
	case E_ITUNES_CATEGORY:
		if (is_item && (v = parse_xml_attr_get(st, "text", 0)) != NULL) {
			add_categories(st, v, 0);
			free(v);
		}
		return;
	case E_CATEGORY:
	case E_MEDIA_CATEGORY:
		if (is_item && (v = parse_xml_attr_get(st, "term", 0)) != NULL) {
			add_categories(st, v, 0);
			free(v);
		}
		return;
	case E_GENERATOR_AGENT:
		if (is_item)
			return;
		if ((v = parse_xml_attr_get(st, "resource", 0)) != NULL)
			parse_xml_store(st, 0, F_GENERATOR, 2, v, 0);
		return;
	default:
		return;
	}
}
