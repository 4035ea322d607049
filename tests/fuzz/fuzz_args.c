/*
 * libFuzzer harness for the command line: the input is split on NUL bytes
 * into argv (the first word picks the subcommand among the pure ones:
 * eval, integrate, compare, check, spread) and dispatched through the
 * command table with stdout and stderr sent to memory.  Checks: the exit
 * status is 0, 1 or 2; status 2 prints exactly one line on stderr and
 * nothing on stdout.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli.h"

#include "fuzz_replay.h"

#define MAXARGS 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const safe[] = {"eval", "integrate", "compare", "check", "spread"};
	if (size > 2048)
		return 0;
	gsl_set_error_handler_off();
	char *buf = malloc(size + 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	char *argv[MAXARGS + 1];
	int argc = 0;
	for (size_t i = 0; i <= size && argc < MAXARGS;) {
		argv[argc++] = buf + i;
		i += strlen(buf + i) + 1;
	}
	argv[argc] = NULL;
	const struct cmd *cmd = cli_find(argv[0]);
	int ok = 0;
	for (size_t k = 0; cmd && k < sizeof safe / sizeof safe[0]; k++)
		ok |= strcmp(cmd->name, safe[k]) == 0;
	/* bound the work: no huge grids, no default-grid `check` */
	for (int i = 1; i < argc; i++)
		if (strstr(argv[i], "grid") || (cmd && !strcmp(cmd->name, "check")))
			ok = 0;
	if (ok) {
		char *ob = NULL, *eb = NULL;
		size_t ol = 0, el = 0;
		FILE *o = open_memstream(&ob, &ol), *e = open_memstream(&eb, &el);
		if (o && e) {
			struct cli c = {.out = o, .err = e};
			int st = cli_run(&c, cmd, argc, argv);
			fflush(o);
			fflush(e);
			if (st < 0 || st > 2)
				abort();
			if (st == 2) {
				size_t lines = 0;
				for (size_t i = 0; i < el; i++)
					lines += eb[i] == '\n';
				if (lines != 1 || ol != 0)
					abort();
			}
		}
		if (o)
			fclose(o);
		if (e)
			fclose(e);
		free(ob);
		free(eb);
	}
	free(buf);
	return 0;
}
