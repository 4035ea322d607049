/* A --loss list read against the loss registry (focal/registry.h). */
#include "cli.h"

#include <string.h>

#include "focal/registry.h"

int cli_parse_losses(struct cli *c, const char *s, unsigned mask, int *want,
		     focal_loss_id *order, int *norder)
{
	const char *names[FOCAL_NLOSS];
	focal_loss_id ids[FOCAL_NLOSS];
	int n = 0, got[FOCAL_NLOSS];
	for (size_t i = 0; i < focal_loss_count() && n < FOCAL_NLOSS; i++) {
		const focal_loss_desc *d = focal_loss_at(i);
		if (focal_loss_fits(d, mask)) {
			names[n] = d->name;
			ids[n++] = d->id;
		}
	}
	if (cli_parse_names(c, "loss", s, names, n, got) != 0)
		return -1;
	for (int k = 0; k < FOCAL_NLOSS; k++)
		want[k] = 0;
	for (int k = 0; k < n; k++)
		want[ids[k]] = got[k];
	if (order == NULL)
		return 0;
	/* the order of the list given, a repeated name once */
	int seen[FOCAL_NLOSS] = {0};
	*norder = 0;
	for (const char *p = s; *p;) {
		size_t len = strcspn(p, ",");
		const focal_loss_desc *d = focal_loss_find(p, len, mask);
		if (d != NULL && !seen[d->id]) {
			seen[d->id] = 1;
			order[(*norder)++] = d->id;
		}
		p += len + (p[len] == ',');
	}
	return 0;
}
