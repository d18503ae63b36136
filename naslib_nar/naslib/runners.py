"""Runners mirroring NASLib's ``runners/nas`` and ``runners/predictors`` scripts, with NAR added.

NASLib has no optimizer or predictor registry: its runner scripts hold dict literals and run
at import. These functions do what those scripts do, with NASLib's optimizers / predictors
plus ours, and never read ``sys.argv`` behind the caller's back (NASLib's ``parse_args``
default does; the argument list is always passed explicitly).

* :func:`run_nas` (``python -m naslib_nar.runners.nas --config-file X [key value ...]``):
  NASLib's ``Trainer.search()`` + ``evaluate()`` with any of ``OPTIMIZERS``; NASLib writes
  ``errors.json``; we add ``summary.json`` with the final architecture's validation and real
  test accuracy from our table (NASLib's NB201 "test accuracy" is validation accuracy).
* :func:`run_predictors` (``python -m naslib_nar.runners.predictors --config-file X``): NASLib's
  ``PredictorEvaluator`` for every name in ``predictors:`` on the same data, then one table.
"""
from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import logging
import os
import time
from typing import Any, Callable, Dict, List, Optional, Sequence

import numpy as np

from ..benchmarks.load import load_benchmark
from ..spaces.nb101 import NB101Space
from ..spaces.nb201 import NB201Space
from .convert import graphs_to_archs, space_of
from .dataset_api import get_dataset_api

__all__ = ["OPTIMIZERS", "PREDICTORS", "make_optimizer", "make_naslib_predictor", "run_nas", "run_predictors",
           "load_config", "format_table"]

#: name -> (module, class) of every optimizer the nas runner accepts.
OPTIMIZERS: Dict[str, tuple] = {
    "rs": ("naslib.optimizers", "RandomSearch"),
    "re": ("naslib.optimizers", "RegularizedEvolution"),
    "ls": ("naslib.optimizers", "LocalSearch"),
    "bananas": ("naslib.optimizers", "Bananas"),
    "npenas": ("naslib.optimizers", "Npenas"),
    "nar_sampler": ("naslib_nar.naslib.optimizer", "NARSampler"),
}


def _adjacency() -> Any:
    from naslib.utils.encodings import EncodingType

    return EncodingType.ADJACENCY_ONE_HOT


def _naslib(cls: str, **kwargs: Any) -> Callable[[Any], Any]:
    """Factory of one of NASLib's predictors, built as NASLib's predictors runner builds it."""
    def build(config: Any) -> Any:
        module = importlib.import_module("naslib.predictors")
        options = {k: (v(config) if callable(v) else v) for k, v in kwargs.items()}
        return _Float64Predictions(getattr(module, cls)(**options))
    return build


def _hp_file(config: Any) -> Any:
    return config.get("hparams_from_file", False)


def _ours(cls: str) -> Callable[[Any], Any]:
    def build(config: Any) -> Any:
        from . import predictor

        key = "nar" if cls == "NARPredictor" else "renas"
        params = dict(config.get(key) or {})
        return getattr(predictor, cls)(dataset=config.dataset, **params)
    return build


