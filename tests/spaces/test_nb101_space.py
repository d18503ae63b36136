"""NB101Space: validation and pruning, the CellBatch container, the official hash, exact
parameter counts and FLOPs against the shared benchmark data, the NAR feature tensor,
enumeration of the whole space and sampling."""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import naslib_nar
from naslib_nar.spaces import get_space
from naslib_nar.spaces.nb101 import FLOPS_SCALE, OP_NAMES, PARAMS_SCALE, CellBatch, NB101Space, validate_cell

SPACE = NB101Space()
C3, C1, MP = OP_NAMES

#: The cell of NAR's ``data/nasbench101_vertice_example.json`` with its benchmark record:
#: hash, trainable_parameters, FLOPs and per-vertex FLOPs/params of three of its 9 cells.
NAR_CELL = {
    "matrix": np.array([
        [0, 1, 0, 0, 1, 1, 0],
        [0, 0, 1, 0, 0, 0, 0],
        [0, 0, 0, 1, 0, 0, 1],
        [0, 0, 0, 0, 0, 1, 0],
        [0, 0, 0, 0, 0, 1, 0],
        [0, 0, 0, 0, 0, 0, 1],
        [0, 0, 0, 0, 0, 0, 0],
    ]),
    "ops": ["input", C3, MP, C3, C3, C1, "output"],
}
NAR_HASH, NAR_PARAMS, NAR_FLOPS = "00005c142e6f48ac74fdcf73e3439874", 8555530, 2527684618
NAR_VERTEX_FLOPS = {  # cell index in network order -> per-vertex FLOPs
    0: [0, 92274688, 589824, 75497472, 92274688, 25296896, 0],
    3: [0, 83886080, 294912, 75497472, 83886080, 16842752, 0],
    7: [0, 92274688, 147456, 75497472, 92274688, 25198592, 0],
}
NAR_VERTEX_PARAMS = {
    0: [0, 45312, 0, 36992, 45312, 12544, 0],
    3: [0, 164352, 0, 147712, 164352, 33280, 0],
    7: [0, 721920, 0, 590336, 721920, 197632, 0],
}

#: A 3-vertex cell: input -> conv3x3 -> output plus a direct input -> output projection.
SMALL = {"matrix": [[0, 1, 1], [0, 0, 1], [0, 0, 0]], "ops": ["input", C3, "output"]}


def _load(data_dir, name):
    with np.load(data_dir / name) as data:
        fields = {k: data[k] for k in ("adj_packed", "ops", "num_vertices", "hash", "params", "flops")}
    fields["batch"] = CellBatch.from_packed(fields["adj_packed"], fields["ops"], fields["num_vertices"])
    return fields


@pytest.fixture(scope="module")
def space_npz(data_dir):
    return _load(data_dir, "nb101_space.npz")


@pytest.fixture(scope="module")
def labeled_npz(data_dir):
    return _load(data_dir, "nb101_labeled.npz")


def _random_topological_relabel(spec, rng):
    """The same cell with its interior vertices renumbered in a random topological order."""
    matrix = np.asarray(spec["matrix"])
    nv = len(matrix)
    order, indegree = [0], matrix.sum(axis=0).copy()
    for w in np.flatnonzero(matrix[0]):
        indegree[w] -= 1
    while len(order) < nv - 1:
        ready = [v for v in range(1, nv - 1) if v not in order and indegree[v] == 0]
        v = ready[rng.integers(len(ready))]
        order.append(v)
        for w in np.flatnonzero(matrix[v]):
            indegree[w] -= 1
    order.append(nv - 1)
    return {"matrix": matrix[np.ix_(order, order)], "ops": [spec["ops"][v] for v in order]}, order


