/*
 * The names HTML fragments are judged by: feedparser's allowlists, the
 * renderer's element sets, the HTML 4 entities, and the one hash table
 * that classifies a name against every set at once (html_impl.h).
 */
#include <stdint.h>
#include <string.h>

#include "html_impl.h"

struct entity {
	const char	*name;
	unsigned long	 cp;
};

/*
 * Allowlists: these name sets are those of feedparser's sanitizer (they are
 * the facts the conformance corpus tests), kept sorted.
 */
static const char *const ok_elements[] = {
	"a", "abbr", "acronym", "address", "area", "article", "aside",
	"audio", "b", "big", "blockquote", "br", "button", "canvas",
	"caption", "center", "cite", "code", "col", "colgroup", "command",
	"datagrid", "datalist", "dd", "del", "details", "dfn", "dialog",
	"dir", "div", "dl", "dt", "em", "event-source", "fieldset",
	"figcaption", "figure", "font", "footer", "form", "h1", "h2", "h3",
	"h4", "h5", "h6", "header", "hr", "i", "img", "input", "ins", "kbd",
	"keygen", "label", "legend", "li", "m", "map", "menu", "meter",
	"multicol", "nav", "nextid", "noscript", "ol", "optgroup", "option",
	"output", "p", "pre", "progress", "q", "s", "samp", "section",
	"select", "small", "sound", "source", "spacer", "span", "strike",
	"strong", "sub", "sup", "table", "tbody", "td", "textarea", "tfoot",
	"th", "thead", "time", "tr", "tt", "u", "ul", "var", "video",
};

static const char *const ok_attributes[] = {
	"abbr", "accept", "accept-charset", "accesskey", "action", "align",
	"alt", "autocomplete", "autofocus", "axis", "background", "balance",
	"bgcolor", "bgproperties", "border", "bordercolor",
	"bordercolordark", "bordercolorlight", "bottompadding",
	"cellpadding", "cellspacing", "ch", "challenge", "char", "charoff",
	"charset", "checked", "choff", "cite", "class", "clear", "color",
	"cols", "colspan", "compact", "contenteditable", "controls",
	"coords", "data", "datafld", "datapagesize", "datasrc", "datetime",
	"default", "delay", "dir", "disabled", "draggable", "dynsrc",
	"enctype", "end", "face", "for", "form", "frame", "galleryimg",
	"gutter", "headers", "height", "hidden", "hidefocus", "high", "href",
	"hreflang", "hspace", "icon", "id", "inputmode", "ismap", "keytype",
	"label", "lang", "leftspacing", "list", "longdesc", "loop",
	"loopcount", "loopend", "loopstart", "low", "lowsrc", "max",
	"maxlength", "media", "method", "min", "multiple", "name", "nohref",
	"noshade", "nowrap", "open", "optimum", "pattern", "ping",
	"point-size", "poster", "pqg", "preload", "prompt", "radiogroup",
	"readonly", "rel", "repeat-max", "repeat-min", "replace", "required",
	"rev", "rightspacing", "rows", "rowspan", "rules", "scope",
	"selected", "shape", "size", "span", "src", "start", "step", "style",
	"summary", "suppress", "tabindex", "target", "template", "title",
	"toppadding", "type", "unselectable", "urn", "usemap", "valign",
	"value", "variable", "volume", "vrml", "vspace", "width", "wrap",
	"xml:lang",
};

static const char *const css_properties[] = {
	"azimuth", "background-color", "border-bottom-color",
	"border-collapse", "border-color", "border-left-color",
	"border-right-color", "border-top-color", "clear", "color", "cursor",
	"direction", "display", "elevation", "float", "font", "font-family",
	"font-size", "font-style", "font-variant", "font-weight", "height",
	"letter-spacing", "line-height", "overflow", "pause", "pause-after",
	"pause-before", "pitch", "pitch-range", "richness", "speak",
	"speak-header", "speak-numeral", "speak-punctuation", "speech-rate",
	"stress", "text-align", "text-decoration", "text-indent",
	"unicode-bidi", "vertical-align", "voice-family", "volume",
	"white-space", "width",
};

