"""The adapter's function-local imports: only NASLib itself, or our modules that import NASLib
at module level, may be imported inside a function (so that ``import naslib_nar.naslib``
needs no NASLib), and each such line says why in a comment."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "naslib_nar"
MODULES = sorted([*(PACKAGE / "naslib").glob("*.py"), *(PACKAGE / "runners").glob("*.py")])
#: Our modules that import NASLib at module level (subclasses of NASLib's classes).
NASLIB_IMPORTING = {"optimizer", "predictor", "search_spaces"}


def _allowed(node: ast.AST) -> bool:
    """NASLib (absolute ``naslib...``) or one of our NASLIB_IMPORTING modules (relative or
    ``naslib_nar.naslib.<module>``)."""
    if isinstance(node, ast.Import):
        return all(alias.name.split(".")[0] == "naslib" for alias in node.names)
    module = (node.module or "").split(".")
    if node.level == 0 and module[0] == "naslib":
        return True
    if node.level == 0 and module[:2] != ["naslib_nar", "naslib"]:
        return False
    if node.module and module[-1] in NASLIB_IMPORTING:
        return True
    package = not node.module or module[-1] == "naslib"  # from . / from ..naslib / from naslib_nar.naslib
    return package and all(alias.name in NASLIB_IMPORTING for alias in node.names)


def _local_imports(path: Path):
    tree = ast.parse(path.read_text())
    for func in ast.walk(tree):
        if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(func):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    yield node


@pytest.mark.parametrize("path", MODULES, ids=[f"{p.parent.name}/{p.name}" for p in MODULES])
def test_function_local_imports_are_naslib_and_commented(path):
    lines = path.read_text().splitlines()
    for node in _local_imports(path):
        where = f"{path.name}:{node.lineno}: {lines[node.lineno - 1].strip()}"
        assert _allowed(node), f"only NASLib (or a module importing it) may be imported inside a function: {where}"
        assert "#" in lines[node.end_lineno - 1], f"say why this import is inside a function: {where}"
