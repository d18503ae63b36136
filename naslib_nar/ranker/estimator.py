"""The NAR as a predictor with a scikit-learn contract.

``NeuralArchitectureRanker().fit(archs, y)`` trains the transformer ranker on
architectures and their accuracies; ``predict`` returns relative scores (higher is
better, float64), ``predict_tiers`` the probabilities of the K quality tiers (tier 0 is
the best), and ``tier_statistics_`` the FLOPs/params/op statistics the sampler uses.
What it shares with the other predictors (parameter checks, encoding, seeding,
``rank``/``score``, save/load) is in :mod:`naslib_nar.ranker.base`; this module holds the
NAR's model configuration, training and tier outputs.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Dict, List, Optional, Tuple

import numpy as np
import torch
from scipy.special import softmax

from ..spaces.encoded import EncodedArchs
from ..spaces.nb101 import NB101Space
from ..spaces.nb201 import NB201Space
from .base import COMMON_PARAM_CHECKS, RankingEstimator, Validation
from .model import NARModel, create_ranker_model
from .presets import HISTOGRAM_BINS, encoding_preset, model_preset, train_preset
from .tiers import TierSnapshot, TierStatistics, tier_labels
from .training import TrainConfig, predict_batches, train_nar

_MODEL_KEYS = ("dim", "depth", "num_heads", "mlp_dim", "dropout", "score_hidden", "tier_hidden", "op_embedding",
               "standardize_inputs")
_TRAIN_KEYS = ("epochs", "batch_size", "lr_mul", "warmup_steps", "weight_decay", "ranking_weight", "min_steps",
               "batches_per_epoch", "ema_decay")


class NeuralArchitectureRanker(RankingEstimator):
    """Neural Architecture Ranker (Guo et al.): tier classification + pairwise ranking.

    Parameters
    ----------
    space : {"nb101", "nb201"} or None
        Search space; inferred from the training architectures when None.
    dataset : str
        NB201 dataset whose input resolution sets the cell FLOPs in the features.
    preset : {"faithful", "fast", "tiny"}
        Base configuration (see ``ranker/presets.py``); every ``None`` parameter below
        takes its value from the preset.
    n_tiers : int
        Number of quality tiers K (paper: 5; Table 3 ablates 3/5/7).
    dim, depth, num_heads, mlp_dim, dropout, score_hidden, tier_hidden : model overrides.
    op_embedding : bool or None
        Embed the operation-matrix token from one-hot op codes (see ``NARModel``).
    standardize_inputs : bool or None
        Standardise every tensor element with the training set's mean/std (ReNAS does
        the same); the FLOPs/params channels otherwise span very different scales.
    epochs, batch_size, lr_mul, warmup_steps, weight_decay, ranking_weight : training overrides
        (``ranking_weight`` is lambda of Eq. 12).
    ema_decay : float or None
        End with an exponential moving average of the weights (``fast``: 0.998, used
        below 500 training architectures, where it measured better; 0 = off).
    min_steps, batches_per_epoch : int or None
        Training length for few labels: an epoch has at least ``batches_per_epoch`` batches
        (smaller batches, never below 16) and training runs at least ``min_steps``
        optimiser steps (more epochs). With 156 labels and batches of 128 the preset's 80
        epochs are 80 steps, far too few; the ``faithful`` preset keeps the paper's recipe.
    n_bins : int or None
        Histogram bins q of the tier statistics (8 for NB101, 5 for NB201 when None).
    canonicalize : bool or None
        None takes the preset's choice (``fast``: True, ``faithful``: False). NB201 only:
        the ranker sees each architecture in canonical form (``NB201Space.canonical_ops``:
        computationally dead edges set to 'none', interchangeable parallel branches in a
        fixed order), so strings of the same network share one encoding;
        tier statistics keep the real network costs. NB101 cells are always pruned by
        the space itself.
    refresh_tier_embeddings : bool
        After training, recompute each tier embedding as the mean encoder feature of
        its training architectures under the final weights (instead of the running mean
        accumulated while the weights were still moving).
    warm_start : bool
        Like scikit-learn's: a second ``fit`` continues training the fitted model on the
        new data (``epochs`` more epochs, the learning-rate schedule continuing where it
        stopped, tiers re-labelled, input statistics kept) instead of starting afresh. The
        budget regime uses it to re-fit cheaply as labels arrive.
    precision : {"fp32", "bf16"}
        bf16 autocast is mixed precision: several times faster on CPUs with AMX/AVX512-BF16.
    device : {"auto", "cpu", "cuda"}
    random_state : int or None
        Seeds weights, shuffling and dropout. Same seed, thread count and hardware give
        the same model.
    progress : bool
        Show a tqdm progress bar while fitting.
    """

    _format = "naslib_nar.NeuralArchitectureRanker"
    _what = "NAR model"
    _param_checks = {
        **COMMON_PARAM_CHECKS,
        "preset": dict(kind=str, choices=("faithful", "fast", "tiny")),
        "n_tiers": dict(kind=int, min_val=2),
        **{name: dict(kind=int, min_val=1, allow_none=True)
           for name in ("dim", "depth", "num_heads", "mlp_dim", "score_hidden", "tier_hidden", "epochs", "batch_size",
                        "warmup_steps", "n_bins", "batches_per_epoch")},
        "min_steps": dict(kind=int, min_val=0, allow_none=True),
        "ema_decay": dict(kind=float, min_val=0.0, max_val=1.0, max_inclusive=False, allow_none=True),
        "dropout": dict(kind=float, min_val=0.0, max_val=1.0, max_inclusive=False, allow_none=True),
        **{name: dict(kind=float, min_val=0.0, allow_none=True)
           for name in ("lr_mul", "weight_decay", "ranking_weight")},
        **{name: dict(kind=bool, allow_none=True) for name in ("op_embedding", "standardize_inputs", "canonicalize")},
        "augment": dict(kind=int, min_val=0, allow_none=True),
        **{name: dict(kind=bool) for name in ("refresh_tier_embeddings", "warm_start")},
        "precision": dict(kind=str, choices=("fp32", "bf16")),
    }

    def __init__(
        self,
        *,
        space: Optional[str] = None,
        dataset: str = "cifar10",
        preset: str = "fast",
        n_tiers: int = 5,
        dim: Optional[int] = None,
        depth: Optional[int] = None,
        num_heads: Optional[int] = None,
        mlp_dim: Optional[int] = None,
        dropout: Optional[float] = None,
        score_hidden: Optional[int] = None,
        tier_hidden: Optional[int] = None,
        op_embedding: Optional[bool] = None,
        standardize_inputs: Optional[bool] = None,
        epochs: Optional[int] = None,
        batch_size: Optional[int] = None,
        lr_mul: Optional[float] = None,
        warmup_steps: Optional[int] = None,
        weight_decay: Optional[float] = None,
        ranking_weight: Optional[float] = None,
        min_steps: Optional[int] = None,
        batches_per_epoch: Optional[int] = None,
        ema_decay: Optional[float] = None,
        n_bins: Optional[int] = None,
        canonicalize: Optional[bool] = None,
        augment: Optional[int] = None,
        refresh_tier_embeddings: bool = True,
        warm_start: bool = False,
        precision: str = "fp32",
        device: str = "auto",
        random_state: Optional[int] = None,
        progress: bool = False,
    ) -> None:
        self.space, self.dataset, self.preset, self.n_tiers = space, dataset, preset, n_tiers
        self.dim, self.depth, self.num_heads, self.mlp_dim = dim, depth, num_heads, mlp_dim
        self.dropout, self.score_hidden, self.tier_hidden = dropout, score_hidden, tier_hidden
        self.op_embedding, self.standardize_inputs = op_embedding, standardize_inputs
        self.epochs, self.batch_size, self.lr_mul, self.warmup_steps = epochs, batch_size, lr_mul, warmup_steps
        self.weight_decay, self.ranking_weight, self.n_bins = weight_decay, ranking_weight, n_bins
        self.min_steps, self.batches_per_epoch, self.ema_decay = min_steps, batches_per_epoch, ema_decay
        self.canonicalize, self.augment = canonicalize, augment
        self.refresh_tier_embeddings, self.precision, self.device = refresh_tier_embeddings, precision, device
        self.warm_start = warm_start
        self.random_state, self.progress = random_state, progress

    # ------------------------------------------------------------------ configuration
    def _min_train_size(self) -> Tuple[int, str]:
        return self.n_tiers, f"to fill its n_tiers={self.n_tiers} tiers (add architectures or lower n_tiers)"

    def _resolved_config(self, space: str) -> Dict[str, Any]:
        model_cfg = model_preset(space, self.preset)
        model_cfg.update({k: getattr(self, k) for k in _MODEL_KEYS if getattr(self, k) is not None})
        train_cfg = train_preset(space, self.preset)
        train_cfg.update({k: getattr(self, k) for k in _TRAIN_KEYS if getattr(self, k) is not None})
        if model_cfg["dim"] % model_cfg["num_heads"]:
            raise ValueError(
                f"dim={model_cfg['dim']} must be divisible by num_heads={model_cfg['num_heads']} in "
                f"{type(self).__name__}."
            )
        augment = encoding_preset(space, self.preset)["augment"] if self.augment is None else self.augment
        if augment and space != "nb101":
            raise ValueError(f"augment={augment}: only NB101 cells can be relabelled (NB201 cells have one fixed "
                             f"vertex order); use augment=0 or leave it out for {space}.")
        return {"model": model_cfg, "train": train_cfg, "n_bins": self.n_bins or HISTOGRAM_BINS[space],
                "augment": augment}

    def _encode(self, X: Any, space: Optional[str], name: str = "X") -> EncodedArchs:
        enc = super()._encode(X, space, name)
        canonicalize = self.canonicalize
        if canonicalize is None:
            canonicalize = encoding_preset(enc.space, self.preset)["canonicalize"]
        if canonicalize and enc.space == "nb201":
            sp = NB201Space()
            tensors = sp.encode(sp.canonical_ops(sp.decode_tensors(enc.tensors)), dataset=self.dataset)
            enc = dataclasses.replace(enc, tensors=tensors)
        return enc

    # ------------------------------------------------------------------ fit
    def _fit_model(self, enc: EncodedArchs, y: np.ndarray, val: Validation, *, seed: int,
                   device: torch.device) -> Tuple[NARModel, Dict[str, Any]]:
        cfg = self._resolved_config(enc.space)
        tiers = tier_labels(y, self.n_tiers)
        snapshots: List[TierSnapshot] = []

        def record_batch(idx: torch.Tensor) -> None:
            rows = train_rows[idx.numpy()]
            snapshots.append(TierSnapshot.from_arrays(
                enc.flops[rows], enc.params[rows], enc.op_counts[rows], tiers[rows], self.n_tiers, cfg["n_bins"]))

        warm = (self.warm_start and hasattr(self, "model_") and self.space_ == enc.space
                and self.n_tiers == self.model_.n_tiers and self.tensor_shape_ == tuple(enc.tensors.shape[1:]))
        done_steps = self.history_["steps"] if warm else 0
        torch.manual_seed(seed + done_steps)
        tensors = torch.from_numpy(enc.tensors)
        if warm:
            model = self.model_.to(device)
        else:
            model = create_ranker_model(enc.space, self.preset, n_tiers=self.n_tiers, **cfg["model"])
            if cfg["model"]["standardize_inputs"]:
                model.set_input_standardisation(tensors)
        generator = torch.Generator().manual_seed(seed + done_steps)
        train_rows, train_tensors = np.arange(len(y)), tensors
        if cfg["augment"]:
            train_rows, train_tensors = self._relabelled_copies(enc, cfg["augment"], seed + done_steps)
        history = train_nar(
            model, train_tensors, torch.from_numpy(y[train_rows]).float(), torch.from_numpy(tiers[train_rows]),
            TrainConfig(precision=self.precision, **cfg["train"]), generator=generator, device=device,
            val=None if val is None else (torch.from_numpy(val[0].tensors), val[1]),
            on_batch=record_batch if enc.has_costs else None,
            progress=self.progress, start_step=done_steps, n_distinct=len(y),
        )
        if self.refresh_tier_embeddings:
            self._refresh_embeddings(model, tensors, tiers, device)
        self.config_ = cfg
        self.tier_statistics_ = None
        if enc.has_costs:
            aggregate = TierSnapshot.from_arrays(enc.flops, enc.params, enc.op_counts, tiers, self.n_tiers,
                                                 cfg["n_bins"])
            self.tier_statistics_ = TierStatistics(self.n_tiers, cfg["n_bins"], list(enc.op_names), aggregate,
                                                   snapshots)
        return model, history

    @staticmethod
    def _relabelled_copies(enc: EncodedArchs, copies: int, seed: int) -> Tuple[np.ndarray, torch.Tensor]:
        """The training tensors followed by ``copies`` relabelled versions of each NB101 cell,
        and the original row of every training row (for labels, tiers and statistics)."""
        space, rng = NB101Space(), np.random.default_rng(seed)
        cells = space.decode_tensors(enc.tensors)
        blocks = [enc.tensors] + [space.encode(space.random_relabel(cells, rng)) for _ in range(copies)]
        return np.tile(np.arange(len(enc)), copies + 1), torch.from_numpy(np.concatenate(blocks))

    def _refresh_embeddings(self, model: NARModel, tensors: torch.Tensor, tiers: np.ndarray,
                            device: torch.device) -> None:
        _, _, feats = predict_batches(model, tensors, device, self.precision, features=True)
        model.tier_counts.zero_()
        model.update_tier_embeddings(feats.to(model.tier_embeddings.device), torch.from_numpy(tiers).to(
            model.tier_embeddings.device))

    # ------------------------------------------------------------------ predict
    def _forward(self, X: Any, features: bool = False) -> Tuple[np.ndarray, np.ndarray, Optional[torch.Tensor]]:
        enc = self._encode_fitted(X)
        return predict_batches(self.model_, torch.from_numpy(enc.tensors), self._model_device(), self.precision,
                               features=features)

    def predict(self, X: Any) -> np.ndarray:
        """Relative scores (float64, higher is better); comparable within one fitted model."""
        return self._forward(X)[0]

    def predict_tiers(self, X: Any) -> np.ndarray:
        """Tier probabilities (n, K), float64; column 0 is the best tier T1."""
        return softmax(self._forward(X)[1], axis=1)

    def predict_all(self, X: Any) -> Dict[str, np.ndarray]:
        """Scores and tier probabilities in one forward pass (what the search loop needs)."""
        scores, logits, _ = self._forward(X)
        return {"scores": scores, "tier_proba": softmax(logits, axis=1)}

    def update_tier_embeddings(self, X: Any) -> np.ndarray:
        """Fold ``X`` into the tier embeddings by *predicted* tier (§3.2, search phase).

        Returns the predicted tiers. Off by default in the search loop; an option there.
        """
        _, logits, feats = self._forward(X, features=True)
        predicted = logits.argmax(axis=1)
        emb = self.model_.tier_embeddings
        self.model_.update_tier_embeddings(feats.to(emb.device), torch.from_numpy(predicted).to(emb.device))
        return predicted

    # ------------------------------------------------------------------ persistence
    def _extra_state(self) -> Dict[str, Any]:
        return {
            "config": {**self.config_, "train": {k: list(v) if isinstance(v, tuple) else v
                                                 for k, v in self.config_["train"].items()}},
            "tier_statistics": None if self.tier_statistics_ is None else self.tier_statistics_.to_dict(),
        }

    def _restore(self, payload: Dict[str, Any]) -> None:
        cfg = payload["config"]
        cfg["train"]["betas"] = tuple(cfg["train"]["betas"])
        model = create_ranker_model(payload["space"], self.preset, n_tiers=self.n_tiers, **cfg["model"])
        model.load_state_dict(payload["state_dict"])
        self.model_ = model.eval()
        self.config_ = cfg
        stats = payload["tier_statistics"]
        self.tier_statistics_ = None if stats is None else TierStatistics.from_dict(stats)
