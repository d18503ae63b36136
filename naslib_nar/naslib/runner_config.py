"""What our NASLib runners read from a NASLib config, checked before anything is loaded.

NASLib turns ``--config-file FILE key value ...`` into a ``CfgNode`` (a dict with attribute
access; ``naslib.utils.get_config_from_args``) and checks none of its values, so a typo
surfaces as an ``AttributeError`` deep in a run, after the dataset api has been built. The
runners call these functions first. They read any mapping (a ``CfgNode`` or a plain dict)
and import no NASLib.

Keys read by both runners: ``search_space`` ('nasbench101' / 'nasbench201'), ``dataset``,
``out_dir``, and ours, ``dataset_api_source`` (default 'auto') and ``light_graphs`` (default
true). The nas runner also reads ``optimizer``, ``seed`` and ``search.epochs``; the
predictors runner ``predictors`` (default ``[predictor]``) and ``seeds`` (default ``[seed]``).
"""
from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Tuple

from .._validation import check_param
from ..spaces.datasets import NASLIB_DATASET_NAMES, check_space_dataset
from .convert import space_of
from .dataset_api import SOURCES
from .registry import OPTIMIZERS, PREDICTORS, unknown_name_message

__all__ = ["NUM_CLASSES", "RunSettings", "NASSettings", "PredictorSettings", "config_file_of", "space_classes",
           "nas_settings", "predictor_settings"]

#: Classes per dataset (canonical names): the ``n_classes`` argument of NASLib's spaces.
NUM_CLASSES = {"cifar10": 10, "cifar100": 100, "imagenet16": 120}
_EXAMPLE = "configs/naslib/nb201_cifar10_nar_sampler.yaml"


@dataclass(frozen=True)
class RunSettings:
    """The checked values both runners use (``space``/``dataset`` in our spelling)."""

    search_space: str
    space: str
    dataset: str
    naslib_dataset: str
    source: str
    light: bool
    out_dir: str


@dataclass(frozen=True)
class NASSettings(RunSettings):
    """:class:`RunSettings` plus what the nas runner reads."""

    optimizer: str
    seed: int
    epochs: int


@dataclass(frozen=True)
class PredictorSettings(RunSettings):
    """:class:`RunSettings` plus what the predictors runner reads; results go under ``root``."""

    predictors: Tuple[str, ...]
    seeds: Tuple[int, ...]

    @property
    def root(self) -> str:
        """``{out_dir}/{search_space}/{dataset}/predictors`` (NASLib's layout, its spellings)."""
        return os.path.join(self.out_dir, self.search_space, self.naslib_dataset, "predictors")

    def save_dir(self, predictor: str, seed: int) -> str:
        """Where NASLib's PredictorEvaluator writes errors.json for one predictor and seed."""
        return os.path.join(self.root, predictor, str(seed))


def config_file_of(argv: Sequence[str]) -> str:
    """The ``--config-file`` of a NASLib command line (which must exist).

    Parsed as NASLib's own parser does, so an unambiguous prefix such as ``--config`` is
    accepted as well; every other argument is left to NASLib.
    """
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--config-file", default=None)
    known, _ = parser.parse_known_args(list(argv))
    if known.config_file is None:
        raise ValueError(f"Pass --config-file PATH (e.g. {_EXAMPLE}). Got the arguments {list(argv)} instead.")
    if not os.path.isfile(known.config_file):
        raise FileNotFoundError(f"The config file {known.config_file!r} (--config-file) does not exist.")
    return known.config_file


def space_classes(search_space: Any, dataset: Any, owner: str) -> Tuple[str, int]:
    """``(our space name, n_classes)`` for NASLib's ``search_space`` / ``dataset`` values."""
    space, canonical = check_space_dataset(space_of(search_space), dataset, owner)
    return space, NUM_CLASSES[canonical]


def nas_settings(config: Mapping[str, Any]) -> NASSettings:
    """The nas runner's settings from a NASLib ``nas`` config (errors name the bad key)."""
    owner = "the nas config"
    common = _run_settings(config, owner)
    optimizer = _required(config, "optimizer", owner)
    check_param("optimizer", optimizer, str, owner=owner)
    if optimizer not in OPTIMIZERS:
        raise ValueError(unknown_name_message("optimizer", optimizer, OPTIMIZERS))
    seed = check_param("seed", _required(config, "seed", owner), int, owner=owner, min_val=0)
    search = _required(config, "search", owner)
    if not isinstance(search, Mapping):
        raise TypeError(f"The 'search' key of {owner} must be a mapping. Got {search!r} instead.")
    epochs = check_param("search.epochs", _required(search, "epochs", owner, "search."), int, owner=owner, min_val=1)
    return NASSettings(**common, optimizer=optimizer, seed=int(seed), epochs=int(epochs))


def predictor_settings(config: Mapping[str, Any]) -> PredictorSettings:
    """The predictors runner's settings from a NASLib ``predictor`` config."""
    owner = "the predictor config"
    common = _run_settings(config, owner)
    names = config.get("predictors") or [_required(config, "predictor", owner)]
    if isinstance(names, str) or not isinstance(names, Sequence):
        raise TypeError(f"The 'predictors' key of {owner} must be a list of names, e.g. [nar, xgb]. "
                        f"Got {names!r} instead.")
    for name in names:
        if name not in PREDICTORS:
            raise ValueError(unknown_name_message("predictor", name, PREDICTORS))
    seeds = config.get("seeds") or [_required(config, "seed", owner)]
    if isinstance(seeds, str) or not isinstance(seeds, Sequence):
        raise TypeError(f"The 'seeds' key of {owner} must be a list of integers. Got {seeds!r} instead.")
    for seed in seeds:
        check_param("seeds", seed, int, owner=owner, min_val=0)
    return PredictorSettings(**common, predictors=tuple(dict.fromkeys(names)), seeds=tuple(int(s) for s in seeds))


def _run_settings(config: Mapping[str, Any], owner: str) -> dict:
    search_space = _required(config, "search_space", owner)
    dataset = _required(config, "dataset", owner)
    space, canonical = check_space_dataset(space_of(search_space), dataset, owner)
    if dataset != NASLIB_DATASET_NAMES[canonical]:  # NASLib's query asserts its own spelling
        raise ValueError(f"The 'dataset' key of {owner} must be spelled as NASLib does, one of "
                         f"{list(NASLIB_DATASET_NAMES.values())}. Got {dataset!r} instead; use "
                         f"{NASLIB_DATASET_NAMES[canonical]!r}.")
    source = config.get("dataset_api_source", "auto")
    check_param("dataset_api_source", source, str, owner=owner, choices=SOURCES)
    light = check_param("light_graphs", config.get("light_graphs", True), bool, owner=owner)
    out_dir = check_param("out_dir", _required(config, "out_dir", owner), str, owner=owner)
    return {"search_space": search_space, "space": space, "dataset": canonical,
            "naslib_dataset": NASLIB_DATASET_NAMES[canonical], "source": source, "light": bool(light),
            "out_dir": out_dir}


def _required(config: Mapping[str, Any], key: str, owner: str, prefix: str = "") -> Any:
    if key not in config:
        raise ValueError(f"{owner[0].upper()}{owner[1:]} has no {prefix + key!r} key; add it to the config file "
                         f"(see {_EXAMPLE}) or pass '{prefix + key} VALUE' on the command line.")
    return config[key]
