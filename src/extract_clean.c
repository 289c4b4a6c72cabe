/*
 * Cleaning the chosen article body, in the manner of Readability's
 * prepArticle and cleanConditionally: data tables kept, layout tables,
 * forms, share and "read also" blocks, and blocks that score as
 * boilerplate removed.  extract.c calls ex_prep_article once it has
 * picked the body.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "extract_int.h"
#include "xmalloc.h"

/* ---- cleaning (Readability's prepArticle) ---- */

static int
is_data_table(xmlNode *t)
{
	const char *role = ex_attr(t, "role"), *dt = ex_attr(t, "datatable");
	const struct info *i = t->_private;

	if (role != NULL && strcmp(role, "presentation") == 0)
		return 0;
	if (dt != NULL && strcmp(dt, "0") == 0)
		return 0;
	if (ex_attr(t, "summary") != NULL || i->nth > 0)
		return 1;
	if (i->ntable > 1)
		return 0;		/* tables inside: layout */
	if (i->ntr >= 10 || (i->ntr > 0 && i->ntd / i->ntr > 4))
		return 1;
	return i->ntd > 10;
}

static const char *const video_hosts[] = { "youtube.com", "youtube-nocookie.com",
	"player.vimeo.com", "dailymotion.com", "youtu.be", "twitch.tv",
	"archive.org", "upload.wikimedia.org", "player.bilibili.com", NULL };

static int
is_video(const xmlNode *n)
{
	const char *s = ex_attr(n, "src");

	if (s == NULL)
		s = ex_attr(n, "data");
	return s != NULL && ex_has_any(s, video_hosts);
}

/*
 * A short block of links that announces other articles ("Read also: ...",
 * "Читайте також: ..."), which news pages put between paragraphs.  Its
 * words say what it is, in the languages tidings' users read most.
 */
static int
read_also(xmlNode *n, const struct info *i)
{
	static const char *const lead[] = { "read also", "read more",
		"also read", "see also", "related:", "more:", "recommended:",
		"читайте також", "читайте также", "читати також", "також читайте",
		"дивіться також", "смотрите также", "див. також", "по темі",
		"по теме", "lire aussi", "lesen sie auch", "leer más", "czytaj też",
		NULL };
	const char *const *l;
	char *t, *p;
	int hit = 0;

	if (i->text == 0 || i->text > 250 ||
	    !(ex_is(n, "p") || ex_is(n, "div") || ex_is(n, "aside") ||
	    ex_is(n, "section") || ex_is(n, "blockquote")))
		return 0;
	t = ex_text(n);
	/* "found a mistake? select it and press Ctrl+Enter" */
	if (strcasestr(t, "ctrl+enter") != NULL ||
	    strcasestr(t, "ctrl + enter") != NULL) {
		free(t);
		return 1;
	}
	if (ex_link_density(i) < 0.3) {
		free(t);
		return 0;
	}
	/* lower case: ASCII, and Cyrillic's two-byte letters А-Я */
	for (p = t; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < 0x80)
			*p = (char)tolower(c);
		else if (c == 0xD0 && p[1] != '\0') {
			unsigned char d = (unsigned char)p[1];

			if (d >= 0x90 && d <= 0x9F)
				p[1] = (char)(d + 0x20);
			else if (d >= 0xA0 && d <= 0xAF) {
				p[0] = (char)0xD1;
				p[1] = (char)(d - 0x20);
			} else if (d == 0x84 || d == 0x86 || d == 0x87)
				p[0] = (char)0xD1, p[1] = (char)(d + 0x10);
			p++;
		}
	}
	for (l = lead; *l != NULL && !hit; l++)
		hit = strncmp(t, *l, strlen(*l)) == 0;
	free(t);
	return hit;
}

