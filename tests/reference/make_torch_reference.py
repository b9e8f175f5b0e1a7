"""Record PyTorch (float64) loss values and autograd gradients for ``tests/test_functional.py``.

PyTorch is not a dependency of the book. Regenerate the committed data file in a separate
environment (the CPU wheel only; a plain ``pip install torch`` pulls GBs of CUDA)::

    python3 -m venv /tmp/torchenv
    /tmp/torchenv/bin/pip install /path/to/torch-2.13.0+cpu-*.whl numpy
    /tmp/torchenv/bin/python tests/reference/make_torch_reference.py

Output: ``tests/reference/torch_reference.json`` (deterministic for a given torch version; every
input comes from ``numpy.random.default_rng`` with a fixed seed). Each record holds the function
name, its keyword arguments, ``input``, ``target``, the loss (a number or a nested list for
``reduction="none"``) and the gradient of the loss (for ``"none"``: of the sum of the losses) with
respect to ``input``, computed by ``torch.autograd``.

Three losses are not in PyTorch itself; neither torchvision nor the ASL repository is installable
here, so the script re-implements them *in torch* from their published sources (torch then
supplies the autograd gradient, independent of lossviz's hand-derived gradients):

* ``sigmoid_focal_loss``: torchvision.ops.sigmoid_focal_loss (torchvision/ops/focal_loss.py,
  BSD-3-Clause), line for line, including ``alpha < 0`` disabling the alpha factor.
* ``asymmetric_loss``: the official ``AsymmetricLoss.forward`` of github.com/Alibaba-MIIL/ASL
  (src/loss_functions/losses.py, Ridnik et al., ICCV 2021), line for line, except that it returns
  the element-wise loss (the class returns ``-loss.sum()``; the reduction is applied afterwards)
  and takes ``gamma_pos``/``gamma_neg``/``clip`` from the record. Its ``eps=1e-8`` clamp of the
  probabilities before the log is kept, so records use |logit| <= 12 where it is inactive;
  lossviz evaluates log p exactly, which the tests check against mpmath at extreme logits.
* ``multilabel_categorical_cross_entropy``: Su Jianlin's reference implementation (kexue.fm/
  archives/7359, bert4keras ``multilabel_categorical_crossentropy``), translated from Keras to torch
  line for line (the 1e12 masks and the appended zero logit included).

Extreme-logit records use |z| in {800, 1e3, 1e4}: there PyTorch's formulas are exact in float64
(the true small losses underflow to 0 in both), so values and gradients must match exactly.
Intermediate saturation (e.g. z = 40, where PyTorch's ``(1-y) z - log σ(z)`` loses the tiny
loss to rounding) is checked against mpmath in the tests instead.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
OUT = Path(__file__).with_name("torch_reference.json")
REDUCTIONS = ("none", "mean", "sum")
EXTREME = np.array([800.0, 1e3, 1e4])


# ---------------------------------------------------------------------------------------------
# losses PyTorch does not ship, re-implemented in torch from their sources (see module docstring)
# ---------------------------------------------------------------------------------------------
def torchvision_sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2.0, reduction="none"):
    # torchvision/ops/focal_loss.py, sigmoid_focal_loss (logging call omitted)
    p = torch.sigmoid(inputs)
    ce_loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
        loss = alpha_t * loss
    if reduction == "none":
        pass
    elif reduction == "mean":
        loss = loss.mean()
    elif reduction == "sum":
        loss = loss.sum()
    else:
        raise ValueError(f"Invalid Value for arg 'reduction': '{reduction}'")
    return loss


def official_asl_elementwise(x, y, gamma_neg=4, gamma_pos=1, clip=0.05, eps=1e-8):
    # Alibaba-MIIL/ASL src/loss_functions/losses.py, AsymmetricLoss.forward, returning -loss
    # element-wise instead of -loss.sum()
    x_sigmoid = torch.sigmoid(x)
    xs_pos = x_sigmoid
    xs_neg = 1 - x_sigmoid
    if clip is not None and clip > 0:
        xs_neg = (xs_neg + clip).clamp(max=1)
    los_pos = y * torch.log(xs_pos.clamp(min=eps))
    los_neg = (1 - y) * torch.log(xs_neg.clamp(min=eps))
    loss = los_pos + los_neg
    if gamma_neg > 0 or gamma_pos > 0:
        pt0 = xs_pos * y
        pt1 = xs_neg * (1 - y)
        pt = pt0 + pt1
        one_sided_gamma = gamma_pos * y + gamma_neg * (1 - y)
        one_sided_w = torch.pow(1 - pt, one_sided_gamma)
        loss = loss * one_sided_w
    return -loss


def su_multilabel_categorical_crossentropy(y_true, y_pred):
    # kexue.fm/archives/7359 (bert4keras.backend.multilabel_categorical_crossentropy), in torch
    y_pred = (1 - 2 * y_true) * y_pred
    y_pred_neg = y_pred - y_true * 1e12
    y_pred_pos = y_pred - (1 - y_true) * 1e12
    zeros = torch.zeros_like(y_pred[..., :1])
    y_pred_neg = torch.cat([y_pred_neg, zeros], dim=-1)
    y_pred_pos = torch.cat([y_pred_pos, zeros], dim=-1)
    neg_loss = torch.logsumexp(y_pred_neg, dim=-1)
    pos_loss = torch.logsumexp(y_pred_pos, dim=-1)
    return neg_loss + pos_loss


def _reduce(loss, reduction):
    return {"none": loss, "mean": loss.mean(), "sum": loss.sum()}[reduction]


# ---------------------------------------------------------------------------------------------
# one record
# ---------------------------------------------------------------------------------------------
def _t(a, long=False):
    return torch.tensor(np.asarray(a), dtype=torch.long if long else torch.float64)


def record(fn, x, target, kwargs, note=""):
    """Evaluate ``fn`` in torch at ``x`` and return a JSON-ready record."""
    xt = torch.tensor(np.asarray(x, dtype=np.float64), requires_grad=True)
    kw = dict(kwargs)
    for key in ("weight", "pos_weight"):
        if kw.get(key) is not None:
            kw[key] = _t(kw[key])
    reduction = kw.get("reduction", "mean")
    if fn == "cross_entropy":
        tt = _t(target, long=np.asarray(target).dtype.kind in "iu")
        loss = F.cross_entropy(xt, tt, **kw)
    elif fn == "sigmoid_focal_loss":
        loss = torchvision_sigmoid_focal_loss(xt, _t(target), **kw)
    elif fn == "asymmetric_loss":
        kw.pop("reduction", None)
        loss = _reduce(official_asl_elementwise(xt, _t(target), **kw), reduction)
    elif fn == "multilabel_categorical_cross_entropy":
        loss = _reduce(su_multilabel_categorical_crossentropy(_t(target), xt), reduction)
    else:
        loss = getattr(F, fn)(xt, _t(target), **kw)
    loss.sum().backward()
    return {
        "fn": fn,
        "note": note,
        "kwargs": {
            k: (np.asarray(v).tolist() if isinstance(v, np.ndarray) else v)
            for k, v in kwargs.items()
        },
        "input": np.asarray(x, dtype=np.float64).tolist(),
        "target": np.asarray(target).tolist(),
        "loss": loss.detach().numpy().tolist(),
        "grad": xt.grad.numpy().tolist(),
    }


# ---------------------------------------------------------------------------------------------
# inputs
# ---------------------------------------------------------------------------------------------
def shapes(rng):
    return [(7,), (3, 4), tuple(int(s) for s in rng.integers(2, 5, size=2)), (2, 3, 2)]


def extreme_logits(rng, shape):
    return rng.choice(np.concatenate([EXTREME, -EXTREME]), size=shape)


def regression(rng, out):
    for shape in shapes(rng):
        x = rng.normal(0, 2, shape)
        t = rng.normal(0, 2, shape)
        t.flat[0] = x.flat[0]  # a zero residual: subgradient choice at the kink (0 in PyTorch)
        for red in REDUCTIONS:
            out.append(record("l1_loss", x, t, {"reduction": red}))
            out.append(record("mse_loss", x, t, {"reduction": red}))
            for beta in (1.0, 0.5, 2.5, 0.0):
                out.append(record("smooth_l1_loss", x, t, {"reduction": red, "beta": beta}))
            for delta in (1.0, 0.3, 2.0):
                out.append(record("huber_loss", x, t, {"reduction": red, "delta": delta}))


def binary(rng, out):
    for shape in [(7,), (3, 4), (2, 3, 5)]:
        c = shape[-1]
        p = rng.uniform(0.001, 0.999, shape)
        p.flat[0], p.flat[-1] = 0.0, 1.0  # PyTorch's clamp at -100 and its gradient at p in {0,1}
        y_bin = (rng.random(shape) < 0.5).astype(float)
        y_soft = rng.random(shape)
        for y, kind in ((y_bin, "binary"), (y_soft, "soft")):
            for red in REDUCTIONS:
                for weight in (None, rng.uniform(0.1, 2.0, (c,)), rng.uniform(0.1, 2.0, shape)):
                    out.append(
                        record(
                            "binary_cross_entropy", p, y, {"weight": weight, "reduction": red}, kind
                        )
                    )
                    z = rng.normal(0, 2, shape)
                    for pw in (None, rng.uniform(0.2, 4.0, (c,))):
                        kw = {"weight": weight, "reduction": red, "pos_weight": pw}
                        out.append(record("binary_cross_entropy_with_logits", z, y, kw, kind))
                        zx = extreme_logits(rng, shape)
                        out.append(
                            record(
                                "binary_cross_entropy_with_logits", zx, y, kw, kind + ", extreme"
                            )
                        )


def softmax_ce(rng, out):
    for n, c in ((5, 3), (8, 6), (1, 2)):
        z = rng.normal(0, 2, (n, c))
        idx = rng.integers(0, c, n)
        probs = rng.random((n, c)) ** 3
        probs /= probs.sum(axis=1, keepdims=True)
        for red in REDUCTIONS:
            for weight in (None, rng.uniform(0.1, 2.0, c)):
                for eps in (0.0, 0.1, 0.35):
                    kw = {"weight": weight, "reduction": red, "label_smoothing": eps}
                    out.append(record("cross_entropy", z, idx, kw, "index"))
                    out.append(record("cross_entropy", z, probs, kw, "probabilities"))
                    zx = extreme_logits(rng, (n, c))
                    out.append(record("cross_entropy", zx, idx, kw, "index, extreme"))
                    if n > 1:
                        ign = idx.copy()
                        ign[0] = -100
                        kw2 = dict(kw, ignore_index=-100)
                        out.append(record("cross_entropy", z, ign, kw2, "ignore_index"))
            # unbatched (C,) logits with a scalar index / a (C,) probability target
            out.append(record("cross_entropy", z[0], idx[0], {"reduction": red}, "unbatched"))
            out.append(record("cross_entropy", z[0], probs[0], {"reduction": red}, "unbatched"))


def multilabel(rng, out):
    for n, c in ((4, 5), (6, 3), (1, 7)):
        z = rng.normal(0, 2, (n, c))
        y = (rng.random((n, c)) < 0.4).astype(float)
        y[0, 0] = 1.0  # at least one positive
        y_soft = rng.random((n, c))
        zx = extreme_logits(rng, (n, c))
        for red in REDUCTIONS:
            for weight in (None, rng.uniform(0.1, 2.0, c)):
                for yy, kind in ((y, "binary"), (y_soft, "soft")):
                    kw = {"weight": weight, "reduction": red}
                    out.append(record("multilabel_soft_margin_loss", z, yy, kw, kind))
                    out.append(
                        record("multilabel_soft_margin_loss", zx, yy, kw, kind + ", extreme")
                    )
            for alpha, gamma in ((0.25, 2.0), (-1.0, 2.0), (0.7, 0.5), (0.5, 0.0), (0.1, 3.0)):
                kw = {"alpha": alpha, "gamma": gamma, "reduction": red}
                for yy, kind in ((y, "binary"), (y_soft, "soft")):
                    out.append(record("sigmoid_focal_loss", z, yy, kw, kind))
                if gamma >= 1:  # torch's autograd of m**gamma at m = 0 is nan for gamma < 1
                    out.append(record("sigmoid_focal_loss", zx, y, kw, "binary, extreme"))
            for gp, gn, clip in (
                (0.0, 4.0, 0.05),
                (1.0, 4.0, 0.05),
                (0.5, 2.0, 0.2),
                (2.0, 1.0, 0.0),
            ):
                kw = {"gamma_pos": gp, "gamma_neg": gn, "clip": clip, "reduction": red}
                zz = np.clip(z, -12, 12)  # the official eps = 1e-8 clamp stays inactive
                out.append(record("asymmetric_loss", zz, y, kw, "binary"))
            out.append(record("multilabel_categorical_cross_entropy", z, y, {"reduction": red}))
            out.append(
                record("multilabel_categorical_cross_entropy", zx, y, {"reduction": red}, "extreme")
            )


def main():
    rng = np.random.default_rng(20240603)
    out: list[dict] = []
    regression(rng, out)
    binary(rng, out)
    softmax_ce(rng, out)
    multilabel(rng, out)
    data = {
        "torch_version": torch.__version__,
        "generator": "tests/reference/make_torch_reference.py",
        "seed": 20240603,
        "records": out,
    }
    OUT.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    print(f"{len(out)} records -> {OUT} ({OUT.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
