/*
 * fig_markup.c - the text markup of figure labels.
 *
 * Syntax (also in README.md):
 *   x_t  x_{ab}   subscript of one character or a braced group
 *   x^2  x^{-1}   superscript, nestable up to FIG_SCRIPT_MAX levels
 *   {...}         grouping (no visible effect)
 *   \gamma ...    Greek letters and a few symbols; UTF-8 is accepted as is
 *   $...$         math mode: Latin letters and lowercase Greek italic
 *                 (but α ι ν ο υ, whose italics read as a i v o u),
 *                 '-' becomes the minus sign U+2212, and relations (= < >
 *                 \le ...) and binary operators (+ - \times ...) get
 *                 TeX-like spaces unless spaces are typed
 *   \rm{..} \mathrm{..} \text{..}  upright;  \it{..} \mathit{..} italic;
 *   \bf{..} \mathbf{..} bold
 *   \log \ln \exp \min \max \sin \cos \tanh \sgn  upright function names
 *   \\ \_ \^ \{ \} \$ \% \& \#   literal characters;  \, thin space
 * A command name ends at the first non-letter: write \gamma{}x for "γx".
 */
#include "fig_impl.h"

#include <string.h>

size_t fig_utf8_decode(const char *s, size_t avail, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	if (avail == 0)
		return 0;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	size_t len;
	uint32_t c, min;
	if ((u[0] & 0xE0) == 0xC0) {
		len = 2; c = u[0] & 0x1F; min = 0x80;
	} else if ((u[0] & 0xF0) == 0xE0) {
		len = 3; c = u[0] & 0x0F; min = 0x800;
	} else if ((u[0] & 0xF8) == 0xF0) {
		len = 4; c = u[0] & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (avail < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((u[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (u[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

size_t fig_utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* ------------------------------------------------------------- symbols */

struct sym {
	const char *name;
	uint32_t cp;
};

static const struct sym symbols[] = {
	{"alpha", 0x3B1}, {"beta", 0x3B2}, {"gamma", 0x3B3}, {"delta", 0x3B4},
	{"epsilon", 0x3B5}, {"varepsilon", 0x3B5}, {"zeta", 0x3B6},
	{"eta", 0x3B7}, {"theta", 0x3B8}, {"vartheta", 0x3D1},
	{"iota", 0x3B9}, {"kappa", 0x3BA}, {"lambda", 0x3BB}, {"mu", 0x3BC},
	{"nu", 0x3BD}, {"xi", 0x3BE}, {"omicron", 0x3BF}, {"pi", 0x3C0},
	{"varpi", 0x3D6}, {"rho", 0x3C1}, {"varrho", 0x3F1},
	{"sigma", 0x3C3}, {"varsigma", 0x3C2}, {"tau", 0x3C4},
	{"upsilon", 0x3C5}, {"phi", 0x3C6}, {"varphi", 0x3D5}, {"chi", 0x3C7},
	{"psi", 0x3C8}, {"omega", 0x3C9},
	{"Alpha", 0x391}, {"Beta", 0x392}, {"Gamma", 0x393}, {"Delta", 0x394},
	{"Epsilon", 0x395}, {"Zeta", 0x396}, {"Eta", 0x397}, {"Theta", 0x398},
	{"Iota", 0x399}, {"Kappa", 0x39A}, {"Lambda", 0x39B}, {"Mu", 0x39C},
	{"Nu", 0x39D}, {"Xi", 0x39E}, {"Omicron", 0x39F}, {"Pi", 0x3A0},
	{"Rho", 0x3A1}, {"Sigma", 0x3A3}, {"Tau", 0x3A4}, {"Upsilon", 0x3A5},
	{"Phi", 0x3A6}, {"Chi", 0x3A7}, {"Psi", 0x3A8}, {"Omega", 0x3A9},
	{"infty", 0x221E}, {"partial", 0x2202}, {"nabla", 0x2207},
	{"cdot", 0x22C5}, {"times", 0xD7}, {"pm", 0xB1}, {"mp", 0x2213},
	{"le", 0x2264}, {"leq", 0x2264}, {"ge", 0x2265}, {"geq", 0x2265},
	{"ne", 0x2260}, {"neq", 0x2260}, {"approx", 0x2248}, {"sim", 0x223C},
	{"propto", 0x221D}, {"to", 0x2192}, {"rightarrow", 0x2192},
	{"leftarrow", 0x2190}, {"sum", 0x2211}, {"prod", 0x220F},
	{"int", 0x222B}, {"sqrt", 0x221A}, {"minus", 0x2212}, {"ell", 0x2113},
	{"deg", 0xB0}, {"prime", 0x2032}, {"ldots", 0x2026}, {"dots", 0x2026},
	{"in", 0x2208}, {"langle", 0x27E8}, {"rangle", 0x27E9},
	{"mid", 0x2223}, {"emdash", 0x2014}, {"endash", 0x2013},
};

static const char *const functions[] = {
	"log", "ln", "exp", "min", "max", "sin", "cos", "tan", "tanh", "sgn",
	"arg", "lg", "erf", "det", "lim", "sup", "inf",
};

/* ---------------------------------------------------------------- parser */

typedef struct style {
	uint8_t depth;
	int8_t script[FIG_SCRIPT_MAX];
	uint8_t flags;      /* forced FIG_RUN_* */
	bool math;
	bool upright;       /* \rm inside math */
} style;

typedef struct parser {
	const char *s;
	size_t i, n;
	fig_markup *m;
	int err;
	uint32_t last;      /* last code point emitted, 0 at the start */
	const char *why;    /* what was wrong, for fig_markup_explain */
	size_t at;          /* and the byte offset where it was seen */
	size_t span;        /* bytes at 'at' to quote (an unknown command) */
} parser;

/* Record the first error: what was wrong, and where. */
static void bad(parser *p, const char *why)
{
	if (p->err)
		return;
	p->err = FIG_EMARKUP;
	p->why = why;
	p->at = p->i;
}

static bool same_style(const fig_run *r, const style *st, uint8_t flags)
{
	return r->depth == st->depth && r->flags == flags &&
	       memcmp(r->script, st->script, sizeof r->script) == 0;
}

static void emit_bytes(parser *p, const style *st, uint8_t flags,
		       const char *b, size_t len)
{
	fig_markup *m = p->m;
	if (p->err)
		return;
	if (m->nbuf + len + 1 > FIG_MARKUP_BYTES) {
		bad(p, "text too long to draw");
		return;
	}
	fig_run *last = m->n ? &m->run[m->n - 1] : NULL;
	if (!last || !same_style(last, st, flags) ||
	    (size_t)last->off + last->len != m->nbuf) {
		if (m->n == FIG_MARKUP_RUNS) {
			bad(p, "too many changes of style");
			return;
		}
		last = &m->run[m->n++];
		last->off = (uint16_t)m->nbuf;
		last->len = 0;
		last->depth = st->depth;
		memcpy(last->script, st->script, sizeof last->script);
		last->flags = flags;
	}
	memcpy(m->buf + m->nbuf, b, len);
	m->nbuf += len;
	m->buf[m->nbuf] = '\0';
	last->len = (uint16_t)(last->len + len);
}

static bool is_latin(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Math spacing, a small part of TeX's: relations get a thick space on both
 * sides, binary operators a medium one when they follow an operand (so
 * "-1" and "(-x" stay unary).  A side that already has a typed space, or
 * the end of the text, gets none. */
static bool is_relation(uint32_t c)
{
	return c == '=' || c == '<' || c == '>' || c == 0x2264 || c == 0x2265 ||
	       c == 0x2260 || c == 0x2248 || c == 0x223C || c == 0x221D ||
	       c == 0x2192 || c == 0x2190;
}

static bool is_binary(uint32_t c)
{
	return c == '+' || c == 0x2212 || c == 0xD7 || c == 0xB1 || c == 0x2213 ||
	       c == 0x22C5;
}

static bool is_operand(uint32_t c)
{
	return is_latin(c) || (c >= '0' && c <= '9') || c == ')' || c == ']' ||
	       c == '.' || (c >= 0x391 && c <= 0x3F5) || c == 0x221E ||
	       c == 0x2113 || c == 0x2032 || c == '|';
}

static void emit_raw(parser *p, const style *st, uint8_t flags, uint32_t cp)
{
	char b[4];
	size_t len = fig_utf8_encode(cp, b);
	emit_bytes(p, st, flags, b, len);
	p->last = cp;
}

/* Lowercase Greek letters whose italic, in the text italic of the serif
 * fonts focal uses (CMU Serif, Liberation Serif), reads as a Latin letter:
 * α as a, ι as i, ν as v, ο as o, υ as u.  Math sets them upright. */
static bool reads_latin_in_italic(uint32_t c)
{
	return c == 0x3B1 || c == 0x3B9 || c == 0x3BD || c == 0x3BF || c == 0x3C5;
}

static void emit_cp(parser *p, const style *st, uint32_t cp)
{
	uint8_t flags = st->flags;
	if (st->math && !st->upright && !reads_latin_in_italic(cp)) {
		if (is_latin(cp) || (cp >= 0x3B1 && cp <= 0x3C9) ||
		    cp == 0x3D1 || cp == 0x3D5 || cp == 0x3D6 || cp == 0x3F1)
			flags |= FIG_RUN_ITALIC;
	}
	if (st->math && cp == '-')
		cp = 0x2212;
	uint32_t space = 0;
	if (st->math && st->depth == 0) {
		if (is_relation(cp))
			space = 0x2004; /* three-per-em */
		else if (is_binary(cp) && is_operand(p->last))
			space = 0x2005; /* four-per-em */
	}
	int next = p->i < p->n ? (unsigned char)p->s[p->i] : -1;
	bool after = space && next >= 0 && next != ' ' && next != '$' && next != '}';
	if (space && p->last != 0 && p->last != ' ')
		emit_raw(p, st, 0, space);
	emit_raw(p, st, flags, cp);
	if (after)
		emit_raw(p, st, 0, space);
}

static void parse_seq(parser *p, style st, bool closing);

static int peek(const parser *p)
{
	return p->i < p->n ? (unsigned char)p->s[p->i] : -1;
}

/* A braced group after a style command; the '{' is next. */
static void parse_group(parser *p, style st)
{
	if (peek(p) != '{') {
		bad(p, "a style command needs a {group} after it");
		return;
	}
	p->i++;
	parse_seq(p, st, true);
}

static void parse_command(parser *p, style st)
{
	/* the backslash has been consumed */
	int c = peek(p);
	if (c < 0) {
		bad(p, "a backslash at the end (write \\\\ for a backslash)");
		return;
	}
	if (!is_latin((uint32_t)c)) {
		p->i++;
		switch (c) {
		case '\\': case '_': case '^': case '{': case '}': case '$':
		case '%': case '&': case '#': case '~':
			emit_cp(p, &st, (uint32_t)c);
			return;
		case ',':
			emit_cp(p, &st, 0x2009);
			return;
		case ';':
		case ' ':
			emit_cp(p, &st, ' ');
			return;
		default:
			p->i -= 2;
			bad(p, "unknown escape after a backslash");
			return;
		}
	}
	size_t start = p->i;
	while (p->i < p->n && is_latin((unsigned char)p->s[p->i]))
		p->i++;
	size_t len = p->i - start;
	const char *name = p->s + start;
#define IS(lit) (len == sizeof(lit) - 1 && memcmp(name, lit, len) == 0)
	if (IS("rm") || IS("mathrm") || IS("text")) {
		st.upright = true;
		st.flags &= (uint8_t)~FIG_RUN_ITALIC;
		parse_group(p, st);
		return;
	}
	if (IS("it") || IS("mathit")) {
		st.flags |= FIG_RUN_ITALIC;
		parse_group(p, st);
		return;
	}
	if (IS("bf") || IS("mathbf")) {
		st.flags |= FIG_RUN_BOLD;
		parse_group(p, st);
		return;
	}
#undef IS
	for (size_t k = 0; k < sizeof functions / sizeof *functions; k++) {
		if (strlen(functions[k]) == len &&
		    memcmp(functions[k], name, len) == 0) {
			style up = st;
			up.upright = true;
			for (size_t j = 0; j < len; j++)
				emit_cp(p, &up, (unsigned char)name[j]);
			return;
		}
	}
	for (size_t k = 0; k < sizeof symbols / sizeof *symbols; k++) {
		if (strlen(symbols[k].name) == len &&
		    memcmp(symbols[k].name, name, len) == 0) {
			emit_cp(p, &st, symbols[k].cp);
			return;
		}
	}
	p->i = start - 1;
	bad(p, "unknown command");
	p->span = len + 1;
}

/* One atom after _ or ^: a group, a command or one code point. */
static void parse_atom(parser *p, style st)
{
	int c = peek(p);
	if (c < 0 || c == '}' || c == '_' || c == '^' || c == '$') {
		bad(p, "a subscript or superscript needs something after _ or ^");
		return;
	}
	if (c == '{') {
		p->i++;
		parse_seq(p, st, true);
		return;
	}
	if (c == '\\') {
		p->i++;
		parse_command(p, st);
		return;
	}
	uint32_t cp;
	size_t len = fig_utf8_decode(p->s + p->i, p->n - p->i, &cp);
	if (len == 0) {
		bad(p, "bytes that are not UTF-8");
		return;
	}
	p->i += len;
	emit_cp(p, &st, cp);
}

static void parse_seq(parser *p, style st, bool closing)
{
	bool math_open = false;
	/* where the group's '{' and the last '$' are, for messages */
	size_t open_at = p->i ? p->i - 1 : 0, math_at = 0;
	while (!p->err) {
		int c = peek(p);
		if (c < 0) {
			p->i = math_open ? math_at : open_at;
			if (math_open)
				bad(p, "a '$' is not closed by '$'");
			else if (closing)
				bad(p, "a '{' is not closed by '}'");
			return;
		}
		if (c == '}') {
			if (!closing || math_open) {
				bad(p, math_open ? "a '}' inside $...$ that closes a group opened outside it"
						 : "a '}' without its '{'");
				return;
			}
			p->i++;
			return;
		}
		p->i++;
		if (c == '{') {
			parse_seq(p, st, true);
		} else if (c == '_' || c == '^') {
			if (st.depth >= FIG_SCRIPT_MAX) {
				bad(p, "scripts nested too deep");
				return;
			}
			style sub = st;
			sub.script[sub.depth++] = (int8_t)(c == '^' ? 1 : -1);
			parse_atom(p, sub);
		} else if (c == '$') {
			math_at = p->i - 1;
			st.math = !st.math;
			math_open = !math_open;
		} else if (c == '\\') {
			parse_command(p, st);
		} else {
			uint32_t cp;
			p->i--;
			size_t len = fig_utf8_decode(p->s + p->i, p->n - p->i, &cp);
			if (len == 0) {
				bad(p, "bytes that are not UTF-8");
				return;
			}
			p->i += len;
			emit_cp(p, &st, cp);
		}
	}
}

int fig_markup_parse(const char *src, int mode, fig_markup *out)
{
	out->nbuf = 0;
	out->n = 0;
	out->buf[0] = '\0';
	if (!src)
		return FIG_OK;
	parser p = {src, 0, strlen(src), out, FIG_OK, 0, NULL, 0, 0};
	style st;
	memset(&st, 0, sizeof st);
	parse_seq(&p, st, false);
	if (p.err == FIG_OK)
		return FIG_OK;
	out->nbuf = 0;
	out->n = 0;
	out->buf[0] = '\0';
	if (mode != FIG_MARKUP_LENIENT)
		return p.err;
	/* Literal fallback: the source as typed, cut at a code point
	 * boundary if too long, with invalid bytes replaced by '?'. */
	parser lit = {src, 0, p.n, out, FIG_OK, 0, NULL, 0, 0};
	memset(&st, 0, sizeof st);
	while (lit.i < lit.n && !lit.err) {
		uint32_t cp;
		size_t len = fig_utf8_decode(src + lit.i, lit.n - lit.i, &cp);
		if (len == 0) {
			cp = '?';
			len = 1;
		}
		if (out->nbuf + 4 + 1 > FIG_MARKUP_BYTES)
			break;
		lit.i += len;
		emit_cp(&lit, &st, cp);
	}
	return FIG_OK;
}

int fig_markup_check(const char *src)
{
	fig_markup m;
	return fig_markup_parse(src, FIG_MARKUP_STRICT, &m);
}

int fig_markup_explain(const char *src, char *msg, size_t cap)
{
	fig_markup m;
	m.nbuf = m.n = 0;
	m.buf[0] = '\0';
	if (cap > 0)
		msg[0] = '\0';
	if (!src)
		return FIG_OK;
	parser p = {src, 0, strlen(src), &m, FIG_OK, 0, NULL, 0, 0};
	style st;
	memset(&st, 0, sizeof st);
	parse_seq(&p, st, false);
	if (p.err == FIG_OK)
		return FIG_OK;
	/* the position in characters (code points), counted from 1 */
	size_t col = 1;
	for (size_t i = 0; i < p.at && i < p.n; i++)
		col += ((unsigned char)src[i] & 0xC0) != 0x80;
	if (cap > 0)
		snprintf(msg, cap, "%s%s%.*s%s at character %zu", p.why ? p.why : "malformed",
			 p.span ? " '" : "", (int)p.span, src + p.at, p.span ? "'," : ",", col);
	return p.err;
}

/* ---------------------------------------------------------- plain text */

struct cpmap {
	uint32_t from, to;
};

static const struct cpmap sup_map[] = {
	{'0', 0x2070}, {'1', 0xB9}, {'2', 0xB2}, {'3', 0xB3}, {'4', 0x2074},
	{'5', 0x2075}, {'6', 0x2076}, {'7', 0x2077}, {'8', 0x2078},
	{'9', 0x2079}, {'+', 0x207A}, {'-', 0x207B}, {0x2212, 0x207B},
	{'=', 0x207C}, {'(', 0x207D}, {')', 0x207E}, {'n', 0x207F},
	{'i', 0x2071}, {'a', 0x1D43}, {'b', 0x1D47}, {'c', 0x1D9C},
	{'d', 0x1D48}, {'e', 0x1D49}, {'f', 0x1DA0}, {'g', 0x1D4D},
	{'h', 0x2B0}, {'j', 0x2B2}, {'k', 0x1D4F}, {'l', 0x2E1},
	{'m', 0x1D50}, {'o', 0x1D52}, {'p', 0x1D56}, {'r', 0x2B3},
	{'s', 0x2E2}, {'t', 0x1D57}, {'u', 0x1D58}, {'v', 0x1D5B},
	{'w', 0x2B7}, {'x', 0x2E3}, {'y', 0x2B8}, {'z', 0x1DBB},
	{0x3B3, 0x1D5E}, {0x3B2, 0x1D5D}, {0x3B4, 0x1D5F}, {0x3C6, 0x1D60},
	{0x3C7, 0x1D61},
};

static const struct cpmap sub_map[] = {
	{'0', 0x2080}, {'1', 0x2081}, {'2', 0x2082}, {'3', 0x2083},
	{'4', 0x2084}, {'5', 0x2085}, {'6', 0x2086}, {'7', 0x2087},
	{'8', 0x2088}, {'9', 0x2089}, {'+', 0x208A}, {'-', 0x208B},
	{0x2212, 0x208B}, {'=', 0x208C}, {'(', 0x208D}, {')', 0x208E},
	{'a', 0x2090}, {'e', 0x2091}, {'o', 0x2092}, {'x', 0x2093},
	{'h', 0x2095}, {'k', 0x2096}, {'l', 0x2097}, {'m', 0x2098},
	{'n', 0x2099}, {'p', 0x209A}, {'s', 0x209B}, {'t', 0x209C},
	{'i', 0x1D62}, {'j', 0x2C7C}, {'r', 0x1D63}, {'u', 0x1D64},
	{'v', 0x1D65}, {0x3B2, 0x1D66}, {0x3B3, 0x1D67}, {0x3C1, 0x1D68},
	{0x3C6, 0x1D69}, {0x3C7, 0x1D6A},
};

static uint32_t map_cp(const struct cpmap *map, size_t n, uint32_t c)
{
	for (size_t i = 0; i < n; i++)
		if (map[i].from == c)
			return map[i].to;
	return 0;
}

typedef struct sink {
	char *buf;
	size_t cap, len, cps;
} sink;

static void put(sink *k, const char *b, size_t len)
{
	if (k->cap == 0 || k->len + len + 1 > k->cap)
		return;
	memcpy(k->buf + k->len, b, len);
	k->len += len;
	k->buf[k->len] = '\0';
	k->cps++;
}

static void put_cp(sink *k, uint32_t cp)
{
	char b[4];
	put(k, b, fig_utf8_encode(cp, b));
}

size_t fig_markup_plain(const fig_markup *m, char *buf, size_t cap)
{
	sink k = {buf, cap, 0, 0};
	if (cap)
		buf[0] = '\0';
	for (size_t r = 0; r < m->n; r++) {
		const fig_run *run = &m->run[r];
		const char *s = m->buf + run->off;
		size_t n = run->len;
		if (run->depth == 0) {
			for (size_t i = 0; i < n;) {
				uint32_t cp;
				size_t l = fig_utf8_decode(s + i, n - i, &cp);
				if (!l)
					break;
				put(&k, s + i, l);
				i += l;
			}
			continue;
		}
		bool sup = run->script[run->depth - 1] > 0;
		const struct cpmap *map = sup ? sup_map : sub_map;
		size_t nmap = sup ? sizeof sup_map / sizeof *sup_map
				  : sizeof sub_map / sizeof *sub_map;
		bool all = run->depth == 1;
		for (size_t i = 0; i < n && all;) {
			uint32_t cp;
			size_t l = fig_utf8_decode(s + i, n - i, &cp);
			if (!l || !map_cp(map, nmap, cp))
				all = false;
			i += l ? l : 1;
		}
		size_t ncp = 0;
		for (size_t i = 0; i < n;) {
			uint32_t cp;
			size_t l = fig_utf8_decode(s + i, n - i, &cp);
			if (!l)
				break;
			ncp++;
			i += l;
		}
		if (!all) {
			put_cp(&k, sup ? '^' : '_');
			if (ncp > 1)
				put_cp(&k, '{');
		}
		for (size_t i = 0; i < n;) {
			uint32_t cp;
			size_t l = fig_utf8_decode(s + i, n - i, &cp);
			if (!l)
				break;
			if (all)
				put_cp(&k, map_cp(map, nmap, cp));
			else
				put(&k, s + i, l);
			i += l;
		}
		if (!all && ncp > 1)
			put_cp(&k, '}');
	}
	return k.cps;
}

/* ------------------------------------------------------------- estimate */

/* Advance widths in em of a Times-like face, ASCII 32..126. */
static const double ascii_w[95] = {
	0.250, 0.333, 0.408, 0.500, 0.500, 0.833, 0.778, 0.180, /*  !"#$%&' */
	0.333, 0.333, 0.500, 0.564, 0.250, 0.333, 0.250, 0.278, /* ()*+,-./ */
	0.500, 0.500, 0.500, 0.500, 0.500, 0.500, 0.500, 0.500, /* 01234567 */
	0.500, 0.500, 0.278, 0.278, 0.564, 0.564, 0.564, 0.444, /* 89:;<=>? */
	0.921, 0.722, 0.667, 0.667, 0.722, 0.611, 0.556, 0.722, /* @ABCDEFG */
	0.722, 0.333, 0.389, 0.722, 0.611, 0.889, 0.722, 0.722, /* HIJKLMNO */
	0.556, 0.722, 0.667, 0.556, 0.611, 0.722, 0.722, 0.944, /* PQRSTUVW */
	0.722, 0.722, 0.611, 0.333, 0.278, 0.333, 0.469, 0.500, /* XYZ[\]^_ */
	0.333, 0.444, 0.500, 0.444, 0.500, 0.444, 0.333, 0.500, /* `abcdefg */
	0.500, 0.278, 0.278, 0.500, 0.278, 0.778, 0.500, 0.500, /* hijklmno */
	0.500, 0.500, 0.333, 0.389, 0.278, 0.500, 0.500, 0.722, /* pqrstuvw */
	0.500, 0.500, 0.444, 0.480, 0.200, 0.480, 0.541,        /* xyz{|}~ */
};

static double cp_width(uint32_t cp)
{
	if (cp >= 32 && cp < 127)
		return ascii_w[cp - 32];
	if (cp >= 0x370 && cp < 0x400)
		return 0.55;
	if (cp == 0x2009)
		return 0.17;
	if (cp == 0x2004)
		return 0.333;
	if (cp == 0x2005)
		return 0.25;
	if (cp == 0x2212 || cp == 0xD7 || cp == 0xB1 || (cp >= 0x2260 && cp <= 0x2265))
		return 0.564;
	return 0.6;
}

void fig_markup_estimate(const fig_markup *m, double *w_em, double *h_em)
{
	double w = 0;
	bool sup = false, sub = false;
	for (size_t r = 0; r < m->n; r++) {
		const fig_run *run = &m->run[r];
		double scale = 1;
		for (int d = 0; d < run->depth; d++) {
			scale *= 0.7;
			if (run->script[d] > 0)
				sup = true;
			else
				sub = true;
		}
		const char *s = m->buf + run->off;
		for (size_t i = 0; i < run->len;) {
			uint32_t cp;
			size_t l = fig_utf8_decode(s + i, run->len - i, &cp);
			if (!l)
				break;
			w += cp_width(cp) * scale;
			i += l;
		}
		if (run->flags & FIG_RUN_ITALIC)
			w += 0.02 * scale;
	}
	*w_em = w;
	*h_em = 1.15 + (sup ? 0.1 : 0) + (sub ? 0.1 : 0);
}
