/*
 * The status vocabulary of every layer of focal: libfocal (src/lib) and the
 * figure layer (src/fig) return these codes, and focal_strerror() names
 * each one (docs/architecture.md, "Status").  0 is success; every error is
 * positive.  The figure layer's FIG_* names (fig.h) are these codes.
 *
 * The list below is the one home of the codes and their descriptions: the
 * enum, focal_strerror() and fig_strerror() are all expanded from it.  A
 * new code is one line here, at the end (the numbers are ABI).
 *
 * This header includes nothing and may be included by any folder.
 */
#ifndef FOCAL_STATUS_H
#define FOCAL_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

/* X(NAME, VALUE, "short, lower-case, static description") */
#define FOCAL_STATUS_LIST(X)                                                   \
	X(FOCAL_OK, 0, "success")                                              \
	X(FOCAL_EDOM, 1, "argument outside the domain")                        \
	X(FOCAL_ENOMEM, 2, "out of memory")                                    \
	X(FOCAL_ENOCONV, 3, "iteration did not converge")                      \
	X(FOCAL_EROUND, 4, "result limited by rounding error")                 \
	X(FOCAL_EFORMAT, 5, "malformed input")                                 \
	X(FOCAL_EIO, 6, "cannot read the file")                                \
	X(FOCAL_ELIMIT, 7, "input over a size limit")                          \
	X(FOCAL_ECANCELED, 8, "canceled")                                      \
	X(FOCAL_EMARKUP, 9, "malformed markup")                                \
	X(FOCAL_EWRITE, 10, "cannot write output")                             \
	X(FOCAL_EOUTFORMAT, 11, "unknown output format")                       \
	X(FOCAL_EBACKEND, 12, "drawing library error")                         \
	X(FOCAL_ERANGE, 13, "no usable data range")

#define FOCAL_STATUS_ENUM_(name, value, text) name = value,
enum focal_status { FOCAL_STATUS_LIST(FOCAL_STATUS_ENUM_) FOCAL_NSTATUS };
#undef FOCAL_STATUS_ENUM_

/*
 * The description of a status code, from the list above: static, short,
 * lower-case, no full stop ("out of memory").  A code outside the list
 * gives "unknown error".
 */
const char *focal_strerror(int status);

#ifdef __cplusplus
}
#endif

#endif
