"""The plan of ``naslib-nar compare``: :class:`CompareConfig`, read from YAML once and
checked with messages that name the file, the section and the key."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple

from ..spaces.datasets import DATASETS
from .config import check_keys, load_yaml_mapping

_TOP_KEYS = ("space", "datasets", "seeds", "source", "data_dir", "max_workers", "budget_regime", "paper_regime",
             "predictor_table")
_BUDGET_KEYS = ("methods", "budgets", "params")
_PAPER_KEYS = ("methods", "budget", "params")
_PREDICTOR_KEYS = ("predictors", "train_sizes", "val_size", "test_size", "seeds", "params")


# ---------------------------------------------------------------------- configuration
def _fail(where: str, message: str) -> ValueError:
    return ValueError(f"{where}: {message}")


def _int_list(value: Any, where: str, min_val: int, unique: bool = True) -> Tuple[int, ...]:
    if isinstance(value, int) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, (list, tuple)) or not value:
        raise _fail(where, f"expected a non-empty list of integers >= {min_val}; got {value!r}.")
    for v in value:
        if not isinstance(v, int) or isinstance(v, bool) or v < min_val:
            raise _fail(where, f"expected integers >= {min_val}; got {v!r} in {list(value)}.")
    if unique and len(set(value)) != len(value):
        raise _fail(where, f"values must be distinct; got {list(value)}.")
    return tuple(value)


def _name_list(value: Any, where: str, valid: Sequence[str]) -> Tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not value:
        raise _fail(where, f"expected a non-empty list of names from {sorted(valid)}; got {value!r}.")
    unknown = [v for v in value if v not in valid]
    if unknown:
        raise _fail(where, f"unknown name(s) {unknown}; available: {sorted(valid)}.")
    if len(set(value)) != len(value):
        raise _fail(where, f"names must be distinct; got {list(value)}.")
    return tuple(value)


def _params(value: Any, where: str, names: Sequence[str]) -> Dict[str, Dict[str, Any]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail(where, f"expected a mapping of name -> parameters; got {value!r}.")
    unknown = sorted(set(value) - set(names))
    if unknown:
        raise _fail(where, f"parameters given for {unknown}, which are not in this section's list {list(names)}.")
    out = {}
    for name, params in value.items():
        if params is None:
            params = {}
        if not isinstance(params, dict):
            raise _fail(f"{where}.{name}", f"expected a mapping of parameter names to values; got {params!r}.")
        out[name] = dict(params)
    return out


def _section(mapping: Mapping[str, Any], key: str, keys: Sequence[str], where: str) -> Optional[Dict[str, Any]]:
    value = mapping.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _fail(f"{where}: '{key}'", f"expected a mapping with keys {list(keys)}; got {value!r}.")
    check_keys(value, keys, f"'{key}' of {where}")
    return value


@dataclass(frozen=True)
class CompareConfig:
    """What ``naslib-nar compare`` runs; built from YAML by :meth:`from_mapping`."""

    space: str
    datasets: Tuple[str, ...]
    seeds: Tuple[int, ...]
    source: str = "auto"
    data_dir: Optional[str] = None
    max_workers: int = 2
    budget_methods: Tuple[str, ...] = ()
    budgets: Tuple[int, ...] = ()
    budget_params: Dict[str, Dict[str, Any]] = field(default_factory=dict)
    paper_methods: Tuple[str, ...] = ()
    paper_budget: Dict[str, int] = field(default_factory=dict)
    paper_params: Dict[str, Dict[str, Any]] = field(default_factory=dict)
    predictors: Tuple[str, ...] = ()
    train_sizes: Tuple[int, ...] = ()
    val_size: int = 0
    test_size: Optional[int] = None
    predictor_seeds: Tuple[int, ...] = ()
    predictor_params: Dict[str, Dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def from_yaml(cls, path: Any) -> "CompareConfig":
        return cls.from_mapping(load_yaml_mapping(path), where=f"config file {str(path)!r}")

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any], where: str = "compare config") -> "CompareConfig":
        from ..baselines.registry import METHODS, PREDICTORS

        if not isinstance(raw, Mapping):
            raise _fail(where, f"expected a mapping; got {type(raw).__name__}.")
        check_keys(raw, _TOP_KEYS, where)
        space = raw.get("space")
        if space not in ("nb101", "nb201"):
            raise _fail(f"{where}: 'space'", f"must be 'nb101' or 'nb201'; got {space!r}.")
        datasets = _name_list(raw.get("datasets", ["cifar10"]), f"{where}: 'datasets'", DATASETS)
        if space == "nb101" and datasets != ("cifar10",):
            raise _fail(f"{where}: 'datasets'", f"NAS-Bench-101 has CIFAR-10 results only; got {list(datasets)}.")
        seeds = _int_list(raw.get("seeds", [0]), f"{where}: 'seeds'", 0)
        source = raw.get("source", "auto")
        if source not in ("auto", "shared", "embedded", "naslib"):
            raise _fail(f"{where}: 'source'", f"must be one of auto, shared, embedded, naslib; got {source!r}.")
        data_dir = raw.get("data_dir")
        if data_dir is not None and not isinstance(data_dir, str):
            raise _fail(f"{where}: 'data_dir'", f"must be a path string or null; got {data_dir!r}.")
        max_workers = _int_list(raw.get("max_workers", 2), f"{where}: 'max_workers'", 1)
        if len(max_workers) != 1:
            raise _fail(f"{where}: 'max_workers'", f"must be one integer >= 1; got {raw.get('max_workers')!r}.")
        kwargs: Dict[str, Any] = dict(space=space, datasets=datasets, seeds=seeds, source=source, data_dir=data_dir,
                                      max_workers=max_workers[0])

        budget = _section(raw, "budget_regime", _BUDGET_KEYS, where)
        if budget is not None:
            sec = f"{where}: budget_regime"
            methods = _name_list(budget.get("methods"), f"{sec}.methods", list(METHODS))
            kwargs.update(budget_methods=methods, budgets=_int_list(budget.get("budgets"), f"{sec}.budgets", 1),
                          budget_params=_params(budget.get("params"), f"{sec}.params", methods))
        paper = _section(raw, "paper_regime", _PAPER_KEYS, where)
        if paper is not None:
            sec = f"{where}: paper_regime"
            methods = _name_list(paper.get("methods"), f"{sec}.methods", list(METHODS))
            value = paper.get("budget", 250)
            if isinstance(value, dict):
                missing = [m for m in methods if m not in value]
                extra = sorted(set(value) - set(methods))
                if missing or extra:
                    raise _fail(f"{sec}.budget", f"give one budget per method {list(methods)}; missing {missing}, "
                                                 f"unknown {extra}.")
                budgets = {m: _int_list(value[m], f"{sec}.budget.{m}", 1)[0] for m in methods}
            else:
                one = _int_list(value, f"{sec}.budget", 1)
                if len(one) != 1:
                    raise _fail(f"{sec}.budget", f"one integer (or one per method); got {value!r}.")
                budgets = {m: one[0] for m in methods}
            kwargs.update(paper_methods=methods, paper_budget=budgets,
                          paper_params=_params(paper.get("params"), f"{sec}.params", methods))
        pred = _section(raw, "predictor_table", _PREDICTOR_KEYS, where)
        if pred is not None:
            sec = f"{where}: predictor_table"
            predictors = _name_list(pred.get("predictors"), f"{sec}.predictors", list(PREDICTORS))
            val_size = pred.get("val_size", 0)
            if not isinstance(val_size, int) or isinstance(val_size, bool) or val_size < 0:
                raise _fail(f"{sec}.val_size", f"must be an integer >= 0; got {val_size!r}.")
            test_size = pred.get("test_size")
            if test_size is not None and (not isinstance(test_size, int) or isinstance(test_size, bool)
                                          or test_size < 2):
                raise _fail(f"{sec}.test_size", f"must be an integer >= 2 or null; got {test_size!r}.")
            kwargs.update(predictors=predictors,
                          train_sizes=_int_list(pred.get("train_sizes"), f"{sec}.train_sizes", 2),
                          val_size=val_size, test_size=test_size,
                          predictor_seeds=_int_list(pred.get("seeds", list(seeds)), f"{sec}.seeds", 0),
                          predictor_params=_params(pred.get("params"), f"{sec}.params", predictors))
        if not (kwargs.get("budget_methods") or kwargs.get("paper_methods") or kwargs.get("predictors")):
            raise _fail(where, "nothing to run: give at least one of budget_regime, paper_regime, predictor_table.")
        return cls(**kwargs)

    def to_dict(self) -> Dict[str, Any]:
        return json.loads(json.dumps(asdict(self)))

    @classmethod
    def from_dict(cls, payload: Mapping[str, Any]) -> "CompareConfig":
        kwargs = dict(payload)
        for key in ("datasets", "seeds", "budget_methods", "budgets", "paper_methods", "predictors", "train_sizes",
                    "predictor_seeds"):
            kwargs[key] = tuple(kwargs.get(key) or ())
        return cls(**kwargs)
