"""The contract every search baseline keeps (on the synthetic NB201 of tests/baselines/conftest.py),
and the pieces they share: mutation, neighbourhoods, features."""
import numpy as np
import pytest

from naslib_nar._validation import UnknownKeyError
from naslib_nar.baselines.evolution import EvolutionSearcher
from naslib_nar.search.mutation import Mutator
from naslib_nar.spaces.neighbours import neighbour_archs
from naslib_nar.baselines.local_search import LocalSearcher
from naslib_nar.baselines.npenas import NpenasSearcher
from naslib_nar.baselines.predictor_guided import BananasSearcher, one_hot_features
from naslib_nar.baselines.registry import get_method
from naslib_nar.search.searcher import SearchContext
from naslib_nar.search.trace import SearchTrace, incumbent

FAST_PREDICTOR = {"epochs": 30, "num_candidates": 30, "num_ensemble": 3}
#: name -> params that keep the test fast; every method that never labels an architecture twice
SEARCHERS = {"random_search": {}, "evolution": {}, "ls": {}, "bananas": FAST_PREDICTOR, "npenas": FAST_PREDICTOR}
#: name -> (a misspelt parameter, the suggestion expected, a bad value, the error it raises)
BAD_PARAMS = {
    "random_search": ("noisey", "noisy", {"noisy": "yes"}, TypeError),
    "evolution": ("population", "population_size", {"population_size": 1}, ValueError),
    "ls": ("num_inits", "num_init", {"num_init": 0}, ValueError),
    "bananas": ("acquisiton", "acquisition", {"acquisition": "ei"}, ValueError),
    "npenas": ("num_candidate", "num_candidates", {"lr": 0.0}, ValueError),
}


def drive(searcher, bench, seed, budget, n_of):
    """Run ``searcher`` by hand with ``ask(n_of(remaining))``; returns every (ask, n) pair."""
    queryable = np.isfinite(bench.metric("val_acc"))
    searcher.start(SearchContext(bench=bench, queryable=queryable, rng=np.random.default_rng([seed, 1]),
                                 budget=budget, seed=seed))
    asks, spent = [], 0
    while spent < budget:
        n = n_of(budget - spent)
        ask = searcher.ask(n)
        if len(ask) == 0:
            break
        asks.append((ask, n))
        searcher.tell(ask, bench.metric("val_acc")[ask.rows])
        spent += len(ask)
    return asks


@pytest.mark.parametrize("name", sorted(SEARCHERS))
def test_budget_is_respected_and_labels_are_unique(synthetic_bench, name):
    trace = get_method(name)(synthetic_bench, seed=0, budget=37, params=SEARCHERS[name])
    assert isinstance(trace, SearchTrace) and trace.method == name
    assert len(trace.rows) == 37 and len(np.unique(trace.rows)) == 37
    assert set(trace.kinds.tolist()) == {"search"} and trace.fidelity is None
    assert trace.info["implementation"].startswith(("standalone", "our minimal version of NASLib's"))
    assert np.isfinite(trace.cost_seconds) and trace.cost_seconds > 0


@pytest.mark.parametrize("name", sorted(SEARCHERS))
def test_reproducible_per_seed(synthetic_bench, name):
    run = get_method(name)
    a = run(synthetic_bench, seed=1, budget=25, params=SEARCHERS[name])
    b = run(synthetic_bench, seed=1, budget=25, params=SEARCHERS[name])
    c = run(synthetic_bench, seed=2, budget=25, params=SEARCHERS[name])
    assert np.array_equal(a.rows, b.rows) and np.array_equal(a.observed, b.observed)
    assert not np.array_equal(a.rows, c.rows)


@pytest.mark.parametrize("name", sorted(set(SEARCHERS) - {"random_search"}))
def test_ask_returns_at_most_n(synthetic_bench, name):
    # n cycles through 1..4, below the initial and batch sizes, so every searcher must cut its asks
    rng = np.random.default_rng(0)
    searcher_class = {"evolution": EvolutionSearcher, "ls": LocalSearcher, "bananas": BananasSearcher,
                      "npenas": NpenasSearcher}[name]
    asks = drive(searcher_class(**SEARCHERS[name]), synthetic_bench, seed=0, budget=45,
                 n_of=lambda left: min(left, int(rng.integers(1, 5))))
    assert all(1 <= len(ask) <= n for ask, n in asks)
    labelled = np.concatenate([ask.rows for ask, _ in asks])
    assert len(labelled) == 45 and len(np.unique(labelled)) == 45


