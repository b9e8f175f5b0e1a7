"""Differential fuzz of every loss and gradient against mpmath (see ``mp_reference.py``).

Run the big fuzz (prints cases tried and the worst relative error per function)::

    .venv/bin/python tests/fuzz_losses.py --cases 2000 --seed 0

``tests/test_numerics_properties.py`` runs the same fuzz with a few cases per function. Inputs mix
moderate values, logits and residuals up to the float maximum, tiny values and exact zeros;
parameters cover their whole constraint range. The score is the relative error where the exact
value is a normal float (an exact 0 must be 0; a finite exact value must come out finite).

Cases left out on purpose (documented limits, not bugs): gradients with *soft* labels of the
binary losses (σ(z) - y cancels where σ(z) ≈ y: the error is small in absolute terms, not
relative), ASL within 1e-3 relative of its kink σ(z) = clip (σ(z) - clip cancels: the relative
error there is about 1e-16·σ(z)/(σ(z) - clip), exact to rounding otherwise), Gaussian NLL
with σ < 0.4 and Laplace NLL with b < 0.5 (log σ and log 2b < 0 can cancel the data term), and
Tukey's derivative near |r| = c (1 - (r/c)² cancels).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import mpmath as mp
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import mp_reference as R  # noqa: E402

import lossviz as lv  # noqa: E402

F = lv.functional


# ----------------------------------------------------------------------------------------------
# input generators
# ----------------------------------------------------------------------------------------------
def any_float(rng: np.random.Generator) -> float:
    """Moderate, large, huge (up to the float maximum), tiny values and exact zeros."""
    kind = rng.integers(0, 6)
    if kind == 0:
        return float(rng.uniform(-3, 3))
    if kind == 1:
        return float(rng.uniform(-60, 60))
    if kind == 2:
        return float(rng.choice([-1, 1]) * 10 ** rng.uniform(-300, 308.25))
    if kind == 3:
        return float(rng.choice([-1, 1]) * 10 ** rng.uniform(1, 5))
    if kind == 4:
        return float(rng.integers(-5, 6))
    return float(rng.choice([-1, 1]) * rng.choice([1e308, 1.7976931348623157e308, 40.0, 710.0]))


def log_uniform(rng, lo, hi) -> float:
    return float(10 ** rng.uniform(math.log10(lo), math.log10(hi)))


PARAMS: dict[str, Callable[[np.random.Generator], dict]] = {
    "smooth_l1": lambda g: {"beta": 0.0 if g.random() < 0.15 else log_uniform(g, 1e-3, 1e3)},
    "huber": lambda g: {"delta": log_uniform(g, 1e-3, 1e3)},
    "pseudo_huber": lambda g: {"delta": log_uniform(g, 1e-3, 1e3)},
    "barron": lambda g: {
        "alpha": float(g.choice([2.0, 0.0, -math.inf, 1.0, -2.0, g.uniform(-5, 4)])),
        "c": log_uniform(g, 1e-2, 1e2),
    },
    "welsch": lambda g: {"c": log_uniform(g, 1e-2, 1e2)},
    "geman_mcclure": lambda g: {"c": log_uniform(g, 1e-2, 1e2)},
    "tukey_biweight": lambda g: {"c": log_uniform(g, 1e-2, 1e2)},
    "gaussian_nll": lambda g: {"sigma": float(g.uniform(0.4, 10))},
    "laplace_nll": lambda g: {"b": float(g.uniform(0.5, 10))},
    "pinball": lambda g: {"tau": float(g.uniform(0.01, 0.99))},
    "bce": lambda g: {"pos_weight": 1.0 if g.random() < 0.5 else log_uniform(g, 1e-2, 1e2)},
    "focal": lambda g: {
        "alpha": float(g.choice([-1.0, 0.25, g.uniform(0, 1)])),
        "gamma": float(g.choice([0.0, 0.5, 1.0, 2.0, g.uniform(0, 5)])),
    },
    "asl": lambda g: {
        "gamma_pos": float(g.choice([0.0, 1.0, g.uniform(0, 4)])),
        "gamma_neg": float(g.choice([0.0, 4.0, g.uniform(0, 5)])),
        "clip": float(g.choice([0.0, 1e-17, 0.05, g.uniform(0, 0.3)])),
    },
}
FUNCTIONAL_PARAMS = {
    "smooth_l1_loss": PARAMS["smooth_l1"],
    "huber_loss": PARAMS["huber"],
    "sigmoid_focal_loss": PARAMS["focal"],
    "asymmetric_loss": PARAMS["asl"],
}


# ----------------------------------------------------------------------------------------------
# one case per call: yields (what, got, exact) pairs
# ----------------------------------------------------------------------------------------------
def _mpf(v):
    return mp.mpf(v) if math.isfinite(v) else (mp.inf if v > 0 else -mp.inf)


def registry_case(name: str, rng) -> Iterator[tuple[str, float, object]]:
    loss = lv.losses.get(name)
    kw = PARAMS.get(name, lambda g: {})(rng)
    v = any_float(rng)
    soft = loss.target == "unit" and rng.random() < 0.3
    y = None
    if loss.target is not None:
        y = float(rng.uniform(0, 1)) if soft else float(rng.integers(0, 2))
    args = (v,) if y is None else (v, y)
    got_v = float(loss.value(*args, **kw))
    got_g = float(loss.grad(*args, **kw))
    ref_v, ref_g = R.ELEMENTWISE[name]
    with mp.workdps(R.digits(v, *kw.values())):
        margs = [mp.mpf(a) for a in args]
        mkw = {k: _mpf(val) for k, val in kw.items()}
        exact_v = ref_v(*margs, **mkw)
        exact_g = ref_g(*margs, **mkw)
        if name == "asl" and y == 0 and kw["clip"] > 0:
            if abs(R.sig(margs[0]) - mkw["clip"]) < 1e-3 * mkw["clip"]:
                return
        if name == "tukey_biweight" and abs(abs(margs[0]) - mkw["c"]) < 1e-6 * mkw["c"]:
            yield "value", got_v, exact_v
            return
        yield "value", got_v, exact_v
        if not soft:
            yield "grad", got_g, exact_g


def regression_case(fname: str, rng):
    name = fname.removesuffix("_loss")
    kw = FUNCTIONAL_PARAMS.get(fname, lambda g: {})(rng)
    x, t = any_float(rng), any_float(rng) if rng.random() < 0.7 else 0.0
    got_v = float(getattr(F, fname)([x], [t], reduction="none", **kw)[0])
    got_g = float(getattr(F, fname + "_grad")([x], [t], reduction="none", **kw)[0])
    ref_v, ref_g = R.RESIDUAL[name]
    with mp.workdps(R.digits(x, t)):
        r = mp.mpf(x) - mp.mpf(t)
        mkw = {k: mp.mpf(v) for k, v in kw.items()}
        yield "value", got_v, ref_v(r, **mkw)
        yield "grad", got_g, ref_g(r, **mkw)


def logit_case(fname: str, rng):
    z = any_float(rng)
    if fname == "binary_cross_entropy":
        p = float(
            rng.choice(
                [
                    rng.uniform(0, 1),
                    10 ** rng.uniform(-300, 0),
                    1 - 10 ** rng.uniform(-16, 0),
                    0.0,
                    1.0,
                ]
            )
        )
        y = float(rng.integers(0, 2)) if rng.random() < 0.7 else float(rng.uniform(0, 1))
        got_v = float(F.binary_cross_entropy([p], [y], reduction="none")[0])
        got_g = float(F.binary_cross_entropy_grad([p], [y], reduction="none")[0])
        with mp.workdps(R.DPS):
            ev, eg = R.binary_cross_entropy(mp.mpf(p), mp.mpf(y))
            yield "value", got_v, ev
            if y in (0.0, 1.0):
                yield "grad", got_g, eg
        return
    soft = fname != "asymmetric_loss" and rng.random() < 0.3
    y = float(rng.uniform(0, 1)) if soft else float(rng.integers(0, 2))
    if fname == "binary_cross_entropy_with_logits":
        c = 1.0 if rng.random() < 0.5 else log_uniform(rng, 1e-2, 1e2)
        kw, mkw, ref = {"pos_weight": [c]}, {"pos_weight": c}, R.LOGIT["bce"]
    else:
        key = {"sigmoid_focal_loss": "focal", "asymmetric_loss": "asl"}[fname]
        kw = FUNCTIONAL_PARAMS[fname](rng)
        mkw, ref = dict(kw), R.LOGIT[key]
    got_v = float(getattr(F, fname)([z], [y], reduction="none", **kw)[0])
    got_g = float(getattr(F, fname + "_grad")([z], [y], reduction="none", **kw)[0])
    with mp.workdps(R.digits(z)):
        mz, mkw = mp.mpf(z), {k: mp.mpf(v) for k, v in mkw.items()}
        if fname == "asymmetric_loss" and y == 0 and mkw["clip"] > 0:
            if abs(R.sig(mz) - mkw["clip"]) < 1e-3 * mkw["clip"]:
                return
        yield "value", got_v, ref[0](mz, mp.mpf(y), **mkw)
        if not soft:
            yield "grad", got_g, ref[1](mz, mp.mpf(y), **mkw)


def row_case(fname: str, rng):
    c = int(rng.integers(2, 6))
    z = [any_float(rng) if rng.random() < 0.5 else float(rng.uniform(-40, 40)) for _ in range(c)]
    if fname == "cross_entropy":
        mode = rng.integers(0, 3)
        kw = {}
        if mode == 0:
            target, mt = int(rng.integers(0, c)), None
            mt = target
        elif mode == 1:
            target = int(rng.integers(0, c))
            kw["label_smoothing"] = float(rng.uniform(0, 1))
            mt = target
        else:
            q = rng.dirichlet(np.ones(c))
            target, mt = q[None, :], [float(v) for v in q]
        tgt = [target] if isinstance(target, int) else target
        got_v = float(F.cross_entropy([z], tgt, reduction="none", **kw)[0])
        got_g = F.cross_entropy_grad([z], tgt, reduction="sum", **kw)[0]
        with mp.workdps(R.digits(*z)):
            ev, eg = R.cross_entropy_row([mp.mpf(v) for v in z], mt, **kw)
            yield "value", got_v, ev
            if mode == 0:  # softmax - onehot: no cancellation; smoothed targets can cancel
                for k in range(c):
                    yield "grad", float(got_g[k]), eg[k]
        return
    y = [float(v) for v in rng.integers(0, 2, size=c)]
    fn = getattr(F, fname)
    got_v = float(fn([z], [y], reduction="none")[0])
    got_g = getattr(F, fname + "_grad")([z], [y], reduction="sum")[0]
    ref = (
        R.zlpr_row
        if fname == "multilabel_categorical_cross_entropy"
        else R.multilabel_soft_margin_row
    )
    with mp.workdps(R.digits(*z)):
        ev, eg = ref([mp.mpf(v) for v in z], y)
        yield "value", got_v, ev
        for k in range(c):
            yield "grad", float(got_g[k]), eg[k]


CASES: dict[str, Callable] = {
    **{f"losses.{n}": partial(registry_case, n) for n in R.ELEMENTWISE},
    **{
        f"F.{f}": partial(regression_case, f)
        for f in ("l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss")
    },
    **{
        f"F.{f}": partial(logit_case, f)
        for f in (
            "binary_cross_entropy",
            "binary_cross_entropy_with_logits",
            "sigmoid_focal_loss",
            "asymmetric_loss",
        )
    },
    **{
        f"F.{f}": partial(row_case, f)
        for f in (
            "cross_entropy",
            "multilabel_soft_margin_loss",
            "multilabel_categorical_cross_entropy",
        )
    },
}


def run(cases: int, seed: int = 0, names=None) -> dict[str, dict]:
    """{function: {"cases", "scored", "worst", "worst_case"}} over ``cases`` random cases each."""
    out = {}
    for i, (name, case) in enumerate(CASES.items()):
        if names is not None and name not in names:
            continue
        rng = np.random.default_rng([seed, i])
        worst, where, scored = 0.0, None, 0
        for k in range(cases):
            state = rng.bit_generator.state
            with np.errstate(invalid="raise", divide="raise", over="ignore", under="ignore"):
                pairs = list(case(rng))
            for what, got, exact in pairs:
                err = R.rel_error(got, exact)
                if err is None:
                    continue
                scored += 1
                if err > worst:
                    worst, where = err, (k, what, got, mp.nstr(exact, 17), state)
        out[name] = {"cases": cases, "scored": scored, "worst": worst, "worst_case": where}
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=2000, help="random cases per function")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--tol", type=float, default=1e-12)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    res = run(args.cases, args.seed)
    print(f"{'function':44s} {'cases':>6s} {'scored':>7s} {'worst rel err':>14s}")
    bad = 0
    for name, r in res.items():
        flag = "" if r["worst"] <= args.tol else "  <-- above tolerance"
        bad += bool(flag)
        print(f"{name:44s} {r['cases']:6d} {r['scored']:7d} {r['worst']:14.2e}{flag}")
        if flag:
            print("    worst case:", r["worst_case"][:4])
    total = sum(r["cases"] for r in res.values())
    print(f"{total} cases in {time.perf_counter() - t0:.0f} s; functions above {args.tol:g}: {bad}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
