#!/usr/bin/env python3
"""Write the log fixtures of `focal runs` (tests/data/runs/): the same
small synthetic experiment (FL and FGL, 4 seeds, 4 evaluations of 50
iterations each) in the shape of each detector's log, with its quirks:

  detectron2/LOSS_seedK/metrics.json   0-based "iteration", bbox/AP in
      percent, bare NaN tokens (bbox/APs), and a resume: iterations 100 to
      149 written twice, the second time with other values (keep the last)
  mmdet2/LOSS_seedK/20240101_000000.log.json   a meta first line, mode
      train/val, "iter" within the epoch (50 iterations an epoch),
      bbox_mAP rounded to 3 decimals
  mmdet3/LOSS_seedK/vis_data/scalars.json      "step" the iteration on
      train lines, the epoch on validation lines

The curves are functions of (loss, seed, iteration) only, so the three
shapes hold the same runs: every reader must find the same final AP
(mmdet2 to its 3 decimals).  detectron2/asl_seedK and
detectron2/asl@grad_seedK hold a family pair in the same shape (asl@grad
curves as fgl's, asl's as fl's), for `focal runs` on any pair.  Run from
the top of the tree:
    python3 tests/data/runs/gen_fixtures.py
"""
import json
import math
import os

TOP = os.path.dirname(os.path.abspath(__file__))
SEEDS = [1, 2, 3, 4]
EPOCH = 50          # iterations per epoch (and between evaluations)
EPOCHS = 4
LOG_EVERY = 10


def ap(loss, seed, it):
    """Validation AP (in [0, 1]) after `it` iterations."""
    twin = loss == "fgl" or loss.endswith("@grad")
    base = 0.30 + 0.02 * math.sin(1.7 * seed) + (0.004 + 0.01 * math.sin(3.1 * seed) if twin else 0.0)
    return round(base + 0.05 * (1 - math.exp(-it / 80.0)) + 0.003 * math.cos(seed * it), 6)


def loss_cls(loss, seed, it, resumed=False):
    v = 0.9 * math.exp(-it / 120.0) + 0.05 + 0.01 * math.sin(seed + 0.3 * it)
    twin = loss == "fgl" or loss.endswith("@grad")
    return round(v * (0.8 if twin else 1.0) + (0.002 if resumed else 0.0), 6)


def write(path, lines):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def detectron2(loss, seed):
    out = []
    def train_line(it, resumed=False):
        # detectron2 logs the 0-based iteration that just finished
        return json.dumps({"data_time": 0.01, "eta_seconds": 10.0, "iteration": it - 1,
                           "loss_box_reg": 0.1, "loss_cls": loss_cls(loss, seed, it, resumed),
                           "lr": 0.01, "time": 0.2, "total_loss": 0.5})
    def eval_line(it, resumed=False):
        a = ap(loss, seed, it) + (0.01 if resumed else 0.0)
        # percent, and NaN where a size class has no object (bare token)
        return ('{"bbox/AP": %r, "bbox/AP50": %r, "bbox/APl": %r, "bbox/APm": %r, '
                '"bbox/APs": NaN, "iteration": %d}' % (100 * a, 100 * min(1, a + 0.2),
                                                       100 * a, 100 * a, it - 1))
    for it in range(LOG_EVERY, EPOCH * EPOCHS + 1, LOG_EVERY):
        out.append(train_line(it, resumed=100 < it <= 150))
        if it % EPOCH == 0:
            out.append(eval_line(it, resumed=it == 150))
    # the crashed first attempt wrote 110..150 before: put them first
    first = [train_line(it) for it in range(110, 151, LOG_EVERY)] + [eval_line(150)]
    k = out.index(train_line(110, True))
    return out[:k] + first + out[k:]


def mmdet2(loss, seed):
    out = [json.dumps({"env_info": "sys.platform: linux", "config": "model = dict(...)",
                       "seed": seed, "exp_name": "retinanet_r50_fpn_1x_coco.py",
                       "mmdet_version": "2.28.2", "hook_msgs": {}})]
    for ep in range(1, EPOCHS + 1):
        for i in range(LOG_EVERY, EPOCH + 1, LOG_EVERY):
            it = (ep - 1) * EPOCH + i
            out.append(json.dumps({"mode": "train", "epoch": ep, "iter": i, "lr": 0.01,
                                   "memory": 3000, "data_time": 0.01,
                                   "loss_cls": loss_cls(loss, seed, it), "loss_bbox": 0.1,
                                   "loss": 0.5, "grad_norm": 2.0, "time": 0.2}))
        a = ap(loss, seed, ep * EPOCH)
        out.append(json.dumps({"mode": "val", "epoch": ep, "iter": 625, "lr": 0.01,
                               "bbox_mAP": round(a, 3), "bbox_mAP_50": round(min(1, a + 0.2), 3),
                               "bbox_mAP_copypaste": "%.3f" % a}))
    return out


def mmdet3(loss, seed):
    out = []
    for ep in range(1, EPOCHS + 1):
        for i in range(LOG_EVERY, EPOCH + 1, LOG_EVERY):
            it = (ep - 1) * EPOCH + i
            out.append(json.dumps({"lr": 0.01, "data_time": 0.01, "loss": 0.5,
                                   "loss_cls": loss_cls(loss, seed, it), "loss_bbox": 0.1,
                                   "time": 0.2, "epoch": ep, "iter": it, "memory": 3000,
                                   "step": it}))
        out.append(json.dumps({"coco/bbox_mAP": ap(loss, seed, ep * EPOCH),
                               "coco/bbox_mAP_50": min(1, ap(loss, seed, ep * EPOCH) + 0.2),
                               "data_time": 0.01, "time": 0.05, "step": ep}))
    return out


def main():
    for loss in ("fl", "fgl"):
        for s in SEEDS:
            d = "%s_seed%d" % (loss, s)
            write(os.path.join(TOP, "detectron2", d, "metrics.json"), detectron2(loss, s))
            write(os.path.join(TOP, "mmdet2", d, "20240101_000000.log.json"), mmdet2(loss, s))
            write(os.path.join(TOP, "mmdet3", d, "vis_data", "scalars.json"), mmdet3(loss, s))
    for loss in ("asl", "asl@grad"):
        for s in SEEDS:
            d = "%s_seed%d" % (loss, s)
            write(os.path.join(TOP, "detectron2", d, "metrics.json"), detectron2(loss, s))
    # what every reader must find: the final AP of each run (fgl 0: fl)
    with open(os.path.join(TOP, "final_ap.tsv"), "w") as f:
        f.write("fgl\tseed\tap\n")
        for loss in ("fl", "fgl"):
            for s in SEEDS:
                f.write("%d\t%d\t%r\n" % (loss == "fgl", s, ap(loss, s, EPOCH * EPOCHS)))


if __name__ == "__main__":
    main()
