"""Samplers: validity over thousands of draws, op statistics followed, uniform whole space."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import chisquare

from naslib_nar.search.samplers import NB101Sampler, NB201Sampler, make_sampler
from naslib_nar.spaces.nb101 import NB101Space
from naslib_nar.spaces.nb201 import NB201Space


def test_nb101_structured_cells_are_valid_pruned_and_small():
    cells = NB101Sampler().structured(4000, np.random.default_rng(0))
    assert len(cells) == 4000
    assert (cells.adj.sum(axis=(1, 2)) <= 9).all()
    # Re-validating and pruning the specs gives back the same cells: they are valid and pruned.
    specs = cells.to_specs()
    again = NB101Space().as_batch(specs)
    np.testing.assert_array_equal(again.adj, cells.adj)
    np.testing.assert_array_equal(again.ops, cells.ops)
    # Not only the trivial cell: pruning leaves a spread of sizes, some with 7 vertices.
    sizes = np.bincount(cells.num_vertices, minlength=8)
    assert sizes[7] > 0 and sizes[2] < 0.2 * len(cells)


def test_nb101_ops_follow_the_given_distribution():
    probs = np.array([0.6, 0.3, 0.1])
    sampler = NB101Sampler()
    # Before pruning every interior vertex gets an op from probs; pruning removes vertices
    # independently of their op, so the surviving ops follow probs too.
    cells = sampler.structured(3000, np.random.default_rng(1), probs)
    ops = cells.ops[:, 1:6]
    counts = np.bincount(ops[ops >= 0], minlength=3)
    assert chisquare(counts, counts.sum() * probs).pvalue > 1e-3
    uniform = sampler.structured(3000, np.random.default_rng(2))
    ops = uniform.ops[:, 1:6]
    counts = np.bincount(ops[ops >= 0], minlength=3)
    assert chisquare(counts).pvalue > 1e-3


def test_nb101_uniform_covers_the_whole_space():
    cells = NB101Sampler().uniform(4000, np.random.default_rng(3))
    # 85% of the 423,624 unique cells have 7 vertices (nasbench's random-matrix sampler: 0.3%).
    share7 = np.mean(cells.num_vertices == 7)
    assert 0.82 < share7 < 0.88


def test_nb201_samples_are_valid_and_follow_statistics():
    sampler = NB201Sampler("cifar10")
    archs = sampler.uniform(6000, np.random.default_rng(4))
    assert archs.shape == (6000, 6) and archs.min() >= 0 and archs.max() <= 4
    assert chisquare(np.bincount(archs.ravel(), minlength=5)).pvalue > 1e-3
    probs = np.array([0.05, 0.1, 0.2, 0.5, 0.15])
    archs = sampler.structured(3000, np.random.default_rng(5), probs)
    NB201Space().as_batch(archs)  # validates
    counts = np.bincount(archs.ravel(), minlength=5)
    assert chisquare(counts, counts.sum() * probs).pvalue > 1e-3


def test_costs_match_the_ranker_features():
    from naslib_nar.spaces.encoded import encode_archs

    sampler = NB201Sampler("imagenet16")
    archs = sampler.uniform(50, np.random.default_rng(6))
    enc = encode_archs(archs, space="nb201", dataset="imagenet16")
    flops, params = sampler.costs(archs)
    np.testing.assert_array_equal(flops, enc.flops)
    np.testing.assert_array_equal(params, enc.params)


def test_bad_op_probabilities_and_space_are_rejected():
    with pytest.raises(ValueError, match="op_probs"):
        NB201Sampler().structured(3, np.random.default_rng(0), np.array([0.5, 0.5]))
    with pytest.raises(ValueError, match="search space"):
        make_sampler("nb301")
