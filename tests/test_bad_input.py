"""Bad input, faults and interruptions: every case ends in one line that names the problem.

The corpus (``CASES``) runs the command line in this process (``naslib_nar.cli.main``)
and asserts, for each case, exit status 2, exactly one line on stderr holding the words
that name what was wrong and how to fix it, and no traceback. The cases after it have
another documented outcome (a warning and a result, a refit, a library error) and say
so. Ctrl-C and kill -9 run the command in a subprocess (signals). Tiny plans throughout:
random search and evolution on the packaged NB201 table, the tiny NAR preset.
"""
from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, List, NamedTuple, Optional, Sequence

import numpy as np
import pytest
import torch

from naslib_nar.benchmarks.base import TabularBenchmark
from naslib_nar.cli import main
from naslib_nar.experiments import search_cmd, tasks
from naslib_nar.ranker import NeuralArchitectureRanker
from naslib_nar.spaces.nb201 import NB201Space

REPO = Path(__file__).resolve().parents[1]

#: Small config files, written into each case's folder; ``{t}`` is that folder.
FILES = {
    "rs.yaml": "method: random_search\nbudget: 10\nseeds: [0]\nsource: packaged\nmax_workers: 1\n",
    "cmp.yaml": "seeds: [0]\nsource: packaged\nmax_workers: 1\nbudget_regime: {methods: [random_search], "
                "budgets: [10]}\n",
    "ep.yaml": "source: packaged\nseeds: [0]\ntrain_size: 50\nval_size: 0\npredictor_params: {preset: tiny, "
               "epochs: 1}\n",
    "epoch_typo.yaml": "method: nar\nbudget: 100\nsource: packaged\nparams: {predictor: {epoch: 3}}\n",
    "epochs0.yaml": "method: nar\nbudget: 100\nsource: packaged\nparams: {predictor: {epochs: 0}}\n",
    "train_big.yaml": "method: nar_paper\nsource: packaged\nseeds: [0]\nparams: {train_size: 20000}\n",
    "init_big.yaml": "method: nar\nbudget: 20000\nsource: packaged\nseeds: [0]\nparams: {n_init: 16000}\n",
    "cmp_typo.yaml": "seeds: [0]\nsource: packaged\npredictor_table: {predictors: [nar], train_sizes: [20], "
                     "params: {nar: {epoch: 2}}}\n",
    "cmp_epochs0.yaml": "seeds: [0]\nsource: packaged\npaper_regime: {methods: [nar_paper], params: {nar_paper: "
                        "{predictor: {epochs: 0}}}}\n",
    "cmp_train_big.yaml": "seeds: [0]\nsource: packaged\npaper_regime: {methods: [nar_paper], params: "
                          "{nar_paper: {train_size: 16000}}}\n",
    "cmp_table_big.yaml": "seeds: [0]\nsource: packaged\npredictor_table: {predictors: [nar], "
                          "train_sizes: [16000]}\n",
    "cmp_test2.yaml": "seeds: [0]\nsource: packaged\npredictor_table: {predictors: [renas], train_sizes: [20], "
                      "test_size: 2}\n",
    "ep_typo.yaml": "source: packaged\npredictor_params: {epoch: 3}\n",
    "ep_epochs0.yaml": "source: packaged\npredictor_params: {epochs: 0}\n",
    "seeds3.yaml": "seeds: 3\n",
    "datadir5.yaml": "data_dir: 5\n",
    "seedbig.yaml": "seeds: [4294967296]\n",
    "seeddup.yaml": "seeds: [1, 1]\n",
    "workers_str.yaml": "max_workers: '2'\n",
    "cmp_seeds3.yaml": "seeds: 3\nbudget_regime: {methods: [random_search], budgets: [10]}\n",
    "broken.yaml": "method: [random_search\n",
    "list.yaml": "- 1\n- 2\n",
    "cmp/compare_config.json": "{truncated",
    "cmp_key/compare_config.json": json.dumps({"space": "nb201", "seedz": [0], "budget_regime": {
        "methods": ["random_search"], "budgets": [10]}}),
    "cmp_list/compare_config.json": "[1, 2]",
    "cmp_status/compare_config.json": json.dumps({"source": "packaged", "budget_regime": {
        "methods": ["random_search"], "budgets": [10]}}),
    "cmp_status/status.json": "{not json",
    "afile": "just a file\n",
}


