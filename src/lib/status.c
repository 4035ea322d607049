/*
 * focal_strerror: the descriptions of focal/status.h's list, the one home
 * of every layer's status codes.
 */
#include "focal/status.h"

#include <stddef.h>

const char *focal_strerror(int status)
{
#define FOCAL_STATUS_CASE_(name, value, text) case name: return text;
	switch (status) {
	FOCAL_STATUS_LIST(FOCAL_STATUS_CASE_)
	default: break;
	}
#undef FOCAL_STATUS_CASE_
	return "unknown error";
}
