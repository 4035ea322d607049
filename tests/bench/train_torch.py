#!/usr/bin/python3
"""make bench, training: the run `focal train --loss fl --lr 0.01 --seeds 1
--final-anchors 0 --threads 1` does, written independently in PyTorch on one
CPU thread, in float64 like focal.

Like for like (docs/train.md): the same task (dim 8, 500,000 training and
100,000 validation anchors, 1000 negatives per positive, 1 % of negatives
hard, separation 4, hard distance 2), the same model (8 -> 32 ReLU -> 1,
He-initialised first layer with zero biases, output weights N(0, 0.01^2),
bias log(0.01 / 0.99)), the same loss (FL, gamma 2, alpha 0.25, summed over
the minibatch and divided by the EMA normaliser N <- 0.9 N + 0.1 max(1,
npos) from 100), the same optimiser (SGD, rate 0.01, momentum 0.9, the
update torch.optim.SGD makes and focal makes), the same schedule (1000
steps of 4096 anchors taken in order from a fresh random permutation of the
training rows each epoch) and the same evaluation (validation AP on the
100,000 anchors before the first step and every 50 steps).  Not the same
random numbers: torch's generator, not focal's, so the APs differ.

What focal does and this does not: the FL value beside the loss and the
per-group gradient shares at every step, the temperature and calibration
of the final scores, exact handling of tied scores in AP.  Timed from the
first tensor operation (the interpreter and `import torch` are not
counted); prints the wall seconds, the process's CPU seconds and the final
validation AP.
"""
import math
import sys
import time

import torch

torch.set_num_threads(1)
torch.manual_seed(1)
DT = torch.float64
DIM, HIDDEN, NTRAIN, NTEST = 8, 32, 500000, 100000
IMB, HARD, SEP, HDIST = 1000.0, 0.01, 4.0, 2.0
BATCH, STEPS, EVERY = 4096, 1000, 50
GAMMA, ALPHA, LR, MOM, PRIOR = 2.0, 0.25, 0.01, 0.9, 0.01


def split(n):
    npos = math.floor(n / (1.0 + IMB) + 0.5)
    nhard = math.floor((n - npos) * HARD + 0.5)
    x = torch.randn(n, DIM, dtype=DT)
    x[: npos + nhard, 0] += SEP
    x[npos : npos + nhard, 1] += HDIST
    y = torch.zeros(n, dtype=DT)
    y[:npos] = 1.0
    return x, y


def forward(p, x):
    w1, b1, w2, b2 = p
    return torch.relu(x @ w1 + b1) @ w2 + b2


def average_precision(score, y):
    order = torch.argsort(score, descending=True)
    ys = y[order]
    tp = torch.cumsum(ys, 0)
    rank = torch.arange(1, ys.numel() + 1, dtype=DT)
    return float((tp / rank * ys).sum() / ys.sum())


def main():
    t0, c0 = time.perf_counter(), time.process_time()
    xtr, ytr = split(NTRAIN)
    xte, yte = split(NTEST)
    w1 = (torch.randn(DIM, HIDDEN, dtype=DT) * math.sqrt(2.0 / DIM)).requires_grad_()
    b1 = torch.zeros(HIDDEN, dtype=DT, requires_grad=True)
    w2 = (torch.randn(HIDDEN, dtype=DT) * 0.01).requires_grad_()
    b2 = torch.tensor(math.log(PRIOR / (1.0 - PRIOR)), dtype=DT, requires_grad=True)
    params = [w1, b1, w2, b2]
    opt = torch.optim.SGD(params, lr=LR, momentum=MOM)
    norm, cursor, aps = 100.0, NTRAIN, []
    perm = None
    with torch.no_grad():
        aps.append(average_precision(forward(params, xte), yte))
    for t in range(1, STEPS + 1):
        if cursor + BATCH > NTRAIN:
            perm = torch.randperm(NTRAIN)
            xep, yep = xtr[perm], ytr[perm]
            cursor = 0
        xb, yb = xep[cursor : cursor + BATCH], yep[cursor : cursor + BATCH]
        cursor += BATCH
        npos = float(yb.sum())
        norm = 0.9 * norm + 0.1 * max(1.0, npos)
        logit = forward(params, xb)
        xt = torch.where(yb > 0, logit, -logit)  # the target logit
        logpt = torch.nn.functional.logsigmoid(xt)
        w = (-torch.expm1(logpt)) ** GAMMA  # (1 - p_t)^gamma
        at = torch.where(yb > 0, ALPHA, 1.0 - ALPHA)
        loss = -(at * w * logpt).sum() / norm
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if t % EVERY == 0 or t == STEPS:
            with torch.no_grad():
                aps.append(average_precision(forward(params, xte), yte))
    secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"{secs:.3f} {cpu:.3f} {aps[-1]:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
