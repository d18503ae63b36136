"""Saving and loading fitted estimators: atomic writes, a format name and version, and
clear errors for missing, damaged, foreign or incompatible files.

Checkpoints are plain dicts of tensors and Python primitives, read back with
``torch.load(weights_only=True)`` (no code is unpickled).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Union


def save_checkpoint(path: Union[str, Path], *, fmt: str, version: int, payload: Dict[str, Any]) -> Path:
    """Write ``payload`` with its format name and version, atomically."""
    import torch

    from ._io import atomic_save_with

    record = {"format": fmt, "version": version, **payload}
    return atomic_save_with(path, lambda tmp: torch.save(record, tmp))


def load_checkpoint(path: Union[str, Path], *, fmt: str, version: int, what: str) -> Dict[str, Any]:
    """Read a checkpoint written by :func:`save_checkpoint` for ``fmt`` / ``version``.

    ``what`` names the model in messages (e.g. "NAR model").
    """
    import torch

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No saved {what} at {str(path)!r}.")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises many types for a damaged file
        raise ValueError(f"{str(path)!r} is not a readable {what} file (corrupt or truncated?): {exc}") from None
    if not isinstance(payload, dict) or payload.get("format") != fmt:
        raise ValueError(f"{str(path)!r} is not a naslib_nar {fmt.rsplit('.', 1)[-1]} file.")
    if payload.get("version") != version:
        raise ValueError(
            f"{str(path)!r} was written in model format version {payload.get('version')}; this naslib_nar reads "
            f"version {version}. Re-fit the model or use the naslib_nar release that wrote it."
        )
    return payload
