"""BOHB (Falkner et al., 2018) on NAS-Bench-201 through the authors' own implementation,
``hpbandster`` (the optional ``bohb`` extra: ``pip install naslib-nar[bohb]``).

Why hpbandster (see the project's library trial): it is BOHB as published (a pair of
KDEs per budget, top 15% vs the rest, a third of the configurations random, synchronous
Hyperband), pure Python and deterministic given a seed, on Python 3.9 and 3.11. The
maintained alternatives are other algorithms (SMAC3's multi-fidelity facade uses a
random forest, DEHB differential evolution, syne-tune's BOHB is asynchronous and mixes
fidelities in one KDE). hpbandster itself is frozen since 2018, hence the pinned extra.

We drive its algorithm objects in-process (its KDE config generator and
``SuccessiveHalving`` iterations, brackets as in ``hpbandster.optimizers.BOHB``) with a
synchronous one-worker loop instead of its Pyro4 master/worker layer: a table look-up
needs no name server or sockets, and the loop gives the same (config, budget) sequence.

Fidelities: NB201's real 12-epoch and 200-epoch results. ``min_budget=12``,
``max_budget=200`` and ``eta=200/12`` make hpbandster's geometric budgets exactly
{12, 200}; brackets alternate between 16 configurations at 12 epochs with the best one
promoted to 200, and 2 configurations at 200 epochs.

Accounting, through the :class:`~naslib_nar.search.oracle.Oracle` like every method:

* every label counts against ``budget``, the 12-epoch ones included (so at equal label
  budgets BOHB's cheap labels are not free); the run stops at the budget, possibly in the
  middle of a bracket;
* cost: the benchmark's 200-epoch train time x epochs/200, i.e. a 12-epoch label costs
  6% of a full training (an assumption: the table has no 12-epoch time), and a promoted
  configuration is retrained from scratch (charged the full 200 epochs), as hpbandster's
  workers do;
* the protocols only consider 200-epoch labels (a 12-epoch accuracy is not an answer).

NB101 is not supported: its low-fidelity results exist only for the ~30k labelled cells
here, and a ConfigSpace over cells cannot be restricted to them.
"""
from __future__ import annotations

import logging
import warnings
from typing import Any, Mapping, Optional

import numpy as np
from tqdm.auto import tqdm

from .._validation import check_param
from ..search.oracle import FIDELITY_METRICS, Oracle
from ..spaces.nb201 import OPS
from .random_search import check_run_args, resolve_params, trace_info

MIN_EPOCHS, MAX_EPOCHS = 12, 200
DEFAULTS = {
    "eta": MAX_EPOCHS / MIN_EPOCHS, "top_n_percent": 15, "num_samples": 64, "random_fraction": 1 / 3,
    "bandwidth_factor": 3.0, "min_bandwidth": 1e-3, "min_points_in_model": None, "noisy": True,
}
_EXTRA_HINT = "Install the optional BOHB dependency with `pip install naslib-nar[bohb]` (hpbandster==0.7.4)."


def _import_hpbandster() -> Any:
    try:
        import ConfigSpace  # noqa: F401
        from hpbandster.core.dispatcher import Job  # noqa: F401
        from hpbandster.optimizers.config_generators.bohb import BOHB  # noqa: F401
        from hpbandster.optimizers.iterations import SuccessiveHalving  # noqa: F401
    except ImportError as exc:
        raise ImportError(f"BOHB needs the hpbandster library, which is not installed ({exc}). {_EXTRA_HINT}") from exc


def check_available(space: str = "nb201") -> None:
    """Raise ``NotImplementedError`` for spaces other than NB201 and ``ImportError`` (naming
    the ``bohb`` extra) when hpbandster is missing; ``compare`` reports either as a skip."""
    if space != "nb201":
        raise NotImplementedError(
            f"BOHB is implemented for NAS-Bench-201 only (12- and 200-epoch results for every architecture); "
            f"got space {space!r}. NB101's low-fidelity results exist only for its labelled subset here."
        )
    _import_hpbandster()


class _CountWarnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def _check(cfg: dict) -> None:
    check_param("eta", cfg["eta"], float, owner="bohb", min_val=1.0, min_inclusive=False)
    check_param("top_n_percent", cfg["top_n_percent"], int, owner="bohb", min_val=1, max_val=99)
    check_param("num_samples", cfg["num_samples"], int, owner="bohb", min_val=1)
    check_param("random_fraction", cfg["random_fraction"], float, owner="bohb", min_val=0.0, max_val=1.0)
    check_param("bandwidth_factor", cfg["bandwidth_factor"], float, owner="bohb", min_val=0.0, min_inclusive=False)
    check_param("min_bandwidth", cfg["min_bandwidth"], float, owner="bohb", min_val=0.0)
    check_param("min_points_in_model", cfg["min_points_in_model"], int, owner="bohb", min_val=7, allow_none=True)
    check_param("noisy", cfg["noisy"], bool, owner="bohb")


