"""Contrastive and metric-learning losses: functions of embeddings, distances and similarities.

Unlike the per-element losses of the registry, these read a whole set of embeddings (a pair, a
triplet, a row of similarities, a batch), so they are plain functions of this module
(``lv.losses.metric``), not ``declare(...)`` entries. The pair and triplet losses are per-element
functions of distances, but they are not declared either: the registry's views have no distance
variable d ≥ 0 (a new view would need its own sympy variable and test grids), and both are
registry losses rescaled, which ``tests/test_losses_contrastive.py`` checks (pair: ½ mse(d) and
½ α² squared_hinge(d/α); triplet of x = d_an - d_ap: α hinge(x/α)). Conventions:

* ``contrastive_pair(d, similar, margin)``: ½·y·d² + ½·(1 - y)·max(0, margin - d)² with
  ``similar`` y = 1 for a pair that should be close, 0 for one that should be far (y broadcasts
  against d). (Hadsell,
  Chopra & LeCun 2006 write the label the other way round: their Y = 0 is a similar pair.)
* ``triplet(d_ap, d_an, margin)``: max(0, d_ap - d_an + margin) of the anchor-positive and
  anchor-negative distances. PyTorch's ``TripletMarginLoss`` (margin 1.0) uses Euclidean distances;
  FaceNet (Schroff et al. 2015) squared distances with margin 0.2. Pass whichever you mean.
* ``info_nce(scores, positive, tau)``: -log softmax(scores / τ)[positive] per row: softmax
  cross-entropy over similarities with the positive as the target class. Gradient
  (softmax(scores / τ) - onehot(positive)) / τ: each negative j is pushed with weight p_j / τ.
* ``nt_xent(z1, z2, tau)``: SimCLR's loss on a batch of N pairs of views: cosine similarities
  among all 2N embeddings, self-similarity left out, the other view as the positive; the mean
  over the 2N anchors.
* ``clip_loss(image, text, logit_scale)``: CLIP's symmetric loss, the mean of the cross-entropy
  over rows (image → text) and columns (text → image) of logit_scale · cos(image_i, text_j).
* ``alignment`` and ``uniformity``: Wang & Isola's (2020) measures of normalised embeddings.

Every function checks its input and raises ``ValueError``/``TypeError`` naming the argument.
Everything is computed with log-sum-exp, so large 1/τ does not overflow.
"""

from __future__ import annotations

import numpy as np

from .. import _validation as V

__all__ = [
    "alignment",
    "clip_loss",
    "contrastive_pair",
    "contrastive_pair_grad",
    "cosine_similarity",
    "info_nce",
    "info_nce_grad",
    "negative_weights",
    "nt_xent",
    "triplet",
    "triplet_kind",
    "uniformity",
]


# ----------------------------------------------------------------------------------------------
# pairs and triplets of distances
# ----------------------------------------------------------------------------------------------
def _distances(d, name: str) -> np.ndarray:
    x = V.as_array(d, name)
    if np.any(x < 0):
        raise ValueError(f"{name} must contain distances >= 0")
    return x


def _pair_args(d, similar, margin):
    x = _distances(d, "d")
    y = V.as_array(similar, "similar")
    V.check_binary(y, "similar")
    try:  # one label for every distance, or one per distance (as the registry's y)
        shape = np.broadcast_shapes(x.shape, y.shape)
    except ValueError:
        raise ValueError(
            f"similar must broadcast against d: got d {x.shape} and similar {y.shape}"
        ) from None
    return np.broadcast_to(x, shape), np.broadcast_to(y, shape), V.nonneg(margin, "margin")


def contrastive_pair(d, similar, margin: float = 1.0) -> np.ndarray:
    """Hadsell et al.'s pair loss ½·y·d² + ½·(1 - y)·max(0, margin - d)², elementwise.

    ``d``: distances ≥ 0; ``similar``: 1 for a similar pair (pulled together), 0 for a dissimilar
    pair (pushed apart until it is ``margin`` away, then ignored)."""
    x, y, m = _pair_args(d, similar, margin)
    gap = np.maximum(m - x, 0.0)
    return 0.5 * y * x * x + 0.5 * (1.0 - y) * gap * gap


def contrastive_pair_grad(d, similar, margin: float = 1.0) -> np.ndarray:
    """d contrastive_pair / d d = y·d - (1 - y)·max(0, margin - d) (0 beyond the margin)."""
    x, y, m = _pair_args(d, similar, margin)
    return y * x - (1.0 - y) * np.maximum(m - x, 0.0)


