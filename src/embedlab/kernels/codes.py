"""Scores of a query against compressed rows, straight from the codes (no decoded matrix).

``lut_scores``: asymmetric distance computation. A codec that stores a row as bytes whose values
each stand for a known piece of the row (int8: one dimension; binary: eight signs; pq: one
sub-vector's centroid) gives a table ``lut[j, byte]`` = the query's dot product with that piece;
a row's score is the sum of its bytes' entries. ``half_scores``: float16 rows read as their bit
patterns and widened in the loop.
"""

from __future__ import annotations

import numpy as np

from embedlab.kernels._common import jit


@jit
def lut_scores(codes, lut, out):
    """``out[i] = sum_j lut[j, codes[i, j]]`` for uint8 ``codes [n, m]`` and float32 ``lut [m, 256]``."""
    n, m = codes.shape
    for i in range(n):
        s = np.float32(0.0)
        for j in range(m):
            s += lut[j, codes[i, j]]
        out[i] = s


@jit
def _half(bits):
    """The float32 value of a float16 bit pattern."""
    sign = -1.0 if (bits >> 15) & 1 else 1.0
    exponent = (bits >> 10) & 0x1F
    fraction = bits & 0x3FF
    if exponent == 0:
        return np.float32(sign * fraction * 2.0**-24)
    if exponent == 31:
        return np.float32(sign * np.inf) if fraction == 0 else np.float32(np.nan)
    return np.float32(sign * (1.0 + fraction / 1024.0) * 2.0 ** (exponent - 15))


@jit
def half_table():
    """All 65,536 float16 values as float32, indexed by bit pattern."""
    out = np.empty(65536, dtype=np.float32)
    for b in range(65536):
        out[b] = _half(np.uint32(b))
    return out


@jit
def half_scores(codes, table, q, out):
    """``out[i] = rows[i] @ q`` for float16 rows given as uint16 bit patterns ``codes [n, d]``."""
    n, d = codes.shape
    for i in range(n):
        s = np.float32(0.0)
        for j in range(d):
            s += table[codes[i, j]] * q[j]
        out[i] = s
