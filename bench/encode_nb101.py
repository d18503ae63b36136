"""Time the NAS-Bench-101 space on all 423,624 cells: encode, params, FLOPs, hash, enumeration.

Each vectorised operation runs on the whole space (median of ``--repeats``) and is checked
against the benchmark file; the md5-bound hash runs on a sample and is extrapolated (or on
everything with ``--full-hash``). Baselines measured in the same run on a sample and
extrapolated: a plain per-cell Python encoder (nasbench's channel rule and SPEC §1 costs in
loops), ``NB101Space.encode`` called once per cell, and a per-cell transcription of
nasbench's ``hash_module``. Target: encoding all cells in <= 60 s on the 2-core machine.

    python bench/encode_nb101.py [--repeats 3] [--sample 2000] [--hash-sample 20000] [--full-hash]
"""
from __future__ import annotations

import argparse
import hashlib
from typing import Dict, List

import numpy as np
from _common import peak_rss_mb, save_results, time_repeated

from naslib_nar.benchmarks.paths import data_file
from naslib_nar.spaces.nb101 import FLOPS_SCALE, PAPER_OP_CODES, PARAMS_SCALE, CellBatch, NB101Space

_KERNEL = {"conv3x3-bn-relu": 3, "conv1x1-bn-relu": 1}
_PLAN = [(128, 128, 1024)] * 3 + [(128, 256, 256)] + [(256, 256, 256)] * 2 + [(256, 512, 64)] + [(512, 512, 64)] * 2


def naive_channels(m: List[List[int]], c_in: int, c_out: int) -> List[int]:
    nv = len(m)
    ch = [c_in] + [0] * (nv - 2) + [c_out]
    feeding = [v for v in range(1, nv - 1) if m[v][nv - 1]]
    for rank, v in enumerate(feeding):
        ch[v] = c_out // len(feeding) + (rank < c_out % len(feeding))
    for v in range(nv - 2, 0, -1):
        if not m[v][nv - 1]:
            ch[v] = max(ch[w] for w in range(v + 1, nv - 1) if m[v][w])
    return ch


def naive_encode(spec: dict) -> np.ndarray:
    """Baseline: one cell at a time, plain Python loops over cells, vertices and edges."""
    m, ops = spec["matrix"].tolist(), spec["ops"]
    nv = len(m)
    slot = list(range(nv - 1)) + [6]
    x = np.zeros((19, 7, 7), dtype=np.float32)
    for i in range(nv):
        for j in range(nv):
            if m[i][j]:
                x[0, slot[i], slot[j]] = PAPER_OP_CODES[ops[j]]
    for c, (c_in, c_out, hw) in enumerate(_PLAN):
        ch = naive_channels(m, c_in, c_out)
        for j in range(1, nv - 1):
            k, n_in = _KERNEL.get(ops[j], 0), sum(m[i][j] for i in range(nv))
            flops = 2 * hw * k * k * ch[j] ** 2 + (9 * hw * ch[j] if k == 0 else 0) + (n_in - 1) * hw * ch[j]
            params = k * k * ch[j] ** 2 + (2 * ch[j] if k else 0)
            if m[0][j]:
                flops += 2 * hw * c_in * ch[j]
                params += c_in * ch[j] + 2 * ch[j]
            for i in range(nv):
                if m[i][j]:
                    x[1 + 2 * c, slot[i], slot[j]] = flops / FLOPS_SCALE
                    x[2 + 2 * c, slot[i], slot[j]] = params / PARAMS_SCALE
    return x


def naive_hash(spec: dict) -> str:
    """Baseline: nasbench's ``hash_module`` transcribed per cell (hashlib md5)."""
    m = spec["matrix"]
    labels = [-1] + [NB101Space.op_names.index(op) for op in spec["ops"][1:-1]] + [-2]
    nv = len(m)
    hashes = [hashlib.md5(str(t).encode()).hexdigest() for t in zip(m.sum(1).tolist(), m.sum(0).tolist(), labels)]
    for _ in range(nv):
        hashes = [
            hashlib.md5(("".join(sorted(hashes[w] for w in range(nv) if m[w, v])) + "|"
                         + "".join(sorted(hashes[w] for w in range(nv) if m[v, w])) + "|" + hashes[v]).encode()
                        ).hexdigest()
            for v in range(nv)
        ]
    return hashlib.md5(str(sorted(hashes)).encode()).hexdigest()


