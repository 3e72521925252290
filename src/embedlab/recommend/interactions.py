"""Interaction logs: which user did what to which item, how much and when; weighting and splits.

An :class:`Interactions` holds one row per event as int32 user and item ids (names in ``users``
and ``items``), a float32 weight (1 without a weight column) and optionally a time (int64
seconds) and a session id. From it come the user × item matrix with the weighting a model
wants (:meth:`Interactions.matrix`), the item sequences of sessions or users in time order
(:meth:`Interactions.sequences`, an :class:`~embedlab.vocab.EncodedCorpus` for item2vec), and
train/test splits that never let the future leak into training.

>>> log = Interactions.from_records([("ann", "tea", 1), ("ann", "cake", 2), ("bob", "tea", 1)])
>>> log.n_users, log.n_items, log.matrix().toarray().tolist()
(2, 2, [[1.0, 2.0], [1.0, 0.0]])
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from embedlab._params import keyword_aliases
from embedlab._validation import check_choice, is_number
from embedlab.errors import ConfigError, CorpusError, FormatError, MissingDependencyError
from embedlab.text.readers import read_utf8, split_lines
from embedlab.vocab.encoded import EncodedCorpus
from embedlab.vocab.vocab import index_names

__all__ = ["WEIGHTINGS", "Interactions", "read_events"]

PathLike = str | os.PathLike[str]
WEIGHTINGS = ("count", "binary", "log", "confidence")


class Interactions:
    """An event log as flat arrays (see the module text). Events keep the order they were given in."""

    def __init__(
        self,
        user_ids: np.ndarray,
        item_ids: np.ndarray,
        users: Sequence[str],
        items: Sequence[str],
        *,
        weights: np.ndarray | None = None,
        times: np.ndarray | None = None,
        sessions: np.ndarray | None = None,
        item_titles: Sequence[str] | None = None,
    ) -> None:
        self.user_ids = np.ascontiguousarray(user_ids, dtype=np.int32)
        self.item_ids = np.ascontiguousarray(item_ids, dtype=np.int32)
        n = self.user_ids.size
        if self.item_ids.size != n:
            raise ConfigError("user_ids and item_ids must have one entry per event")
        self.users = list(users)
        self.items = list(items)
        self.weights = np.ones(n, np.float32) if weights is None else np.ascontiguousarray(weights, dtype=np.float32)
        self.times = None if times is None else np.ascontiguousarray(times, dtype=np.int64)
        self.sessions = None if sessions is None else np.ascontiguousarray(sessions, dtype=np.int64)
        for name, arr in (("weights", self.weights), ("times", self.times), ("sessions", self.sessions)):
            if arr is not None and arr.size != n:
                raise ConfigError(f"{name} must have one entry per event ({n}), got {arr.size}")
        if item_titles is not None and len(item_titles) != len(self.items):
            raise ConfigError(f"item_titles must have one title per item ({len(self.items)}), got {len(item_titles)}")
        #: a readable title for each item (``items[i]`` is an id), or None: shown beside ids in recommendations
        self.item_titles = None if item_titles is None else list(item_titles)
        #: what reading the log left out or changed (``read_events`` fills it): rows skipped and why, negatives
        self.read_report: dict[str, Any] = {}
        self._user_index: dict[str, int] | None = None
        self._item_index: dict[str, int] | None = None

    # ----------------------------------------------------------------- building
    @classmethod
    def from_records(
        cls, records: Iterable[Sequence[Any]], *, users: Sequence[str] | None = None, items: Sequence[str] | None = None
    ) -> Interactions:
        """Events as ``(user, item)``, ``(user, item, weight)`` or ``(user, item, weight, time)`` tuples.

        ``users`` / ``items`` fix the id order (and may name users or items with no event);
        otherwise ids follow first appearance.
        """
        rows = [tuple(r) for r in records]
        if not rows:
            raise CorpusError("the interaction log is empty")
        width = len(rows[0])
        if width not in (2, 3, 4) or any(len(r) != width for r in rows):
            raise FormatError("every record must be (user, item), (user, item, weight) or (user, item, weight, time)")
        u_names, u_ids = index_names([str(r[0]) for r in rows], users, kind="user")
        i_names, i_ids = index_names([str(r[1]) for r in rows], items, kind="item")
        weights = _weights([r[2] for r in rows], "records") if width >= 3 else None
        times = _times([r[3] for r in rows], "records") if width == 4 else None
        return cls(u_ids, i_ids, u_names, i_names, weights=weights, times=times)

    # ----------------------------------------------------------------- views
    @property
    def n_users(self) -> int:
        return len(self.users)

    @property
    def n_items(self) -> int:
        return len(self.items)

    @property
    def n_events(self) -> int:
        return int(self.user_ids.size)

    def __len__(self) -> int:
        return self.n_events

    def __repr__(self) -> str:
        return f"Interactions({self.n_events:,} events, {self.n_users:,} users, {self.n_items:,} items)"

    def user_index(self, user: str) -> int:
        """The id of ``user``; :class:`~embedlab.errors.UnknownKeyError` if the log has no such user."""
        from embedlab.errors import UnknownKeyError

        if self._user_index is None:
            self._user_index = {u: i for i, u in enumerate(self.users)}
        try:
            return self._user_index[str(user)]
        except KeyError:
            raise UnknownKeyError(str(user), _close(str(user), self.users), kind="user") from None

    def item_index(self, item: str) -> int:
        """The id of ``item``; :class:`~embedlab.errors.UnknownKeyError` if the log has no such item."""
        from embedlab.errors import UnknownKeyError

        if self._item_index is None:
            self._item_index = {x: i for i, x in enumerate(self.items)}
        try:
            return self._item_index[str(item)]
        except KeyError:
            raise UnknownKeyError(str(item), _close(str(item), self.items), kind="item") from None

    @keyword_aliases(alpha="confidence")
    def matrix(self, weighting: str = "count", *, confidence: float = 40.0) -> sp.csr_matrix:
        """The users × items matrix (float32): repeated (user, item) events are summed first.

        ``weighting``: ``"count"`` (the summed weights), ``"binary"`` (1 for any interaction),
        ``"log"`` (log(1 + sum)), ``"confidence"`` (1 + confidence · sum, Hu, Koren & Volinsky 2008; their and
        implicit's ``alpha=`` is accepted for it).
        """
        if weighting not in WEIGHTINGS:
            raise ConfigError(f"weighting must be one of {', '.join(WEIGHTINGS)}, got {weighting!r}")
        m = sp.csr_matrix(
            (self.weights.astype(np.float64), (self.user_ids, self.item_ids)), shape=(self.n_users, self.n_items)
        )
        m.sum_duplicates()
        if weighting == "binary":
            m.data[:] = 1.0
        elif weighting == "log":
            m.data = np.log1p(np.maximum(m.data, 0.0))
        elif weighting == "confidence":
            m.data = 1.0 + confidence * m.data
        m.eliminate_zeros()
        return m.astype(np.float32)

    def order(self) -> np.ndarray:
        """Event positions sorted by time (stable: events at the same time keep their order)."""
        if self.times is None:
            return np.arange(self.n_events)
        return np.argsort(self.times, kind="stable")

    def sequences(self, by: str = "session") -> EncodedCorpus:
        """Item ids of each session (``by="session"``) or each user (``by="user"``), in time order.

        The corpus is keyed by item name, ready for item2vec; sequences follow the first event of
        each session or user.
        """
        if by == "session":
            if self.sessions is None:
                raise ConfigError("this log has no session column; use by='user' or read it with session=COLUMN")
            group = self.sessions
        elif by == "user":
            group = self.user_ids.astype(np.int64)
        else:
            raise ConfigError(f"by must be 'session' or 'user', got {by!r}")
        order = self.order()
        g = group[order]
        first = np.unique(g, return_index=True)[1]
        rank = np.empty(first.size, np.int64)
        rank[np.argsort(first, kind="stable")] = np.arange(first.size)
        seq_rank = rank[np.searchsorted(np.unique(g), g)]
        final = order[np.argsort(seq_rank, kind="stable")]
        lengths = np.bincount(seq_rank, minlength=first.size)
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        counts = np.bincount(self.item_ids, minlength=self.n_items)
        return EncodedCorpus.from_ids(self.item_ids[final], offsets, keys=self.items, counts=counts)

    # ----------------------------------------------------------------- splits
    def subset(self, mask: np.ndarray) -> Interactions:
        """The events where ``mask`` is true, with the same user and item ids."""
        m = np.asarray(mask, dtype=bool)
        return Interactions(
            self.user_ids[m], self.item_ids[m], self.users, self.items, weights=self.weights[m],
            times=None if self.times is None else self.times[m],
            sessions=None if self.sessions is None else self.sessions[m], item_titles=self.item_titles,
        )  # fmt: skip

    def title(self, item: str) -> str | None:
        """The title of ``item`` when the log had a title column (``item_title=`` in :func:`read_events`)."""
        if self.item_titles is None:
            return None
        return self.item_titles[self.item_index(item)]

    def split_by_time(self, cutoff: Any) -> tuple[Interactions, Interactions]:
        """Events before ``cutoff`` (a date string, ``numpy.datetime64`` or epoch seconds) and from it on."""
        if self.times is None:
            raise ConfigError("split_by_time needs a time column; read the log with time=COLUMN")
        c = int(_times([cutoff], "cutoff")[0])
        before = self.times < c
        if not before.any() or before.all():
            raise ConfigError(f"the cutoff {cutoff!r} leaves one side of the split empty")
        return self.subset(before), self.subset(~before)

    def leave_last_out(self, n: int = 1) -> tuple[Interactions, Interactions]:
        """Each user's last ``n`` events (by time, else by position) held out; users with ≤ n events stay whole."""
        order = self.order()
        u = self.user_ids[order]
        by_user = order[np.argsort(u, kind="stable")]  # each user's events in time order
        counts = np.bincount(self.user_ids, minlength=self.n_users)
        ends = np.cumsum(counts)
        pos = np.arange(by_user.size) - np.repeat(ends - counts, counts)  # position within the user's events
        from_end = np.repeat(counts, counts) - pos
        held = np.zeros(self.n_events, bool)
        held[by_user] = (from_end <= n) & (np.repeat(counts, counts) > n)
        return self.subset(~held), self.subset(held)

    def random_split(self, test_fraction: float = 0.2, *, seed: int = 1) -> tuple[Interactions, Interactions]:
        """A random share of the events held out."""
        if not 0.0 < test_fraction < 1.0:
            raise ConfigError(f"test_fraction must be between 0 and 1, got {test_fraction}")
        test = np.random.default_rng(seed).random(self.n_events) < test_fraction
        return self.subset(~test), self.subset(test)


def _weights(values: Sequence[Any], source: str) -> np.ndarray:
    try:
        w = np.asarray([float(v) for v in values], dtype=np.float64)
    except (TypeError, ValueError):
        bad = next(i for i, v in enumerate(values) if not is_number(v))
        raise FormatError(f"{source}: row {bad + 1} has weight {values[bad]!r}, not a number") from None
    if not np.all(np.isfinite(w)):
        bad = int(np.flatnonzero(~np.isfinite(w))[0])
        raise FormatError(f"{source}: row {bad + 1} has weight {values[bad]!r}, not a finite number")
    return w.astype(np.float32)


def _times(values: Sequence[Any], source: str) -> np.ndarray:
    """Int64 epoch seconds from numbers (seconds, or milliseconds when above 1e11) or date strings."""
    vals = list(values)
    if all(is_number(v) for v in vals):
        t = np.asarray([float(v) for v in vals], dtype=np.float64)
        return np.where(np.abs(t) > 1e11, t / 1000.0, t).astype(np.int64)
    try:
        return np.asarray([np.datetime64(str(v), "s") for v in vals]).astype(np.int64)
    except ValueError:
        bad = next(i for i, v in enumerate(vals) if not _is_time(v))
        raise FormatError(f"{source}: row {bad + 1} has time {vals[bad]!r}, neither a number nor a date") from None


def _is_time(v: Any) -> bool:
    try:
        np.datetime64(str(v), "s")
    except ValueError:
        return False
    return True


def _rows(path: Path, delimiter: str | None) -> tuple[list[str], Iterable[dict[str, Any]]]:
    """Header and rows of a CSV/TSV, JSON-lines or Parquet file."""
    name = path.name.lower()
    if name.endswith(".parquet"):
        try:
            import pyarrow.parquet as pq
        except ImportError:
            raise MissingDependencyError("pyarrow", "recommend") from None
        table = pq.read_table(path)
        return list(table.column_names), table.to_pylist()
    text = read_utf8(path, "event log")
    stem = name.removesuffix(".gz").removesuffix(".xz").removesuffix(".bz2")
    if stem.endswith((".jsonl", ".ndjson", ".json")):
        rows = []
        for no, line in enumerate(split_lines(text), 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise FormatError(f"{path}, line {no}: not valid JSON ({exc.msg})") from None
        header = list(rows[0]) if rows else []
        return header, rows
    first = text.split("\n", 1)[0]
    if delimiter is None:
        delimiter = max(("\t", ",", ";", "|"), key=first.count)
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter, quoting=csv.QUOTE_NONE)
    return list(reader.fieldnames or []), list(reader)


def read_events(
    path: PathLike,
    *,
    user: str,
    item: str,
    weight: str | None = None,
    time: str | None = None,
    session: str | None = None,
    event: str | None = None,
    event_weights: Mapping[str, float] | None = None,
    delimiter: str | None = None,
    item_title: str | None = None,
    negative: str = "keep",
) -> Interactions:
    """Read an event log with named columns: CSV/TSV (delimiter guessed from the header when not
    given; ``.gz``/``.xz``/``.bz2`` read directly), JSON lines or Parquet (needs pyarrow).

    ``event`` names a column of event types (click, cart, order, ...) and ``event_weights`` what
    each type weighs (multiplied into ``weight``); rows of a type not in ``event_weights`` are
    dropped, so ``{"order": 1}`` keeps orders only. Rows with an empty user or item are skipped.
    ``item_title`` names a column of readable item titles (the first non-empty one of each item is
    kept), shown beside the ids in recommendations. Negative weights (returns, cancellations):
    ``negative="keep"`` adds them to the item's other events, ``"drop"`` leaves those rows out. What
    was skipped and how many weights were negative is in the result's ``read_report``. A missing
    column, a weight that is not a number or a time that is neither a number nor a date is a
    :class:`~embedlab.errors.FormatError` naming it.
    """
    negative = check_choice("negative", negative, ("keep", "drop"))
    if event_weights is not None and event is None:
        raise ConfigError("event_weights needs event=COLUMN (the column of event types)")
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"event log not found: {p}")
    header, raw = _rows(p, delimiter)
    rows = list(raw)
    needed = [c for c in (user, item, weight, time, session, event, item_title) if c is not None]
    missing = [c for c in needed if c not in header]
    if missing:
        raise FormatError(f"{p}: no column {missing[0]!r}; the columns are {', '.join(map(repr, header))}")
    report: dict[str, Any] = {"rows": len(rows)}
    kept = [r for r in rows if str(r.get(user) or "").strip() and str(r.get(item) or "").strip()]
    report["skipped_empty_user_or_item"] = len(rows) - len(kept)
    rows = kept
    if event is not None and event_weights is not None:
        kept = [r for r in rows if str(r[event]) in event_weights]
        report["skipped_other_event_types"] = len(rows) - len(kept)
        rows = kept
    if weight:
        values = _weights([r[weight] for r in rows], f"{p}, column {weight!r}")
        report["negative_weights"] = int((values < 0).sum())
        report["negative"] = negative
        if negative == "drop" and report["negative_weights"]:
            rows = [r for r, v in zip(rows, values.tolist(), strict=True) if v >= 0]
    if not rows:
        raise CorpusError(f"{p}: the event log has no events with a {user!r} and an {item!r}")
    u_names, u_ids = index_names([str(r[user]).strip() for r in rows])
    i_names, i_ids = index_names([str(r[item]).strip() for r in rows])
    weights = _weights([r[weight] for r in rows], f"{p}, column {weight!r}") if weight else None
    if event is not None and event_weights is not None:
        by_type = np.array([float(event_weights[str(r[event])]) for r in rows], dtype=np.float32)
        weights = by_type if weights is None else weights * by_type
    times = _times([r[time] for r in rows], f"{p}, column {time!r}") if time else None
    sessions = None
    if session:
        _, sessions = index_names([str(r[session]) for r in rows])
    titles = None
    if item_title:
        first: dict[int, str] = {}
        for r, i in zip(rows, i_ids.tolist(), strict=True):
            t = str(r.get(item_title) or "").strip()
            if t and i not in first:
                first[i] = t
        titles = [first.get(i, "") for i in range(len(i_names))]
    out = Interactions(
        u_ids, i_ids, u_names, i_names, weights=weights, times=times, sessions=sessions, item_titles=titles
    )
    out.read_report = {**report, "events": out.n_events}
    return out


def _close(key: str, keys: Sequence[str], n: int = 3) -> list[str]:
    """Close spellings of ``key`` among the first 50,000 of ``keys`` (for "did you mean")."""
    import difflib

    return difflib.get_close_matches(key, list(keys[:50_000]), n=n, cutoff=0.75)
