import numpy as np
import pytest

from naslib_nar._validation import UnknownKeyError
from naslib_nar.baselines.bohb import check_available
from naslib_nar.baselines.registry import get_method, why_unavailable

run_bohb = get_method("bohb")


def test_nb101_is_rejected_with_a_clear_error():
    with pytest.raises(NotImplementedError, match="NAS-Bench-201 only"):
        check_available("nb101")


def test_parameters_are_checked_before_any_label(synthetic_bench):
    with pytest.raises(UnknownKeyError, match="Unknown key 'num_sample'.*Did you mean 'num_samples'"):
        run_bohb(synthetic_bench, seed=0, budget=10, params={"num_sample": 100})
    with pytest.raises(UnknownKeyError, match="'max_budget'"):  # fixed by the benchmark's fidelities
        run_bohb(synthetic_bench, seed=0, budget=10, params={"max_budget": 100})
    with pytest.raises(ValueError, match="'top_n_percent'.*range"):
        run_bohb(synthetic_bench, seed=0, budget=10, params={"top_n_percent": 100})
    with pytest.raises(TypeError, match="'eta'"):
        run_bohb(synthetic_bench, seed=0, budget=10, params={"eta": "3"})


def test_unavailable_on_nb101_through_the_registry():
    assert "NAS-Bench-201 only" in why_unavailable("bohb", "nb101")


def test_synthetic_run_is_reproducible_at_both_fidelities(synthetic_bench):
    pytest.importorskip("hpbandster")
    state = np.random.get_state()
    trace = run_bohb(synthetic_bench, seed=0, budget=20)
    assert np.array_equal(np.random.get_state()[1], state[1])  # the global RNG is left as it was
    assert len(trace.rows) == 20 and set(np.unique(trace.fidelity).tolist()) == {12.0, 200.0}
    again = run_bohb(synthetic_bench, seed=0, budget=20)
    assert np.array_equal(again.rows, trace.rows) and np.array_equal(again.observed, trace.observed)


def test_missing_library_names_the_extra(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name.startswith("hpbandster"):
            raise ImportError("No module named 'hpbandster'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ImportError, match=r"naslib-nar\[bohb\]"):
        check_available("nb201")


@pytest.mark.data
def test_bohb_runs_on_real_nb201_with_both_fidelities(data_dir):
    pytest.importorskip("hpbandster")
    from naslib_nar.benchmarks.load import load_benchmark
    from naslib_nar.search.trace import incumbent

    bench = load_benchmark("nb201", "cifar10", source="shared", data_dir=str(data_dir))
    state = np.random.get_state()
    trace = run_bohb(bench, seed=0, budget=40)  # two brackets (16@12 -> 1@200, 2@200) and a part of a third
    assert np.array_equal(np.random.get_state()[1], state[1])  # the global RNG is left as it was
    assert len(trace.rows) == 40 and set(trace.kinds.tolist()) == {"search"}
    assert set(np.unique(trace.fidelity).tolist()) == {12.0, 200.0}
    assert int((trace.fidelity == 200).sum()) >= 3 and trace.info["iterations"] >= 2
    # cost: a 12-epoch label costs 12/200 of the full training time
    train_time = bench.metric("train_time")[trace.rows]
    expected = float(np.sum(train_time * trace.fidelity / 200.0))
    assert trace.cost_seconds == pytest.approx(expected)
    again = run_bohb(bench, seed=0, budget=40)
    assert np.array_equal(again.rows, trace.rows) and np.array_equal(again.fidelity, trace.fidelity)
    # the protocols only see the 200-epoch labels
    pick = incumbent(trace, bench, "test_acc", "a")
    assert pick["row"] in trace.rows[trace.fidelity == 200].tolist()