static const char *const css_keywords[] = {
	"!important", "aqua", "auto", "black", "block", "blue", "bold",
	"both", "bottom", "brown", "center", "collapse", "dashed", "dotted",
	"fuchsia", "gray", "green", "italic", "left", "lime", "maroon",
	"medium", "navy", "none", "normal", "nowrap", "olive", "pointer",
	"purple", "red", "right", "silver", "solid", "teal", "top",
	"transparent", "underline", "white", "yellow",
};

static const char *const mathml_elements[] = {
	"annotation", "annotation-xml", "maction", "maligngroup",
	"malignmark", "math", "menclose", "merror", "mfenced", "mfrac",
	"mglyph", "mi", "mlabeledtr", "mlongdiv", "mmultiscripts", "mn",
	"mo", "mover", "mpadded", "mphantom", "mprescripts", "mroot", "mrow",
	"ms", "mscarries", "mscarry", "msgroup", "msline", "mspace", "msqrt",
	"msrow", "mstack", "mstyle", "msub", "msubsup", "msup", "mtable",
	"mtd", "mtext", "mtr", "munder", "munderover", "none", "semantics",
};

static const char *const mathml_attributes[] = {
	"accent", "accentunder", "actiontype", "align", "alignmentscope",
	"altimg", "altimg-height", "altimg-valign", "altimg-width",
	"alttext", "bevelled", "charalign", "close", "columnalign",
	"columnlines", "columnspacing", "columnspan", "columnwidth",
	"crossout", "decimalpoint", "denomalign", "depth", "dir", "display",
	"displaystyle", "edge", "encoding", "equalcolumns", "equalrows",
	"fence", "fontstyle", "fontweight", "form", "frame", "framespacing",
	"groupalign", "height", "href", "id", "indentalign",
	"indentalignfirst", "indentalignlast", "indentshift",
	"indentshiftfirst", "indentshiftlast", "indenttarget",
	"infixlinebreakstyle", "largeop", "length", "linebreak",
	"linebreakmultchar", "linebreakstyle", "lineleading",
	"linethickness", "location", "longdivstyle", "lquote", "lspace",
	"mathbackground", "mathcolor", "mathsize", "mathvariant", "maxsize",
	"minlabelspacing", "minsize", "movablelimits", "notation",
	"numalign", "open", "other", "overflow", "position", "rowalign",
	"rowlines", "rowspacing", "rowspan", "rquote", "rspace",
	"scriptlevel", "scriptminsize", "scriptsizemultiplier", "selection",
	"separator", "separators", "shift", "side", "src", "stackalign",
	"stretchy", "subscriptshift", "superscriptshift", "symmetric",
	"voffset", "width", "xlink:href", "xlink:show", "xlink:type",
	"xmlns", "xmlns:xlink",
};

/* feedparser's list without the animations that set an attribute (set,
 * animate, animateColor, animateTransform): they can give any attribute
 * any value, an onload script or a javascript: link, so they are dropped
 * like any element not listed.  animateMotion only moves its parent. */
static const char *const svg_elements[] = {
	"a", "animatemotion",
	"circle", "defs", "desc", "ellipse", "font-face", "font-face-name",
	"font-face-src", "foreignobject", "g", "glyph", "hkern", "line",
	"lineargradient", "marker", "metadata", "missing-glyph", "mpath",
	"path", "polygon", "polyline", "radialgradient", "rect",
	"stop", "svg", "switch", "text", "title", "tspan", "use",
};

static const char *const svg_attributes[] = {
	"accent-height", "accumulate", "additive", "alphabetic",
	"arabic-form", "ascent", "attributename", "attributetype",
	"baseprofile", "bbox", "begin", "by", "calcmode", "cap-height",
	"class", "color", "color-rendering", "content", "cx", "cy", "d",
	"descent", "display", "dur", "dx", "dy", "end", "fill",
	"fill-opacity", "fill-rule", "font-family", "font-size",
	"font-stretch", "font-style", "font-variant", "font-weight", "from",
	"fx", "fy", "g1", "g2", "glyph-name", "gradientunits", "hanging",
	"height", "horiz-adv-x", "horiz-origin-x", "id", "ideographic", "k",
	"keypoints", "keysplines", "keytimes", "lang", "marker-end",
	"marker-mid", "marker-start", "markerheight", "markerunits",
	"markerwidth", "mathematical", "max", "min", "name", "offset",
	"opacity", "orient", "origin", "overline-position",
	"overline-thickness", "panose-1", "path", "pathlength", "points",
	"preserveaspectratio", "r", "refx", "refy", "repeatcount",
	"repeatdur", "requiredextensions", "requiredfeatures", "restart",
	"rotate", "rx", "ry", "slope", "stemh", "stemv", "stop-color",
	"stop-opacity", "strikethrough-position", "strikethrough-thickness",
	"stroke", "stroke-dasharray", "stroke-dashoffset", "stroke-linecap",
	"stroke-linejoin", "stroke-miterlimit", "stroke-opacity",
	"stroke-width", "systemlanguage", "target", "text-anchor", "to",
	"transform", "type", "u1", "u2", "underline-position",
	"underline-thickness", "unicode", "unicode-range", "units-per-em",
	"values", "version", "viewbox", "visibility", "width", "widths", "x",
	"x-height", "x1", "x2", "xlink:actuate", "xlink:arcrole",
	"xlink:href", "xlink:role", "xlink:show", "xlink:title",
	"xlink:type", "xml:base", "xml:lang", "xml:space", "xmlns",
	"xmlns:xlink", "y", "y1", "y2", "zoomandpan",
};

