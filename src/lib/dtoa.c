/*
 * The shortest digits that round-trip (include/focal/fmt.h), after Ulf
 * Adams, "Ryū: fast float-to-string conversion" (PLDI 2018).
 *
 * A finite v > 0 is m2 * 2^e2.  Its rounding interval runs from the
 * midpoint with its lower neighbour to the midpoint with its upper one; in
 * units of 2^(e2-2) those are 4*m2 - 1 - mmshift, 4*m2 and 4*m2 + 2
 * (mmshift is 0 only at a power of two, where the gap below is half the
 * gap above).  The three are scaled by 10^-e10 with one 125-bit power of
 * five from dtoa_table.h and a 64x128-bit product, truncated: vm, vr, vp.
 * Then decimal digits are dropped while vm and vp still differ above the
 * dropped digits; what is left of vr, rounded by the dropped digits, is
 * the answer.  The interval's ends belong to it exactly when m2 is even
 * (round half to even in strtod), which needs to know whether the
 * truncated products were exact: the *_zeros flags.
 */
#include "focal/fmt.h"

#include <stdint.h>
#include <string.h>

#include "dtoa_table.h"

typedef unsigned __int128 u128;

/* floor(log10(2^e)) for 0 <= e <= 1650, floor(log10(5^e)) for
 * 0 <= e <= 2620, and the bit length of 5^e for 0 <= e <= 3528. */
static int log10_pow2(int e) { return (int)(((uint32_t)e * 78913u) >> 18); }
static int log10_pow5(int e) { return (int)(((uint32_t)e * 732923u) >> 20); }
static int pow5_bits(int e) { return (int)((((uint32_t)e * 1217359u) >> 19) + 1); }

static int pow5_factor(uint64_t v)
{
	int n = 0;
	while (v % 5 == 0) {
		v /= 5;
		n++;
	}
	return n;
}

/* Is v a multiple of 5^p (v > 0)? of 2^p (p < 64)? */
static int mul_of_pow5(uint64_t v, int p) { return pow5_factor(v) >= p; }
static int mul_of_pow2(uint64_t v, int p) { return (v & ((UINT64_C(1) << p) - 1)) == 0; }

/* (m * mul) >> j, mul a 128-bit number (low word first), 64 < j < 192. */
static uint64_t mul_shift(uint64_t m, const uint64_t *mul, int j)
{
	u128 lo = (u128)m * mul[0], hi = (u128)m * mul[1];
	return (uint64_t)(((lo >> 64) + hi) >> (j - 64));
}

struct dec {
	uint64_t digits; /* without trailing zeros beyond those needed */
	int exp;         /* v ~ digits * 10^exp */
};

/* The scaled interval: vr for 4*m2, vp for 4*m2+2, vm for the lower end. */
struct scaled {
	uint64_t vr, vp, vm;
	int e10, vm_zeros, vr_zeros;
};

static void scale(uint64_t m2, int e2, int mmshift, int accept, struct scaled *s)
{
	uint64_t mv = 4 * m2;
	const uint64_t *mul;
	int j;
	s->vm_zeros = s->vr_zeros = 0;
	if (e2 >= 0) {
		int q = log10_pow2(e2) - (e2 > 3);
		s->e10 = q;
		mul = dtoa_pow5inv[q];
		j = -e2 + q + DTOA_POW5_BITS + pow5_bits(q) - 1;
		s->vr = mul_shift(mv, mul, j);
		s->vp = mul_shift(mv + 2, mul, j);
		s->vm = mul_shift(mv - 1 - (uint64_t)mmshift, mul, j);
		if (q <= 21) { /* only then can 5^q divide a 55-bit number */
			if (mv % 5 == 0)
				s->vr_zeros = mul_of_pow5(mv, q);
			else if (accept)
				s->vm_zeros = mul_of_pow5(mv - 1 - (uint64_t)mmshift, q);
			else
				s->vp -= (uint64_t)mul_of_pow5(mv + 2, q);
		}
		return;
	}
	int q = log10_pow5(-e2) - (-e2 > 1);
	int i = -e2 - q;
	s->e10 = q + e2;
	mul = dtoa_pow5[i];
	j = q - (pow5_bits(i) - DTOA_POW5_BITS);
	s->vr = mul_shift(mv, mul, j);
	s->vp = mul_shift(mv + 2, mul, j);
	s->vm = mul_shift(mv - 1 - (uint64_t)mmshift, mul, j);
	if (q <= 1) {
		/* mv * 5^i * 2^-q is an integer: exact products */
		s->vr_zeros = 1;
		if (accept)
			s->vm_zeros = mmshift == 1;
		else
			s->vp--;
	} else if (q < 63) {
		s->vr_zeros = mul_of_pow2(mv, q);
	}
}

