"""naslib_nar: the Neural Architecture Ranker (NAR) for NASLib.

Importing the package is cheap on purpose: neither torch nor NASLib is imported here, so
``import naslib_nar`` works in a NASLib environment and in a plain numpy one alike. The
public classes live in their subpackages (``naslib_nar.spaces``, ``naslib_nar.ranker``,
``naslib_nar.search``, ``naslib_nar.benchmarks``); ``naslib_nar.naslib`` is the only
subpackage that touches NASLib.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
