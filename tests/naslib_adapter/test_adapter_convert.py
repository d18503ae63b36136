"""naslib/convert.py without NASLib: index permutations checked against NASLib's documented
conventions, NB101 specs, and graphs through duck-typed stand-ins."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from naslib_nar.naslib.convert import (
    archs_to_graphs,
    graphs_to_archs,
    light_copy,
    nb101_to_naslib_specs,
    nb201_from_naslib,
    nb201_to_naslib,
    space_of,
)
from naslib_nar.spaces.nb101 import NB101Space
from naslib_nar.spaces.nb201 import NB201Space

# NASLib's conventions as NASLIB.md states them (not read from convert.py, which they check).
NASLIB_OPS = ("skip_connect", "none", "nor_conv_3x3", "nor_conv_1x1", "avg_pool_3x3")
NASLIB_EDGES = ((1, 2), (1, 3), (1, 4), (2, 3), (2, 4), (3, 4))
ALL_NASLIB_INDICES = np.array(list(itertools.product(range(5), repeat=6)))


def naslib_arch_string(op_indices):
    """The NB201 arch string of NASLib op indices: op k sits on NASLib's 1-based edge k, and
    node d of the string lists its inputs s < d as ``op~s``."""
    op_on = {edge: NASLIB_OPS[i] for edge, i in zip(NASLIB_EDGES, op_indices)}
    return "+".join("|" + "|".join(f"{op_on[(s + 1, d + 1)]}~{s}" for s in range(d)) + "|" for d in range(1, 4))


def test_nb201_indices_match_naslibs_arch_strings():
    ours = nb201_from_naslib(ALL_NASLIB_INDICES)
    assert ours.shape == (15625, 6) and ours.dtype == np.int8
    assert NB201Space().to_strings(ours) == [naslib_arch_string(row) for row in ALL_NASLIB_INDICES.tolist()]
    np.testing.assert_array_equal(nb201_to_naslib(ours), ALL_NASLIB_INDICES)
    assert nb201_to_naslib(ours).dtype == np.int64


def test_nb201_single_architecture_and_strings():
    assert nb201_from_naslib([0, 1, 2, 3, 4, 0]).shape == (1, 6)
    string = naslib_arch_string([2, 2, 2, 2, 2, 2])
    assert string == "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|"
    assert nb201_to_naslib([string]).tolist() == [[2] * 6]


def test_nb201_rejects_bad_indices():
    with pytest.raises(ValueError, match="0..4"):
        nb201_from_naslib([0, 1, 2, 3, 4, 5])
    with pytest.raises(ValueError, match="0..4"):
        nb201_from_naslib([-1, 0, 0, 0, 0, 0])
    with pytest.raises(ValueError, match="shape"):
        nb201_from_naslib([[0, 1, 2]])
    with pytest.raises(TypeError, match="integers"):
        nb201_from_naslib(np.zeros(6))
    with pytest.raises(TypeError, match="integers"):
        nb201_from_naslib(np.ones(6, dtype=bool))


def test_nb101_specs_are_naslibs_padded_layout():
    cells = NB101Space().sample(200, random_state=0)
    specs = nb101_to_naslib_specs(cells)
    assert len(specs) == 200
    for spec, nv in zip(specs, cells.num_vertices.tolist()):
        assert spec["matrix"].shape == (7, 7) and spec["matrix"].dtype == np.int64 and len(spec["ops"]) == 7
        assert spec["ops"][0] == "input" and spec["ops"][6] == "output"
        pads = range(nv - 1, 6)  # isolated, labelled as NASLib's convert_to_cell labels them
        assert all(spec["ops"][v] == "conv3x3-bn-relu" for v in pads)
        assert all(not spec["matrix"][v].any() and not spec["matrix"][:, v].any() for v in pads)
    again = NB101Space().as_batch(specs)
    np.testing.assert_array_equal(again.adj, cells.adj)
    np.testing.assert_array_equal(again.ops, cells.ops)
    np.testing.assert_array_equal(NB101Space().hash(again), NB101Space().hash(cells))


def test_space_of():
    assert [space_of(n) for n in ("nasbench101", "nasbench201", "nb101", "nb201")] == ["nb101", "nb201"] * 2
    with pytest.raises(ValueError, match="'nasbench301'"):
        space_of("nasbench301")
    with pytest.raises(ValueError, match="'object'"):
        space_of(object())  # no get_type: its class name is reported


def test_nb201_graphs_round_trip(nb201_graph):
    archs = NB201Space().sample(50, random_state=1)
    api = {"nb201_data": {}}
    graphs = archs_to_graphs(archs, nb201_graph, dataset_api=api)
    assert nb201_graph.op_indices is None and nb201_graph.instantiate_model  # the template is untouched
    assert all(not g.instantiate_model and g.structure is nb201_graph.structure and g.api is api for g in graphs)
    assert [g.op_indices for g in graphs] == nb201_to_naslib(archs).tolist()
    np.testing.assert_array_equal(graphs_to_archs(graphs), archs)
    np.testing.assert_array_equal(graphs_to_archs(graphs, "nasbench201"), archs)


def test_nb101_graphs_round_trip(nb101_graph):
    cells = NB101Space().sample(30, random_state=2)
    for archs in (cells, cells.to_specs()):  # a CellBatch or anything NB101Space.as_batch takes
        graphs = archs_to_graphs(archs, nb101_graph)
        assert nb101_graph.spec is None and all(not g.instantiate_model for g in graphs)
        back = graphs_to_archs(graphs)
        np.testing.assert_array_equal(NB101Space().hash(back), NB101Space().hash(cells))


def test_light_copy_is_independent(nb201_graph, nb101_graph):
    nb201_graph.set_spec([0, 1, 2, 3, 4, 0])
    copy = light_copy(nb201_graph)
    assert copy.op_indices is None and nb201_graph.op_indices == [0, 1, 2, 3, 4, 0]
    assert copy.structure is nb201_graph.structure and not copy.instantiate_model and nb201_graph.instantiate_model
    nb101_graph.set_spec({"matrix": np.eye(2, k=1, dtype=int), "ops": ["input", "output"]})
    assert light_copy(nb101_graph).spec is None and nb101_graph.spec is not None


def test_graphs_to_archs_errors(nb101_graph):
    with pytest.raises(ValueError, match="empty"):
        graphs_to_archs([])
    cells = NB101Space().sample(2, random_state=3)
    graphs = archs_to_graphs(cells, nb101_graph) + [nb101_graph]
    with pytest.raises(ValueError, match="position 2 holds no architecture"):
        graphs_to_archs(graphs)
