"""Graphs in compressed sparse row form, read from edge lists.

An edge-list file has one edge per line, ``u v`` or ``u v weight``, separated by whitespace (tabs or
spaces); ``.gz``, ``.bz2`` and ``.xz`` files are read directly; blank lines and lines starting
with ``#`` or ``%`` are skipped. Node ids are strings; when every id is an integer the nodes are
ordered by value, otherwise by first appearance.

How the edge list is read, said once:

- **undirected** (the default): each line ``u v`` is the edge both ways;
- **duplicates**: an edge listed more than once (``u v`` twice, or ``u v`` and ``v u`` in an
  undirected graph) is one edge; its weight is the largest one listed (``duplicates="sum"`` adds
  them, as for co-occurrence counts listed in parts);
- **self-loops** ``u u`` are kept (a walk may stay on the node), or dropped with
  ``self_loops=False``;
- a weight must be a positive finite number; a line with one field or more than three is an
  error naming the file and line.

>>> g = Graph.from_edges([("a", "b"), ("b", "c")])
>>> g.n_nodes, g.n_edges, g.neighbours("b")
(3, 2, ['a', 'c'])
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from embedlab._validation import is_number
from embedlab.errors import ConfigError, CorpusError, FormatError, UnknownKeyError
from embedlab.text.readers import read_utf8, split_lines
from embedlab.vocab.vocab import index_names

__all__ = ["Graph", "read_edgelist"]

PathLike = str | os.PathLike[str]
_COMMENTS = ("#", "%")


class Graph:
    """A graph as CSR arrays: ``indptr`` (int64), ``indices`` (int32, each row sorted), ``weights``.

    ``weights`` is float32 per stored edge, or None for an unweighted graph. An undirected graph
    stores each edge in both rows. ``keys`` names the nodes ``0..n-1``.
    """

    def __init__(
        self,
        indptr: np.ndarray,
        indices: np.ndarray,
        weights: np.ndarray | None,
        keys: Sequence[str],
        *,
        directed: bool = False,
    ) -> None:
        self.indptr = np.ascontiguousarray(indptr, dtype=np.int64)
        self.indices = np.ascontiguousarray(indices, dtype=np.int32)
        self.weights = None if weights is None else np.ascontiguousarray(weights, dtype=np.float32)
        self.keys = list(keys)
        self.directed = directed
        self._index: dict[str, int] | None = None
        self._cumw: np.ndarray | None = None

    # ----------------------------------------------------------------- building
    @classmethod
    def from_edges(
        cls,
        edges: Iterable[Sequence[Any]],
        *,
        directed: bool = False,
        weighted: bool | None = None,
        self_loops: bool = True,
        duplicates: str = "max",
        nodes: Sequence[str] | None = None,
    ) -> Graph:
        """A graph from ``(u, v)`` or ``(u, v, weight)`` tuples (see the module text for the rules).

        ``nodes`` fixes the node list and its order (isolated nodes included); edges may then
        name only those nodes.
        """
        rows = [tuple(e) for e in edges]
        bad = [r for r in rows if len(r) not in (2, 3)]
        if bad:
            raise FormatError(f"an edge is (u, v) or (u, v, weight), got {bad[0]!r}")
        src = [str(r[0]) for r in rows]
        dst = [str(r[1]) for r in rows]
        has_w = any(len(r) == 3 for r in rows)
        if has_w and not all(len(r) == 3 for r in rows):
            raise FormatError("some edges have a weight and some do not; give every edge a weight or none")
        w = np.array([float(r[2]) for r in rows], dtype=np.float64) if has_w else None
        return cls._build(src, dst, w, directed=directed, weighted=weighted, self_loops=self_loops,
                          duplicates=duplicates, nodes=nodes, source="edges")  # fmt: skip

    @classmethod
    def _build(
        cls,
        src: Sequence[str] | np.ndarray,
        dst: Sequence[str] | np.ndarray,
        w: np.ndarray | None,
        *,
        directed: bool,
        weighted: bool | None,
        self_loops: bool,
        duplicates: str,
        nodes: Sequence[str] | None,
        source: str,
    ) -> Graph:
        if duplicates not in ("max", "sum"):
            raise ConfigError(f"duplicates must be 'max' or 'sum', got {duplicates!r}")
        if len(src) == 0:
            raise CorpusError(f"{source}: the graph has no edges")
        if weighted is False:
            w = None
        elif weighted and w is None:
            raise FormatError(f"{source}: weighted=True, but the edges have no third (weight) column")
        if w is not None:
            bad = np.flatnonzero(~np.isfinite(w) | (w <= 0))
            if bad.size:
                raise FormatError(f"{source}: edge {int(bad[0]) + 1} has weight {w[bad[0]]}; weights must be > 0")
        keys, u, v = _node_ids(np.asarray(src), np.asarray(dst), nodes, source)
        if not self_loops:
            keep = u != v
            u, v = u[keep], v[keep]
            w = None if w is None else w[keep]
            if u.size == 0:
                raise CorpusError(f"{source}: the graph has no edges once self-loops are dropped")
        if not directed:
            loops = u == v
            u, v = np.concatenate([u, v[~loops]]), np.concatenate([v, u[~loops]])
            w = None if w is None else np.concatenate([w, w[~loops]])
        n = len(keys)
        data = np.ones(u.size) if w is None else w
        if duplicates == "sum" or w is None:
            m = sp.coo_matrix((data, (u, v)), shape=(n, n)).tocsr()  # sums duplicates
            if w is None:
                m.data[:] = 1.0
        else:  # the largest weight of each duplicated edge: sort by (u, v, weight), keep the last
            order = np.lexsort((data, v, u))
            u, v, data = u[order], v[order], data[order]
            last = np.ones(u.size, bool)
            last[:-1] = (u[1:] != u[:-1]) | (v[1:] != v[:-1])
            m = sp.csr_matrix((data[last], (u[last], v[last])), shape=(n, n))
        m.sort_indices()
        return cls(m.indptr, m.indices, None if w is None else m.data, keys, directed=directed)

    # ----------------------------------------------------------------- views
    @property
    def n_nodes(self) -> int:
        return len(self.keys)

    @property
    def n_edges(self) -> int:
        """Edges as the file means them: an undirected edge counts once."""
        stored = int(self.indices.size)
        if self.directed:
            return stored
        loops = int(np.count_nonzero(self.indices == np.repeat(np.arange(self.n_nodes), np.diff(self.indptr))))
        return (stored - loops) // 2 + loops

    @property
    def weighted(self) -> bool:
        return self.weights is not None

    def degrees(self) -> np.ndarray:
        """Out-degree of every node (stored edges per row)."""
        return np.diff(self.indptr)

    def index(self, key: str) -> int:
        """The id of node ``key``; :class:`~embedlab.errors.UnknownKeyError` when the graph has no such node."""
        if self._index is None:
            self._index = {k: i for i, k in enumerate(self.keys)}
        try:
            return self._index[str(key)]
        except KeyError:
            raise UnknownKeyError(str(key), kind="node") from None

    def neighbours(self, key: str) -> list[str]:
        i = self.index(key)
        return [self.keys[j] for j in self.indices[self.indptr[i] : self.indptr[i + 1]].tolist()]

    def to_scipy(self) -> sp.csr_matrix:
        """The adjacency matrix (weights, or ones) as a scipy CSR matrix."""
        data = np.ones(self.indices.size, np.float32) if self.weights is None else self.weights
        return sp.csr_matrix((data, self.indices, self.indptr), shape=(self.n_nodes, self.n_nodes))

    def cumulative_weights(self) -> np.ndarray:
        """Running sum of each row's weights (float64, one per edge); empty for an unweighted graph.

        Computed once: every round of walks samples from it.
        """
        if self._cumw is None:
            if self.weights is None:
                self._cumw = np.zeros(0, np.float64)
            else:
                cum = np.cumsum(self.weights, dtype=np.float64)
                starts = self.indptr[:-1]
                row_base = np.where(starts > 0, cum[np.maximum(starts - 1, 0)], 0.0)
                self._cumw = cum - np.repeat(row_base, np.diff(self.indptr))
        return self._cumw

    def __repr__(self) -> str:
        kind = "directed" if self.directed else "undirected"
        w = ", weighted" if self.weighted else ""
        return f"Graph({self.n_nodes} nodes, {self.n_edges} edges, {kind}{w})"


def _node_ids(
    src: np.ndarray, dst: np.ndarray, nodes: Sequence[str] | None, source: str
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Node names and the int64 ids of every edge end (integer names in numeric order)."""
    both = np.concatenate([src, dst]).astype(str)
    as_int = None
    if nodes is not None:
        if len(set(map(str, nodes))) != len(nodes):
            raise ConfigError("nodes must not repeat a name")
    else:
        with contextlib.suppress(ValueError, OverflowError):  # an id past int64 makes every id a name
            as_int = both.astype(np.int64)
    if as_int is not None and np.array_equal(as_int.astype(str), both):  # canonical integers: numeric order
        uniq, ids = np.unique(as_int, return_inverse=True)
        keys = [str(x) for x in uniq.tolist()]
    else:
        keys, ids = index_names(both, nodes, kind="node", source=source)
    half = src.size
    return keys, ids[:half].astype(np.int64), ids[half:].astype(np.int64)


