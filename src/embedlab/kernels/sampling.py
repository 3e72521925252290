"""Vose alias tables: O(1) draws from a discrete distribution (built here, drawn by ``draw_alias``)."""

from __future__ import annotations

import numpy as np

from embedlab.kernels._common import jit


@jit
def vose_fill(scaled, prob, alias):
    n = scaled.shape[0]
    small = np.empty(n, np.int64)
    large = np.empty(n, np.int64)
    ns = 0
    nl = 0
    for i in range(n):
        if scaled[i] < 1.0:
            small[ns] = i
            ns += 1
        else:
            large[nl] = i
            nl += 1
    while ns > 0 and nl > 0:
        ns -= 1
        s = small[ns]
        nl -= 1
        g = large[nl]
        prob[s] = scaled[s]
        alias[s] = g
        scaled[g] = scaled[g] + scaled[s] - 1.0
        if scaled[g] < 1.0:
            small[ns] = g
            ns += 1
        else:
            large[nl] = g
            nl += 1
    for k in range(nl):
        prob[large[k]] = 1.0
        alias[large[k]] = large[k]
    for k in range(ns):  # only reached through rounding error
        prob[small[k]] = 1.0
        alias[small[k]] = small[k]
