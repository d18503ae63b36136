"""Synthetic NB201 data whose accuracy is a closed-form function of the ops."""
from __future__ import annotations

import numpy as np
import pytest

from naslib_nar.spaces.nb201 import NB201Space

# Per-edge value of each op (none, skip, conv1x1, conv3x3, avg_pool): convs help, none hurts.
_OP_VALUE = np.array([-1.0, 0.2, 0.8, 1.2, 0.1])


@pytest.fixture(scope="module")
def synthetic_nb201():
    rng = np.random.default_rng(0)
    archs = NB201Space().sample(260, random_state=rng)
    weights = np.linspace(1.0, 2.0, 6)
    y = 70 + 5 * (_OP_VALUE[archs] * weights).sum(axis=1) + rng.normal(0, 0.3, size=len(archs))
    return archs, y
