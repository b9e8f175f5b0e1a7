"""Axis-aligned boxes ``[x1, y1, x2, y2]``: intersection over union and generalised IoU, the
quantities behind the IoU losses of object detection (``loss = 1 - IoU`` or ``1 - GIoU``)."""

from __future__ import annotations

import numpy as np

from . import _validation as V

__all__ = ["box_iou", "box_giou"]


def _box(value, name: str) -> np.ndarray:
    b = V.vector(value, name)
    if b.shape != (4,):
        raise ValueError(f"{name} must be a box [x1, y1, x2, y2] of 4 numbers, got shape {b.shape}")
    if not (b[2] > b[0] and b[3] > b[1]):
        raise ValueError(f"{name} must have x2 > x1 and y2 > y1, got {b.tolist()}")
    return b


def _overlap(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter, union


def box_iou(pred, target) -> float:
    """Intersection over union of two axis-aligned boxes ``[x1, y1, x2, y2]`` (``x2 > x1``, ``y2 > y1``).

    The IoU loss (UnitBox) is ``1 - box_iou``. It is 0 for every pair of disjoint boxes, so it gives
    no gradient there; see :func:`box_giou`.
    """
    a, b = _box(pred, "pred"), _box(target, "target")
    inter, union = _overlap(a, b)
    return float(inter / union)


def box_giou(pred, target) -> float:
    """Generalised IoU (Rezatofighi et al., 2019): ``IoU - |C minus (A union B)| / |C|``, in (-1, 1].

    ``C`` is the smallest box enclosing both. Unlike IoU it keeps decreasing as disjoint boxes move
    apart; the GIoU loss is ``1 - box_giou``.
    """
    a, b = _box(pred, "pred"), _box(target, "target")
    inter, union = _overlap(a, b)
    hull = (max(a[2], b[2]) - min(a[0], b[0])) * (max(a[3], b[3]) - min(a[1], b[1]))
    return float(inter / union - (hull - union) / hull)
