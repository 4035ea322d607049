/*
 * What made a figure file (fig_render_opts.source): focal's version, the
 * command line, the spec and the commands that print the figure's numbers,
 * for the metadata of every figure file (docs/figures.md, "Provenance").
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "figpool.h"

/* Append s to the growing string *b (length *n); -1 when out of memory. */
static int append(char **b, size_t *n, const char *s, size_t len)
{
	char *nb = realloc(*b, *n + len + 1);
	if (nb == NULL)
		return -1;
	memcpy(nb + *n, s, len);
	*n += len;
	nb[*n] = '\0';
	*b = nb;
	return 0;
}

/* A word as the shell reads it back: as it is when it is plain, else in
 * single quotes ('\'' for a quote inside). */
static int append_word(char **b, size_t *n, const char *w)
{
	if (*w && strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			    "0123456789-_=.,/:+@%") == strlen(w))
		return append(b, n, w, strlen(w));
	if (append(b, n, "'", 1) != 0)
		return -1;
	for (const char *p = w; *p; p++)
		if (*p == '\'' ? append(b, n, "'\\''", 4) : append(b, n, p, 1))
			return -1;
	return append(b, n, "'", 1);
}

char *cli_command_line(int argc, char **argv)
{
	char *b = NULL;
	size_t n = 0;
	if (append(&b, &n, "focal", 5) != 0)
		return NULL;
	for (int i = 0; i < argc; i++)
		if (append(&b, &n, " ", 1) != 0 || append_word(&b, &n, argv[i]) != 0) {
			free(b);
			return NULL;
		}
	return b;
}

/* The spec file's text (at most 64 KiB), or NULL (standard input, unreadable). */
static char *spec_text(const char *path)
{
	if (strcmp(path, "-") == 0)
		return NULL;
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return NULL;
	char *t = malloc(65536);
	size_t n = t ? fread(t, 1, 65535, f) : 0;
	fclose(f);
	if (t)
		t[n] = '\0';
	return t;
}

char *cli_fig_source(const char *cmdline, const struct spec *s, const fig_figure *f)
{
	char *b = NULL, *text = spec_text(s->path);
	size_t n = 0;
	char head[4608];
	snprintf(head, sizeof head, "focal %s\ncommand: %s\nspec: %s\n", FOCAL_VERSION,
		 cmdline ? cmdline : "", s->path);
	int r = append(&b, &n, head, strlen(head));
	if (r == 0 && f->provenance)
		r = append(&b, &n, "numbers: ", 9) || append(&b, &n, f->provenance, strlen(f->provenance)) ||
		    append(&b, &n, "\n", 1);
	if (r == 0 && text)
		r = append(&b, &n, "spec text:\n", 11) || append(&b, &n, text, strlen(text));
	free(text);
	if (r != 0) {
		free(b);
		return NULL;
	}
	return b;
}
