"""Local search climbs as NASLib's does: best improvement over one-mutation neighbourhoods,
a restart only at a local optimum; checked on a tiny space where every step can be seen."""
import numpy as np
import pytest

from naslib_nar.search.mutation import Mutator
from naslib_nar.baselines.registry import get_method
from naslib_nar.benchmarks.base import TabularBenchmark
from naslib_nar.spaces.nb201 import NB201Space


@pytest.fixture(scope="module")
def cube_bench():
    """NB201 where only the 64 cells with ops 'none'/'skip' on every edge can be queried:
    a 6-cube (6 neighbours per cell) with random accuracies, so it has several local optima."""
    archs = NB201Space().all_archs()
    on_cube = (archs <= 1).all(axis=1)
    val = np.full(len(archs), np.nan)
    val[on_cube] = np.random.default_rng(3).normal(80, 2, size=int(on_cube.sum()))
    return TabularBenchmark("nb201", "cifar10", archs, {"val_acc": val, "test_acc": val.copy()}, source="synthetic")


def _run(bench, seed, budget=64, num_init=3):
    trace = get_method("ls")(bench, seed=seed, budget=budget, params={"num_init": num_init})
    mutator = Mutator(bench, np.isfinite(bench.metric("val_acc")), np.random.default_rng(0))
    position = {row: i for i, row in enumerate(trace.rows.tolist())}
    observed = dict(zip(trace.rows.tolist(), trace.observed.tolist()))
    return trace, mutator.neighbours, position, observed


@pytest.mark.parametrize("seed", range(3))
def test_it_restarts_only_at_a_local_optimum(cube_bench, seed):
    trace, neighbours, position, observed = _run(cube_bench, seed)
    assert len(np.unique(trace.rows)) == 64 and trace.info["restarts"]
    for optimum, restart in trace.info["restarts"]:
        nbhd = neighbours(optimum).tolist()
        assert len(nbhd) == 6
        assert all(position[nb] < position[restart] for nb in nbhd)  # its whole neighbourhood labelled first
        assert all(observed[nb] <= observed[optimum] for nb in nbhd)  # and none of it better


@pytest.mark.parametrize("seed", range(3))
def test_it_moves_to_the_best_neighbour(cube_bench, seed):
    trace, neighbours, position, observed = _run(cube_bench, seed)
    init = trace.rows[:3].tolist()
    first_centre = init[int(np.argmax(trace.observed[:3]))]
    assert trace.rows[3] in neighbours(first_centre).tolist()  # the climb starts at the best initial cell
    assert trace.info["moves"]
    for here, there in trace.info["moves"]:
        nbhd = neighbours(here).tolist()
        assert there in nbhd and observed[there] > observed[here]
        assert observed[there] == max(observed[nb] for nb in nbhd)  # best improvement


def test_it_stops_when_every_architecture_is_labelled(cube_bench):
    with pytest.warns(UserWarning, match="exceeds the 64 architectures"):
        trace, *_ = _run(cube_bench, seed=0, budget=100)
    assert len(trace.rows) == 64 and len(np.unique(trace.rows)) == 64
