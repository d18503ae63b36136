"""load_nb101 from the shared npz files and NASLib's nasbench_only108.pkl, with a clear error
for every missing or malformed file (small files written under tmp_path)."""
from __future__ import annotations

import pickle

import numpy as np
import pytest

from naslib_nar.benchmarks import load_nb101
from naslib_nar.spaces.nb101 import NB101Space

SPACE = NB101Space()
SPECS = [
    {"matrix": [[0, 1, 0], [0, 0, 1], [0, 0, 0]], "ops": ["input", "conv3x3-bn-relu", "output"]},
    {"matrix": [[0, 1, 1], [0, 0, 1], [0, 0, 0]], "ops": ["input", "maxpool3x3", "output"]},
    {"matrix": [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]],
     "ops": ["input", "conv1x1-bn-relu", "conv3x3-bn-relu", "output"]},
]
BATCH = SPACE.as_batch(SPECS)
TRIU = np.triu_indices(7, 1)


def _labelled_arrays(**replace):
    n = len(BATCH)
    arrays = {
        "hash": SPACE.hash(BATCH).astype("S32"),
        "adj_packed": np.packbits(BATCH.adj[:, TRIU[0], TRIU[1]], axis=1),
        "ops": BATCH.ops, "num_vertices": BATCH.num_vertices,
        "params": SPACE.network_params(BATCH).astype(np.int32), "flops": SPACE.network_flops(BATCH),
        "val_acc_108_single": np.array([0.9, np.nan, 0.8], dtype=np.float32),
        "test_acc_108_mean3": np.array([np.nan, np.nan, 0.85], dtype=np.float32),
        "val_acc_108_runs": np.full((n, 3), np.nan, dtype=np.float32),
        "test_acc_108_runs": np.full((n, 3), np.nan, dtype=np.float32),
        "train_time_108_single": np.full(n, 100.0, dtype=np.float32),
    }
    for e in (4, 12, 36):
        arrays[f"val_acc_{e}_single"] = np.full(n, 0.5, dtype=np.float32)
    arrays.update(replace)
    return {k: v for k, v in arrays.items() if v is not None}


def _write(directory, name="nb101_labeled.npz", **replace):
    np.savez(directory / name, **_labelled_arrays(**replace))
    return directory / name


def test_shared_labelled_file(tmp_path):
    _write(tmp_path)
    bench = load_nb101("shared", data_dir=tmp_path)
    assert len(bench) == 2  # the cell without any accuracy is not labelled
    np.testing.assert_allclose(bench.query(bench.rows_of([SPECS[0], SPECS[2]])), [90.0, 80.0], rtol=1e-6)
    assert bench.query(bench.rows_of(SPECS[2]), "test_acc")[0] == pytest.approx(85.0)
    assert bench.query([0], "val_acc_36ep")[0] == 50.0
    with pytest.raises(KeyError, match="maxpool3x3"):
        bench.rows_of(SPECS[1])


@pytest.mark.parametrize(
    "replace, match",
    [
        (dict(val_acc_108_single=None), r"lacks the array\(s\) \['val_acc_108_single'\]"),
        (dict(hash=np.arange(3)), "array 'hash' has dtype int64"),
        (dict(adj_packed=np.zeros((3, 4), dtype=np.uint8)), r"array 'adj_packed' has shape \(3, 4\)"),
        (dict(params=np.zeros(2, dtype=np.int32)), r"\['params'\] do not have one row per cell \(3\)"),
        (dict(ops=np.full((3, 7), 9, dtype=np.int8)), "cell graphs are invalid"),
    ],
)
def test_malformed_shared_file(tmp_path, replace, match):
    _write(tmp_path, **replace)
    with pytest.raises(ValueError, match=match) as info:
        load_nb101("shared", data_dir=tmp_path)
    assert "nb101_labeled.npz" in str(info.value) and "data/README.md" in str(info.value)


def test_truncated_and_missing_shared_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="nb101_labeled.npz"):
        load_nb101("shared", data_dir=tmp_path)
    path = _write(tmp_path)
    with pytest.raises(FileNotFoundError, match="nb101_space.npz"):
        load_nb101("shared", data_dir=tmp_path, labelled_only=False)
    _write(tmp_path, name="nb101_space.npz")
    with pytest.raises(ValueError, match="nb101_space.npz.*has 3 cells, expected 423624"):
        load_nb101("shared", data_dir=tmp_path, labelled_only=False)
    path.write_bytes(path.read_bytes()[:300])
    with pytest.raises(ValueError, match="nb101_labeled.npz.*it may be truncated"):
        load_nb101("shared", data_dir=tmp_path)


