"""Reading benchmark files defensively: every problem becomes an error that names the file.

A truncated download or a file of the wrong version otherwise surfaces as a ``KeyError``
deep inside a loader or, worse, as silently wrong numbers. Each reader here checks what it
returns (columns, keys, dtypes, shapes) and raises ``ValueError`` that says which file,
what is wrong and how to get a good copy (``hint``).
"""
from __future__ import annotations

import csv
import pickle
import zipfile
import zlib
from pathlib import Path
from typing import Any, Dict, Optional, Sequence, Tuple

import numpy as np

__all__ = ["malformed", "read_csv_columns", "read_npz", "read_pickle"]


def malformed(path: Path, problem: str, hint: str) -> ValueError:
    """The one message shape for a file that exists but cannot be used."""
    return ValueError(f"Benchmark file {str(path)!r} is malformed: {problem}. {hint}")


def read_csv_columns(
    path: Path, numeric: Sequence[str], text: Sequence[str], n_rows: int, hint: str
) -> Dict[str, np.ndarray]:
    """Columns of a CSV with a header row: ``numeric`` as float64, ``text`` as str arrays."""
    try:
        with open(path, newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise malformed(path, f"it cannot be read as CSV ({exc})", hint) from None
    if not header:
        raise malformed(path, "it is empty (no header row)", hint)
    missing = [c for c in list(numeric) + list(text) if c not in header]
    if missing:
        raise malformed(path, f"it lacks the column(s) {missing}", hint)
    if len(rows) != n_rows:
        raise malformed(path, f"it has {len(rows)} data rows, expected {n_rows}", hint)
    short = [i for i, row in enumerate(rows) if len(row) != len(header)]
    if short:
        raise malformed(path, f"data row {short[0] + 1} has a different number of fields than the header", hint)
    position = {name: i for i, name in enumerate(header)}
    out: Dict[str, np.ndarray] = {}
    for name in numeric:
        values = [row[position[name]] for row in rows]
        try:
            out[name] = np.array(values, dtype=np.float64)
        except ValueError:
            bad = next(i for i, v in enumerate(values) if not _is_float(v))
            problem = f"column {name!r} holds {values[bad]!r} at data row {bad + 1}, not a number"
            raise malformed(path, problem, hint) from None
    for name in text:
        out[name] = np.array([row[position[name]] for row in rows])
    return out


def read_npz(
    path: Path, keys: Dict[str, Tuple[str, Optional[Tuple[Optional[int], ...]]]], hint: str
) -> Dict[str, np.ndarray]:
    """Arrays of an ``.npz`` file; ``keys`` maps name -> (numpy kind letters, shape or None).

    Kind letters are ``np.dtype.kind`` values (``'f'`` float, ``'iu'`` integers, ``'SU'``
    strings); ``None`` in a shape means any length there. Pickled object arrays are refused.
    """
    try:
        with np.load(path, allow_pickle=False) as archive:
            data = {k: archive[k] for k in keys if k in archive.files}
    except (OSError, EOFError, ValueError, zipfile.BadZipFile, zlib.error, KeyError) as exc:
        problem = f"it cannot be read as .npz, it may be truncated ({type(exc).__name__}: {exc})"
        raise malformed(path, problem, hint) from None
    absent = [k for k in keys if k not in data]
    if absent:
        raise malformed(path, f"it lacks the array(s) {absent}", hint)
    for name, (kinds, shape) in keys.items():
        arr = data[name]
        if arr.dtype.kind not in kinds:
            raise malformed(path, f"array {name!r} has dtype {arr.dtype}, expected kind {kinds!r}", hint)
        fits = shape is None or (arr.ndim == len(shape) and all(w is None or g == w for g, w in zip(arr.shape, shape)))
        if not fits:
            raise malformed(path, f"array {name!r} has shape {arr.shape}, expected {shape}", hint)
    return data


def read_pickle(path: Path, hint: str) -> Any:
    """Unpickle a benchmark file (only ever files the user pointed us to)."""
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError, TypeError, ValueError) as exc:
        problem = f"it cannot be unpickled, it may be truncated ({type(exc).__name__}: {exc})"
        raise malformed(path, problem, hint) from None


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
