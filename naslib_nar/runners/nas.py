"""``python -m naslib_nar.runners.nas --config-file FILE [key value ...]``: NASLib's search
runner (Trainer.search + evaluate) with ``nar_sampler`` beside rs, re, ls, bananas and npenas."""
from __future__ import annotations

import sys
from typing import Optional, Sequence

from . import run_main


def main(argv: Optional[Sequence[str]] = None) -> int:
    return run_main("run_nas", argv)


if __name__ == "__main__":
    sys.exit(main())