def _triplet_args(d_ap, d_an, margin):
    a = _distances(d_ap, "d_ap")
    n = _distances(d_an, "d_an")
    try:
        shape = np.broadcast_shapes(a.shape, n.shape)
    except ValueError:
        raise ValueError(f"d_an must broadcast against d_ap: got {a.shape} and {n.shape}") from None
    return np.broadcast_to(a, shape), np.broadcast_to(n, shape), V.nonneg(margin, "margin")


def triplet(d_ap, d_an, margin: float = 1.0) -> np.ndarray:
    """max(0, d_ap - d_an + margin): zero once the negative is ``margin`` farther than the
    positive (gradient -1 in d_an and +1 in d_ap while positive, PyTorch's 0 at the kink)."""
    a, n, m = _triplet_args(d_ap, d_an, margin)
    return np.maximum(a - n + m, 0.0)


def triplet_kind(d_ap, d_an, margin: float = 1.0) -> np.ndarray:
    """Each triplet's kind as a string array: ``"hard"`` (d_an < d_ap: the negative is closer
    than the positive), ``"semi-hard"`` (d_ap ≤ d_an < d_ap + margin: farther, but inside the
    margin, so the loss is still positive) or ``"easy"`` (d_an ≥ d_ap + margin: zero loss and
    zero gradient). FaceNet's semi-hard negatives are the middle kind."""
    a, n, m = _triplet_args(d_ap, d_an, margin)
    return np.where(n < a, "hard", np.where(n < a + m, "semi-hard", "easy"))


# ----------------------------------------------------------------------------------------------
# softmax over similarities
# ----------------------------------------------------------------------------------------------
def _scores_args(scores, positive, tau, min_k: int = 1):
    s = V.as_array(scores, "scores")
    if s.ndim not in (1, 2) or s.shape[-1] < min_k:
        raise ValueError(f"scores must have shape (K,) or (N, K) with K >= {min_k}, got {s.shape}")
    rows = s.reshape(-1, s.shape[-1])
    pos = np.asarray(positive)
    if pos.dtype.kind not in "iu":
        raise TypeError(f"positive must be an integer index (or array of them), got {pos.dtype}")
    pos = np.broadcast_to(pos, (rows.shape[0],)) if pos.ndim == 0 else pos
    if pos.shape != (rows.shape[0],):
        raise ValueError(f"positive must have one index per row ({rows.shape[0]}), got {pos.shape}")
    if np.any((pos < 0) | (pos >= rows.shape[1])):
        raise ValueError(f"positive must be in [0, {rows.shape[1]}), got {pos}")
    return rows, pos.astype(np.intp), V.positive(tau, "tau"), s.shape


def _log_softmax(x: np.ndarray) -> np.ndarray:
    """Row-wise log softmax, d - log1p(Σ_{k ≠ argmax} e^{d_k}) with d = x - max x: the log1p keeps
    full relative accuracy when the top entry dominates (a tiny loss of a confident row)."""
    top = np.argmax(x, axis=1)
    rows = np.arange(x.shape[0])
    d = x - x[rows, top][:, None]
    e = np.exp(d)
    e[rows, top] = 0.0
    return d - np.log1p(np.sum(e, axis=1, keepdims=True))


def info_nce(scores, positive=0, tau: float = 1.0) -> np.ndarray:
    """InfoNCE per row: -log( e^{s_+/τ} / Σ_k e^{s_k/τ} ), s_+ = scores[positive].

    ``scores``: similarities of one anchor to its K candidates (shape (K,)) or of N anchors
    (shape (N, K)); ``positive``: the index of the positive candidate (per row). Returns a 0-d
    array or shape (N,). It is softmax cross-entropy of the logits scores / τ."""
    rows, pos, t, shape = _scores_args(scores, positive, tau)
    out = -_log_softmax(rows / t)[np.arange(rows.shape[0]), pos]
    return out.reshape(shape[:-1])


def info_nce_grad(scores, positive=0, tau: float = 1.0) -> np.ndarray:
    """d info_nce / d scores = (softmax(scores / τ) - onehot(positive)) / τ, shaped like scores."""
    rows, pos, t, shape = _scores_args(scores, positive, tau)
    g = np.exp(_log_softmax(rows / t))
    g[np.arange(rows.shape[0]), pos] -= 1.0
    return (g / t).reshape(shape)


def negative_weights(scores, positive=0, tau: float = 1.0) -> np.ndarray:
    """Each negative's share of the push on the negatives: softmax over the negatives alone of
    scores / τ (the positive's entry is 0; the rest sum to 1 per row). Small τ concentrates it on
    the most similar (hardest) negative, large τ spreads it evenly."""
    rows, pos, t, shape = _scores_args(scores, positive, tau, min_k=2)  # at least one negative
    logits = rows / t
    logits[np.arange(rows.shape[0]), pos] = -np.inf
    w = np.exp(_log_softmax(logits))
    return w.reshape(shape)