static const char *const svg_properties[] = {
	"fill", "fill-opacity", "fill-rule", "stroke", "stroke-linecap",
	"stroke-linejoin", "stroke-opacity", "stroke-width",
};

static const char *const void_elements[] = {
	"area", "base", "basefont", "br", "col", "command", "embed", "frame",
	"hr", "img", "input", "isindex", "keygen", "link", "meta", "param",
	"source", "track", "wbr",
};

static const char *const uri_schemes[] = {
	"aim", "callto", "cvs", "facetime", "feed", "file", "ftp", "git",
	"gopher", "gtalk", "h323", "hdl", "http", "https", "imap", "irc",
	"irc6", "ircs", "itms", "magnet", "mailto", "mms", "msnim", "news",
	"nntp", "prospero", "rsync", "rtsp", "rtspu", "sftp", "shttp", "sip",
	"sips", "skype", "smb", "snews", "ssh", "svn", "svn+ssh", "telnet",
	"wais", "ymsg",
};

/* Elements whose content goes with them. */
static const char *const unacceptable_elements[] = {
	"applet", "script", "style",
};

/* Attributes that hold a URL: their scheme is checked, whatever the element
 * (feedparser checks only href; a src="javascript:" is no better). */
static const char *const uri_attributes[] = {
	"action", "background", "cite", "datasrc", "dynsrc", "href",
	"longdesc", "lowsrc", "ping", "poster", "src", "usemap", "xlink:href",
};

/* SVG animation attributes that give an animated attribute its values. */
static const char *const animation_values[] = {
	"by", "from", "to", "values",
};

/* The element/attribute pairs whose relative URLs are resolved. */
static const char *const relative_uris[] = {
	"a/href", "area/href", "audio/src", "blockquote/cite", "del/cite",
	"form/action", "img/longdesc", "img/src", "img/usemap", "input/src",
	"input/usemap", "ins/cite", "q/cite", "source/src", "video/poster",
	"video/src",
};

static const char *const css_shorthands[] = {
	"background", "border", "margin", "padding",
};

/* Elements that break paragraphs. */
static const char *const block_elements[] = {
	"address", "article", "aside", "blockquote", "body", "caption",
	"center", "dd", "details", "dialog", "dir", "div", "dl", "dt",
	"fieldset", "figcaption", "figure", "footer", "form", "frameset", "h1",
	"h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html",
	"legend", "main", "menu", "nav", "p", "pre", "section", "summary",
	"table", "tbody", "tfoot", "thead",
};

/* Elements whose content is raw text, skipped by the tokenizer. */
static const char *const rawtext_elements[] = {
	"iframe", "noembed", "noframes", "noscript", "script", "style",
	"textarea", "title", "xmp",
};

/* Elements whose content is not the article's text. */
static const char *const hidden_elements[] = {
	"applet", "audio", "canvas", "head", "math", "object", "select", "svg",
	"template", "video",
};

