"""A predictor-guided search of the BANANAS / NPENAS kind: a standalone BANANAS-like
re-implementation (not NASLib's code, and not a faithful copy of either paper).

Loop (White et al., BANANAS, 2021, in its NASLib form):

1. label ``num_init`` architectures drawn uniformly;
2. fit an ensemble of ``num_ensemble`` small MLPs (different initialisations) on the
   labels, with the NASLib "adjacency one-hot" encoding (NB201: one-hot op per edge,
   30 features; NB101: the 21 upper-triangular edges of the padded cell plus a one-hot
   op per interior slot, 36 features), MSE on standardised accuracies;
3. propose ``num_candidates`` unlabelled architectures by mutating (1..``max_mutations``
   steps) the ``num_arches_to_mutate`` best labelled ones;
4. score them with an acquisition on the ensemble's mean m and spread s: independent
   Thompson sampling (``its``, one draw from N(m, s^2) per candidate, BANANAS' default),
   ``ucb`` (m + beta*s) or ``mean``; label the best ``batch_size``; repeat until the
   budget is spent.

Defaults follow NASLib's discrete-search config (num_init 10, k = batch_size 10, ITS,
mutation of the 5 best, one mutation each) except ``num_ensemble`` 5 (the BANANAS paper;
NASLib's config says 3) and ``num_candidates`` 100 (NASLib: 200). NASLib's BANANAS uses
path encodings and its own MLP; ours is the small ensemble above. Every label is charged
(the initial ones too). ``info['random_fills']`` counts the
candidates that had to be drawn at random because mutation found too few unlabelled ones.
"""
from __future__ import annotations

from typing import Any, Mapping, Optional

import numpy as np
from tqdm.auto import tqdm

from .._validation import check_param
from ..search.oracle import Oracle
from .evolution import Mutator
from .random_search import check_run_args, queryable_rows, resolve_params, trace_info, unseen_random_rows

DEFAULTS = {
    "num_init": 10, "batch_size": 10, "num_ensemble": 5, "num_candidates": 100, "num_arches_to_mutate": 5,
    "max_mutations": 1, "acquisition": "its", "ucb_beta": 2.0, "hidden": 32, "layers": 2, "epochs": 200,
    "lr": 0.01, "weight_decay": 1e-4, "noisy": True,
}


def one_hot_features(bench: Any, rows: np.ndarray) -> np.ndarray:
    """NASLib-style "adjacency one-hot" features of benchmark ``rows``, float32."""
    rows = np.asarray(rows, dtype=np.int64)
    if bench.space == "nb201":
        ops = np.asarray(bench.archs[rows], dtype=np.int64)
        return np.eye(5, dtype=np.float32)[ops].reshape(len(rows), 30)
    cells = bench.archs[rows]
    iu, ju = np.triu_indices(7, 1)
    edges = cells.adj[:, iu, ju].astype(np.float32)
    interior = cells.ops[:, 1:6].astype(np.int64)  # 0..2 interior ops, -3 pad
    onehot = (interior[:, :, None] == np.arange(3)).astype(np.float32).reshape(len(rows), 15)
    return np.concatenate([edges, onehot], axis=1)


class _Ensemble:
    """``n`` MLPs regressing standardised accuracy, trained side by side as one batched
    model (weights ``(n, in, out)``, one ``baddbmm`` per layer); each member has its own
    initialisation (PyTorch's ``nn.Linear`` default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)))."""

    def __init__(self, n: int, hidden: int, layers: int, epochs: int, lr: float, weight_decay: float, seed: int):
        self.n, self.hidden, self.layers, self.epochs = n, hidden, layers, epochs
        self.lr, self.weight_decay, self.seed = lr, weight_decay, seed

    def _forward(self, x: Any) -> Any:
        import torch

        h = x.unsqueeze(0).expand(self.n, -1, -1)
        for i, (w, b) in enumerate(self.params):
            h = torch.baddbmm(b, h, w)
            if i < len(self.params) - 1:
                h = torch.relu(h)
        return h.squeeze(-1)  # (n_members, n)

    def fit(self, X: np.ndarray, y: np.ndarray) -> "_Ensemble":
        import torch

        self.y_mean, self.y_std = float(y.mean()), float(y.std()) or 1.0
        xt = torch.from_numpy(X)
        yt = torch.from_numpy(((y - self.y_mean) / self.y_std).astype(np.float32))
        gen = torch.Generator().manual_seed(int(self.seed))
        dims = [X.shape[1]] + [self.hidden] * self.layers + [1]
        self.params = []
        for a, b in zip(dims[:-1], dims[1:]):
            bound = a ** -0.5
            w = ((torch.rand(self.n, a, b, generator=gen) * 2 - 1) * bound).requires_grad_()
            bias = ((torch.rand(self.n, 1, b, generator=gen) * 2 - 1) * bound).requires_grad_()
            self.params.append((w, bias))
        opt = torch.optim.Adam([p for pair in self.params for p in pair], lr=self.lr, weight_decay=self.weight_decay)
        # Tensors this small are ~10x faster on one thread: waking OpenMP workers costs more
        # than the arithmetic (measured on a 2-core machine). Restored afterwards.
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            for _ in range(self.epochs):  # full batch: at most a few hundred labels
                opt.zero_grad(set_to_none=True)
                loss = torch.mean((self._forward(xt) - yt) ** 2) * self.n  # sum over members of their MSE
                loss.backward()
                opt.step()
        finally:
            torch.set_num_threads(threads)
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        """(n_members, n) predictions in accuracy units."""
        import torch

        with torch.no_grad():
            out = self._forward(torch.from_numpy(X)).double().numpy()
        return out * self.y_std + self.y_mean


