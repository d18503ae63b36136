"""The ReNAS predictor (Xu et al., "ReNAS: Relativistic Evaluation of Neural Architecture
Search", §3) as a standalone re-implementation with the NAR's predictor contract.

It reads the same feature tensors as the NAR (NB101 ``(19, 7, 7)``, NB201 ``(31, 4, 4)``,
built by :func:`naslib_nar.spaces.encoded.encode_archs`), standardises every tensor
element with the mean and standard deviation of the *training* set, and regresses a
score with a LeNet-like CNN trained by a pairwise ranking loss (SPEC §5):

    conv3x3(C -> 38) + BN + ReLU, conv3x3(38 -> 128) + BN + ReLU,
    FC(128*P*P -> 120) + ReLU, FC(120 -> 84) + ReLU, FC(84 -> 1)

with padding 1, so the spatial size P (7 or 4) is kept and one network serves both
spaces. Adam, lr 1e-3, 200 epochs; mini-batches of 1,024 architectures as in the paper
(§4.4: "the mini-batch size is set to 1024"), so a 424-architecture training set is one
full batch per step. The paper's continuity (feature-distance) term is not implemented:
the SPEC's baseline is the ranking loss alone.
"""
from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any, Dict, Optional, Tuple, Union

import numpy as np

from .._predictor import RankingPredictorMixin
from .._validation import check_fitted, check_param, check_targets
from ..spaces.encoded import EncodedArchs, encode_archs

MODEL_FORMAT = "naslib_nar.ReNASPredictor"
MODEL_FORMAT_VERSION = 1
#: Output channels of the two convolutions and widths of the two hidden FC layers (Table 1).
CONV_CHANNELS = (38, 128)
FC_WIDTHS = (120, 84)
_PREDICT_BATCH = 4096


