/*
 * What Tab offers in a session (repl.h, repl_complete).  Pure: the editor
 * glue in repl_edit.c turns the candidates into libedit's matches.
 */
#include "repl.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

/*
 * Values of string rows (OPT_STRING) that take words from a fixed set the
 * command checks itself (simulate's --state list, whose messages are its
 * own); a row with names (OPT_ENUM, OPT_NAMES, the registry's losses) and
 * a file row (OPT_PATH) are completed from the row itself.
 */
static const struct {
	const char *cmd;   /* NULL: any command with this option */
	const char *opt;
	const char *values;
	int list;          /* a comma list: complete after the last comma */
} option_values[] = {
	{"simulate", "state", "init early converged", 1},
};

void repl_completion_free(struct repl_completion *cm)
{
	for (size_t i = 0; i < cm->n; i++)
		free(cm->v[i]);
	free(cm->v);
	memset(cm, 0, sizeof *cm);
}

/* Add head + name when it starts with text (and is not there yet). */
static int offer(struct repl_completion *cm, const char *text, const char *head,
		 const char *name, size_t name_len)
{
	size_t hl = strlen(head), tl = strlen(text);
	char *cand = malloc(hl + name_len + 1);
	if (cand == NULL)
		return -1;
	memcpy(cand, head, hl);
	memcpy(cand + hl, name, name_len);
	cand[hl + name_len] = '\0';
	if (strncmp(cand, text, tl) != 0) {
		free(cand);
		return 0;
	}
	for (size_t i = 0; i < cm->n; i++) {
		if (strcmp(cm->v[i], cand) == 0) {
			free(cand);
			return 0;
		}
	}
	if (cm->n == cm->cap) {
		size_t nc = cm->cap ? 2 * cm->cap : 16;
		char **nv = realloc(cm->v, nc * sizeof *nv);
		if (nv == NULL) {
			free(cand);
			return -1;
		}
		cm->v = nv;
		cm->cap = nc;
	}
	cm->v[cm->n++] = cand;
	return 0;
}

static int offer_str(struct repl_completion *cm, const char *text, const char *name)
{
	return offer(cm, text, "", name, strlen(name));
}

/* Offer the space-separated words of values; for a list, after the last
 * comma of text, leaving out names the list has already. */
static int offer_values(struct repl_completion *cm, const char *text, const char *values,
			int list)
{
	char head[256] = "";
	const char *comma = list ? strrchr(text, ',') : NULL;
	if (comma) {
		size_t n = (size_t)(comma - text) + 1;
		if (n >= sizeof head)
			return 0;
		memcpy(head, text, n);
		head[n] = '\0';
	}
	for (const char *p = values; *p;) {
		const char *sp = strchr(p, ' ');
		size_t n = sp ? (size_t)(sp - p) : strlen(p);
		int dup = 0;
		if (comma) {
			/* already in the list? */
			for (const char *q = head; *q;) {
				const char *c = strchr(q, ',');
				size_t m = (size_t)(c - q);
				dup |= m == n && strncmp(q, p, n) == 0;
				q = c + 1;
			}
		}
		if (!dup && offer(cm, text, head, p, n) != 0)
			return -1;
		p += n + (sp != NULL);
	}
	return 0;
}

/* The commands, and the session's builtins (shell: the top-level flags). */
static int offer_commands(struct repl_completion *cm, const char *text, int shell)
{
	static const char *const flags[] = {"--help", "--version", NULL};
	const char *const *more = shell ? flags : repl_builtins;
	for (size_t i = 0; i < cli_ncommands; i++)
		if ((shell || strcmp(cli_commands[i].name, "repl") != 0) &&
		    offer_str(cm, text, cli_commands[i].name) != 0)
			return -1;
	for (size_t i = 0; more[i]; i++)
		if (offer_str(cm, text, more[i]) != 0)
			return -1;
	return 0;
}

