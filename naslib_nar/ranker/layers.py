"""Transformer building blocks of the NAR (paper Eq. 4-7 and 10).

Pre-LayerNorm blocks as written in the paper (LN on each block's input, residual add,
final LN); the reference code uses post-LN blocks instead, which train less stably with
the Transformer warm-up schedule. Attention uses ``F.scaled_dot_product_attention``
when available (``fused_attn``) with an exact softmax fallback, as in timm.
"""
from __future__ import annotations

import math
from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn


def sinusoidal_positions(n_positions: int, dim: int) -> torch.Tensor:
    """The fixed sine/cosine table of "Attention is all you need" (paper Eq. 4)."""
    position = torch.arange(n_positions, dtype=torch.float64).unsqueeze(1)
    div = torch.exp(torch.arange(0, dim, 2, dtype=torch.float64) * (-math.log(10000.0) / dim))
    table = torch.zeros(n_positions, dim, dtype=torch.float64)
    table[:, 0::2] = torch.sin(position * div)
    table[:, 1::2] = torch.cos(position * div[: dim // 2])
    return table.float()


class Attention(nn.Module):
    """Multi-head attention; queries and keys/values may come from different sequences.

    Args:
        dim: token width D.
        num_heads: number of heads; must divide ``dim``.
        attn_drop: dropout on the attention weights.
        proj_drop: dropout on the output projection.
        self_attention: fuse the q/k/v projections into one matmul (keys = queries).
    """

    def __init__(
        self, dim: int, num_heads: int, *, attn_drop: float = 0.0, proj_drop: float = 0.0, self_attention: bool = True
    ) -> None:
        super().__init__()
        if dim % num_heads:
            raise ValueError(f"dim={dim} must be divisible by num_heads={num_heads}.")
        self.num_heads = num_heads
        self.head_dim = dim // num_heads
        self.scale = self.head_dim**-0.5
        self.self_attention = self_attention
        if self_attention:
            self.qkv = nn.Linear(dim, 3 * dim, bias=False)
        else:
            self.q = nn.Linear(dim, dim, bias=False)
            self.kv = nn.Linear(dim, 2 * dim, bias=False)
        self.proj = nn.Linear(dim, dim, bias=False)
        self.attn_drop = nn.Dropout(attn_drop)
        self.proj_drop = nn.Dropout(proj_drop)
        self.fused_attn = hasattr(F, "scaled_dot_product_attention")

    def _heads(self, x: torch.Tensor) -> torch.Tensor:
        b, n, _ = x.shape
        return x.view(b, n, self.num_heads, self.head_dim).transpose(1, 2)

    def forward(self, x: torch.Tensor, memory: Optional[torch.Tensor] = None) -> torch.Tensor:
        """``x``: (Bq, Nq, D) queries; ``memory``: (B, Nk, D) keys/values (``x`` if None).

        Cross-attention accepts Bq = 1 queries shared by all B memories (the tier queries
        before the first cross-attention): they are projected once, then broadcast.
        """
        n, d = x.shape[1], x.shape[2]
        if self.self_attention:
            q, k, v = self.qkv(x).chunk(3, dim=-1)
        else:
            q = self.q(x)
            k, v = self.kv(x if memory is None else memory).chunk(2, dim=-1)
        q, k, v = self._heads(q), self._heads(k), self._heads(v)
        b = k.shape[0]
        if q.shape[0] != b:
            q = q.expand(b, -1, -1, -1)
        if self.fused_attn:
            out = F.scaled_dot_product_attention(q, k, v, dropout_p=self.attn_drop.p if self.training else 0.0)
        else:
            attn = (q * self.scale) @ k.transpose(-2, -1)
            out = self.attn_drop(attn.softmax(dim=-1)) @ v
        out = out.transpose(1, 2).reshape(b, n, d)
        return self.proj_drop(self.proj(out))


class FeedForward(nn.Module):
    """Position-wise two-layer MLP with ReLU (the FFN of Eq. 6)."""

    def __init__(self, dim: int, hidden: int, drop: float = 0.0) -> None:
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)
        self.drop = nn.Dropout(drop)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.drop(self.fc2(F.relu(self.fc1(x))))


class EncoderBlock(nn.Module):
    """x' = MSA(LN(x)) + x; x = FFN(LN(x')) + x' (Eq. 5-6)."""

    def __init__(self, dim: int, num_heads: int, mlp_dim: int, drop: float = 0.0) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, num_heads, attn_drop=drop, proj_drop=drop)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = FeedForward(dim, mlp_dim, drop)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class TierDecoderBlock(nn.Module):
    """One decoder layer run for all K tier queries of every architecture at once.

    Queries have shape (Bq, K, N, D) with Bq in {1, B}: the tier embeddings are the same
    for every architecture, so before the first cross-attention they are computed once
    (Bq = 1) and broadcast. Self-attention stays within each tier's N tokens; the
    cross-attention of every tier token reads the same architecture features, so all
    K*N tier tokens of an architecture attend in one call (Eq. 10) and the key/value
    projection of the architecture features is computed once instead of K times.
    """

    def __init__(self, dim: int, num_heads: int, mlp_dim: int, drop: float = 0.0) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.self_attn = Attention(dim, num_heads, attn_drop=drop, proj_drop=drop)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.cross_attn = Attention(dim, num_heads, attn_drop=drop, proj_drop=drop, self_attention=False)
        self.norm3 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = FeedForward(dim, mlp_dim, drop)

    def forward(self, z: torch.Tensor, memory: torch.Tensor) -> torch.Tensor:
        """``z``: (Bq, K, N, D) tier tokens; ``memory``: (B, N, D) architecture features."""
        bq, k, n, d = z.shape
        z = z + self.self_attn(self.norm1(z).reshape(bq * k, n, d)).view(bq, k, n, d)
        b = memory.shape[0]
        z = z + self.cross_attn(self.norm2(z).reshape(bq, k * n, d), memory).view(b, k, n, d)
        return z + self.mlp(self.norm3(z))
