/* --weight EXPR and --param NAME=VALUE: a custom weight (focal/weight.h). */
#include "cli.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "focal/weight.h"

int cli_weight(struct cli *c, const char *expr, const struct slist *params, focal_weight **out)
{
	const char *names[FOCAL_WEIGHT_MAX_PARAMS];
	char buf[FOCAL_WEIGHT_MAX_PARAMS][FOCAL_WEIGHT_NAME_MAX + 2];
	double vals[FOCAL_WEIGHT_MAX_PARAMS];
	char err[FOCAL_WEIGHT_EXPR_MAX + 512];
	*out = NULL;
	if (expr == NULL)
		return 0;
	if (params->n > FOCAL_WEIGHT_MAX_PARAMS) {
		cli_error(c, "invalid param '%s': more than %d parameters",
			  params->v[FOCAL_WEIGHT_MAX_PARAMS], FOCAL_WEIGHT_MAX_PARAMS);
		return -1;
	}
	for (size_t i = 0; i < params->n; i++) {
		const char *s = params->v[i], *eq = strchr(s, '=');
		size_t len = eq ? (size_t)(eq - s) : 0;
		if (eq == NULL || len == 0 || len > FOCAL_WEIGHT_NAME_MAX) {
			cli_error(c, "invalid param '%s': must be NAME=VALUE", s);
			return -1;
		}
		memcpy(buf[i], s, len);
		buf[i][len] = '\0';
		names[i] = buf[i];
		char *end;
		vals[i] = strtod(eq + 1, &end);
		if (end == eq + 1 || *end != '\0' || isspace((unsigned char)eq[1]) ||
		    !isfinite(vals[i])) {
			cli_error(c, "invalid param '%s': VALUE must be a finite number", s);
			return -1;
		}
	}
	int st = focal_weight_parse(expr, names, vals, (int)params->n, out, err, sizeof err);
	if (st == FOCAL_ENOMEM)
		cli_error(c, "out of memory");
	else if (st != FOCAL_OK)
		cli_error(c, "%s", err);
	return st == FOCAL_OK ? 0 : -1;
}

int cli_loss_weight(struct cli *c, const int *want, const char *expr,
		    const struct slist *params, focal_weight **out)
{
	int custom = want[FOCAL_CUSTOM] || want[FOCAL_CUSTOM_GRAD];
	*out = NULL;
	if (custom && expr == NULL) {
		cli_error(c, "loss '%s' needs --weight EXPR",
			  want[FOCAL_CUSTOM] ? "custom" : "custom@grad");
		return -1;
	}
	if (!custom && expr != NULL) {
		cli_error(c, "--weight needs --loss custom or custom@grad");
		return -1;
	}
	return custom ? cli_weight(c, expr, params, out) : 0;
}