def _reference_channels(matrix, c_in, c_out):
    """Plain per-cell reading of nasbench compute_vertex_channels (independent of the
    vectorised implementation)."""
    nv = len(matrix)
    ch = [0] * nv
    ch[0], ch[-1] = c_in, c_out
    feeding = [v for v in range(1, nv - 1) if matrix[v][nv - 1]]
    for rank, v in enumerate(feeding):
        ch[v] = c_out // len(feeding) + (1 if rank < c_out % len(feeding) else 0)
    for v in range(nv - 2, 0, -1):
        if not matrix[v][nv - 1]:
            ch[v] = max(ch[w] for w in range(v + 1, nv - 1) if matrix[v][w])
    return ch


# ---------------------------------------------------------------------- validation
def test_validate_returns_pruned_spec_and_space_is_registered():
    spec = validate_cell(NAR_CELL["matrix"], NAR_CELL["ops"])
    np.testing.assert_array_equal(spec["matrix"], NAR_CELL["matrix"])
    assert spec["ops"] == NAR_CELL["ops"]
    assert SPACE.validate(**SMALL)["ops"] == SMALL["ops"]
    assert isinstance(get_space("nb101"), NB101Space)


_OK = np.array([[0, 1, 1], [0, 0, 1], [0, 0, 0]])
_OPS3 = ["input", C3, "output"]


@pytest.mark.parametrize(
    "matrix, ops, error, match",
    [
        ("not a matrix", _OPS3, TypeError, "'matrix' must be a V x V array"),
        ([["a", "b"], ["c", "d"]], ["input", "output"], TypeError, "must hold numbers"),
        ([[0, 1], [0]], ["input", "output"], ValueError, "rows of 'matrix' have different lengths"),
        (np.zeros(3), _OPS3, ValueError, r"square 2-D adjacency matrix, got shape \(3,\)"),
        (np.zeros((3, 4)), _OPS3, ValueError, r"square 2-D .* got shape \(3, 4\)"),
        (np.where(_OK == 1, np.nan, 0.0), _OPS3, ValueError, "contains NaN"),
        (_OK * 2, _OPS3, ValueError, r"must be binary, but matrix\[0, 1\] = 2"),
        (_OK * 0.5, _OPS3, ValueError, "must be binary"),
        (np.zeros((1, 1)), ["input"], ValueError, "it has 1 vertices, but NAS-Bench-101 cells have 2 to 7"),
        (np.triu(np.ones((8, 8)), 1), ["input"] + [C3] * 6 + ["output"], ValueError, "it has 8 vertices"),
        (_OK + np.eye(3, dtype=int) * [0, 1, 0], _OPS3, ValueError, r"self-loop at vertex 1"),
        (_OK + np.tri(3, k=-1, dtype=int) * (np.arange(3)[:, None] == 2), _OPS3, ValueError,
         r"edge 2 -> 0 below the diagonal.*topological order"),
        (_OK, ["input", "output"], ValueError, "'ops' has 2 entries but 'matrix' has 3 vertices"),
        (_OK, "input conv output", TypeError, "'ops' must be a list of op names"),
        (_OK, ["input", "conv5x5", "output"], ValueError,
         r"unknown op 'conv5x5' at position 1\. Valid ops are 'input', 'conv3x3-bn-relu'"),
        (_OK, ["input", 7, "output"], ValueError, "unknown op code 7 at position 1"),
        (_OK, ["input", 1.0, "output"], TypeError, r"op at position 1 is 1\.0 \(float\)"),
        (_OK, [C3, C3, "output"], ValueError, "first op must be 'input', got 'conv3x3-bn-relu'"),
        (_OK, ["input", C3, C1], ValueError, "last op must be 'output', got 'conv1x1-bn-relu'"),
        (_OK, ["input", "output", "output"], ValueError, "'output' used at interior position 1"),
        ([[0, 1, 0], [0, 0, 0], [0, 0, 0]], _OPS3, ValueError, "no path from the input to the output"),
        (np.triu(np.ones((7, 7), dtype=int), 1), ["input"] + [C3] * 5 + ["output"], ValueError,
         "it has 21 edges after pruning dangling vertices, but NAS-Bench-101 allows at most 9"),
    ],
)
def test_invalid_cells_raise_specific_errors(matrix, ops, error, match):
    with pytest.raises(error, match=match):
        validate_cell(matrix, ops)


