"""Neighbourhoods of more than one mutation (``neighbour_radius``): exactly the queryable
architectures within that many mutations, and the per-space defaults."""
import numpy as np
import pytest

from naslib_nar.search.mutation import Mutator
from naslib_nar.search.settings import resolve


@pytest.mark.parametrize("share", [1.0, 0.3])
def test_within_two_mutations_is_every_queryable_arch_at_edit_distance_one_or_two(synthetic_nb201, share):
    archs = synthetic_nb201.archs
    rng = np.random.default_rng(5)
    queryable = rng.random(len(archs)) < share
    mutator = Mutator(synthetic_nb201, queryable, np.random.default_rng(0))
    for row in rng.choice(len(archs), 3, replace=False):
        distance = (archs != archs[row]).sum(axis=1)  # NB201: one mutation changes one edge's op
        expected = np.flatnonzero((distance >= 1) & (distance <= 2) & queryable)
        np.testing.assert_array_equal(mutator.within(row, 2), expected)
        np.testing.assert_array_equal(np.sort(mutator.within(row, 1)), np.sort(mutator.neighbours(row)))
        if share == 1.0:
            assert len(expected) == 24 + 15 * 16  # 6 edges x 4 other ops, then pairs of edges


def test_neighbour_radius_default_and_bounds():
    assert resolve("nar", "nb201", {}).neighbour_radius == resolve("nar", "nb101", {}).neighbour_radius == 1
    assert resolve("nar", "nb101", {"neighbour_radius": 2}).neighbour_radius == 2
    assert resolve("nar_paper", "nb101", {}).neighbours == 0  # the paper's search: no neighbourhoods at all
    with pytest.raises(ValueError, match="neighbour_radius"):
        resolve("nar", "nb201", {"neighbour_radius": 4})
    with pytest.raises(ValueError, match="neighbour_radius"):
        resolve("nar", "nb201", {"neighbour_radius": 0})
