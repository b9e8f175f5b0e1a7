"""Time every ``lossviz.functional`` loss and gradient on 1e6 elements, single-threaded.

    .venv/bin/python benchmarks/bench_losses.py [--n 1000000] [--repeat 7] [--git-ref HEAD]

For each function it prints the median wall time of ``lossviz`` (input checks included), of the
same function in an older commit (``--git-ref``, loaded from ``git show`` into a scratch package;
skipped if that commit has no such function), and of a plain NumPy baseline: the shortest NumPy
expression of the same quantity, without input checks, in PyTorch's own formula where PyTorch has
one (e.g. BCE-with-logits as max(z, 0) - z·y + log1p(e^{-|z|})). PyTorch is not a dependency; the
baseline stands in for it (a vectorised single-threaded CPU kernel is within a small factor of
one NumPy pass per operation). ``ratio`` = lossviz / baseline.

Thread pools are limited to one thread (``threadpoolctl`` and the usual environment variables)
so that numbers are comparable across machines and with PyTorch's ``torch.set_num_threads(1)``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from functools import partial  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import lossviz.functional as F  # noqa: E402


def _softplus(z):
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def baselines(x, y, p, yb, z2, idx):
    """name -> (args, kwargs, plain NumPy loss, plain NumPy gradient) on the same data."""
    r = lambda: x - y  # noqa: E731
    return {
        "l1_loss": ((x, y), {}, lambda: np.abs(r()).mean(), lambda: np.sign(r()) / x.size),
        "mse_loss": ((x, y), {}, lambda: np.mean(r() ** 2), lambda: 2 * r() / x.size),
        "smooth_l1_loss": (
            (x, y),
            {},
            lambda: np.mean(_np_smooth_l1(r())),
            lambda: np.clip(r(), -1, 1) / x.size,
        ),
        "huber_loss": (
            (x, y),
            {},
            lambda: np.mean(_np_smooth_l1(r())),
            lambda: np.clip(r(), -1, 1) / x.size,
        ),
        "binary_cross_entropy": (
            (p, yb),
            {},
            lambda: -np.mean(yb * np.log(p) + (1 - yb) * np.log1p(-p)),
            lambda: (p - yb) / (p * (1 - p)) / p.size,
        ),
        "binary_cross_entropy_with_logits": (
            (x, yb),
            {},
            lambda: np.mean(np.maximum(x, 0) - x * yb + np.log1p(np.exp(-np.abs(x)))),
            lambda: (_sigmoid(x) - yb) / x.size,
        ),
        "sigmoid_focal_loss": (
            (x, yb),
            {},
            lambda: _np_focal(x, yb),
            None,
        ),
        "asymmetric_loss": ((x, yb), {}, None, None),
        "cross_entropy": (
            (z2, idx),
            {},
            lambda: _np_ce(z2, idx),
            lambda: _np_ce_grad(z2, idx),
        ),
        "multilabel_soft_margin_loss": (
            (z2, (z2 > 0.3).astype(float)),
            {},
            lambda: np.mean(_softplus(z2) - z2 * (z2 > 0.3)),
            lambda: (_sigmoid(z2) - (z2 > 0.3)) / z2.size,
        ),
        "multilabel_categorical_cross_entropy": ((z2, (z2 > 0.3).astype(float)), {}, None, None),
    }


def _np_smooth_l1(r):
    a = np.abs(r)
    return np.where(a < 1, 0.5 * a * a, a - 0.5)


def _np_focal(z, y):
    p = _sigmoid(z)
    ce = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
    p_t = p * y + (1 - p) * (1 - y)
    return ce * (1 - p_t) ** 2 * (0.25 * y + 0.75 * (1 - y))


def _np_ce(z, idx):
    m = z.max(axis=1, keepdims=True)
    lse = np.log(np.exp(z - m).sum(axis=1)) + m[:, 0]
    return np.mean(lse - z[np.arange(len(idx)), idx])


def _np_ce_grad(z, idx):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    s = e / e.sum(axis=1, keepdims=True)
    s[np.arange(len(idx)), idx] -= 1
    return s / len(idx)


def old_functional(ref: str):
    """lossviz.functional as of git ``ref`` (with its _validation), or None."""
    tmp = Path(tempfile.mkdtemp(prefix="lossviz_old_")) / "lossviz_old"
    tmp.mkdir()
    for name in ("functional.py", "_validation.py"):
        try:
            src = subprocess.run(
                ["git", "-C", str(ROOT), "show", f"{ref}:lossviz/{name}"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        except subprocess.CalledProcessError:
            return None
        (tmp / name).write_text(src)
    (tmp / "__init__.py").write_text("")
    spec = importlib.util.spec_from_file_location(
        "lossviz_old", tmp / "__init__.py", submodule_search_locations=[str(tmp)]
    )
    pkg = importlib.util.module_from_spec(spec)
    sys.modules["lossviz_old"] = pkg
    spec.loader.exec_module(pkg)
    try:
        import lossviz_old.functional as old  # noqa: PLC0415

        return old
    except Exception:  # an old commit that needs more of the package: no comparison
        return None


def median_time(fn, repeat: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--git-ref", default="HEAD")
    args = ap.parse_args(argv)
    rng = np.random.default_rng(0)
    n = args.n
    x, y = rng.normal(scale=3, size=n), rng.normal(size=n)
    p, yb = rng.uniform(0.001, 0.999, size=n), (rng.random(n) < 0.3).astype(float)
    z2 = rng.normal(scale=3, size=(n // 10, 10))
    idx = rng.integers(0, 10, size=n // 10)
    old = old_functional(args.git_ref)
    rows = []
    with threadpool_limits(limits=1):
        for name, (a, kw, base_loss, base_grad) in baselines(x, y, p, yb, z2, idx).items():
            for suffix, base in (("", base_loss), ("_grad", base_grad)):
                fname = name + suffix
                t_new = median_time(partial(getattr(F, fname), *a, **kw), args.repeat)
                t_old = None
                if old is not None and hasattr(old, fname):
                    t_old = median_time(partial(getattr(old, fname), *a, **kw), args.repeat)
                t_base = median_time(base, args.repeat) if base is not None else None
                rows.append((fname, t_new, t_old, t_base))
    head = (
        f"{'function (1e6 elements, 1 thread)':46s} {'lossviz ms':>10s} {args.git_ref + ' ms':>10s}"
    )
    print(head + f" {'numpy ms':>9s} {'ratio':>6s}")
    for fname, t_new, t_old, t_base in rows:
        old_s = f"{1e3 * t_old:10.1f}" if t_old is not None else f"{'-':>10s}"
        base_s = f"{1e3 * t_base:9.1f}" if t_base is not None else f"{'-':>9s}"
        ratio = f"{t_new / t_base:6.2f}" if t_base is not None else f"{'-':>6s}"
        print(f"{fname:46s} {1e3 * t_new:10.1f} {old_s} {base_s} {ratio}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