def test_batch_errors_name_the_position():
    bad = {"matrix": [[0, 1, 0], [0, 0, 0], [0, 0, 0]], "ops": _OPS3}
    with pytest.raises(ValueError, match="cell at position 1: there is no path"):
        SPACE.as_batch([SMALL, bad])
    with pytest.raises(TypeError, match="position 1 must be a spec dict"):
        SPACE.as_batch([SMALL, "cell"])
    with pytest.raises(TypeError, match="expects a CellBatch"):
        SPACE.as_batch("cell")


def test_edge_limit_applies_after_pruning():
    # 10 edges, but vertex 5 has no way to the output: pruning leaves 6, which is valid
    matrix = np.zeros((7, 7), dtype=int)
    for i, j in [(0, 1), (1, 2), (2, 3), (3, 4), (4, 6), (0, 5), (1, 5), (2, 5), (3, 5), (0, 6)]:
        matrix[i, j] = 1
    spec = validate_cell(matrix, ["input", C3, C3, C1, MP, C3, "output"])
    assert spec["matrix"].shape == (6, 6) and spec["matrix"].sum() == 6


# ---------------------------------------------------------------------- pruning, forms
def test_pruning_removes_dangling_vertices():
    # vertex 2 is unreachable from the input, vertex 4 does not reach the output
    matrix = np.zeros((7, 7), dtype=int)
    for i, j in [(0, 1), (1, 3), (2, 3), (3, 6), (1, 4), (0, 5), (5, 6)]:
        matrix[i, j] = 1
    ops = ["input", C3, MP, C1, C3, MP, "output"]
    pruned = {"matrix": matrix[np.ix_([0, 1, 3, 5, 6], [0, 1, 3, 5, 6])], "ops": ["input", C3, C1, MP, "output"]}
    a, b = SPACE.as_batch({"matrix": matrix, "ops": ops}), SPACE.as_batch(pruned)
    np.testing.assert_array_equal(a.adj, b.adj)
    np.testing.assert_array_equal(a.ops, b.ops)
    assert a.num_vertices.tolist() == [5]
    np.testing.assert_array_equal(a.to_specs()[0]["matrix"], pruned["matrix"])
    assert a.to_specs()[0]["ops"] == pruned["ops"]
    assert SPACE.hash(a)[0] == SPACE.hash(pruned)[0]
    np.testing.assert_array_equal(SPACE.encode(a), SPACE.encode(pruned))


def test_as_batch_accepts_every_native_form():
    expected = SPACE.as_batch(NAR_CELL)
    codes = [-1, 0, 2, 0, 0, 1, -2]
    forms = [
        (NAR_CELL["matrix"], NAR_CELL["ops"]),
        [NAR_CELL],
        [(NAR_CELL["matrix"].tolist(), tuple(NAR_CELL["ops"]))],
        {"matrix": NAR_CELL["matrix"].astype(bool), "ops": codes},
        {"matrix": NAR_CELL["matrix"].astype(float), "ops": np.array(codes)},
        expected.to_specs(),
    ]
    for form in forms:
        batch = SPACE.as_batch(form)
        np.testing.assert_array_equal(batch.adj, expected.adj)
        np.testing.assert_array_equal(batch.ops, expected.ops)
    assert SPACE.as_batch(expected) is expected
    assert len(SPACE.as_batch([])) == 0
    assert len(SPACE.as_batch((NAR_CELL, SMALL))) == 2  # a tuple of two specs is two cells


