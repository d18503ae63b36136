"""The few-label training recipe: batch size and length from the training-set size,
NB101 relabelled copies, and the weight average (EMA)."""
import numpy as np
import pytest
import torch

from naslib_nar.ranker import NeuralArchitectureRanker
from naslib_nar.ranker.presets import train_preset
from naslib_nar.ranker.training import TrainConfig, train_nar
from naslib_nar.ranker.model import create_ranker_model


def _config(**kw):
    values = dict(train_preset("nb201", "tiny"), epochs=2, batch_size=128)
    values.update(kw)
    return TrainConfig(**values)


@pytest.mark.parametrize("n, batches, expected", [(1563, 8, 128), (156, 8, 19), (60, 8, 16), (10, 8, 16), (156, 1, 128)])
def test_batch_size_follows_the_training_set(n, batches, expected):
    assert _config(batches_per_epoch=batches).batch_size_for(n) == expected


def _train(n, copies=0, **kw):
    torch.manual_seed(0)
    model = create_ranker_model("nb201", "tiny")
    x = torch.randn(n * (copies + 1), 31, 4, 4)
    x[:, 0] = torch.randint(0, 5, (len(x), 4, 4)).float()
    y = torch.rand(len(x))
    tiers = torch.randint(0, 5, (len(x),))
    return train_nar(model, x, y, tiers, _config(**kw), generator=torch.Generator().manual_seed(0),
                     device=torch.device("cpu"), n_distinct=n), model


def test_min_steps_lengthen_training_and_copies_add_no_steps():
    plain, _ = _train(64, epochs=2, batches_per_epoch=4, min_steps=30)
    assert plain["steps"] == 32 and len(plain["loss"]) == 8  # 4 batches an epoch, 8 epochs >= 30 steps
    augmented, _ = _train(64, copies=3, epochs=2, batches_per_epoch=4, min_steps=30)
    assert augmented["steps"] == 32 and len(augmented["loss"]) == 2  # 16 batches an epoch
    assert _train(64, epochs=2, batches_per_epoch=4)[0]["steps"] == 8  # no minimum: epochs decide


def test_ema_returns_the_averaged_weights():
    _, raw = _train(64, epochs=3, batches_per_epoch=4)
    _, averaged = _train(64, epochs=3, batches_per_epoch=4, ema_decay=0.9)
    assert not torch.equal(raw.score_head[0].weight, averaged.score_head[0].weight)


def test_nb101_augmentation_trains_on_relabelled_copies(small_nb101):
    archs, y = small_nb101
    est = NeuralArchitectureRanker(preset="tiny", epochs=2, augment=2, random_state=0).fit(archs[:40], y[:40])
    assert est.config_["augment"] == 2
    assert est.tier_statistics_.aggregate.tier_sizes.sum() == 40  # statistics count each cell once
    scores = est.predict(archs[40:])
    assert np.isfinite(scores).all()
    again = NeuralArchitectureRanker(preset="tiny", epochs=2, augment=2, random_state=0).fit(archs[:40], y[:40])
    np.testing.assert_array_equal(again.predict(archs[40:]), scores)


def test_augment_on_nb201_is_a_clear_error(small_nb201):
    archs, y = small_nb201
    with pytest.raises(ValueError, match="only NB101 cells can be relabelled"):
        NeuralArchitectureRanker(preset="tiny", epochs=1, augment=1).fit(archs[:20], y[:20])


def test_fast_preset_recipe_and_faithful_unchanged():
    fast, faithful = train_preset("nb101", "fast"), train_preset("nb101", "faithful")
    assert fast["min_steps"] == 1000 and fast["batches_per_epoch"] == 8
    assert faithful["min_steps"] == 0 and faithful["batches_per_epoch"] == 1 and faithful["lr_mul"] == 0.1


def test_ema_is_left_out_from_ema_max_train_architectures_on():
    _, raw = _train(64, epochs=3, batches_per_epoch=4)
    _, many = _train(64, epochs=3, batches_per_epoch=4, ema_decay=0.9, ema_max_train=64)
    assert torch.equal(raw.score_head[0].weight, many.score_head[0].weight)
