"""``embedlab explain``, ``embedlab explain weat`` and ``embedlab explain probe``: what a vector space says and why."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from embedlab.cli._common import console, handle_errors, print_json
from embedlab.cli._config_options import with_config
from embedlab.queries import ExplainQuery


class Pooling(StrEnum):
    mean = "mean"
    sif = "sif"


MODEL_HELP = "Word vectors (folder or file), a sentence-transformers folder, or 'minilm'."
TEST_HELP = "weat1 .. weat10 (repeatable); default all."
ATTRIBUTE_HELP = (
    "frequency (bands of the model's own counts), pos (Kiwi's part of speech of Korean words) "
    "or labels (--labels FILE)."
)


class Attribute(StrEnum):
    frequency = "frequency"
    pos = "pos"
    labels = "labels"


def _open_model(spec: str) -> Any:
    """Word vectors (any format embedlab reads), or any other encoder (``minilm``, a sentence-transformers
    or distilled folder)."""
    from embedlab.encoders.factory import is_model_name, is_word_vectors_spec, load_encoder

    if is_model_name(spec) or (not is_word_vectors_spec(spec) and Path(spec).exists()):
        return load_encoder(spec)
    from embedlab.io import load

    return load(Path(spec))


def _explanation_tables(e: Any, top: int) -> list[Any]:
    from rich.table import Table

    tables = []
    if e.dimensions is not None:
        t = Table(title=f"dimensions that add most to the cosine {e.score:.4f}")
        t.add_column("dimension", justify="right")
        t.add_column("â·b̂ term", justify="right")
        for d, c in e.top_dimensions(top):
            t.add_row(str(d), f"{c:+.4f}")
        return [t]
    what = "score drop without it" if e.mode == "occlusion" else "contribution"
    for side, text in (("a", e.a), ("b", e.b)):
        t = Table(title=f"{side}: {text}")
        t.add_column("part")
        t.add_column(what, justify="right")
        for part, value in e.ranked(side)[:top]:
            t.add_row(part, f"{value:+.4f}")
        tables.append(t)
    if e.mode == "ngrams" and e.shared:
        from embedlab.explain import shared_contributions

        t = Table(title="shared n-grams")
        t.add_column("n-gram")
        t.add_column("contribution", justify="right")
        for g, value in shared_contributions(e)[:top]:
            t.add_row(g, f"{value:+.4f}")
        tables.append(t)
    if e.pairs is not None:
        t = Table(title="pairs that matter most")
        t.add_column("a")
        t.add_column("b")
        t.add_column("contribution", justify="right")
        for pa, pb, value in e.top_pairs(top):
            t.add_row(pa, pb, f"{value:+.4f}")
        tables.append(t)
    return tables


@handle_errors
@with_config(ExplainQuery)
def explain(
    model: Annotated[
        str, typer.Argument(help="Word vectors (folder or file), a sentence-transformers folder, or 'minilm'.")
    ],
    a: Annotated[str, typer.Argument(help="A word, or a text (quote it).")],
    b: Annotated[str, typer.Argument(help="The word or text to compare it with.")],
    pooling: Annotated[Pooling, typer.Option(help="How word vectors are pooled into text vectors.")] = Pooling.mean,
    plot: Annotated[Path | None, typer.Option(help="Also draw the explanation (.png, .svg, .pdf).")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON (the whole pair table).")] = False,
    *,
    config: ExplainQuery,
) -> None:
    """Why A and B are similar: what each dimension, n-gram, word or token contributed to the cosine.

    Two words of word vectors are split by dimension (FastText: by character n-gram, unseen words
    too); two texts by word pairs of the pooled vectors; under a transformer (minilm) by token pairs,
    with integrated gradients through the encoder (or --mode occlusion: the drop when a token is
    deleted). The parts add up to the cosine.
    """
    from embedlab.explain import explain_similarity

    top = config.k
    e = explain_similarity(_open_model(model), a, b, mode=config.mode, steps=config.steps, pooling=pooling.value)
    if plot is not None:
        from embedlab.viz.explain import plot_explanation

        plot_explanation(e, plot)
    if json_out:
        print_json(e.to_dict(top))
        return
    c = console()
    summary = f"cosine [bold]{e.score:.4f}[/bold] ({e.mode})"
    if e.mode != "occlusion":
        summary += f"; parts add up to {e.total:.4f}"
        if e.mode == "integrated":
            summary += f" (masked reference {e.reference:+.4f}, integration error {e.residual:+.5f})"
    c.print(summary)
    for t in _explanation_tables(e, top):
        c.print(t)
    if plot is not None:
        c.print(f"drawn to {plot}")


def _words(option: str | None) -> list[str]:
    return [w.strip() for w in (option or "").split(",") if w.strip()]


@handle_errors
def weat(
    model: Annotated[Path, typer.Argument(help="Word vectors (folder or file).")],
    tests: Annotated[list[str] | None, typer.Option("--test", "-t", help=TEST_HELP)] = None,
    x: Annotated[str | None, typer.Option("--x", help="Your own test: target words X, comma-separated.")] = None,
    y: Annotated[str | None, typer.Option("--y", help="Target words Y (with --x --a --b).")] = None,
    a: Annotated[str | None, typer.Option("--a", help="Attribute words A (with --x --y --b).")] = None,
    b: Annotated[str | None, typer.Option("--b", help="Attribute words B (with --x --y --a).")] = None,
    permutations: Annotated[int, typer.Option(min=1, help="Random re-partitions for the p-value.")] = 100_000,
    seed: Annotated[int, typer.Option(help="Seed of the re-partitions.")] = 0,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Word Embedding Association Tests (Caliskan et al., 2017): effect size and p-value of each bundled
    test, next to what the paper reports for GloVe (tests whose words the model lacks are skipped), or
    of your own word lists (--x --y --a --b)."""
    from embedlab.errors import ConfigError
    from embedlab.explain import WEAT_TESTS, weat_test
    from embedlab.explain import weat as run_weat
    from embedlab.io import load

    custom = [x, y, a, b]
    if any(v is not None for v in custom) and (not all(v is not None for v in custom) or tests):
        raise ConfigError("your own test needs all of --x --y --a --b (and no --test)")
    kv = load(model)
    if any(v is not None for v in custom):
        r = run_weat(kv, *(_words(v) for v in custom), permutations=permutations, seed=seed)
        results = [{"test": "custom", "title": "X vs Y, A vs B", **r, "published_glove": None}]
        skipped: dict[str, str] = {}
    else:
        results, skipped = [], {}
        for name in tests or list(WEAT_TESTS):
            try:
                results.append(weat_test(kv, name, permutations=permutations, seed=seed))
            except ConfigError as exc:
                if "unknown WEAT test" in str(exc):
                    raise
                skipped[name] = str(exc)
        if not results:
            first = next(iter(skipped.items()))
            raise ConfigError(f"no WEAT test could run on this model ({first[0]}: {first[1]})")
    if json_out:
        print_json({"results": results, "skipped": skipped})
        return
    from rich.table import Table

    t = Table(title=f"WEAT on {model.name}")
    for col in ("test", "targets / attributes", "words", "effect size", "p-value", "GloVe (paper)"):
        t.add_column(col, justify="right" if col not in ("test", "targets / attributes") else "left")
    for r in results:
        sizes = "/".join(str(r["sizes"][k]) for k in "XYAB")
        pub = r["published_glove"]
        paper = f"{pub['effect_size']:+.2f} (p {pub['p_value']})" if pub else "-"
        t.add_row(r["test"], r["title"], sizes, f"{r['effect_size']:+.2f}", f"{r['p_value']:.2g}", paper)
    c = console()
    c.print(t)
    for name, why in skipped.items():
        c.print(f"[yellow]skipped {name}[/yellow]: {why}")