# ---------------------------------------------------------------------- CellBatch
def test_cellbatch_indexing_concatenation_and_checks():
    batch = SPACE.as_batch([NAR_CELL, SMALL, NAR_CELL])
    assert len(batch) == 3 and repr(batch) == "CellBatch(n=3)"
    assert batch.adj.shape == (3, 7, 7) and batch.adj.dtype == np.uint8
    assert batch.ops.dtype == np.int8 and batch.num_vertices.tolist() == [7, 3, 7]
    np.testing.assert_array_equal(batch.ops[1], [-1, 0, -3, -3, -3, -3, -2])  # pads before the output
    assert batch.adj[1, 0, 6] == 1 and batch.adj[1, 1, 6] == 1 and batch.adj[1, 0, 1] == 1
    assert len(batch[1]) == 1 and batch[-1].num_vertices.tolist() == [7]
    assert batch[np.array([1, 1])].num_vertices.tolist() == [3, 3]
    assert batch[np.array([True, False, True])].num_vertices.tolist() == [7, 7]
    assert len(batch[1:]) == 2
    joined = CellBatch.concatenate([batch, batch[:1]])
    assert joined.num_vertices.tolist() == [7, 3, 7, 7]
    assert len(CellBatch.concatenate([])) == 0
    packed = np.packbits(batch.adj[:, np.triu_indices(7, 1)[0], np.triu_indices(7, 1)[1]], axis=1)
    again = CellBatch.from_packed(packed, batch.ops)
    np.testing.assert_array_equal(again.adj, batch.adj)
    copy = pickle.loads(pickle.dumps(batch))
    np.testing.assert_array_equal(copy.adj, batch.adj)
    np.testing.assert_array_equal(copy.num_vertices, batch.num_vertices)
    with pytest.raises(IndexError, match="out of range"):
        batch[3]
    with pytest.raises(ValueError, match=r"shape \(n, 7, 7\)"):
        CellBatch(np.zeros((2, 6, 6)), np.zeros((2, 6)))
    with pytest.raises(ValueError, match="strictly upper-triangular"):
        CellBatch(batch.adj.transpose(0, 2, 1), batch.ops)
    with pytest.raises(ValueError, match="codes -1"):
        CellBatch(batch.adj, np.zeros((3, 7)))
    with pytest.raises(ValueError, match="num_vertices"):
        CellBatch(batch.adj, batch.ops, [7, 7, 7])
    with pytest.raises(ValueError, match=r"\(n, 3\)"):
        CellBatch.from_packed(np.zeros((2, 4), np.uint8), batch.ops[:2])


# ---------------------------------------------------------------------- hash
def test_hash_of_reference_cell_and_isomorphic_relabellings():
    assert SPACE.hash(NAR_CELL).tolist() == [NAR_HASH]
    assert SPACE.hash([]).dtype == np.dtype("<U32")
    rng = np.random.default_rng(0)
    cells = SPACE.sample(300, random_state=1, method="random_matrix").to_specs() + [NAR_CELL]
    relabelled = [_random_topological_relabel(spec, rng)[0] for spec in cells]
    np.testing.assert_array_equal(SPACE.hash(cells), SPACE.hash(relabelled))
    np.testing.assert_array_equal(SPACE.op_counts(cells), SPACE.op_counts(relabelled))
    assert len(set(SPACE.hash(cells[:-1]))) > 100  # different cells get different hashes


def test_relabelling_permutes_the_feature_tensor():
    """Costs are invariant and features equivariant under a topological renumbering as long
    as the output channels split evenly (nasbench gives the +1 remainder channels by vertex
    order, which is the one thing a renumbering may change)."""
    rng = np.random.default_rng(3)
    cells = [NAR_CELL] + SPACE.sample(400, random_state=4, method="random_matrix").to_specs()
    cells = [spec for spec in cells if np.asarray(spec["matrix"])[1:-1, -1].sum() in (1, 2, 4)]
    assert len(cells) > 100
    others, perms = [], []
    for spec in cells:
        other, order = _random_topological_relabel(spec, rng)
        slot = list(range(len(order) - 1)) + [6]
        perm = np.arange(7)  # padded slot in the relabelled cell -> padded slot in the original
        perm[slot] = [slot[v] for v in order]
        others.append(other)
        perms.append(perm)
    assert sum((perm != np.arange(7)).any() for perm in perms) > 30  # many true renumberings
    x, y = SPACE.encode(cells), SPACE.encode(others)
    for k, perm in enumerate(perms):
        np.testing.assert_allclose(y[k], x[k][:, perm][:, :, perm], rtol=1e-6)
    np.testing.assert_array_equal(SPACE.network_params(cells), SPACE.network_params(others))
    np.testing.assert_array_equal(SPACE.network_flops(cells), SPACE.network_flops(others))