def read_edgelist(
    path: PathLike,
    *,
    directed: bool = False,
    weighted: bool | None = None,
    self_loops: bool = True,
    duplicates: str = "max",
) -> Graph:
    """Read an edge list (``u v`` or ``u v weight`` per line) into a :class:`Graph`.

    ``weighted=None`` uses the third column when every line has one; ``False`` ignores it;
    ``True`` requires it. A malformed line is a :class:`~embedlab.errors.FormatError` naming
    the file and line number.
    """
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"edge list not found: {p}")
    text = read_utf8(p, "text edge list")
    numbered = [(no, ln) for no, ln in enumerate(split_lines(text), 1) if ln.strip()
                and not ln.lstrip().startswith(_COMMENTS)]  # fmt: skip
    if not numbered:
        raise CorpusError(f"{p}: the edge list is empty (no edge lines)")
    width = len(numbered[0][1].split())
    fields = "\n".join(ln for _, ln in numbered).split()
    if width not in (2, 3) or len(fields) != width * len(numbered):
        for no, ln in numbered:  # name the first line that breaks the pattern
            if len(ln.split()) != width or width not in (2, 3):
                raise FormatError(
                    f"{p}, line {no}: expected 'u v' or 'u v weight' (the same on every line), got {ln.strip()!r}"
                )
    lines = numbered
    table = np.array(fields, dtype=object).reshape(len(lines), width)
    w = None
    if width == 3 and weighted is not False:
        try:
            w = table[:, 2].astype(np.float64)
        except ValueError:
            bad = next(i for i, x in enumerate(table[:, 2]) if not is_number(x))
            raise FormatError(f"{p}, line {lines[bad][0]}: weight {table[bad, 2]!r} is not a number") from None
        bad_w = np.flatnonzero(~np.isfinite(w) | (w <= 0))
        if bad_w.size:
            no = lines[int(bad_w[0])][0]
            raise FormatError(f"{p}, line {no}: weight {table[bad_w[0], 2]} must be a positive number")
    return Graph._build(table[:, 0].astype(str), table[:, 1].astype(str), w, directed=directed, weighted=weighted,
                        self_loops=self_loops, duplicates=duplicates, nodes=None, source=str(p))  # fmt: skip
