"""What ``search`` and ``compare`` share about running many runs: one torch thread per
worker process, one benchmark table per process, and a spawn-based process pool."""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Dict, Optional, Tuple

_BENCHMARKS: Dict[Tuple[Any, ...], Any] = {}


def init_worker() -> None:
    """One thread per worker process: with several processes on a few cores, more
    OpenMP threads only compete (torch gets several times slower)."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import torch

    torch.set_num_threads(1)


def cached_benchmark(space: str, dataset: str, source: str, data_dir: Optional[str]) -> Any:
    """Load a table once per process (a worker runs many tasks on the same table)."""
    from ..benchmarks.load import load_benchmark

    key = (space, dataset, source, data_dir)
    if key not in _BENCHMARKS:
        _BENCHMARKS[key] = load_benchmark(space, dataset, source=source, data_dir=data_dir)
    return _BENCHMARKS[key]


def process_pool(max_workers: int) -> ProcessPoolExecutor:
    """Spawned workers (fork can deadlock a parent holding OpenMP threads), one thread each."""
    import multiprocessing

    return ProcessPoolExecutor(max_workers=max_workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=init_worker)
