"""The YAML plan of ``naslib-nar search``: one method on one space, optionally a grid.

```yaml
space: nb201                 # nb101 | nb201
datasets: [cifar10]          # or `dataset: cifar10`; NB101 has cifar10 only
method: nar_paper            # nar_paper (paper regime) | nar (budget regime) | renas
budget: null                 # labels: search queries (nar_paper, default 50*n) or all labels (nar, renas)
seeds: [0, 1, 2]
source: auto                 # auto | shared | embedded | naslib
max_workers: 2               # seeds run in parallel worker processes
params: {top_n: 5}           # the method's parameters (naslib_nar/search/settings.py)
variants:                    # optional ablation grid: name -> overrides (params keys, method, budget)
  p0: {random_fraction: 0.0}
paper:                       # optional: the paper's numbers, variant -> dataset -> [mean, std, best]
  p0: {cifar10: [93.87, 0.09, 93.91]}
  optimum: {cifar10: 94.32}  # reserved name: the paper's optimum per dataset
```

Every value is checked here, before any work starts, and an error names the file, the
key and the fix. Method parameters are checked by :func:`naslib_nar.search.settings.resolve`
for every variant, so an ablation with a typo fails at once, not after hours of runs.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Tuple

from ..spaces.datasets import DATASETS

METHODS = ("nar_paper", "nar", "renas")
SOURCES = ("auto", "shared", "embedded", "naslib")
TOP_KEYS = ("space", "dataset", "datasets", "method", "budget", "seeds", "source", "data_dir", "max_workers",
            "params", "variants", "paper", "description")
_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


def _fail(where: str, key: str, message: str) -> ValueError:
    return ValueError(f"{where}: key {key!r}: {message}")


def _int(value: Any, where: str, key: str, low: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < low:
        raise _fail(where, key, f"must be an integer >= {low}; got {value!r}.")
    return value


@dataclass(frozen=True)
class Variant:
    """One row of the grid: a method, its budget and its full parameter dict."""

    name: str
    method: str
    budget: Optional[int]
    params: Dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchConfig:
    """A validated plan: datasets x variants x seeds."""

    space: str
    datasets: Tuple[str, ...]
    seeds: Tuple[int, ...]
    variants: Tuple[Variant, ...]
    source: str = "auto"
    data_dir: Optional[str] = None
    max_workers: int = 2
    paper: Dict[str, Dict[str, List[Optional[float]]]] = field(default_factory=dict)
    description: str = ""

    def to_dict(self) -> Dict[str, Any]:
        return asdict(self)

    @property
    def is_grid(self) -> bool:
        return len(self.variants) * len(self.datasets) > 1


def _paper(value: Any, where: str, variants: List[str]) -> Dict[str, Dict[str, list]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail(where, "paper", "must map variant names (or 'optimum') to {dataset: [mean, std, best]}.")
    out: Dict[str, Dict[str, list]] = {}
    for name, per_dataset in value.items():
        if name not in variants and name != "optimum":
            raise _fail(where, f"paper.{name}", f"is not a variant of this config; variants: {variants} (or "
                        "'optimum').")
        if not isinstance(per_dataset, dict):
            raise _fail(where, f"paper.{name}", "must map dataset names to numbers, e.g. {cifar10: [94.33, 0.05]}.")
        out[name] = {}
        for dataset, numbers in per_dataset.items():
            key = f"paper.{name}.{dataset}"
            if dataset not in DATASETS:
                raise _fail(where, key, f"unknown dataset; expected one of {list(DATASETS)}.")
            numbers = [numbers] if isinstance(numbers, (int, float)) else numbers
            ok = isinstance(numbers, list) and 1 <= len(numbers) <= 3 and all(
                v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in numbers)
            if not ok:
                raise _fail(where, key, f"must be a number or a list [mean, std, best] (null allowed); got "
                            f"{numbers!r}.")
            out[name][dataset] = [None if v is None else float(v) for v in numbers] + [None] * (3 - len(numbers))
    return out


def parse_config(raw: Mapping[str, Any], where: str = "search config",
                 overrides: Optional[Mapping[str, Any]] = None) -> SearchConfig:
    """Validate a config mapping; ``overrides`` (command-line values, None = unset) win."""
    from ..search.settings import resolve

    raw = dict(raw)
    unknown = sorted(set(raw) - set(TOP_KEYS))
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {unknown}. Valid keys: {sorted(TOP_KEYS)}.")
    if "dataset" in raw and "datasets" in raw:
        raise _fail(where, "dataset", "give either 'dataset' or 'datasets', not both.")
    for key, value in (overrides or {}).items():
        if value is not None:
            raw[key] = value
            if key == "dataset":
                raw.pop("datasets", None)
    space = raw.get("space", "nb201")
    if space not in ("nb101", "nb201"):
        raise _fail(where, "space", f"must be 'nb101' or 'nb201'; got {space!r}.")
    datasets = raw.get("datasets", [raw.get("dataset", "cifar10")])
    if isinstance(datasets, str):
        datasets = [datasets]
    if not isinstance(datasets, list) or not datasets or len(set(datasets)) != len(datasets):
        raise _fail(where, "datasets", f"must be a non-empty list of distinct names from {list(DATASETS)}; got "
                    f"{datasets!r}.")
    for dataset in datasets:
        if dataset not in DATASETS:
            raise _fail(where, "datasets", f"unknown dataset {dataset!r}; expected one of {list(DATASETS)}.")
    if space == "nb101" and datasets != ["cifar10"]:
        raise _fail(where, "datasets", f"NAS-Bench-101 has CIFAR-10 results only; use datasets: [cifar10] (got "
                    f"{datasets}).")
    seeds = raw.get("seeds", [0])
    seeds = [seeds] if isinstance(seeds, int) and not isinstance(seeds, bool) else seeds
    if not isinstance(seeds, list) or not seeds or len(set(seeds)) != len(seeds):
        raise _fail(where, "seeds", f"must be a non-empty list of distinct integers >= 0; got {seeds!r}.")
    for seed in seeds:
        _int(seed, where, "seeds", 0)
    source = raw.get("source", "auto")
    if source not in SOURCES:
        raise _fail(where, "source", f"must be one of {list(SOURCES)}; got {source!r}.")
    data_dir = raw.get("data_dir")
    if data_dir is not None and not isinstance(data_dir, str):
        raise _fail(where, "data_dir", f"must be a path (string) or null; got {data_dir!r}.")
    max_workers = _int(raw.get("max_workers", 2), where, "max_workers", 1)
    params = raw.get("params") or {}
    if not isinstance(params, dict):
        raise _fail(where, "params", f"must be a mapping of method parameters; got {params!r}.")
    method = raw.get("method", "nar_paper")
    budget = raw.get("budget")
    variant_map = raw.get("variants") or {}
    if not isinstance(variant_map, dict):
        raise _fail(where, "variants", "must map variant names to parameter overrides, e.g. {p0: "
                    "{random_fraction: 0.0}}.")
    variants: List[Variant] = []
    for name, overrides_v in (variant_map.items() if variant_map else [(method, {})]):
        key = f"variants.{name}"
        if not isinstance(name, str) or not _NAME.match(name) or name == "optimum":
            raise _fail(where, key, "variant names use letters, digits, '_', '.' or '-' ('optimum' is reserved).")
        if not isinstance(overrides_v, dict):
            raise _fail(where, key, f"must be a mapping of overrides; got {overrides_v!r}.")
        overrides_v = dict(overrides_v)
        v_method = overrides_v.pop("method", method)
        v_budget = overrides_v.pop("budget", budget)
        if v_method not in METHODS:
            raise _fail(where, f"{key}.method" if variant_map else "method",
                        f"must be one of {list(METHODS)}; got {v_method!r}.")
        if v_budget is not None:
            _int(v_budget, where, f"{key}.budget" if variant_map else "budget", 1)
        elif v_method != "nar_paper":
            raise _fail(where, "budget", f"method {v_method!r} is the budget regime and needs a label budget, e.g. "
                        "budget: 100.")
        merged = {**params, **overrides_v}
        if "predictor" in params and "predictor" in overrides_v:
            merged["predictor"] = {**params["predictor"], **overrides_v["predictor"]}
        try:
            resolve(v_method, space, merged)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{where}: {key if variant_map else 'params'}: {exc}") from None
        variants.append(Variant(name, v_method, v_budget, merged))
    names = [v.name for v in variants]
    paper = _paper(raw.get("paper"), where, names)
    description = raw.get("description", "")
    if not isinstance(description, str):
        raise _fail(where, "description", "must be text.")
    return SearchConfig(space, tuple(datasets), tuple(seeds), tuple(variants), source, data_dir, max_workers,
                        paper, description)
