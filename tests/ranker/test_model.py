import pytest
import torch
import torch.nn.functional as F

from naslib_nar.ranker.layers import Attention
from naslib_nar.ranker.model import NARModel, create_ranker_model


def _model(**kw):
    torch.manual_seed(0)
    return NARModel(n_tokens=31, patch_size=4, n_tiers=5, dim=32, depth=2, num_heads=4, mlp_dim=64, dropout=0.0,
                    score_hidden=16, tier_hidden=16, **kw).eval()


def test_shapes_and_finite():
    model = _model()
    scores, logits, feats = model(torch.randn(7, 31, 4, 4))
    assert scores.shape == (7,) and logits.shape == (7, 5) and feats.shape == (7, 31, 32)
    assert torch.isfinite(scores).all() and torch.isfinite(logits).all()


@pytest.mark.skipif(not hasattr(F, "scaled_dot_product_attention"), reason="torch < 2.0 has no fused attention")
def test_fused_and_plain_attention_agree(monkeypatch):
    """The ``fused_attn`` flag switches every attention layer between the fused kernel and
    the plain softmax path, and both compute the same outputs."""
    model = _model()
    attention = [m for m in model.modules() if isinstance(m, Attention)]
    assert len(attention) == 6 and all(m.fused_attn for m in attention)  # 2 encoder + 2 x 2 decoder layers
    calls = []

    def counting_sdpa(*args, **kwargs):
        calls.append(1)
        return sdpa(*args, **kwargs)

    sdpa = F.scaled_dot_product_attention
    monkeypatch.setattr(F, "scaled_dot_product_attention", counting_sdpa)
    x = torch.randn(5, 31, 4, 4)
    with torch.no_grad():
        model.update_tier_embeddings(torch.randn(10, 31, 32), torch.arange(10) % 5)
        fused = model(x)
        assert len(calls) == len(attention)
        for module in attention:
            module.fused_attn = False
        plain = model(x)
        assert len(calls) == len(attention)  # the plain path never reached the fused kernel
    for a, b in zip(fused, plain):
        assert torch.allclose(a, b, atol=1e-5)


def test_batched_tiers_equal_one_pass_per_tier():
    """The one-pass decoder must compute exactly what K separate decoder passes compute."""
    model = _model()
    x = torch.randn(4, 31, 4, 4)
    with torch.no_grad():
        model.update_tier_embeddings(torch.randn(20, 31, 32), torch.arange(20) % 5)
        feats = model.forward_features(x)
        batched = model.forward_tiers(feats)
        queries = model.tier_proj(model.tier_embeddings) + model.pos_embed
        total = 0
        for tier in range(5):
            z = queries[tier][None, None]  # (1, 1, N, D): one tier at a time
            for block in model.decoder:
                z = block(z, feats)
            total = total + model.decoder_norm(z)[:, 0]
        looped = model.tier_head(total.flatten(1))
    assert torch.allclose(batched, looped, atol=1e-5)


def test_tier_embeddings_are_running_means():
    model = _model()
    a, b = torch.randn(3, 31, 32), torch.randn(2, 31, 32)
    model.update_tier_embeddings(a, torch.tensor([1, 1, 1]))
    model.update_tier_embeddings(b, torch.tensor([1, 1]))
    assert torch.allclose(model.tier_embeddings[1], torch.cat([a, b]).mean(0), atol=1e-6)
    assert model.tier_counts[1].item() == 5 and model.tier_embeddings[0].abs().sum() == 0


def test_faithful_presets_match_reference_sizes():
    n201 = sum(p.numel() for p in create_ranker_model("nb201", "faithful").parameters())
    n101 = sum(p.numel() for p in create_ranker_model("nb101", "faithful").parameters())
    assert 7.5e6 < n201 < 8.5e6 and 30e6 < n101 < 32e6
