"""Runners mirroring NASLib's ``runners/nas`` and ``runners/predictors`` scripts, with NAR added.

NASLib has no optimizer or predictor registry: its runner scripts hold dict literals and run
at import. These functions do what those scripts do, with NASLib's optimizers / predictors
plus ours (:mod:`~naslib_nar.naslib.registry`), and never read ``sys.argv`` behind the
caller's back (NASLib's ``parse_args`` default does; the argument list is always passed
explicitly). The config is checked (:mod:`~naslib_nar.naslib.runner_config`) before any
data is loaded; what is printed and written is made in :mod:`~naslib_nar.naslib.reports`.

* :func:`run_nas` (``python -m naslib_nar.runners.nas --config-file X [key value ...]``):
  NASLib's ``Trainer.search()`` + ``evaluate()`` with any optimizer of the registry; NASLib
  writes ``errors.json``; we add ``summary.json`` with the final architecture's validation and
  real test accuracy from our table (NASLib's NB201 "test accuracy" is validation accuracy).
* :func:`run_predictors` (``python -m naslib_nar.runners.predictors --config-file X``): NASLib's
  ``PredictorEvaluator`` for every name in ``predictors:`` on the same data, then one table.
* :func:`run_nas_table` (``python -m naslib_nar.runners.nas_table --config-file X --out DIR``):
  :func:`run_nas` for optimizers x datasets x seeds, one process per run, resumable, then the
  table over seeds (:mod:`~naslib_nar.naslib.nas_table`).
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import time
from typing import Any, Dict, List, Sequence

from .._io import atomic_write_json
from .convert import graphs_to_archs
from .dataset_api import get_dataset_api
from .nas_table import run_nas_table
from .registry import make_naslib_predictor, make_optimizer
from .reports import format_search_summary, format_table, search_summary, table_row, table_summary
from .runner_config import config_file_of, nas_settings, predictor_settings

__all__ = ["run_nas", "run_predictors", "run_nas_table", "load_config"]


def load_config(argv: Sequence[str], config_type: str) -> Any:
    """NASLib's config from an explicit argument list (``--config-file X key value ...``)."""
    from naslib import utils  # NASLib itself: optional, imported on use

    argv = list(argv)
    config_file_of(argv)
    return utils.get_config_from_args(utils.parse_args(args=argv), config_type=config_type)


def _setup_logging(path: str) -> None:
    from naslib.utils import setup_logger  # NASLib itself: optional, imported on use

    os.makedirs(os.path.dirname(path), exist_ok=True)
    for name in ("naslib", "naslib_nar"):
        setup_logger(path, name=name).setLevel(logging.INFO)


# ---------------------------------------------------------------------- NAS runner
def run_nas(argv: Sequence[str]) -> Dict[str, Any]:
    """NASLib's nas runner with ``nar_sampler``; returns (and writes) the summary."""
    from naslib import utils  # NASLib itself: optional, imported on use
    from naslib.defaults.trainer import Trainer  # NASLib itself

    from .search_spaces import make_search_space  # subclasses NASLib's spaces, so imports NASLib

    config = load_config(argv, "nas")
    settings = nas_settings(config)
    _setup_logging(os.path.join(config.save, "log.log"))
    utils.log_args(config)
    optimizer = make_optimizer(settings.optimizer, config)
    search_space = make_search_space(settings.search_space, settings.naslib_dataset, light=settings.light)
    dataset_api = get_dataset_api(settings.search_space, settings.naslib_dataset, source=settings.source)
    utils.set_seed(settings.seed)
    optimizer.adapt_search_space(search_space, dataset_api=dataset_api)
    trainer = Trainer(optimizer, config, lightweight_output=True)
    start = time.perf_counter()
    trainer.search(resume_from="")
    seconds = time.perf_counter() - start
    naslib_test = trainer.evaluate(resume_from="", dataset_api=dataset_api)
    archs = graphs_to_archs([optimizer.get_final_architecture()], settings.space)
    info = optimizer.info() if hasattr(optimizer, "info") else None
    summary = search_summary(settings, archs, naslib_test=naslib_test, seconds=seconds, save=config.save,
                             dataset_api=dataset_api, optimizer_info=info)
    summary.update(table_summary(settings, archs))
    atomic_write_json(os.path.join(config.save, "summary.json"), summary)  # its presence marks a finished run
    print(format_search_summary(summary))
    return summary


# ---------------------------------------------------------------------- predictors runner
def run_predictors(argv: Sequence[str]) -> List[Dict[str, Any]]:
    """NASLib's PredictorEvaluator for each of ``predictors:`` (and each of ``seeds:``) on
    the same architectures; prints and writes one table. Returns its rows."""
    from naslib import utils  # NASLib itself: optional, imported on use
    from naslib.defaults.predictor_evaluator import PredictorEvaluator  # NASLib itself

    from .search_spaces import make_search_space  # subclasses NASLib's spaces, so imports NASLib

    config = load_config(argv, "predictor")
    settings = predictor_settings(config)
    _setup_logging(os.path.join(settings.root, "log.log"))
    search_space = make_search_space(settings.search_space, settings.naslib_dataset, light=settings.light)
    dataset_api = get_dataset_api(settings.search_space, settings.naslib_dataset, source=settings.source)
    results = []
    for seed in settings.seeds:
        for name in settings.predictors:
            cfg = config.clone()
            cfg.predictor, cfg.seed = name, seed
            cfg.search.seed = seed
            cfg.save = settings.save_dir(name, seed)
            os.makedirs(cfg.save, exist_ok=True)
            utils.set_seed(seed)
            evaluator = PredictorEvaluator(make_naslib_predictor(name, cfg), config=cfg)
            evaluator.adapt_search_space(search_space, load_labeled=False, dataset_api=dataset_api)
            utils.set_seed(seed)  # again, so every predictor is evaluated on the same sampled architectures
            # PredictorEvaluator prints every prediction list to stdout: keep those in a file.
            with open(os.path.join(cfg.save, "stdout.txt"), "w") as out, contextlib.redirect_stdout(out):
                evaluator.evaluate()
            with open(os.path.join(cfg.save, "errors.json")) as handle:
                for record in json.load(handle)[1:]:
                    results.append(table_row(name, seed, record))
    table = format_table(results)
    with open(os.path.join(settings.root, "summary.json"), "w") as handle:
        json.dump(results, handle, indent=2)
    with open(os.path.join(settings.root, "summary.md"), "w") as handle:
        handle.write(table + "\n")
    print(table)
    return results
