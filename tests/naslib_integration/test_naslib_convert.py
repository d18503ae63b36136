"""Conversions between NASLib graphs and our architecture arrays (NB201, NB101)."""
from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("naslib")

from naslib.search_spaces.nasbench201.conversions import (  # noqa: E402
    convert_op_indices_to_str,
    convert_str_to_op_indices,
)

from naslib_nar.naslib.convert import (  # noqa: E402
    archs_to_graphs,
    graphs_to_archs,
    light_copy,
    nb101_to_naslib_specs,
    nb201_from_naslib,
    nb201_to_naslib,
    space_of,
)
from naslib_nar.spaces.nb101 import NB101Space  # noqa: E402
from naslib_nar.spaces.nb201 import NB201Space  # noqa: E402

pytestmark = pytest.mark.naslib
ALL_NASLIB_INDICES = np.array(list(itertools.product(range(5), repeat=6)))


def test_all_nb201_indices_match_naslibs_arch_strings():
    ours = nb201_from_naslib(ALL_NASLIB_INDICES)
    assert ours.shape == (15625, 6) and ours.dtype == np.int8
    assert NB201Space().to_strings(ours) == [convert_op_indices_to_str(row) for row in ALL_NASLIB_INDICES.tolist()]
    np.testing.assert_array_equal(nb201_to_naslib(ours), ALL_NASLIB_INDICES)


def test_nb201_strings_round_trip_through_naslib():
    strings = NB201Space().to_strings(NB201Space().sample(300, random_state=0))
    naslib_indices = np.array([convert_str_to_op_indices(s) for s in strings])
    np.testing.assert_array_equal(nb201_to_naslib(strings), naslib_indices)
    assert NB201Space().to_strings(nb201_from_naslib(naslib_indices)) == strings


def test_nb201_graphs_round_trip(synthetic_nb201_api):
    from naslib.search_spaces import NasBench201SearchSpace
    from naslib.search_spaces.core.query_metrics import Metric

    from naslib_nar.naslib.search_spaces import LightNasBench201SearchSpace

    archs = NB201Space().sample(200, random_state=1)
    template = LightNasBench201SearchSpace()
    graphs = archs_to_graphs(archs, template)
    np.testing.assert_array_equal(graphs_to_archs(graphs), archs)
    assert [g.get_hash() for g in graphs] == [tuple(r) for r in nb201_to_naslib(archs).tolist()]
    # light graphs answer queries for their own architecture
    val = synthetic_nb201_api["nb201_data"][NB201Space().to_strings(archs[:1])[0]]["cifar10-valid"]["eval_acc1es"][-1]
    assert graphs[0].query(Metric.VAL_ACCURACY, "cifar10", dataset_api=synthetic_nb201_api) == val
    # a full NASLib graph (ops wired into the network) converts the same way
    full = NasBench201SearchSpace()
    full.set_spec(nb201_to_naslib(archs[:1])[0].tolist())
    full.op_indices = None  # make get_op_indices read the wired ops
    np.testing.assert_array_equal(graphs_to_archs([full]), archs[:1])


def test_light_copy_is_independent_of_its_template():
    from naslib_nar.naslib.search_spaces import LightNasBench201SearchSpace

    template = LightNasBench201SearchSpace()
    a, b = light_copy(template), template.clone()
    a.set_spec([0, 1, 2, 3, 4, 0])
    b.set_spec([1, 1, 1, 1, 1, 1])
    assert template.op_indices is None and a.get_hash() != b.get_hash()
    assert space_of(a) == "nb201"
    with pytest.raises(ValueError, match="nasbench101"):
        space_of("nasbench301")


def test_light_nb201_neighbourhood():
    from naslib_nar.naslib.search_spaces import LightNasBench201SearchSpace

    arch = LightNasBench201SearchSpace().clone()
    arch.set_spec([0, 1, 2, 3, 4, 0])
    hashes = {holder.arch.get_hash() for holder in arch.get_nbhd()}
    assert len(hashes) == 24 and all(sum(x != y for x, y in zip(h, arch.get_hash())) == 1 for h in hashes)


def _naslib_hash(spec, nb101_api):
    return nb101_api.ModelSpec(matrix=np.asarray(spec["matrix"]), ops=list(spec["ops"])).hash_spec(
        ["conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3"])


def _random_naslib_specs(n, seed):
    """Specs drawn like NASLib's NB101 sampler (random 7x7 upper-triangular, random ops), kept when valid."""
    import naslib.utils.nb101_api as nb101_api

    rng = np.random.default_rng(seed)
    ops_choice = ["conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3"]
    specs = []
    while len(specs) < n:
        matrix = np.triu(rng.integers(0, 2, size=(7, 7)), 1)
        ops = ["input"] + [ops_choice[i] for i in rng.integers(0, 3, size=5)] + ["output"]
        spec = nb101_api.ModelSpec(matrix=matrix, ops=ops)
        if spec.valid_spec and np.sum(spec.matrix) <= 9:
            specs.append({"matrix": matrix, "ops": ops})
    return specs


def test_nb101_specs_round_trip_and_hash():
    import naslib.utils.nb101_api as nb101_api

    specs = _random_naslib_specs(300, seed=0)
    cells = NB101Space().as_batch(specs)
    back = nb101_to_naslib_specs(cells)
    assert all(s["matrix"].shape == (7, 7) and len(s["ops"]) == 7 for s in back)
    again = NB101Space().as_batch(back)
    np.testing.assert_array_equal(again.adj, cells.adj)
    np.testing.assert_array_equal(again.ops, cells.ops)
    expected = [_naslib_hash(s, nb101_api) for s in specs]
    assert NB101Space().hash(cells).tolist() == expected
    assert [_naslib_hash(s, nb101_api) for s in back] == expected


def test_nb101_graphs_round_trip_on_naslibs_fixture():
    import naslib.utils.nb101_api as nb101_api

    from naslib_nar.naslib.search_spaces import LightNasBench101SearchSpace

    fixture = Path(nb101_api.__file__).resolve().parents[2] / "tests" / "assets" / "nb101_dummy.pkl"
    if not fixture.is_file():
        pytest.skip("NASLib's tests/assets/nb101_dummy.pkl is not in this NASLib checkout")
    data = nb101_api.NASBench(str(fixture))
    template = LightNasBench101SearchSpace()
    graphs = []
    for h in data.hash_iterator():  # NASLib's own way to set a cell from its hash
        graph = template.clone()
        graph.set_spec(h, dataset_api={"api": nb101_api, "nb101_data": data})
        graphs.append(graph)
    cells = graphs_to_archs(graphs)
    assert NB101Space().hash(cells).tolist() == list(data.hash_iterator())
    rebuilt = archs_to_graphs(cells, template)
    api = {"api": nb101_api, "nb101_data": data}
    from naslib.search_spaces.core.query_metrics import Metric

    for old, new in zip(graphs, rebuilt):
        assert new.query(Metric.PARAMETERS, "cifar10", dataset_api=api) == \
            old.query(Metric.PARAMETERS, "cifar10", dataset_api=api)
        assert len(new.encode()) == len(old.encode())
