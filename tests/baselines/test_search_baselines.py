import numpy as np
import pytest

from naslib_nar.baselines.evolution import Mutator, neighbour_archs, run_regularized_evolution
from naslib_nar.baselines.predictor_guided import one_hot_features, run_predictor_guided
from naslib_nar.baselines.registry import get_method
from naslib_nar.search.trace import SearchTrace, incumbent

run_random_search = get_method("random_search")

FAST_BANANAS = {"epochs": 30, "num_candidates": 30, "num_ensemble": 3}
METHODS = [
    (run_random_search, {}),
    (run_regularized_evolution, {}),
    (run_predictor_guided, FAST_BANANAS),
]


@pytest.mark.parametrize("run, params", METHODS)
def test_budget_is_respected_and_labels_are_unique(synthetic_bench, run, params):
    trace = run(synthetic_bench, seed=0, budget=37, params=params)
    assert isinstance(trace, SearchTrace)
    assert len(trace.rows) == 37 and len(np.unique(trace.rows)) == 37
    assert set(trace.kinds.tolist()) == {"search"} and trace.fidelity is None
    assert trace.info["implementation"].startswith("standalone")
    assert np.isfinite(trace.cost_seconds) and trace.cost_seconds > 0


@pytest.mark.parametrize("run, params", METHODS)
def test_reproducible_per_seed(synthetic_bench, run, params):
    a = run(synthetic_bench, seed=1, budget=25, params=params)
    b = run(synthetic_bench, seed=1, budget=25, params=params)
    c = run(synthetic_bench, seed=2, budget=25, params=params)
    assert np.array_equal(a.rows, b.rows) and np.array_equal(a.observed, b.observed)
    assert not np.array_equal(a.rows, c.rows)


@pytest.mark.parametrize("run, params", METHODS)
def test_bad_arguments(synthetic_bench, run, params):
    with pytest.raises(ValueError, match="Unknown (key|parameter)"):
        run(synthetic_bench, seed=0, budget=10, params={"no_such_knob": 1})
    with pytest.raises(ValueError, match="budget"):
        run(synthetic_bench, seed=0, budget=0, params=params)
    with pytest.raises(TypeError, match="seed"):
        run(synthetic_bench, seed="0", budget=10, params=params)


def test_guided_methods_beat_random_search_on_the_synthetic_space(synthetic_bench):
    # a smooth synthetic space: mutation and a predictor find better cells than chance
    def mean_b(run, params):
        return np.mean([incumbent(run(synthetic_bench, seed=s, budget=60, params=params), synthetic_bench,
                                  "test_acc", "b")["test_acc"] for s in range(3)])

    rs = mean_b(run_random_search, {})
    assert mean_b(run_regularized_evolution, {}) > rs
    assert mean_b(run_predictor_guided, FAST_BANANAS) > rs


def test_evolution_defaults_scale_with_the_budget(synthetic_bench):
    small = run_regularized_evolution(synthetic_bench, seed=0, budget=100).info["params"]
    large = run_regularized_evolution(synthetic_bench, seed=0, budget=300).info["params"]
    assert (small["population_size"], small["sample_size"]) == (25, 5)
    assert (large["population_size"], large["sample_size"]) == (50, 10)
    with pytest.raises(ValueError, match="sample_size"):
        run_regularized_evolution(synthetic_bench, seed=0, budget=50, params={"population_size": 5, "sample_size": 6})


def test_nb201_mutation_changes_exactly_one_edge(synthetic_bench):
    parent = np.array([[0, 1, 2, 3, 4, 0]], dtype=np.int8)
    children = neighbour_archs(synthetic_bench, parent, np.random.default_rng(0))
    assert children.shape == (24, 6) and len(np.unique(children, axis=0)) == 24
    assert ((children != parent).sum(axis=1) == 1).all()
    rng = np.random.default_rng(0)
    mutator = Mutator(synthetic_bench, np.ones(len(synthetic_bench), bool), rng)
    row = int(synthetic_bench.rows_of(parent)[0])
    every = set(mutator.neighbours(row).tolist())
    assert len(every) == 24 and mutator.mutate(row, exclude=every) >= 0  # falls back to two mutations away


def test_one_hot_features(synthetic_bench):
    x = one_hot_features(synthetic_bench, np.array([0, 1, 15624]))
    assert x.shape == (3, 30) and (x.sum(axis=1) == 6).all()


@pytest.mark.data
def test_nb101_baselines_query_labelled_cells_only(data_dir):
    from naslib_nar.benchmarks.load import load_benchmark

    bench = load_benchmark("nb101", "cifar10", data_dir=str(data_dir))
    labelled = np.isfinite(bench.metric("val_acc"))
    for run, params in ((run_regularized_evolution, {"population_size": 10}),
                        (run_predictor_guided, dict(FAST_BANANAS, num_candidates=10))):
        trace = run(bench, seed=0, budget=20, params=params)
        assert len(np.unique(trace.rows)) == 20 and labelled[trace.rows].all()
    mutator = Mutator(bench, labelled, np.random.default_rng(0))
    row = int(np.flatnonzero(labelled)[0])
    nb = mutator.neighbours(row)
    assert labelled[nb].all() and row not in nb.tolist()
    # a neighbour differs from the parent in one op or one edge (after pruning: in its cell size or graph)
    parent, child = bench.archs[row], bench.archs[int(nb[0])] if nb.size else None
    if child is not None:
        diff_ops = int((parent.ops != child.ops).sum())
        diff_adj = int((parent.adj != child.adj).sum())
        assert diff_ops + diff_adj >= 1
