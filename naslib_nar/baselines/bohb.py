"""BOHB (Falkner et al., 2018) on NAS-Bench-201 through the authors' own implementation,
``hpbandster`` (the optional ``bohb`` extra: ``pip install naslib-nar[bohb]``).

Why hpbandster (see the project's library trial): it is BOHB as published (a pair of
KDEs per budget, top 15% vs the rest, a third of the configurations random, synchronous
Hyperband), pure Python and deterministic given a seed, on Python 3.9 and 3.11. The
maintained alternatives are other algorithms (SMAC3's multi-fidelity facade uses a
random forest, DEHB differential evolution, syne-tune's BOHB is asynchronous and mixes
fidelities in one KDE). hpbandster itself is frozen since 2018, hence the pinned extra.

We drive its algorithm objects in-process (its KDE config generator and
``SuccessiveHalving`` iterations, brackets as in ``hpbandster.optimizers.BOHB``) through
ask/tell instead of its Pyro4 master/worker layer: each ``ask`` is the next (config,
budget) of the open brackets (a new bracket when all are done), each ``tell`` registers
its result with the bracket and the KDEs, as one synchronous worker would. A table
look-up needs no name server or sockets, and the (config, budget) sequence is the same.

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

import contextlib
import logging
import warnings
from typing import Any, Dict, Iterator, Optional

import numpy as np

from .._validation import check_param
from ..search.oracle import FIDELITY_METRICS
from ..search.searcher import Ask, SearchContext, Searcher
from ..spaces.nb201 import OPS
from .random_search import get_params, trace_info

MIN_EPOCHS, MAX_EPOCHS = 12, 200
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


class BOHBSearcher(Searcher):
    """BOHB on NB201 with labels of either fidelity, every one charged.

    hpbandster's KDE sampling and random fraction draw from numpy's global RNG: the
    searcher keeps that stream as its own state (seeded with the run's seed) and swaps it
    in only around hpbandster's calls, so the global RNG is left as it was and other code
    never shares the stream. The configuration space's sampler is seeded with the seed too.

    Parameters
    ----------
    eta : float
        Halving rate; 200/12 (default) makes hpbandster's budgets exactly {12, 200}.
    top_n_percent, num_samples, random_fraction, bandwidth_factor, min_bandwidth,
    min_points_in_model
        hpbandster's BOHB settings: 15, 64, 1/3, 3, 1e-3 and None (= 7).
    """

    name = "bohb"
    rng_stream = 0  # unused: hpbandster draws from the global RNG, seeded with the seed (see above)

    def __init__(self, eta: float = MAX_EPOCHS / MIN_EPOCHS, top_n_percent: int = 15, num_samples: int = 64,
                 random_fraction: float = 1 / 3, bandwidth_factor: float = 3.0, min_bandwidth: float = 1e-3,
                 min_points_in_model: Optional[int] = None) -> None:
        owner = f"search method {self.name!r}"
        check_param("eta", eta, float, owner=owner, min_val=1.0, min_inclusive=False)
        check_param("top_n_percent", top_n_percent, int, owner=owner, min_val=1, max_val=99)
        check_param("num_samples", num_samples, int, owner=owner, min_val=1)
        check_param("random_fraction", random_fraction, float, owner=owner, min_val=0.0, max_val=1.0)
        check_param("bandwidth_factor", bandwidth_factor, float, owner=owner, min_val=0.0, min_inclusive=False)
        check_param("min_bandwidth", min_bandwidth, float, owner=owner, min_val=0.0)
        check_param("min_points_in_model", min_points_in_model, int, owner=owner, min_val=7, allow_none=True)
        self.eta, self.top_n_percent, self.num_samples = float(eta), top_n_percent, num_samples
        self.random_fraction, self.bandwidth_factor = random_fraction, bandwidth_factor
        self.min_bandwidth, self.min_points_in_model = min_bandwidth, min_points_in_model

    def start(self, context: SearchContext) -> None:
        super().start(context)
        bench = context.bench
        check_available(bench.space)
        if FIDELITY_METRICS["nb201"][MIN_EPOCHS] not in bench.metric_names:
            raise ValueError(f"BOHB needs the 12-epoch results ('val_acc_12ep'), which this benchmark "
                             f"({bench.source}) lacks; load NB201 from the shared table (source='shared') or "
                             "NASLib's files.")
        # optional dependencies (the bohb extra), checked above
        import ConfigSpace as CS
        from hpbandster.optimizers.config_generators.bohb import BOHB as KDEConfigGenerator

        self._max_sh_iter = -int(np.log(MIN_EPOCHS / MAX_EPOCHS) / np.log(self.eta)) + 1
        self._budgets = MAX_EPOCHS * np.power(self.eta, -np.linspace(self._max_sh_iter - 1, 0, self._max_sh_iter))
        self._log = logging.getLogger(f"{__name__}.hpbandster")
        self._log.propagate = False
        self._warnings = _CountWarnings()
        self._iterations: list = []
        self._pending: Any = None  # the (config_id, config, budget) asked for
        self._rng_state = None
        with self._hpbandster(seed=context.seed):
            space = CS.ConfigurationSpace(seed=context.seed)
            for e in range(6):
                space.add(CS.CategoricalHyperparameter(f"op{e}", list(OPS)))
            self._generator = KDEConfigGenerator(
                configspace=space, min_points_in_model=self.min_points_in_model, top_n_percent=self.top_n_percent,
                num_samples=self.num_samples, random_fraction=self.random_fraction,
                bandwidth_factor=self.bandwidth_factor, min_bandwidth=self.min_bandwidth, logger=self._log)

    @contextlib.contextmanager
    def _hpbandster(self, seed: Optional[int] = None) -> Iterator[None]:
        """Around hpbandster's calls: our global-RNG stream swapped in (seeded on first use),
        its warnings counted, and the deprecation and numeric warnings of its dependencies
        silenced (ConfigSpace, statsmodels, and the divide-by-zero of a KDE on degenerate
        data, after which hpbandster samples at random; counted)."""
        state = np.random.get_state()
        self._log.addHandler(self._warnings)
        try:
            with warnings.catch_warnings():
                for category in (DeprecationWarning, FutureWarning, RuntimeWarning):
                    warnings.simplefilter("ignore", category)
                if seed is not None:
                    np.random.seed(seed)
                else:
                    np.random.set_state(self._rng_state)
                yield
                self._rng_state = np.random.get_state()
        finally:
            np.random.set_state(state)
            self._log.removeHandler(self._warnings)

    def _new_iteration(self, i: int) -> Any:
        """Bracket ``i`` (hpbandster.optimizers.BOHB.get_next_iteration)."""
        from hpbandster.optimizers.iterations import SuccessiveHalving  # optional dependency, checked in start

        s = self._max_sh_iter - 1 - (i % self._max_sh_iter)
        n0 = int(np.floor(self._max_sh_iter / (s + 1)) * self.eta ** s)
        ns = [max(int(n0 * self.eta ** (-k)), 1) for k in range(s + 1)]
        return SuccessiveHalving(HPB_iter=i, num_configs=ns, budgets=self._budgets[-s - 1:],
                                 config_sampler=self._generator.get_config, logger=self._log)

    def ask(self, n: int) -> Ask:
        with self._hpbandster():
            while True:
                run = next((r for r in (it.get_next_run() for it in self._iterations if not it.is_finished)
                            if r is not None), None)
                if run is not None:
                    break
                self._iterations.append(self._new_iteration(len(self._iterations)))  # every bracket done: next
        self._pending = run
        config, budget = run[1], run[2]
        ops = np.array([[OPS.index(str(config[f"op{e}"])) for e in range(6)]])
        row = int(self.context.bench.rows_of(ops)[0])
        # the nearest tabulated fidelity: 12 epochs, or None (the full 200)
        fidelity = None if abs(budget - MAX_EPOCHS) <= abs(budget - MIN_EPOCHS) else MIN_EPOCHS
        return Ask(np.array([row]), fidelity=fidelity)

    def tell(self, ask: Ask, values: np.ndarray) -> None:
        from hpbandster.core.dispatcher import Job  # optional dependency, checked in start

        config_id, config, budget = self._pending
        job = Job(config_id, config=config, budget=budget, working_directory=".")
        job.result = {"loss": 100.0 - float(values[0]), "info": {"row": int(ask.rows[0])}}
        with self._hpbandster():
            self._iterations[config_id[0]].register_result(job)
            self._generator.new_result(job)

    def info(self) -> Dict[str, Any]:
        import hpbandster  # optional dependency, checked in start

        version = getattr(hpbandster, "__version__", "0.7.4")
        return trace_info(
            get_params(self),
            implementation=f"hpbandster {version} BOHB (KDE config generator + SuccessiveHalving), driven in-process",
            iterations=len(self._iterations), budgets=[float(b) for b in self._budgets],
            kde_warnings=self._warnings.count,
            cost_assumption="train_time x epochs/200; promotions retrain from scratch")
