/*
 * What the user's terminal can show: UTF-8 text (the locale's character
 * set, as main() set LC_CTYPE from the environment) and colours (a
 * terminal, and no NO_COLOR: https://no-color.org).  The text renderings
 * of focal plot and focal explore ask here.
 */
#include "cli.h"

#include <langinfo.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int cli_locale_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);
	return cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
}

int cli_no_color(void)
{
	const char *v = getenv("NO_COLOR");
	return v != NULL && *v != '\0';
}
