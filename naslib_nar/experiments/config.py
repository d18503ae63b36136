"""The typed configuration of ``search``, ``compare`` and ``evaluate-predictor`` (and its
``--protocol`` form): one layer.

A config file (YAML) and the command-line flags become one frozen, validated object
before any work starts; every problem is one line naming the file, the dotted path of the
key and the fix, e.g. ``configs/x.yaml: params.predictor.n_tier: unknown key; did you mean
'n_tiers'?``. Nothing a worker would reject later passes here.

Why pydantic (v2) rather than frozen dataclasses: the structure of these files (nested
sections, mappings of variants, lists of seeds) is declared once as typed models, and
pydantic checks it with the location of each error; unknown keys are rejected at every
depth by one validator on the base model (with the closest valid name, through
:func:`naslib_nar._validation.check_keys`), and strict scalar types reject ``seeds: "3"``
or ``data_dir: 5`` without a hand-written check per field. With dataclasses all of that
(types, nesting, error paths) would be hand-written again, which is what the three
parsers this module replaces did.

What is not declared here is checked by its owner when the file is read: method
parameters by :func:`naslib_nar.baselines.registry.check_method_params` (a method's
searcher or run function defines them), predictor parameters by
:func:`~naslib_nar.baselines.registry.check_predictor_params` (the estimator's own
parameter check), datasets by :mod:`naslib_nar.spaces.datasets`, data sources by the
benchmark loaders. Their errors keep their message and get the file and key path.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, ClassVar, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import yaml
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, Strict, ValidationError
from pydantic import model_validator
from typing_extensions import Annotated

from .._validation import UnknownKeyError, check_keys, closest
from ..baselines.registry import METHODS, PREDICTORS, check_method_params, check_predictor_params
from ..benchmarks import nb101, nb201
from ..spaces.datasets import DATASETS, DATASETS_OF, SPACES
from . import protocols
from .executors import EXECUTORS
from .predictor_eval import check_test_size

#: The data sources each space's loader reads (the loaders own the lists).
SOURCES_OF: Dict[str, Tuple[str, ...]] = {"nb101": nb101.SOURCES, "nb201": nb201.SOURCES}
#: Every source of any space, for the command-line choices.
SOURCES: Tuple[str, ...] = tuple(dict.fromkeys(s for sources in SOURCES_OF.values() for s in sources))


class ConfigError(ValueError):
    """A config file (or the command line) holds something no run would accept."""


class _KeyProblem(ValueError):
    """A problem found by a model's own check at ``path`` below the model."""

    def __init__(self, path: Sequence[Any], message: str) -> None:
        super().__init__(message)
        self.path = tuple(path)


# ---------------------------------------------------------------------- field types
def _hint(value: Any, valid: Sequence[str]) -> str:
    """'; did you mean 'x'?' for the closest valid name, else '.'."""
    close = closest(value, list(valid))
    return f"; did you mean {close!r}?" if close else "."


def _one_of(valid: Union[Sequence[str], Mapping[str, Any]], what: str) -> AfterValidator:
    """A name from ``valid`` (read when checked, so a registry entry added later counts)."""
    def check(value: str) -> str:
        if value not in valid:
            raise ValueError(f"unknown {what} {value!r}{_hint(value, list(valid))} Expected one of {list(valid)}.")
        return value
    return AfterValidator(check)


def _distinct(values: Tuple[Any, ...]) -> Tuple[Any, ...]:
    repeated = sorted({v for v in values if values.count(v) > 1}, key=str)
    if repeated:
        raise ValueError(f"values must be distinct; {repeated} repeated in {list(values)}.")
    return values


def _refuse(data: Mapping[str, Any], keys: Mapping[str, str]) -> None:
    """A key of ``keys`` in ``data`` is a problem, said by its entry (the fix)."""
    for key, why in keys.items():
        if key in data:
            raise _KeyProblem((key,), why)


def _one_dataset(data: Any) -> Any:
    """``dataset: x`` is ``datasets: [x]`` for the models that take several."""
    if isinstance(data, Mapping) and "dataset" in data:
        if "datasets" in data:
            raise _KeyProblem(("dataset",), "give either 'dataset' or 'datasets', not both.")
        data = {**{k: v for k, v in data.items() if k != "dataset"}, "datasets": [data["dataset"]]}
    return data


