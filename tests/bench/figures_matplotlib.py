#!/usr/bin/env python3
"""The focal figure set drawn with matplotlib, for `make bench`.

Draws the same twelve figures as plots/*.spec (same curves, sizes, ranges,
scales and number of samples; numpy for the losses, scipy.special.hyp2f1 for
the effective FGL loss, scipy.integrate.quad for the accuracy panel) and
writes each as PDF, PNG (300 dpi) and SVG into the directory given (with
"analytic" after it, only the nine analytic figures).  Only
the comparison of rendering speed is its purpose; the figures themselves are
not part of the project's output.
"""
import os
import sys
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from scipy import integrate, special  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else "build/bench-mpl"
# "analytic" as the second argument: only the nine analytic figures (the
# population ones need their experiment, which focal draws from a run file)
ANALYTIC_ONLY = len(sys.argv) > 2 and sys.argv[2] == "analytic"
FORMATS = ("pdf", "png", "svg")
warnings.filterwarnings("ignore")
os.makedirs(OUT, exist_ok=True)


def fl(p, g):
    return -(1 - p) ** g * np.log(p)


def fl_dpt(p, g):
    q = 1 - p
    return -(q ** g) / p + g * q ** (g - 1) * np.log(p)


def fgl_dpt(p, g):
    return -((1 - p) ** g) / p


def eff(p, g):
    x = 1 - p
    return x ** (g + 1) / (g + 1) * special.hyp2f1(1, g + 1, g + 2, x)


def save(fig, name):
    for f in FORMATS:
        fig.savefig(os.path.join(OUT, f"{name}.{f}"), dpi=300)
    plt.close(fig)