static int offer_params(struct repl_completion *cm, const char *text)
{
	for (size_t i = 0; i < repl_nparams; i++)
		if (offer_str(cm, text, repl_params[i].row->name) != 0)
			return -1;
	return 0;
}

static int offer_options(struct repl_completion *cm, const char *text, const struct cmd *cmd)
{
	char buf[80];
	for (const struct opt *o = cmd->opts; o && o->name; o++) {
		if (o->name[0] == '\0')
			continue;
		snprintf(buf, sizeof buf, "%s%s", o->name[1] ? "--" : "-", o->name);
		if (offer_str(cm, text, buf) != 0)
			return -1;
	}
	return 0;
}

/* The figure names of the set: *.spec in the plots directory. */
static int offer_figures(struct repl_completion *cm, const char *text)
{
	char dir[CLI_DIRLEN];
	DIR *d = opendir(cli_plots_dir(dir, sizeof dir));
	if (d == NULL)
		return 0;
	struct dirent *e;
	int r = 0;
	while (r == 0 && (e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len > 5 && strcmp(e->d_name + len - 5, ".spec") == 0)
			r = offer(cm, text, "", e->d_name, len - 5);
	}
	closedir(d);
	return r;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The option named by word (a "--name" or "-n", without any "=value"). */
static const struct opt *option_of(const struct cmd *cmd, const char *word)
{
	const char *o;
	if (word[0] == '-' && word[1] == '-')
		o = word + 2;
	else if (word[0] == '-' && word[1] && word[1] != '-')
		o = word + 1;
	else
		return NULL;
	size_t len = strcspn(o, "=");
	for (const struct opt *p = cmd->opts; p && p->name; p++)
		if (p->name[0] && strlen(p->name) == len && strncmp(p->name, o, len) == 0)
			return p;
	return NULL;
}

/* The names row o offers, each followed by a space, into vals: how many.
 * A loss row's alias (fl@grad for fgl) is offered beside its name. */
static size_t row_words(const struct opt *o, char *vals, size_t cap)
{
	const char *names[OPT_MAX_NAMES];
	size_t n = opt_names(o, names, OPT_MAX_NAMES), used = 0;
	vals[0] = '\0';
	for (size_t k = 0; k < n && used < cap; k++) {
		const focal_loss_desc *d =
			o->losses ? focal_loss_find(names[k], strlen(names[k]), o->losses) : NULL;
		used += (size_t)snprintf(vals + used, cap - used, "%s %s%s", names[k],
					 d && d->alias ? d->alias : "", d && d->alias ? " " : "");
	}
	return n;
}

/* Values for the option opt of cmd; files = 1 for a file name. */
static int offer_option_values(struct repl_completion *cm, const char *text,
			       const struct cmd *cmd, const struct opt *opt)
{
	if (opt->type == OPT_PATH) {
		cm->files = 1;
		return 0;
	}
	char vals[1024];
	if (row_words(opt, vals, sizeof vals) > 0)
		return offer_values(cm, text, vals, opt->type == OPT_NAMES);
	for (size_t i = 0; i < sizeof option_values / sizeof option_values[0]; i++) {
		if (strcmp(option_values[i].opt, opt->name) != 0)
			continue;
		if (option_values[i].cmd && strcmp(option_values[i].cmd, cmd->name) != 0)
			continue;
		return offer_values(cm, text, option_values[i].values, option_values[i].list);
	}
	return 0;
}

static int complete_command(const char *name, int argc, char **argv, int attached,
			    const char *text, struct repl_completion *cm);

static int complete_words(const struct repl_session *s, int argc, char **argv, int attached,
			  const char *text, struct repl_completion *cm)
{
	int shell = s == NULL;
	if (argc > 0 && (shell || strcmp(argv[0], "focal") == 0)) {
		argc--;
		argv++;
	}
	if (argc == 0)
		return attached ? 0 : offer_commands(cm, text, shell);
	const char *name = argv[0];
	int nargs = argc - 1; /* complete words after the command */
	if (!strcmp(name, "help"))
		return nargs == 0 && !attached ? offer_commands(cm, text, shell) : 0;
	if (shell)
		return complete_command(name, argc, argv, attached, text, cm);
	if (!strcmp(name, "unset") || !strcmp(name, "show"))
		return attached ? 0 : offer_params(cm, text);
	if (!strcmp(name, "set")) {
		if (attached) {
			/* set NAME=VALUE: argv[argc-1] is "NAME=" */
			const char *w = argv[argc - 1];
			size_t n = strcspn(w, "=");
			for (size_t i = 0; i < repl_nparams; i++) {
				const struct repl_param *p = &repl_params[i];
				char vals[1024];
				if (strlen(p->row->name) == n && strncmp(p->row->name, w, n) == 0 &&
				    row_words(p->row, vals, sizeof vals) > 0)
					return offer_values(cm, text, vals, p->row->type == OPT_NAMES);
			}
			return 0;
		}
		if (nargs % 2 == 0)
			return offer_params(cm, text);
		const char *pn = argv[argc - 1];
		if (pn[0] == '-' && pn[1] == '-')
			pn += 2;
		for (size_t i = 0; i < repl_nparams; i++) {
			const struct repl_param *p = &repl_params[i];
			char vals[1024];
			if (strcmp(p->row->name, pn) == 0 && row_words(p->row, vals, sizeof vals) > 0)
				return offer_values(cm, text, vals, p->row->type == OPT_NAMES);
		}
		return 0;
	}
	if (!strcmp(name, "save")) {
		if (nargs == 0) {
			cm->files = 1;
			return 0;
		}
		name = "plot"; /* plot options may follow the file */
	}
	return complete_command(name, argc, argv, attached, text, cm);
}

/* The words after command name (argv[0], or save's file, stands for it):
 * its options, their values, figure names. */
static int complete_command(const char *name, int argc, char **argv, int attached,
			    const char *text, struct repl_completion *cm)
{
	int nargs = argc - 1;
	const struct cmd *cmd = cli_find(name);
	if (cmd == NULL || !strcmp(name, "repl"))
		return 0;
	/* "--format=" before the cursor: complete its value */
	if (attached) {
		const struct opt *o = option_of(cmd, argv[argc - 1]);
		return o && o->has_arg ? offer_option_values(cm, text, cmd, o) : 0;
	}
	/* after an option that takes a value (and is not written --opt=v) */
	if (nargs > 0) {
		const char *prev = argv[argc - 1];
		const struct opt *o = option_of(cmd, prev);
		if (o && o->has_arg && !strchr(prev, '='))
			return offer_option_values(cm, text, cmd, o);
	}
	if (text[0] == '-')
		return offer_options(cm, text, cmd);
	if (!strcmp(name, "plot")) {
		if (strchr(text, '/') || (text[0] == '.' && text[1] != '\0')) {
			cm->files = 1;
			return 0;
		}
		return offer_figures(cm, text);
	}
	/* A command without positional words: offer its options. */
	return offer_options(cm, text, cmd);
}

int repl_complete(const struct repl_session *s, const char *line, size_t start,
		  const char *text, struct repl_completion *out)
{
	struct repl_words w;
	size_t where;
	memset(out, 0, sizeof *out);
	if (repl_split(line, start, REPL_SPLIT_PARTIAL, &w, &where) != REPL_SPLIT_OK)
		return 0; /* junk before the cursor: nothing to offer */
	/* A word that runs up to the cursor is the one being completed
	 * (e.g. "--format=" when the editor splits at '='). */
	int attached = w.argc > 0 && w.at_end;
	int r = complete_words(s, w.argc, w.argv, attached, text, out);
	repl_words_free(&w);
	if (r != 0) {
		repl_completion_free(out);
		return -1;
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, cmp_str);
	return 0;
}
