"""The package's shape: layers point one way (import-linter's contracts in setup.cfg)."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept():
    lint = Path(sys.executable).parent / "lint-imports"
    assert lint.is_file(), "import-linter is missing: pip install -e '.[test]'"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([str(lint), "--config", str(ROOT / "setup.cfg")], cwd=ROOT, capture_output=True,
                          text=True, env=env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


#: Modules whose import pulls in NASLib: the adapter imports them inside functions so that
#: its NASLib-free parts (conversions, configs) load, and are tested, without NASLib.
NASLIB_DEPENDENT = {"naslib_nar.naslib.optimizer", "naslib_nar.naslib.predictor", "naslib_nar.naslib.search_spaces"}


def _absolute(module: str, level: int, package: str) -> str:
    if level == 0:
        return module
    parts = package.split(".")
    base = parts[: len(parts) - level + 1]
    return ".".join(base + ([module] if module else []))


def test_no_package_import_hides_inside_a_function():
    """Imports inside functions would hide layer violations and cycles from the contracts;
    only the NASLib-dependent adapter modules are imported that way."""
    offenders = []
    for path in sorted((ROOT / "naslib_nar").rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        package = ".".join(rel.parts[:-1] if rel.name != "__init__" else rel.parts[:-1])
        tree = ast.parse(path.read_text())
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.ImportFrom):
                    target = _absolute(node.module or "", node.level, package)
                    # `from pkg import module` names a module; `from module import name` does not
                    names = [(target, f"{target}.{alias.name}") for alias in node.names]
                elif isinstance(node, ast.Import):
                    names = [(alias.name, alias.name) for alias in node.names]
                else:
                    continue
                for target, full in names:
                    if target.startswith("naslib_nar") and not any(
                            n == m or n.startswith(m + ".") for n in (target, full) for m in NASLIB_DEPENDENT):
                        offenders.append(f"{rel}:{node.lineno} imports {full}")
    assert not offenders, "\n".join(offenders)
