"""Focal loss and focal gradient loss in PyTorch: a short reference to
check an implementation against focal's golden values (docs/golden.md,
tests/data/golden.tsv).  Elementwise over logits x of the positive class
and labels y (0. or 1., the same shape); reduce as your detector does.

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