def cosine_similarity(a, b) -> np.ndarray:
    """The matrix of cosine similarities a_i·b_j / (|a_i| |b_j|) of rows of (N, D) and (M, D)."""
    x, y = V.array(a, "a", ndim=2), V.array(b, "b", ndim=2)
    if x.shape[1] != y.shape[1]:
        raise ValueError(f"a and b must have the same dimension: got {x.shape} and {y.shape}")
    for arr, name in ((x, "a"), (y, "b")):
        if np.any(np.linalg.norm(arr, axis=1) == 0):
            raise ValueError(f"{name} must not contain a zero vector (its direction is undefined)")
    x = x / np.linalg.norm(x, axis=1, keepdims=True)
    y = y / np.linalg.norm(y, axis=1, keepdims=True)
    return np.clip(x @ y.T, -1.0, 1.0)


def nt_xent(z1, z2, tau: float = 0.5) -> float:
    """SimCLR's NT-Xent loss of N pairs of views z1[i], z2[i] (shapes (N, D), N ≥ 1).

    With u = concat(z1, z2) (2N rows) and s_ij = cos(u_i, u_j), anchor i's candidates are the
    2N - 1 other embeddings, its positive the other view of the same example, and its loss the
    InfoNCE of those similarities; the result is the mean over all 2N anchors."""
    x1, x2 = V.array(z1, "z1", ndim=2), V.array(z2, "z2", ndim=2)
    if x1.shape != x2.shape:
        raise ValueError(f"z1 and z2 must have the same shape: got {x1.shape} and {x2.shape}")
    t = V.positive(tau, "tau")
    n = x1.shape[0]
    u = np.vstack([x1, x2])
    s = cosine_similarity(u, u)
    others = ~np.eye(2 * n, dtype=bool)
    cand = s[others].reshape(2 * n, 2 * n - 1)  # row i without its self-similarity
    partner = np.r_[np.arange(n, 2 * n), np.arange(n)]
    pos = np.where(partner > np.arange(2 * n), partner - 1, partner)  # index after removing i
    return float(np.mean(info_nce(cand, pos, t)))


def clip_loss(image, text, logit_scale: float = 1 / 0.07) -> float:
    """CLIP's symmetric loss of N matched (image, text) embedding pairs (shapes (N, D)).

    logits = logit_scale · cos(image_i, text_j); the loss is ½ [CE over each row with target i
    (image → text) + CE over each column with target j (text → image)], each a mean over N.
    ``logit_scale`` = 1/τ (CLIP learns log(logit_scale), starting from 1/0.07)."""
    x, y = V.array(image, "image", ndim=2), V.array(text, "text", ndim=2)
    if x.shape != y.shape:
        raise ValueError(f"image and text must have the same shape: got {x.shape} and {y.shape}")
    scale = V.positive(logit_scale, "logit_scale")
    s = cosine_similarity(x, y)
    idx = np.arange(x.shape[0])
    rows = info_nce(s, idx, 1.0 / scale)
    cols = info_nce(s.T, idx, 1.0 / scale)
    return float(0.5 * (rows.mean() + cols.mean()))


# ----------------------------------------------------------------------------------------------
# alignment and uniformity (Wang & Isola 2020)
# ----------------------------------------------------------------------------------------------
def alignment(x, y, alpha: float = 2.0) -> float:
    """Mean ‖x_i - y_i‖^α over positive pairs (rows of x and y): smaller is better aligned."""
    a, b = V.array(x, "x", ndim=2), V.array(y, "y", ndim=2)
    if a.shape != b.shape:
        raise ValueError(f"x and y must have the same shape: got {a.shape} and {b.shape}")
    return float(np.mean(np.linalg.norm(a - b, axis=1) ** V.positive(alpha, "alpha")))


def uniformity(x, t: float = 2.0) -> float:
    """log of the mean of e^{-t ‖x_i - x_j‖²} over all pairs i < j (at least 2 rows): the log
    of a Gaussian potential; 0 when every point coincides, lower when they spread out."""
    a = V.array(x, "x", ndim=2)
    if a.shape[0] < 2:
        raise ValueError(f"x must have at least 2 rows, got {a.shape[0]}")
    tt = V.positive(t, "t")
    i, j = np.triu_indices(a.shape[0], k=1)
    sq = np.sum((a[i] - a[j]) ** 2, axis=1)
    e = -tt * sq
    top = e.max()
    return float(top + np.log(np.mean(np.exp(e - top))))
