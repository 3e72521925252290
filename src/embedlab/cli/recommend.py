"""``embedlab recommend train als|bpr|item2vec`` and ``embedlab recommend``: recommenders from an event log."""

import json
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from embedlab._params import Config
from embedlab.cli._common import console, fail, handle_errors, print_json, progress_enabled
from embedlab.cli._config_options import with_config
from embedlab.cli._options import ForceOpt
from embedlab.queries import RecommendQuery
from embedlab.recommend.config import ALSConfig, BPRConfig, Item2VecConfig

EventsArg = Annotated[Path, typer.Argument(help="Event log: CSV/TSV (delimiter guessed), JSON lines or Parquet.")]
UserOpt = Annotated[str, typer.Option("--user", help="Column of the user id.")]
ItemOpt = Annotated[str, typer.Option("--item", help="Column of the item id.")]
WeightOpt = Annotated[str | None, typer.Option("--weight", help="Column of a weight or quantity (default: 1).")]
TimeOpt = Annotated[str | None, typer.Option("--time", help="Column of the time (epoch seconds/ms or a date).")]
OutOpt = Annotated[Path, typer.Option("--output", "-o", help="Where to write the model folder.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object with the run's numbers.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]


class By(StrEnum):
    session = "session"
    user = "user"


TitleOpt = Annotated[
    str | None, typer.Option("--item-title", help="Column of readable item titles, shown beside the item ids.")
]


class Negative(StrEnum):
    keep = "keep"
    drop = "drop"


NegativeOpt = Annotated[
    Negative, typer.Option(help="Rows with a negative weight (returns): keep (summed with the others) or drop.")
]


def _read(events: Path, user: str, item: str, weight: str | None, time: str | None, session: str | None = None,
          item_title: str | None = None, negative: Negative = Negative.keep, quiet: bool = False) -> Any:  # fmt: skip
    """Read the log, and say on stderr what reading left out or changed (nothing is skipped silently)."""
    from embedlab.recommend import read_events

    log = read_events(events, user=user, item=item, weight=weight, time=time, session=session,
                      item_title=item_title, negative=negative.value)  # fmt: skip
    r = log.read_report
    notes = []
    if r.get("skipped_empty_user_or_item"):
        notes.append(f"skipped {_rows(r['skipped_empty_user_or_item'])} with an empty {user!r} or {item!r}")
    if r.get("skipped_other_event_types"):
        notes.append(f"skipped {_rows(r['skipped_other_event_types'])} of other event types")
    if r.get("negative_weights"):
        done = "left out" if r["negative"] == "drop" else "kept, summed with the item's other rows"
        notes.append(f"{_rows(r['negative_weights'])} with a negative {weight!r} {done} (--negative keep|drop)")
    if notes and not quiet:
        typer.echo(f"read {r['rows']:,} rows of {events}: " + "; ".join(notes), err=True)
    return log


def _rows(n: int) -> str:
    return f"{n:,} row" + ("" if n == 1 else "s")


def _factors(
    kind: str,
    events: Path,
    output: Path,
    user: str,
    item: str,
    weight: str | None,
    time: str | None,
    item_title: str | None,
    negative: Negative,
    json_out: bool,
    quiet: bool,
    force: bool,
    config: Any,
) -> None:
    from embedlab._deps import require
    from embedlab.io import check_output

    require("implicit", "threadpoolctl", extra="recommend")
    check_output(output, inputs=[events], force=force, marker="recommender.json")
    from embedlab.recommend import ALS, BPR
    from embedlab.recommend.store import save_recommender

    log = _read(events, user, item, weight, time, item_title=item_title, negative=negative, quiet=json_out)
    model = (ALS if kind == "als" else BPR)(config)
    model.fit(log, progress=progress_enabled(quiet or json_out))
    save_recommender(model, output)
    last = model.history[-1] if model.history else {}
    result = {
        "model": str(output),
        "kind": kind,
        "events": log.n_events,
        "users": log.n_users,
        "items": log.n_items,
        "fit_seconds": round(last.get("seconds", 0.0), 3),
        "loss": last.get("loss"),
        **config.as_dict(),
    }
    if json_out:
        print_json(result)
        return
    con = console()
    con.print(f"[bold]{kind.upper()}[/bold] {log!r} → {output} in {result['fit_seconds']:.1f} s")
    con.print(f"try:  embedlab recommend items {output} --user {log.users[0]}")


def _factors_command(kind: str, config_cls: type[Config], doc: str) -> Callable[..., None]:
    """``recommend train als`` or ``bpr``: the same arguments, the model's options from its config."""

    def command(
        events: EventsArg,
        user: UserOpt,
        item: ItemOpt,
        output: OutOpt = Path("model"),
        weight: WeightOpt = None,
        time: TimeOpt = None,
        item_title: TitleOpt = None,
        negative: NegativeOpt = Negative.keep,
        json_out: JsonOpt = False,
        quiet: QuietOpt = False,
        force: ForceOpt = False,
        *,
        config: Any,
    ) -> None:
        _factors(kind, events, output, user, item, weight, time, item_title, negative, json_out, quiet, force, config)

    command.__name__ = command.__qualname__ = f"train_{kind}"
    command.__doc__ = doc
    return handle_errors(with_config(config_cls)(command))


train_als = _factors_command(
    "als",
    ALSConfig,
    """Implicit-feedback ALS user and item factors (through the implicit library).

    Example: embedlab recommend train als events.tsv --user customer --item product --weight quantity -o als
    """,
)
train_bpr = _factors_command(
    "bpr",
    BPRConfig,
    """Bayesian personalised ranking user and item factors (through the implicit library).

    Example: embedlab recommend train bpr events.tsv --user customer --item product -o bpr
    """,
)


@handle_errors
@with_config(Item2VecConfig)
def train_item2vec(
    events: EventsArg,
    user: UserOpt,
    item: ItemOpt,
    output: OutOpt = Path("model"),
    time: TimeOpt = None,
    session: Annotated[str | None, typer.Option("--session", help="Column of the session or basket id.")] = None,
    by: Annotated[By, typer.Option(help="Sequences per session (needs --session) or per user.")] = By.session,
    json_out: JsonOpt = False,
    quiet: QuietOpt = False,
    force: ForceOpt = False,
    *,
    config: Item2VecConfig,
) -> None:
    """item2vec / prod2vec: skip-gram item vectors over sessions or users' item sequences (in time order).

    Example:
    embedlab recommend train item2vec events.tsv --user customer --item product --session invoice --time date -o i2v
    """
    from embedlab.io import check_output, save
    from embedlab.recommend import Item2Vec

    check_output(output, inputs=[events], force=force)
    if by == By.session and session is None:
        fail("--by session needs --session COLUMN (or use --by user)")
    log = _read(events, user, item, None, time, session, quiet=json_out)
    trainer = Item2Vec(config)
    kv = trainer.fit(log, by=by.value, progress=progress_enabled(quiet or json_out))
    save(kv, output)
    assert trainer.trainer is not None and trainer.trainer.report is not None
    report = trainer.trainer.report
    result = {"model": str(output), "kind": "item2vec", "events": log.n_events, "items": len(kv), "dim": kv.dim,
              "train_seconds": round(report.seconds, 3),
              "loss_per_epoch": [round(x, 6) for x in report.losses]}  # fmt: skip
    if json_out:
        print_json(result)
        return
    con = console()
    con.print(f"[bold]item2vec[/bold] {len(kv):,} items → {output} in {report.seconds:.1f} s")
    con.print(f"try:  embedlab recommend items {output} --similar-to {kv.keys[0]}")


def _load(model: Path) -> Any:
    """A saved recommender, or item vectors (item2vec or any KeyedVectors)."""
    if (model / "recommender.json").is_file():
        from embedlab.recommend.store import load_recommender

        return load_recommender(model)
    from embedlab.io import load

    return load(model)


def _read_lines(source: Path) -> list[str]:
    """The lines of a text file ('-': standard input), split on line feeds only."""
    from embedlab.errors import FormatError

    data = sys.stdin.buffer.read() if str(source) == "-" else source.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(
            f"{source}: not UTF-8 text ({exc.reason} at byte {exc.start}); give one user id a line"
        ) from None
    return text.split("\n")


@handle_errors
@with_config(RecommendQuery)
def recommend(
    model: Annotated[Path, typer.Argument(help="A model from 'embedlab recommend train als|bpr|item2vec'.")],
    user: Annotated[str | None, typer.Option("--user", help="Recommend for this user (ALS, BPR).")] = None,
    users: Annotated[
        Path | None, typer.Option("--users", help="A file of user ids, one a line ('-': stdin); JSON lines out.")
    ] = None,
    items: Annotated[str | None, typer.Option("--items", help="Items a user has, comma-separated (a session).")] = None,
    similar_to: Annotated[str | None, typer.Option("--similar-to", help="Items like this one.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    *,
    config: RecommendQuery,
) -> None:
    """Recommend items: for a known user, for a list of users, from a session's items, or like an item.

    Example: embedlab recommend items als --user 12347 --k 5
    """
    asked = [x is not None for x in (user, users, items, similar_to)]
    if sum(asked) != 1:
        fail("give exactly one of --user, --users, --items or --similar-to")
    m: Any = _load(model)
    from embedlab.errors import UnknownKeyError

    try:
        _recommend(m, user, users, items, similar_to, config.k, config.exclude_seen, json_out)
    except UnknownKeyError as exc:  # item vectors know their keys as words; here they are items
        if exc.kind == "word":
            exc.kind = "item"
        raise


def _recommend(
    m: Any,
    user: str | None,
    users: Path | None,
    items: str | None,
    similar_to: str | None,
    k: int,
    exclude_seen: bool,
    json_out: bool,
) -> None:
    from embedlab.recommend import NextItem, Recommender

    train = m.train if isinstance(m, Recommender) else None
    titled = train is not None and train.item_titles is not None

    def rows(got: list[tuple[str, float]]) -> list[dict[str, Any]]:
        if train is None or not titled:
            return [{"item": x, "score": s} for x, s in got]
        return [{"item": x, "title": train.title(x), "score": s} for x, s in got]

    if users is not None:
        if not isinstance(m, Recommender):
            fail("--users needs a user model (ALS, BPR, item-kNN or popularity), not item vectors")
        lines = _read_lines(users)
        for u in (x.strip() for x in lines):
            if u:
                got = m.recommend(u, k, exclude_seen=exclude_seen)
                typer.echo(json.dumps({"user": u, "items": rows(got)}, ensure_ascii=False))
        return
    if user is not None:
        if not isinstance(m, Recommender):
            fail("--user needs a user model (ALS, BPR, item-kNN or popularity), not item vectors")
        got, title = m.recommend(user, k, exclude_seen=exclude_seen), f"for user {user}"
    elif items is not None:
        have = [x.strip() for x in items.split(",") if x.strip()]
        if isinstance(m, Recommender):
            got = m.recommend_for_items(have, k)
        else:
            got = NextItem(m).recommend(have, k)
        title = f"after {', '.join(have)}"
    else:
        assert similar_to is not None
        if isinstance(m, Recommender):
            got = m.similar_items(similar_to, k)
        else:
            got = m.most_similar(similar_to, k=k)
        title = f"like {similar_to}"
    if json_out:
        print_json({"query": title, "items": rows(got)})
        return
    from rich.table import Table

    t = Table(title=f"recommendations {title}")
    t.add_column("#", justify="right")
    t.add_column("item")
    if titled:
        t.add_column("title")
    t.add_column("score", justify="right")
    for n, r in enumerate(rows(got), 1):
        t.add_row(str(n), r["item"], *([r["title"] or ""] if titled else []), f"{r['score']:.4f}")
    console().print(t)
