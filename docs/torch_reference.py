"""Focal loss and focal gradient loss in PyTorch, and below them every
member of the weighting lab with its gradient twin: a short reference to
check an implementation against focal's golden values (docs/golden.md,
tests/data/golden.tsv).  Elementwise over logits x of the positive class
and labels y (0. or 1., the same shape; the family's qfl and vfl take a
target in [0, 1]); reduce as your detector does.

Two habits keep it exact to a few ulps in double precision:
  - 1 - p_t comes from whichever of sigmoid(x_t), sigmoid(-x_t) is below
    1/2: 1 - sigmoid(x_t) loses every digit once p_t is near 1 (x_t = 30:
    1 - p_t ~ 9e-14), and autograd's derivative of sigmoid, s (1 - s),
    cancels where s is near 1;
  - -log p_t is softplus(-x_t) with its threshold raised to 40, where
    log(1 + e^-x) = -x to double precision.  PyTorch's default threshold
    20 makes it linear too soon (at x_t = -30 it returns 30, not
    30 + 9e-14, and the gradient 1 exactly), and
    binary_cross_entropy_with_logits computes log(1 + e^-x_t) without
    log1p (relative error 1e-3 at x_t = 30); -log(sigmoid(x_t)) is worse.
"""
import torch
import torch.nn.functional as F


def _parts(x, y, gamma, alpha):
    """alpha_t, the focal weight (1 - p_t)^gamma and CE = -log p_t."""
    xt = (2.0 * y - 1.0) * x          # the logit of the target class
    q = torch.where(xt < 0, 1.0 - torch.sigmoid(xt), torch.sigmoid(-xt))  # 1 - p_t
    ce = F.softplus(-xt, threshold=40.0)  # -log p_t
    w = torch.ones_like(q) if gamma == 0 else q.pow(gamma)
    at = 1.0 if alpha is None else alpha * y + (1.0 - alpha) * (1.0 - y)
    return at, w, ce


def focal_loss(x, y, gamma=2.0, alpha=None):
    """FL = -alpha_t (1 - p_t)^gamma log p_t; its gradient flows through
    the weight as well."""
    at, w, ce = _parts(x, y, gamma, alpha)
    return at * w * ce


def focal_gradient_loss(x, y, gamma=2.0, alpha=None):
    """FGL: the same forward value, with the weight a stop-gradient factor,
    so that dL/dx_t = -alpha_t (1 - p_t)^(gamma + 1).  The value it returns
    is FL's; the loss whose gradient it is, E_gamma, is what `focal eval
    --loss fgl` reports (golden.tsv's `effective`)."""
    at, w, ce = _parts(x, y, gamma, alpha)
    return at * w.detach() * ce


# The reference of each name of golden.tsv's loss column.
LOSSES = {"fl": focal_loss, "fgl": focal_gradient_loss}


# ---------------------------------------------------------------- the family
# Every member of the weighting lab (docs/family.md) is a weight w times a
# base loss B.  Trained as itself its loss is w * B; trained as its gradient
# twin NAME@grad it is w.detach() * B: the same forward value, and the
# gradient w dB/dx.  Each form below returns (w, B) elementwise; y is the
# label (0. or 1.) of a hard-target member, the soft target of qfl or the
# IoU target q of vfl (0 for a negative).  The weights' branches are picked
# with torch.where, which differentiates both: a branch raising 0 to a power
# below 1 would turn the gradient to NaN (none of the defaults does).


def _axis(z):
    """p = sigmoid(z), q = 1 - p, log p and log q without cancellation."""
    lo = z < 0
    s = torch.sigmoid(torch.where(lo, z, -z))  # the one below 1/2
    p, q = torch.where(lo, s, 1.0 - s), torch.where(lo, 1.0 - s, s)
    return p, q, -F.softplus(-z, threshold=40.0), -F.softplus(z, threshold=40.0)


def _ce_minus_q(q, lp):
    """-log p - q = sum_{k>=2} q^k / k >= 0: the series below q = 0.4 (the
    difference cancels there; 45 terms reach double precision)."""
    acc = torch.zeros_like(q)
    for k in range(46, 1, -1):
        acc = 1.0 / k + q * acc
    return torch.where(q < 0.4, q * q * acc, -lp - q)


def _hard(x, y):
    return _axis((2.0 * y - 1.0) * x)


def _pow(b, g):
    return torch.ones_like(b) if g == 0 else b.pow(g)


def poly1(x, y, epsilon=2.0):
    """-log p_t + epsilon (1 - p_t), as h + (1 + epsilon) q (h = -log p_t - q)."""
    _, q, lp, _ = _hard(x, y)
    return torch.ones_like(q), _ce_minus_q(q, lp) + (1.0 + epsilon) * q


def polyfl(x, y, gamma=2.0, epsilon=-1.0, alpha=None):
    """(1 - p_t)^gamma (-alpha_t log p_t + epsilon (1 - p_t)); alpha_t does
    not multiply the epsilon term (the authors' code)."""
    _, q, lp, _ = _hard(x, y)
    at = 1.0 if alpha is None else alpha * y + (1.0 - alpha) * (1.0 - y)
    return _pow(q, gamma), at * _ce_minus_q(q, lp) + (at + epsilon) * q


def asl(x, y, gamma_pos=0.0, gamma_neg=4.0, clip=0.05):
    """Positives (1 - p)^gamma_pos (-log p); negatives p_m^gamma_neg
    (-log(1 - p_m)), p_m = max(p - clip, 0)."""
    _, q, lp, _ = _hard(x, y)            # for a negative q = 1 - p_t = p
    pm = torch.clamp(q - clip, min=0.0)
    pos = y > 0.5
    return (torch.where(pos, _pow(q, gamma_pos), _pow(pm, gamma_neg)),
            torch.where(pos, -lp, -torch.log1p(-pm)))


def flsd(x, y, gamma_below=5.0, gamma_above=3.0, switch=0.2):
    """(1 - p_t)^gamma, gamma_below for p_t < switch, gamma_above from it."""
    p, q, lp, _ = _hard(x, y)
    return torch.where(p < switch, _pow(q, gamma_below), _pow(q, gamma_above)), -lp


def _soft(x, y):
    """sigmoid(x) - y (from 1 - sigmoid(x) above 1/2) and the binary
    cross-entropy against the target y."""
    p, q, lp, lq = _axis(x)
    r = torch.where(p <= 0.5, p - y, (1.0 - y) - q)
    return r, -(y * lp + (1.0 - y) * lq), p, lq


def qfl(x, y, beta=2.0):
    """|y - sigmoid(x)|^beta times the cross-entropy against y."""
    r, bce, _, _ = _soft(x, y)
    return _pow(r.abs(), beta), bce


def vfl(x, y, alpha=0.75, gamma=2.0):
    """q times the cross-entropy against q for q = y > 0; alpha p^gamma
    (-log(1 - p)) for q = 0."""
    _, bce, p, lq = _soft(x, y)
    pos = y > 0
    return torch.where(pos, y, alpha * _pow(p, gamma)), torch.where(pos, bce, -lq)


def weighted(form, twin):
    """The loss w * B of a form, or its gradient twin w.detach() * B."""
    def loss(x, y, **theta):
        w, b = form(x, y, **theta)
        return (w.detach() if twin else w) * b
    return loss


# The reference of each family name of golden.tsv's loss column: the
# parameters are keyword arguments named as its params column names them.
FAMILY = {}
for _f in (poly1, polyfl, asl, qfl, vfl, flsd):
    FAMILY[_f.__name__] = weighted(_f, False)
    FAMILY[_f.__name__ + "@grad"] = weighted(_f, True)