#: name -> factory(config) of every predictor the predictors runner accepts: ours, and the
#: model-based predictors of NASLib's runner that need neither learning curves nor image data.
PREDICTORS: Dict[str, Callable[[Any], Any]] = {
    "nar": _ours("NARPredictor"),
    "renas": _ours("ReNASPredictor"),
    "xgb": _naslib("XGBoost", encoding_type=lambda c: _adjacency(), hpo_wrapper=False, hparams_from_file=_hp_file),
    "gcn": _naslib("GCNPredictor", encoding_type=lambda c: _gcn(), hpo_wrapper=True),
    "mlp": _naslib("MLPPredictor", encoding_type=lambda c: _adjacency(), hpo_wrapper=False,
                   hparams_from_file=_hp_file),
    "lgb": _naslib("LGBoost", encoding_type=lambda c: _adjacency(), hpo_wrapper=False),
    "rf": _naslib("RandomForestPredictor", encoding_type=lambda c: _adjacency(), hpo_wrapper=False,
                  hparams_from_file=_hp_file),
    "bayes_lin_reg": _naslib("BayesianLinearRegression", encoding_type=lambda c: _adjacency()),
    "ngb": _naslib("NGBoost", encoding_type=lambda c: _adjacency(), hpo_wrapper=False),
    "gp": _naslib("GPPredictor", encoding_type=lambda c: _adjacency(), hparams_from_file=_hp_file),
    "sparse_gp": _naslib("SparseGPPredictor", encoding_type=lambda c: _adjacency(), optimize_gp_hyper=True),
    "var_sparse_gp": _naslib("VarSparseGPPredictor", encoding_type=lambda c: _adjacency(), optimize_gp_hyper=True),
    "bohamiann": _naslib("BOHAMIANN", encoding_type=lambda c: _adjacency(), hparams_from_file=_hp_file),
    "dngo": _naslib("DNGOPredictor", encoding_type=lambda c: _adjacency()),
    "bananas": _naslib("Ensemble", predictor_type="bananas", num_ensemble=3, hpo_wrapper=True),
}


def _gcn() -> Any:
    from naslib.utils.encodings import EncodingType

    return EncodingType.GCN


class _Float64Predictions:
    """A NASLib predictor whose ``query`` returns float64.

    NASLib's MLP returns float32, which ``PredictorEvaluator`` cannot write to errors.json
    (``TypeError: Object of type float32 is not JSON serializable``). Everything else,
    attribute writes included, goes to the wrapped predictor.
    """

    def __init__(self, predictor: Any) -> None:
        self.__dict__["predictor"] = predictor

    def query(self, xtest: Any, info: Any = None) -> np.ndarray:
        return np.asarray(self.__dict__["predictor"].query(xtest, info), dtype=np.float64)

    def __getattr__(self, name: str) -> Any:
        try:
            inner = self.__dict__["predictor"]
        except KeyError:  # during copy.deepcopy, before __dict__ is restored
            raise AttributeError(name) from None
        return getattr(inner, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self.__dict__["predictor"], name, value)


def make_optimizer(name: str, config: Any) -> Any:
    """An instance of optimizer ``name`` (see :data:`OPTIMIZERS`) built from NASLib's config."""
    if name not in OPTIMIZERS:
        raise ValueError(f"Unknown optimizer {name!r}. Available: {sorted(OPTIMIZERS)}.")
    module, cls = OPTIMIZERS[name]
    return getattr(importlib.import_module(module), cls)(config)


def make_naslib_predictor(name: str, config: Any) -> Any:
    """An instance of predictor ``name`` (see :data:`PREDICTORS`) for NASLib's PredictorEvaluator."""
    if name not in PREDICTORS:
        raise ValueError(f"Unknown predictor {name!r}. Available: {sorted(PREDICTORS)}.")
    return PREDICTORS[name](config)


def load_config(argv: Sequence[str], config_type: str) -> Any:
    """NASLib's config from an explicit argument list (``--config-file X key value ...``)."""
    from naslib import utils

    argv = list(argv)
    if "--config-file" not in argv and not any(a.startswith("--config-file=") for a in argv):
        raise ValueError("Pass --config-file PATH (e.g. configs/naslib/nb201_cifar10_nar_sampler.yaml).")
    return utils.get_config_from_args(utils.parse_args(args=argv), config_type=config_type)


def _setup_logging(path: str) -> None:
    from naslib.utils import setup_logger

    os.makedirs(os.path.dirname(path), exist_ok=True)
    for name in ("naslib", "naslib_nar"):
        setup_logger(path, name=name).setLevel(logging.INFO)


def _space_name(config: Any) -> str:
    return space_of(config.search_space)


