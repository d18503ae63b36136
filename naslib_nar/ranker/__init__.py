"""The Neural Architecture Ranker (torch): model, losses, tiers and the predictor."""
from __future__ import annotations

from .estimator import NeuralArchitectureRanker

__all__ = ["NeuralArchitectureRanker"]
