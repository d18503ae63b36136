"""Time encoding all 15,625 NAS-Bench-201 architectures into (31, 4, 4) feature tensors.

Compares ``NB201Space.encode`` on the whole batch (one table look-up) with the same
encoder called once per architecture in a Python loop, measured in the same run, and
checks that both give identical tensors. Target: <= 5 s for the whole space.

    python bench/encode_nb201.py [--repeats 5]
"""
from __future__ import annotations

import argparse

import numpy as np
from _common import save_results, time_repeated

from naslib_nar.spaces.nb201 import NB201Space


def encode_loop(space: NB201Space, archs: np.ndarray, dataset: str) -> np.ndarray:
    """Baseline: the same encoder called once per architecture in a Python loop."""
    return np.concatenate([space.encode(arch, dataset) for arch in archs])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    space = NB201Space()
    archs = space.all_archs()
    rows = []
    for dataset in space.datasets:
        fast = time_repeated(lambda ds=dataset: space.encode(archs, ds), repeats=args.repeats, warmup=1)
        loop = time_repeated(lambda ds=dataset: encode_loop(space, archs, ds), repeats=max(1, args.repeats // 2))
        if not np.array_equal(space.encode(archs, dataset), encode_loop(space, archs, dataset)):
            raise SystemExit(f"encode and the loop baseline disagree on {dataset}")
        rows.append({
            "dataset": dataset, "archs": len(archs), "encode_s": fast["median_s"], "loop_s": loop["median_s"],
            "speedup": loop["median_s"] / fast["median_s"], "us_per_arch": 1e6 * fast["median_s"] / len(archs),
        })
    save_results("encode_nb201", rows, ["dataset", "archs", "encode_s", "loop_s", "speedup", "us_per_arch"],
                 target="<= 5 s for all 15,625 architectures", repeats=args.repeats,
                 note="median wall time; encode = NB201Space.encode on the whole space, loop = per-arch Python loop")


if __name__ == "__main__":
    main()