def _write_files(folder: Path) -> None:
    for name, text in FILES.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (folder / "bin.yaml").write_bytes(b"\xff\xfe\x00\x81 binary \x00")
    (folder / "dir.yaml").mkdir()
    (folder / "empty").mkdir()


def _deny_write(target: str) -> Callable[[pytest.MonkeyPatch, Path], None]:
    """Make the folder ``target`` unwritable: the tests run as root, whom permissions do not
    stop, so the write probe (``tempfile.mkstemp`` in that folder) is refused instead."""
    def patch(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
        real = tempfile.mkstemp
        denied = folder / target

        def mkstemp(*args, **kwargs):
            if Path(kwargs.get("dir", "")) == denied:
                raise PermissionError(13, "Permission denied", str(denied))
            return real(*args, **kwargs)

        (denied).mkdir(parents=True, exist_ok=True)
        monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    return patch


def _deny_read(target: str) -> Callable[[pytest.MonkeyPatch, Path], None]:
    """Make the file ``target`` unreadable (root reads a chmod 000 file, so reading it fails instead)."""
    def patch(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
        real = Path.read_bytes
        denied = folder / target

        def read_bytes(self):
            if self == denied:
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
    return patch


class Case(NamedTuple):
    name: str
    argv: str
    expect: Sequence[str]
    patch: Optional[Callable[[pytest.MonkeyPatch, Path], None]] = None


S, C, E = "search --config {t}/rs.yaml", "compare --config {t}/cmp.yaml", "evaluate-predictor --config {t}/ep.yaml"
P = "evaluate-predictor --protocol field --source packaged --predictor renas --seeds 0"
NOT_A_FOLDER = ("is an existing file, not a folder", "pass a folder path")
UNWRITABLE = ("cannot be written to", "pass a folder you can write to")
CHECKED = ("checked before any run started; nothing ran",)

CASES: List[Case] = [
    # ---- output and cache paths
    Case("search-out-is-a-file", S + " --out {t}/afile", ("--out", *NOT_A_FOLDER)),
    Case("search-out-under-a-file", S + " --out {t}/afile/sub", ("--out", "Not a directory", *UNWRITABLE)),
    Case("search-out-read-only", S + " --out {t}/ro", ("--out", "Permission denied", *UNWRITABLE), _deny_write("ro")),
    Case("search-cache-is-a-file", S + " --out {t}/o --ranker-cache {t}/afile", ("--ranker-cache", *NOT_A_FOLDER)),
    Case("search-cache-under-a-file", S + " --out {t}/o --ranker-cache {t}/afile/c", ("--ranker-cache", *UNWRITABLE)),
    Case("search-cache-read-only", S + " --out {t}/o --ranker-cache {t}/ro", ("--ranker-cache", *UNWRITABLE),
         _deny_write("ro")),
    Case("compare-out-is-a-file", C + " --out {t}/afile", ("--out", *NOT_A_FOLDER)),
    Case("compare-out-under-a-file", C + " --out {t}/afile/sub", ("--out", *UNWRITABLE)),
    Case("compare-out-read-only", C + " --out {t}/ro", ("--out", "Permission denied", *UNWRITABLE),
         _deny_write("ro")),
    Case("compare-cache-is-a-file", C + " --out {t}/o --ranker-cache {t}/afile", ("--ranker-cache", *NOT_A_FOLDER)),
    Case("compare-cache-read-only", C + " --out {t}/o --ranker-cache {t}/ro", ("--ranker-cache", *UNWRITABLE),
         _deny_write("ro")),
    Case("evaluate-out-is-a-file", E + " --out {t}/afile", ("--out", *NOT_A_FOLDER)),
    Case("evaluate-out-under-a-file", E + " --out {t}/afile/sub", ("--out", *UNWRITABLE)),
    Case("evaluate-out-read-only", E + " --out {t}/ro", ("--out", *UNWRITABLE), _deny_write("ro")),
    # ---- config files
    Case("config-unreadable", "search --config {t}/rs.yaml --out {t}/o",
         ("rs.yaml: cannot be read (Permission denied)", "check that you may read it"), _deny_read("rs.yaml")),
    Case("config-is-a-folder", "search --config {t}/dir.yaml --out {t}/o",
         ("dir.yaml: is a folder, not a config file", "pass the path of the file")),
    Case("config-binary", "search --config {t}/bin.yaml --out {t}/o",
         ("bin.yaml: not a text file (byte 0 is not UTF-8)", "YAML")),
    Case("compare-config-binary", "compare --config {t}/bin.yaml --out {t}/o", ("not a text file",)),
    Case("evaluate-config-is-a-folder", "evaluate-predictor --config {t}/dir.yaml --out {t}/o", ("is a folder",)),
    Case("config-missing", "search --config {t}/nope.yaml --out {t}/o", ("nope.yaml' does not exist",)),
    Case("config-bad-yaml", "search --config {t}/broken.yaml --out {t}/o", ("broken.yaml: not valid YAML",)),
    Case("config-not-a-mapping", "search --config {t}/list.yaml --out {t}/o", ("must hold a mapping", "got a list")),
    # ---- --report-only with nothing stored
    Case("search-report-never-used", S + " --out {t}/never --report-only",
         ("does not exist: nothing is stored there", "without --report-only first")),
    Case("search-report-empty", S + " --out {t}/empty --report-only",
         ("no run of this config is stored", "without --report-only first")),
    Case("search-report-out-is-a-file", S + " --out {t}/afile --report-only", ("is a file, not an output folder",)),
    Case("compare-report-never-used", "compare --out {t}/never --report-only", ("does not exist",
                                                                               "without --report-only first")),
    Case("compare-report-empty", C + " --out {t}/empty --report-only", ("no run of this comparison is stored",)),
    # ---- what a worker would reject, checked before any worker starts
    Case("search-predictor-typo", "search --config {t}/epoch_typo.yaml --out {t}/o",
         ("params.predictor.epoch: unknown key", "did you mean 'epochs'?")),
    Case("search-epochs-0", "search --config {t}/epochs0.yaml --out {t}/o",
         ("'epochs' parameter", "must be in the range [1, inf)", "Got 0")),
    Case("search-train-size-above-space", "search --config {t}/train_big.yaml --out {t}/o",
         ("Asked for 20256 distinct labelled architectures but only 15625", *CHECKED)),
    Case("search-n-init-above-space", "search --config {t}/init_big.yaml --out {t}/o",
         ("n_init = 16000 exceeds the budget of 15625", "lower n_init", *CHECKED)),
    Case("compare-predictor-typo", "compare --config {t}/cmp_typo.yaml --out {t}/o",
         ("predictor_table.params.nar.epoch: unknown key", "did you mean 'epochs'?")),
    Case("compare-epochs-0", "compare --config {t}/cmp_epochs0.yaml --out {t}/o",
         ("paper_regime.params.nar_paper", "'epochs' parameter")),
    Case("compare-train-size-above-space", "compare --config {t}/cmp_train_big.yaml --out {t}/o",
         ("paper nar_paper cifar10", "only 15625 can be queried", *CHECKED)),
    Case("compare-table-size-above-space", "compare --config {t}/cmp_table_big.yaml --out {t}/o",
         ("predictor nar cifar10 n=16000", "Lower train_size/val_size", *CHECKED)),
    Case("evaluate-predictor-typo", "evaluate-predictor --config {t}/ep_typo.yaml --out {t}/o",
         ("predictor_params.epoch: unknown key", "did you mean 'epochs'?")),
    Case("evaluate-epochs-0", "evaluate-predictor --config {t}/ep_epochs0.yaml --out {t}/o", ("'epochs' parameter",)),
    Case("evaluate-train-size-above-space", E + " --train-size 20000 --out {t}/o",
         ("train_size + val_size = 20000 leaves fewer than 10", "Lower train_size/val_size", *CHECKED)),
    # ---- a stored comparison that is damaged
    Case("stored-config-corrupt", "compare --out {t}/cmp --report-only",
         ("compare_config.json: not valid JSON", "pass the comparison's --config")),
    Case("stored-config-unknown-key", "compare --out {t}/cmp_key --report-only",
         ("seedz: unknown key; did you mean 'seeds'?", "pass the comparison's --config")),
    Case("stored-config-not-an-object", "compare --out {t}/cmp_list --report-only",
         ("must hold a JSON object; got a list",)),
    Case("stored-status-corrupt", "compare --out {t}/cmp_status --report-only",
         ("status.json: not valid JSON", "delete it")),
    # ---- config values of the wrong type
    Case("seeds-not-a-list", "search --config {t}/seeds3.yaml --out {t}/o", ("seeds: must be a list", "got 3")),
    Case("compare-seeds-not-a-list", "compare --config {t}/cmp_seeds3.yaml --out {t}/o", ("seeds: must be a list",)),
    Case("data-dir-a-number", "search --config {t}/datadir5.yaml --out {t}/o", ("data_dir: must be a string",)),
    Case("seed-above-2**32", "search --config {t}/seedbig.yaml --out {t}/o",
         ("seeds.0: must be less than or equal to 4294967295",)),
    Case("cli-seed-above-2**32", "search --method random_search --budget 5 --seeds 99999999999 --out {t}/o",
         ("command line: seeds.0: must be less than or equal to 4294967295",)),
    Case("seeds-repeated", "search --config {t}/seeddup.yaml --out {t}/o", ("seeds: values must be distinct", "[1]")),
    Case("cli-seeds-repeated", "search --method random_search --budget 5 --seeds 1 1 --out {t}/o",
         ("seeds: values must be distinct",)),
    Case("max-workers-a-string", "search --config {t}/workers_str.yaml --out {t}/o",
         ("max_workers: must be an integer", "got '2'")),
    Case("cli-max-workers-0", S + " --max-workers 0 --out {t}/o", ("max_workers: must be greater than or equal to 1",)),
    # ---- too few architectures to rank
    Case("evaluate-test-size-2", E + " --test-size 2 --out {t}/o",
         ("too few architectures to rank (test_size = 2)", "use test_size >= 10")),
    Case("compare-test-size-2", "compare --config {t}/cmp_test2.yaml --out {t}/o",
         ("predictor_table.test_size: too few architectures to rank",)),
    Case("evaluate-leaves-under-10", E + " --train-size 15620 --out {t}/o", ("leaves fewer than 10", *CHECKED)),
    # ---- evaluate-predictor --protocol
    Case("protocol-unknown", "evaluate-predictor --protocol fild --out {t}/o",
         ("command line: protocol: unknown protocol 'fild'", "did you mean 'field'?")),
    Case("protocol-n-above-space", P + " --datasets cifar10 --train-sizes 20000 --out {t}/o",
         ("train size 20000 is above the 15625 labelled nb201 architectures", *CHECKED)),
    Case("protocol-unknown-dataset", P + " --datasets cifar10 cifar1000 --out {t}/o",
         ("datasets.1: unknown dataset 'cifar1000'", "did you mean 'cifar100'?")),
    Case("protocol-transfer-nb101", "evaluate-predictor --protocol field --space nb101 --train-dataset cifar10 --out "
         "{t}/o", ("train_dataset: transfer between datasets is for nb201 only",)),
    Case("protocol-transfer-unknown-dataset", P + " --train-dataset cifar1 --out {t}/o",
         ("train_dataset: unknown dataset 'cifar1'", "did you mean 'cifar10'?")),
    Case("protocol-transfer-to-itself", P + " --datasets cifar10 --train-dataset cifar10 --out {t}/o",
         ("train_dataset: nothing to transfer to", "--datasets")),
    Case("protocol-with-val-size", P + " --val-size 10 --out {t}/o",
         ("val_size: a protocol trains without a validation split", "remove val_size")),
    Case("train-sizes-without-protocol", E + " --train-sizes 78 --out {t}/o", ("train_sizes: only with a protocol",)),
]


def _argv(template: str, folder: Path) -> List[str]:
    return template.format(t=folder).split()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_one_line_and_exit_status_2(case, tmp_path, monkeypatch, capsys):
    _write_files(tmp_path)
    if case.patch is not None:
        case.patch(monkeypatch, tmp_path)
    code = main(_argv(case.argv, tmp_path))
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert code == 2, (out, err)
    assert len(lines) == 1 and lines[0].startswith(f"naslib-nar {case.argv.split()[0]}: error: "), err
    for words in case.expect:
        assert words in lines[0], (words, lines[0])
    assert "Traceback" not in out + err
    assert not list(tmp_path.glob("o/runs/**/*.json"))  # nothing ran


def test_the_corpus_covers_every_class_with_at_least_40_cases():
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)


def test_an_unexpected_exception_keeps_its_traceback(tmp_path, monkeypatch):
    """A bug is not a user error: main does not turn it into a line."""
    def broken(args):
        raise RuntimeError("a bug")

    monkeypatch.setattr(search_cmd, "run", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        main(["search", "--method", "random_search", "--budget", "5", "--out", str(tmp_path)])


# ---------------------------------------------------------------------- documented outcomes
def _one_line_warnings(err: str) -> List[str]:
    return [line for line in err.splitlines() if line.startswith("warning: ")]


def test_a_budget_above_the_space_is_clipped_and_said_once_in_one_line(tmp_path, capsys):
    code = main(["search", "--method", "random_search", "--budget", "20000", "--seeds", "0", "1", "--source",
                 "packaged", "--max-workers", "1", "--out", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == 0 and "Traceback" not in out + err
    assert err.strip().splitlines() == _one_line_warnings(err)
    (line,) = _one_line_warnings(err)
    assert "a budget of 20000 labels exceeds the 15625 architectures" in line and "stops after 15625" in line
    stored = json.loads((tmp_path / "search.json").read_text())
    assert stored["queries"]["per_seed"] == [15625, 15625]


def test_nar_with_a_budget_above_the_space_says_so_before_any_run(tmp_path, monkeypatch, capsys):
    """The clipping is announced by the check before any worker; here the first run is then
    interrupted, so nothing long runs: one warning line, then the interruption's line."""
    def interrupted(task):
        raise KeyboardInterrupt

    monkeypatch.setitem(tasks._KINDS, tasks.SEARCH, interrupted)
    code = main(["search", "--method", "nar", "--budget", "20000", "--seeds", "0", "--source", "packaged",
                 "--out", str(tmp_path)])
    out, err = capsys.readouterr()
    warning, stop = err.strip().splitlines()
    assert code == 130 and "Traceback" not in out + err
    assert warning.startswith("warning: search method 'nar': a budget of 20000 labels exceeds the 15625")
    assert stop.startswith("naslib-nar search: interrupted; 0 of the 1 run(s) are stored") and "to resume" in stop


def test_a_damaged_record_is_left_out_of_a_report_with_a_warning(tmp_path, capsys):
    argv = ["search", "--method", "random_search", "--budget", "10", "--seeds", "0", "1", "--source", "packaged",
            "--max-workers", "1", "--out", str(tmp_path)]
    assert main(argv) == 0
    (tmp_path / "runs" / "random_search" / "cifar10" / "seed1.json").write_text("{trunc")
    capsys.readouterr()
    assert main(argv + ["--report-only"]) == 0
    out, err = capsys.readouterr()
    (line,) = err.strip().splitlines()
    assert line.startswith("warning: runs/random_search/cifar10/seed1.json: not a readable JSON record")
    assert "left out of the report" in line and "Traceback" not in out + err
    assert json.loads((tmp_path / "search.json").read_text())["missing_seeds"] == 1


def test_a_corrupt_fitted_ranker_in_the_cache_is_a_miss_with_a_warning_then_refit(tmp_path, capsys):
    cache = tmp_path / "cache"
    argv = ["search", "--method", "nar", "--budget", "20", "--seeds", "0", "--source", "packaged",
            "--ranker-cache", str(cache)]
    config = tmp_path / "nar.yaml"
    config.write_text("params: {predictor: {preset: tiny, epochs: 2}, n_init: 10, refit_every: 5}\n")
    assert main(argv + ["--config", str(config), "--out", str(tmp_path / "first")]) == 0
    (fitted,) = sorted(cache.glob("*.pt"))
    fitted.write_bytes(fitted.read_bytes()[:300])  # truncated, as by a crash or a full disk
    capsys.readouterr()
    assert main(argv + ["--config", str(config), "--out", str(tmp_path / "second")]) == 0
    out, err = capsys.readouterr()
    (line,) = err.strip().splitlines()
    assert line.startswith("warning: ranker cache: ") and "is not a readable NAR model file" in line
    assert "Fitting again; the file is replaced." in line and "Traceback" not in out + err
    NeuralArchitectureRanker.load(fitted)  # replaced by the refit
    first, second = (json.loads((tmp_path / d / "search.json").read_text()) for d in ("first", "second"))
    assert first["protocol_b"] == second["protocol_b"]  # same seed, same result


def _ranker(small_nb201):
    archs, y = small_nb201
    return NeuralArchitectureRanker(preset="tiny", epochs=1, random_state=0, space="nb201").fit(archs[:60], y[:60])


def test_a_checkpoint_whose_model_size_does_not_match_its_weights_is_one_clear_error(small_nb201, tmp_path):
    path = _ranker(small_nb201).save(tmp_path / "ranker.pt")
    payload = torch.load(path, weights_only=True)
    payload["config"]["model"]["dim"] *= 2
    torch.save(payload, tmp_path / "altered.pt")
    with pytest.raises(ValueError) as info:
        NeuralArchitectureRanker.load(tmp_path / "altered.pt")
    message = str(info.value)
    assert "\n" not in message and "does not hold a consistent NAR model: size mismatch for" in message
    assert "re-fit the model and save it again" in message
    del payload["history"]
    payload["config"]["model"]["dim"] //= 2
    torch.save(payload, tmp_path / "no_history.pt")
    with pytest.raises(ValueError, match="no 'history' field"):
        NeuralArchitectureRanker.load(tmp_path / "no_history.pt")


def test_nan_feature_tensors_at_predict_are_rejected(small_nb201):
    est = _ranker(small_nb201)
    tensors = est._encode(small_nb201[0][:5], None).tensors.copy()
    tensors[2, 0, 0] = np.nan
    with pytest.raises(ValueError, match=r"NaN or infinite features in 1 architectures \(first at positions \[2\]\)"):
        est.predict(tensors)


def test_holes_in_the_test_accuracies_are_counted_in_a_warning(synthetic_nb201, tmp_path, monkeypatch, capsys):
    """A table whose test accuracy is missing for a few architectures is scored against
    validation accuracy: said in the result, and in one warning line that counts them."""
    metrics = {name: synthetic_nb201.metric(name).copy() for name in ("val_acc", "test_acc", "flops", "params")}
    metrics["test_acc"][::2000] = np.nan  # 8 architectures without a test accuracy
    bench = TabularBenchmark.from_arrays("nb201", synthetic_nb201.archs, metrics, dataset="cifar10")
    where = ("nb201", "cifar10", "packaged", None)
    monkeypatch.setitem(tasks._BENCHMARKS, where, bench)
    monkeypatch.delitem(tasks._ENCODED, where, raising=False)
    (tmp_path / "ep.yaml").write_text(FILES["ep.yaml"])
    code = main(["evaluate-predictor", "--config", str(tmp_path / "ep.yaml"), "--no-progress", "--test-size", "500",
                 "--out", str(tmp_path / "o")])
    out, err = capsys.readouterr()
    assert code == 0 and "Traceback" not in out + err
    assert err.strip().splitlines() == ["warning: 8 of the 15625 labelled architectures have no test_acc (NaN) in "
                                        "synthetic arrays, so the ranking is scored against val_acc instead (as the "
                                        "result says); drop or fill in those rows to score against test_acc."]
    result = json.loads((tmp_path / "o" / "predictor_eval.json").read_text())
    assert result["config"]["truth_metric"] == "val_acc" and np.isfinite(result["kendall_tau"]["mean"])


def test_nb201_architectures_as_an_object_array_of_strings_are_accepted(small_nb201):
    archs, _ = small_nb201
    space = NB201Space()
    strings = space.to_strings(archs[:20])
    column = np.array(strings, dtype=object)  # what a pandas column of arch strings gives
    assert np.array_equal(space.as_batch(column), space.as_batch(strings))
    assert np.array_equal(space.as_batch(np.array([list(a) for a in archs[:3]], dtype=object)), archs[:3])
    est = _ranker(small_nb201)
    assert np.array_equal(est.predict(column), est.predict(strings))
    with pytest.raises(TypeError, match="mixing arch strings with other objects"):
        space.as_batch(np.array([strings[0], 3], dtype=object))


# ---------------------------------------------------------------------- signals (subprocesses)
GRID = ("seeds: [0, 1, 2, 3, 4, 5]\nsource: packaged\nmax_workers: 2\n"
        "budget_regime: {methods: [evolution, random_search], budgets: [1500]}\n")
N_TASKS = 12


def _start(config: Path, out: Path) -> subprocess.Popen:
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen([sys.executable, "-m", "naslib_nar.cli", "compare", "--config", str(config),
                             "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)  # its own process group, as a shell job has


def _records(out: Path) -> int:
    return len(list((out / "runs").glob("*.json"))) if (out / "runs").is_dir() else 0


def _wait_for_a_record(process: subprocess.Popen, out: Path, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while _records(out) == 0:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no record within the timeout"
        time.sleep(0.05)


def _children(pid: int) -> List[int]:
    found = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in found.split()]


def _gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def _rows(path: Path) -> List[dict]:
    """compare.csv without its wall-clock columns (two runs never take the same time)."""
    with open(path, newline="") as handle:
        return [{k: v for k, v in row.items() if not k.startswith("wall_s")} for row in csv.DictReader(handle)]


@pytest.mark.slow
def test_ctrl_c_during_compare_stops_cleanly_keeps_the_finished_runs_and_says_how_to_resume(tmp_path):
    config, out = tmp_path / "grid.yaml", tmp_path / "out"
    config.write_text(GRID)
    process = _start(config, out)
    _wait_for_a_record(process, out)
    workers = _children(process.pid)
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in a terminal reaches the whole process group
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130 and "Traceback" not in stdout + stderr, stderr
    (line,) = stderr.strip().splitlines()
    kept = _records(out)
    assert line.startswith(f"naslib-nar compare: interrupted; {kept} of the {N_TASKS} run(s) are stored in {out} "
                           "and kept")
    assert line.endswith(f"to resume, run the same command again: naslib-nar compare --config {config} --out {out}")
    assert 1 <= kept < N_TASKS
    assert all(_gone(pid) for pid in workers), "a worker process was left behind"
    resumed = _start(config, out)
    stdout, stderr = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, stderr
    assert f"{kept} run(s) already stored in {out}, {N_TASKS - kept} to run" in stdout


@pytest.mark.slow
def test_kill_9_during_compare_then_a_rerun_gives_the_compare_csv_of_an_uninterrupted_run(tmp_path):
    config, killed_out, whole_out = tmp_path / "grid.yaml", tmp_path / "killed", tmp_path / "whole"
    config.write_text(GRID)
    killed = _start(config, killed_out)
    _wait_for_a_record(killed, killed_out)
    os.killpg(killed.pid, signal.SIGKILL)  # the parent and its workers, with no chance to clean up
    killed.communicate(timeout=60)
    kept = _records(killed_out)
    assert 1 <= kept < N_TASKS and not (killed_out / "compare.csv").exists()
    rerun = _start(config, killed_out)
    stdout, stderr = rerun.communicate(timeout=300)
    assert rerun.returncode == 0 and "Traceback" not in stdout + stderr, stderr
    assert f"{kept} run(s) already stored in {killed_out}, {N_TASKS - kept} to run" in stdout
    whole = _start(config, whole_out)
    stdout, stderr = whole.communicate(timeout=300)
    assert whole.returncode == 0, stderr
    assert _rows(killed_out / "compare.csv") == _rows(whole_out / "compare.csv")
