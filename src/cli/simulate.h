/*
 * focal simulate, private to its three files: cmd_simulate.c (the option
 * rows, --help and the loss specs), simulate_source.c (where the anchors
 * come from: geometry, a score model, a file or a preset) and
 * simulate_run.c (the run over the states and the output tables).
 */
#ifndef FOCAL_SIMULATE_H
#define FOCAL_SIMULATE_H

#include "cli.h"

#include "focal/pop.h"

/* Limits (documented in focal(1)). */
#define MAX_STREAM_ANCHORS 1e12
#define MAX_MEMORY_ANCHORS 200000000.0
#define MAX_CDF_ANCHORS 20000000.0

enum { PRESET_TOY, PRESET_RETINA, TABLE_SUMMARY = 0, TABLE_CDF, TABLE_HIST };

/* The parsed options (cmd_simulate_opts); an in-memory population
 * (labels, logits, IoUs) is a focal_population: its sources and seed
 * rule live in libfocal (include/focal/pop.h). */
struct simargs {
	const char *image, *boxsize, *boxfile, *coco, *cocoimg, *scores, *states;
	int preset, pos_dist, table; /* -1: not given */
	double nboxes, box_min, box_max, box_aspect;
	double pos_iou, neg_iou;
	int low_quality;
	double anchors, pos_frac;
	double prior, seed;
	double pos_mean, pos_sd, neg_mean, neg_sd, neg_slope, hard_share; /* NaN = preset */
	const char *loss;
	struct dlist gamma;
	double alpha;
	struct loss_params lp;       /* the family's parameters (NaN: row default) */
	const char *weight;          /* --weight EXPR of custom, custom@grad */
	struct slist param;
	const struct focal_weight *wt; /* parsed (cmd_simulate owns it) */
	double hard, ohem_ratio, batch, threads, points, bins, ghm_bins;
	enum cli_format fmt;
};

/* Parse "ce,fl,..." and the gammas into evaluation specs; -1 after a
 * message (cmd_simulate.c). */
int sim_build_specs(struct cli *c, const struct simargs *a, focal_pop_opts *o);

/* The sources (simulate_source.c); each returns 0 or -1 after a message
 * unless it says otherwise. */
int sim_make_model(struct cli *c, const struct simargs *a, const char *state,
		   focal_score_model *m);
int sim_parse_box_size(struct cli *c, struct simargs *a);
int sim_check_sources(struct cli *c, struct simargs *a, int *is_toy, int *is_retina,
		      int *fixed);
int sim_parse_states(struct cli *c, const struct simargs *a, int is_retina,
		     const char *states[3], int *nstates);
/* A CLI status. */
int sim_load_population(struct cli *c, const struct simargs *a, int is_toy,
			focal_population *p, const focal_progress *fp);

/* A run over checked arguments (a copy: a preset may set its alpha); a
 * CLI status (simulate_run.c). */
int sim_run(struct cli *c, struct simargs a);

#endif
