import subprocess
import sys

from naslib_nar.cli import main


def test_import_is_light():
    """The torch-free layers (`naslib_nar`, spaces, benchmarks, search) import neither torch
    nor NASLib, and the CLI does not import NASLib."""
    code = (
        "import sys, naslib_nar, naslib_nar.spaces, naslib_nar.benchmarks.load, naslib_nar.search.runner; "
        "print('torch' in sys.modules, 'naslib' in sys.modules); "
        "import naslib_nar.cli; naslib_nar.cli.build_parser(); print('naslib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False", "False"]


def test_cli_reports_user_errors_without_traceback(capsys, tmp_path):
    code = main(["evaluate-predictor", "--config", str(tmp_path / "missing.yaml"), "--out", str(tmp_path)])
    assert code == 2
    assert "does not exist" in capsys.readouterr().err
