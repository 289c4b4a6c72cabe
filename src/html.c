/*
 * HTML fragments from feeds: one tolerant tokenizer, two consumers.
 *
 * The tokenizer follows the rules of the SGML-style parser that Python
 * feedparser sanitizes with, because the public conformance corpus checks
 * the sanitizer's output byte for byte, and its quirks (how a tag ends, when
 * "&name" is a reference, what an unterminated construct does) decide that
 * output.  It never fails: anything it cannot read as markup becomes text.
 * It runs in linear time over the input, keeps no stack, reads nothing past
 * len and treats NUL as an ordinary byte.
 *
 * The sanitizer writes straight into one output buffer; the text renderer
 * likewise.  Neither recurses, so nesting depth costs nothing.
 */
#include <stdint.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "html.h"
#include "url.h"
#include "xmalloc.h"

#define NPOS	((size_t)-1)
#define CP_NONE	0x110000UL	/* a reference to nothing */

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

static const char *const svg_camel[] = {
	"animateColor", "animateMotion", "animateTransform", "attributeName",
	"attributeType", "baseProfile", "calcMode", "foreignObject",
	"gradientUnits", "keyPoints", "keySplines", "keyTimes",
	"linearGradient", "markerHeight", "markerUnits", "markerWidth",
	"pathLength", "preserveAspectRatio", "radialGradient", "refX",
	"refY", "repeatCount", "repeatDur", "requiredExtensions",
	"requiredFeatures", "systemLanguage", "viewBox", "zoomAndPan",
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

/* Windows-1252 meanings of the C1 range, which HTML gives to &#128;..&#159;. */
static const unsigned short cp1252[32] = {
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Character classes, ASCII only and locale-free.  They take a char or an
 * unsigned char alike: only the low eight bits count. */
static int
is_alpha(int c)
{
	c &= 0xff;
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(int c)
{
	c &= 0xff;
	return c >= '0' && c <= '9';
}

static int
is_alnum(int c)
{
	return is_alpha(c) || is_digit(c);
}

static int
is_hex(int c)
{
	c &= 0xff;
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Python's \s for the ASCII range: tab to CR, 0x1c to 0x1f and space.
 * A table, since it is asked of nearly every byte of text. */
static const unsigned char space_tab[256] = {
	['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1,
	[0x1c] = 1, [0x1d] = 1, [0x1e] = 1, [0x1f] = 1, [' '] = 1,
};

static inline int
is_space(int c)
{
	return space_tab[c & 0xff];
}

/* Python's \w, approximated: any byte of a non-ASCII character counts. */
static int
is_word(int c)
{
	c &= 0xff;
	return is_alnum(c) || c == '_' || (c & 0x80);
}

static int
lower(int c)
{
	c &= 0xff;
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Compares a counted string with a NUL-terminated one, as bytes.  Inline:
 * the allowlist searches make a million calls on a 3 MB feed. */
static inline int
cmp_counted(const char *s, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char a = (unsigned char)s[i];
		unsigned char b = (unsigned char)name[i];

		if (b == '\0' || a != b)
			return b == '\0' ? 1 : (a < b ? -1 : 1);
	}
	return name[n] == '\0' ? 0 : -1;
}

/*
 * The allowlists are looked up through one hash table of every name they
 * hold, each with the sets it belongs to as bits: a tag or attribute name
 * is hashed once and then tested against any set for free.  The table is
 * filled before main() from the sorted lists below (see cls_build()), so
 * the lists stay the one statement of which names are allowed.
 */
enum {
	SET_ok_elements		= 1u << 0,
	SET_ok_attributes	= 1u << 1,
	SET_css_properties	= 1u << 2,
	SET_css_keywords	= 1u << 3,
	SET_mathml_elements	= 1u << 4,
	SET_mathml_attributes	= 1u << 5,
	SET_svg_elements	= 1u << 6,
	SET_svg_attributes	= 1u << 7,
	SET_svg_properties	= 1u << 8,
	SET_void_elements	= 1u << 9,
	SET_uri_schemes		= 1u << 10,
	SET_unacceptable_elements = 1u << 11,
	SET_uri_attributes	= 1u << 12,
	SET_animation_values	= 1u << 13,
	SET_relative_uris	= 1u << 14,
	SET_css_shorthands	= 1u << 15,
	SET_block_elements	= 1u << 16,
	SET_rawtext_elements	= 1u << 17,
	SET_hidden_elements	= 1u << 18,
};

#define CLS_SIZE	2048	/* a power of two, over twice the names */

struct cls_slot {
	const char	*name;
	uint32_t	 len;
	uint32_t	 sets;
};

static struct cls_slot cls_table[CLS_SIZE];

static inline uint32_t
cls_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* The sets the name s (n bytes, compared exactly) belongs to; 0 for none. */
static inline uint32_t
classify(const char *s, size_t n)
{
	uint32_t h = cls_hash(s, n) & (CLS_SIZE - 1);

	while (cls_table[h].name != NULL) {
		if (cls_table[h].len == n &&
		    memcmp(cls_table[h].name, s, n) == 0)
			return cls_table[h].sets;
		h = (h + 1) & (CLS_SIZE - 1);
	}
	return 0;
}

static void
cls_add(const char *const *set, size_t nset, uint32_t bit)
{
	size_t i, n;
	uint32_t h;

	for (i = 0; i < nset; i++) {
		n = strlen(set[i]);
		h = cls_hash(set[i], n) & (CLS_SIZE - 1);
		while (cls_table[h].name != NULL &&
		    (cls_table[h].len != n ||
		    memcmp(cls_table[h].name, set[i], n) != 0))
			h = (h + 1) & (CLS_SIZE - 1);
		cls_table[h].name = set[i];
		cls_table[h].len = (uint32_t)n;
		cls_table[h].sets |= bit;
	}
}

#define IN(set, s, n)	((classify(s, n) & SET_##set) != 0)

static int
eq(const char *s, size_t n, const char *lit)
{
	return cmp_counted(s, n, lit) == 0;
}

/* Looks up an entity name (case-sensitive); 0 when unknown. */
static unsigned long
entity_lookup(const char *s, size_t n)
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
static unsigned long
legacy_prefix(const char *s, size_t n, size_t *used)
{
	unsigned long cp;
	size_t l;

	for (l = n < 6 ? n : 6; l >= 2; l--) {
		cp = entity_lookup(s, l);
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
static unsigned long
charref_value(const char *p, size_t n)
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
	if (v >= 0x80 && v <= 0x9f && cp1252[v - 0x80])
		return cp1252[v - 0x80];
	if (v == 0 || (v >= 0xd800 && v <= 0xdfff))
		return 0xfffd;
	/* Controls other than tab, newline, form feed and CR mean nothing
	 * in text: they vanish, as in Python's html.unescape. */
	if ((v < 0x20 && v != '\t' && v != '\n' && v != '\f' && v != '\r') ||
	    (v >= 0x7f && v <= 0x9f))
		return CP_NONE;
	return v;
}

/* Appends bytes, with NUL (which would end a C string early) as U+FFFD. */
static void
put_raw(struct buf *b, const char *p, size_t n)
{
	const char *z;

	while (n && (z = memchr(p, '\0', n)) != NULL) {
		buf_append(b, p, (size_t)(z - p));
		buf_puts(b, "\xef\xbf\xbd");
		n -= (size_t)(z - p) + 1;
		p = z + 1;
	}
	buf_append(b, p, n);
}

/* The output of the sanitizer and renderer is about as long as their
 * input: one allocation beats a dozen doublings. */
static void
presize(struct buf *b, size_t n)
{
	buf_reserve(b, n);
}

/*
 * The tokenizer.
 */
struct attr {
	const char	*name;		/* as written, any case */
	size_t		 namelen;
	const char	*value;		/* unquoted, refs as is */
	size_t		 valuelen;
	size_t		 seq;		/* position: sorts stably */
};

/* What the tokenizer knows of a text run (tok_ops.text). */
enum {
	TEXT_ANY = 0,
	TEXT_REST,	/* markup that never closed */
	TEXT_PLAIN,	/* no '<' or '&' in it */
};

struct tok_ops {
	/* Text as written; rest (TEXT_REST) is set for input that was meant
	 * as markup but never closed, which a careful consumer escapes. */
	void	(*text)(void *, const char *, size_t, int rest);
	/* A character reference: the digits, "123" or "x7b". */
	void	(*charref)(void *, const char *, size_t);
	/* An entity reference: the name, and whether a ';' ended it. */
	void	(*entity)(void *, const char *, size_t, int semi);
	/* A start tag, name lowercased.  Returns 1 to skip its content as
	 * raw text up to the matching end tag. */
	int	(*start)(void *, const char *, size_t, struct attr *, size_t,
		    int selfclose);
	void	(*end)(void *, const char *, size_t);
	void	(*comment)(void *, const char *, size_t);
};

struct tok {
	const char		*s;
	size_t			 n;
	const struct tok_ops	*ops;
	void			*ctx;
	int			 textmode;	/* HTML5-ish */
	struct attr		*attrs;
	size_t			 nattrs;
	size_t			 attrcap;
	struct buf		 name;		/* lower case */
	struct buf		 last;		/* the last start tag */
	int			 have_last;
};

static int
starts(const struct tok *t, size_t i, const char *lit)
{
	size_t l = strlen(lit);

	return t->n - i >= l && memcmp(t->s + i, lit, l) == 0;
}

static void
set_name(struct tok *t, const char *p, size_t n)
{
	size_t i;

	buf_reset(&t->name);
	buf_append(&t->name, p, n);
	for (i = 0; i < n; i++)
		t->name.data[i] = (char)lower(t->name.data[i]);
}

static void
set_lower(struct buf *b, const char *p, size_t n)
{
	size_t i;

	buf_reset(b);
	buf_append(b, p, n);
	for (i = 0; i < n; i++)
		b->data[i] = (char)lower(b->data[i]);
}

/*
 * Where a tag that starts before `from` ends: the position of the '<' or
 * '>' that closes it.  Quoted values may hide brackets when the quote is
 * followed by what can follow a value; otherwise the first bracket on the
 * same line wins.  NPOS when there is none.
 */
static size_t
end_bracket(const struct tok *t, size_t from)
{
	const char *s = t->s;
	size_t n = t->n, p = from, a, b;
	const char *q;

	while (p < n) {
		unsigned char c = (unsigned char)s[p];

		if (c == '<' || c == '>')
			return p;
		if (c != '"' && c != '\'') {
			p++;
			continue;
		}
		if ((q = memchr(s + p + 1, c, n - p - 1)) == NULL)
			break;
		a = (size_t)(q - s) + 1;
		if (a >= n)
			break;
		c = (unsigned char)s[a];
		if (!(c == '>' || c == '/' || is_space(c))) {
			for (b = a; b < n && is_word(s[b]); b++)
				;
			if (b == a || b >= n || s[b] != '=')
				break;
		}
		p = a;
	}
	for (p = from; p < n && s[p] != '\n'; p++)
		if (s[p] == '<' || s[p] == '>')
			return p;
	return NPOS;
}

static int
unquoted_char(int c)
{
	return is_alnum(c) || (c != '\0' && strchr("[]-./,:;+*%?!&$()_#=~'\"@",
	    c) != NULL);
}

/* One attribute at k; returns where it ends, NPOS when there is none. */
static size_t
parse_attr(struct tok *t, size_t k)
{
	const char *s = t->s;
	size_t n = t->n, p = k, q, r;
	struct attr a;
	const char *close;

	while (p < n && is_space(s[p]))
		p++;
	if (p >= n || !(is_alpha(s[p]) || s[p] == '_'))
		return NPOS;
	a.name = s + p;
	for (p++; p < n && (is_alnum(s[p]) ||
	    strchr("-:._", s[p]) != NULL) && s[p] != '\0'; p++)
		;
	a.namelen = (size_t)(s + p - a.name);
	a.value = a.name;
	a.valuelen = a.namelen;
	if (p < n && s[p] == '$')
		p++;
	q = p;
	while (q < n && is_space(s[q]))
		q++;
	if (q < n && s[q] == '=') {
		for (q++; q < n && is_space(s[q]); q++)
			;
		if (q < n && (s[q] == '"' || s[q] == '\'') &&
		    (close = memchr(s + q + 1, s[q], n - q - 1)) != NULL)
			r = (size_t)(close - s) + 1;
		else
			for (r = q; r < n && unquoted_char(s[r]);
			    r++)
				;
		a.value = s + q;
		a.valuelen = r - q;
		if (a.valuelen && (a.value[0] == '"' || a.value[0] == '\'') &&
		    a.value[a.valuelen - 1] == a.value[0]) {
			if (a.valuelen == 1)
				a.valuelen = 0;
			else {
				a.value++;
				a.valuelen -= 2;
			}
		}
		p = r;
	}
	if (t->nattrs == t->attrcap) {
		t->attrcap = t->attrcap ? t->attrcap * 2 : 16;
		t->attrs = xreallocarray(t->attrs, t->attrcap,
		    sizeof(*t->attrs));
	}
	a.seq = t->nattrs;
	t->attrs[t->nattrs++] = a;
	return p;
}

/* Finds "</name" (any case) at or after p; n when absent. */
static size_t
find_end_tag(const struct tok *t, size_t p, const char *name, size_t len)
{
	const char *s = t->s;
	size_t n = t->n, i;
	const char *lt;

	while (p < n && (lt = memchr(s + p, '<', n - p)) != NULL) {
		p = (size_t)(lt - s);
		if (p + 2 + len <= n && s[p + 1] == '/') {
			for (i = 0; i < len; i++)
				if (lower(s[p + 2 + i]) !=
				    name[i])
					break;
			if (i == len && (p + 2 + len == n ||
			    !is_alnum(s[p + 2 + len])))
				return p;
		}
		p++;
	}
	return n;
}

static size_t
parse_starttag(struct tok *t, size_t i)
{
	const char *s = t->s;
	size_t n = t->n, j, k, p, q, e;
	int selfclose, raw = 0;

	/* "<name/data/" is an SGML short tag (not to HTML5). */
	if (!t->textmode && is_alpha(s[i + 1])) {
		for (p = i + 2; p < n && (is_alnum(s[p]) ||
		    s[p] == '-' || s[p] == '.'); p++)
			;
		if (p < n && s[p] == '/') {
			for (q = p + 1; q < n && s[q] != '/'; q++)
				;
			if (q >= n)
				return NPOS;
			set_name(t, s + i + 1, p - i - 1);
			t->ops->start(t->ctx, t->name.data, t->name.len,
			    NULL, 0, 0);
			set_name(t, s + i + 1, p - i - 1);
			if (q > p + 1)
				t->ops->text(t->ctx, s + p + 1, q - p - 1, 1);
			t->ops->end(t->ctx, t->name.data, t->name.len);
			return q + 1;
		}
	}
	if ((j = end_bracket(t, i + 1)) == NPOS)
		return NPOS;
	if (s[i + 1] == '>') {
		k = j;
		buf_reset(&t->name);
		buf_append(&t->name, buf_str(&t->last), t->last.len);
	} else {
		for (k = i + 1; k < n && (is_alnum(s[k]) ||
		    (s[k] != '\0' && strchr("-_.:", s[k]) != NULL)); k++)
			;
		set_name(t, s + i + 1, k - i - 1);
		buf_reset(&t->last);
		buf_append(&t->last, t->name.data, t->name.len);
		t->have_last = 1;
	}
	t->nattrs = 0;
	while (k < j) {
		if ((p = parse_attr(t, k)) == NPOS)
			break;
		k = p;
	}
	e = j;
	if (s[e] == '>')
		e++;
	selfclose = e - i > 2 && s[e - 2] == '/' && s[e - 1] == '>';
	if (s[i + 1] != '>' || t->have_last)
		raw = t->ops->start(t->ctx, t->name.data, t->name.len, t->attrs,
		    t->nattrs, selfclose);
	if (raw && !selfclose)
		e = find_end_tag(t, e, t->name.data, t->name.len);
	return e;
}

static size_t
parse_endtag(struct tok *t, size_t i)
{
	const char *s = t->s;
	size_t j, a, b;

	if ((j = end_bracket(t, i + 1)) == NPOS)
		return NPOS;
	for (a = i + 2; a < j && is_space(s[a]); a++)
		;
	for (b = j; b > a && is_space(s[b - 1]); b--)
		;
	set_name(t, s + a, b - a);
	t->ops->end(t->ctx, t->name.data, t->name.len);
	return s[j] == '>' ? j + 1 : j;
}

static size_t
parse_comment(struct tok *t, size_t i)
{
	const char *s = t->s;
	size_t n = t->n, p, r;
	const char *gt;

	for (p = i + 4; p + 1 < n; p++) {
		if (s[p] != '-' || s[p + 1] != '-')
			continue;
		for (r = p + 2; r < n && is_space(s[r]); r++)
			;
		if (r < n && s[r] == '>') {
			t->ops->comment(t->ctx, s + i + 4, p - i - 4);
			return r + 1;
		}
	}
	/* Unclosed: a page-wrecking (or sanitizer-dodging) comment; skip to
	 * the first "--...>" or drop the rest. */
	for (p = i + 4; p + 1 < n; p++)
		if (s[p] == '-' && s[p + 1] == '-') {
			gt = memchr(s + p + 2, '>', n - p - 2);
			return gt ? (size_t)(gt - s) + 1 : n;
		}
	return n;
}

/* "<![name ...]]>" marked sections and "<!DOCTYPE ...>": dropped. */
static size_t
parse_decl(struct tok *t, size_t i)
{
	const char *s = t->s;
	size_t n = t->n, p, a;
	const char *q;
	int two;

	if (i + 2 < n && s[i + 2] == '[') {
		for (a = p = i + 3; p < n && (is_alnum(s[p]) ||
		    (s[p] != '\0' && strchr("-_.:", s[p]) != NULL)); p++)
			;
		if (p == a || !is_alpha(s[a]))
			return 0;
		set_name(t, s + a, p - a);
		if (eq(t->name.data, t->name.len, "temp") ||
		    eq(t->name.data, t->name.len, "cdata") ||
		    eq(t->name.data, t->name.len, "ignore") ||
		    eq(t->name.data, t->name.len, "include") ||
		    eq(t->name.data, t->name.len, "rcdata"))
			two = 1;
		else if (eq(t->name.data, t->name.len, "if") ||
		    eq(t->name.data, t->name.len, "else") ||
		    eq(t->name.data, t->name.len, "endif"))
			two = 0;
		else
			return 0;
		/* "]\s*]\s*>" or "]\s*>" */
		for (; p < n; p++) {
			size_t r = p;

			if (s[r] != ']')
				continue;
			if (two) {
				for (r++; r < n && is_space(s[r]);
				    r++)
					;
				if (r >= n || s[r] != ']')
					continue;
			}
			for (r++; r < n && is_space(s[r]); r++)
				;
			if (r < n && s[r] == '>')
				return r + 1;
		}
		return NPOS;
	}
	/* A DOCTYPE: names and quoted strings up to '>'.  Anything else in
	 * it is an error, and the '<' becomes text. */
	for (p = i + 2; p < n; ) {
		unsigned char c = (unsigned char)s[p];

		if (c == '>')
			return p + 1;
		if (c == '"' || c == '\'') {
			if ((q = memchr(s + p + 1, c, n - p - 1)) == NULL)
				return NPOS;
			p = (size_t)(q - s) + 1;
		} else if (is_alpha(c)) {
			while (p < n && (is_alnum(s[p]) ||
			    (s[p] != '\0' && strchr("-_.:", s[p]) != NULL)))
				p++;
		} else if (c == '[') {
			if ((q = memchr(s + p + 1, ']', n - p - 1)) == NULL)
				return NPOS;
			p = (size_t)(q - s) + 1;
			continue;
		} else if (!is_space(c))
			return 0;
		else {
			p++;
			continue;
		}
		while (p < n && is_space(s[p]))
			p++;
	}
	return NPOS;
}

/*
 * Where the next '<' or '&' is in s[i..n), or n.  Text between tags is
 * most of a fragment, so it is skipped eight bytes at a time: a word has
 * one of the two when (v ^ c) has a zero byte, the classic test.
 */
static size_t
next_lt_amp(const char *s, size_t i, size_t n)
{
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t highs = 0x8080808080808080ULL;
	uint64_t v, a, b;

#ifdef __SSE2__
	/* Sixteen at a time where the CPU has it (every x86-64 does). */
	const __m128i lt = _mm_set1_epi8('<'), amp = _mm_set1_epi8('&');

	while (n - i >= 16) {
		__m128i w = _mm_loadu_si128((const __m128i *)(const void *)
		    (s + i));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_cmpeq_epi8(w, lt), _mm_cmpeq_epi8(w, amp)));

		if (m != 0)
			return i + (size_t)__builtin_ctz(m);
		i += 16;
	}
#endif
	while (n - i >= sizeof(v)) {
		memcpy(&v, s + i, sizeof(v));
		a = v ^ (ones * '<');
		b = v ^ (ones * '&');
		if ((((a - ones) & ~a) | ((b - ones) & ~b)) & highs)
			break;
		i += sizeof(v);
	}
	while (i < n && s[i] != '<' && s[i] != '&')
		i++;
	return i;
}

/*
 * feedparser rewrites the whole fragment with regular expressions before it
 * parses it, and those rewrites reach into attribute values and comments,
 * so they are done the same way here, in one pass into a copy (NULL when
 * nothing changes, as in most feeds):
 * "<br/>" and "<p />" become "<br />" and "<p></p>"; "&#39;" and "&#34;"
 * become quotes; and (its first four: two in each of its two passes) "<!"
 * not opening a comment, DOCTYPE or marked section becomes text.
 */
static char *
sgml_prepass(const char *s, size_t n, size_t *outlen)
{
	struct buf b = { 0 };
	size_t i, a = 0, p, q, g, end;
	int bangs = 0;

	for (i = 0; (i = next_lt_amp(s, i, n)) < n; i++) {
		if (s[i] == '&' && n - i >= 5 &&
		    (memcmp(s + i, "&#39;", 5) == 0 ||
		    memcmp(s + i, "&#34;", 5) == 0)) {
			if (b.data == NULL)
				presize(&b, n);
			buf_append(&b, s + a, i - a);
			buf_putc(&b, s[i + 3] == '9' ? '\'' : '"');
			a = i + 5;
			i += 4;
			continue;
		}
		if (s[i] != '<')
			continue;
		if (i + 1 < n && s[i + 1] == '!' && bangs < 4 &&
		    !(n - i >= 9 && memcmp(s + i, "<!DOCTYPE", 9) == 0) &&
		    !(n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) &&
		    !(n - i >= 3 && s[i + 2] == '[')) {
			bangs++;
			if (b.data == NULL)
				presize(&b, n);
			buf_append(&b, s + a, i - a);
			buf_puts(&b, "&lt;");
			a = i + 1;
			continue;
		}
		/* <([^<>\s]+?)\s*\/> */
		for (p = i + 1; p < n && s[p] != '<' && s[p] != '>' &&
		    !is_space(s[p]); p++)
			;
		if (p == i + 1)
			continue;
		if (s[p - 1] == '/' && p < n && s[p] == '>' && p - 1 > i + 1) {
			g = p - 1;
			end = p + 1;
		} else {
			for (q = p; q < n && is_space(s[q]); q++)
				;
			if (q + 1 >= n || s[q] != '/' || s[q + 1] != '>')
				continue;
			g = p;
			end = q + 2;
		}
		if (b.data == NULL)
			presize(&b, n);
		buf_append(&b, s + a, i + 1 - a);
		buf_append(&b, s + i + 1, g - i - 1);
		if (IN(void_elements, s + i + 1, g - i - 1))
			buf_puts(&b, " />");
		else {
			buf_puts(&b, "></");
			buf_append(&b, s + i + 1, g - i - 1);
			buf_putc(&b, '>');
		}
		a = end;
		i = end - 1;
	}
	if (b.data == NULL)
		return NULL;
	buf_append(&b, s + a, n - a);
	*outlen = b.len;
	return buf_detach(&b);
}

/* At a '<': returns where to go on, NPOS when the rest is text. */
static size_t
tok_lt(struct tok *t, size_t i)
{
	const char *s = t->s;
	size_t n = t->n, k;
	const char *gt;
	unsigned char c;

	if (i + 1 >= n)
		return NPOS;
	c = (unsigned char)s[i + 1];
	if (c == '!' && t->textmode && !starts(t, i, "<!--")) {
		/* Doctypes, CDATA and the like: bogus comments to HTML5. */
		gt = memchr(s + i, '>', n - i);
		return gt ? (size_t)(gt - s) + 1 : n;
	}
	if (c == '!' && !starts(t, i, "<!--") && !starts(t, i, "<!DOCTYPE") &&
	    !starts(t, i, "<![")) {
		/* One the pre-pass left: a declaration, dropped. */
		if (i + 2 < n && is_alpha(s[i + 2])) {
			gt = memchr(s + i, '>', n - i);
			return gt ? (size_t)(gt - s) + 1 : NPOS;
		}
		t->ops->entity(t->ctx, "lt", 2, 1);
		return i + 1;
	}
	if (c == '>' || is_alpha(c))
		return parse_starttag(t, i);
	if (c == '/')
		return parse_endtag(t, i);
	if (starts(t, i, "<!--"))
		return parse_comment(t, i);
	if (c == '?') {
		gt = memchr(s + i, '>', n - i);
		return gt ? (size_t)(gt - s) + 1 : NPOS;
	}
	if (c == '!') {
		k = parse_decl(t, i);
		/* An unclosed CDATA section turns into text and is read on. */
		if (k == NPOS && starts(t, i, "<![CDATA["))
			k = 0;
		if (k != 0)
			return k;
		t->ops->entity(t->ctx, "lt", 2, 1);
		return i + 1;
	}
	t->ops->text(t->ctx, s + i, 1, 0);
	return i + 1;
}

/* At a '&': returns where to go on, NPOS when the rest is text. */
static size_t
tok_amp(struct tok *t, size_t i)
{
	const char *s = t->s;
	size_t n = t->n, p, a;

	if (i + 1 < n && s[i + 1] == '#') {
		a = i + 2;
		if (a < n && is_digit(s[a]))
			for (p = a; p < n && is_digit(s[p]); p++)
				;
		else if (a + 1 < n && (s[a] == 'x' || s[a] == 'X') &&
		    is_hex(s[a + 1]))
			for (p = a + 1; p < n && is_hex(s[p]); p++)
				;
		else
			p = a;
		if (p > a && p < n && s[p] == ';') {
			t->ops->charref(t->ctx, s + a, p - a);
			return p + 1;
		}
		if (t->textmode && p > a) {
			/* HTML5 takes them without the ';' too. */
			t->ops->charref(t->ctx, s + a, p - a);
			return p;
		}
		/* Not a reference: "&#" and digits as text. */
		for (p = a; p < n && is_digit(s[p]); p++)
			;
		if (p >= n)
			return NPOS;
		t->ops->text(t->ctx, s + i, p - i, 0);
		return p;
	}
	if (t->textmode && i + 1 < n && is_alpha(s[i + 1])) {
		for (p = i + 2; p < n && is_alnum(s[p]); p++)
			;
		t->ops->entity(t->ctx, s + i + 1, p - i - 1,
		    p < n && s[p] == ';');
		return p < n && s[p] == ';' ? p + 1 : p;
	}
	if (i + 1 < n && is_alpha(s[i + 1])) {
		for (p = i + 2; p < n && (is_alnum(s[p]) ||
		    s[p] == '-' || s[p] == '.'); p++)
			;
		if (p < n) {
			t->ops->entity(t->ctx, s + i + 1, p - i - 1,
			    s[p] == ';');
			return s[p] == ';' ? p + 1 : p;
		}
		/* At the very end a trailing '-' or '.' can end the name. */
		if (p - i > 2 && (s[p - 1] == '-' || s[p - 1] == '.')) {
			t->ops->entity(t->ctx, s + i + 1, p - i - 2, 0);
			return p - 1;
		}
		return NPOS;
	}
	if (i + 1 >= n)
		return NPOS;
	t->ops->text(t->ctx, s + i, 1, 0);
	return i + 1;
}

static void
tok_run(struct tok *t)
{
	const char *s = t->s;
	size_t n = t->n, i = 0, j, k;

	while (i < n) {
		j = next_lt_amp(s, i, n);
		if (j > i)
			t->ops->text(t->ctx, s + i, j - i, TEXT_PLAIN);
		if ((i = j) >= n)
			break;
		k = s[i] == '<' ? tok_lt(t, i) : tok_amp(t, i);
		if (k == NPOS) {
			t->ops->text(t->ctx, s + i, n - i, 1);
			break;
		}
		i = k;
	}
}

static void
tok_init(struct tok *t, const char *s, size_t n, const struct tok_ops *ops,
    void *ctx)
{
	memset(t, 0, sizeof(*t));
	t->s = s ? s : "";
	t->n = s ? n : 0;
	t->ops = ops;
	t->ctx = ctx;
	buf_puts(&t->last, "???");
}

static void
tok_free(struct tok *t)
{
	free(t->attrs);
	buf_free(&t->name);
	buf_free(&t->last);
}

/*
 * The sanitizer.
 */
#define NS_SVG		"http://www.w3.org/2000/svg"
#define NS_MATHML	"http://www.w3.org/1998/Math/MathML"
#define NS_XLINK	"http://www.w3.org/1999/xlink"

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

/*
 * The sanitizer can render the text of its output as it writes it (see
 * html_sanitize_text()): each piece it writes is handed to the renderer as
 * the renderer's tokenizer would read it back.  That holds for the plain
 * forms: text without '<' or '&', "&name;", "&#...;", tags of the allowed
 * HTML elements.  Anything else (comments, escaped leftovers, SVG or MathML,
 * a raw-text element) makes the text "unsafe", and the renderer then runs
 * over the finished output instead.
 */
struct txt;
static void	txt_text(void *, const char *, size_t, int);
static void	txt_charref(void *, const char *, size_t);
static void	txt_entity(void *, const char *, size_t, int);
static int	txt_start(void *, const char *, size_t, struct attr *, size_t,
		    int);
static void	txt_end(void *, const char *, size_t);

struct san {
	struct buf	 out;
	struct txt	*tx;		/* NULL, or the text rendered alongside */
	int		 unsafe;	/* tx is to be dropped */
	const char	*base;
	int		 unacceptable;	/* may go below 0 */
	int		 mathml;
	int		 svg;
	struct buf	 val;		/* one attribute value */
	struct buf	 val2;
	struct buf	 style;
	struct buf	 prop;
	struct attr	*sorted;
	size_t		 sortedcap;
	int		 nul_free;	/* the input has no NUL byte */
};

static const char *
svg_camel_name(const char *s, size_t n)
{
	size_t i, k;

	for (i = 0; i < NELEM(svg_camel); i++) {
		const char *c = svg_camel[i];

		if (strlen(c) != n)
			continue;
		for (k = 0; k < n && lower(c[k]) == s[k]; k++)
			;
		if (k == n)
			return c;
	}
	return NULL;
}

static void
san_text(void *ctx, const char *p, size_t n, int rest)
{
	struct san *z = ctx;
	size_t i, a;

	if (z->unacceptable)
		return;
	if (rest != TEXT_REST) {
		/* a run of the input: no NUL to replace when it has none */
		if (rest == TEXT_PLAIN && z->nul_free)
			buf_append(&z->out, p, n);
		else
			put_raw(&z->out, p, n);
		if (z->tx != NULL && !z->unsafe) {
			/* the tokenizer's runs between markup, most of the
			 * text, are known clean: not searched again */
			if (rest != TEXT_PLAIN && (memchr(p, '<', n) != NULL ||
			    memchr(p, '&', n) != NULL))
				z->unsafe = 1;
			else
				txt_text(z->tx, p, n, 0);
		}
		return;
	}
	z->unsafe = 1;
	/*
	 * Markup that never closed comes out as text, as in feedparser, but a
	 * start tag in it must not come back to life once the fragment sits
	 * in a page (the page's next '>' would close it).  "<!", "<?" and
	 * "</" open nothing that runs, so they stay as they are.
	 */
	for (i = a = 0; i < n; i++) {
		if (p[i] != '<' || i + 1 >= n || !is_alpha(p[i + 1]))
			continue;
		put_raw(&z->out, p + a, i - a);
		buf_puts(&z->out, "&lt;");
		a = i + 1;
	}
	put_raw(&z->out, p + a, n - a);
}

static void
san_charref_put(struct san *z, const char *p, size_t n)
{
	unsigned long v = 0;
	size_t i;

	if (p[0] != 'x' && p[0] != 'X') {
		for (i = 0; i < n && v < 1000; i++)
			v = v * 10 + (unsigned long)(p[i] - '0');
	} else {
		for (i = 1; i < n && v < 1000; i++)
			v = v * 16 + (unsigned long)(is_digit(p[i]) ?
			    p[i] - '0' : lower(p[i]) - 'a' + 10);
	}
	if (v >= 0x80 && v <= 0x9f && cp1252[v - 0x80]) {
		buf_printf(&z->out, "&#x%x;", cp1252[v - 0x80]);
		return;
	}
	buf_puts(&z->out, "&#");
	for (i = 0; i < n; i++)
		buf_putc(&z->out, lower(p[i]));
	buf_putc(&z->out, ';');
}

static void
san_charref(void *ctx, const char *p, size_t n)
{
	struct san *z = ctx;
	size_t at = z->out.len;

	san_charref_put(z, p, n);
	/* The text as the renderer reads it back: the digits of "&#...;". */
	if (z->tx != NULL && !z->unsafe)
		txt_charref(z->tx, z->out.data + at + 2, z->out.len - at - 3);
}

static void
san_entity(void *ctx, const char *p, size_t n, int semi)
{
	struct san *z = ctx;

	(void)semi;
	if (entity_lookup(p, n)) {
		buf_putc(&z->out, '&');
		buf_append(&z->out, p, n);
		buf_putc(&z->out, ';');
		if (z->tx != NULL && !z->unsafe)
			txt_entity(z->tx, p, n, 1);
	} else {
		/* Unknown: the ampersand is text and the ';' is lost. */
		buf_puts(&z->out, "&amp;");
		if (z->tx != NULL && !z->unsafe)
			txt_entity(z->tx, "amp", 3, 1);
		san_text(z, p, n, 0);
	}
}

static void
san_comment(void *ctx, const char *p, size_t n)
{
	struct san *z = ctx;
	size_t i;

	z->unsafe = 1;
	/* A browser would end these comments earlier than we did ("<!-->",
	 * "<!--->", "--!>"), and what follows would be live markup. */
	if ((n && p[0] == '>') || (n > 1 && p[0] == '-' && p[1] == '>'))
		return;
	for (i = 0; i + 2 < n; i++)
		if (p[i] == '-' && p[i + 1] == '-' && p[i + 2] == '!')
			return;
	if (n && p[n - 1] == '-')
		return;
	buf_puts(&z->out, "<!--");
	put_raw(&z->out, p, n);
	buf_puts(&z->out, "-->");
}

/* valid_css_values: "#hex", "rgb(...)" or a short number with a unit. */
static int
css_value_ok(const char *s, size_t n)
{
	static const char *const units[] = {
		"cm", "em", "ex", "in", "mm", "pc", "pt", "px", "%", ",", ")",
	};
	size_t i, a, b, d, p, u;

	if (n && s[0] == '#') {
		for (i = 1; i < n; i++)
			if (!(is_digit(s[i]) || (s[i] >= 'a' && s[i] <= 'f')))
				break;
		if (n > 1 && i == n)
			return 1;
	}
	if (n >= 4 && memcmp(s, "rgb(", 4) == 0) {
		p = 4;
		for (a = p; p < n && is_digit(s[p]); p++)
			;
		if (p > a) {
			if (p < n && s[p] == '%')
				p++;
			if (p < n && s[p] == ',') {
				p++;
				while (p < n && is_digit(s[p]))
					p++;
				if (p < n && s[p] == '%')
					p++;
				if (p < n && s[p] == ',')
					p++;
				while (p < n && is_digit(s[p]))
					p++;
				if (p < n && s[p] == '%')
					p++;
				if (p < n && s[p] == ')')
					p++;
				if (p == n)
					return 1;
			}
		}
	}
	/* \d{0,2}\.?\d{0,2}(unit)? */
	for (a = 0; a <= 2; a++)
		for (d = 0; d <= 1; d++)
			for (b = 0; b <= 2; b++) {
				p = 0;
				for (i = 0; i < a; i++, p++)
					if (p >= n || !is_digit(s[p]))
						goto next;
				if (d) {
					if (p >= n || s[p] != '.')
						goto next;
					p++;
				}
				for (i = 0; i < b; i++, p++)
					if (p >= n || !is_digit(s[p]))
						goto next;
				if (p == n)
					return 1;
				for (u = 0; u < NELEM(units); u++)
					if (eq(s + p, n - p, units[u]))
						return 1;
next:
				;
			}
	return 0;
}

/* Length of a \w character at p (a whole UTF-8 sequence), 0 if none. */
static size_t
word_len(const char *s, size_t n, size_t p)
{
	unsigned char c = (unsigned char)s[p];
	size_t l = 1;

	if (c < 0x80)
		return is_alnum(c) || c == '_';
	if (c >= 0xf0)
		l = 4;
	else if (c >= 0xe0)
		l = 3;
	else if (c >= 0xc0)
		l = 2;
	return p + l <= n ? l : n - p;
}

/* The gauntlet: only these pieces may make up a style attribute. */
static int
css_gauntlet(const char *s, size_t n)
{
	char *reach;
	size_t p, q, w, w2;
	int ok;

	reach = xcalloc(n + 1, 1);
	reach[0] = 1;
	for (p = 0; p < n; p++) {
		unsigned char c = (unsigned char)s[p];

		if (!reach[p])
			continue;
		if (is_alnum(c) || is_space(c) || strchr(":,;#%.!", c) != NULL)
			reach[p + 1] = 1;
		if ((w = word_len(s, n, p)) && p + w < n && s[p + w] == '-' &&
		    p + w + 1 < n && (w2 = word_len(s, n, p + w + 1)))
			reach[p + w + 1 + w2] = 1;
		if (c == '\'' || c == '"') {
			for (q = p + 1; q < n && (is_space(s[q]) ||
			    is_word(s[q])); q++)
				;
			if (q > p + 1 && q < n && s[q] == (char)c)
				reach[q + 1] = 1;
		}
		if (c == '(') {
			for (q = p + 1; q < n && (is_digit(s[q]) ||
			    s[q] == ',' || is_space(s[q])); q++)
				;
			if (q > p + 1 && q < n && s[q] == ')')
				reach[q + 1] = 1;
		}
	}
	ok = reach[n];
	free(reach);
	return ok;
}

static int
css_name_char(const char *s, size_t p)
{
	return s[p] == '-' || is_word(s[p]);
}

/* Matches "\s*[-\w]+\s*:\s*[^:;]*;?" at p; returns its end or NPOS. */
static size_t
css_decl(const char *s, size_t n, size_t p)
{
	size_t a;

	while (p < n && is_space(s[p]))
		p++;
	for (a = p; p < n && css_name_char(s, p); p++)
		;
	if (p == a)
		return NPOS;
	while (p < n && is_space(s[p]))
		p++;
	if (p >= n || s[p] != ':')
		return NPOS;
	for (p++; p < n && s[p] != ':' && s[p] != ';'; p++)
		;
	if (p < n && s[p] == ';')
		p++;
	return p;
}

static void
css_clean(struct san *z, struct buf *dst, const char *in, size_t inlen)
{
	struct buf *t = &z->val2;
	const char *s;
	size_t n, p, q, a, b, v, e;

	/* No url(...) at all. */
	buf_reset(t);
	for (p = 0; p < inlen; ) {
		if (inlen - p >= 3 && memcmp(in + p, "url", 3) == 0) {
			for (q = p + 3; q < inlen && is_space(in[q]);
			    q++)
				;
			if (q < inlen && in[q] == '(') {
				for (q++; q < inlen && is_space(in[q]);
				    q++)
					;
				for (a = q; q < inlen && in[q] != ')' &&
				    !is_space(in[q]); q++)
					;
				b = q;
				while (q < inlen && is_space(in[q]))
					q++;
				if (b > a && q < inlen && in[q] == ')') {
					for (q++; q < inlen &&
					    is_space(in[q]); q++)
						;
					buf_putc(t, ' ');
					p = q;
					continue;
				}
			}
		}
		buf_putc(t, in[p++]);
	}
	s = buf_str(t);
	n = t->len;
	if (!css_gauntlet(s, n))
		return;
	for (p = 0; p < n; ) {
		if ((q = css_decl(s, n, p)) != NPOS)
			p = q;
		else if (is_space(s[p]))
			p++;
		else
			return;
	}
	for (p = 0; p < n; ) {
		if (!css_name_char(s, p)) {
			p++;
			continue;
		}
		for (a = p; p < n && css_name_char(s, p); p++)
			;
		b = p;
		for (q = p; q < n && is_space(s[q]); q++)
			;
		if (q >= n || s[q] != ':') {
			p = a + 1;
			continue;
		}
		for (q++; q < n && is_space(s[q]); q++)
			;
		for (v = q; q < n && s[q] != ':' && s[q] != ';'; q++)
			;
		p = q;
		if (q == v)
			continue;
		set_lower(&z->prop, s + a, b - a);
		if (!IN(css_properties, z->prop.data, z->prop.len)) {
			size_t dash;

			for (dash = 0; dash < z->prop.len &&
			    z->prop.data[dash] != '-'; dash++)
				;
			if (IN(css_shorthands, z->prop.data, dash)) {
				/* Each keyword known, or a plain value. */
				for (e = v; e < q; ) {
					size_t k;

					while (e < q && is_space(s[e]))
						e++;
					for (k = e; k < q &&
					    !is_space(s[k]); k++)
						;
					if (k > e &&
					    !IN(css_keywords, s + e, k - e) &&
					    !css_value_ok(s + e, k - e))
						break;
					e = k;
				}
				if (e < q)
					continue;
			} else if (!(z->svg &&
			    IN(svg_properties, z->prop.data, z->prop.len)))
				continue;
		}
		if (dst->len)
			buf_putc(dst, ' ');
		buf_append(dst, s + a, b - a);
		buf_puts(dst, ": ");
		buf_append(dst, s + v, q - v);
		buf_putc(dst, ';');
	}
}


static int
attr_is(const struct attr *a, const char *lname)
{
	size_t i;

	for (i = 0; i < a->namelen; i++)
		if (lname[i] == '\0' || lower(a->name[i]) !=
		    lname[i])
			return 0;
	return lname[i] == '\0';
}

/* ('name', value) in attrs, as feedparser asks it: any occurrence. */
static int
has_attr_value(const struct attr *a, size_t na, const char *lname,
    const char *value)
{
	size_t i;

	for (i = 0; i < na; i++)
		if (attr_is(&a[i], lname) &&
		    eq(a[i].value, a[i].valuelen, value))
			return 1;
	return 0;
}

static int
attr_cmp(const void *va, const void *vb)
{
	const struct attr *a = va, *b = vb;
	size_t i, n = a->namelen < b->namelen ? a->namelen : b->namelen;

	for (i = 0; i < n; i++) {
		int x = lower(a->name[i]);
		int y = lower(b->name[i]);

		if (x != y)
			return x - y;
	}
	if (a->namelen != b->namelen)
		return a->namelen < b->namelen ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* A value as the SGML parser hands it over: decimal references gain their
 * ';', and feedparser's early rewrite of &#39; and &#34; applies. */
static void
attr_value_prep(struct buf *b, const char *p, size_t n)
{
	size_t i, k;

	buf_reset(b);
	for (i = 0; i < n; ) {
		const char *amp = memchr(p + i, '&', n - i);

		/* Up to the next '&' the value is copied as it is. */
		k = amp != NULL ? (size_t)(amp - p) : n;
		if (k > i) {
			buf_append(b, p + i, k - i);
			i = k;
			continue;
		}
		if (n - i >= 5 && (memcmp(p + i, "&#39;", 5) == 0 ||
		    memcmp(p + i, "&#34;", 5) == 0)) {
			buf_putc(b, p[i + 3] == '9' ? '\'' : '"');
			i += 5;
		} else if (p[i] == '&' && i + 2 < n && p[i + 1] == '#' &&
		    is_digit(p[i + 2])) {
			for (k = i + 2; k < n && is_digit(p[k]); k++)
				;
			buf_append(b, p + i, k - i);
			buf_putc(b, ';');
			i = k < n && p[k] == ';' ? k + 1 : k;
		} else
			buf_putc(b, p[i++]);
	}
}

/* Where the next '<', '>', '"' or '&' is in p[i..n), or n: values are
 * mostly URLs with none of them. */
static size_t
next_attr_special(const char *p, size_t i, size_t n)
{
#ifdef __SSE2__
	const __m128i lt = _mm_set1_epi8('<'), gt = _mm_set1_epi8('>');
	const __m128i dq = _mm_set1_epi8('"'), amp = _mm_set1_epi8('&');

	while (n - i >= 16) {
		__m128i w = _mm_loadu_si128((const __m128i *)(const void *)
		    (p + i));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_or_si128(_mm_cmpeq_epi8(w, lt), _mm_cmpeq_epi8(w, gt)),
		    _mm_or_si128(_mm_cmpeq_epi8(w, dq),
		    _mm_cmpeq_epi8(w, amp))));

		if (m != 0)
			return i + (size_t)__builtin_ctz(m);
		i += 16;
	}
#endif
	while (i < n && p[i] != '<' && p[i] != '>' && p[i] != '"' &&
	    p[i] != '&')
		i++;
	return i;
}

/* Writes a value between double quotes: <, > and " escaped, and any '&'
 * that does not start a reference. */
static void
attr_value_put(struct buf *out, const char *p, size_t n)
{
	size_t i, k, a = 0;

	for (i = 0; (i = next_attr_special(p, i, n)) < n; i++) {
		const char *rep = NULL;

		if (p[i] == '<')
			rep = "&lt;";
		else if (p[i] == '>')
			rep = "&gt;";
		else if (p[i] == '"')
			rep = "&quot;";
		else if (p[i] == '&') {
			k = i + 1;
			if (k < n && p[k] == '#') {
				k++;
				if (k < n && p[k] == 'x' && k + 1 < n &&
				    is_hex(p[k + 1]))
					for (k++; k < n && is_hex(p[k]);
					    k++)
						;
				else
					for (; k < n && is_digit(p[k]);
					    k++)
						;
				if (k == i + 2 || k >= n || p[k] != ';')
					rep = "&amp;";
			} else {
				while (k < n && is_word(p[k]))
					k++;
				if (k == i + 1 || k >= n || p[k] != ';')
					rep = "&amp;";
			}
		}
		if (rep == NULL)
			continue;
		put_raw(out, p + a, i - a);
		buf_puts(out, rep);
		a = i + 1;
	}
	put_raw(out, p + a, n - a);
}

/* 1 when a URL (references already decoded) has no scheme or one of the
 * harmless ones.  Leading controls and embedded tabs and newlines are
 * skipped, as browsers skip them. */
static int
scheme_ok(const char *u)
{
	char sch[16];
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)u;

	while (*p && *p <= ' ')
		p++;
	for (; *p; p++) {
		if (*p == '\t' || *p == '\n' || *p == '\r')
			continue;
		if (*p == ':')
			break;
		if (n == 0 ? !is_alpha(*p) : !(is_alnum(*p) ||
		    *p == '+' || *p == '-' || *p == '.'))
			return 1;
		if (n < sizeof(sch))
			sch[n] = (char)lower(*p);
		n++;
	}
	if (*p != ':' || n == 0)
		return 1;
	/* No scheme we allow is as long as sch. */
	return n < sizeof(sch) && IN(uri_schemes, sch, n);
}

int
html_url_allowed(const char *url)
{
	return url == NULL || scheme_ok(url);
}

static void
uri_fix(struct san *z, const char *tag, size_t tlen, const char *name,
    struct buf *val)
{
	char pair[64];
	char *dec, *res;
	size_t a, b;

	if (tlen + strlen(name) + 2 <= sizeof(pair)) {
		memcpy(pair, tag, tlen);
		pair[tlen] = '/';
		strcpy(pair + tlen + 1, name);
		if (IN(relative_uris, pair, strlen(pair))) {
			for (a = 0; a < val->len &&
			    is_space(val->data[a]); a++)
				;
			for (b = val->len; b > a &&
			    is_space(val->data[b - 1]); b--)
				;
			if (b > a) {
				memmove(val->data, val->data + a, b - a);
				val->len = b - a;
				val->data[val->len] = '\0';
				if (z->base && *z->base && (res =
				    url_resolve(z->base, val->data)) != NULL) {
					buf_reset(val);
					buf_puts(val, res);
					free(res);
				}
			}
		}
	}
	if (val->len == 0 || memchr(val->data, '&', val->len) == NULL) {
		if (!scheme_ok(buf_str(val)))
			buf_reset(val);
		return;
	}
	dec = html_unescape(val->data, val->len);
	if (!scheme_ok(dec))
		buf_reset(val);
	free(dec);
}

static int
san_start(void *ctx, const char *tag, size_t tlen, struct attr *attrs,
    size_t na, int selfclose)
{
	static const struct attr added[] = {
		{ "xmlns", 5, NS_SVG, sizeof(NS_SVG) - 1, 0 },
		{ "xmlns", 5, NS_MATHML, sizeof(NS_MATHML) - 1, 0 },
		{ "xmlns:xlink", 11, NS_XLINK, sizeof(NS_XLINK) - 1, 0 },
	};
	struct san *z = ctx;
	uint32_t aset = SET_ok_attributes;
	size_t i, m, m2, total, at;
	const char *outtag = tag, *camel, *outname;
	const struct attr *xmlns = NULL;
	int ok_el, svgattrs = 0, animates_link, add[3] = { 0, 0, 0 }, isvoid;
	struct attr *a;

	(void)selfclose;
	ok_el = IN(ok_elements, tag, tlen);
	if (!ok_el || z->svg) {
		if (IN(unacceptable_elements, tag, tlen))
			z->unacceptable++;
		for (i = 0; i < na; i++)
			if (attr_is(&attrs[i], "xmlns"))
				xmlns = &attrs[i];
		if (xmlns == NULL || xmlns->valuelen == 0) {
			add[0] = eq(tag, tlen, "svg");
			add[1] = eq(tag, tlen, "math");
		}
		if (eq(tag, tlen, "math") && (add[1] ||
		    has_attr_value(attrs, na, "xmlns", NS_MATHML)))
			z->mathml++;
		if (eq(tag, tlen, "svg") && (add[0] ||
		    has_attr_value(attrs, na, "xmlns", NS_SVG)))
			z->svg++;
		if (z->mathml && IN(mathml_elements, tag, tlen)) {
			aset = SET_mathml_attributes;
		} else if (z->svg && IN(svg_elements, tag, tlen)) {
			aset = SET_svg_attributes;
			svgattrs = 1;
			if ((camel = svg_camel_name(tag, tlen)) != NULL)
				outtag = camel;
		} else if (!ok_el)
			return 0;
	}
	if (z->mathml || z->svg) {
		z->unsafe = 1;
		for (i = 0; i < na; i++)
			if (attrs[i].namelen > 6 &&
			    strncasecmp(attrs[i].name, "xlink:", 6) == 0)
				break;
		if (i < na &&
		    !has_attr_value(attrs, na, "xmlns:xlink", NS_XLINK))
			add[2] = 1;
	}

	/*
	 * <animate attributeName="href" values="javascript:..."> would turn
	 * an SVG link into script (feedparser lets it through).  Such
	 * elements are dropped (svg_elements); should any element left name
	 * a link attribute to animate, it keeps no values.
	 */
	animates_link = 0;
	if (svgattrs)
		for (i = 0; i < na; i++)
			if (attr_is(&attrs[i], "attributename") &&
			    attrs[i].valuelen >= 4 &&
			    strncasecmp(attrs[i].value + attrs[i].valuelen - 4,
			    "href", 4) == 0)
				animates_link = 1;

	/* As a dictionary would: names folded, the last value wins, sorted. */
	total = na + 3;
	if (total > z->sortedcap) {
		z->sortedcap = total;
		z->sorted = xreallocarray(z->sorted, total, sizeof(*z->sorted));
	}
	if (na)
		memcpy(z->sorted, attrs, na * sizeof(*attrs));
	for (m = na, i = 0; i < 3; i++)
		if (add[i]) {
			z->sorted[m] = added[i];
			z->sorted[m].seq = m;
			m++;
		}
	if (m > 1)	/* most tags have one attribute or none */
		qsort(z->sorted, m, sizeof(*z->sorted), attr_cmp);

	at = z->out.len;
	buf_putc(&z->out, '<');
	buf_append(&z->out, outtag, strlen(outtag) < tlen ? strlen(outtag) :
	    tlen);
	for (i = 0; i < m; i++) {
		a = &z->sorted[i];
		if (i + 1 < m && attr_cmp(a, &z->sorted[i + 1]) != 0 &&
		    a->namelen == z->sorted[i + 1].namelen &&
		    strncasecmp(a->name, z->sorted[i + 1].name,
		    a->namelen) == 0)
			continue;	/* a later duplicate wins */
		set_lower(&z->prop, a->name, a->namelen);
		attr_value_prep(&z->val, a->value, a->valuelen);
		if (eq(z->prop.data, z->prop.len, "rel") ||
		    eq(z->prop.data, z->prop.len, "type"))
			for (m2 = 0; m2 < z->val.len; m2++)
				z->val.data[m2] = (char)lower(
				    (unsigned char)z->val.data[m2]);
		if (eq(z->prop.data, z->prop.len, "style")) {
			if (aset != SET_ok_attributes)
				continue;
			buf_reset(&z->style);
			css_clean(z, &z->style, buf_str(&z->val), z->val.len);
			if (z->style.len == 0)
				continue;
			buf_puts(&z->out, " style=\"");
			attr_value_put(&z->out, z->style.data, z->style.len);
			buf_putc(&z->out, '"');
			continue;
		}
		if (!(classify(z->prop.data, z->prop.len) & aset))
			continue;
		outname = z->prop.data;
		if (svgattrs && (camel = svg_camel_name(z->prop.data,
		    z->prop.len)) != NULL)
			outname = camel;
		if (IN(uri_attributes, z->prop.data, z->prop.len))
			uri_fix(z, tag, tlen, z->prop.data, &z->val);
		else if (animates_link && IN(animation_values, z->prop.data,
		    z->prop.len))
			buf_reset(&z->val);
		buf_putc(&z->out, ' ');
		buf_puts(&z->out, outname);
		buf_puts(&z->out, "=\"");
		attr_value_put(&z->out, buf_str(&z->val), z->val.len);
		buf_putc(&z->out, '"');
	}
	isvoid = IN(void_elements, outtag, strlen(outtag));
	buf_puts(&z->out, isvoid ? " />" : ">");
	if (z->tx != NULL && !z->unsafe) {
		/* Read back, the tag ends at its first bracket. */
		if (memchr(z->out.data + at + 1, '<', z->out.len - at - 1) !=
		    NULL || memchr(z->out.data + at, '>', z->out.len - at - 1) !=
		    NULL || txt_start(z->tx, tag, tlen, NULL, 0, isvoid))
			z->unsafe = 1;
	}
	return 0;
}

static void
san_end(void *ctx, const char *tag, size_t tlen)
{
	struct san *z = ctx;
	const char *outtag = tag, *camel;
	size_t outlen = tlen;

	if (z->mathml || z->svg)
		z->unsafe = 1;
	if (!IN(ok_elements, tag, tlen)) {
		if (IN(unacceptable_elements, tag, tlen))
			z->unacceptable--;
		if (z->mathml && IN(mathml_elements, tag, tlen)) {
			if (eq(tag, tlen, "math"))
				z->mathml--;
		} else if (z->svg && IN(svg_elements, tag, tlen)) {
			if ((camel = svg_camel_name(tag, tlen)) != NULL) {
				outtag = camel;
				outlen = strlen(camel);
			}
			if (eq(tag, tlen, "svg"))
				z->svg--;
		} else
			return;
	}
	if (IN(void_elements, outtag, outlen))
		return;
	buf_puts(&z->out, "</");
	buf_append(&z->out, outtag, outlen);
	buf_putc(&z->out, '>');
	if (z->tx != NULL && !z->unsafe)
		txt_end(z->tx, outtag, outlen);
}

static const struct tok_ops san_ops = {
	san_text, san_charref, san_entity, san_start, san_end, san_comment,
};

/* Length of the Python-whitespace character at s[i] (UTF-8), or 0.  The
 * renderer asks this of every byte of text: ASCII and the lead bytes that
 * start no space are answered before the call. */
static size_t py_space_multi(const unsigned char *, size_t, size_t);

static inline size_t
py_space_at(const unsigned char *s, size_t n, size_t i)
{
	unsigned char c = s[i];

	if (c < 0x80)
		return (size_t)is_space(c);
	if (c != 0xc2 && c != 0xe1 && c != 0xe2 && c != 0xe3)
		return 0;
	return py_space_multi(s, n, i);
}

static size_t
py_space_multi(const unsigned char *s, size_t n, size_t i)
{
	unsigned long cp;

	if (s[i] == 0xc2 && i + 1 < n && (s[i + 1] == 0x85 || s[i + 1] == 0xa0))
		return 2;
	if (i + 2 < n && (s[i] == 0xe1 || s[i] == 0xe2 || s[i] == 0xe3)) {
		cp = ((unsigned long)(s[i] & 0x0f) << 12) |
		    ((unsigned long)(s[i + 1] & 0x3f) << 6) | (s[i + 2] & 0x3f);
		if (cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
		    cp == 0x2028 || cp == 0x2029 || cp == 0x202f ||
		    cp == 0x205f || cp == 0x3000)
			return 3;
	}
	return 0;
}

/* Python's str.strip() and then CRLF to LF, in place. */
static void
py_finish(struct buf *b)
{
	unsigned char *s = (unsigned char *)b->data;
	size_t n = b->len, a = 0, e, i, o, k;

	if (s == NULL)
		return;
	while (a < n && (k = py_space_at(s, n, a)) != 0)
		a += k;
	e = n;
	while (e > a) {
		/* Step back to the start of the last character. */
		for (i = e - 1; i > a && (s[i] & 0xc0) == 0x80 && e - i < 4;
		    i--)
			;
		if ((k = py_space_at(s, e, i)) == 0 || i + k != e)
			break;
		e = i;
	}
	if (memchr(s + a, '\r', e - a) == NULL) {
		/* The usual case: nothing to drop but the outer space. */
		if (a > 0)
			memmove(s, s + a, e - a);
		o = e - a;
	} else {
		for (i = a, o = 0; i < e; i++) {
			if (s[i] == '\r' && i + 1 < e && s[i + 1] == '\n')
				continue;
			s[o++] = s[i];
		}
	}
	b->len = o;
	s[o] = '\0';
}

static char *
sanitize(const char *html, size_t len, const char *base, struct txt *tx,
    int *unsafe)
{
	struct san z;
	struct tok t;
	char *copy;
	size_t clen;

	memset(&z, 0, sizeof(z));
	z.base = base;
	z.tx = tx;
	if (html == NULL) {
		html = "";
		len = 0;
	}
	if ((copy = sgml_prepass(html, len, &clen)) == NULL)
		clen = len;
	presize(&z.out, clen);
	z.nul_free = memchr(copy ? copy : html, '\0', clen) == NULL;
	tok_init(&t, copy ? copy : html, clen, &san_ops, &z);
	tok_run(&t);
	tok_free(&t);
	free(copy);
	py_finish(&z.out);
	buf_free(&z.val);
	buf_free(&z.val2);
	buf_free(&z.prop);
	buf_free(&z.style);
	free(z.sorted);
	*unsafe = z.unsafe;
	return buf_detach(&z.out);
}

char *
html_sanitize(const char *html, size_t len, const char *base)
{
	int unsafe;

	return sanitize(html, len, base, NULL, &unsafe);
}

/*
 * The text renderer.
 */
#define TXT_LISTS	32

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

enum { NEED_NONE, NEED_SPACE, NEED_LINE, NEED_PARA };

struct txt {
	struct buf	 out;
	int		 need;
	int		 brs;		/* <br>s since the last text */
	int		 hidden;	/* depth in hidden_elements */
	int		 pre;
	char		 prefix[32];	/* list marker, until text */
	int		 lists[TXT_LISTS]; /* next number, 0: <ul> */
	size_t		 nlists;
};

static void
txt_need(struct txt *x, int need)
{
	if (need > x->need)
		x->need = need;
}

/*
 * Words parted by one plain space come out as written, so the renderer
 * copies them as one run: returns where the run that starts at u[i] (not
 * white space) ends.  Eight bytes are taken at once when none is a
 * control or non-ASCII byte (all of Python's white space is one of those
 * but ' ') and no ' ' in them is doubled or last; y flags exactly the
 * bytes that are ' '.
 */
static size_t
txt_run_end(const unsigned char *u, size_t i, size_t n)
{
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t highs = 0x8080808080808080ULL;
	const uint64_t low7 = 0x7f7f7f7f7f7f7f7fULL;
	uint64_t v, x, y;
#ifdef __SSE2__
	const __m128i c1f = _mm_set1_epi8(0x1f), sp = _mm_set1_epi8(' ');
#endif

	for (;;) {
#ifdef __SSE2__
		/* The same test sixteen bytes at a time: bad are the bytes
		 * below 0x20 (max(byte, 0x1f) is 0x1f) or above 0x7f. */
		while (n - i >= 16) {
			__m128i w = _mm_loadu_si128((const __m128i *)(const void *)
			    (u + i));
			unsigned bad = (unsigned)_mm_movemask_epi8(_mm_or_si128(
			    _mm_cmpeq_epi8(_mm_max_epu8(w, c1f), c1f), w));
			unsigned s = (unsigned)_mm_movemask_epi8(
			    _mm_cmpeq_epi8(w, sp));

			if (bad != 0 || (s & (s << 1)) != 0 || (s >> 15) != 0)
				break;
			i += 16;
		}
#endif
		while (n - i >= sizeof(v)) {
			memcpy(&v, u + i, sizeof(v));
			if ((((v - ones * 0x20) & ~v) | v) & highs)
				break;
			x = v ^ (ones * ' ');
			y = ~(((x & low7) + low7) | x | low7);
			if ((y & (y << 8)) != 0 || (y >> 63) != 0)
				break;
			i += sizeof(v);
		}
		while (i < n && py_space_at(u, n, i) == 0)
			i++;
		if (i + 1 < n && u[i] == ' ' && py_space_at(u, n, i + 1) == 0) {
			i++;
			continue;
		}
		return i;
	}
}

static void
txt_put(struct txt *x, const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t i = 0, a, k;

	while (i < n) {
		/* Any white space, no-break and other Unicode spaces too. */
		if ((k = py_space_at(u, n, i)) != 0) {
			txt_need(x, x->pre && u[i] == '\n' ? NEED_LINE :
			    NEED_SPACE);
			i += k;
			continue;
		}
		a = i;
		i = txt_run_end(u, i, n);
		if (x->out.len)
			buf_puts(&x->out, x->need == NEED_PARA ? "\n\n" :
			    x->need == NEED_LINE ? "\n" :
			    x->need == NEED_SPACE ? " " : "");
		x->need = NEED_NONE;
		x->brs = 0;
		if (x->prefix[0]) {
			buf_puts(&x->out, x->prefix);
			x->prefix[0] = '\0';
		}
		put_raw(&x->out, p + a, i - a);
	}
}

static void
txt_cp(struct txt *x, unsigned long cp)
{
	char u[4];
	size_t n;

	if (cp == CP_NONE)
		return;
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	txt_put(x, u, n);
}

static void
txt_text(void *ctx, const char *p, size_t n, int rest)
{
	struct txt *x = ctx;

	(void)rest;
	if (!x->hidden)
		txt_put(x, p, n);
}

static void
txt_charref(void *ctx, const char *p, size_t n)
{
	struct txt *x = ctx;

	if (!x->hidden)
		txt_cp(x, charref_value(p, n));
}

static void
txt_entity(void *ctx, const char *p, size_t n, int semi)
{
	struct txt *x = ctx;
	unsigned long cp;

	size_t used;

	if (x->hidden)
		return;
	if (semi && (cp = entity_lookup(p, n)) != 0) {
		txt_cp(x, cp);
		return;
	}
	if ((cp = legacy_prefix(p, n, &used)) != 0) {
		txt_cp(x, cp);
		txt_put(x, p + used, n - used);
		if (semi)
			txt_put(x, ";", 1);
		return;
	}
	txt_put(x, "&", 1);
	txt_put(x, p, n);
	if (semi)
		txt_put(x, ";", 1);
}

static int
txt_start(void *ctx, const char *tag, size_t n, struct attr *attrs,
    size_t na, int selfclose)
{
	struct txt *x = ctx;
	int num, indent;

	(void)attrs;
	(void)na;
	if (IN(rawtext_elements, tag, n))
		return !selfclose;
	if (IN(hidden_elements, tag, n)) {
		if (!selfclose)
			x->hidden++;
		return 0;
	}
	if (x->hidden)
		return 0;
	if (eq(tag, n, "br")) {
		/* One <br> breaks the line; two in a row, the paragraph. */
		txt_need(x, x->brs ? NEED_PARA : NEED_LINE);
		x->brs++;
	} else if (eq(tag, n, "ul") || eq(tag, n, "ol")) {
		/* A list is a paragraph; one inside an item goes on from the
		 * item's line. */
		txt_need(x, x->nlists ? NEED_LINE : NEED_PARA);
		if (x->nlists < TXT_LISTS)
			x->lists[x->nlists] = eq(tag, n, "ol");
		x->nlists++;
	} else if (eq(tag, n, "li")) {
		txt_need(x, NEED_LINE);
		num = x->nlists && x->nlists <= TXT_LISTS ?
		    x->lists[x->nlists - 1] : 0;
		/* Two spaces of indent per level of nesting, up to eight. */
		indent = x->nlists > 1 ? 2 * (x->nlists - 1) : 0;
		if (indent > 16)
			indent = 16;
		if (num > 0) {
			snprintf(x->prefix, sizeof(x->prefix), "%*s%d. ", indent,
			    "", num);
			if (num < 999999)
				x->lists[x->nlists - 1]++;
		} else
			snprintf(x->prefix, sizeof(x->prefix), "%*s- ", indent, "");
	} else if (eq(tag, n, "tr"))
		txt_need(x, NEED_LINE);
	else if (eq(tag, n, "td") || eq(tag, n, "th"))
		txt_need(x, NEED_SPACE);
	else if (IN(block_elements, tag, n)) {
		txt_need(x, NEED_PARA);
		if (eq(tag, n, "pre") && !selfclose)
			x->pre++;
	}
	return 0;
}

static void
txt_end(void *ctx, const char *tag, size_t n)
{
	struct txt *x = ctx;

	if (IN(hidden_elements, tag, n)) {
		if (x->hidden)
			x->hidden--;
		return;
	}
	if (x->hidden)
		return;
	if (eq(tag, n, "ul") || eq(tag, n, "ol")) {
		if (x->nlists)
			x->nlists--;
		txt_need(x, x->nlists ? NEED_LINE : NEED_PARA);
	} else if (eq(tag, n, "li") || eq(tag, n, "tr"))
		txt_need(x, NEED_LINE);
	else if (IN(block_elements, tag, n)) {
		txt_need(x, NEED_PARA);
		if (eq(tag, n, "pre") && x->pre)
			x->pre--;
	}
}

static void
txt_comment(void *ctx, const char *p, size_t n)
{
	(void)ctx;
	(void)p;
	(void)n;
}

static const struct tok_ops txt_ops = {
	txt_text, txt_charref, txt_entity, txt_start, txt_end, txt_comment,
};

char *
html_to_text(const char *html, size_t len)
{
	struct txt x;
	struct tok t;

	memset(&x, 0, sizeof(x));
	if (html)
		presize(&x.out, len);
	tok_init(&t, html, len, &txt_ops, &x);
	t.textmode = 1;
	tok_run(&t);
	tok_free(&t);
	return buf_detach(&x.out);
}

char *
html_sanitize_text(const char *html, size_t len, const char *base,
    char **text)
{
	struct txt x;
	char *out;
	int unsafe;

	memset(&x, 0, sizeof(x));
	presize(&x.out, len);
	out = sanitize(html, len, base, &x, &unsafe);
	if (unsafe) {
		buf_free(&x.out);
		*text = html_to_text(out, strlen(out));
	} else
		*text = buf_detach(&x.out);
	return out;
}

/*
 * Small helpers.
 */
char *
html_unescape(const char *s, size_t len)
{
	struct buf b = { 0 };
	size_t i = 0, a = 0, p, q;
	unsigned long cp;

	if (s == NULL)
		return xstrdup("");
	while (i < len) {
		if (s[i] != '&' || i + 1 >= len) {
			i++;
			continue;
		}
		p = i + 1;
		cp = 0;
		if (s[p] == '#') {
			q = ++p;
			if (q < len && (s[q] == 'x' || s[q] == 'X')) {
				for (q++; q < len && is_hex(s[q]); q++)
					;
				if (q > p + 1)
					cp = charref_value(s + p, q - p);
			} else {
				for (; q < len && is_digit(s[q]); q++)
					;
				if (q > p)
					cp = charref_value(s + p, q - p);
			}
		} else {
			size_t used;

			for (q = p; q < len && is_alnum(s[q]); q++)
				;
			if (q > p && q < len && s[q] == ';')
				cp = entity_lookup(s + p, q - p);
			if (cp == 0 && q > p &&
			    (cp = legacy_prefix(s + p, q - p, &used)) != 0)
				q = p + used;
		}
		if (cp == 0) {
			i++;
			continue;
		}
		put_raw(&b, s + a, i - a);
		if (cp != CP_NONE)
			buf_put_utf8(&b, cp);
		i = q < len && s[q] == ';' ? q + 1 : q;
		a = i;
	}
	put_raw(&b, s + a, len - a);
	return buf_detach(&b);
}

char *
html_escape(const char *s, size_t len, int quote)
{
	struct buf b = { 0 };
	size_t i, a = 0;
	const char *rep;

	for (i = 0; s != NULL && i < len; i++) {
		switch (s[i]) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = quote ? "&quot;" : NULL;
			break;
		default:
			rep = NULL;
		}
		if (rep == NULL)
			continue;
		put_raw(&b, s + a, i - a);
		buf_puts(&b, rep);
		a = i + 1;
	}
	if (s != NULL)
		put_raw(&b, s + a, len - a);
	return buf_detach(&b);
}

/*
 * feedparser's guess for RSS text that claims to be plain: HTML if it has
 * an end tag or a reference, every tag is one the sanitizer keeps, and
 * every named reference is an HTML 4 entity.
 */
int
html_looks_like_html(const char *s, size_t len)
{
	char name[33];
	size_t i, p, q, k;
	int evidence = 0;

	if (s == NULL)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '<') {
			p = i + 1;
			if (p < len && s[p] == '/')
				p++;
			for (q = p; q < len && is_word(s[q]); q++)
				;
			if (q == p)
				continue;
			/* Tag names compare in lower case. */
			if (q - p >= sizeof(name))
				return 0;
			for (k = 0; k < q - p; k++)
				name[k] = (char)lower(s[p + k]);
			if (!IN(ok_elements, name, q - p))
				return 0;
			if (p > i + 1 && q < len && s[q] == '>')
				evidence = 1;
		} else if (s[i] == '&') {
			p = i + 1;
			if (p < len && s[p] == '#') {
				for (q = p + 1; q < len &&
				    is_word(s[q]); q++)
					;
				if (q > p + 1 && q < len && s[q] == ';')
					evidence = 1;
				continue;
			}
			for (q = p; q < len && is_word(s[q]); q++)
				;
			if (q == p || q >= len || s[q] != ';')
				continue;
			evidence = 1;
			/* &apos; is not an HTML 4 entity. */
			if (eq(s + p, q - p, "apos") ||
			    !entity_lookup(s + p, q - p))
				return 0;
		}
	}
	return evidence;
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
