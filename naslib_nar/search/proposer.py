"""One iteration of NAR's search (§3.3, Fig. 3), shared by every regime: which n rows to label next.

Per iteration: sample k candidates (a fraction p uniformly from the whole space, the
rest under constraints drawn from T1's statistics), add (budget regime, ``neighbours``
= m > 0) every queryable architecture at most ``neighbour_radius`` (default 1) mutations
from the m best labelled architectures - the labelled top tier, where a few-label ranker
is most reliable, because it compares close relatives - score them with the ranker in one
``predict_all`` call, keep those classified T1 (argmax tier == 0), and propose the top-n
by score that have not been labelled yet; when T1 holds fewer than n of them, the rest
are those with the highest T1 probability. A predictor without tiers (ReNAS) skips the
T1 filter and samples uniformly (it has no statistics).

The proposer neither queries nor fits: the searchers (:mod:`naslib_nar.search.nar`)
decide how the ranker is trained, which labels count and when to re-fit
(:meth:`Proposer.set_ranker`).
"""
from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from .constraints import ConstraintPlan, SamplingCounts, make_plan, sample_constrained
from .mutation import Mutator
from .pool import CandidatePool
from .settings import SearchSettings

__all__ = ["choose", "draw_tiers", "Proposer"]

MAX_LOGGED_PLANS = 20


def choose(scores: np.ndarray, tier_proba: Optional[np.ndarray], n: int,
           rng: Optional[np.random.Generator] = None, temperature: float = 1.0) -> Dict[str, np.ndarray]:
    """Positions of the n candidates to query: T1 by score, then by T1 probability.

    ``scores``/``tier_proba`` cover the eligible candidates only. With ``rng``, Thompson
    sampling from the ranker's own two probabilistic outputs: each candidate's tier is
    drawn from its predicted tier distribution (instead of the argmax), and the order
    within a drawn tier is a Plackett-Luce draw from the scores (Gumbel-top-k: score /
    ``temperature`` plus Gumbel noise). The ranking head is trained with a pairwise
    logistic loss, so sigmoid(s_i - s_j) is the model's probability that i beats j, and
    Plackett-Luce with these scores is the ranking distribution that loss implies
    (``temperature`` 1); an architecture the classifier puts in T1 with probability 0.3
    is taken as T1 in 30% of the draws. The batch explores where the ranker is unsure
    instead of exploiting one confident region every iteration. Returns the positions
    and those from outside (drawn or predicted) T1.
    """
    by_score = np.argsort(-scores, kind="stable")
    if tier_proba is None:
        return {"picked": by_score[:n], "fallback": np.zeros(0, dtype=np.int64)}
    if rng is not None:
        tiers = draw_tiers(tier_proba, rng)
        perturbed = np.asarray(scores, dtype=np.float64) / temperature + rng.gumbel(size=len(scores))
        order = np.lexsort((-perturbed, tiers))[:n]
        return {"picked": order, "fallback": order[tiers[order] > 0]}
    in_t1 = np.argmax(tier_proba, axis=1) == 0
    picked = by_score[in_t1[by_score]][:n]
    rest = np.setdiff1d(np.arange(len(scores)), picked)
    fallback = rest[np.argsort(-tier_proba[rest, 0], kind="stable")][: n - len(picked)]
    return {"picked": np.concatenate([picked, fallback]), "fallback": fallback}