def row(task: str, method: str, timing: Dict, cells: int, total: int, check: str = "") -> Dict:
    per_cell = timing["median_s"] / cells
    return {"task": task, "method": method, "cells_timed": cells, "median_s": timing["median_s"],
            "us_per_cell": 1e6 * per_cell, "all_cells_s": per_cell * total, "check": check}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sample", type=int, default=2000, help="cells for the per-cell baselines")
    parser.add_argument("--hash-sample", type=int, default=20000)
    parser.add_argument("--full-hash", action="store_true", help="hash all 423,624 cells once")
    args = parser.parse_args()

    space = NB101Space()
    with np.load(data_file("nb101_space.npz")) as data:
        stored = {k: data[k] for k in ("adj_packed", "ops", "num_vertices", "hash", "params", "flops")}
    load = time_repeated(lambda: CellBatch.from_packed(stored["adj_packed"], stored["ops"], stored["num_vertices"]),
                         repeats=args.repeats)
    cells = CellBatch.from_packed(stored["adj_packed"], stored["ops"], stored["num_vertices"])
    total = len(cells)
    rng = np.random.default_rng(0)
    sample = cells[rng.choice(total, args.sample, replace=False)]
    specs = sample.to_specs()
    rows = [row("decode npz", "CellBatch.from_packed", load, total, total)]

    encoded_sample = space.encode(sample)
    naive = np.stack([naive_encode(s) for s in specs])
    agree = np.allclose(naive, encoded_sample, rtol=1e-6, atol=0)
    enc = time_repeated(lambda: space.encode(cells), repeats=args.repeats)
    rows.append(row("encode", "NB101Space.encode (vectorised)", enc, total, total, f"sample == naive: {agree}"))
    rows.append(row("encode", "baseline: naive per-cell Python", time_repeated(
        lambda: [naive_encode(s) for s in specs], repeats=1), len(specs), total))
    rows.append(row("encode", "baseline: NB101Space.encode per cell", time_repeated(
        lambda: [space.encode(sample[k]) for k in range(len(sample))], repeats=1), len(sample), total))
    rows.append(row("validate+prune specs", "NB101Space.as_batch(list of specs)",
                    time_repeated(lambda: space.as_batch(specs), repeats=args.repeats), len(specs), total))

    params = time_repeated(lambda: space.network_params(cells), repeats=args.repeats)
    n_params = int((space.network_params(cells) == stored["params"]).sum())
    rows.append(row("network_params", "vectorised", params, total, total, f"{n_params}/{total} equal npz"))
    flops = time_repeated(lambda: space.network_flops(cells), repeats=args.repeats)
    n_flops = int((space.network_flops(cells) == stored["flops"]).sum())
    rows.append(row("network_flops", "vectorised", flops, total, total, f"{n_flops}/{total} equal npz"))

    hash_rows = rng.choice(total, args.hash_sample, replace=False)
    hashed = space.hash(cells[hash_rows])
    n_hash = int((hashed == stored["hash"][hash_rows].astype(str)).sum())
    timing = time_repeated(lambda: space.hash(cells[hash_rows]), repeats=args.repeats)
    rows.append(row("hash", "NB101Space.hash (batched md5)", timing, len(hash_rows), total,
                    f"{n_hash}/{len(hash_rows)} equal npz"))
    naive_ok = all(naive_hash(s) == h for s, h in zip(specs, space.hash(sample)))
    rows.append(row("hash", "baseline: per-cell hash_module", time_repeated(
        lambda: [naive_hash(s) for s in specs], repeats=1), len(specs), total, f"== NB101Space.hash: {naive_ok}"))
    if args.full_hash:
        timing = time_repeated(lambda: space.hash(cells), repeats=1)
        n_all = int((space.hash(cells) == stored["hash"].astype(str)).sum())
        rows.append(row("hash", "NB101Space.hash, all cells", timing, total, total, f"{n_all}/{total} equal npz"))

    enum = time_repeated(space.enumerate_space, repeats=args.repeats)
    listed = space.enumerate_space()
    same = len(listed) == total and set(space.hash(listed[rng.choice(total, 2000, replace=False)])) <= set(
        stored["hash"].astype(str))
    rows.append(row("enumerate space", "NB101Space.enumerate_space", enum, total, total,
                    f"{len(listed)} cells; sampled hashes in npz: {same}"))

    save_results(
        "encode_nb101", rows, ["task", "method", "cells_timed", "median_s", "us_per_cell", "all_cells_s", "check"],
        target="encode all 423,624 cells in <= 60 s", repeats=args.repeats, peak_rss_mb=round(peak_rss_mb()),
        note="median wall time; all_cells_s extrapolates per-cell time to 423,624 cells where cells_timed is a sample",
    )


if __name__ == "__main__":
    main()
