"""Shared pytest fixtures: real-data locations (skipped cleanly when absent) and the
one-line report of whether the NASLib integration tests ran."""
from __future__ import annotations

import importlib.util

import pytest

from naslib_nar.benchmarks.paths import resolve_data_dir


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
