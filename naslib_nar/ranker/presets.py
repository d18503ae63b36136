"""Named configurations of the NAR: model sizes and training recipes per search space.

* ``faithful``: the paper's / reference code's sizes and recipe (SPEC §2, Appendix B).
* ``fast``: the CPU default, chosen by measurement on real data (NB201 cifar10 and NB101,
  1,000 + 256 / 4,236 + 1,024 labels, Kendall tau against held-out architectures; see
  the README's results): one encoder and one decoder layer of width 64 with a 128-wide
  FFN (the decoder FFN runs on K*N tokens per architecture: 256 wide cost 2x in NB101
  inference for -0.002 tau), no dropout (dropout masks and the attention-dropout path
  were half of the step time), the
  one-hot op embedding, and NB201 canonicalisation; NB201 trains 80 epochs with
  lambda = 4 (seed 0, cifar10: 55 epochs 0.79 with the wider model, 80 epochs 0.835,
  150 epochs 0.837).
  Few labels (the field's protocol, issue 11: train on N random architectures, Kendall
  tau on the whole space; tuned on seeds 100-101, NB201 cifar10 N = 156 and NB101 N =
  424): an epoch has at least 8 batches (batches of N // 8, never below 16) and training
  runs at least 1,000 steps (with batches of 128, 156 labels gave one step an epoch,
  80 steps in all), an EMA of the weights (decay 0.998) below 500 training
  architectures (NB201 cifar10, seed 100: N = 781 0.835 without, 0.829 with; N = 1,563
  0.852 without, 0.842 with; N = 156, seeds 100-101: 0.725 without, 0.733 with), NB101 trains with 3 relabelled
  copies of each cell and lr_mul 0.2. Measured tau: NB201 156 0.714 -> 0.725 (steps)
  -> 0.733 (EMA) -> 0.749 (canonical parallel branches); NB101 424 0.559 -> 0.659
  (steps) -> 0.677 (lr 0.2) -> 0.699 (copies). From ~1,000 labels on the minimum is
  met by the epochs alone and the recipe is the one above.
* ``tiny``: for unit tests only.
"""
from __future__ import annotations

from typing import Any, Dict

TOKEN_SHAPES = {"nb101": (19, 7), "nb201": (31, 4)}
#: Distinct values of the operation-matrix channel (0 = no edge; NB201 "none" is 0 too).
OP_CODES = {"nb101": 6, "nb201": 5}

MODEL_PRESETS: Dict[str, Dict[str, Dict[str, Any]]] = {
    "nb201": {
        "faithful": dict(dim=128, depth=6, num_heads=4, mlp_dim=512, dropout=0.1, score_hidden=1024, tier_hidden=256,
                         op_embedding=False, standardize_inputs=False),
        "fast": dict(dim=64, depth=1, num_heads=4, mlp_dim=128, dropout=0.0, score_hidden=256, tier_hidden=128,
                     op_embedding=True, standardize_inputs=True),
        "tiny": dict(dim=32, depth=1, num_heads=2, mlp_dim=64, dropout=0.0, score_hidden=64, tier_hidden=32,
                     op_embedding=True, standardize_inputs=True),
    },
    "nb101": {
        "faithful": dict(dim=256, depth=6, num_heads=4, mlp_dim=1024, dropout=0.1, score_hidden=2048, tier_hidden=2048,
                         op_embedding=False, standardize_inputs=False),
        "fast": dict(dim=64, depth=1, num_heads=4, mlp_dim=128, dropout=0.0, score_hidden=256, tier_hidden=128,
                     op_embedding=True, standardize_inputs=True),
        "tiny": dict(dim=32, depth=1, num_heads=2, mlp_dim=64, dropout=0.0, score_hidden=64, tier_hidden=32,
                     op_embedding=True, standardize_inputs=True),
    },
}

TRAIN_PRESETS: Dict[str, Dict[str, Dict[str, Any]]] = {
    "nb201": {
        "faithful": dict(epochs=55, batch_size=128, lr_mul=0.07, warmup_steps=30, betas=(0.9, 0.99),
                         weight_decay=1e-2, eps=1e-9, ranking_weight=1.0, min_steps=0, batches_per_epoch=1),
        "fast": dict(epochs=80, batch_size=128, lr_mul=0.07, warmup_steps=30, betas=(0.9, 0.99),
                     weight_decay=1e-2, eps=1e-9, ranking_weight=4.0, min_steps=1000, batches_per_epoch=8,
                     ema_decay=0.998, ema_max_train=500),
        "tiny": dict(epochs=20, batch_size=32, lr_mul=0.2, warmup_steps=10, betas=(0.9, 0.99),
                     weight_decay=1e-2, eps=1e-9, ranking_weight=1.0, min_steps=0, batches_per_epoch=1),
    },
    "nb101": {
        "faithful": dict(epochs=35, batch_size=256, lr_mul=0.1, warmup_steps=50, betas=(0.9, 0.982),
                         weight_decay=5e-4, eps=1e-9, ranking_weight=9.0, min_steps=0, batches_per_epoch=1),
        "fast": dict(epochs=35, batch_size=256, lr_mul=0.2, warmup_steps=50, betas=(0.9, 0.982),
                     weight_decay=5e-4, eps=1e-9, ranking_weight=9.0, min_steps=1000, batches_per_epoch=8,
                     ema_decay=0.998, ema_max_train=500),
        "tiny": dict(epochs=20, batch_size=32, lr_mul=0.2, warmup_steps=10, betas=(0.9, 0.982),
                     weight_decay=5e-4, eps=1e-9, ranking_weight=9.0, min_steps=0, batches_per_epoch=1),
    },
}

#: Estimator settings that are part of a preset rather than of the model or the schedule.
ENCODING_PRESETS: Dict[str, Dict[str, Dict[str, Any]]] = {
    "nb201": {"faithful": {"canonicalize": False, "augment": 0}, "fast": {"canonicalize": True, "augment": 0},
              "tiny": {"canonicalize": False, "augment": 0}},
    "nb101": {"faithful": {"canonicalize": False, "augment": 0}, "fast": {"canonicalize": False, "augment": 3},
              "tiny": {"canonicalize": False, "augment": 0}},
}

#: Tier-statistics histogram bins q (§3.2): 8 for NB101, 5 for NB201.
HISTOGRAM_BINS = {"nb101": 8, "nb201": 5}


def _lookup(table: Dict[str, Dict[str, Dict[str, Any]]], space: str, preset: str) -> Dict[str, Any]:
    if space not in table:
        raise ValueError(f"Unknown search space {space!r}. Expected one of {sorted(table)}.")
    if preset not in table[space]:
        raise ValueError(f"Unknown preset {preset!r} for {space}. Expected one of {sorted(table[space])}.")
    return dict(table[space][preset])


def model_preset(space: str, preset: str) -> Dict[str, Any]:
    return _lookup(MODEL_PRESETS, space, preset)


def train_preset(space: str, preset: str) -> Dict[str, Any]:
    return _lookup(TRAIN_PRESETS, space, preset)


def encoding_preset(space: str, preset: str) -> Dict[str, Any]:
    return _lookup(ENCODING_PRESETS, space, preset)