@pytest.mark.parametrize("name", sorted(SEARCHERS))
def test_unknown_and_bad_parameters_are_rejected(synthetic_bench, name):
    run = get_method(name)
    typo, suggestion, bad, error = BAD_PARAMS[name]
    with pytest.raises(UnknownKeyError, match=f"Unknown key '{typo}'.*Did you mean '{suggestion}'"):
        run(synthetic_bench, seed=0, budget=10, params={typo: 1})
    with pytest.raises(error, match=repr(next(iter(bad)))):
        run(synthetic_bench, seed=0, budget=10, params=bad)
    with pytest.raises(ValueError, match="budget"):
        run(synthetic_bench, seed=0, budget=0, params=SEARCHERS[name])
    with pytest.raises(TypeError, match="seed"):
        run(synthetic_bench, seed="0", budget=10, params=SEARCHERS[name])


def test_guided_methods_beat_random_search_on_the_synthetic_space(synthetic_bench):
    # a smooth synthetic space: mutation, climbing and a predictor find better cells than chance
    def mean_b(name):
        run = get_method(name)
        return np.mean([incumbent(run(synthetic_bench, seed=s, budget=60, params=SEARCHERS[name]), synthetic_bench,
                                  "test_acc", "b")["test_acc"] for s in range(3)])

    rs = mean_b("random_search")
    for name in ("evolution", "ls", "bananas", "npenas"):
        assert mean_b(name) > rs, name


def test_npenas_is_bananas_scored_by_the_mean(synthetic_bench):
    # given the same random stream, npenas proposes exactly what bananas does with the mean acquisition
    def rows(searcher):
        return np.concatenate([ask.rows for ask, _ in drive(searcher, synthetic_bench, seed=0, budget=40,
                                                           n_of=lambda left: left)])

    npenas = rows(NpenasSearcher(**FAST_PREDICTOR))
    assert np.array_equal(npenas, rows(BananasSearcher(acquisition="mean", **FAST_PREDICTOR)))
    assert not np.array_equal(npenas, rows(BananasSearcher(acquisition="its", **FAST_PREDICTOR)))
    with pytest.raises(UnknownKeyError, match="'acquisition'"):
        get_method("npenas")(synthetic_bench, seed=0, budget=30, params={"acquisition": "its"})


def test_evolution_defaults_scale_with_the_budget(synthetic_bench):
    run = get_method("evolution")
    small = run(synthetic_bench, seed=0, budget=100).info["params"]
    large = run(synthetic_bench, seed=0, budget=300).info["params"]
    assert (small["population_size"], small["sample_size"]) == (25, 5)
    assert (large["population_size"], large["sample_size"]) == (50, 10)
    with pytest.raises(ValueError, match="sample_size"):
        run(synthetic_bench, seed=0, budget=50, params={"population_size": 5, "sample_size": 6})
    with pytest.raises(ValueError, match="sample_size"):  # 30 > the population of 10 a 40-label budget gives
        run(synthetic_bench, seed=0, budget=40, params={"sample_size": 30})


def test_nb201_mutation_changes_exactly_one_edge(synthetic_bench):
    parent = np.array([[0, 1, 2, 3, 4, 0]], dtype=np.int8)
    children = neighbour_archs(synthetic_bench.space, parent, np.random.default_rng(0))
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
    for name, params in (("evolution", {"population_size": 10}), ("ls", {}),
                         ("bananas", dict(FAST_PREDICTOR, num_candidates=10))):
        trace = get_method(name)(bench, seed=0, budget=20, params=params)
        assert len(np.unique(trace.rows)) == 20 and labelled[trace.rows].all(), name
    mutator = Mutator(bench, labelled, np.random.default_rng(0))
    rows = np.flatnonzero(labelled)[:50]
    neighbourhoods = {int(r): mutator.neighbours(int(r)) for r in rows}
    with_neighbours = {r: nb for r, nb in neighbourhoods.items() if nb.size}
    assert with_neighbours, "none of 50 labelled cells has a labelled neighbour"
    for row, nb in with_neighbours.items():
        assert labelled[nb].all() and row not in nb.tolist()
        # a neighbour is another cell: one op or one edge changed (after pruning: possibly its size too)
        parent, children = bench.archs[np.array([row])], bench.archs[nb]
        differs = ((children.ops != parent.ops).any(axis=1) | (children.adj != parent.adj).any(axis=(1, 2))
                   | (children.num_vertices != parent.num_vertices))
        assert differs.all()
