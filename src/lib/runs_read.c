/*
 * Reading a log: the bytes, JSON lines made strict (bare NaN, Infinity
 * and -Infinity become strings the number getter reads), the format told
 * from the content, and focal's own per-run rows (focal/runs.h).
 */
#include "runs_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "focal/registry.h"
#include "io_internal.h"

/* ---- records ---------------------------------------------------------------- */

/* Where records go as they are read: put takes the record (it drops it
 * when done, or on failure). */
struct sink {
	int (*put)(struct sink *k, json_t *o, size_t line);
};

/* Records of one log with the line each came from: a real log's, read in
 * several passes (focal's rows are handled one at a time instead, so that
 * a large sweep's rows are never all in memory as objects). */
struct recs {
	struct sink k;
	json_t **v;
	size_t *line;
	size_t n, cap;
};

static void recs_free(struct recs *r)
{
	for (size_t i = 0; i < r->n; i++)
		json_decref(r->v[i]);
	free(r->v);
	free(r->line);
	memset(r, 0, sizeof *r);
}

static int recs_put(struct sink *k, json_t *o, size_t line)
{
	struct recs *r = (struct recs *)k;
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 256;
		json_t **v = realloc(r->v, cap * sizeof *v);
		if (v == NULL)
			return FOCAL_ENOMEM;
		r->v = v;
		size_t *l = realloc(r->line, cap * sizeof *l);
		if (l == NULL)
			return FOCAL_ENOMEM;
		r->line = l;
		r->cap = cap;
	}
	r->v[r->n] = o;
	r->line[r->n++] = line;
	return FOCAL_OK;
}

/* recs_put, dropping the record when it cannot be kept. */
static int recs_add(struct sink *k, json_t *o, size_t line)
{
	int st = recs_put(k, o, line);
	if (st != FOCAL_OK)
		json_decref(o);
	return st;
}

/* A bare token of a lenient writer (Python's json) outside strings, as
 * the string the number getter reads. */
static const struct {
	const char *bare, *as;
} lenient[] = {{"-Infinity", "\"-inf\""}, {"Infinity", "\"inf\""}, {"NaN", "\"nan\""}};

/* s[0..n) made strict into out (room for 2n + 1 bytes). */
static void strict_line(const char *s, size_t n, char *out)
{
	int in_str = 0;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (in_str) {
			if (s[i] == '\\' && i + 1 < n)
				out[k++] = s[i++];
			else if (s[i] == '"')
				in_str = 0;
			out[k++] = s[i];
			continue;
		}
		int done = 0;
		for (size_t j = 0; j < 3 && !done; j++) {
			size_t len = strlen(lenient[j].bare);
			if (n - i >= len && memcmp(s + i, lenient[j].bare, len) == 0) {
				size_t al = strlen(lenient[j].as);
				memcpy(out + k, lenient[j].as, al);
				k += al;
				i += len - 1;
				done = 1;
			}
		}
		if (!done) {
			in_str = s[i] == '"';
			out[k++] = s[i];
		}
	}
	out[k] = '\0';
}

