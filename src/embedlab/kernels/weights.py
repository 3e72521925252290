"""Compacting padded weight matrices in place after training (no second full-size copy)."""

from __future__ import annotations

from embedlab.kernels._common import jit


@jit
def compact_in_place(flat, rows, width, dim):
    """Move row ``r``'s first ``dim`` of ``width`` floats to ``flat[r * dim:]``; rows only move down."""
    for r in range(rows):
        src = r * width
        dst = r * dim
        for d in range(dim):
            flat[dst + d] = flat[src + d]
