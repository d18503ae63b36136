"""Atomic file writes: a crash never leaves a half-written result or checkpoint behind.

Every writer goes to a temporary file in the destination directory, flushes and fsyncs
it, then ``os.replace``s it over the target, which is atomic on POSIX and Windows.
:func:`writable_dir` checks an output folder before any work starts, so that a bad
``--out`` fails in one line instead of after the first result.
"""
from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Union

import numpy as np

PathLike = Union[str, "os.PathLike[str]"]


@contextmanager
def atomic_path(path: PathLike, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path next to ``path``; move it over ``path`` only on success."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix + ".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def writable_dir(path: PathLike, what: str) -> Path:
    """Create the folder ``path`` if needed and check that a file can be written in it.

    ``what`` names the folder in messages (e.g. ``'--out'``). The check writes and removes
    a probe file rather than asking ``os.access``, which says yes to root even on a
    read-only file system. Raises ValueError in one line, naming the fix.
    """
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"{what} {str(folder)!r} is an existing file, not a folder; pass a folder path "
                         "(it is created if missing).")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".write-check.", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise ValueError(f"{what} {str(folder)!r} cannot be written to ({exc.strerror or exc}); pass a folder "
                         "you can write to.") from None
    return folder


def atomic_write_bytes(path: PathLike, data: bytes) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def atomic_write_text(path: PathLike, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")


def atomic_write_json(path: PathLike, payload: Any) -> Path:
    """Write ``payload`` as indented JSON; numpy scalars/arrays and paths are converted."""
    return atomic_write_text(path, json.dumps(payload, indent=2, default=_json_default, allow_nan=True) + "\n")


def atomic_save_with(path: PathLike, save: Callable[[Path], None], suffix: str = "") -> Path:
    """Run ``save(tmp_path)`` (e.g. ``torch.save`` or ``fig.savefig``) and publish atomically."""
    with atomic_path(path, suffix=suffix) as tmp:
        save(tmp)
    return Path(path)
