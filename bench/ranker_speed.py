"""NAR training/inference speed and memory on this machine (issue 3 targets).

For each configuration it measures, in a fresh subprocess (so peak memory is its own):
seconds per training step (median over repeats after warm-up), the training time this
implies for the preset's own schedule on the paper's training sets (NB201: 1,000 archs,
faithful 55 epochs of batch 128, fast 80; NB101: 4,236 archs, 35 epochs of batch 256;
the reference drops the last incomplete batch), inference
throughput (architectures/s) and peak resident memory. ``--full`` also runs complete
fits on real data for the configurations that finish in reasonable time, and scores all
423,624 NB101 cells.

The baseline measured in the same run is the SPEC §7 stand-in: torch's stock
``nn.TransformerEncoder`` / ``nn.TransformerDecoder`` layers with the faithful sizes
and the K tier queries batched into one decoder pass (memory repeated K times).

    python bench/ranker_speed.py            # per-step timings, all configs
    python bench/ranker_speed.py --full     # plus complete fits and NB101 full scoring
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import save_results  # noqa: E402

#: Training-set sizes of the paper's setting; epochs and batch size come from each preset.
N_TRAIN = {"nb201": 1000, "nb101": 4236}


def schedule(space: str, preset: str) -> Dict[str, int]:
    from naslib_nar.ranker.presets import train_preset

    cfg = train_preset(space, preset)
    return dict(n_train=N_TRAIN[space], epochs=cfg["epochs"], batch=cfg["batch_size"])
CONFIGS = [
    # (name, space, implementation, preset, precision)
    ("nb201 stock-layers baseline fp32", "nb201", "stock", "faithful", "fp32"),
    ("nb201 faithful fp32", "nb201", "nar", "faithful", "fp32"),
    ("nb201 faithful bf16", "nb201", "nar", "faithful", "bf16"),
    ("nb201 fast fp32", "nb201", "nar", "fast", "fp32"),
    ("nb201 fast bf16", "nb201", "nar", "fast", "bf16"),
    ("nb101 stock-layers baseline fp32", "nb101", "stock", "faithful", "fp32"),
    ("nb101 faithful fp32", "nb101", "nar", "faithful", "fp32"),
    ("nb101 faithful bf16", "nb101", "nar", "faithful", "bf16"),
    ("nb101 fast fp32", "nb101", "nar", "fast", "fp32"),
    ("nb101 fast bf16", "nb101", "nar", "fast", "bf16"),
]


def _stock_model(space: str):
    """SPEC §7's stand-in: stock torch layers, faithful sizes, tiers batched in one pass."""
    import torch
    from torch import nn

    from naslib_nar.ranker.presets import TOKEN_SHAPES, model_preset

    cfg = model_preset(space, "faithful")
    n, p = TOKEN_SHAPES[space]
    d, k = cfg["dim"], 5

    class Stock(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed = nn.Linear(p * p, d)
            layer = dict(d_model=d, nhead=cfg["num_heads"], dim_feedforward=cfg["mlp_dim"], dropout=cfg["dropout"],
                         batch_first=True, norm_first=True)
            self.encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(**layer), cfg["depth"],
                                                 enable_nested_tensor=False)
            self.decoder = nn.TransformerDecoder(nn.TransformerDecoderLayer(**layer), cfg["depth"])
            self.tiers = nn.Parameter(torch.randn(k, n, d))
            self.score = nn.Sequential(nn.Linear(n * d, cfg["score_hidden"]), nn.ReLU(), nn.Linear(cfg["score_hidden"], 1))
            self.cls = nn.Sequential(nn.Linear(n * d, cfg["tier_hidden"]), nn.ReLU(), nn.Linear(cfg["tier_hidden"], k))

        def forward(self, x):
            b = x.shape[0]
            feats = self.encoder(self.embed(x.flatten(2)))
            memory = feats.repeat_interleave(k, dim=0)  # (B*K, N, D)
            z = self.decoder(self.tiers.repeat(b, 1, 1), memory).view(b, k, n, d).sum(1)
            return self.score(feats.flatten(1)).squeeze(-1), self.cls(z.flatten(1)), feats

    return Stock()


