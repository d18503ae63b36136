"""The one place where user-facing validation messages are made.

Every public entry point validates its arguments through these helpers so that a bad
value always produces the same kind of message: what was expected, what was received,
and (where it helps) how to fix it. ``TypeError`` is kept for wrong types and
``ValueError`` for wrong values, as in scikit-learn.
"""
from __future__ import annotations

import difflib
import numbers
from typing import Any, Iterable, Mapping, Optional, Sequence

import numpy as np


def _owner_name(owner: Any) -> str:
    if owner is None:
        return ""
    if isinstance(owner, str):
        return f" of {owner}"
    return f" of {type(owner).__name__}"


def check_param(
    name: str,
    value: Any,
    kind: type | tuple[type, ...],
    *,
    owner: Any = None,
    min_val: Optional[float] = None,
    max_val: Optional[float] = None,
    min_inclusive: bool = True,
    max_inclusive: bool = True,
    choices: Optional[Iterable[Any]] = None,
    allow_none: bool = False,
) -> Any:
    """Validate one scalar parameter and return it unchanged.

    ``kind`` may be ``int``, ``float``, ``bool``, ``str`` or a tuple of types. ``int``
    accepts numpy integers but never ``bool``; ``float`` accepts any real number.
    """
    where = f"The {name!r} parameter{_owner_name(owner)}"
    if value is None and allow_none:
        return value
    kinds = kind if isinstance(kind, tuple) else (kind,)

    def _matches(k: type) -> bool:
        if k is int:
            return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))
        if k is float:
            return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))
        if k is bool:
            return isinstance(value, (bool, np.bool_))
        return isinstance(value, k)

    if not any(_matches(k) for k in kinds):
        names = " or ".join(k.__name__ for k in kinds)
        raise TypeError(f"{where} must be of type {names}. Got {value!r} ({type(value).__name__}) instead.")
    if choices is not None:
        options = list(choices)
        if value not in options:
            close = closest(value, [str(o) for o in options]) if isinstance(value, str) else None
            hint = f" Did you mean {close!r}?" if close else ""
            raise ValueError(f"{where} must be one of {options}. Got {value!r} instead.{hint}")
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        if not np.isfinite(value):
            raise ValueError(f"{where} must be finite. Got {value!r} instead.")
        lo_ok = min_val is None or (value >= min_val if min_inclusive else value > min_val)
        hi_ok = max_val is None or (value <= max_val if max_inclusive else value < max_val)
        if not (lo_ok and hi_ok):
            lo = "(-inf" if min_val is None else ("[" if min_inclusive else "(") + f"{min_val}"
            hi = "inf)" if max_val is None else f"{max_val}" + ("]" if max_inclusive else ")")
            raise ValueError(f"{where} must be in the range {lo}, {hi}. Got {value!r} instead.")
    return value


def check_targets(y: Any, *, n_expected: int, owner: Any = None, name: str = "y") -> np.ndarray:
    """Return ``y`` as a finite float64 vector of length ``n_expected``."""
    where = f"{name}{_owner_name(owner)}"
    try:
        arr = np.array(y, dtype=np.float64)  # a private, writable copy
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{where} must be a sequence of numbers. Got {type(y).__name__}: {exc}") from None
    if arr.ndim != 1:
        raise ValueError(f"{where} must be one-dimensional (one target per architecture). Got shape {arr.shape}.")
    if arr.shape[0] != n_expected:
        raise ValueError(
            f"{where} has {arr.shape[0]} targets but {n_expected} architectures were given. "
            "Pass exactly one target per architecture."
        )
    bad = ~np.isfinite(arr)
    if bad.any():
        first = np.flatnonzero(bad)[:5].tolist()
        raise ValueError(
            f"{where} contains {int(bad.sum())} NaN or infinite values (first at positions {first}). "
            "Drop those architectures or fill in their accuracies before fitting."
        )
    return arr


def check_features(tensors: np.ndarray, *, owner: Any = None, name: str = "X") -> np.ndarray:
    """Return encoded feature tensors (n, C, P, P) unchanged; NaN or infinite entries raise.

    Architectures encoded by ``spaces`` are always finite; hand-made tensors may not be, and
    a network would then predict NaN without complaint.
    """
    # A float64 sum of float32 values cannot overflow, so it is finite exactly when every
    # entry is: one pass without a boolean array the size of the input.
    if np.isfinite(tensors.sum(dtype=np.float64)):
        return tensors
    rows = np.flatnonzero(~np.isfinite(tensors.reshape(len(tensors), -1)).all(axis=1))
    raise ValueError(
        f"{name}{_owner_name(owner)} has NaN or infinite features in {len(rows)} architectures (first at "
        f"positions {rows[:5].tolist()}). Drop those architectures, or pass them in their space's native "
        "form so that naslib_nar.spaces encodes them."
    )


def check_random_state(seed: Any) -> np.random.Generator:
    """Turn ``None``, an int or a Generator into a ``numpy.random.Generator``."""
    if seed is None or isinstance(seed, numbers.Integral):
        if seed is not None and (isinstance(seed, bool) or seed < 0):
            raise ValueError(f"random_state must be a non-negative int, a Generator or None. Got {seed!r}.")
        return np.random.default_rng(seed)
    if isinstance(seed, np.random.Generator):
        return seed
    raise TypeError(f"random_state must be None, an int or a numpy Generator. Got {type(seed).__name__}.")


class UnknownKeyError(ValueError):
    """A mapping of parameters has a key its owner does not know.

    ``path`` is the key's path from the mapping that was checked (a config layer above
    prefixes its own path and the file name); ``suggestion`` the closest valid name.
    """

    def __init__(self, key: str, valid: Sequence[str], owner: Any = None,
                 path: Sequence[str] = ()) -> None:
        self.key, self.valid, self.path = key, sorted(valid), tuple(path) + (key,)
        self.suggestion: Optional[str] = closest(key, self.valid)
        hint = f" Did you mean {self.suggestion!r}?" if self.suggestion else ""
        super().__init__(f"Unknown key {'.'.join(map(str, self.path))!r}{_owner_name(owner)}.{hint} "
                         f"Valid keys: {self.valid}.")


def check_keys(given: Any, valid: Iterable[str], *, owner: Any = None, path: Sequence[str] = ()) -> None:
    """Raise :class:`UnknownKeyError` for the first key of ``given`` not in ``valid``
    (naming the closest valid one), and ``TypeError`` when ``given`` is not a mapping."""
    if not isinstance(given, Mapping):
        where = ".".join(path) or "parameters"
        raise TypeError(f"{where}{_owner_name(owner)} must be a mapping of names to values. "
                        f"Got {given!r} ({type(given).__name__}) instead.")
    valid = list(valid)
    for key in given:
        if key not in valid:
            raise UnknownKeyError(key, valid, owner=owner, path=path)


def closest(name: Any, valid: Iterable[str]) -> Optional[str]:
    """The valid name closest to ``name`` (for 'did you mean' hints), or None."""
    close = difflib.get_close_matches(str(name), list(valid), n=1, cutoff=0.6)
    return close[0] if close else None