# ---------------------------------------------------------------------- costs
def test_reference_cell_costs_match_the_benchmark_record():
    assert SPACE.network_params(NAR_CELL).tolist() == [NAR_PARAMS]
    assert SPACE.network_flops(NAR_CELL).tolist() == [NAR_FLOPS]
    assert SPACE.network_params(NAR_CELL).dtype == np.int64
    flops, params = SPACE.vertex_costs(NAR_CELL)
    assert flops.shape == params.shape == (1, 9, 7) and flops.dtype == np.float64
    for c, expected in NAR_VERTEX_FLOPS.items():
        np.testing.assert_array_equal(flops[0, c], expected)
    for c, expected in NAR_VERTEX_PARAMS.items():
        np.testing.assert_array_equal(params[0, c], expected)
    channels = SPACE.vertex_channels(NAR_CELL)
    assert channels.shape == (1, 3, 7)
    np.testing.assert_array_equal(channels[0, 0], [128, 64, 64, 64, 64, 64, 128])
    np.testing.assert_array_equal(channels[0, 2], [512, 256, 256, 256, 256, 256, 512])


def test_vertex_channels_follow_nasbench_on_uneven_splits():
    cells = SPACE.sample(500, random_state=5, method="random_matrix")
    # three vertices feeding the output: 128 = 43 + 43 + 42, the first ones get the extra channel
    three = {"matrix": np.zeros((5, 5), dtype=int), "ops": ["input", C3, C1, MP, "output"]}
    three["matrix"][0, 1:4] = 1
    three["matrix"][1:4, 4] = 1
    specs = cells.to_specs() + [three]
    got = SPACE.vertex_channels(specs)
    for k, spec in enumerate(specs):
        nv = len(spec["matrix"])
        slot = list(range(nv - 1)) + [6]
        for s, c in enumerate((128, 256, 512)):
            assert got[k, s, slot].tolist() == _reference_channels(spec["matrix"].tolist(), c, c)
    assert got[-1, 0, :4].tolist() == [128, 43, 43, 42]


def test_small_cell_costs_by_hand():
    flops, params = SPACE.vertex_costs(SMALL)
    # stack 1, cell 1: conv3x3 on 128 channels at 32x32, plus the 1x1 projection 128 -> 128
    assert flops[0, 0, 1] == 2 * 32 * 32 * 9 * 128 * 128 + 2 * 32 * 32 * 128 * 128
    assert params[0, 0, 1] == 9 * 128 * 128 + 2 * 128 + 128 * 128 + 2 * 128
    # stack 2, cell 1 reads stack 1's 128 channels: projection 128 -> 256 at 16x16
    assert flops[0, 3, 1] == 2 * 16 * 16 * 9 * 256 * 256 + 2 * 16 * 16 * 128 * 256
    assert params[0, 3, 1] == 9 * 256 * 256 + 2 * 256 + 128 * 256 + 2 * 256
    assert (flops[0, :, [0, 2, 3, 4, 5, 6]] == 0).all() and (params[0, :, [0, 2, 3, 4, 5, 6]] == 0).all()
    # network: vertices + input->output projections + stem + dense
    proj = [(128, 128)] * 3 + [(128, 256)] + [(256, 256)] * 2 + [(256, 512)] + [(512, 512)] * 2
    expected = params.sum() + sum(i * o + 2 * o for i, o in proj) + 3 * 9 * 128 + 2 * 128 + 512 * 10 + 10
    assert SPACE.network_params(SMALL).tolist() == [expected]


