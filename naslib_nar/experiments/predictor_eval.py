"""A predictor evaluated at one seed: train on validation accuracy, rank the held-out rest.

The labelled architectures are shuffled once per seed: the first ``train_size`` train the
predictor, the next ``val_size`` select its epoch, and the remaining ones (or
``test_size`` of them) are ranked and compared with the truth: test accuracy where every
labelled architecture has one (NB201 from the shared tables), validation accuracy
otherwise (NB101's labelled subset, the embedded NB201 data), stated in the result.
A table of test accuracies with holes (NaN for some labelled architectures) is scored
against validation accuracy too, with a warning that counts the holes. At least
:data:`MIN_TEST_SIZE` architectures are tested on.
This is what one task of ``evaluate-predictor`` and of ``compare``'s predictor table runs.
"""
from __future__ import annotations

import time
import warnings
from typing import Any, Dict, Mapping, Optional

import numpy as np

from ..baselines.registry import make_predictor
from ..benchmarks.load import truth_metric
from ..ranker.tiers import tier_boundaries
from .metrics import ranking_metrics, tier_accuracy


#: The fewest test architectures a ranking is scored on: Kendall tau over fewer pairs
#: (2 architectures give tau = +1 or -1) says nothing about a predictor.
MIN_TEST_SIZE = 10


def check_test_size(test_size: Optional[int]) -> Optional[int]:
    """``test_size`` if it is None (all the rest) or at least :data:`MIN_TEST_SIZE`."""
    if test_size is not None and test_size < MIN_TEST_SIZE:
        raise ValueError(f"too few architectures to rank (test_size = {test_size}): Kendall tau on fewer than "
                         f"{MIN_TEST_SIZE} says little; use test_size >= {MIN_TEST_SIZE}, or leave it out to test on "
                         "all the remaining architectures.")
    return test_size


def check_sizes(n_labelled: int, train_size: int, val_size: int, space: str,
                test_size: Optional[int] = None) -> None:
    """At least :data:`MIN_TEST_SIZE` labelled architectures must be left to test on."""
    check_test_size(test_size)
    if train_size + val_size + MIN_TEST_SIZE > n_labelled:
        raise ValueError(
            f"train_size + val_size = {train_size + val_size} leaves fewer than {MIN_TEST_SIZE} of the {n_labelled} "
            f"labelled {space} architectures for testing. Lower train_size/val_size.")


def _truth(bench: Any, rows: np.ndarray) -> str:
    """The metric the ranking is scored against, with a warning when test accuracy is
    there but missing for some labelled architectures (fewer than half: a table with
    holes, not one without test accuracies such as NB101's labelled subset)."""
    truth = truth_metric(bench)
    if truth != "test_acc" and "test_acc" in bench.metric_names:
        missing = int((~np.isfinite(bench.metric("test_acc")[rows])).sum())
        if missing < len(rows) / 2:
            warnings.warn(f"{missing} of the {len(rows)} labelled architectures have no test_acc (NaN) in "
                          f"{bench.source}, so the ranking is scored against val_acc instead (as the result says); "
                          "drop or fill in those rows to score against test_acc.", stacklevel=3)
    return truth


def evaluate_seed(bench: Any, encoded: Any, *, predictor: str, train_size: int, val_size: int,
                  test_size: Optional[int], seed: int, params: Mapping[str, Any], progress: bool = False,
                  scatter: bool = False) -> Dict[str, Any]:
    """Fit ``predictor`` on one seed's split of ``bench`` and score its ranking.

    ``encoded`` is ``encode_rows(bench, bench.labelled_rows('val_acc'))``. Returns
    ``per_seed`` (the metrics), the ``truth_metric``, ``n_labelled`` and the data
    ``source``; with ``scatter``, the predicted scores, true values and true tiers of
    the test architectures for the rank-scatter figure.
    """
    rows = bench.labelled_rows("val_acc")
    check_sizes(len(rows), train_size, val_size, bench.space)
    truth = _truth(bench, rows)
    y_val_all, y_truth_all = bench.metric("val_acc")[rows], bench.metric(truth)[rows]
    perm = np.random.default_rng(seed).permutation(len(rows))
    train, val = perm[:train_size], perm[train_size:train_size + val_size]
    test = perm[train_size + val_size:]
    if test_size is not None:
        test = test[:test_size]
    est = make_predictor(predictor, space=bench.space, dataset=bench.dataset, seed=seed, params=dict(params))
    if hasattr(est, "progress"):
        est.set_params(progress=progress)
    start = time.perf_counter()
    if val_size:
        est.fit(encoded[train], y_val_all[train], X_val=encoded[val], y_val=y_val_all[val])
    else:
        est.fit(encoded[train], y_val_all[train])
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    pred = est.predict(encoded[test])
    query_s = time.perf_counter() - start
    record: Dict[str, Any] = {"seed": seed, "n_train": len(train), "n_val": len(val), "n_test": len(test),
                              "fit_seconds": fit_s, "query_seconds": query_s,
                              **ranking_metrics(pred, y_truth_all[test])}
    result: Dict[str, Any] = {"per_seed": record, "truth_metric": truth, "n_labelled": int(len(rows)),
                              "source": bench.source}
    if hasattr(est, "predict_tiers"):
        # Tiers are defined on the training target (validation accuracy), so test
        # architectures are tiered by their validation accuracy with the training cuts:
        # NB201's test_acc comes from differently trained models on another scale.
        pred_tiers = est.predict_tiers(encoded[test]).argmax(axis=1)
        cuts = tier_boundaries(y_val_all[train], est.n_tiers)
        record["tier_accuracy"] = tier_accuracy(pred_tiers, y_val_all[test], cuts)
        if scatter:
            result["scatter"] = {"pred": pred.tolist(), "truth": y_truth_all[test].tolist(),
                                 "true_tiers": np.searchsorted(-cuts, -y_val_all[test], side="left").tolist()}
    return result