# ---------------------------------------------------------------------- NAS runner
def run_nas(argv: Sequence[str]) -> Dict[str, Any]:
    """NASLib's nas runner with ``nar_sampler``; returns (and writes) the summary."""
    from naslib import utils
    from naslib.defaults.trainer import Trainer

    from .search_spaces import make_search_space

    config = load_config(argv, "nas")
    _setup_logging(os.path.join(config.save, "log.log"))
    utils.log_args(config)
    optimizer = make_optimizer(config.optimizer, config)
    search_space = make_search_space(config.search_space, config.dataset, light=bool(config.get("light_graphs", True)))
    dataset_api = get_dataset_api(config.search_space, config.dataset, source=config.get("dataset_api_source", "auto"))
    utils.set_seed(config.seed)
    optimizer.adapt_search_space(search_space, dataset_api=dataset_api)
    trainer = Trainer(optimizer, config, lightweight_output=True)
    start = time.perf_counter()
    trainer.search(resume_from="")
    seconds = time.perf_counter() - start
    naslib_test = trainer.evaluate(resume_from="", dataset_api=dataset_api)
    summary = _search_summary(optimizer, config, dataset_api, naslib_test, seconds)
    with open(os.path.join(config.save, "summary.json"), "w") as handle:
        json.dump(summary, handle, indent=2)
    print(_format_search_summary(summary))
    return summary


def _search_summary(optimizer: Any, config: Any, dataset_api: Any, naslib_test: Any, seconds: float) -> Dict[str, Any]:
    space = _space_name(config)
    final = optimizer.get_final_architecture()
    archs = graphs_to_archs([final], space)
    ours = dict(dataset_api.get("naslib_nar", {})) if isinstance(dataset_api, dict) else {}
    summary: Dict[str, Any] = {
        "optimizer": config.optimizer, "search_space": config.search_space, "dataset": config.dataset,
        "seed": int(config.seed), "queries": int(config.search.epochs), "search_seconds": round(seconds, 2),
        "dataset_api": ours.get("source", "NASLib's official data files"),
        "naslib_test_accuracy": float(naslib_test),
        "naslib_test_accuracy_is": ("validation accuracy (NASLib reads eval_acc1es for TEST_ACCURACY on NB201)"
                                    if space == "nb201" else "the test accuracy of the dataset_api"),
        "errors_json": os.path.join(config.save, "errors.json"),
    }
    if space == "nb201":
        summary["final_architecture"] = NB201Space().to_strings(archs)[0]
    else:
        summary["final_architecture"] = str(NB101Space().hash(archs)[0])
    try:
        bench = load_benchmark(space, _our_dataset(config.dataset))
    except (FileNotFoundError, ValueError) as exc:
        summary["table"] = f"unavailable: {exc}"
        return summary
    row = int(bench.rows_of(archs, missing="ignore")[0])
    val, test = bench.metric("val_acc"), bench.metric("test_acc")
    summary["table"] = bench.source
    summary["val_acc"] = _finite(val[row]) if row >= 0 else None
    summary["test_acc"] = _finite(test[row]) if row >= 0 else None
    best_val = bench.best("val_acc")
    summary["best_val_acc_in_table"] = _finite(val[best_val])
    summary["test_acc_of_best_val_arch"] = _finite(test[best_val])
    if np.isfinite(test).any():
        summary["best_test_acc_in_table"] = _finite(np.nanmax(test))
    if hasattr(optimizer, "info"):
        summary["optimizer_info"] = optimizer.info()
    return summary


def _our_dataset(dataset: str) -> str:
    return {"ImageNet16-120": "imagenet16"}.get(dataset, dataset)


def _finite(value: Any) -> Optional[float]:
    value = float(value)
    return round(value, 4) if np.isfinite(value) else None


def _format_search_summary(s: Dict[str, Any]) -> str:
    def show(v: Any) -> str:
        return "n/a" if v is None else (f"{v:.3f}" if isinstance(v, float) else str(v))

    lines = [
        f"== naslib_nar summary: {s['optimizer']} on {s['search_space']} / {s['dataset']}, "
        f"{s['queries']} queries, seed {s['seed']} ({s['search_seconds']:.1f} s) ==",
        f"final architecture               {s['final_architecture']}",
        f"NASLib Trainer.evaluate()        {show(s['naslib_test_accuracy'])}  ({s['naslib_test_accuracy_is']})",
    ]
    if "val_acc" in s:
        lines += [
            f"validation accuracy (our table)  {show(s['val_acc'])}",
            f"test accuracy (our table)        {show(s['test_acc'])}",
            f"best in table                    val {show(s['best_val_acc_in_table'])} (its test "
            f"{show(s['test_acc_of_best_val_arch'])}), best test {show(s.get('best_test_acc_in_table'))}",
        ]
    else:
        lines.append(f"our table                        {s.get('table')}")
    lines.append(f"NASLib errors.json               {s['errors_json']}")
    return "\n".join(lines)


