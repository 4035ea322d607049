/*
 * Shortest round-trip text of a double (libfocal).
 *
 * focal_dtoa() writes the fewest significant decimal digits that read back
 * (strtod, round to nearest) as exactly v; when several digit strings of
 * that length do, the one nearest v (ties: the even last digit).  These are
 * the digits Python's repr() prints.  The layout is %g's: fixed notation
 * when the decimal exponent E of the first digit is -4 <= E < 16 (repr's
 * bounds), otherwise d.ddde+XX with at least two exponent digits; no
 * trailing zeros and no trailing '.', so an integral value prints as
 * "2", "-0" keeps its sign, and non-finite values are "inf", "-inf", "nan".
 *
 * Examples: 0.1 -> "0.1", 1/3. -> "0.3333333333333333", 1e16 -> "1e+16",
 * 5e-324 -> "5e-324", 1.7976931348623157e308 -> "1.7976931348623157e+308".
 */
#ifndef FOCAL_FMT_H
#define FOCAL_FMT_H

#include <stddef.h>

/* Room for the longest text, "-2.2250738585072014e-308" and its NUL. */
#define FOCAL_DTOA_MAX 32

/* Write v's shortest round-trip text and a NUL into buf (at least
 * FOCAL_DTOA_MAX bytes, all of which it may use as scratch: the bytes
 * after the NUL are unspecified); return its length.  Pure: no locale,
 * no state. */
size_t focal_dtoa(char *buf, double v);

#endif