def _check(cfg: dict) -> None:
    for name in ("num_init", "batch_size", "num_ensemble", "num_candidates", "num_arches_to_mutate", "max_mutations",
                 "hidden", "layers", "epochs"):
        check_param(name, cfg[name], int, owner="bananas", min_val=1)
    check_param("acquisition", cfg["acquisition"], str, owner="bananas", choices=("its", "ucb", "mean"))
    for name in ("ucb_beta", "weight_decay"):
        check_param(name, cfg[name], float, owner="bananas", min_val=0.0)
    check_param("lr", cfg["lr"], float, owner="bananas", min_val=0.0, min_inclusive=False)
    check_param("noisy", cfg["noisy"], bool, owner="bananas")


def run_predictor_guided(
    bench: Any, *, seed: int, budget: int, params: Optional[Mapping[str, Any]] = None, progress: bool = False
):
    """BANANAS-like search with ``budget`` labels; see the module docstring for ``params``.

    Returns
    -------
    SearchTrace
    """
    check_run_args("run_predictor_guided", bench, seed, budget)
    cfg = resolve_params("bananas", params, DEFAULTS)
    _check(cfg)
    oracle = Oracle(bench, method="bananas", seed=seed, budget=budget, noisy=cfg["noisy"])
    rng = np.random.default_rng([seed, 303])
    candidates = queryable_rows(oracle)
    budget = min(budget, len(candidates))
    rows = unseen_random_rows(candidates, (), min(cfg["num_init"], budget), rng)
    observed = oracle.query(rows, kind="search")
    labelled, values = rows.tolist(), observed.tolist()
    random_fills, iteration = 0, 0
    mutator = Mutator(bench, oracle.queryable, rng, max_steps=2)
    bar = tqdm(total=budget, initial=len(labelled), desc="bananas", unit="label", disable=not progress, leave=False)
    while len(labelled) < budget:
        iteration += 1
        seen = set(labelled)
        top = np.asarray(labelled)[np.argsort(-np.asarray(values), kind="stable")[:cfg["num_arches_to_mutate"]]]
        pool: list = []
        pool_set: set = set()
        for _ in range(cfg["num_candidates"] * 2):  # bounded: duplicates are re-drawn a few times
            if len(pool) >= cfg["num_candidates"]:
                break
            child = int(rng.choice(top))
            for _ in range(int(rng.integers(1, cfg["max_mutations"] + 1))):
                nxt = mutator.mutate(child)
                child = nxt if nxt >= 0 else child
            if child not in seen and child not in pool_set:
                pool.append(child)
                pool_set.add(child)
        k = min(cfg["batch_size"], budget - len(labelled))
        if len(pool) < k:
            extra = unseen_random_rows(candidates, seen | pool_set, k - len(pool), rng)
            random_fills += len(extra)
            pool += extra.tolist()
        pool_arr = np.asarray(pool, dtype=np.int64)
        ensemble = _Ensemble(cfg["num_ensemble"], cfg["hidden"], cfg["layers"], cfg["epochs"], cfg["lr"],
                             cfg["weight_decay"], seed=seed * 7919 + iteration)
        ensemble.fit(one_hot_features(bench, np.asarray(labelled)), np.asarray(values))
        preds = ensemble.predict(one_hot_features(bench, pool_arr))
        mean, std = preds.mean(axis=0), preds.std(axis=0)
        if cfg["acquisition"] == "its":
            acq = rng.normal(mean, np.maximum(std, 1e-9))
        elif cfg["acquisition"] == "ucb":
            acq = mean + cfg["ucb_beta"] * std
        else:
            acq = mean
        chosen = pool_arr[np.argsort(-acq, kind="stable")[:k]]
        new = oracle.query(chosen, kind="search")
        labelled += chosen.tolist()
        values += new.tolist()
        bar.update(len(chosen))
    bar.close()
    return oracle.trace(trace_info(cfg, implementation="standalone BANANAS-like re-implementation",
                                   iterations=iteration, random_fills=random_fills))