# ---------------------------------------------------------------------- predictors runner
def run_predictors(argv: Sequence[str]) -> List[Dict[str, Any]]:
    """NASLib's PredictorEvaluator for each of ``predictors:`` (and each of ``seeds:``) on
    the same architectures; prints and writes one table. Returns its rows."""
    from naslib import utils
    from naslib.defaults.predictor_evaluator import PredictorEvaluator

    from .search_spaces import make_search_space

    config = load_config(argv, "predictor")
    names = list(config.get("predictors") or [config.predictor])
    unknown = [n for n in names if n not in PREDICTORS]
    if unknown:
        raise ValueError(f"Unknown predictor(s) {unknown}. Available: {sorted(PREDICTORS)}.")
    seeds = [int(s) for s in (config.get("seeds") or [config.seed])]
    root = os.path.join(config.out_dir, config.search_space, config.dataset, "predictors")
    _setup_logging(os.path.join(root, "log.log"))
    search_space = make_search_space(config.search_space, config.dataset, light=bool(config.get("light_graphs", True)))
    dataset_api = get_dataset_api(config.search_space, config.dataset, source=config.get("dataset_api_source", "auto"))
    results = []
    for seed in seeds:
        for name in names:
            cfg = config.clone()
            cfg.predictor, cfg.seed = name, seed
            cfg.search.seed = seed
            cfg.save = os.path.join(root, name, str(seed))
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
                    results.append(_table_row(name, seed, record))
    table = format_table(results)
    with open(os.path.join(root, "summary.json"), "w") as handle:
        json.dump(results, handle, indent=2)
    with open(os.path.join(root, "summary.md"), "w") as handle:
        handle.write(table + "\n")
    print(table)
    return results


def _table_row(name: str, seed: int, record: Dict[str, Any]) -> Dict[str, Any]:
    ytest = record.get("full_ytest")
    digest = hashlib.md5(json.dumps(ytest).encode()).hexdigest()[:8] if isinstance(ytest, list) else "n/a"
    row = {"predictor": name, "seed": seed, "train_size": record.get("train_size"), "fidelity": record.get("fidelity"),
           "test_set": digest}
    for key in ("kendalltau", "spearman", "pearson", "precision_20", "mae", "fit_time", "query_time"):
        value = record.get(key)
        row[key] = float(value) if isinstance(value, (int, float)) else float("nan")
    return row


def format_table(rows: List[Dict[str, Any]]) -> str:
    """Markdown table: one line per (train size, predictor), mean over seeds (± std when > 1)."""
    groups: Dict[tuple, List[Dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault((row["train_size"], row["predictor"]), []).append(row)
    order = {name: i for i, name in enumerate(dict.fromkeys(r["predictor"] for r in rows))}
    head = ["train size", "predictor", "Kendall tau", "Spearman", "precision@20", "fit time (s)",
            "query time (ms/arch)", "seeds", "test set"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for (size, name) in sorted(groups, key=lambda key: (key[0], order[key[1]])):
        group = groups[(size, name)]

        def stat(key: str, scale: float = 1.0, digits: int = 3, group: list = group) -> str:
            values = np.array([r[key] for r in group], dtype=np.float64) * scale
            if np.isnan(values).all():
                return "nan"
            text = f"{np.nanmean(values):.{digits}f}"
            return text + (f" ± {np.nanstd(values):.{digits}f}" if len(values) > 1 else "")

        sets = sorted({r["test_set"] for r in group})
        lines.append("| " + " | ".join([
            str(size), name, stat("kendalltau"), stat("spearman"), stat("precision_20", digits=2),
            stat("fit_time", digits=2), stat("query_time", 1000.0, 3), str(len(group)), ",".join(sets),
        ]) + " |")
    return "\n".join(lines)