static const struct entity entities[] = {
	{ "AElig", 0xc6 }, { "Aacute", 0xc1 }, { "Acirc", 0xc2 },
	{ "Agrave", 0xc0 }, { "Alpha", 0x391 }, { "Aring", 0xc5 },
	{ "Atilde", 0xc3 }, { "Auml", 0xc4 }, { "Beta", 0x392 },
	{ "Ccedil", 0xc7 }, { "Chi", 0x3a7 }, { "Dagger", 0x2021 },
	{ "Delta", 0x394 }, { "ETH", 0xd0 }, { "Eacute", 0xc9 },
	{ "Ecirc", 0xca }, { "Egrave", 0xc8 }, { "Epsilon", 0x395 },
	{ "Eta", 0x397 }, { "Euml", 0xcb }, { "Gamma", 0x393 },
	{ "Iacute", 0xcd }, { "Icirc", 0xce }, { "Igrave", 0xcc },
	{ "Iota", 0x399 }, { "Iuml", 0xcf }, { "Kappa", 0x39a },
	{ "Lambda", 0x39b }, { "Mu", 0x39c }, { "Ntilde", 0xd1 },
	{ "Nu", 0x39d }, { "OElig", 0x152 }, { "Oacute", 0xd3 },
	{ "Ocirc", 0xd4 }, { "Ograve", 0xd2 }, { "Omega", 0x3a9 },
	{ "Omicron", 0x39f }, { "Oslash", 0xd8 }, { "Otilde", 0xd5 },
	{ "Ouml", 0xd6 }, { "Phi", 0x3a6 }, { "Pi", 0x3a0 },
	{ "Prime", 0x2033 }, { "Psi", 0x3a8 }, { "Rho", 0x3a1 },
	{ "Scaron", 0x160 }, { "Sigma", 0x3a3 }, { "THORN", 0xde },
	{ "Tau", 0x3a4 }, { "Theta", 0x398 }, { "Uacute", 0xda },
	{ "Ucirc", 0xdb }, { "Ugrave", 0xd9 }, { "Upsilon", 0x3a5 },
	{ "Uuml", 0xdc }, { "Xi", 0x39e }, { "Yacute", 0xdd },
	{ "Yuml", 0x178 }, { "Zeta", 0x396 }, { "aacute", 0xe1 },
	{ "acirc", 0xe2 }, { "acute", 0xb4 }, { "aelig", 0xe6 },
	{ "agrave", 0xe0 }, { "alefsym", 0x2135 }, { "alpha", 0x3b1 },
	{ "amp", 0x26 }, { "and", 0x2227 }, { "ang", 0x2220 },
	{ "apos", 0x27 }, { "aring", 0xe5 }, { "asymp", 0x2248 },
	{ "atilde", 0xe3 }, { "auml", 0xe4 }, { "bdquo", 0x201e },
	{ "beta", 0x3b2 }, { "brvbar", 0xa6 }, { "bull", 0x2022 },
	{ "cap", 0x2229 }, { "ccedil", 0xe7 }, { "cedil", 0xb8 },
	{ "cent", 0xa2 }, { "chi", 0x3c7 }, { "circ", 0x2c6 },
	{ "clubs", 0x2663 }, { "cong", 0x2245 }, { "copy", 0xa9 },
	{ "crarr", 0x21b5 }, { "cup", 0x222a }, { "curren", 0xa4 },
	{ "dArr", 0x21d3 }, { "dagger", 0x2020 }, { "darr", 0x2193 },
	{ "deg", 0xb0 }, { "delta", 0x3b4 }, { "diams", 0x2666 },
	{ "divide", 0xf7 }, { "eacute", 0xe9 }, { "ecirc", 0xea },
	{ "egrave", 0xe8 }, { "empty", 0x2205 }, { "emsp", 0x2003 },
	{ "ensp", 0x2002 }, { "epsilon", 0x3b5 }, { "equiv", 0x2261 },
	{ "eta", 0x3b7 }, { "eth", 0xf0 }, { "euml", 0xeb },
	{ "euro", 0x20ac }, { "exist", 0x2203 }, { "fnof", 0x192 },
	{ "forall", 0x2200 }, { "frac12", 0xbd }, { "frac14", 0xbc },
	{ "frac34", 0xbe }, { "frasl", 0x2044 }, { "gamma", 0x3b3 },
	{ "ge", 0x2265 }, { "gt", 0x3e }, { "hArr", 0x21d4 },
	{ "harr", 0x2194 }, { "hearts", 0x2665 }, { "hellip", 0x2026 },
	{ "iacute", 0xed }, { "icirc", 0xee }, { "iexcl", 0xa1 },
	{ "igrave", 0xec }, { "image", 0x2111 }, { "infin", 0x221e },
	{ "int", 0x222b }, { "iota", 0x3b9 }, { "iquest", 0xbf },
	{ "isin", 0x2208 }, { "iuml", 0xef }, { "kappa", 0x3ba },
	{ "lArr", 0x21d0 }, { "lambda", 0x3bb }, { "lang", 0x2329 },
	{ "laquo", 0xab }, { "larr", 0x2190 }, { "lceil", 0x2308 },
	{ "ldquo", 0x201c }, { "le", 0x2264 }, { "lfloor", 0x230a },
	{ "lowast", 0x2217 }, { "loz", 0x25ca }, { "lrm", 0x200e },
	{ "lsaquo", 0x2039 }, { "lsquo", 0x2018 }, { "lt", 0x3c },
	{ "macr", 0xaf }, { "mdash", 0x2014 }, { "micro", 0xb5 },
	{ "middot", 0xb7 }, { "minus", 0x2212 }, { "mu", 0x3bc },
	{ "nabla", 0x2207 }, { "nbsp", 0xa0 }, { "ndash", 0x2013 },
	{ "ne", 0x2260 }, { "ni", 0x220b }, { "not", 0xac },
	{ "notin", 0x2209 }, { "nsub", 0x2284 }, { "ntilde", 0xf1 },
	{ "nu", 0x3bd }, { "oacute", 0xf3 }, { "ocirc", 0xf4 },
	{ "oelig", 0x153 }, { "ograve", 0xf2 }, { "oline", 0x203e },
	{ "omega", 0x3c9 }, { "omicron", 0x3bf }, { "oplus", 0x2295 },
	{ "or", 0x2228 }, { "ordf", 0xaa }, { "ordm", 0xba },
	{ "oslash", 0xf8 }, { "otilde", 0xf5 }, { "otimes", 0x2297 },
	{ "ouml", 0xf6 }, { "para", 0xb6 }, { "part", 0x2202 },
	{ "permil", 0x2030 }, { "perp", 0x22a5 }, { "phi", 0x3c6 },
	{ "pi", 0x3c0 }, { "piv", 0x3d6 }, { "plusmn", 0xb1 },
	{ "pound", 0xa3 }, { "prime", 0x2032 }, { "prod", 0x220f },
	{ "prop", 0x221d }, { "psi", 0x3c8 }, { "quot", 0x22 },
	{ "rArr", 0x21d2 }, { "radic", 0x221a }, { "rang", 0x232a },
	{ "raquo", 0xbb }, { "rarr", 0x2192 }, { "rceil", 0x2309 },
	{ "rdquo", 0x201d }, { "real", 0x211c }, { "reg", 0xae },
	{ "rfloor", 0x230b }, { "rho", 0x3c1 }, { "rlm", 0x200f },
	{ "rsaquo", 0x203a }, { "rsquo", 0x2019 }, { "sbquo", 0x201a },
	{ "scaron", 0x161 }, { "sdot", 0x22c5 }, { "sect", 0xa7 },
	{ "shy", 0xad }, { "sigma", 0x3c3 }, { "sigmaf", 0x3c2 },
	{ "sim", 0x223c }, { "spades", 0x2660 }, { "sub", 0x2282 },
	{ "sube", 0x2286 }, { "sum", 0x2211 }, { "sup", 0x2283 },
	{ "sup1", 0xb9 }, { "sup2", 0xb2 }, { "sup3", 0xb3 },
	{ "supe", 0x2287 }, { "szlig", 0xdf }, { "tau", 0x3c4 },
	{ "there4", 0x2234 }, { "theta", 0x3b8 }, { "thetasym", 0x3d1 },
	{ "thinsp", 0x2009 }, { "thorn", 0xfe }, { "tilde", 0x2dc },
	{ "times", 0xd7 }, { "trade", 0x2122 }, { "uArr", 0x21d1 },
	{ "uacute", 0xfa }, { "uarr", 0x2191 }, { "ucirc", 0xfb },
	{ "ugrave", 0xf9 }, { "uml", 0xa8 }, { "upsih", 0x3d2 },
	{ "upsilon", 0x3c5 }, { "uuml", 0xfc }, { "weierp", 0x2118 },
	{ "xi", 0x3be }, { "yacute", 0xfd }, { "yen", 0xa5 },
	{ "yuml", 0xff }, { "zeta", 0x3b6 }, { "zwj", 0x200d },
	{ "zwnj", 0x200c },
};

