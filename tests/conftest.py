"""Shared pytest fixtures: real-data locations (skipped cleanly when absent) and the
one-line report of whether the NASLib integration tests ran."""
from __future__ import annotations

import importlib.util

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


def naslib_installed() -> bool:
    """True only for a real NASLib install (a folder named ``naslib`` on sys.path is a
    namespace package without an ``__init__``, which must not count)."""
    spec = importlib.util.find_spec("naslib")
    return spec is not None and spec.origin is not None


def _naslib_status() -> str:
    if not naslib_installed():
        return "SKIPPED (NASLib is not installed in this environment; see README 'Using with NASLib')"
    return "RAN (NASLib is installed)"


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    terminalreporter.write_sep("-", "NASLib integration tests: " + _naslib_status())


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