@handle_errors
def probe(
    model: Annotated[Path, typer.Argument(help="Word vectors (folder or file).")],
    attribute: Annotated[Attribute, typer.Option(help=ATTRIBUTE_HELP)] = Attribute.frequency,
    labels: Annotated[Path | None, typer.Option(help="A 'key<TAB>label' file (with --attribute labels).")] = None,
    top: Annotated[int, typer.Option(min=4, help="Most frequent keys to probe (frequency, pos).")] = 20_000,
    folds: Annotated[int, typer.Option(min=2, help="Cross-validation folds.")] = 5,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """How well a linear probe reads an attribute from the vectors, against a shuffled-label control."""
    from embedlab.errors import ConfigError
    from embedlab.explain import frequency_bands, korean_pos_labels, read_labels
    from embedlab.explain import probe as run_probe
    from embedlab.io import load

    if (attribute == Attribute.labels) != (labels is not None):
        raise ConfigError("--labels FILE goes with --attribute labels (and only with it)")
    kv = load(model)
    if attribute == Attribute.frequency:
        keys, values = frequency_bands(kv, 3, top)
    elif attribute == Attribute.pos:
        keys, values = korean_pos_labels(kv, top)
    else:
        assert labels is not None
        keys, values = read_labels(labels)
    r = run_probe(kv, keys, values, folds=folds)
    if json_out:
        print_json({"attribute": attribute.value, **r})
        return
    console().print(
        f"{attribute.value}: probe accuracy [bold]{r['accuracy']:.3f}[/bold], shuffled-label control "
        f"{r['control']:.3f}, selectivity {r['selectivity']:+.3f}, majority class {r['majority']:.3f} "
        f"({r['keys']:,} keys, {len(r['labels'])} labels, {r['folds']}-fold; {r['missing']:,} keys not in the model)"
    )
