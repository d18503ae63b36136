"""``python -m`` entry points mirroring NASLib's runners (the work is in :mod:`naslib_nar.naslib.runners`).

* ``python -m naslib_nar.runners.nas --config-file configs/naslib/nb201_cifar10_nar_sampler.yaml``
* ``python -m naslib_nar.runners.predictors --config-file configs/naslib/nb201_predictors.yaml``
* ``python -m naslib_nar.runners.nas_table --config-file configs/naslib/nb201_nas_table.yaml --out DIR``

The first two take NASLib's command line (``--config-file`` then ``key value`` overrides such
as ``search.epochs 50``); the table takes ``--optimizers``, ``--datasets``, ``--seeds`` and
``--out``. All need NASLib installed.
"""
from __future__ import annotations

import importlib.util
import sys
from typing import Optional, Sequence

from ..naslib import runners

__all__ = ["run_main"]


def run_main(runner: str, argv: Optional[Sequence[str]] = None) -> int:
    """Run ``naslib_nar.naslib.runners.<runner>`` on ``argv`` (default: this process's
    arguments); user errors print one line and return 2."""
    if importlib.util.find_spec("naslib") is None:
        print("This runner needs NASLib: install it as NASLib documents (git clone https://github.com/automl/NASLib, "
              "then pip install -e . inside it; Python 3.7-3.9).", file=sys.stderr)
        return 2
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        getattr(runners, runner)(args)
    except (ValueError, TypeError, FileNotFoundError, KeyError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"{runner}: error: {message}", file=sys.stderr)
        return 2
    return 0