def draw_tiers(tier_proba: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One tier index per row, drawn from that row's (N, K) tier probabilities."""
    cumulative = np.cumsum(tier_proba, axis=1)
    u = rng.random(len(tier_proba))[:, None] * cumulative[:, -1:]
    return np.minimum((u >= cumulative).sum(axis=1), tier_proba.shape[1] - 1)


class Proposer:
    """Proposes candidates with the current ranker's statistics and chooses the n to label.

    Parameters
    ----------
    pool : CandidatePool
    settings : SearchSettings
    rng : numpy Generator (the run's only source of sampling randomness)
    iterations : planned iterations, to spread per-batch snapshots evenly ("by turns").
    """

    def __init__(self, pool: CandidatePool, settings: SearchSettings, rng: np.random.Generator,
                 iterations: int) -> None:
        self.pool, self.settings, self.rng, self.iterations = pool, settings, rng, iterations
        self.counts = SamplingCounts()
        self.n_scored = 0
        self.n_t1 = 0
        self.n_fallback = 0
        self.n_neighbour_candidates = 0
        self.n_neighbour_picks = 0
        self.mutator = Mutator(pool.bench, pool.queryable, rng, max_steps=1)
        self.ranker: Any = None
        self._plans: List[ConstraintPlan] = []
        # id(plan) -> (plan, summary) of the distinct plans used; holding the plan keeps its id unique.
        self._plan_log: Dict[int, Tuple[ConstraintPlan, Dict[str, Any]]] = {}
        self._turn, self._turn_start = 1, 0
        self.iteration = 0  # iterations run so far

    # ------------------------------------------------------------------ ranker and statistics
    def set_ranker(self, ranker: Any) -> None:
        """Use a (re-)fitted ranker and the statistics it collected from now on."""
        self.ranker = ranker
        self._plans = []
        stats = getattr(ranker, "tier_statistics_", None)
        if stats is None or not hasattr(ranker, "predict_tiers") or self.settings.random_fraction >= 1.0:
            return
        snapshots = [stats.aggregate] if self.settings.statistics == "aggregate" or not stats.batches else \
            [stats.batches[i] for i in self.rng.permutation(len(stats.batches))]
        self._plans = [make_plan(s, **self.settings.plan_kwargs()) for s in snapshots]
        # By turns: each snapshot drives an equal run of the remaining iterations.
        remaining = max(self.iterations - self.iteration, 1)
        self._turn = max(1, math.ceil(remaining / len(self._plans)))
        self._turn_start = self.iteration

    def _plan(self) -> Optional[ConstraintPlan]:
        if not self._plans:
            return None
        index = min((self.iteration - self._turn_start) // self._turn, len(self._plans) - 1)
        return self._plans[index]

    # ------------------------------------------------------------------ one iteration
    def propose(self) -> np.ndarray:
        """k candidate rows: p*k uniform, the rest under constraints (uniform without statistics)."""
        k = self.settings.candidates
        plan = self._plan()
        n_random = k if plan is None else int(round(self.settings.random_fraction * k))
        parts = [self.pool.uniform_rows(n_random, self.rng, self.counts)] if n_random else []
        if n_random < k:
            rows, counts = sample_constrained(self.pool.sampler, self.pool.locate, plan, k - n_random, self.rng,
                                              reuse=self.settings.reuse, max_trials=self.settings.max_trials)
            self.counts.add(counts)
            if counts.given_up:
                rows[rows < 0] = self.pool.uniform_rows(counts.given_up, self.rng, self.counts)
            parts.append(rows)
            if id(plan) not in self._plan_log:
                self._plan_log[id(plan)] = (plan, plan.summary())
        return np.concatenate(parts)

    def neighbour_rows(self, parents: np.ndarray) -> np.ndarray:
        """Queryable rows at most ``neighbour_radius`` mutations away from any of ``parents``
        (the best labelled rows)."""
        parts = [self.mutator.within(int(row), self.settings.neighbour_radius) for row in parents]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def select(self, n: int, exclude: np.ndarray, parents: Optional[np.ndarray] = None) -> np.ndarray:
        """One search iteration: the rows of the ``n`` chosen candidates not in ``exclude``.

        ``parents``: rows whose neighbourhoods join the candidates (none: sampled
        candidates only). Fewer than ``n`` (none at all) when fewer candidates are
        eligible; the iteration counts either way.
        """
        candidates = self.propose()
        near = np.zeros(0, dtype=np.int64)
        if parents is not None and len(parents):
            near = self.neighbour_rows(parents)
            candidates = np.concatenate([candidates, near])
        self.iteration += 1
        _, first = np.unique(candidates, return_index=True)
        unique = candidates[np.sort(first)]
        eligible = unique[~np.isin(unique, exclude)]
        if len(eligible) == 0:
            return np.zeros(0, dtype=np.int64)
        encoded = self.pool.encode(eligible)
        self.n_scored += len(eligible)
        if hasattr(self.ranker, "predict_all"):
            out = self.ranker.predict_all(encoded)
            scores, proba = out["scores"], out["tier_proba"]
        else:
            scores, proba = self.ranker.predict(encoded), None
        thompson = self.settings.acquisition == "thompson"
        chosen = choose(scores, proba, n, self.rng if thompson else None, self.settings.temperature)
        if len(near):
            self.n_neighbour_candidates += int(np.isin(eligible, near).sum())
            self.n_neighbour_picks += int(np.isin(eligible[chosen["picked"]], near).sum())
        if proba is not None:
            self.n_t1 += int(np.sum(np.argmax(proba, axis=1) == 0))
            self.n_fallback += len(chosen["fallback"])
            if self.settings.update_tier_embeddings:
                self.ranker.update_tier_embeddings(encoded)
        return eligible[chosen["picked"]]

    def info(self) -> Dict[str, Any]:
        """JSON-ready counters of the run (what the search must report about itself).

        ``plans`` lists Algorithm 2's decisions for the distinct statistics used (at most
        ``MAX_LOGGED_PLANS``), ``plans_used`` how many there were.
        """
        plans = [summary for _, summary in self._plan_log.values()]
        return {"n_scored": self.n_scored, "iterations_run": self.iteration,
                "t1_candidates": self.n_t1, "t1_fallback_picks": self.n_fallback,
                "neighbour_candidates": self.n_neighbour_candidates, "neighbour_picks": self.n_neighbour_picks,
                **self.counts.to_dict(), "plans_used": len(plans), "plans": plans[:MAX_LOGGED_PLANS]}
