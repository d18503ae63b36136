"""Which search spaces and datasets exist, and which pairs are valid: the one source of truth.

Every layer that names a space or a dataset (benchmarks, the ranker's FLOPs features,
configs, the NASLib adapter) asks here, so a new spelling or a new dataset is added once.
"""
from __future__ import annotations

from typing import Any, Dict, Tuple

__all__ = ["SPACES", "DATASETS", "DATASETS_OF", "NASLIB_DATASET_NAMES", "check_dataset", "check_space",
           "check_space_dataset"]

#: Search spaces by their short name.
SPACES: Tuple[str, ...] = ("nb101", "nb201")
#: Canonical dataset names (NB201's three; NB101 has CIFAR-10 results only).
DATASETS: Tuple[str, ...] = ("cifar10", "cifar100", "imagenet16")
#: The datasets each space has results on.
DATASETS_OF: Dict[str, Tuple[str, ...]] = {"nb101": ("cifar10",), "nb201": DATASETS}
#: NASLib's spelling of each dataset (its config key ``dataset`` and its data files).
NASLIB_DATASET_NAMES: Dict[str, str] = {"cifar10": "cifar10", "cifar100": "cifar100", "imagenet16": "ImageNet16-120"}
#: Spellings accepted for ``dataset`` (NASLib says ``ImageNet16-120``).
_ALIASES: Dict[str, str] = {**{name: name for name in DATASETS}, "imagenet16-120": "imagenet16",
                            "ImageNet16-120": "imagenet16"}


def check_space(space: Any, owner: str) -> str:
    """``space`` if it names a search space; ``owner`` names the caller in the error."""
    if not isinstance(space, str) or space not in SPACES:
        raise ValueError(f"The 'space' parameter of {owner} must be one of {list(SPACES)}. Got {space!r} instead.")
    return space


def check_dataset(dataset: Any, owner: str) -> str:
    """The canonical name of ``dataset`` (NASLib's ``'ImageNet16-120'`` is accepted too)."""
    where = f"The 'dataset' parameter of {owner}"
    if not isinstance(dataset, str):
        raise TypeError(f"{where} must be of type str. Got {dataset!r} ({type(dataset).__name__}) instead.")
    if dataset not in _ALIASES:
        raise ValueError(f"{where} must be one of {list(DATASETS)} (or 'ImageNet16-120'). Got {dataset!r} instead.")
    return _ALIASES[dataset]


def check_space_dataset(space: Any, dataset: Any, owner: str) -> Tuple[str, str]:
    """Validated ``(space, canonical dataset)``; NAS-Bench-101 has CIFAR-10 results only."""
    space, dataset = check_space(space, owner), check_dataset(dataset, owner)
    if dataset not in DATASETS_OF[space]:
        raise ValueError(f"{owner}: the {space} benchmark has results on {list(DATASETS_OF[space])} only; got "
                         f"dataset={dataset!r}.")
    return space, dataset