def main():
    p = np.linspace(1e-9, 1 - 1e-12, 500)
    with np.errstate(all="ignore"):
        fig, ax = plt.subplots(figsize=(3.4, 2.6))
        for g in (0, 0.5, 1, 2, 5):
            ax.plot(p, fl(p, g), label=f"$\\gamma = {g}$")
        ax.axvspan(0.5, 1, color="0.9")
        ax.set(xlim=(0, 1), ylim=(0, 5), xlabel="$p_t$", ylabel="loss")
        ax.legend()
        save(fig, "loss")

        fig, (a, b) = plt.subplots(1, 2, figsize=(7, 2.8))
        for g in (0.5, 1, 2):
            a.plot(p, fl_dpt(p, g), label=f"FL $\\gamma={g}$")
            a.plot(p, fgl_dpt(p, g), "--", label=f"FGL $\\gamma={g}$")
            b.semilogy(p, -fl_dpt(p, g))
            b.semilogy(p, -fgl_dpt(p, g), "--")
        a.set(ylim=(-6, 0))
        b.set(ylim=(1e-6, 1e3))
        a.legend()
        save(fig, "gradients")

        fig, (a, b) = plt.subplots(1, 2, figsize=(7, 2.8))
        for g in (1, 2, 3, 5):
            a.plot(p, fl(p, g))
            a.plot(p, eff(p, g), "--")
        for g in (0.5, 2.5):
            b.plot(p, fl(p, g))
            b.plot(p, eff(p, g), "--")
        b.plot(p, eff(p, 2) + 1.5, ":")
        b.plot(p, eff(p, 2), "--")
        a.set(ylim=(0, 3))
        b.set(ylim=(0, 3))
        a.legend([str(i) for i in range(8)])
        save(fig, "effective")

        pr = np.linspace(0, 1, 400)[1:-1]
        fig, ax = plt.subplots(figsize=(3.4, 2.6))
        for g in (0.5, 1, 2, 5):
            ax.plot(pr, g * (1 - pr) ** (g - 1) * np.log(pr))
            pm = np.linspace(0, 1, 21)[1:-1]
            ax.plot(pm, -g * (-(1 - pm) ** (g - 1) * np.log(pm)), "v")
        ax.set(ylim=(-4, 0))
        save(fig, "residual")

        fig, (a, b) = plt.subplots(1, 2, figsize=(7, 2.8))
        for g in (1, 2, 5):
            q = 1 - p
            a.semilogy(p, q ** g * (1 + g * p * -np.log(p) / q))
            a.semilogy(p, q ** g, "--")
        gs = np.linspace(0, 5, 201)
        wfl = lambda pp, g: (1 - pp) ** g * (1 + g * pp * -np.log(pp) / (1 - pp))  # noqa: E731
        b.semilogy(gs, wfl(0.1, gs) / wfl(0.9, gs))
        b.semilogy(gs, (0.9 / 0.1) ** gs, "--")
        a.set(ylim=(1e-4, 2))
        save(fig, "weights")

        x = np.linspace(-10, 10, 500)
        sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
        fig, ax = plt.subplots(figsize=(3.4, 2.6))
        pt = sig(x)
        ax.plot(x, pt - 1)
        ax.plot(x, (1 - pt) ** 2 * (2 * pt * np.log(pt) + pt - 1))
        ax.plot(x, -((1 - pt) ** 3))
        ax.plot(x, sig(2 * x + 1) - 1)
        ax.plot(x, sig(4 * x) - 1)
        ax.set(ylim=(-1.3, 0.05))
        save(fig, "logit_grad")

        x = np.linspace(-5, 5, 500)
        pt = sig(x)
        fig, ax = plt.subplots(figsize=(3.4, 2.6))
        ax.plot(x, -np.log(pt))
        ax.plot(x, fl(pt, 2))
        ax.plot(x, -np.log(sig(2 * x + 1)) / 2)
        ax.plot(x, -np.log(sig(4 * x)) / 4)
        ax.set(ylim=(0, 5))
        save(fig, "flstar")

        fig, (a, b) = plt.subplots(1, 2, figsize=(7, 2.6))
        for ax, g in ((a, 2), (b, 2.5)):
            k = np.arange(1, 13)
            ax.stem(k, 1 / k)
            ax.stem(k[: 10] + g, 1 / k[:10], markerfmt="s")
            ax.stem(k[:10] + g, 1 / (k[:10] + g), markerfmt="^")
        save(fig, "series")

        fig, (a, b) = plt.subplots(1, 2, figsize=(7, 2.8))
        pl = np.logspace(-300, np.log10(0.999999), 61)
        for g in (0.5, 2.5, 50):
            e = np.array([eff(v, g) for v in pl])
            nq = np.array([integrate.quad(lambda t: (1 - np.exp(-t)) ** g, 0, -np.log(v),
                                          epsabs=0, epsrel=1e-13, limit=200)[0] for v in pl])
            a.loglog(pl, np.maximum(abs(e - nq) / e, 1e-18), "o")
            b.loglog(pl, np.maximum(abs(e - nq) / e, 1e-18), "s")
        save(fig, "accuracy")
        if ANALYTIC_ONLY:
            return

        # populations: 100k anchors at 1:1000, converged and init states
        rng = np.random.default_rng(1)
        n = 100_000
        b = np.log(0.01 / 0.99)

        def draw(pm, ps, nm, ns):
            y = rng.random(n) < 1 / 1001
            x = np.where(y, b + pm + ps * rng.normal(size=n), b + nm + ns * rng.normal(size=n))
            return y, x

        y, x = draw(6.5, 1.5, -3.0, 1.5)
        xt = np.where(y, x, -x)
        pt = sig(xt)
        fig, axs = plt.subplots(2, 2, figsize=(7, 5.2))
        for row, loss in enumerate(("fl", "fgl")):
            for col, grp in enumerate((y, ~y)):
                ax = axs[row][col]
                for g in (0, 0.5, 1, 2):
                    p = pt[grp]
                    l = fl(p, g) if loss == "fl" else np.where(p < 1, eff(p, g), 0)
                    l = np.sort(l)
                    c = np.cumsum(l) / l.sum()
                    ax.plot(np.linspace(0, 1, len(c)), c, label=f"$\\gamma = {g}$")
                ax.legend()
        save(fig, "pop_cdf")

        fig, axs = plt.subplots(2, 2, figsize=(7, 5.2))
        for row, st in enumerate(((0, 0.01, 0, 0.01), (6.5, 1.5, -3.0, 1.5))):
            yy, xx = draw(*st)
            p = sig(np.where(yy, xx, -xx))
            for col in range(2):
                shares = []
                for w in (lambda p: -np.log(p), lambda p: fl(p, 2), lambda p: eff(p, 2)):
                    v = w(p)
                    shares.append([v[yy].sum(), v[~yy & (p < 0.5)].sum(), v[~yy & (p >= 0.5)].sum()])
                shares = np.array(shares) / np.array(shares).sum(axis=1, keepdims=True)
                bottom = np.zeros(len(shares))
                for k in range(3):
                    axs[row][col].bar(np.arange(len(shares)), shares[:, k], bottom=bottom)
                    bottom += shares[:, k]
        save(fig, "pop_shares")

        fig, ax = plt.subplots(figsize=(3.4, 2.6))
        gn = 1 - pt
        for grp in (~y, y):
            h, e = np.histogram(gn[grp], bins=20, range=(0, 1))
            ax.step(e[:-1], h / h.sum(), where="post")
        ax.set_yscale("log")
        save(fig, "pop_gradnorm")


if __name__ == "__main__":
    main()