def _none_is_empty(value: Any) -> Any:
    return {} if value is None else value


def _paper_numbers(value: Any) -> List[Optional[float]]:
    """A paper's ``mean`` or ``[mean, std, best]`` (null allowed) as three entries."""
    numbers = [value] if isinstance(value, (int, float)) and not isinstance(value, bool) else value
    ok = isinstance(numbers, list) and 1 <= len(numbers) <= 3 and all(
        v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in numbers)
    if not ok:
        raise ValueError(f"must be a number or a list [mean, std, best] (null allowed); got {value!r}.")
    return [None if v is None else float(v) for v in numbers] + [None] * (3 - len(numbers))


StrictStr = Annotated[str, Strict()]
Seed = Annotated[int, Strict(), Field(ge=0, le=2**32 - 1)]
Seeds = Annotated[Tuple[Seed, ...], Field(min_length=1), AfterValidator(_distinct)]
Positive = Annotated[int, Strict(), Field(ge=1)]
Space = Annotated[str, Strict(), _one_of(SPACES, "search space")]
Dataset = Annotated[str, Strict(), _one_of(DATASETS, "dataset")]
Datasets = Annotated[Tuple[Dataset, ...], Field(min_length=1), AfterValidator(_distinct)]
Method = Annotated[str, Strict(), _one_of(METHODS, "search method")]
Methods = Annotated[Tuple[Method, ...], Field(min_length=1), AfterValidator(_distinct)]
Predictor = Annotated[str, Strict(), _one_of(PREDICTORS, "predictor")]
Params = Annotated[Dict[StrictStr, Any], BeforeValidator(_none_is_empty)]
ParamsByName = Annotated[Dict[StrictStr, Params], BeforeValidator(_none_is_empty)]
TestSize = Annotated[int, Strict(), AfterValidator(check_test_size)]
PaperNumbers = Annotated[List[Optional[float]], BeforeValidator(_paper_numbers)]
TrainSize = Annotated[int, Strict(), Field(ge=2)]
ProtocolName = Annotated[str, Strict(), AfterValidator(protocols.resolve)]