def test_auto_without_any_nb101_data(tmp_path):
    with pytest.raises(FileNotFoundError, match="No NAS-Bench-101 data found.*nasbench_only108.pkl"):
        load_nb101(data_dir=tmp_path, naslib_data_dir=tmp_path)


# ---------------------------------------------------------------------- NASLib file
def _run(val, test):
    return {"final_validation_accuracy": val, "final_test_accuracy": test, "final_training_time": 1000.0,
            "final_train_accuracy": 1.0, "halfway_validation_accuracy": val - 0.1}


def _naslib_pickle(directory, data=None):
    if data is None:
        data = {}
        for k, (h, spec) in enumerate(zip(SPACE.hash(BATCH), SPACE.as_batch(SPECS).to_specs())):
            fixed = {"module_adjacency": spec["matrix"].astype(np.int8), "module_operations": spec["ops"],
                     "trainable_parameters": 1000 + k}
            data[str(h)] = (fixed, {108: [_run(0.90 + k / 100, 0.89), _run(0.92 + k / 100, 0.90),
                                          _run(0.91 + k / 100, 0.91)]})
    with open(directory / "nasbench_only108.pkl", "wb") as handle:
        pickle.dump(data, handle)
    return directory / "nasbench_only108.pkl"


def test_naslib_file_means_and_runs(tmp_path):
    _naslib_pickle(tmp_path)
    bench = load_nb101("naslib", naslib_data_dir=tmp_path)
    rows = bench.rows_of(SPECS)
    np.testing.assert_allclose(bench.query(rows), [91.0, 92.0, 93.0])
    np.testing.assert_allclose(bench.query(rows, "test_acc"), [90.0] * 3)
    np.testing.assert_array_equal(bench.query(rows, "params"), [1000, 1001, 1002])
    np.testing.assert_array_equal(bench.query(rows, "flops"), SPACE.network_flops(BATCH))
    draws = bench.query(np.zeros(300, dtype=int), seed="random", random_state=0)
    np.testing.assert_allclose(sorted(set(np.round(draws, 6))), [90.0, 91.0, 92.0])


@pytest.mark.parametrize(
    "data, match",
    [
        ({"abc": [1, 2, 3]}, "not a \\(fixed_statistics, computed_statistics\\) pair"),
        ({"abc": ({"module_adjacency": 1}, {})}, "lack module_adjacency"),
        ({"abc": ({"module_adjacency": 1, "module_operations": [], "trainable_parameters": 1}, {4: []})},
         "no 108-epoch runs"),
        ({"abc": ({"module_adjacency": np.zeros((2, 2)), "module_operations": ["input", "output"],
                   "trainable_parameters": 1}, {108: [_run(0.9, 0.9)]})}, "not a valid NB101 cell"),
    ],
)
def test_malformed_naslib_file(tmp_path, data, match):
    _naslib_pickle(tmp_path, data)
    with pytest.raises(ValueError, match=match) as info:
        load_nb101("naslib", naslib_data_dir=tmp_path)
    assert "nasbench_only108.pkl" in str(info.value)


def test_truncated_naslib_file(tmp_path):
    path = _naslib_pickle(tmp_path)
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(ValueError, match="nasbench_only108.pkl.*cannot be unpickled"):
        load_nb101("naslib", naslib_data_dir=tmp_path)


# ---------------------------------------------------------------------- real data
@pytest.mark.data
def test_real_shared_files(data_dir):
    labelled = load_nb101("shared", data_dir=data_dir)
    assert len(labelled) == 30_318
    assert len(labelled.labelled_rows("val_acc")) == 30_267 and len(labelled.labelled_rows("test_acc")) == 53
    whole = load_nb101("shared", data_dir=data_dir, labelled_only=False)
    assert len(whole) == 423_624 and len(whole.labelled_rows("val_acc")) == 30_267
    rows = whole.rows_of(labelled.archs[:100])
    np.testing.assert_array_equal(whole.metric("val_acc")[rows], labelled.metric("val_acc")[:100])
    np.testing.assert_array_equal(whole.metric("params")[rows], labelled.metric("params")[:100])
    assert 94.0 < labelled.metric("val_acc")[labelled.best("val_acc")] < 96.0
    assert np.nanmax(labelled.metric("test_acc")) < 94.4  # below the NB101 optimum of 94.32 + noise
