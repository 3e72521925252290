"""``embedlab graph train``, ``evaluate-nodes`` and ``evaluate-links``: node vectors of a graph."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from embedlab.cli._common import VectorFormat, console, fmt, handle_errors, print_json, progress_enabled
from embedlab.cli._config_options import with_config
from embedlab.cli._options import ForceOpt
from embedlab.graph.config import Node2VecConfig

_RATIOS_HELP = "Training share(s) of the labelled nodes; repeat the option for several (default: 0.1 ... 0.9)."


def _read_graph(edges: Path, directed: bool, weighted: bool | None, drop_self_loops: bool) -> Any:
    from embedlab.graph import read_edgelist

    return read_edgelist(edges, directed=directed, weighted=weighted, self_loops=not drop_self_loops)


@handle_errors
@with_config(Node2VecConfig)
def node2vec(
    edges: Annotated[Path, typer.Argument(help="Edge list: 'u v' or 'u v weight' per line (.gz/.bz2/.xz read).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the node vectors.")] = Path("model"),
    directed: Annotated[bool, typer.Option(help="Edges go from u to v only.")] = False,
    weighted: Annotated[
        bool | None,
        typer.Option("--weighted/--unweighted", help="Use the third column as the edge weight (default: if present)."),
    ] = None,
    drop_self_loops: Annotated[bool, typer.Option(help="Ignore 'u u' lines.")] = False,
    format: Annotated[VectorFormat, typer.Option("--format", help="Output format.")] = VectorFormat.native,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object with the run's numbers.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    force: ForceOpt = False,
    *,
    config: Node2VecConfig,
) -> None:
    """Train node vectors with node2vec (p = q = 1 is DeepWalk) and save them, keyed by node name.

    Example: embedlab graph train edges.tsv -o nodes --p 0.25 --q 0.25
    """
    from embedlab.graph import Node2Vec
    from embedlab.io import check_output, save

    check_output(output, format.value, inputs=[edges], force=force)
    graph = _read_graph(edges, directed, weighted, drop_self_loops)
    trainer = Node2Vec(config)
    kv = trainer.fit(graph, progress=progress_enabled(quiet or json_out))
    save(kv, output, format=format.value)
    report = trainer.report
    assert report is not None
    result = {
        "model": str(output),
        "format": format.value,
        "graph": str(edges),
        "nodes": graph.n_nodes,
        "edges": graph.n_edges,
        "directed": graph.directed,
        "weighted": graph.weighted,
        "dim": kv.dim,
        "p": trainer.config.p,
        "q": trainer.config.q,
        "seconds": round(trainer.seconds, 3),
        "walk_seconds": round(trainer.walk_seconds, 3),
        "steps_per_sec": round(report.words_per_sec, 1),
        "loss_per_round": [round(x, 6) for x in report.losses],
        "threads": report.threads,
    }
    if json_out:
        print_json(result)
        return
    con = console()
    con.print(f"[bold]node2vec[/bold] p={trainer.config.p:g} q={trainer.config.q:g} → {output}")
    con.print(f"graph: {graph!r}")
    con.print(f"{graph.n_nodes * config.walks_per_node:,} walks of up to {config.walk_length} nodes; "
              f"walking {trainer.walk_seconds:.1f} s, {result['seconds']:.1f} s in all; "
              f"final loss {fmt(report.losses[-1])}")  # fmt: skip
    con.print(f"try:  embedlab words similar {output} {graph.keys[0]}")


@handle_errors
def evaluate_nodes(
    vectors: Annotated[Path, typer.Argument(help="Node vectors (a model folder or word2vec file).")],
    labels: Annotated[Path, typer.Argument(help="Labels: 'node label [label ...]' per line.")],
    train_ratio: Annotated[list[float] | None, typer.Option("--train-ratio", help=_RATIOS_HELP)] = None,
    repeats: Annotated[int, typer.Option(help="Random splits per ratio.")] = 10,
    seed: Annotated[int, typer.Option(help="Seed of the splits.")] = 1,
    threads: Annotated[int | None, typer.Option(help="Parallel one-vs-rest fits (default: all cores).")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object with every score.")] = False,
) -> None:
    """Node classification: Micro/Macro-F1 of one-vs-rest logistic regression on the node vectors.

    Two protocols per training ratio: top-k (the papers': each node gets as many labels as it has)
    and threshold (realistic: labels with probability over 0.5).

    Example: embedlab graph evaluate-nodes nodes labels.tsv --train-ratio 0.5
    """
    from embedlab._deps import require
    from embedlab.graph import evaluate_node_classification
    from embedlab.io import load

    require("sklearn", extra="graph")

    kv = load(vectors)
    ratios = tuple(train_ratio) if train_ratio else None
    kwargs: dict[str, Any] = {"train_ratios": ratios} if ratios else {}
    res = evaluate_node_classification(kv, labels, repeats=repeats, seed=seed, threads=threads or -1, **kwargs)
    if json_out:
        print_json({"vectors": str(vectors), "labels_file": str(labels), **res})
        return
    from rich.table import Table

    kind = "multi-label" if res["multi_label"] else "single-label"
    t = Table(title=f"node classification: {res['nodes']:,} nodes, {res['labels']} labels ({kind}), "
                    f"{res['repeats']} splits per ratio")  # fmt: skip
    for col in ("train ratio", "top-k micro-F1", "top-k macro-F1", "threshold micro-F1", "threshold macro-F1"):
        t.add_column(col, justify="right")
    for r in res["rows"]:
        t.add_row(f"{r['train_ratio']:.0%}", *(f"{fmt(r[k])} ± {r[k + '_std']:.3f}" for k in
                  ("topk_micro_f1", "topk_macro_f1", "threshold_micro_f1", "threshold_macro_f1")))  # fmt: skip
    console().print(t)


@handle_errors
@with_config(Node2VecConfig)
def evaluate_links(
    edges: Annotated[Path, typer.Argument(help="Edge list: 'u v' or 'u v weight' per line.")],
    test_fraction: Annotated[float, typer.Option(help="Share of the edges held out.")] = 0.5,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object with every score.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    *,
    config: Node2VecConfig,
) -> None:
    """Link prediction: hold out edges, train node2vec on the rest (the seed splits the edges too), ROC-AUC
    against graph heuristics.

    Example: embedlab graph evaluate-links edges.tsv --test-fraction 0.5
    """
    from embedlab._deps import require
    from embedlab.graph import Node2Vec, evaluate_link_prediction, read_edgelist, split_edges

    require("sklearn", extra="graph")

    graph = read_edgelist(edges)
    split = split_edges(graph, test_fraction, seed=config.seed)
    kv = Node2Vec(config).fit(split.train_graph, progress=progress_enabled(quiet or json_out))
    res = evaluate_link_prediction(kv, split)
    if json_out:
        print_json({"graph": str(edges), "test_fraction": test_fraction, "p": config.p, "q": config.q, **res})
        return
    from rich.table import Table

    t = Table(title=f"link prediction: {res['test_edges']:,} held-out edges + as many non-edges")
    t.add_column("scorer")
    t.add_column("ROC-AUC", justify="right")
    for op, auc in res["operators"].items():
        t.add_row(f"node2vec, {op}", fmt(auc))
    for name, auc in res["baselines"].items():
        t.add_row(name.replace("_", " "), fmt(auc))
    console().print(t)