def test_op_counts():
    counts = SPACE.op_counts([NAR_CELL, SMALL])
    np.testing.assert_array_equal(counts, [[3, 1, 1], [1, 0, 0]])
    assert SPACE.op_names == OP_NAMES == ("conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3")


# ---------------------------------------------------------------------- encode
def test_encode_small_cell_by_hand():
    x = SPACE.encode(SMALL)
    assert x.shape == (1, 19, 7, 7) and x.dtype == np.float32 and SPACE.tensor_shape == (19, 7, 7)
    ops = np.zeros((7, 7), dtype=np.float32)
    ops[0, 1], ops[0, 6], ops[1, 6] = 3, 5, 5  # conv3x3 -> 3 and output -> 5 (paper codes)
    np.testing.assert_array_equal(x[0, 0], ops)
    conv = 2 * 32 * 32 * 9 * 128 * 128 + 2 * 32 * 32 * 128 * 128
    assert x[0, 1, 0, 1] == pytest.approx(conv / FLOPS_SCALE, rel=1e-6)
    assert x[0, 2, 0, 1] == pytest.approx((9 * 128 * 128 + 4 * 128 + 128 * 128) / PARAMS_SCALE, rel=1e-6)
    # every cost channel only has the entry of the edge into the conv vertex
    mask = np.zeros((7, 7), dtype=bool)
    mask[0, 1] = True
    assert (x[0, 1:, ~mask] == 0).all() and (x[0, 1:, 0, 1] > 0).all()
    # channel 7 = FLOPs of cell 4 (stack 2, cell 1): conv on 256 channels at 16x16, projection 128 -> 256
    assert x[0, 7, 0, 1] == pytest.approx((2 * 16 * 16 * 9 * 256 * 256 + 2 * 16 * 16 * 128 * 256) / FLOPS_SCALE)


def test_encode_reference_cell_matches_its_record():
    x = SPACE.encode(NAR_CELL)[0]
    adj = NAR_CELL["matrix"]
    codes = np.array([1, 3, 4, 3, 3, 2, 5])
    np.testing.assert_array_equal(x[0], adj * codes[None, :])
    for c, f in NAR_VERTEX_FLOPS.items():
        np.testing.assert_allclose(x[1 + 2 * c], adj * np.array(f)[None, :] / FLOPS_SCALE, rtol=1e-6)
        np.testing.assert_allclose(x[2 + 2 * c], adj * np.array(NAR_VERTEX_PARAMS[c])[None, :] / PARAMS_SCALE,
                                   rtol=1e-6)
    assert 1 < x.max() < 100


# ---------------------------------------------------------------------- sampling
def test_random_matrix_sampling_is_valid_and_reproducible():
    batch = SPACE.sample(3000, random_state=0, method="random_matrix")
    assert len(batch) == 3000
    again = SPACE.as_batch(batch.to_specs())  # re-validate and re-prune every cell
    np.testing.assert_array_equal(again.adj, batch.adj)
    np.testing.assert_array_equal(again.ops, batch.ops)
    assert batch.adj.sum(axis=(1, 2)).max() <= 9
    assert set(np.unique(batch.num_vertices)) <= set(range(2, 8))
    same = SPACE.sample(3000, random_state=0, method="random_matrix")
    np.testing.assert_array_equal(same.adj, batch.adj)
    other = SPACE.sample(3000, random_state=1, method="random_matrix")
    assert not np.array_equal(other.adj, batch.adj)
    assert len(SPACE.sample(0, random_state=0, method="random_matrix")) == 0
    with pytest.raises(ValueError, match="'method' parameter"):
        SPACE.sample(3, method="table")
    with pytest.raises(ValueError, match="'n' parameter"):
        SPACE.sample(-1, method="random_matrix")


