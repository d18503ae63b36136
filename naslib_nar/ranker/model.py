"""The NAR network (paper Fig. 2): patch tokens, encoder, score head, tier decoder, classifier.

Layout follows timm: blocks (in ``layers.py``), then the model class, then the presets,
then one factory. The model is a pure function of its inputs plus two buffers: the
sinusoidal positions and the K tier embeddings, which are running means of encoder
features (Eq. 13) rather than learned weights, and are saved with the model.
"""
from __future__ import annotations

from typing import Any, Optional, Tuple

import torch
from torch import nn

from .layers import EncoderBlock, TierDecoderBlock, sinusoidal_positions
from .presets import OP_CODES, TOKEN_SHAPES, model_preset


class NARModel(nn.Module):
    """Neural Architecture Ranker.

    Args:
        n_tokens: N, the number of channels of the feature tensor (19 for NB101, 31 for NB201).
        patch_size: P, each token is a flattened P x P matrix.
        n_tiers: K quality tiers (tier 0 is the best).
        dim: token width D.
        depth: L, number of encoder layers (and decoder layers unless ``decoder_depth``).
        num_heads: attention heads.
        mlp_dim: FFN hidden width.
        dropout: dropout in attention and FFN.
        score_hidden: hidden width of the score head (Eq. 8).
        tier_hidden: hidden width of the tier classifier (Eq. 11).
        decoder_depth: decoder layers; defaults to ``depth`` as in the paper.
        n_op_codes: if set, token 0 (the operation matrix, integer op codes) is embedded
            from its one-hot encoding instead of a linear map of the raw codes. The
            paper's linear map sees codes as magnitudes (NB201: "none" = 0 looks like a
            missing edge, avg_pool = 4 sits next to conv3x3 = 3); one-hot removes that.
    """

    def __init__(
        self,
        *,
        n_tokens: int,
        patch_size: int,
        n_tiers: int = 5,
        dim: int = 128,
        depth: int = 6,
        num_heads: int = 4,
        mlp_dim: int = 512,
        dropout: float = 0.1,
        score_hidden: int = 1024,
        tier_hidden: int = 256,
        decoder_depth: Optional[int] = None,
        n_op_codes: Optional[int] = None,
    ) -> None:
        super().__init__()
        self.n_tokens, self.patch_size, self.n_tiers, self.dim = n_tokens, patch_size, n_tiers, dim
        self.n_op_codes = n_op_codes
        self.patch_embed = nn.Linear(patch_size * patch_size, dim)
        self.op_embed = nn.Linear(patch_size * patch_size * n_op_codes, dim) if n_op_codes else None
        # Per-element input standardisation (set from the training set by the estimator;
        # identity by default). Channel 0 stays raw when it is one-hot embedded.
        self.register_buffer("input_mean", torch.zeros(n_tokens, patch_size, patch_size))
        self.register_buffer("input_std", torch.ones(n_tokens, patch_size, patch_size))
        self.register_buffer("pos_embed", sinusoidal_positions(n_tokens, dim), persistent=False)
        self.embed_drop = nn.Dropout(dropout)
        self.encoder = nn.ModuleList(EncoderBlock(dim, num_heads, mlp_dim, dropout) for _ in range(depth))
        self.encoder_norm = nn.LayerNorm(dim, eps=1e-6)
        # Eq. 8: two bias-free linear layers with ReLU on the flattened features.
        self.score_head = nn.Sequential(
            nn.Linear(n_tokens * dim, score_hidden, bias=False), nn.ReLU(), nn.Linear(score_hidden, 1, bias=False)
        )
        # Tier embeddings e_i (K, N, D): running means of encoder features, not parameters.
        self.register_buffer("tier_embeddings", torch.zeros(n_tiers, n_tokens, dim))
        self.register_buffer("tier_counts", torch.zeros(n_tiers, dtype=torch.float64))
        # A learned projection of the tier embeddings before the decoder (as in the reference code).
        self.tier_proj = nn.Linear(dim, dim)
        n_dec = depth if decoder_depth is None else decoder_depth
        self.decoder = nn.ModuleList(TierDecoderBlock(dim, num_heads, mlp_dim, dropout) for _ in range(n_dec))
        self.decoder_norm = nn.LayerNorm(dim, eps=1e-6)
        # Eq. 11: linear-ReLU-linear on the flattened sum of the K decoder outputs.
        self.tier_head = nn.Sequential(
            nn.Linear(n_tokens * dim, tier_hidden, bias=False), nn.ReLU(), nn.Linear(tier_hidden, n_tiers)
        )
        self._init_weights()

    def _init_weights(self) -> None:
        for p in self.parameters():
            if p.dim() > 1:
                nn.init.xavier_uniform_(p)

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """(B, N, P, P) feature tensors -> x_alpha (B, N, D) (Eq. 4-7)."""
        tokens = self.patch_embed(((x - self.input_mean) / self.input_std).flatten(2))
        if self.op_embed is not None:
            codes = x[:, 0].round().long().clamp(0, self.n_op_codes - 1).flatten(1)
            one_hot = torch.nn.functional.one_hot(codes, self.n_op_codes).flatten(1).to(tokens.dtype)
            tokens = torch.cat([self.op_embed(one_hot).unsqueeze(1), tokens[:, 1:]], dim=1)
        tokens = tokens + self.pos_embed
        tokens = self.embed_drop(tokens)
        for block in self.encoder:
            tokens = block(tokens)
        return self.encoder_norm(tokens)

    def forward_score(self, features: torch.Tensor) -> torch.Tensor:
        """x_alpha -> relative score y_hat (B,), higher is better (Eq. 8)."""
        return self.score_head(features.flatten(1)).squeeze(-1)

    def forward_tiers(self, features: torch.Tensor) -> torch.Tensor:
        """x_alpha -> tier logits (B, K), all K tier queries in one pass (Eq. 10-11)."""
        queries = self.tier_proj(self.tier_embeddings) + self.pos_embed  # (K, N, D)
        z = self.embed_drop(queries).unsqueeze(0)  # (1, K, N, D): shared by every architecture
        for block in self.decoder:
            z = block(z, features)
        z = self.decoder_norm(z).sum(dim=1)  # z = sum_i z_i, (B, N, D)
        return self.tier_head(z.flatten(1))

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Return (scores (B,), tier logits (B, K), features (B, N, D))."""
        features = self.forward_features(x)
        return self.forward_score(features), self.forward_tiers(features), features

    @torch.no_grad()
    def update_tier_embeddings(self, features: torch.Tensor, tiers: torch.Tensor) -> None:
        """Fold a batch of features into the running mean of each tier (Eq. 13)."""
        feats = features.detach().to(self.tier_embeddings.dtype)
        one_hot = torch.nn.functional.one_hot(tiers, self.n_tiers).to(feats.dtype)  # (B, K)
        batch_counts = one_hot.sum(0)
        batch_sums = torch.einsum("bk,bnd->knd", one_hot, feats)
        old = self.tier_counts.to(feats.dtype)
        new = old + batch_counts
        present = batch_counts > 0
        mean = (self.tier_embeddings * old[:, None, None] + batch_sums) / new.clamp(min=1)[:, None, None]
        self.tier_embeddings[present] = mean[present]
        self.tier_counts += batch_counts.to(self.tier_counts.dtype)

    @torch.no_grad()
    def set_input_standardisation(self, tensors: torch.Tensor) -> None:
        """Per-element mean/std of the training tensors (zero std -> 1, i.e. left unscaled)."""
        mean = tensors.mean(dim=0)
        std = tensors.std(dim=0, unbiased=False)
        std = torch.where(std > 1e-12, std, torch.ones_like(std))
        if self.op_embed is not None:  # the op codes are embedded one-hot, never rescaled
            mean[0], std[0] = 0.0, 1.0
        self.input_mean.copy_(mean)
        self.input_std.copy_(std)

    @torch.no_grad()
    def restart_tier_means(self) -> None:
        """Start a new running mean at the next update, keeping the current embeddings until then.

        Called at each epoch start: the reference code restarts its means from zeros each
        epoch, so the first batch of every epoch (and its search) saw zero embeddings; here
        the previous epoch's means stay in use until fresh features replace them.
        """
        self.tier_counts.zero_()


def create_ranker_model(space: str, preset: str = "faithful", *, n_tiers: int = 5, **overrides: Any) -> NARModel:
    """Build a :class:`NARModel` for ``space`` from a preset, with keyword overrides.

    ``op_embedding`` selects the one-hot op-code embedding; ``standardize_inputs`` is a
    training-time setting (the estimator fits the statistics) and is ignored here.
    """
    kwargs = {**model_preset(space, preset), **{k: v for k, v in overrides.items() if v is not None}}
    n_tokens, patch = TOKEN_SHAPES[space]
    kwargs.pop("standardize_inputs", None)
    n_op_codes = OP_CODES[space] if kwargs.pop("op_embedding", False) else None
    return NARModel(n_tokens=n_tokens, patch_size=patch, n_tiers=n_tiers, n_op_codes=n_op_codes, **kwargs)