/* Drop digits while the interval still holds a shorter number. */
static struct dec shortest(struct scaled *s, int accept)
{
	uint64_t vr = s->vr, vp = s->vp, vm = s->vm;
	int removed = 0, last = 0;
	if (!s->vm_zeros && !s->vr_zeros) { /* the common case: no ties */
		if (vp / 100 > vm / 100) { /* two digits at once: fewer divisions */
			last = (int)(vr % 100 / 10);
			vr /= 100;
			vp /= 100;
			vm /= 100;
			removed += 2;
		}
		while (vp / 10 > vm / 10) {
			last = (int)(vr % 10);
			vr /= 10;
			vp /= 10;
			vm /= 10;
			removed++;
		}
		return (struct dec){vr + (vr == vm || last >= 5), s->e10 + removed};
	}
	int vmz = s->vm_zeros, vrz = s->vr_zeros;
	while (vp / 10 > vm / 10) {
		vmz &= vm % 10 == 0;
		vrz &= last == 0;
		last = (int)(vr % 10);
		vr /= 10;
		vp /= 10;
		vm /= 10;
		removed++;
	}
	if (vmz) { /* the lower end is exact and included: strip its zeros */
		while (vm % 10 == 0) {
			vrz &= last == 0;
			last = (int)(vr % 10);
			vr /= 10;
			vp /= 10;
			vm /= 10;
			removed++;
		}
	}
	if (vrz && last == 5 && vr % 2 == 0)
		last = 4; /* exactly halfway: round to even */
	int up = (vr == vm && (!accept || !vmz)) || last >= 5;
	return (struct dec){vr + (uint64_t)up, s->e10 + removed};
}

static const char pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* The number of decimal digits of d < 10^17 (most have 15 to 17). */
static int dec_len(uint64_t d)
{
	static const uint64_t p10[17] = {
		UINT64_C(1), UINT64_C(10), UINT64_C(100), UINT64_C(1000), UINT64_C(10000),
		UINT64_C(100000), UINT64_C(1000000), UINT64_C(10000000), UINT64_C(100000000),
		UINT64_C(1000000000), UINT64_C(10000000000), UINT64_C(100000000000),
		UINT64_C(1000000000000), UINT64_C(10000000000000), UINT64_C(100000000000000),
		UINT64_C(1000000000000000), UINT64_C(10000000000000000)};
	int n = 17;
	while (n > 1 && d < p10[n - 1])
		n--;
	return n;
}

/* Exactly eight digits of x < 10^8 at out: four pairs computed
 * independently of each other (no chain of divisions by 100). */
static void put8(char *out, uint32_t x)
{
	uint32_t hi = x / 10000, lo = x % 10000;
	memcpy(out, pairs + 2 * (hi / 100), 2);
	memcpy(out + 2, pairs + 2 * (hi % 100), 2);
	memcpy(out + 4, pairs + 2 * (lo / 100), 2);
	memcpy(out + 6, pairs + 2 * (lo % 100), 2);
}

/* All 17 digits of d < 10^17, leading zeros included, at out[0..17): the
 * same work for every d, so no branch depends on its length. */
static void put17(char *out, uint64_t d)
{
	uint64_t hi = d / 100000000;
	out[0] = (char)('0' + hi / 100000000);
	put8(out + 1, (uint32_t)(hi % 100000000));
	put8(out + 9, (uint32_t)(d % 100000000));
}

/* Lay out the n digits at dg with first-digit exponent e as %g does.  dg
 * is readable for 17 bytes and buf writable for FOCAL_DTOA_MAX - 1: the
 * fixed-size copies below may write past the text's end. */
static size_t layout(char *buf, const char *dg, int n, int e)
{
	if (e >= -4 && e < 0) { /* 0.000ddd */
		memcpy(buf, "0.000", 5);
		memcpy(buf + 1 - e, dg, 17);
		return (size_t)(1 - e + n);
	}
	if (e >= 0 && e < 16) {
		memcpy(buf, dg, 17);
		if (n <= e + 1) { /* an integer: zeros up to the point */
			memset(buf + n, '0', (size_t)(e + 1 - n));
			return (size_t)e + 1;
		}
		memmove(buf + e + 2, buf + e + 1, (size_t)(n - e - 1));
		buf[e + 1] = '.';
		return (size_t)n + 1;
	}
	size_t o = 0;
	buf[o++] = dg[0];
	if (n > 1) {
		buf[o++] = '.';
		memcpy(buf + o, dg + 1, 16);
		o += (size_t)n - 1;
	}
	buf[o++] = 'e';
	buf[o++] = e < 0 ? '-' : '+';
	unsigned a = (unsigned)(e < 0 ? -e : e);
	if (a >= 100)
		buf[o++] = (char)('0' + a / 100);
	buf[o++] = (char)('0' + a / 10 % 10);
	buf[o++] = (char)('0' + a % 10);
	return o;
}

size_t focal_dtoa(char *buf, double v)
{
	uint64_t bits;
	memcpy(&bits, &v, sizeof bits);
	int neg = (int)(bits >> 63);
	uint64_t mant = bits & ((UINT64_C(1) << 52) - 1);
	int bexp = (int)((bits >> 52) & 0x7ff);
	size_t o = 0;
	if (bexp == 0x7ff) {
		const char *s = mant ? "nan" : neg ? "-inf" : "inf";
		strcpy(buf, s);
		return strlen(s);
	}
	if (neg)
		buf[o++] = '-';
	if (bexp == 0 && mant == 0) {
		buf[o++] = '0';
		buf[o] = '\0';
		return o;
	}
	uint64_t m2 = bexp ? mant | (UINT64_C(1) << 52) : mant;
	int e2 = (bexp ? bexp : 1) - 1075 - 2;
	int accept = (m2 & 1) == 0;
	struct scaled s;
	scale(m2, e2, mant != 0 || bexp <= 1, accept, &s);
	struct dec d = shortest(&s, accept);
	while (d.digits % 10 == 0) { /* a carry of the rounding: 19 + 1 */
		d.digits /= 10;
		d.exp++;
	}
	char dg[40];
	int n = dec_len(d.digits);
	put17(dg, d.digits);
	o += layout(buf + o, dg + 17 - n, n, d.exp + n - 1);
	buf[o] = '\0';
	return o;
}
