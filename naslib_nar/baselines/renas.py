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

The estimator protocol, input checks, seeding and save/load are the NAR's, from
:mod:`naslib_nar.ranker.base`; this module holds the network and its training.
"""
from __future__ import annotations

import copy
from typing import Any, Dict, List, Optional, Tuple

import numpy as np
import torch
from scipy.stats import kendalltau
from torch import nn
from tqdm.auto import tqdm

from ..ranker.base import COMMON_PARAM_CHECKS, RankingEstimator, Validation
from ..ranker.losses import pairwise_logistic_loss
from ..spaces.encoded import EncodedArchs

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


def build_renas_network(in_channels: int, size: int) -> nn.Sequential:
    """The LeNet-like regressor of SPEC §5 as an ``nn.Sequential`` (input (n, C, P, P))."""
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


def pairwise_hinge_loss(scores: torch.Tensor, targets: torch.Tensor, margin: float) -> torch.Tensor:
    """Mean of max(0, margin - (s_m - s_n) * sign(y_m - y_n)) over pairs with distinct targets
    (the ReNAS paper's Eq. 3; the logistic variant is the NAR's ``pairwise_logistic_loss``)."""
    diff = scores.unsqueeze(1) - scores.unsqueeze(0)
    sign = torch.sign(targets.unsqueeze(1) - targets.unsqueeze(0)).to(scores.dtype)
    informative = torch.triu(torch.ones_like(sign, dtype=torch.bool), diagonal=1) & (sign != 0)
    if not bool(informative.any()):
        return scores.sum() * 0.0
    return torch.relu(margin - diff * sign)[informative].mean()


def _batches(n: int, batch_size: int, generator: torch.Generator) -> List[torch.Tensor]:
    """A shuffled epoch. A last batch of a single architecture (which BatchNorm cannot
    normalise in training mode) is merged into the one before it."""
    order = torch.randperm(n, generator=generator)
    chunks = list(order.split(batch_size))
    if len(chunks) > 1 and len(chunks[-1]) < 2:
        chunks[-2] = torch.cat([chunks[-2], chunks.pop()])
    return chunks


class ReNASPredictor(RankingEstimator):
    """ReNAS-style predictor: standardised feature tensors, LeNet-like CNN, pairwise loss.

    Parameters
    ----------
    space, dataset, random_state, progress
        As for :class:`~naslib_nar.ranker.NeuralArchitectureRanker` (the shared base's).
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
    """

    _format = "naslib_nar.ReNASPredictor"
    _what = "ReNAS model"
    _param_checks = {
        **COMMON_PARAM_CHECKS,
        "epochs": dict(kind=int, min_val=1),
        "batch_size": dict(kind=int, min_val=2),
        "lr": dict(kind=float, min_val=0.0, min_inclusive=False),
        "weight_decay": dict(kind=float, min_val=0.0),
        "loss": dict(kind=str, choices=("logistic", "hinge")),
        "margin": dict(kind=float, min_val=0.0),
    }

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

    def _loss(self, scores: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        if self.loss == "hinge":
            return pairwise_hinge_loss(scores, targets, float(self.margin))
        return pairwise_logistic_loss(scores, targets)

    # ------------------------------------------------------------------ fit
    def _fit_model(self, enc: EncodedArchs, y: np.ndarray, val: Validation, *, seed: int,
                   device: torch.device) -> Tuple[nn.Sequential, Dict[str, Any]]:
        mean, std = fit_standardiser(enc.tensors)
        val_tensors = None if val is None else torch.from_numpy((val[0].tensors - mean) / std)
        tensors = torch.from_numpy((enc.tensors - mean) / std)
        targets = torch.from_numpy(y).float()
        history: Dict[str, Any] = {"loss": [], "val_kendall_tau": []}
        best_tau, best_state, best_epoch = -np.inf, None, None
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
                tau = kendalltau(_predict(net, val_tensors, device), val[1]).statistic
                tau = -1.0 if not np.isfinite(tau) else float(tau)
                history["val_kendall_tau"].append(tau)
                if tau > best_tau:
                    best_tau, best_epoch, best_state = tau, epoch, copy.deepcopy(net.state_dict())
        if best_state is not None:
            net.load_state_dict(best_state)
        history["best_epoch"] = best_epoch if best_state is not None else self.epochs - 1
        self.mean_, self.std_ = mean, std
        return net, history

    # ------------------------------------------------------------------ predict
    def predict(self, X: Any) -> np.ndarray:
        """Relative scores (float64, higher is better); comparable within one fitted model."""
        enc = self._encode_fitted(X)
        return _predict(self.model_, torch.from_numpy((enc.tensors - self.mean_) / self.std_), self._model_device())

    # ------------------------------------------------------------------ persistence
    def _extra_state(self) -> Dict[str, Any]:
        return {"mean": torch.from_numpy(self.mean_), "std": torch.from_numpy(self.std_)}

    def _restore(self, payload: Dict[str, Any]) -> None:
        shape = tuple(payload["tensor_shape"])
        net = build_renas_network(shape[0], shape[1])
        net.load_state_dict(payload["state_dict"])
        self.model_ = net.eval()
        self.mean_, self.std_ = payload["mean"].numpy(), payload["std"].numpy()


def _predict(net: nn.Module, tensors: torch.Tensor, device: torch.device) -> np.ndarray:
    """Scores of standardised ``tensors`` in evaluation mode, float64."""
    net.eval()
    out = []
    with torch.inference_mode():
        for start in range(0, tensors.shape[0], _PREDICT_BATCH):
            out.append(net(tensors[start:start + _PREDICT_BATCH].to(device)).squeeze(1).double().cpu())
    return torch.cat(out).numpy()
