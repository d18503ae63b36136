"""The NAR as a predictor with a scikit-learn-like contract.

``NeuralArchitectureRanker().fit(archs, y)`` trains the transformer ranker on
architectures and their accuracies; ``predict`` returns relative scores (higher is
better, float64), ``predict_tiers`` the probabilities of the K quality tiers (tier 0 is
the best), and ``tier_statistics_`` the FLOPs/params/op statistics the sampler uses.
"""
from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any, Dict, Optional, Union

import numpy as np

from .._predictor import RankingPredictorMixin
from .._validation import check_fitted, check_param, check_targets
from ..spaces.encoded import EncodedArchs, encode_archs
from .presets import HISTOGRAM_BINS, encoding_preset, model_preset, train_preset
from .tiers import TierSnapshot, TierStatistics, tier_labels

MODEL_FORMAT = "naslib_nar.NeuralArchitectureRanker"
MODEL_FORMAT_VERSION = 1

_MODEL_KEYS = ("dim", "depth", "num_heads", "mlp_dim", "dropout", "score_hidden", "tier_hidden", "op_embedding",
               "standardize_inputs")
_TRAIN_KEYS = ("epochs", "batch_size", "lr_mul", "warmup_steps", "weight_decay", "ranking_weight")


class NeuralArchitectureRanker(RankingPredictorMixin):
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
    n_bins : int or None
        Histogram bins q of the tier statistics (8 for NB101, 5 for NB201 when None).
    canonicalize : bool or None
        None takes the preset's choice (``fast``: True, ``faithful``: False). NB201 only: the ranker sees each architecture with its computationally dead edges
        set to 'none' (``NB201Space.effective_ops``), so equivalent strings share one
        encoding; tier statistics keep the real network costs. NB101 cells are always
        pruned by the space itself.
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
        n_bins: Optional[int] = None,
        canonicalize: Optional[bool] = None,
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
        self.canonicalize = canonicalize
        self.refresh_tier_embeddings, self.precision, self.device = refresh_tier_embeddings, precision, device
        self.warm_start = warm_start
        self.random_state, self.progress = random_state, progress

    # ------------------------------------------------------------------ validation
    def _validate_params(self) -> None:
        check_param("space", self.space, str, owner=self, choices=("nb101", "nb201"), allow_none=True)
        check_param("dataset", self.dataset, str, owner=self, choices=("cifar10", "cifar100", "imagenet16"))
        check_param("preset", self.preset, str, owner=self, choices=("faithful", "fast", "tiny"))
        check_param("n_tiers", self.n_tiers, int, owner=self, min_val=2)
        for name in ("dim", "depth", "num_heads", "mlp_dim", "score_hidden", "tier_hidden", "epochs", "batch_size",
                     "warmup_steps", "n_bins"):
            check_param(name, getattr(self, name), int, owner=self, min_val=1, allow_none=True)
        check_param("dropout", self.dropout, float, owner=self, min_val=0.0, max_val=1.0, max_inclusive=False,
                    allow_none=True)
        for name in ("lr_mul", "weight_decay", "ranking_weight"):
            check_param(name, getattr(self, name), float, owner=self, min_val=0.0, allow_none=True)
        for name in ("op_embedding", "standardize_inputs"):
            check_param(name, getattr(self, name), bool, owner=self, allow_none=True)
        check_param("canonicalize", self.canonicalize, bool, owner=self, allow_none=True)
        check_param("refresh_tier_embeddings", self.refresh_tier_embeddings, bool, owner=self)
        check_param("warm_start", self.warm_start, bool, owner=self)
        check_param("precision", self.precision, str, owner=self, choices=("fp32", "bf16"))
        check_param("device", self.device, str, owner=self, choices=("auto", "cpu", "cuda"))
        check_param("random_state", self.random_state, int, owner=self, min_val=0, allow_none=True)
        check_param("progress", self.progress, bool, owner=self)

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
        return {"model": model_cfg, "train": train_cfg, "n_bins": self.n_bins or HISTOGRAM_BINS[space]}

    def _torch_device(self):
        import torch

        if self.device == "cuda" and not torch.cuda.is_available():
            raise ValueError("device='cuda' was requested but CUDA is not available; use device='cpu' or 'auto'.")
        if self.device == "auto":
            return torch.device("cuda" if torch.cuda.is_available() else "cpu")
        return torch.device(self.device)

    def _encode(self, X: Any, space: Optional[str]) -> EncodedArchs:
        enc = encode_archs(X, space=space, dataset=self.dataset)
        canonicalize = self.canonicalize
        if canonicalize is None:
            canonicalize = encoding_preset(enc.space, self.preset)["canonicalize"]
        if canonicalize and enc.space == "nb201":
            from ..spaces.nb201 import NB201Space

            sp = NB201Space()
            tensors = sp.encode(sp.effective_ops(sp.decode_tensors(enc.tensors)), dataset=self.dataset)
            enc = dataclasses.replace(enc, tensors=tensors)
        return enc

    # ------------------------------------------------------------------ fit
    def fit(self, X: Any, y: Any, *, X_val: Any = None, y_val: Any = None) -> "NeuralArchitectureRanker":
        """Train on architectures ``X`` with accuracies ``y`` (higher is better).

        ``X_val``/``y_val`` (optional) select the epoch with the best validation Kendall tau.
        """
        import torch

        from .model import create_ranker_model
        from .training import TrainConfig, train_nar

        self._validate_params()
        enc = self._encode(X, self.space)
        y = check_targets(y, n_expected=len(enc), owner=self)
        if len(enc) < self.n_tiers:
            raise ValueError(
                f"{type(self).__name__} needs at least n_tiers={self.n_tiers} architectures to build its tiers; "
                f"got {len(enc)}. Add training architectures or lower n_tiers."
            )
        if np.ptp(y) == 0:
            raise ValueError(
                f"All {len(y)} targets are equal ({y[0]!r}): there is nothing to rank. Check that y holds the "
                "architectures' accuracies."
            )
        val = None
        if (X_val is None) != (y_val is None):
            raise ValueError("Pass both X_val and y_val, or neither.")
        if X_val is not None:
            enc_val = self._encode(X_val, enc.space)
            y_val = check_targets(y_val, n_expected=len(enc_val), owner=self, name="y_val")
            val = (torch.from_numpy(enc_val.tensors), y_val)

        cfg = self._resolved_config(enc.space)
        seed = self.random_state if self.random_state is not None else int(np.random.SeedSequence().entropy % 2**31)
        device = self._torch_device()
        tiers = tier_labels(y, self.n_tiers)
        snapshots = []
        if enc.has_costs:

            def on_batch(idx: "torch.Tensor") -> None:
                rows = idx.numpy()
                snapshots.append(TierSnapshot.from_arrays(
                    enc.flops[rows], enc.params[rows], enc.op_counts[rows], tiers[rows], self.n_tiers, cfg["n_bins"]))
        else:
            on_batch = None

        warm = (self.warm_start and hasattr(self, "model_") and self.space_ == enc.space
                and self.n_tiers == self.model_.n_tiers and self.tensor_shape_ == tuple(enc.tensors.shape[1:]))
        done_steps = self.history_["steps"] if warm else 0
        start = time.perf_counter()
        with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
            torch.manual_seed(seed + done_steps)
            tensors = torch.from_numpy(enc.tensors)
            if warm:
                model = self.model_.to(device)
            else:
                model = create_ranker_model(enc.space, self.preset, n_tiers=self.n_tiers, **cfg["model"])
                if cfg["model"]["standardize_inputs"]:
                    model.set_input_standardisation(tensors)
            generator = torch.Generator().manual_seed(seed + done_steps)
            train_cfg = TrainConfig(precision=self.precision, **cfg["train"])
            self.history_ = train_nar(
                model, tensors, torch.from_numpy(y).float(), torch.from_numpy(tiers), train_cfg,
                generator=generator, device=device, val=val, on_batch=on_batch, progress=self.progress,
                start_step=done_steps,
            )
            if self.refresh_tier_embeddings:
                self._refresh_embeddings(model, tensors, tiers, device)
        self.fit_seconds_ = time.perf_counter() - start

        self.model_ = model.cpu().eval() if device.type == "cpu" else model.eval()
        self.space_ = enc.space
        self.tensor_shape_ = tuple(enc.tensors.shape[1:])
        self.n_train_ = len(enc)
        self.config_ = cfg
        self.seed_ = seed
        self.tier_statistics_ = None
        if enc.has_costs:
            aggregate = TierSnapshot.from_arrays(enc.flops, enc.params, enc.op_counts, tiers, self.n_tiers, cfg["n_bins"])
            self.tier_statistics_ = TierStatistics(self.n_tiers, cfg["n_bins"], list(enc.op_names), aggregate, snapshots)
        return self

    def _refresh_embeddings(self, model: Any, tensors: Any, tiers: np.ndarray, device: Any) -> None:
        import torch

        from .training import predict_batches

        _, _, feats = predict_batches(model, tensors, device, self.precision, features=True)
        model.tier_counts.zero_()
        model.update_tier_embeddings(feats.to(model.tier_embeddings.device), torch.from_numpy(tiers).to(
            model.tier_embeddings.device))

    # ------------------------------------------------------------------ predict
    def _forward(self, X: Any, features: bool = False):
        import torch

        from .training import predict_batches

        check_fitted(self, ["model_"])
        enc = self._encode(X, None)
        self._check_same_space(enc)
        device = next(self.model_.parameters()).device
        return predict_batches(self.model_, torch.from_numpy(enc.tensors), device, self.precision, features=features)

    def predict(self, X: Any) -> np.ndarray:
        """Relative scores (float64, higher is better); comparable within one fitted model."""
        return self._forward(X)[0]

    def predict_tiers(self, X: Any) -> np.ndarray:
        """Tier probabilities (n, K), float64; column 0 is the best tier T1."""
        return _softmax(self._forward(X)[1])

    def predict_all(self, X: Any) -> Dict[str, np.ndarray]:
        """Scores and tier probabilities in one forward pass (what the search loop needs)."""
        scores, logits, _ = self._forward(X)
        return {"scores": scores, "tier_proba": _softmax(logits)}

    def update_tier_embeddings(self, X: Any) -> np.ndarray:
        """Fold ``X`` into the tier embeddings by *predicted* tier (§3.2, search phase).

        Returns the predicted tiers. Off by default in the search loop; an option there.
        """
        import torch

        _, logits, feats = self._forward(X, features=True)
        predicted = logits.argmax(axis=1)
        emb = self.model_.tier_embeddings
        self.model_.update_tier_embeddings(feats.to(emb.device), torch.from_numpy(predicted).to(emb.device))
        return predicted

    # ------------------------------------------------------------------ persistence
    def save(self, path: Union[str, Path]) -> Path:
        """Write the fitted model, its tier embeddings and statistics atomically."""
        from .._persistence import save_checkpoint

        check_fitted(self, ["model_"])
        return save_checkpoint(path, fmt=MODEL_FORMAT, version=MODEL_FORMAT_VERSION, payload={
            "params": self.get_params(),
            "state_dict": {k: v.detach().cpu() for k, v in self.model_.state_dict().items()},
            "space": self.space_,
            "tensor_shape": list(self.tensor_shape_),
            "n_train": self.n_train_,
            "config": {**self.config_, "train": {k: list(v) if isinstance(v, tuple) else v
                                                 for k, v in self.config_["train"].items()}},
            "seed": self.seed_,
            "history": self.history_,
            "fit_seconds": self.fit_seconds_,
            "tier_statistics": None if self.tier_statistics_ is None else self.tier_statistics_.to_dict(),
        })

    @classmethod
    def load(cls, path: Union[str, Path]) -> "NeuralArchitectureRanker":
        """Load a model written by :meth:`save`; corrupt or foreign files raise ValueError."""
        from .._persistence import load_checkpoint
        from .model import create_ranker_model

        payload = load_checkpoint(path, fmt=MODEL_FORMAT, version=MODEL_FORMAT_VERSION, what="NAR model")
        est = cls(**payload["params"])
        cfg = payload["config"]
        cfg["train"]["betas"] = tuple(cfg["train"]["betas"])
        model = create_ranker_model(payload["space"], est.preset, n_tiers=est.n_tiers, **cfg["model"])
        model.load_state_dict(payload["state_dict"])
        est.model_ = model.eval()
        est.space_ = payload["space"]
        est.tensor_shape_ = tuple(payload["tensor_shape"])
        est.n_train_ = payload["n_train"]
        est.config_ = cfg
        est.seed_ = payload["seed"]
        est.history_ = payload["history"]
        est.fit_seconds_ = payload["fit_seconds"]
        stats = payload["tier_statistics"]
        est.tier_statistics_ = None if stats is None else TierStatistics.from_dict(stats)
        return est


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)