/* JSON lines into records; blank lines skipped; every line an object. */
static int json_lines(const char *name, const char *data, size_t len, struct sink *r,
		      focal_ioerr *err)
{
	size_t line = 0, pos = 0;
	char *buf = NULL;
	size_t bcap = 0;
	int st = FOCAL_OK;
	while (pos < len && st == FOCAL_OK) {
		const char *s = data + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		pos += n + (nl != NULL);
		line++;
		size_t b = 0;
		while (b < n && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r'))
			b++;
		if (b == n)
			continue;
		if (2 * n + 1 > bcap) {
			char *nb = realloc(buf, 2 * n + 1);
			if (nb == NULL) {
				st = FOCAL_ENOMEM;
				break;
			}
			buf = nb;
			bcap = 2 * n + 1;
		}
		strict_line(s, n, buf);
		json_error_t je;
		json_t *o = json_loads(buf, 0, &je);
		if (o == NULL || !json_is_object(o)) {
			json_decref(o);
			st = focal__ioerr(err, FOCAL_EFORMAT, "%s:%zu: %s", name, line,
					  o ? "not a JSON object" : je.text);
			break;
		}
		st = r->put(r, o, line);
	}
	free(buf);
	return st;
}

/* A JSON array of objects (focal's --format json) into records. */
static int read_array(const char *name, const char *data, size_t len, struct sink *r,
		      focal_ioerr *err)
{
	json_error_t je;
	json_t *a = json_loadb(data, len, 0, &je);
	if (a == NULL || !json_is_array(a)) {
		json_decref(a);
		return focal__ioerr(err, FOCAL_EFORMAT, "%s:%d: %s", name, a ? 1 : je.line,
				    a ? "not a JSON array" : je.text);
	}
	int st = FOCAL_OK;
	for (size_t i = 0; i < json_array_size(a) && st == FOCAL_OK; i++) {
		json_t *o = json_array_get(a, i);
		if (!json_is_object(o)) {
			st = focal__ioerr(err, FOCAL_EFORMAT, "%s: element %zu is not an object", name, i + 1);
			break;
		}
		json_incref(o);
		st = r->put(r, o, i + 2);
	}
	json_decref(a);
	return st;
}

/* One text row split at delim into an object of strings under cols. */
static int text_row(const char *s, size_t n, char delim, json_t *cols, json_t **out)
{
	json_t *o = json_object();
	if (o == NULL)
		return FOCAL_ENOMEM;
	size_t c = 0, i = 0;
	while (i <= n) {
		size_t j = i;
		while (j < n && s[j] != delim)
			j++;
		size_t e = j;
		if (e > i && s[e - 1] == '\r')
			e--;
		if (c >= json_array_size(cols)) {
			json_decref(o);
			return FOCAL_EFORMAT;
		}
		json_t *v = json_stringn(s + i, e - i);
		if (v == NULL || json_object_set_new(o, json_string_value(json_array_get(cols, c)), v)) {
			json_decref(o);
			return FOCAL_EFORMAT; /* not UTF-8 */
		}
		c++;
		i = j + 1;
	}
	if (c != json_array_size(cols)) {
		json_decref(o);
		return FOCAL_EFORMAT;
	}
	*out = o;
	return FOCAL_OK;
}

/* TSV or CSV (the header decides: a tab makes it TSV) into records. */
static int text_rows(const char *name, const char *data, size_t len, struct sink *r,
		     focal_ioerr *err)
{
	json_t *cols = NULL;
	char delim = '\t';
	size_t line = 0, pos = 0;
	int st = FOCAL_OK;
	while (pos < len && st == FOCAL_OK) {
		const char *s = data + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		pos += n + (nl != NULL);
		line++;
		if (n == 0 || (n == 1 && s[0] == '\r'))
			continue;
		if (cols == NULL) {
			delim = memchr(s, '\t', n) ? '\t' : ',';
			cols = json_array();
			if (!cols) {
				st = FOCAL_ENOMEM;
				break;
			}
			json_t *row = NULL;
			for (size_t i = 0; i <= n;) {
				size_t j = i;
				while (j < n && s[j] != delim)
					j++;
				size_t e = j > i && s[j - 1] == '\r' ? j - 1 : j;
				json_array_append_new(cols, json_stringn(s + i, e - i));
				i = j + 1;
			}
			/* every name a UTF-8 string, and no name twice */
			if (text_row(s, n, delim, cols, &row) != FOCAL_OK ||
			    json_object_size(row) != json_array_size(cols)) {
				json_decref(row);
				st = focal__ioerr(err, FOCAL_EFORMAT, "%s:%zu: a bad header", name, line);
				break;
			}
			json_decref(row);
			continue;
		}
		json_t *o;
		if (text_row(s, n, delim, cols, &o) != FOCAL_OK) {
			st = focal__ioerr(err, FOCAL_EFORMAT, "%s:%zu: expected %zu cells", name, line,
					  json_array_size(cols));
			break;
		}
		st = r->put(r, o, line);
	}
	json_decref(cols);
	return st;
}

/* ---- focal's own rows ------------------------------------------------------ */

/* The field of focal_train_run each measure column fills. */
static const struct {
	int col;
	size_t off;
} measure_cols[] = {
	{FOCAL_RUNS_C_AP, offsetof(focal_train_run, ap)},
	{FOCAL_RUNS_C_NOISE, offsetof(focal_train_run, noise)},
	{FOCAL_RUNS_C_LOSS_NOISE, offsetof(focal_train_run, loss_noise)},
	{FOCAL_RUNS_C_FL_NOISE, offsetof(focal_train_run, fl_noise)},
	{FOCAL_RUNS_C_FINAL_LOSS, offsetof(focal_train_run, final_loss)},
	{FOCAL_RUNS_C_ECE, offsetof(focal_train_run, ece)},
	{FOCAL_RUNS_C_ECE_TOP, offsetof(focal_train_run, ece_top)},
	{FOCAL_RUNS_C_TEMPERATURE, offsetof(focal_train_run, temperature)},
	{FOCAL_RUNS_C_ECE_TOP_TS, offsetof(focal_train_run, ece_top_ts)},
};

/* A run as read so far, with nothing given. */
static void build_init(struct focal__runbuild *b)
{
	memset(b, 0, sizeof *b);
	focal_train_run *r = &b->log.run;
	*r = (focal_train_run){.lr = NAN, .ap = NAN, .val_ap = NAN, .noise = NAN,
			       .loss_noise = NAN, .fl_noise = NAN, .final_loss = NAN, .ece = NAN,
			       .ece_top = NAN, .temperature = NAN, .ece_top_ts = NAN,
			       .diverged_step = -1};
	for (int k = 0; k < FOCAL_TRAIN_REL_BINS; k++)
		r->rel_p[k] = r->rel_y[k] = NAN;
	b->log.tuned = -1;
}

/* The identity of a row: its columns, else the caller's. */
struct ident {
	focal_loss_id loss;
	double gamma, alpha;
	uint64_t seed;
};

static int row_ident(const json_t *o, const focal_runs_id *id, struct ident *w, char *why,
		     size_t cap)
{
	const json_t *ls = json_object_get(o, "loss");
	w->loss = id->loss;
	if (ls && json_is_string(ls)) {
		const focal_loss_desc *d = focal_loss_find(json_string_value(ls),
							   strlen(json_string_value(ls)),
							   FOCAL_HAS_TRAIN | FOCAL_TAKES_WEIGHT);
		if (d == NULL) {
			snprintf(why, cap, "'%.40s' is not a training loss", json_string_value(ls));
			return -1;
		}
		w->loss = d->id;
	}
	double v;
	w->gamma = focal__rec_num(o, "gamma", &v) == 1 ? v : id->gamma;
	/* alpha "none" (null) is no α, not "not given" */
	w->alpha = json_object_get(o, "alpha") == NULL ? id->alpha
		 : focal__rec_num(o, "alpha", &v) == 1 ? v : NAN;
	int hs = focal__rec_num(o, "seed", &v);
	if (hs == 1 && !(v >= 0.0 && v <= FOCAL_TRAIN_MAX_SEED && v == floor(v))) {
		snprintf(why, cap, "a bad seed");
		return -1;
	}
	w->seed = hs == 1 ? (uint64_t)v : id->seed;
	if (w->loss == FOCAL_NLOSS || (hs != 1 && !id->have_seed)) {
		snprintf(why, cap, "no %s", w->loss == FOCAL_NLOSS ? "loss" : "seed");
		return -1;
	}
	return 0;
}

struct builds {
	struct focal__runbuild *v;
	size_t n, cap, last;
};

/* The run of identity w (new when not yet seen). */
static struct focal__runbuild *build_of(struct builds *bs, const struct ident *w,
					const char *label)
{
	for (size_t t = 0; t <= bs->n; t++) {
		size_t i = (bs->last + t) % (bs->n ? bs->n : 1);
		if (bs->n == 0)
			break;
		const focal_runs_log *g = &bs->v[i].log;
		if (g->loss == w->loss && g->run.seed == w->seed &&
		    (g->gamma == w->gamma || (isnan(g->gamma) && isnan(w->gamma))) &&
		    (g->alpha == w->alpha || (isnan(g->alpha) && isnan(w->alpha)))) {
			bs->last = i;
			return &bs->v[i];
		}
	}
	if (bs->n == bs->cap) {
		size_t cap = bs->cap ? 2 * bs->cap : 8;
		struct focal__runbuild *v = realloc(bs->v, cap * sizeof *v);
		if (v == NULL)
			return NULL;
		bs->v = v;
		bs->cap = cap;
	}
	struct focal__runbuild *b = &bs->v[bs->n];
	build_init(b);
	b->log.loss = w->loss;
	b->log.gamma = w->gamma;
	b->log.alpha = w->alpha;
	b->log.run.seed = w->seed;
	b->log.format = FOCAL_RUNS_OWN;
	snprintf(b->log.label, sizeof b->log.label, "%s", label);
	bs->last = bs->n++;
	return b;
}

/* One row's points and measures into its run. */
static int own_row(struct focal__runbuild *b, const json_t *o, const focal_runs_id *id,
		   double step, char *why, size_t cap)
{
	double v;
	const char *mkey = id->metric ? id->metric : "val_ap";
	const char *lkey = id->loss_key ? id->loss_key : "loss_value";
	double scale = isnan(id->scale) ? 1.0 : id->scale;
	int st = FOCAL_OK;
	if (focal__rec_num(o, lkey, &v) == 1)
		st |= focal__curve_add(&b->loss, step, v);
	if (focal__rec_num(o, mkey, &v) == 1) {
		st |= focal__curve_add(&b->ap, step, v * scale);
		b->given |= 1u << FOCAL_RUNS_C_VAL_AP;
		b->log.run.val_ap = v * scale;
	}
	for (size_t k = 0; k < sizeof measure_cols / sizeof measure_cols[0]; k++) {
		int c = measure_cols[k].col, g = focal__rec_num(o, focal_runs_columns[c], &v);
		if (g == 1) {
			*(double *)(void *)((char *)&b->log.run + measure_cols[k].off) = v;
			b->given |= 1u << c;
		} else if (g < 0) {
			snprintf(why, cap, "%s is not a number", focal_runs_columns[c]);
			return -1;
		}
	}
	if (json_object_get(o, "diverged_step")) {
		b->given |= 1u << FOCAL_RUNS_C_DIVERGED_STEP;
		if (focal__rec_num(o, "diverged_step", &v) == 1)
			b->log.run.diverged_step = (long)v;
	}
	if (focal__rec_num(o, "lr", &v) == 1)
		b->log.run.lr = v;
	if (focal__rec_num(o, "tuned", &v) == 1)
		b->log.tuned = v != 0.0;
	return st == FOCAL_OK ? 0 : -2;
}

/* focal's rows, one record at a time. */
struct own {
	struct sink k;
	struct builds bs;
	const focal_runs_id *id;
	const char *name;
	focal_ioerr *err;
	size_t nrec;
};

static int own_put(struct sink *k, json_t *o, size_t line)
{
	struct own *w = (struct own *)k;
	const focal_runs_id *id = w->id;
	struct ident who;
	double step;
	char why[96];
	int st = FOCAL_OK;
	const json_t *lab = json_object_get(o, "run");
	w->nrec++;
	if (row_ident(o, id, &who, why, sizeof why) != 0 ||
	    (focal__rec_num(o, "step", &step) != 1 && snprintf(why, sizeof why, "no step")) ||
	    (!(step >= 0.0) && snprintf(why, sizeof why, "a bad step"))) {
		st = focal__ioerr(w->err, FOCAL_EFORMAT, "%s:%zu: %s", w->name, line, why);
	} else {
		struct focal__runbuild *b = build_of(&w->bs, &who, lab && json_is_string(lab) ?
						     json_string_value(lab) : (id->label ? id->label : w->name));
		int rc = b ? own_row(b, o, id, step, why, sizeof why) : -2;
		if (rc == -2)
			st = FOCAL_ENOMEM;
		else if (rc < 0)
			st = focal__ioerr(w->err, FOCAL_EFORMAT, "%s:%zu: %s", w->name, line, why);
	}
	json_decref(o);
	return st;
}

/* The runs read into s (st: how reading went; on failure s keeps the runs
 * it had). */
static int own_finish(focal_runs_set *s, struct own *w, int st)
{
	struct builds *bs = &w->bs;
	const focal_runs_id *id = w->id;
	size_t n0 = s->n;
	for (size_t i = 0; i < bs->n; i++) {
		focal_runs_log g;
		if (st == FOCAL_OK && bs->v[i].ap.n == 0 && !((bs->v[i].given >> FOCAL_RUNS_C_AP) & 1u))
			st = focal__ioerr(w->err, FOCAL_EFORMAT, "%s: run %s has no %s and no ap", w->name,
					  bs->v[i].log.label, id->metric ? id->metric : "val_ap");
		if (st == FOCAL_OK && (st = focal__run_finish(&bs->v[i], &g)) == FOCAL_OK &&
		    (st = focal__runs_push(s, &g)) != FOCAL_OK) {
			free(g.ap);
			free(g.loss_curve);
		}
		focal__curve_free(&bs->v[i].ap);
		focal__curve_free(&bs->v[i].loss);
	}
	if (st != FOCAL_OK) {
		while (s->n > n0) {
			s->n--;
			free(s->v[s->n].ap);
			free(s->v[s->n].loss_curve);
		}
	}
	free(bs->v);
	return st;
}

/* ---- a log ------------------------------------------------------------------ */

static int is_own_record(const json_t *o)
{
	return json_is_string(json_object_get(o, "loss")) && json_object_get(o, "seed") &&
	       json_object_get(o, "step");
}

/* Is the first line of JSON lines one of focal's rows? */
static int first_is_own(const char *d, size_t len)
{
	const char *nl = memchr(d, '\n', len);
	size_t n = nl ? (size_t)(nl - d) : len;
	char *buf = malloc(2 * n + 1);
	if (buf == NULL)
		return 0;
	strict_line(d, n, buf);
	json_t *o = json_loads(buf, 0, NULL);
	int own = o && is_own_record(o);
	json_decref(o);
	free(buf);
	return own;
}

static int real_format(focal_runs_set *s, const char *name, const struct recs *r, int format,
		       const focal_runs_id *id, focal_ioerr *err)
{
	struct focal__runbuild b;
	build_init(&b);
	b.log.format = format;
	int st = focal__runs_real((const json_t *const *)r->v, r->line, r->n, format, id, name, &b,
				  err);
	focal_runs_log g;
	if (st == FOCAL_OK && (st = focal__run_finish(&b, &g)) == FOCAL_OK &&
	    (st = focal__runs_push(s, &g)) != FOCAL_OK) {
		free(g.ap);
		free(g.loss_curve);
	}
	focal__curve_free(&b.ap);
	focal__curve_free(&b.loss);
	return st;
}

int focal_runs_parse(focal_runs_set *s, const char *name, const void *data, size_t len,
		     int format, const focal_runs_id *id, focal_ioerr *err)
{
	focal_runs_id def;
	if (id == NULL) {
		focal_runs_id_default(&def);
		id = &def;
	}
	if (format < 0 || format >= FOCAL_RUNS_NFORMAT || (data == NULL && len > 0))
		return focal__ioerr(err, FOCAL_EDOM, "%s: bad arguments", name);
	if (len > FOCAL_RUNS_MAX_BYTES)
		return focal__ioerr(err, FOCAL_ELIMIT, "%s: over %zu bytes", name, FOCAL_RUNS_MAX_BYTES);
	const char *d = data ? data : "";
	size_t b = 0;
	while (b < len && strchr(" \t\r\n", d[b]))
		b++;
	/* focal's rows: text, a JSON array, or JSON lines whose first record
	 * is one of them (or the caller says so) */
	int own = format == FOCAL_RUNS_OWN ||
		  (format == FOCAL_RUNS_AUTO && (b == len || d[b] != '{' || first_is_own(d + b, len - b)));
	struct own w = {.k = {own_put}, .id = id, .name = name, .err = err};
	struct recs r = {.k = {recs_add}};
	struct sink *k = own ? &w.k : &r.k;
	int st;
	if (b < len && d[b] == '[')
		st = read_array(name, d, len, k, err);
	else if (b < len && d[b] == '{')
		st = json_lines(name, d, len, k, err);
	else
		st = text_rows(name, d, len, k, err);
	if (st == FOCAL_OK && (own ? w.nrec : r.n) == 0)
		st = focal__ioerr(err, FOCAL_EFORMAT, "%s: no records", name);
	if (own) {
		recs_free(&r);
		return own_finish(s, &w, st);
	}
	if (st == FOCAL_OK && format == FOCAL_RUNS_AUTO)
		format = focal__runs_detect((const json_t *const *)r.v, r.n);
	if (st == FOCAL_OK && format == 0)
		st = focal__ioerr(err, FOCAL_EFORMAT, "%s: not a log focal knows (focal rows, "
				  "detectron2, mmdet2 or mmdet3)", name);
	if (st == FOCAL_OK)
		st = real_format(s, name, &r, format, id, err);
	recs_free(&r);
	return st;
}

int focal_runs_read(focal_runs_set *s, const char *path, int format, const focal_runs_id *id,
		    focal_ioerr *err)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return focal__ioerr(err, FOCAL_EIO, "cannot read '%s': %s", path, strerror(errno));
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int st = FOCAL_OK;
	for (;;) {
		if (len == cap) {
			if (cap > FOCAL_RUNS_MAX_BYTES) {
				st = focal__ioerr(err, FOCAL_ELIMIT, "%s: over %zu bytes", path,
						  FOCAL_RUNS_MAX_BYTES);
				break;
			}
			cap = cap ? 2 * cap : 65536;
			char *nb = realloc(buf, cap);
			if (nb == NULL) {
				st = FOCAL_ENOMEM;
				break;
			}
			buf = nb;
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (st == FOCAL_OK && ferror(f))
		st = focal__ioerr(err, FOCAL_EIO, "cannot read '%s': %s", path, strerror(errno));
	fclose(f);
	if (st == FOCAL_OK)
		st = focal_runs_parse(s, path, buf, len, format, id, err);
	free(buf);
	return st;
}