# ---------------------------------------------------------------------- models
class _Model(BaseModel):
    """Frozen, and every key must be a field (or one of ``_aliases``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    _aliases: ClassVar[Tuple[str, ...]] = ()

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            check_keys(data, list(cls.model_fields) + list(cls._aliases), owner=None)
        return data


def _library_check(path: Sequence[Any], check: Callable[[], None]) -> None:
    """Run a library check; its errors get the key path of the checked parameters."""
    try:
        check()
    except UnknownKeyError as exc:
        raise _KeyProblem(tuple(path) + exc.path, _unknown_key_text(exc)) from None
    except (ValueError, TypeError) as exc:
        raise _KeyProblem(path, str(exc)) from None


def _unknown_key_text(exc: UnknownKeyError) -> str:
    if exc.suggestion:
        return f"unknown key; did you mean {exc.suggestion!r}?"
    return f"unknown key; valid keys: {exc.valid}."


class RunSettings(_Model):
    """What every command shares: the space, the data, the seeds, how tasks are executed.

    ``executor``: ``local`` (a process pool of ``max_workers``, the default) or ``dask``
    (a Dask ``LocalCluster`` of ``max_workers`` processes, or the running cluster at
    ``scheduler``, e.g. ``tcp://head-node:8786``; a ``scheduler`` implies ``dask``).
    """

    space: Space = "nb201"
    seeds: Seeds = (0,)
    source: StrictStr = "auto"
    data_dir: Optional[StrictStr] = None
    max_workers: Positive = 2
    executor: Annotated[str, Strict(), _one_of(EXECUTORS, "executor")] = "local"
    scheduler: Optional[StrictStr] = None

    @model_validator(mode="after")
    def _check_source(self) -> "RunSettings":
        valid = SOURCES_OF[self.space]
        if self.source not in valid:
            raise _KeyProblem(("source",), f"unknown data source {self.source!r} for {self.space}"
                              f"{_hint(self.source, valid)} Expected one of {list(valid)}.")
        return self

    def _check_datasets(self, datasets: Sequence[str], key: str) -> None:
        wrong = [d for d in datasets if d not in DATASETS_OF[self.space]]
        if wrong:
            raise _KeyProblem((key,), f"the {self.space} benchmark has results on {list(DATASETS_OF[self.space])} "
                              f"only; got {wrong}.")


@dataclass(frozen=True)
class Variant:
    """One row of a search grid: a method, its budget and its full parameter mapping."""

    name: str
    method: str
    budget: Optional[int]
    params: Dict[str, Any] = field(default_factory=dict)


_VARIANT_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


class SearchConfig(RunSettings):
    """``naslib-nar search``: datasets x variants x seeds of one method family.

    ``variants`` maps a name to overrides of ``params`` (and of ``method`` / ``budget``);
    a ``predictor`` mapping in both is merged key by key. Without variants the grid is the
    one variant named after ``method``. ``paper`` holds the paper's numbers per variant
    (or ``optimum``) and dataset, ``mean`` or ``[mean, std, best]``.
    """

    _aliases = ("dataset",)
    datasets: Datasets = ("cifar10",)
    method: Method = "nar_paper"
    budget: Optional[Positive] = None
    params: Params = {}
    variants: Annotated[Dict[StrictStr, Params], BeforeValidator(_none_is_empty)] = {}
    paper: Annotated[Dict[StrictStr, Dict[Dataset, PaperNumbers]], BeforeValidator(_none_is_empty)] = {}
    description: StrictStr = ""

    @model_validator(mode="before")
    @classmethod
    def _one_dataset(cls, data: Any) -> Any:
        return _one_dataset(data)

    @model_validator(mode="after")
    def _check(self) -> "SearchConfig":
        self._check_datasets(self.datasets, "datasets")
        for name, overrides in self.variants.items():
            if not _VARIANT_NAME.match(name) or name == "optimum":
                raise _KeyProblem(("variants", name), "variant names use letters, digits, '_', '.' or '-' "
                                  "('optimum' is reserved).")
            method, budget = overrides.get("method", self.method), overrides.get("budget", self.budget)
            if method not in METHODS:
                raise _KeyProblem(("variants", name, "method"), f"unknown search method {method!r}"
                                  f"{_hint(method, list(METHODS))} Expected one of {list(METHODS)}.")
            if budget is not None and (not isinstance(budget, int) or isinstance(budget, bool) or budget < 1):
                raise _KeyProblem(("variants", name, "budget"), f"must be an integer >= 1 or null; got {budget!r}.")
        for variant in self.grid:
            for dataset in self.datasets:
                self._check_variant(variant, dataset)
        names = [v.name for v in self.grid]
        for name in self.paper:
            if name not in names and name != "optimum":
                raise _KeyProblem(("paper", name), f"not a variant of this config{_hint(name, names + ['optimum'])} "
                                  f"Variants: {names} (or 'optimum').")
        return self

    def _check_variant(self, variant: Variant, dataset: str) -> None:
        """The library's check of one variant; errors point at the key that holds the value."""
        try:
            check_method_params(variant.method, space=self.space, dataset=dataset, budget=variant.budget,
                                params=variant.params)
        except UnknownKeyError as exc:
            raise _KeyProblem(self._origin(variant.name, exc.path) + exc.path, _unknown_key_text(exc)) from None
        except (ValueError, TypeError) as exc:
            where = ("variants", variant.name) if self.variants else ("params",)
            raise _KeyProblem(where, str(exc)) from None

    def _origin(self, name: str, path: Tuple[str, ...]) -> Tuple[str, ...]:
        """Where a parameter at ``path`` was given: the variant's overrides or ``params``."""
        node: Any = self.variants.get(name, {})
        for key in path:
            if not isinstance(node, Mapping) or key not in node:
                return ("params",)
            node = node[key]
        return ("variants", name)

    @property
    def grid(self) -> Tuple[Variant, ...]:
        """The variants with their merged parameters, in the file's order."""
        out = []
        for name, overrides in (self.variants or {self.method: {}}).items():
            overrides = dict(overrides)
            method = overrides.pop("method", self.method)
            budget = overrides.pop("budget", self.budget)
            merged = {**self.params, **overrides}
            if isinstance(self.params.get("predictor"), Mapping) and isinstance(overrides.get("predictor"), Mapping):
                merged["predictor"] = {**self.params["predictor"], **overrides["predictor"]}
            out.append(Variant(name, method, budget, merged))
        return tuple(out)

    @property
    def is_grid(self) -> bool:
        return len(self.grid) * len(self.datasets) > 1

    def to_dict(self) -> Dict[str, Any]:
        """The plan as the report stores it: the variants resolved."""
        return {"space": self.space, "datasets": list(self.datasets), "seeds": list(self.seeds),
                "variants": [{"name": v.name, "method": v.method, "budget": v.budget, "params": v.params}
                             for v in self.grid],
                "source": self.source, "data_dir": self.data_dir, "max_workers": self.max_workers,
                "paper": self.paper, "description": self.description}


class BudgetRegime(_Model):
    """Every method at every budget, all labels counted."""

    methods: Methods
    budgets: Annotated[Tuple[Positive, ...], Field(min_length=1), AfterValidator(_distinct)]
    params: ParamsByName = {}


class PaperRegime(_Model):
    """The paper's Table 2 setting; ``budget`` is one number or one per method."""

    methods: Methods
    budget: Dict[StrictStr, Positive] = {}
    params: ParamsByName = {}

    @model_validator(mode="before")
    @classmethod
    def _same_budget(cls, data: Any) -> Any:
        """One number is the budget of every method (default 250, the paper's 50 x 5)."""
        if isinstance(data, Mapping) and isinstance(data.get("methods"), (list, tuple)):
            budget = data.get("budget", 250)
            if not isinstance(budget, Mapping):
                data = {**data, "budget": {m: budget for m in data["methods"] if isinstance(m, str)}}
        return data

    @model_validator(mode="after")
    def _one_budget_per_method(self) -> "PaperRegime":
        missing = [m for m in self.methods if m not in self.budget]
        extra = sorted(set(self.budget) - set(self.methods))
        if missing or extra:
            raise _KeyProblem(("budget",), f"give one budget per method {list(self.methods)}; missing "
                              f"{missing}, not in methods {extra}.")
        return self

    def budget_of(self, method: str) -> int:
        return self.budget[method]


class PredictorTable(_Model):
    """Ranking quality of predictors at several training sizes (``seeds``: default the config's)."""

    predictors: Annotated[Tuple[Predictor, ...], Field(min_length=1), AfterValidator(_distinct)]
    train_sizes: Annotated[Tuple[Annotated[int, Strict(), Field(ge=2)], ...], Field(min_length=1),
                           AfterValidator(_distinct)]
    val_size: Annotated[int, Strict(), Field(ge=0)] = 0
    test_size: Optional[TestSize] = None
    seeds: Optional[Seeds] = None
    params: ParamsByName = {}


class CompareConfig(RunSettings):
    """``naslib-nar compare``: NAR and the baselines side by side on one space."""

    datasets: Datasets = ("cifar10",)
    budget_regime: Optional[BudgetRegime] = None
    paper_regime: Optional[PaperRegime] = None
    predictor_table: Optional[PredictorTable] = None

    @model_validator(mode="after")
    def _check(self) -> "CompareConfig":
        if not (self.budget_regime or self.paper_regime or self.predictor_table):
            raise _KeyProblem((), "nothing to run: give at least one of budget_regime, paper_regime, "
                              "predictor_table.")
        self._check_datasets(self.datasets, "datasets")
        for key, section in (("budget_regime", self.budget_regime), ("paper_regime", self.paper_regime)):
            if section is None:
                continue
            _params_of_listed(key, section.params, section.methods)
            for method in section.methods:
                budget = section.budgets[0] if key == "budget_regime" else section.budget_of(method)
                for dataset in self.datasets:
                    _library_check((key, "params", method), lambda: check_method_params(
                        method, space=self.space, dataset=dataset, budget=budget, params=section.params.get(method)))
        table = self.predictor_table
        if table is not None:
            _params_of_listed("predictor_table", table.params, table.predictors)
            for predictor in table.predictors:
                for dataset in self.datasets:
                    _library_check(("predictor_table", "params", predictor), lambda: check_predictor_params(
                        predictor, self.space, dataset, table.params.get(predictor)))
        return self

    @property
    def predictor_seeds(self) -> Tuple[int, ...]:
        table = self.predictor_table
        return self.seeds if table is None or table.seeds is None else table.seeds


def _params_of_listed(section: str, params: Mapping[str, Any], names: Sequence[str]) -> None:
    for name in params:
        if name not in names:
            raise _KeyProblem((section, "params", name), f"parameters for {name!r}, which is not in this "
                              f"section's list {list(names)}{_hint(name, names)}")


_WITHOUT_PROTOCOL = "only with a protocol (--protocol field); without one, "
#: Keys of a ``--protocol`` evaluation, refused without one (with the fix).
_PROTOCOL_ONLY = {
    "protocol": "evaluate_predictor runs one split; run a protocol with "
                "naslib_nar.experiments.protocol_cmd.evaluate_protocol (or --protocol).",
    "datasets": _WITHOUT_PROTOCOL + "evaluate-predictor takes one 'dataset'.",
    "train_sizes": _WITHOUT_PROTOCOL + "it takes one 'train_size'.",
    "train_dataset": _WITHOUT_PROTOCOL + "the predictor is trained and tested on 'dataset'.",
}
#: Keys a protocol fixes, refused with one (with the fix).
_FIXED_BY_PROTOCOL = {
    "train_size": "a protocol takes its training sizes N from 'train_sizes' (--train-sizes), default the "
                  "protocol's; remove train_size.",
    "val_size": "a protocol trains without a validation split (val_size 0); remove val_size.",
    "test_size": "a protocol ranks the whole space; remove test_size.",
}


class PredictorEvalConfig(RunSettings):
    """``naslib-nar evaluate-predictor``: one predictor, one training size, several seeds."""

    _aliases = tuple(_PROTOCOL_ONLY)
    dataset: Dataset = "cifar10"
    predictor: Predictor = "nar"
    train_size: TrainSize = 1000
    val_size: Annotated[int, Strict(), Field(ge=0)] = 256
    test_size: Optional[TestSize] = None
    seeds: Seeds = (0, 1, 2)
    max_workers: Positive = 1
    predictor_params: Params = {}

    @model_validator(mode="before")
    @classmethod
    def _no_protocol_keys(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            _refuse(data, _PROTOCOL_ONLY)
        return data

    @model_validator(mode="after")
    def _check(self) -> "PredictorEvalConfig":
        self._check_datasets([self.dataset], "dataset")
        _library_check(("predictor_params",), lambda: check_predictor_params(
            self.predictor, self.space, self.dataset, self.predictor_params))
        return self


class ProtocolEvalConfig(RunSettings):
    """``naslib-nar evaluate-predictor --protocol NAME``: a protocol of :mod:`.protocols`.

    ``datasets``, ``train_sizes`` and ``seeds`` default to the protocol's for the space;
    ``train_dataset`` (NB201) trains on that dataset's validation accuracy and adds its
    transfer to each other dataset of ``datasets``.
    """

    _aliases = ("dataset", *_FIXED_BY_PROTOCOL)
    protocol: ProtocolName
    datasets: Datasets = ("cifar10",)
    train_sizes: Annotated[Tuple[TrainSize, ...], Field(min_length=1), AfterValidator(_distinct)] = (100,)
    train_dataset: Optional[Dataset] = None
    predictor: Predictor = "nar"
    max_workers: Positive = 1
    predictor_params: Params = {}

    @model_validator(mode="before")
    @classmethod
    def _protocol_defaults(cls, data: Any) -> Any:
        """The protocol's datasets, sizes and seeds where the file and flags give none (the
        field defaults above stand only when the protocol is unknown, which is an error)."""
        if not isinstance(data, Mapping):
            return data
        _refuse(data, _FIXED_BY_PROTOCOL)
        data = _one_dataset(data)
        protocol = protocols.find(data.get("protocol"))
        setting = protocol.spaces.get(data.get("space", "nb201")) if protocol else None
        if setting is None:
            return data
        return {"datasets": setting.datasets, "train_sizes": setting.train_sizes, "seeds": protocol.seeds, **data}

    @model_validator(mode="after")
    def _check(self) -> "ProtocolEvalConfig":
        self._check_datasets(self.datasets, "datasets")
        if self.train_dataset is not None:
            if self.space != "nb201":
                raise _KeyProblem(("train_dataset",), f"transfer between datasets is for nb201 only: {self.space} "
                                  f"has results on {list(DATASETS_OF[self.space])} only.")
            if not self.transfers:
                raise _KeyProblem(("train_dataset",), f"nothing to transfer to: {self.train_dataset!r} is the only "
                                  "dataset; give the datasets to score on with --datasets (or --dataset), e.g. "
                                  f"{[d for d in DATASETS_OF[self.space] if d != self.train_dataset]}.")
        for dataset in self.train_datasets:
            _library_check(("predictor_params",), lambda: check_predictor_params(
                self.predictor, self.space, dataset, self.predictor_params))
        return self

    @property
    def train_datasets(self) -> Tuple[str, ...]:
        """Every dataset a predictor is trained on: ``datasets`` (in-domain), then ``train_dataset``."""
        return tuple(dict.fromkeys((*self.datasets, *(() if self.train_dataset is None else (self.train_dataset,)))))

    @property
    def transfers(self) -> Tuple[Tuple[str, str], ...]:
        """``(train dataset, scored dataset)`` pairs of the transfer block."""
        if self.train_dataset is None:
            return ()
        return tuple((self.train_dataset, d) for d in self.datasets if d != self.train_dataset)


# ---------------------------------------------------------------------- reading
def _read_text(path: Path, what: str, example: str) -> str:
    """The text of the file ``path`` (a ``what``); every way it can fail is one ConfigError."""
    if path.is_dir():
        raise ConfigError(f"{path}: is a folder, not a {what}; pass the path of the file ({example}).")
    if not path.is_file():
        raise FileNotFoundError(f"{what.capitalize()} {str(path)!r} does not exist.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror or exc}); check that you may read it.") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not a text file (byte {exc.start} is not UTF-8); a {what} is a text file "
                          f"({example}).") from None


def read_yaml(path: Union[str, Path]) -> Dict[str, Any]:
    """Parse ``path`` as a YAML mapping (an empty file is an empty mapping)."""
    path = Path(path)
    text = _read_text(path, "config file", "YAML, e.g. configs/quick.yaml")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {' '.join(str(exc).split())}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: must hold a mapping of keys to values; got a {type(data).__name__}.")
    return data


def read_json(path: Union[str, Path], fix: str) -> Dict[str, Any]:
    """Parse a JSON mapping this package wrote (e.g. ``compare_config.json``); ``fix`` says
    what to do when it is damaged."""
    path = Path(path)
    text = _read_text(path, "JSON file", "one naslib-nar wrote")
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ConfigError(f"{path}: not valid JSON ({exc}); {fix}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: must hold a JSON object; got a {type(data).__name__}; {fix}")
    return data


def parse(model: type, raw: Mapping[str, Any], where: str) -> Any:
    """``model`` validated from ``raw``; any problem is a :class:`ConfigError` naming ``where``."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{where}: {_first_problem(exc)}") from None


def load(model: type, path: Optional[Union[str, Path]] = None,
         overrides: Optional[Mapping[str, Any]] = None) -> Any:
    """Read ``path`` (optional) into ``model``; ``overrides`` (command-line values, None =
    not given) replace the file's values. A ``dataset`` override replaces ``datasets``."""
    raw = read_yaml(path) if path is not None else {}
    for key, value in (overrides or {}).items():
        if value is None:
            continue
        if key == "dataset" and "dataset" not in model.model_fields:
            raw.pop("datasets", None)
        raw[key] = value
    return parse(model, raw, str(path) if path is not None else "command line")


#: pydantic's type errors in the words of a config file (a tuple is a YAML list).
_PLAIN_TYPES = {"tuple_type": "must be a list, e.g. [0, 1, 2]", "list_type": "must be a list, e.g. [0, 1, 2]",
                "string_type": "must be a string (text)", "int_type": "must be an integer",
                "float_type": "must be a number", "bool_type": "must be true or false",
                "dict_type": "must be a mapping of keys to values", "model_type": "must be a mapping of keys to values"}


def _first_problem(exc: ValidationError) -> str:
    """The first error as ``dotted.path: message`` (one line; later errors are often its
    consequences, e.g. a list left empty by a bad item)."""
    err = exc.errors()[0]
    path = tuple(str(p) for p in err["loc"])
    problem = (err.get("ctx") or {}).get("error")
    if isinstance(problem, UnknownKeyError):
        path, message = path + tuple(map(str, problem.path)), _unknown_key_text(problem)
    elif isinstance(problem, _KeyProblem):
        path, message = path + tuple(map(str, problem.path)), str(problem)
    elif problem is not None:
        message = str(problem)
    else:
        plain = _PLAIN_TYPES.get(err["type"]) or err["msg"].replace("Input should be", "must be")
        message = f"{plain}; got {err['input']!r}."
    return (".".join(path) + ": " if path else "") + " ".join(message.split())
