"""TabularBenchmark on tiny synthetic tables: look-ups, queries, seeds and validation."""
from __future__ import annotations

import numpy as np
import pytest

from naslib_nar.benchmarks import TabularBenchmark
from naslib_nar.spaces.nb201 import NB201Space

SPACE = NB201Space()
ARCHS = SPACE.all_archs()[::997][:12]  # 12 distinct architectures
N = len(ARCHS)
VAL = np.linspace(80.0, 91.0, N)
SEEDS = np.stack([VAL - 1, VAL + 1, np.where(np.arange(N) % 2 == 0, np.nan, VAL)], axis=1)
SEEDS[3] = np.nan  # a row without any per-seed value


def _bench(**overrides):
    kwargs = dict(metrics={"val_acc": VAL, "params": np.arange(N) * 1000.0, "test_acc": np.full(N, np.nan)},
                  seed_metrics={"val_acc": SEEDS}, dataset="toy")
    kwargs.update(overrides)
    return TabularBenchmark.from_arrays("nb201", SPACE.to_strings(ARCHS), **kwargs)


def test_rows_of_round_trips_and_reports_missing():
    bench = _bench()
    assert len(bench) == N and bench.space == "nb201" and bench.dataset == "toy"
    np.testing.assert_array_equal(bench.rows_of(ARCHS[::-1]), np.arange(N)[::-1])
    np.testing.assert_array_equal(bench.rows_of(SPACE.to_strings(ARCHS[:2])), [0, 1])
    absent = SPACE.all_archs()[1]
    with pytest.raises(KeyError, match=r"\|none~0\|.*not in the nb201 toy table \(12 archs\); 1 of the 2"):
        bench.rows_of(np.stack([ARCHS[0], absent]))
    np.testing.assert_array_equal(bench.rows_of(np.stack([ARCHS[0], absent]), missing="ignore"), [0, -1])
    with pytest.raises(ValueError, match="'missing' parameter"):
        bench.rows_of(ARCHS, missing="skip")


def test_query_mean_and_fixed_seed():
    bench = _bench()
    np.testing.assert_array_equal(bench.query([2, 0]), VAL[[2, 0]])
    assert bench.query(np.array([1]), "val_acc", seed=1)[0] == VAL[1] + 1
    assert bench.query([5], "params").dtype == np.float64
    with pytest.raises(ValueError, match="no per-seed values"):
        bench.query([0], "params", seed=0)
    with pytest.raises(ValueError, match="'seed' parameter"):
        bench.query([0], seed=3)


def test_query_random_seed_picks_existing_seeds_reproducibly():
    bench = _bench()
    rows = np.repeat(np.arange(N), 200)
    values = bench.query(rows, seed="random", random_state=0)
    np.testing.assert_array_equal(values, bench.query(rows, seed="random", random_state=0))
    assert not np.array_equal(values, bench.query(rows, seed="random", random_state=1))
    for r in range(N):
        got = set(values[rows == r].tolist())
        existing = set(SEEDS[r][np.isfinite(SEEDS[r])].tolist()) or {VAL[r]}  # row 3: falls back to the mean
        assert got == existing
    # a metric without per-seed values answers with its single value
    np.testing.assert_array_equal(bench.query([0, 1], "params", seed="random"), [0.0, 1000.0])


def test_metric_labelled_rows_best_and_read_only_arrays():
    val = VAL.copy()
    val[[0, 4]] = np.nan
    bench = _bench(metrics={"val_acc": val, "test_acc": np.full(N, np.nan)}, seed_metrics=None)
    np.testing.assert_array_equal(bench.labelled_rows("val_acc"), np.delete(np.arange(N), [0, 4]))
    assert bench.best("val_acc") == N - 1
    np.testing.assert_array_equal(bench.best_rows("val_acc"), [N - 1])
    tied = val.copy()
    tied[5] = tied[N - 1]  # two architectures share the best value (NB201 cifar10 test accuracy has such a tie)
    tied_bench = _bench(metrics={"val_acc": tied, "test_acc": np.full(N, np.nan)}, seed_metrics=None)
    assert tied_bench.best("val_acc") == 5
    np.testing.assert_array_equal(tied_bench.best_rows("val_acc"), [5, N - 1])
    with pytest.raises(ValueError, match="No architecture .* 'test_acc'"):
        bench.best("test_acc")
    with pytest.raises(ValueError, match=r"must be one of \['test_acc', 'val_acc'\]"):
        bench.metric("accuracy")
    with pytest.raises(ValueError):
        bench.metric("val_acc")[0] = 1.0
    assert "labelled=10" in repr(bench)


@pytest.mark.parametrize(
    "rows, error, match",
    [([N], ValueError, "outside"), ([-1], ValueError, "outside"), ([0.5], TypeError, "integer row"),
     ([True], TypeError, "integer row")],
)
def test_query_validates_rows(rows, error, match):
    with pytest.raises(error, match=match):
        _bench().query(rows)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(metrics={"val_acc": VAL[:-1]}), ValueError, r"shape \(12,\)"),
        (dict(metrics={"val_acc": ["a"] * N}), TypeError, "numeric"),
        (dict(metrics={}), TypeError, "non-empty dict"),
        (dict(metrics={"val_acc": VAL}, seed_metrics={"test_acc": SEEDS}), ValueError, "no entry in 'metrics'"),
        (dict(metrics={"val_acc": VAL}, seed_metrics={"val_acc": VAL}), ValueError, r"shape \(12, S\)"),
    ],
)
def test_init_validates_tables(kwargs, error, match):
    with pytest.raises(error, match=match):
        TabularBenchmark("nb201", "toy", ARCHS, **kwargs)


def test_init_validates_archs_and_space():
    with pytest.raises(ValueError, match="more than once"):
        TabularBenchmark("nb201", "toy", np.concatenate([ARCHS, ARCHS[:1]]), {"val_acc": np.zeros(N + 1)})
    with pytest.raises(TypeError, match="from_arrays"):
        TabularBenchmark("nb201", "toy", SPACE.to_strings(ARCHS), {"val_acc": VAL})
    with pytest.raises(ValueError, match="'space' parameter"):
        TabularBenchmark("nb301", "toy", ARCHS, {"val_acc": VAL})
    with pytest.raises(TypeError, match="CellBatch"):
        TabularBenchmark("nb101", "toy", ARCHS, {"val_acc": VAL})


def test_nb101_benchmark_from_specs_uses_the_official_hash():
    from naslib_nar.spaces.nb101 import NB101Space

    chain = {"matrix": [[0, 1, 0], [0, 0, 1], [0, 0, 0]], "ops": ["input", "conv3x3-bn-relu", "output"]}
    pool = {"matrix": [[0, 1, 1], [0, 0, 1], [0, 0, 0]], "ops": ["input", "maxpool3x3", "output"]}
    bench = TabularBenchmark.from_arrays("nb101", [chain, pool], {"val_acc": [90.0, 80.0]})
    # an equivalent spec with a dangling vertex prunes to the same cell
    padded = {"matrix": [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 0]],
              "ops": ["input", "conv3x3-bn-relu", "conv1x1-bn-relu", "output"]}
    np.testing.assert_array_equal(bench.rows_of([pool, padded, chain]), [1, 0, 0])
    np.testing.assert_array_equal(bench.rows_of(NB101Space().as_batch([pool])), [1])
    other = {"matrix": [[0, 1, 0], [0, 0, 1], [0, 0, 0]], "ops": ["input", "conv1x1-bn-relu", "output"]}
    with pytest.raises(KeyError, match="conv1x1-bn-relu"):
        bench.rows_of([other])