def measure(space: str, impl: str, preset: str, precision: str, repeats: int) -> Dict[str, Any]:
    """Runs inside the subprocess: step timing, inference throughput, peak memory."""
    import torch

    from bench._common import peak_rss_mb, time_repeated
    from naslib_nar.ranker.losses import nar_loss
    from naslib_nar.ranker.model import create_ranker_model
    from naslib_nar.ranker.training import autocast_context

    torch.manual_seed(0)
    sched = schedule(space, preset)
    model = _stock_model(space) if impl == "stock" else create_ranker_model(space, preset)
    shape = (31, 4, 4) if space == "nb201" else (19, 7, 7)
    x = torch.randn(sched["batch"], *shape)
    y, t = torch.randn(sched["batch"]), torch.randint(0, 5, (sched["batch"],))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
    device = torch.device("cpu")

    def step() -> None:
        opt.zero_grad(set_to_none=True)
        with autocast_context(device, precision):
            s, logits, feats = model(x)
            loss = nar_loss(s.float(), logits.float(), y, t, 1.0)
        loss.backward()
        opt.step()
        if impl == "nar":
            model.update_tier_embeddings(feats, t)

    model.train()
    train = time_repeated(step, repeats=repeats, warmup=2)
    steps = sched["epochs"] * max(sched["n_train"] // sched["batch"], 1)
    model.eval()
    xb = torch.randn(4096, *shape)
    xb[:, 0] = torch.randint(0, 5, (4096, *shape[1:])).float()  # channel 0 holds op codes

    def infer() -> None:  # in batches of 128, as the estimator's predict does
        with torch.inference_mode(), autocast_context(device, precision):
            for start in range(0, len(xb), 128):
                model(xb[start:start + 128])

    inference = time_repeated(infer, repeats=3, warmup=1)
    return {
        "step_s": train["median_s"], "steps": steps, "train_total_s (projected)": train["median_s"] * steps,
        "infer_archs_per_s": 4096 / inference["median_s"], "params_M": sum(p.numel() for p in model.parameters()) / 1e6,
        "peak_rss_MB": peak_rss_mb(), "threads": torch.get_num_threads(),
    }


def full_fit(space: str, preset: str, precision: str) -> Dict[str, Any]:
    """A complete fit on real data with the faithful schedule, plus NB101 full-space scoring."""
    import time

    import numpy as np

    from bench._common import peak_rss_mb
    from naslib_nar.benchmarks.load import encode_rows, load_benchmark
    from naslib_nar.ranker import NeuralArchitectureRanker

    bench = load_benchmark(space, "cifar10")
    rows = bench.labelled_rows("val_acc")
    train = np.random.default_rng(0).permutation(rows)[: N_TRAIN[space]]
    enc = encode_rows(bench, train)
    est = NeuralArchitectureRanker(preset=preset, precision=precision, random_state=0)
    start = time.perf_counter()
    est.fit(enc, bench.metric("val_acc")[train])
    out: Dict[str, Any] = {"fit_total_s (measured)": time.perf_counter() - start}
    if space == "nb101":
        from naslib_nar.spaces.nb101 import NB101Space

        space_obj = NB101Space()
        cells = space_obj.enumerate_space()
        start = time.perf_counter()
        scores = np.concatenate([est.predict(cells[i:i + 50000]) for i in range(0, len(cells), 50000)])
        out["score_all_423624_s (measured, incl. encoding)"] = time.perf_counter() - start
        out["n_scored"] = int(len(scores))
    out["peak_rss_MB"] = peak_rss_mb()
    return out


def _subprocess(payload: Dict[str, Any]) -> Dict[str, Any]:
    code = ("import json,sys; sys.path.insert(0, %r); from bench.ranker_speed import measure, full_fit; "
            "p=json.loads(sys.argv[1]); f=p.pop('fn'); print(json.dumps((measure if f=='measure' else full_fit)(**p)))"
            % str(Path(__file__).resolve().parents[1]))
    proc = subprocess.run([sys.executable, "-c", code, json.dumps(payload)], capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--full", action="store_true", help="also run complete fits of the fast fp32 configs")
    parser.add_argument("--only", default="", help="substring filter on config names")
    args = parser.parse_args()
    rows: List[Dict[str, Any]] = []
    for name, space, impl, preset, precision in CONFIGS:
        if args.only not in name:
            continue
        row: Dict[str, Any] = {"config": name}
        row.update(_subprocess(dict(fn="measure", space=space, impl=impl, preset=preset, precision=precision,
                                    repeats=args.repeats)))
        if args.full and impl == "nar" and preset == "fast" and precision == "fp32":
            row.update(_subprocess(dict(fn="full_fit", space=space, preset=preset, precision=precision)))
        rows.append(row)
        print(json.dumps(row), flush=True)
    columns = ["config", "params_M", "step_s", "steps", "train_total_s (projected)", "fit_total_s (measured)",
               "infer_archs_per_s", "score_all_423624_s (measured, incl. encoding)", "peak_rss_MB", "threads"]
    save_results("ranker_speed", rows, columns,
                 targets="NB201 training <= 60 s, NB101 training <= 300 s (paper: 255 s on a TITAN RTX), "
                         "scoring all 423,624 NB101 cells <= 60 s",
                 baseline="stock nn.TransformerEncoder/Decoder layers, faithful sizes, tiers batched (SPEC §7)")


if __name__ == "__main__":
    main()