def run_bohb(bench: Any, *, seed: int, budget: int, params: Optional[Mapping[str, Any]] = None,
             progress: bool = False):
    """BOHB on NB201 with ``budget`` labels of either fidelity (all charged).

    Parameters
    ----------
    bench : TabularBenchmark
        An NB201 benchmark with ``val_acc_12ep`` (the shared table or NASLib's files).
    seed : int
        Seeds the configuration space's sampler and hpbandster's KDE sampling (the global
        numpy RNG, which is saved and restored around the run).
    budget : int
        Labels to spend, 12- and 200-epoch alike.
    params : mapping, optional
        hpbandster's BOHB settings: ``eta`` (200/12, which makes the budgets exactly
        {12, 200}), ``top_n_percent`` (15), ``num_samples`` (64), ``random_fraction``
        (1/3), ``bandwidth_factor`` (3), ``min_bandwidth`` (1e-3), ``min_points_in_model``
        (None = 7); ``noisy`` (one random training seed per 200-epoch query).

    Returns
    -------
    SearchTrace
        ``fidelity`` holds 12 or 200 per label; ``info`` the iteration count and how many
        KDE warnings hpbandster logged (it falls back to random configurations then).
    """
    check_run_args("run_bohb", bench, seed, budget)
    check_available(bench.space)
    cfg = resolve_params("bohb", params, DEFAULTS)
    if isinstance(cfg["eta"], int) and not isinstance(cfg["eta"], bool):
        cfg["eta"] = float(cfg["eta"])
    _check(cfg)
    if FIDELITY_METRICS["nb201"][MIN_EPOCHS] not in bench.metric_names:
        raise ValueError(f"BOHB needs the 12-epoch results ('val_acc_12ep'), which this benchmark ({bench.source}) "
                         "lacks; load NB201 from the shared table (source='shared') or NASLib's files.")

    import ConfigSpace as CS
    from hpbandster.core.dispatcher import Job
    from hpbandster.optimizers.config_generators.bohb import BOHB as KDEConfigGenerator
    from hpbandster.optimizers.iterations import SuccessiveHalving

    eta = cfg["eta"]
    max_sh_iter = -int(np.log(MIN_EPOCHS / MAX_EPOCHS) / np.log(eta)) + 1
    budgets = MAX_EPOCHS * np.power(eta, -np.linspace(max_sh_iter - 1, 0, max_sh_iter))

    def fidelity_of(b: float) -> Optional[int]:  # the nearest tabulated fidelity
        return None if abs(b - MAX_EPOCHS) <= abs(b - MIN_EPOCHS) else MIN_EPOCHS

    oracle = Oracle(bench, method="bohb", seed=seed, budget=budget, noisy=cfg["noisy"])
    log = logging.getLogger(f"{__name__}.hpbandster")
    log.propagate = False
    counter = _CountWarnings()
    log.addHandler(counter)
    state = np.random.get_state()
    bar = tqdm(total=budget, desc="bohb", unit="label", disable=not progress, leave=False)
    try:
        with warnings.catch_warnings():  # ConfigSpace deprecations, statsmodels' FutureWarning and the
            # divide-by-zero of its KDE on degenerate data (hpbandster then samples at random; counted)
            for category in (DeprecationWarning, FutureWarning, RuntimeWarning):
                warnings.simplefilter("ignore", category)
            np.random.seed(seed)  # hpbandster's KDE sampling and random fraction use the global RNG
            space = CS.ConfigurationSpace(seed=seed)
            for e in range(6):
                space.add(CS.CategoricalHyperparameter(f"op{e}", list(OPS)))
            generator = KDEConfigGenerator(
                configspace=space, min_points_in_model=cfg["min_points_in_model"], top_n_percent=cfg["top_n_percent"],
                num_samples=cfg["num_samples"], random_fraction=cfg["random_fraction"],
                bandwidth_factor=cfg["bandwidth_factor"], min_bandwidth=cfg["min_bandwidth"], logger=log)
            iterations: list = []

            def new_iteration(i: int) -> Any:  # hpbandster.optimizers.BOHB.get_next_iteration
                s = max_sh_iter - 1 - (i % max_sh_iter)
                n0 = int(np.floor(max_sh_iter / (s + 1)) * eta ** s)
                ns = [max(int(n0 * eta ** (-k)), 1) for k in range(s + 1)]
                return SuccessiveHalving(HPB_iter=i, num_configs=ns, budgets=budgets[-s - 1:],
                                         config_sampler=generator.get_config, logger=log)

            while oracle.remaining > 0:
                run = next((r for r in (it.get_next_run() for it in iterations if not it.is_finished)
                            if r is not None), None)
                if run is None:  # every open bracket is done: start the next one
                    iterations.append(new_iteration(len(iterations)))
                    continue
                config_id, config, b = run
                ops = np.array([[OPS.index(str(config[f"op{e}"])) for e in range(6)]])
                row = int(bench.rows_of(ops)[0])
                acc = float(oracle.query([row], kind="search", fidelity=fidelity_of(b))[0])
                job = Job(config_id, config=config, budget=b, working_directory=".")
                job.result = {"loss": 100.0 - acc, "info": {"row": row}}
                iterations[config_id[0]].register_result(job)
                generator.new_result(job)
                bar.update(1)
    finally:
        np.random.set_state(state)
        log.removeHandler(counter)
        bar.close()
    import hpbandster

    return oracle.trace(trace_info(
        cfg, implementation=f"hpbandster {getattr(hpbandster, '__version__', '0.7.4')} BOHB (KDE config generator + "
                            "SuccessiveHalving), driven in-process",
        iterations=len(iterations), budgets=[float(b) for b in budgets], kde_warnings=counter.count,
        cost_assumption="train_time x epochs/200; promotions retrain from scratch"))
