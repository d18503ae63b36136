"""``python -m naslib_nar.runners.nas_table --config-file FILE --out DIR [--optimizers ...]
[--datasets ...] [--seeds ...]``: every optimizer on every dataset and seed through the nas
runner (one process per run, finished runs kept), then DIR/nas_table.{json,md}."""
from __future__ import annotations

import sys
from typing import Optional, Sequence

from . import run_main


def main(argv: Optional[Sequence[str]] = None) -> int:
    return run_main("run_nas_table", argv)


if __name__ == "__main__":
    sys.exit(main())
