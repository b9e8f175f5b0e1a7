"""lossviz.boxes: IoU and GIoU by hand."""

from __future__ import annotations

import numpy as np
import pytest

from lossviz import boxes as R


def test_box_iou_and_giou_by_hand():
    gt = [0, 0, 10, 10]
    assert R.box_iou(gt, gt) == 1.0 and R.box_giou(gt, gt) == 1.0
    # shifted by 2: intersection 8*10 = 80, union 120
    assert R.box_iou([2, 0, 12, 10], gt) == pytest.approx(2 / 3, rel=1e-15)
    # grown to 12x12: intersection 100, union 144, hull = union -> GIoU = IoU
    assert R.box_iou([0, 0, 12, 12], gt) == pytest.approx(25 / 36, rel=1e-15)
    assert R.box_giou([0, 0, 12, 12], gt) == pytest.approx(25 / 36, rel=1e-15)
    # disjoint, gap 1: union 200, hull 21*10 = 210 -> GIoU = -10/210
    assert R.box_iou([11, 0, 21, 10], gt) == 0.0
    assert R.box_giou([11, 0, 21, 10], gt) == pytest.approx(-10 / 210, rel=1e-15)
    # touching corners only: zero-area intersection
    assert R.box_iou([10, 10, 20, 20], gt) == 0.0
    assert R.box_giou([10, 10, 20, 20], gt) == pytest.approx(-200 / 400, rel=1e-15)


@pytest.mark.parametrize(
    ("call", "exc", "word"),
    [
        (lambda: R.box_iou([0, 0, 1], [0, 0, 1, 1]), ValueError, "pred"),
        (lambda: R.box_iou([0, 0, 1, 1], [1, 0, 0, 1]), ValueError, "target"),
        (lambda: R.box_giou([0, 0, 1, np.nan], [0, 0, 1, 1]), ValueError, "pred"),
    ],
)
def test_bad_input_raises_naming_argument(call, exc, word):
    with pytest.raises(exc, match=word):
        call()
