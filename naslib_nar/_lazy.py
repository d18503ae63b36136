"""PEP 562 lazy exports: a package lists where its public names live, and the modules
(and their heavy imports: torch, NASLib, hpbandster) load on first attribute access."""
from __future__ import annotations

import importlib
from typing import Any, Callable, Dict, List, Tuple


def lazy_exports(package: str, locations: Dict[str, str]) -> Tuple[Callable[[str], Any], Callable[[], List[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package`` given ``{name: ".module"}``."""

    def __getattr__(name: str) -> Any:
        if name in locations:
            return getattr(importlib.import_module(locations[name], package), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> List[str]:
        return sorted(set(importlib.import_module(package).__dict__) | set(locations))

    return __getattr__, __dir__
