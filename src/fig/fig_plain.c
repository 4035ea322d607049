/*
 * fig_plain.c - markup as plain text for a character grid: Unicode
 * sub- and superscript characters where every character of a script has
 * one (pₜ, 10⁻¹²), else `_t` and `^{..}`; or pure ASCII for a terminal
 * whose locale is not UTF-8 (fig_markup_text, fig_impl.h).
 */
#include "fig_impl.h"

#include <string.h>

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

/* ASCII for one code point: itself below 0x80, a few symbols by their
 * usual ASCII spelling, letters and symbols by their markup name (γ ->
 * "gamma"), anything else "?". */
static const char *ascii_of(uint32_t cp, char one[2])
{
	static const struct {
		uint32_t cp;
		const char *s;
	} spell[] = {{0x2212, "-"}, {0xD7, "x"}, {0x22C5, "*"}, {0x2264, "<="},
		     {0x2265, ">="}, {0x2260, "!="}, {0x2248, "~"}, {0x2192, "->"},
		     {0x2190, "<-"}, {0x2014, "--"}, {0x2013, "-"}, {0xB1, "+-"},
		     {0x2213, "-+"}, {0x2026, "..."}, {0x2032, "'"}, {0x2223, "|"}};
	if (cp < 0x80) {
		one[0] = (char)cp;
		one[1] = '\0';
		return one;
	}
	for (size_t i = 0; i < sizeof spell / sizeof *spell; i++)
		if (spell[i].cp == cp)
			return spell[i].s;
	const char *name = fig_markup_symbol_name(cp);
	return name ? name : "?";
}

/* Put the code point cp of a run: as itself, or in ASCII. */
static void put_run_cp(sink *k, const char *s, size_t l, uint32_t cp, bool ascii)
{
	if (!ascii) {
		put(k, s, l);
		return;
	}
	char one[2];
	for (const char *a = ascii_of(cp, one); *a; a++)
		put(k, a, 1);
}

/* The width of a run's text in cells, as put_run_cp writes it. */
static size_t run_width(const char *s, size_t n, bool ascii)
{
	size_t w = 0;
	char one[2];
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t l = fig_utf8_decode(s + i, n - i, &cp);
		if (!l)
			break;
		w += ascii ? strlen(ascii_of(cp, one)) : 1;
		i += l;
	}
	return w;
}

size_t fig_markup_text(const fig_markup *m, bool ascii, char *buf, size_t cap)
{
	sink k = {buf, cap, 0, 0};
	if (cap)
		buf[0] = '\0';
	for (size_t r = 0; r < m->n; r++) {
		const fig_run *run = &m->run[r];
		const char *s = m->buf + run->off;
		size_t n = run->len;
		bool sup = run->depth > 0 && run->script[run->depth - 1] > 0;
		const struct cpmap *map = sup ? sup_map : sub_map;
		size_t nmap = sup ? sizeof sup_map / sizeof *sup_map
				  : sizeof sub_map / sizeof *sub_map;
		/* Unicode sub/superscripts when every character has one */
		bool all = run->depth == 1 && !ascii;
		for (size_t i = 0; i < n && all;) {
			uint32_t cp;
			size_t l = fig_utf8_decode(s + i, n - i, &cp);
			if (!l || !map_cp(map, nmap, cp))
				all = false;
			i += l ? l : 1;
		}
		bool braces = run->depth > 0 && !all && run_width(s, n, ascii) > 1;
		if (run->depth > 0 && !all)
			put_cp(&k, sup ? '^' : '_');
		if (braces)
			put_cp(&k, '{');
		for (size_t i = 0; i < n;) {
			uint32_t cp;
			size_t l = fig_utf8_decode(s + i, n - i, &cp);
			if (!l)
				break;
			if (all)
				put_cp(&k, map_cp(map, nmap, cp));
			else
				put_run_cp(&k, s + i, l, cp, ascii);
			i += l;
		}
		if (braces)
			put_cp(&k, '}');
	}
	return k.cps;
}

size_t fig_markup_plain(const fig_markup *m, char *buf, size_t cap)
{
	return fig_markup_text(m, false, buf, cap);
}


size_t fig_text_plain(const char *src, bool ascii, char *buf, size_t cap)
{
	fig_markup m;
	if (fig_markup_parse(src, FIG_MARKUP_STRICT, &m) != FIG_OK) {
		if (cap)
			buf[0] = '\0';
		return 0;
	}
	return fig_markup_text(&m, ascii, buf, cap);
}