const unsigned short html_cp1252[32] = {
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
};

/* Python's \s for the ASCII range (is_space in html_impl.h). */
const unsigned char html_space_tab[256] = {
	['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1,
	[0x1c] = 1, [0x1d] = 1, [0x1e] = 1, [0x1f] = 1, [' '] = 1,
};

struct cls_slot html_cls_table[CLS_SIZE];

static void
cls_add(const char *const *set, size_t nset, uint32_t bit)
{
	size_t i, n;
	uint32_t h;

	for (i = 0; i < nset; i++) {
		n = strlen(set[i]);
		h = cls_hash(set[i], n) & (CLS_SIZE - 1);
		while (html_cls_table[h].name != NULL &&
		    (html_cls_table[h].len != n ||
		    memcmp(html_cls_table[h].name, set[i], n) != 0))
			h = (h + 1) & (CLS_SIZE - 1);
		html_cls_table[h].name = set[i];
		html_cls_table[h].len = (uint32_t)n;
		html_cls_table[h].sets |= bit;
	}
}

/* Looks up an entity name (case-sensitive); 0 when unknown. */
unsigned long
html_entity_lookup(const char *s, size_t n)
{
	size_t lo = 0, hi = NELEM(entities);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_counted(s, n, entities[mid].name);

		if (c == 0)
			return entities[mid].cp;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

/*
 * HTML5 decodes a name without its ';' only for the legacy entities (the
 * Latin-1 ones and amp, lt, gt, quot), and then the longest one that
 * starts the name: "&copy2024" is "\u00a92024".  Returns the code point and
 * sets *used to the name's length, or returns 0.
 */
unsigned long
html_legacy_prefix(const char *s, size_t n, size_t *used)
{
	unsigned long cp;
	size_t l;

	for (l = n < 6 ? n : 6; l >= 2; l--) {
		cp = html_entity_lookup(s, l);
		if (cp != 0 && cp <= 0xff && cp != '\'') {
			*used = l;
			return cp;
		}
	}
	return 0;
}

/* The code point of a numeric reference's digits ("123" or "x7b"), with the
 * substitutions HTML makes: C1 controls read as Windows-1252, and nothing
 * that is not a character (NUL, surrogates, beyond U+10FFFF) survives. */
unsigned long
html_charref_value(const char *p, size_t n)
{
	unsigned long v = 0;
	size_t i = 0;
	int base = 10;

	if (n && (p[0] == 'x' || p[0] == 'X')) {
		base = 16;
		i = 1;
	}
	for (; i < n; i++) {
		int d = is_digit(p[i]) ? p[i] - '0' : lower(p[i]) - 'a' + 10;

		v = v * (unsigned long)base + (unsigned long)d;
		if (v > 0x10ffff)
			return 0xfffd;
	}
	if (v >= 0x80 && v <= 0x9f && html_cp1252[v - 0x80])
		return html_cp1252[v - 0x80];
	if (v == 0 || (v >= 0xd800 && v <= 0xdfff))
		return 0xfffd;
	/* Controls other than tab, newline, form feed and CR mean nothing
	 * in text: they vanish, as in Python's html.unescape. */
	if ((v < 0x20 && v != '\t' && v != '\n' && v != '\f' && v != '\r') ||
	    (v >= 0x7f && v <= 0x9f))
		return CP_NONE;
	return v;
}

/* Fills the allowlist table before main(), so that no thread ever sees it
 * half built. */
__attribute__((constructor)) static void
cls_build(void)
{
#define ADD(set)	cls_add(set, NELEM(set), SET_##set)
	ADD(ok_elements);
	ADD(ok_attributes);
	ADD(css_properties);
	ADD(css_keywords);
	ADD(mathml_elements);
	ADD(mathml_attributes);
	ADD(svg_elements);
	ADD(svg_attributes);
	ADD(svg_properties);
	ADD(void_elements);
	ADD(uri_schemes);
	ADD(unacceptable_elements);
	ADD(uri_attributes);
	ADD(animation_values);
	ADD(relative_uris);
	ADD(css_shorthands);
	ADD(block_elements);
	ADD(rawtext_elements);
	ADD(hidden_elements);
#undef ADD
}
