"""docs/torch_reference.py against tests/data/golden.tsv: the forward value
and dL/dx (autograd) of every row, in double precision, within a few ulps.
Also reports, without failing, how far the common 1 - sigmoid(x) form
(torchvision's sigmoid_focal_loss) strays.  The weighting lab's rows (gamma
'-') run ref.FAMILY[loss] with the params column as keyword arguments, the
twins as w.detach() * B, within TOL_FAMILY.  Run by tests/torch/run.sh."""
import math
import os
import sys

import torch

top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(top, "docs"))
import torch_reference as ref  # noqa: E402

EPS = 2.0 ** -52
TOL_VALUE, TOL_GRAD = 8 * EPS, 8 * EPS  # measured 3.8 and 3.6
TOL_FAMILY = 16 * EPS  # value and grad of the family's rows: measured 5.5 and 5.5


def rel(got, want):
    if got == want:
        return 0.0
    return abs(got - want) / max(abs(want), 1e-300)


def naive_fl(x, y, gamma, alpha):
    """torchvision's form: p_t from sigmoid(x), 1 - p_t by subtraction."""
    p = torch.sigmoid(x)
    ce = torch.nn.functional.binary_cross_entropy_with_logits(x, y, reduction="none")
    pt = p * y + (1 - p) * (1 - y)
    loss = ce * (1 - pt) ** gamma
    if alpha is not None:
        loss = (alpha * y + (1 - alpha) * (1 - y)) * loss
    return loss


def params_of(text):
    """{name: float or None} of a params column (alpha=none: None)."""
    out = {}
    for kv in text.split(","):
        k, v = kv.split("=")
        out[k] = None if v == "none" else float(v)
    return out


def main():
    path = os.path.join(top, "tests", "data", "golden.tsv")
    worst = {"value": 0.0, "grad": 0.0}
    fam = {"value": 0.0, "grad": 0.0, "n": 0}
    naive = 0.0
    n = 0
    with open(path) as f:
        head = f.readline().split()
        assert head == ["loss", "gamma", "alpha", "y", "x", "value", "grad", "effective",
                        "params"], head
        for line in f:
            name, g, a, y, x, value, grad, _, params = line.split()
            if g == "-":
                if not family_row(name, float(y), float(x), value, grad, params, fam):
                    return 1
                continue
            fn = ref.LOSSES.get(name)
            if fn is None:
                print("torch: no reference for '%s' in docs/torch_reference.py" % name)
                return 1
            g, x, y = float(g), float(x), float(y)
            a = None if a == "none" else float(a)
            xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
            yt = torch.tensor(y, dtype=torch.float64)
            loss = fn(xt, yt, g, a)
            loss.backward()
            ev, eg = rel(loss.item(), float(value)), rel(xt.grad.item(), float(grad))
            if ev > TOL_VALUE or eg > TOL_GRAD:
                print("torch: %s gamma %g alpha %s y %g x %g: value %.17g (want %s), "
                      "grad %.17g (want %s)" % (name, g, a, y, x, loss.item(), value,
                                                xt.grad.item(), grad))
            worst["value"] = max(worst["value"], ev)
            worst["grad"] = max(worst["grad"], eg)
            if name == "fl":
                v = naive_fl(torch.tensor(x, dtype=torch.float64), yt, g, a).item()
                naive = max(naive, rel(v, float(value)) if math.isfinite(v) else math.inf)
            n += 1
    print("torch %s: %d rows, worst relative error: value %.2g eps, grad %.2g eps "
          "(the 1 - sigmoid form: value %.2g)" % (torch.__version__, n, worst["value"] / EPS,
                                                   worst["grad"] / EPS, naive))
    print("torch family: %d rows, worst relative error: value %.2g eps, grad %.2g eps"
          % (fam["n"], fam["value"] / EPS, fam["grad"] / EPS))
    ok = n >= 500 and worst["value"] <= TOL_VALUE and worst["grad"] <= TOL_GRAD
    ok = ok and fam["n"] >= 800 and fam["value"] <= TOL_FAMILY and fam["grad"] <= TOL_FAMILY
    return 0 if ok else 1


def family_row(name, y, x, value, grad, params, fam):
    """One row of the weighting lab: forward value and autograd's dL/dx."""
    fn = ref.FAMILY.get(name)
    if fn is None:
        print("torch: no reference for '%s' in docs/torch_reference.py" % name)
        return False
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    loss = fn(xt, torch.tensor(y, dtype=torch.float64), **params_of(params))
    loss.backward()
    ev, eg = rel(loss.item(), float(value)), rel(xt.grad.item(), float(grad))
    if ev > TOL_FAMILY or eg > TOL_FAMILY:
        print("torch: %s %s y %g x %g: value %.17g (want %s), grad %.17g (want %s)"
              % (name, params, y, x, loss.item(), value, xt.grad.item(), grad))
    fam["value"] = max(fam["value"], ev)
    fam["grad"] = max(fam["grad"], eg)
    fam["n"] += 1
    return True


if __name__ == "__main__":
    sys.exit(main())
