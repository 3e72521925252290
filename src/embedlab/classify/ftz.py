"""fastText's quantized supervised models (``.ftz``): product-quantized matrices and pruned dictionaries.

A quantized matrix stores, for each row, one byte per sub-vector of ``dsub`` dimensions (the
last one may be shorter): the index of one of 256 centroids learnt for that sub-vector; with
``qnorm`` the rows are unit vectors and each row's length is one byte more, an index into 256
centroids of a 1-dimensional quantizer. Layout (``QuantMatrix::save``): qnorm (1 byte), rows and
columns (int64 each), code size (int32), the codes, the quantizer (dim, nsubq, dsub, lastdsub as
int32, then ``dim x 256`` float32 centroids), and with qnorm the length codes and their quantizer.

A pruned dictionary keeps some n-gram buckets: ``pruneidx`` maps a kept bucket to its row after
the word rows; n-grams of other buckets are left out of a line altogether.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import IO, Any

import numpy as np

from embedlab.errors import ConfigError, FormatError

__all__ = ["read_qmatrix", "write_qmatrix"]

KSUB = 256


def _read_pq(data: bytes, pos: int, p: Path) -> tuple[int, int, int, int, np.ndarray, int]:
    dim, nsubq, dsub, lastdsub = struct.unpack_from("<4i", data, pos)
    pos += 16
    if not (0 < dim <= 100_000 and 0 < dsub <= dim and 0 < lastdsub <= dsub and nsubq == -(-dim // dsub)):
        raise FormatError(f"{p}: a product quantizer of dim {dim}, {nsubq} sub-vectors of {dsub} (last {lastdsub}) "
                          "is inconsistent: the file is damaged")  # fmt: skip
    if (nsubq - 1) * dsub + lastdsub != dim or pos + 4 * dim * KSUB > len(data):
        raise FormatError(f"{p}: a product quantizer's centroids do not fit: the file is damaged or truncated")
    centroids = np.frombuffer(data, dtype="<f4", count=dim * KSUB, offset=pos).astype(np.float32)
    return dim, nsubq, dsub, lastdsub, centroids, pos + 4 * dim * KSUB


def _decode(codes: np.ndarray, centroids: np.ndarray, nsubq: int, dsub: int, lastdsub: int) -> np.ndarray:
    """Rows from ``codes [m, nsubq]``: sub-vector ``j`` of a row is centroid ``codes[:, j]`` of quantizer ``j``."""
    out = np.empty((codes.shape[0], (nsubq - 1) * dsub + lastdsub), dtype=np.float32)
    for j in range(nsubq):
        d = lastdsub if j == nsubq - 1 else dsub
        table = centroids[j * KSUB * dsub : j * KSUB * dsub + KSUB * d].reshape(KSUB, d)
        out[:, j * dsub : j * dsub + d] = table[codes[:, j]]
    return out


def read_qmatrix(data: bytes, pos: int, dim: int, p: Path, what: str) -> tuple[np.ndarray, int]:
    """Decode the quantized ``what`` matrix at ``pos``; returns ``float32 [m, dim]`` and the position after it."""
    try:
        qnorm = data[pos] != 0
        m, n = struct.unpack_from("<qq", data, pos + 1)
        (codesize,) = struct.unpack_from("<i", data, pos + 17)
        pos += 21
        if n != dim or m < 0 or codesize < 0 or pos + codesize > len(data):
            raise FormatError(f"{p}: the quantized {what} matrix is {m} x {n} with {codesize} code bytes: "
                              f"the file is damaged or dim is not {dim}")  # fmt: skip
        codes_at = pos
        pos += codesize
        qdim, nsubq, dsub, lastdsub, centroids, pos = _read_pq(data, pos, p)
        if qdim != dim or codesize != m * nsubq:
            raise FormatError(f"{p}: the quantized {what} matrix's codes do not match its quantizer")
        codes = np.frombuffer(data, dtype=np.uint8, count=codesize, offset=codes_at).reshape(m, nsubq)
        rows = _decode(codes, centroids, nsubq, dsub, lastdsub)
        if qnorm:
            if pos + m > len(data):
                raise FormatError(f"{p}: the quantized {what} matrix's length codes are truncated")
            norm_codes = np.frombuffer(data, dtype=np.uint8, count=m, offset=pos)
            pos += m
            ndim, _nsub, _dsub, _last, ncentroids, pos = _read_pq(data, pos, p)
            if ndim != 1:
                raise FormatError(f"{p}: the length quantizer of the {what} matrix is {ndim}-d, not 1-d")
            rows *= ncentroids[norm_codes][:, None]
    except struct.error:
        raise FormatError(f"{p}: the quantized {what} matrix is truncated") from None
    if not np.isfinite(rows).all():
        raise FormatError(f"{p}: the quantized {what} matrix holds NaN or infinite centroids")
    return rows, pos


def _kmeans_pq(x: np.ndarray, dsub: int) -> tuple[np.ndarray, np.ndarray]:
    """(codes [m, nsubq] uint8, centroids in fastText's layout) for the rows ``x`` (faiss k-means)."""
    try:
        import faiss
    except ImportError:
        from embedlab.errors import MissingDependencyError

        raise MissingDependencyError("faiss-cpu", "search") from None
    m, dim = x.shape
    if m < KSUB:
        raise ConfigError(f"quantizing needs at least {KSUB} rows (fastText's rule), the model has {m}")
    nsubq = -(-dim // dsub)
    lastdsub = dim - (nsubq - 1) * dsub
    codes = np.empty((m, nsubq), dtype=np.uint8)
    parts = []
    for j in range(nsubq):
        d = lastdsub if j == nsubq - 1 else dsub
        sub = np.ascontiguousarray(x[:, j * dsub : j * dsub + d], dtype=np.float32)
        km = faiss.Kmeans(d, KSUB, niter=25, seed=j + 1, max_points_per_centroid=max(256, m // KSUB + 1))
        km.train(sub)
        _dist, assign = km.index.search(sub, 1)
        codes[:, j] = assign[:, 0].astype(np.uint8)
        parts.append(np.asarray(km.centroids, dtype=np.float32).ravel())
    return codes, np.concatenate(parts)


def write_qmatrix(fh: IO[bytes], rows: np.ndarray, dsub: int = 2, qnorm: bool = True) -> None:
    """Write ``rows`` as fastText's quantized matrix (``dsub`` dimensions a byte; ``qnorm``: lengths apart)."""
    x = np.asarray(rows, dtype=np.float32)
    m, dim = x.shape
    if not 0 < dsub <= dim:
        raise ConfigError(f"dsub must be between 1 and the dimension ({dim}), got {dsub}")
    norms = np.linalg.norm(x, axis=1)
    if qnorm:
        x = (x / np.where(norms > 0, norms, 1.0)[:, None]).astype(np.float32)
    codes, centroids = _kmeans_pq(x, dsub)
    nsubq = codes.shape[1]
    fh.write(struct.pack("<?qqi", qnorm, m, dim, m * nsubq))
    fh.write(codes.tobytes())
    _write_pq(fh, dim, nsubq, dsub, dim - (nsubq - 1) * dsub, centroids)
    if qnorm:
        ncodes, ncentroids = _kmeans_pq(norms[:, None].astype(np.float32), 1)
        fh.write(ncodes.tobytes())
        _write_pq(fh, 1, 1, 1, 1, ncentroids)


def _write_pq(fh: IO[bytes], dim: int, nsubq: int, dsub: int, lastdsub: int, centroids: Any) -> None:
    fh.write(struct.pack("<4i", dim, nsubq, dsub, lastdsub))
    fh.write(np.ascontiguousarray(centroids, dtype="<f4").tobytes())