def fit_standardiser(tensors: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Per-element mean and std over the architectures of ``tensors`` (n, C, P, P).

    Elements that are constant on the training set (std 0, e.g. the padded corner of
    every NB101 tensor or an NB201 edge that never exists) get std 1, so they are only
    centred: the same value maps to 0, and an unseen value stays finite.
    """
    arr = np.asarray(tensors, dtype=np.float64)
    mean = arr.mean(axis=0)
    std = arr.std(axis=0)
    std[~(std > 1e-12)] = 1.0
    return mean.astype(np.float32), std.astype(np.float32)


def build_renas_network(in_channels: int, size: int) -> Any:
    """The LeNet-like regressor of SPEC §5 as an ``nn.Sequential`` (input (n, C, P, P))."""
    from torch import nn

    c1, c2 = CONV_CHANNELS
    h1, h2 = FC_WIDTHS
    return nn.Sequential(
        nn.Conv2d(in_channels, c1, kernel_size=3, padding=1), nn.BatchNorm2d(c1), nn.ReLU(),
        nn.Conv2d(c1, c2, kernel_size=3, padding=1), nn.BatchNorm2d(c2), nn.ReLU(),
        nn.Flatten(),
        nn.Linear(c2 * size * size, h1), nn.ReLU(),
        nn.Linear(h1, h2), nn.ReLU(),
        nn.Linear(h2, 1),
    )


def pairwise_hinge_loss(scores: Any, targets: Any, margin: float) -> Any:
    """Mean of max(0, margin - (s_m - s_n) * sign(y_m - y_n)) over pairs with distinct targets
    (the ReNAS paper's Eq. 3; the logistic variant is the NAR's ``pairwise_logistic_loss``)."""
    import torch

    diff = scores.unsqueeze(1) - scores.unsqueeze(0)
    sign = torch.sign(targets.unsqueeze(1) - targets.unsqueeze(0)).to(scores.dtype)
    informative = torch.triu(torch.ones_like(sign, dtype=torch.bool), diagonal=1) & (sign != 0)
    if not bool(informative.any()):
        return scores.sum() * 0.0
    return torch.relu(margin - diff * sign)[informative].mean()


def _batches(n: int, batch_size: int, generator: Any) -> list:
    """A shuffled epoch. A last batch of a single architecture (which BatchNorm cannot
    normalise in training mode) is merged into the one before it."""
    import torch

    order = torch.randperm(n, generator=generator)
    chunks = list(order.split(batch_size))
    if len(chunks) > 1 and len(chunks[-1]) < 2:
        chunks[-2] = torch.cat([chunks[-2], chunks.pop()])
    return chunks


class ReNASPredictor(RankingPredictorMixin):
    """ReNAS-style predictor: standardised feature tensors, LeNet-like CNN, pairwise loss.

    Parameters
    ----------
    space : {"nb101", "nb201"} or None
        Search space; inferred from the training architectures when None.
    dataset : str
        NB201 dataset whose input resolution sets the cell FLOPs in the features.
    epochs : int
        Training epochs (paper: 200).
    batch_size : int
        Architectures per step (paper: 1,024; smaller training sets are one batch).
    lr : float
        Adam learning rate (paper: 1e-3).
    weight_decay : float
        Adam's L2 penalty. The paper states one without a value we could recover; 5e-4
        is our default, a common choice for CNNs of this size.
    loss : {"logistic", "hinge"}
        Pairwise loss: the NAR's logistic psi(e) = log(1 + exp(-e)) or the paper's hinge.
    margin : float
        Margin of the hinge loss (unused by the logistic loss).
    device : {"cpu", "auto", "cuda"}
        CPU by default: the network is small and a GPU round trip costs more than it saves.
    random_state : int or None
        Seeds the initial weights and the shuffling; same seed, thread count and
        hardware give the same model.
    progress : bool
        Show a tqdm progress bar while fitting.
    """

    def __init__(
        self,
        *,
        space: Optional[str] = None,
        dataset: str = "cifar10",
        epochs: int = 200,
        batch_size: int = 1024,
        lr: float = 1e-3,
        weight_decay: float = 5e-4,
        loss: str = "logistic",
        margin: float = 0.1,
        device: str = "cpu",
        random_state: Optional[int] = None,
        progress: bool = False,
    ) -> None:
        self.space, self.dataset, self.epochs, self.batch_size = space, dataset, epochs, batch_size
        self.lr, self.weight_decay, self.loss, self.margin = lr, weight_decay, loss, margin
        self.device, self.random_state, self.progress = device, random_state, progress

    # ------------------------------------------------------------------ validation
    def _validate_params(self) -> None:
        check_param("space", self.space, str, owner=self, choices=("nb101", "nb201"), allow_none=True)
        check_param("dataset", self.dataset, str, owner=self, choices=("cifar10", "cifar100", "imagenet16"))
        check_param("epochs", self.epochs, int, owner=self, min_val=1)
        check_param("batch_size", self.batch_size, int, owner=self, min_val=2)
        check_param("lr", self.lr, float, owner=self, min_val=0.0, min_inclusive=False)
        check_param("weight_decay", self.weight_decay, float, owner=self, min_val=0.0)
        check_param("loss", self.loss, str, owner=self, choices=("logistic", "hinge"))
        check_param("margin", self.margin, float, owner=self, min_val=0.0)
        check_param("device", self.device, str, owner=self, choices=("cpu", "auto", "cuda"))
        check_param("random_state", self.random_state, int, owner=self, min_val=0, allow_none=True)
        check_param("progress", self.progress, bool, owner=self)

    def _torch_device(self) -> Any:
        import torch

        if self.device == "cuda" and not torch.cuda.is_available():
            raise ValueError("device='cuda' was requested but CUDA is not available; use device='cpu' or 'auto'.")
        if self.device == "auto":
            return torch.device("cuda" if torch.cuda.is_available() else "cpu")
        return torch.device(self.device)

    def _encode(self, X: Any, space: Optional[str]) -> EncodedArchs:
        return encode_archs(X, space=space, dataset=self.dataset)

    def _loss(self, scores: Any, targets: Any) -> Any:
        if self.loss == "hinge":
            return pairwise_hinge_loss(scores, targets, float(self.margin))
        from ..ranker.losses import pairwise_logistic_loss

        return pairwise_logistic_loss(scores, targets)

    # ------------------------------------------------------------------ fit
    def fit(self, X: Any, y: Any, *, X_val: Any = None, y_val: Any = None) -> "ReNASPredictor":
        """Train on architectures ``X`` with accuracies ``y`` (higher is better).

        With ``X_val``/``y_val`` the epoch with the best validation Kendall tau is kept.
        """
        import torch
        from scipy.stats import kendalltau
        from tqdm.auto import tqdm

        self._validate_params()
        enc = self._encode(X, self.space)
        y = check_targets(y, n_expected=len(enc), owner=self)
        if len(enc) < 2:
            raise ValueError(f"{type(self).__name__} needs at least 2 training architectures to rank; got {len(enc)}.")
        if np.ptp(y) == 0:
            raise ValueError(
                f"All {len(y)} targets are equal ({y[0]!r}): there is nothing to rank. Check that y holds the "
                "architectures' accuracies."
            )
        if (X_val is None) != (y_val is None):
            raise ValueError("Pass both X_val and y_val, or neither.")
        mean, std = fit_standardiser(enc.tensors)
        val = None
        if X_val is not None:
            enc_val = self._encode(X_val, enc.space)
            y_val = check_targets(y_val, n_expected=len(enc_val), owner=self, name="y_val")
            val = (torch.from_numpy((enc_val.tensors - mean) / std), y_val)

        seed = self.random_state if self.random_state is not None else int(np.random.SeedSequence().entropy % 2**31)
        device = self._torch_device()
        tensors = torch.from_numpy((enc.tensors - mean) / std)
        targets = torch.from_numpy(y).float()
        history: Dict[str, Any] = {"loss": [], "val_kendall_tau": []}
        best_tau, best_state, best_epoch = -np.inf, None, None
        start = time.perf_counter()
        with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
            torch.manual_seed(seed)
            net = build_renas_network(enc.tensors.shape[1], enc.tensors.shape[2]).to(device)
            generator = torch.Generator().manual_seed(seed)
            optimizer = torch.optim.Adam(net.parameters(), lr=self.lr, weight_decay=self.weight_decay)
            bar = tqdm(range(self.epochs), desc="ReNAS fit", unit="epoch", disable=not self.progress, leave=False)
            for epoch in bar:
                net.train()
                total = 0.0
                for idx in _batches(len(enc), self.batch_size, generator):
                    optimizer.zero_grad(set_to_none=True)
                    loss = self._loss(net(tensors[idx].to(device)).squeeze(1), targets[idx].to(device))
                    loss.backward()
                    optimizer.step()
                    total += float(loss.detach()) * len(idx)
                history["loss"].append(total / len(enc))
                if val is not None:
                    tau = kendalltau(_predict(net, val[0], device), val[1]).statistic
                    tau = -1.0 if not np.isfinite(tau) else float(tau)
                    history["val_kendall_tau"].append(tau)
                    if tau > best_tau:
                        best_tau, best_epoch, best_state = tau, epoch, copy.deepcopy(net.state_dict())
        if best_state is not None:
            net.load_state_dict(best_state)
        history["best_epoch"] = best_epoch if best_state is not None else self.epochs - 1
        self.fit_seconds_ = time.perf_counter() - start
        self.model_ = net.cpu().eval() if device.type == "cpu" else net.eval()
        self.mean_, self.std_ = mean, std
        self.space_ = enc.space
        self.tensor_shape_ = tuple(enc.tensors.shape[1:])
        self.n_train_ = len(enc)
        self.seed_ = seed
        self.history_ = history
        return self

    # ------------------------------------------------------------------ predict
    def predict(self, X: Any) -> np.ndarray:
        """Relative scores (float64, higher is better); comparable within one fitted model."""
        import torch

        check_fitted(self, ["model_"])
        enc = self._encode(X, None)
        self._check_same_space(enc)
        device = next(self.model_.parameters()).device
        return _predict(self.model_, torch.from_numpy((enc.tensors - self.mean_) / self.std_), device)

    # ------------------------------------------------------------------ persistence
    def save(self, path: Union[str, Path]) -> Path:
        """Write the fitted network and its standardisation atomically."""
        import torch

        from .._persistence import save_checkpoint

        check_fitted(self, ["model_"])
        return save_checkpoint(path, fmt=MODEL_FORMAT, version=MODEL_FORMAT_VERSION, payload={
            "params": self.get_params(),
            "state_dict": {k: v.detach().cpu() for k, v in self.model_.state_dict().items()},
            "mean": torch.from_numpy(self.mean_),
            "std": torch.from_numpy(self.std_),
            "space": self.space_,
            "tensor_shape": list(self.tensor_shape_),
            "n_train": self.n_train_,
            "seed": self.seed_,
            "history": self.history_,
            "fit_seconds": self.fit_seconds_,
        })

    @classmethod
    def load(cls, path: Union[str, Path]) -> "ReNASPredictor":
        """Load a model written by :meth:`save`; corrupt or foreign files raise ValueError."""
        from .._persistence import load_checkpoint

        payload = load_checkpoint(path, fmt=MODEL_FORMAT, version=MODEL_FORMAT_VERSION, what="ReNAS model")
        est = cls(**payload["params"])
        shape = tuple(payload["tensor_shape"])
        net = build_renas_network(shape[0], shape[1])
        net.load_state_dict(payload["state_dict"])
        est.model_ = net.eval()
        est.mean_, est.std_ = payload["mean"].numpy(), payload["std"].numpy()
        est.space_ = payload["space"]
        est.tensor_shape_ = shape
        est.n_train_ = payload["n_train"]
        est.seed_ = payload["seed"]
        est.history_ = payload["history"]
        est.fit_seconds_ = payload["fit_seconds"]
        return est


def _predict(net: Any, tensors: Any, device: Any) -> np.ndarray:
    """Scores of standardised ``tensors`` in evaluation mode, float64."""
    import torch

    net.eval()
    out = []
    with torch.inference_mode():
        for start in range(0, tensors.shape[0], _PREDICT_BATCH):
            out.append(net(tensors[start:start + _PREDICT_BATCH].to(device)).squeeze(1).double().cpu())
    return torch.cat(out).numpy()
