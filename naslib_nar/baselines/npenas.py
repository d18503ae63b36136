"""An NPENAS-like searcher: our minimal version of NASLib's ``npenas`` (neural predictor
guided evolution, Wei et al., 2022), built on the BANANAS-like loop.

NASLib's ``Npenas`` optimizer (``naslib/optimizers/discrete/npenas/optimizer.py``) labels
``num_init`` random architectures, then repeatedly fits a predictor ensemble on every
label so far, mutates the ``num_arches_to_mutate`` best labelled architectures into
``num_candidates`` candidates and labels the ``k`` candidates with the best *predicted
mean* (its acquisition is ``exploit_only``: no spread, no sampling). That is the
BANANAS-like loop of :mod:`~naslib_nar.baselines.predictor_guided` with the mean as the
acquisition, so this searcher is that class with the acquisition fixed: the same MLP
ensemble, encoding and candidate generation.

Where it differs from NASLib's: the predictor is our MLP ensemble on the adjacency one-hot
encoding (NASLib's config picks one of its 16 predictors; the NPENAS paper uses a graph
network); candidates are distinct and unlabelled (NASLib may propose a labelled
architecture again), each mutates a uniformly drawn top architecture (NASLib: an equal
share per top architecture); defaults are NASLib's config (num_init 10, k 10,
num_ensemble 3, 5 architectures mutated once) except ``num_candidates`` 100 (NASLib: 200),
as in our BANANAS-like searcher.
"""
from __future__ import annotations

from .predictor_guided import BananasSearcher


class NpenasSearcher(BananasSearcher):
    """NPENAS-like search: the BANANAS-like loop scored by the ensemble's mean prediction.

    Parameters are those of :class:`~naslib_nar.baselines.predictor_guided.BananasSearcher`
    without ``acquisition`` and ``ucb_beta`` (the mean needs neither).
    """

    name = "npenas"
    rng_stream = 606
    implementation = "our minimal version of NASLib's npenas"

    def __init__(self, num_init: int = 10, batch_size: int = 10, num_ensemble: int = 3, num_candidates: int = 100,
                 num_arches_to_mutate: int = 5, max_mutations: int = 1, hidden: int = 32, layers: int = 2,
                 epochs: int = 200, lr: float = 0.01, weight_decay: float = 1e-4) -> None:
        super().__init__(num_init=num_init, batch_size=batch_size, num_ensemble=num_ensemble,
                         num_candidates=num_candidates, num_arches_to_mutate=num_arches_to_mutate,
                         max_mutations=max_mutations, acquisition="mean", hidden=hidden, layers=layers,
                         epochs=epochs, lr=lr, weight_decay=weight_decay)
