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

The NPENAS-like searcher (:mod:`~naslib_nar.baselines.npenas`) is this loop with the
ensemble's mean as the acquisition.
"""
from __future__ import annotations

from typing import Any, Dict, List

import numpy as np

from .._validation import check_param
from ..search.mutation import Mutator
from ..search.searcher import Ask, SearchContext, Searcher
from .random_search import NO_ROWS, check_queryable, get_params, trace_info, unseen_random_rows

ACQUISITIONS = ("its", "ucb", "mean")


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
        import torch  # imported on use: the registry (and the CLI) must import without torch

        h = x.unsqueeze(0).expand(self.n, -1, -1)
        for i, (w, b) in enumerate(self.params):
            h = torch.baddbmm(b, h, w)
            if i < len(self.params) - 1:
                h = torch.relu(h)
        return h.squeeze(-1)  # (n_members, n)

    def fit(self, X: np.ndarray, y: np.ndarray) -> "_Ensemble":
        import torch  # imported on use: the registry (and the CLI) must import without torch

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
        import torch  # imported on use: the registry (and the CLI) must import without torch

        with torch.no_grad():
            out = self._forward(torch.from_numpy(X)).double().numpy()
        return out * self.y_std + self.y_mean


class BananasSearcher(Searcher):
    """BANANAS-like search; every label is charged (the initial ones too).

    Parameters
    ----------
    num_init : int
        Architectures labelled uniformly before the first fit (10).
    batch_size : int
        Architectures labelled per fit (NASLib's ``k``, 10).
    num_ensemble, hidden, layers, epochs, lr, weight_decay
        The MLP ensemble: members (5), width (32), hidden layers (2), full-batch Adam
        epochs (200), learning rate (0.01) and weight decay (1e-4).
    num_candidates : int
        Unlabelled candidates scored per fit (100).
    num_arches_to_mutate, max_mutations : int
        Candidates mutate one of the ``num_arches_to_mutate`` best labelled architectures
        (5) 1..``max_mutations`` times (1).
    acquisition : {'its', 'ucb', 'mean'}
        Independent Thompson sampling (default), ``mean + ucb_beta * spread``, or the mean.
    ucb_beta : float
        The UCB weight of the spread (2.0).
    """

    name = "bananas"
    rng_stream = 303
    implementation = "standalone BANANAS-like re-implementation"

    def __init__(self, num_init: int = 10, batch_size: int = 10, num_ensemble: int = 5, num_candidates: int = 100,
                 num_arches_to_mutate: int = 5, max_mutations: int = 1, acquisition: str = "its",
                 ucb_beta: float = 2.0, hidden: int = 32, layers: int = 2, epochs: int = 200, lr: float = 0.01,
                 weight_decay: float = 1e-4) -> None:
        owner = f"search method {self.name!r}"
        for key, value in (("num_init", num_init), ("batch_size", batch_size), ("num_ensemble", num_ensemble),
                           ("num_candidates", num_candidates), ("num_arches_to_mutate", num_arches_to_mutate),
                           ("max_mutations", max_mutations), ("hidden", hidden), ("layers", layers),
                           ("epochs", epochs)):
            check_param(key, value, int, owner=owner, min_val=1)
        check_param("acquisition", acquisition, str, owner=owner, choices=ACQUISITIONS)
        check_param("ucb_beta", ucb_beta, float, owner=owner, min_val=0.0)
        check_param("weight_decay", weight_decay, float, owner=owner, min_val=0.0)
        check_param("lr", lr, float, owner=owner, min_val=0.0, min_inclusive=False)
        self.num_init, self.batch_size, self.num_ensemble = num_init, batch_size, num_ensemble
        self.num_candidates, self.num_arches_to_mutate, self.max_mutations = (num_candidates, num_arches_to_mutate,
                                                                              max_mutations)
        self.acquisition, self.ucb_beta = acquisition, ucb_beta
        self.hidden, self.layers, self.epochs, self.lr, self.weight_decay = hidden, layers, epochs, lr, weight_decay

    def start(self, context: SearchContext) -> None:
        super().start(context)
        self._rows = check_queryable(context)
        self._labelled: List[int] = []
        self._values: List[float] = []
        self._iteration = 0
        self._random_fills = 0
        self._mutator = Mutator(context.bench, context.queryable, context.rng, max_steps=2)

    def ask(self, n: int) -> Ask:
        rng = self.context.rng
        if not self._labelled:
            return Ask(unseen_random_rows(self._rows, (), min(self.num_init, n), rng))
        self._iteration += 1
        k = min(self.batch_size, n)
        pool = self._candidates(k)
        if pool.size == 0:  # every queryable architecture is labelled
            return Ask(NO_ROWS)
        ensemble = _Ensemble(self.num_ensemble, self.hidden, self.layers, self.epochs, self.lr, self.weight_decay,
                             seed=self.context.seed * 7919 + self._iteration)
        ensemble.fit(one_hot_features(self.context.bench, np.asarray(self._labelled)), np.asarray(self._values))
        preds = ensemble.predict(one_hot_features(self.context.bench, pool))
        score = self._acquire(preds.mean(axis=0), preds.std(axis=0))
        return Ask(pool[np.argsort(-score, kind="stable")[:k]])

    def _candidates(self, k: int) -> np.ndarray:
        """At most ``num_candidates`` distinct unlabelled mutants of the best labelled
        architectures, topped up at random to at least ``k`` where mutation finds too few."""
        rng, seen = self.context.rng, set(self._labelled)
        order = np.argsort(-np.asarray(self._values), kind="stable")
        top = np.asarray(self._labelled)[order[:self.num_arches_to_mutate]]
        pool: List[int] = []
        pool_set: set = set()
        for _ in range(self.num_candidates * 2):  # bounded: duplicates are re-drawn a few times
            if len(pool) >= self.num_candidates:
                break
            child = int(rng.choice(top))
            for _ in range(int(rng.integers(1, self.max_mutations + 1))):
                nxt = self._mutator.mutate(child)
                child = nxt if nxt >= 0 else child
            if child not in seen and child not in pool_set:
                pool.append(child)
                pool_set.add(child)
        if len(pool) < k:
            extra = unseen_random_rows(self._rows, seen | pool_set, k - len(pool), rng)
            self._random_fills += len(extra)
            pool += extra.tolist()
        return np.asarray(pool, dtype=np.int64)

    def _acquire(self, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
        """The acquisition value of each candidate from the ensemble's mean and spread."""
        if self.acquisition == "its":  # one draw from N(mean, spread^2) per candidate
            return self.context.rng.normal(mean, np.maximum(std, 1e-9))
        if self.acquisition == "ucb":
            return mean + self.ucb_beta * std
        return mean

    def tell(self, ask: Ask, values: np.ndarray) -> None:
        self._labelled += ask.rows.tolist()
        self._values += np.asarray(values, dtype=np.float64).tolist()

    def info(self) -> Dict[str, Any]:
        return trace_info(get_params(self), implementation=self.implementation, iterations=self._iteration,
                          random_fills=self._random_fills)
