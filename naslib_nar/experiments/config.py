"""Reading experiment YAML files with errors that name the file, the key and the fix."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Iterable, Mapping, Optional, Union

import yaml


def load_yaml_mapping(path: Union[str, Path]) -> Dict[str, Any]:
    """Parse ``path`` as a YAML mapping (an empty file is an empty mapping)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"Config file {str(path)!r} does not exist.")
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise ValueError(f"Config file {str(path)!r} is not valid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError(f"Config file {str(path)!r} must hold a mapping of keys to values; got a {type(data).__name__}.")
    return data


def check_keys(mapping: Mapping[str, Any], allowed: Iterable[str], where: str) -> None:
    """Reject unknown keys (typos would otherwise be silently ignored)."""
    allowed = sorted(set(allowed))
    unknown = sorted(set(mapping) - set(allowed))
    if unknown:
        raise ValueError(f"Unknown key(s) {unknown} in {where}. Valid keys: {allowed}.")


def merge_cli(config: Mapping[str, Any], cli: Mapping[str, Any], defaults: Mapping[str, Any]) -> Dict[str, Any]:
    """Precedence: explicit command-line values, then the config file, then defaults."""
    merged = dict(defaults)
    merged.update(config)
    merged.update({k: v for k, v in cli.items() if v is not None})
    return merged


def as_mapping(value: Optional[Any], where: str) -> Dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"{where} must be a mapping of parameter names to values; got {value!r}.")
    return dict(value)
