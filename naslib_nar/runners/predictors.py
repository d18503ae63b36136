"""``python -m naslib_nar.runners.predictors --config-file FILE [key value ...]``: NASLib's
PredictorEvaluator for every predictor in ``predictors:`` ('nar', 'renas' and NASLib's own),
on the same architectures, printed as one table."""
from __future__ import annotations

import sys
from typing import Optional, Sequence

from . import run_main


def main(argv: Optional[Sequence[str]] = None) -> int:
    return run_main("run_predictors", argv)


if __name__ == "__main__":
    sys.exit(main())