def test_import_does_not_pull_in_torch():
    code = "import sys, naslib_nar.spaces.nb101; print('torch' in sys.modules)"
    root = str(Path(naslib_nar.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", "")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "False"


# ---------------------------------------------------------------------- real data
@pytest.mark.data
@pytest.mark.parametrize("which", ["space", "labeled"])
def test_params_and_flops_equal_the_benchmark_for_every_cell(which, space_npz, labeled_npz):
    data = space_npz if which == "space" else labeled_npz
    np.testing.assert_array_equal(SPACE.network_params(data["batch"]), data["params"])
    np.testing.assert_array_equal(SPACE.network_flops(data["batch"]), data["flops"])


@pytest.mark.data
def test_hash_equals_the_benchmark_on_a_sample(space_npz):
    rows = np.random.default_rng(0).choice(len(space_npz["batch"]), 3000, replace=False)
    stored = space_npz["hash"][rows].astype(str)
    np.testing.assert_array_equal(SPACE.hash(space_npz["batch"][rows]), stored)
    rng = np.random.default_rng(1)
    relabelled = [_random_topological_relabel(spec, rng)[0] for spec in space_npz["batch"][rows[:500]].to_specs()]
    np.testing.assert_array_equal(SPACE.hash(relabelled), stored[:500])


@pytest.mark.data
def test_enumeration_reproduces_the_benchmark_cells(space_npz):
    cells = SPACE.enumerate_space()
    assert len(cells) == len(space_npz["batch"]) == 423624
    np.testing.assert_array_equal(np.bincount(cells.num_vertices), np.bincount(space_npz["num_vertices"]))

    def keys(batch):  # one int64 per cell: its 21 edge bits and its 5 interior op codes
        rows, cols = np.triu_indices(7, 1)
        edges = batch.adj[:, rows, cols].astype(np.int64) @ (1 << np.arange(21, dtype=np.int64))
        ops = (batch.ops[:, 1:6].astype(np.int64) + 3) @ (8 ** np.arange(5, dtype=np.int64))
        return np.sort(edges + (ops << 21))

    np.testing.assert_array_equal(keys(cells), keys(space_npz["batch"]))


@pytest.mark.data
def test_uniform_sampling_covers_the_benchmark_cells(space_npz):
    space = NB101Space()
    batch = space.sample(4000, random_state=0)
    again = space.sample(4000, random_state=0)
    np.testing.assert_array_equal(batch.adj, again.adj)
    assert np.bincount(batch.num_vertices, minlength=8)[7] / 4000 == pytest.approx(359082 / 423624, abs=0.03)
    stored = set(space_npz["hash"][:].astype(str))
    assert set(space.hash(batch[:300])) <= stored


# ---------------------------------------------------------------------- decode and relabel (augmentation)
def test_decode_tensors_reads_back_the_cells():
    cells = SPACE.sample(500, random_state=5)
    back = SPACE.decode_tensors(SPACE.encode(cells))
    np.testing.assert_array_equal(back.adj, cells.adj)
    np.testing.assert_array_equal(back.ops, cells.ops)
    with pytest.raises(ValueError, match=r"\(n, 19, 7, 7\)"):
        SPACE.decode_tensors(np.zeros((2, 31, 4, 4), np.float32))


def test_random_relabel_keeps_identity_and_changes_the_order():
    cells = SPACE.sample(500, random_state=6)
    relabelled = SPACE.random_relabel(cells, random_state=0)
    np.testing.assert_array_equal(SPACE.hash(relabelled), SPACE.hash(cells))  # same cell, same label
    np.testing.assert_array_equal(SPACE.op_counts(relabelled), SPACE.op_counts(cells))
    assert (np.tril(relabelled.adj) == 0).all()  # still a topological (upper-triangular) order
    assert np.array_equal(relabelled.num_vertices, cells.num_vertices)
    changed = (relabelled.adj != cells.adj).any(axis=(1, 2)) | (relabelled.ops != cells.ops).any(axis=1)
    assert 0.1 < changed.mean() < 1.0  # many cells have another order; chains have none
    again = SPACE.random_relabel(cells, random_state=0)
    np.testing.assert_array_equal(again.adj, relabelled.adj)  # same seed, same relabelling
