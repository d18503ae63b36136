"""The y-axis of a best-so-far figure fits where the methods differ, not their first labels."""
import numpy as np
import pytest

from naslib_nar.experiments.plots import curves, focus_limits


def test_focus_limits_leave_out_the_first_points_and_keep_the_optimum():
    steep = np.concatenate([[60.0, 80.0], np.linspace(93.0, 94.0, 18)])  # 20 points, two far below
    low, high = focus_limits([(steep - 0.1, steep + 0.1)], skip=0.1, hline=94.37)
    assert 92.0 < low < 92.9 and 94.37 < high < 94.6
    assert focus_limits([(steep, steep)], skip=0.0) is None  # off: matplotlib's own limits
    flat = np.full(10, 94.0)
    assert focus_limits([(flat, flat)], skip=0.1) == pytest.approx((93.5, 94.5))  # no spread: half a point each way


def test_curves_draws_a_zoomed_figure(tmp_path):
    series = {"a": [[50.0, 90.0, 93.0, 94.0], [60.0, 91.0, 93.5, 94.0]], "b": [[70.0, 92.0, 93.0, 93.2]] * 2}
    path = curves(series, tmp_path / "f.png", xlabel="labels", ylabel="acc", title="t", hline=94.37, zoom_after=0.25)
    assert path.is_file() and path.stat().st_size > 1000