static int
clean_leave(struct ex *x, xmlNode *n, struct info *i)
{
	const char *nm = (const char *)n->name;
	char ms[512];
	int w;

	/* always gone */
	if (strcmp(nm, "object") == 0 || strcmp(nm, "embed") == 0 ||
	    strcmp(nm, "iframe") == 0)
		return !is_video(n);
	if (strcmp(nm, "footer") == 0 || strcmp(nm, "link") == 0 ||
	    strcmp(nm, "aside") == 0 || strcmp(nm, "input") == 0 ||
	    strcmp(nm, "textarea") == 0 || strcmp(nm, "select") == 0 ||
	    strcmp(nm, "button") == 0 || strcmp(nm, "nav") == 0 ||
	    strcmp(nm, "form") == 0 || strcmp(nm, "fieldset") == 0 ||
	    strcmp(nm, "script") == 0 || strcmp(nm, "style") == 0 ||
	    strcmp(nm, "noscript") == 0)
		return 1;
	ex_match_string(n, ms, sizeof(ms));
	/* share buttons */
	if (i->text < 500 && strstr(ms, "share") != NULL &&
	    !ex_has_any(ms, ex_maybe_words))
		return 1;
	if ((strcmp(nm, "h1") == 0 || strcmp(nm, "h2") == 0) &&
	    ex_class_weight(x, n) < 0)
		return 1;
	if (strcmp(nm, "p") == 0 && i->text == 0 && i->nimg == 0 &&
	    i->nembed == 0)
		return 1;
	if (read_also(n, i))
		return 1;
	/* cleanConditionally: table, ul, ol, div, section */
	if (!(x->flags & F_CLEAN_COND))
		return 0;
	if (strcmp(nm, "table") != 0 && strcmp(nm, "ul") != 0 &&
	    strcmp(nm, "ol") != 0 && strcmp(nm, "div") != 0 &&
	    strcmp(nm, "section") != 0)
		return 0;
	if (strcmp(nm, "table") == 0 && (i->flags & I_DATA_TABLE))
		return 0;
	if (i->flags & (I_IN_DATA_TABLE | I_IN_CODE))
		return 0;
	w = ex_class_weight(x, n);
	if (w < 0)
		return 1;
	if (i->commas < 10) {
		/* a block that is nine tenths lists is a list, as a table of
		 * contents is, unless it is mostly links off the page
		 * (related stories); links to '#' weigh 0.3 */
		int list = strcmp(nm, "ul") == 0 || strcmp(nm, "ol") == 0 ||
		    (i->text > 0 && (double)i->listed > 0.9 * (double)i->text &&
		    ex_link_density(i) <= 0.5);
		double ld = ex_link_density(i);
		double hd = i->text ? (double)i->heading / (double)i->text : 0;
		int fig = (i->flags & I_IN_FIGURE) != 0;
		long li = (long)i->nli - 100;
		int rm =
		    (i->nimg > 1 && (double)i->np / i->nimg < 0.5 && !fig) ||
		    (!list && li > (long)i->np) ||
		    (i->ninput > i->np / 3) ||
		    (!list && hd < 0.9 && i->text < 25 &&
		    (i->nimg == 0 || i->nimg > 2) && !fig && i->nfigure == 0) ||
		    (!list && w < 25 && ld > 0.2) ||
		    (w >= 25 && ld > 0.5) ||
		    (i->nembed == 1 && i->text < 75) || i->nembed > 1;

		if (list && rm) {
			xmlNode *c;

			for (c = n->children; c != NULL; c = c->next)
				if (ex_is_elem(c) && ex_elem_children(c) > 1)
					return 1;
			if (i->nimg == i->nli)
				return 0;
		}
		return rm;
	}
	return 0;
}

/* An image whose src waits for a script: the URL from data-src. */
static void
fix_lazy_image(xmlNode *n)
{
	static const char *const srcs[] = { "data-src", "data-original",
		"data-lazy-src", "data-url", "data-hi-res-src", NULL };
	const char *src = ex_attr(n, "src"), *alt;
	size_t k;

	if (src != NULL && *src != '\0' && strncmp(src, "data:", 5) != 0)
		return;
	for (k = 0; srcs[k] != NULL; k++)
		if ((alt = ex_attr(n, srcs[k])) != NULL && *alt != '\0') {
			xmlSetProp(n, BAD_CAST "src", BAD_CAST alt);
			return;
		}
}

void
ex_prep_article(struct ex *x, xmlNode *art)
{
	xmlNode *n;
	int tables = 0;

	/* one walk: lazy images, h1 as h2 (the title is the record's),
	 * and whether there are tables at all */
	for (n = art; n != NULL; n = ex_next_in(n, art, 0)) {
		if (ex_is(n, "img"))
			fix_lazy_image(n);
		else if (ex_is(n, "h1"))
			xmlNodeSetName(n, BAD_CAST "h2");
		else if (ex_is(n, "table"))
			tables = 1;
	}
	/* data tables first: their flag guards what is inside them */
	if (tables) {
		ex_measure(x, art, NULL);
		for (n = art; n != NULL; n = ex_next_in(n, art, 0))
			if (ex_is(n, "table") && is_data_table(n))
				((struct info *)n->_private)->flags |= I_DATA_TABLE;
	}
	ex_measure(x, art, clean_leave);
}

