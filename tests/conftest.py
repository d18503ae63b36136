"""Shared pytest fixtures: real-data locations (skipped cleanly when absent) and the
one-line report of whether the NASLib integration tests ran."""
from __future__ import annotations

import numpy as np
import pytest

from naslib_nar.benchmarks.base import TabularBenchmark
from naslib_nar.benchmarks.paths import resolve_data_dir
from naslib_nar.spaces.nb101 import NB101Space
from naslib_nar.spaces.nb201 import NB201Space


@pytest.fixture(scope="session", autouse=True)
def one_torch_thread():
    """One torch thread for the whole suite: the models under test are tiny, and on a
    small shared machine extra OpenMP threads only compete (several times slower).
    Restored afterwards; a no-op where torch is not installed."""
    try:
        import torch
    except ImportError:
        yield
        return
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="session")
def data_dir():
    """The real benchmark folder (../shared/data or $NASLIB_NAR_DATA_DIR); skip if absent."""
    try:
        path = resolve_data_dir()
    except FileNotFoundError as exc:  # $NASLIB_NAR_DATA_DIR set to a missing folder
        pytest.skip(f"real benchmark data not usable: {exc}")
    if path is None:
        pytest.skip("real benchmark data not found: set NASLIB_NAR_DATA_DIR or place ../shared/data beside the repo")
    return path


_INTEGRATION = "tests/naslib_integration/"


def _naslib_status(stats: dict) -> str:
    """What happened to the NASLib integration tests in this run, from the reports themselves:
    skipped as a whole (with pytest's reason, e.g. that NASLib could not be imported), not
    collected, or ran with their counts (data-marked ones skip without the real data)."""
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    reasons = []
    for outcome in ("passed", "failed", "error", "skipped"):
        for report in stats.get(outcome, ()):
            if not getattr(report, "nodeid", "").replace("\\", "/").startswith(_INTEGRATION):
                continue
            if outcome == "passed" and report.when != "call":
                continue
            counts["failed" if outcome == "error" else outcome] += 1
            if outcome == "skipped" and isinstance(report.longrepr, tuple):
                reasons.append(str(report.longrepr[2]).replace("Skipped: ", ""))
    if not any(counts.values()):
        return "NOT RUN (none collected in this run)"
    if counts["passed"] == counts["failed"] == 0:
        return f"SKIPPED ({reasons[0] if reasons else 'all skipped'}; see README 'Using with NASLib')"
    return "RAN (" + ", ".join(f"{n} {k}" for k, n in counts.items() if n) + ")"


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    terminalreporter.write_sep("-", "NASLib integration tests: " + _naslib_status(terminalreporter.stats))


# Per-edge value of each op (none, skip, conv1x1, conv3x3, avg_pool): convs help, none hurts.
_OP_VALUE = np.array([-1.0, 0.2, 0.8, 1.2, 0.1])



@pytest.fixture(scope="session")
def synthetic_nb201():
    """All 15,625 NB201 architectures; val/test accuracy a smooth function of the ops."""
    space = NB201Space()
    archs = space.all_archs()
    rng = np.random.default_rng(0)
    score = (_OP_VALUE[archs] * np.linspace(1.0, 2.0, 6)).sum(axis=1)
    val = 70 + 2 * score + rng.normal(0, 0.3, size=len(archs))
    metrics = {"val_acc": val, "test_acc": val + rng.normal(0, 0.2, size=len(archs)),
               "flops": space.network_flops(archs), "params": space.network_params(archs)}
    return TabularBenchmark.from_arrays("nb201", archs, metrics, dataset="cifar10")


@pytest.fixture(scope="session")
def small_nb201():
    """260 random NB201 architectures (op indices) with a learnable closed-form accuracy."""
    rng = np.random.default_rng(0)
    archs = NB201Space().sample(260, random_state=rng)
    y = 70 + 5 * (_OP_VALUE[archs] * np.linspace(1.0, 2.0, 6)).sum(axis=1) + rng.normal(0, 0.3, size=len(archs))
    return archs, y


@pytest.fixture(scope="session")
def small_nb101():
    """120 random NB101 cells (nasbench's sampler, no data files) whose accuracy grows with
    their conv3x3 vertices and size."""
    rng = np.random.default_rng(0)
    cells = NB101Space().sample(120, random_state=rng, method="random_matrix")
    conv3x3 = (cells.ops == 0).sum(axis=1)
    y = 85 + 1.5 * conv3x3 + 0.5 * cells.num_vertices + rng.normal(0, 0.3, size=len(cells))
    return cells, y


@pytest.fixture(scope="session")
def synthetic_nb201_bench(synthetic_nb201):
    """``synthetic_nb201`` with the cost fields of NASLib's NB201 data (FLOPs without BN,
    latency, train time) and a fixed val -> test offset: the table our NASLib dataset_api
    fixtures are built from (tests/naslib_adapter, tests/naslib_integration)."""
    archs, val = synthetic_nb201.archs, synthetic_nb201.metric("val_acc")
    space = NB201Space()
    metrics = {"val_acc": val, "test_acc": val + 2.0, "flops": space.network_flops(archs, include_bn=False),
               "params": space.network_params(archs), "latency": np.full(len(archs), 0.01),
               "train_time": np.full(len(archs), 2000.0)}
    return TabularBenchmark.from_arrays("nb201", archs, metrics, dataset="cifar10")
