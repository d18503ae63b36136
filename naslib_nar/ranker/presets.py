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
                         weight_decay=1e-2, eps=1e-9, ranking_weight=1.0),
        "fast": dict(epochs=80, batch_size=128, lr_mul=0.07, warmup_steps=30, betas=(0.9, 0.99),
                     weight_decay=1e-2, eps=1e-9, ranking_weight=4.0),
        "tiny": dict(epochs=20, batch_size=32, lr_mul=0.2, warmup_steps=10, betas=(0.9, 0.99),
                     weight_decay=1e-2, eps=1e-9, ranking_weight=1.0),
    },
    "nb101": {
        "faithful": dict(epochs=35, batch_size=256, lr_mul=0.1, warmup_steps=50, betas=(0.9, 0.982),
                         weight_decay=5e-4, eps=1e-9, ranking_weight=9.0),
        "fast": dict(epochs=35, batch_size=256, lr_mul=0.1, warmup_steps=50, betas=(0.9, 0.982),
                     weight_decay=5e-4, eps=1e-9, ranking_weight=9.0),
        "tiny": dict(epochs=20, batch_size=32, lr_mul=0.2, warmup_steps=10, betas=(0.9, 0.982),
                     weight_decay=5e-4, eps=1e-9, ranking_weight=9.0),
    },
}

#: Estimator settings that are part of a preset rather than of the model or the schedule.
ENCODING_PRESETS: Dict[str, Dict[str, Dict[str, Any]]] = {
    "nb201": {"faithful": {"canonicalize": False}, "fast": {"canonicalize": True}, "tiny": {"canonicalize": False}},
    "nb101": {"faithful": {"canonicalize": False}, "fast": {"canonicalize": False}, "tiny": {"canonicalize": False}},
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
