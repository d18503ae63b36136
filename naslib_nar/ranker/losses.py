"""NAR training losses: pairwise logistic ranking loss (Eq. 9) plus tier cross-entropy (Eq. 12)."""
from __future__ import annotations

import torch
import torch.nn.functional as F


def pairwise_logistic_loss(scores: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean of psi((s_m - s_n) * sign(y_m - y_n)) over pairs with different targets.

    psi(e) = log(1 + exp(-e)) is evaluated as softplus(-e), which never overflows (the
    reference's ``log(1 + exp(-e))`` returns inf for e < -88 in float32). Pairs with
    equal targets carry no ranking signal and are left out of the mean; the paper's sum
    (Eq. 9) differs from this mean only by a constant factor for a fixed batch size,
    which the weight lambda absorbs. Returns 0 when no pair has distinct targets.
    """
    if scores.shape != targets.shape or scores.dim() != 1:
        raise ValueError(
            f"scores and targets must be 1-D of equal length; got {tuple(scores.shape)} and {tuple(targets.shape)}."
        )
    diff = scores.unsqueeze(1) - scores.unsqueeze(0)
    sign = torch.sign(targets.unsqueeze(1) - targets.unsqueeze(0)).to(scores.dtype)
    upper = torch.triu(torch.ones_like(sign, dtype=torch.bool), diagonal=1)
    informative = upper & (sign != 0)
    n_pairs = informative.sum()
    if n_pairs == 0:
        return scores.sum() * 0.0
    losses = F.softplus(-(diff * sign))
    return losses[informative].sum() / n_pairs


def nar_loss(
    scores: torch.Tensor,
    tier_logits: torch.Tensor,
    targets: torch.Tensor,
    tiers: torch.Tensor,
    ranking_weight: float,
) -> torch.Tensor:
    """L = L2 + lambda * L1 (Eq. 12): tier cross-entropy plus weighted ranking loss."""
    return F.cross_entropy(tier_logits, tiers) + ranking_weight * pairwise_logistic_loss(scores, targets)
