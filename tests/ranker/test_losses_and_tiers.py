import math

import numpy as np
import pytest
import torch

from naslib_nar.experiments.metrics import tier_accuracy
from naslib_nar.ranker.losses import nar_loss, pairwise_logistic_loss
from naslib_nar.ranker.tiers import TierSnapshot, bin_edges, histogram, tier_boundaries, tier_labels


def softplus(x):
    return math.log1p(math.exp(x))


def test_ranking_loss_hand_computed():
    scores = torch.tensor([2.0, 1.0, 0.0])
    targets = torch.tensor([3.0, 2.0, 1.0])
    expected = (softplus(-1) + softplus(-2) + softplus(-1)) / 3
    assert pairwise_logistic_loss(scores, targets).item() == pytest.approx(expected, rel=1e-6)


def test_ranking_loss_penalises_wrong_order_and_skips_ties():
    scores = torch.tensor([0.0, 1.0, 5.0])
    targets = torch.tensor([1.0, 0.0, 1.0])  # pair (0, 2) is a tie: no signal
    # informative pairs: (0,1): s0-s1=-1, sign +1 -> softplus(1); (1,2): -4 * -1 = 4 -> softplus(-4)
    expected = (softplus(1) + softplus(-4)) / 2
    assert pairwise_logistic_loss(scores, targets).item() == pytest.approx(expected, rel=1e-6)


def test_ranking_loss_is_stable_for_large_margins():
    loss = pairwise_logistic_loss(torch.tensor([1000.0, -1000.0]), torch.tensor([0.0, 1.0]))
    assert torch.isfinite(loss) and loss.item() == pytest.approx(2000.0)


def test_ranking_loss_all_ties_is_zero_with_gradient():
    scores = torch.tensor([1.0, 2.0], requires_grad=True)
    loss = pairwise_logistic_loss(scores, torch.tensor([5.0, 5.0]))
    loss.backward()
    assert loss.item() == 0.0 and torch.all(scores.grad == 0)


def test_combined_loss_weights_ranking_term():
    scores, targets = torch.tensor([0.0, 1.0]), torch.tensor([1.0, 0.0])
    logits, tiers = torch.zeros(2, 3), torch.tensor([0, 2])
    ce = math.log(3)
    assert nar_loss(scores, logits, targets, tiers, 2.0).item() == pytest.approx(ce + 2 * softplus(1), rel=1e-6)


def test_tier_labels_equal_slices_remainder_last():
    y = np.arange(12, dtype=float)  # 11 is best
    labels = tier_labels(y, 5)
    assert labels[11] == 0 and labels[10] == 0  # two best -> T1
    assert np.bincount(labels).tolist() == [2, 2, 2, 2, 4]  # step 12 // 5 = 2, remainder to the last tier
    assert set(labels[:4]) == {4}


def test_tier_labels_rejects_too_few():
    with pytest.raises(ValueError, match="tiers"):
        tier_labels(np.arange(3.0), 5)


def test_tier_boundaries_reproduce_labels():
    y = np.random.default_rng(1).normal(size=103)
    labels, cuts = tier_labels(y, 5), tier_boundaries(y, 5)
    assert tier_accuracy(labels, y, cuts) == 1.0


def test_histogram_bins_follow_eq_14_15():
    # values in MFLOPs after ceil: 1, 2, 5, 9 -> delta = ceil((9-1)/4) = 2, edges 1,3,5,7,9
    values = np.array([1, 2, 5, 9]) * 1e6
    edges = bin_edges(values, 4, 1e6)
    assert np.allclose(edges / 1e6, [1, 3, 5, 7, 9])
    # bins (1,3], (3,5], (5,7], (7,9]; the minimum 1 falls in bin 1
    assert histogram(values, edges, 1e6).tolist() == [2, 1, 0, 1]


def test_histogram_guards_constant_values():
    values = np.full(5, 3e6)
    edges = bin_edges(values, 5, 1e6)
    assert histogram(values, edges, 1e6).tolist() == [5, 0, 0, 0, 0]


def test_snapshot_counts_per_tier():
    flops = np.array([1, 2, 3, 4]) * 1e6
    params = np.array([10, 20, 30, 40]) * 1e3
    ops = np.array([[1, 0], [0, 1], [2, 0], [1, 1]])
    snap = TierSnapshot.from_arrays(flops, params, ops, np.array([0, 0, 1, 1]), n_tiers=2, n_bins=2)
    assert snap.tier_sizes.tolist() == [2, 2]
    assert snap.op_counts.tolist() == [[1, 1], [3, 1]]
    assert snap.flops_hist.sum(axis=1).tolist() == [2, 2]
    restored = TierSnapshot.from_dict(snap.to_dict())
    assert np.array_equal(restored.flops_hist, snap.flops_hist)
