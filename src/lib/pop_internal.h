/* Shared between model.c and pop.c; not part of the public contract. */
#ifndef FOCAL_POP_INTERNAL_H
#define FOCAL_POP_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "focal/pop.h"

/* Partitions: a fixed function of n, so the random streams (one per
 * partition) and therefore every anchor are the same whatever the number
 * of threads. */
#define FOCAL__PART_MIN ((size_t)4096)
#define FOCAL__PART_MAX ((size_t)1024)

size_t focal__npartitions(size_t n);

uint64_t focal__splitmix64(uint64_t *state);

/* A seeded stream (GSL mt19937); NULL when out of memory. */
void *focal__rng_new(uint64_t seed, uint64_t stream);
void focal__rng_free(void *rng);
double focal__rng_uniform(void *rng);

/* One logit from the model; iou < 0 means "no geometry". */
double focal__model_logit(const focal_score_model *m, void *rng, int label, double iou);

#endif
