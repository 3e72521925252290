"""Image commands: ``train image-cnn``, ``train image-text``, ``evaluate-images``, ``zero-shot``,
and the image side of ``encode`` and ``collection``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from embedlab._deps import require
from embedlab.cli._common import console, fmt, handle_errors, print_json, progress_enabled
from embedlab.cli._config_options import with_config
from embedlab.cli._options import ForceOpt
from embedlab.encoders.image_config import ImageCNNConfig, ImageTextConfig
from embedlab.errors import ConfigError, FormatError
from embedlab.text.readers import split_lines

IMAGE_MODEL_HELP = "Image model: efficientnet-lite0 (ImageNet, bundled), or a folder from train image-cnn / image-text."
DATA_HELP = "Labelled images: a folder with one subfolder per class, or an IDX images file (MNIST, Fashion-MNIST)."
LABELS_HELP = "IDX labels file (default: beside the images file, 'labels' for 'images' in its name)."
CLASSES_HELP = "Class names in label order, comma-separated (IDX files number their classes)."


def _classes(names: str | None) -> list[str] | None:
    return [c.strip() for c in names.split(",")] if names else None


@handle_errors
@with_config(ImageCNNConfig)
def train_image_cnn(
    data: Annotated[Path, typer.Argument(help=DATA_HELP)],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the trained embedder.")],
    labels: Annotated[Path | None, typer.Option(help=LABELS_HELP)] = None,
    classes: Annotated[str | None, typer.Option(help=CLASSES_HELP)] = None,
    size: Annotated[int | None, typer.Option(help="Input side in pixels (default: the images').", min=8)] = None,
    force: ForceOpt = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    *,
    config: ImageCNNConfig,
) -> None:
    """Train a small CNN image embedder on labelled images; its last hidden layer is the embedding.

    Example: embedlab images train-cnn /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz -o fashion-cnn
    """
    require("torch", "PIL", "safetensors", extra="images")  # saving needs safetensors: checked before training
    from embedlab.encoders.image_cnn import CNN_CONFIG, train_image_embedder
    from embedlab.eval.image_sets import read_labelled_images
    from embedlab.io import check_output

    check_output(output, inputs=[data], force=force, marker=CNN_CONFIG)
    ds = read_labelled_images(data, labels, classes=_classes(classes))
    names = [ds.classes[i] for i in ds.labels] if ds.classes else ds.labels
    enc = train_image_embedder(ds.images, names, size=size, show_progress=progress_enabled(quiet), **config.as_dict())
    enc.save(output)
    seconds = enc.config["train_seconds"]
    report = {
        "output": str(output),
        "images": len(ds),
        "classes": len(ds.classes),
        "dim": enc.dim,
        "epochs": config.epochs,
        "seconds": seconds,
    }
    if json_out:
        print_json(report)
    else:
        typer.echo(f"trained on {len(ds):,} images ({len(ds.classes)} classes) in {seconds:.0f} s; "
                   f"saved {enc.dim}-d embedder to {output}", err=True)  # fmt: skip


def read_pairs_file(path: Path, image_field: str, caption_field: str) -> tuple[list[Path], list[str]]:
    """Image paths (relative ones from the file's folder) and captions from a .jsonl of pairs."""
    images: list[Path] = []
    captions: list[str] = []
    try:
        lines = split_lines(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise FormatError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise FormatError(f"{path}:{n}: not JSON ({exc.msg})") from None
        if (
            not isinstance(row, dict)
            or not isinstance(row.get(image_field), str)
            or not isinstance(row.get(caption_field), str)
        ):
            raise FormatError(f"{path}:{n}: needs string fields {image_field!r} and {caption_field!r}")
        p = Path(row[image_field])
        images.append(p if p.is_absolute() else path.parent / p)
        captions.append(row[caption_field])
    if not images:
        raise ConfigError(f"{path} holds no image-caption pairs")
    return images, captions


@handle_errors
@with_config(ImageTextConfig)
def train_image_text(
    pairs: Annotated[Path, typer.Argument(help='.jsonl of pairs: {"image": "path.png", "caption": "text"} a line.')],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the image-text model.")],
    text_model: Annotated[str | None, typer.Option("--text-model", help="Frozen text tower (default: MiniLM).")] = None,
    image_field: Annotated[str, typer.Option(help="JSON field of the image path.")] = "image",
    caption_field: Annotated[str, typer.Option(help="JSON field of the caption.")] = "caption",
    force: ForceOpt = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    *,
    config: ImageTextConfig,
) -> None:
    """Train an image-text space (LiT): frozen text tower, image tower + projection trained by InfoNCE.

    Example: embedlab images train-text pairs.jsonl -o emoji-space --epochs 40
    """
    require("torch", "PIL", "safetensors", "sentence_transformers", extra="images")
    from embedlab.encoders import load_encoder
    from embedlab.encoders.image_text import IMAGE_TEXT_CONFIG
    from embedlab.encoders.image_text import train_image_text as run
    from embedlab.io import check_output

    check_output(output, inputs=[pairs], force=force, marker=IMAGE_TEXT_CONFIG)
    images, captions = read_pairs_file(pairs, image_field, caption_field)
    params = config.as_dict()
    model = run(
        images,
        captions,
        image_encoder=params.pop("image_model"),
        text_encoder=load_encoder(text_model) if text_model else None,
        show_progress=progress_enabled(quiet),
        **params,
    )
    model.save(output)
    typer.echo(f"trained on {len(captions):,} pairs in {model.config['train_seconds']:.0f} s (temperature "
               f"{model.temperature:.4f}); saved to {output}", err=True)  # fmt: skip


@handle_errors
def evaluate_images(
    data: Annotated[Path, typer.Argument(help=DATA_HELP)],
    model: Annotated[list[str] | None, typer.Option("--model", "-m", help=IMAGE_MODEL_HELP + " Repeatable.")] = None,
    labels: Annotated[Path | None, typer.Option(help=LABELS_HELP)] = None,
    classes: Annotated[str | None, typer.Option(help=CLASSES_HELP)] = None,
    test: Annotated[
        Path | None, typer.Option(help="Test set (same kinds as DATA); default: 5-fold CV on DATA.")
    ] = None,
    test_labels: Annotated[Path | None, typer.Option(help="IDX labels of --test.")] = None,
    k: Annotated[int, typer.Option("--k", "-k", help="Neighbours of the kNN vote.")] = 5,
    prompt: Annotated[
        str, typer.Option(help="Zero-shot prompt for image-text models ({} = class name).")
    ] = "a photo of a {}",
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """kNN and linear-probe accuracy, precision@10 and (image-text models) zero-shot accuracy of image embeddings."""
    import time

    require("torch", "PIL", "sklearn", extra="images")
    from embedlab.encoders import load_encoder
    from embedlab.eval.image_sets import read_labelled_images
    from embedlab.eval.images import knn_accuracy, linear_probe_accuracy, precision_at_k, zero_shot_accuracy

    ds = read_labelled_images(data, labels, classes=_classes(classes))
    tst = read_labelled_images(test, test_labels, classes=_classes(classes)) if test is not None else None
    show = progress_enabled(quiet)
    rows: list[dict[str, Any]] = []
    for spec in model or ["efficientnet-lite0"]:
        enc = load_encoder(spec)
        if getattr(enc, "modality", "text") != "image":
            raise ConfigError(f"{spec} is not an image model")
        t0 = time.perf_counter()
        x = enc.encode(ds.images, show_progress=show)
        speed = len(ds) / (time.perf_counter() - t0)
        held = (enc.encode(tst.images, show_progress=show), tst.labels) if tst is not None else None
        scored = held or (x, ds.labels)
        row: dict[str, Any] = {
            "model": spec,
            "images_per_s": round(speed, 1),
            "knn": knn_accuracy(x, ds.labels, k=k, test=held)["accuracy"],
            "linear_probe": linear_probe_accuracy(x, ds.labels, test=held, show_progress=show)["accuracy"],
            "precision@10": precision_at_k(*scored, k=10)["precision@10"],
        }
        if hasattr(enc, "encode_texts"):
            qx, qy = held or (x, ds.labels)
            prompts = enc.encode_texts([prompt.format(c) for c in ds.classes])
            row["zero_shot"] = zero_shot_accuracy(qx, qy, prompts, list(range(len(ds.classes))))["accuracy"]
        rows.append(row)
    if json_out:
        print_json({"data": str(data), "test": str(test) if test else None, "results": rows})
        return
    from rich.table import Table

    t = Table(
        title=f"{data.name}: {len(ds):,} images, {len(ds.classes)} classes"
        + (f"; test {test.name}" if test else ", 5-fold CV")
    )
    for c in ("model", "kNN", "linear probe", "P@10", "zero-shot", "images/s"):
        t.add_column(c, justify="left" if c == "model" else "right")
    for r in rows:
        t.add_row(r["model"], fmt(r["knn"]), fmt(r["linear_probe"]), fmt(r["precision@10"]),
                  fmt(r.get("zero_shot")) if "zero_shot" in r else "-", f"{r['images_per_s']:.0f}")  # fmt: skip
    console().print(t)


@handle_errors
def zero_shot(
    model: Annotated[str, typer.Argument(help="An image-text folder (train image-text).")],
    images: Annotated[list[Path], typer.Argument(help="Image files or folders.")],
    classes: Annotated[str, typer.Option(help="Candidate labels, comma-separated.")],
    prompt: Annotated[str, typer.Option(help="Prompt template ({} = class name).")] = "a photo of a {}",
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Label images by the nearest text prompt of an image-text model (zero-shot classification)."""
    require("torch", "PIL", extra="images")
    from embedlab.encoders import load_encoder
    from embedlab.search.images import image_inputs

    enc = load_encoder(model)
    if not hasattr(enc, "zero_shot"):
        raise ConfigError(f"{model} is not an image-text model; train one with `embedlab images train-text`")
    paths = image_inputs(images)
    names = _classes(classes) or []
    labels, probs = enc.zero_shot(paths, names, template=prompt)
    rows = [{"image": str(p), "label": lab, "probability": round(float(pr.max()), 4)}
            for p, lab, pr in zip(paths, labels, probs, strict=True)]  # fmt: skip
    if json_out:
        print_json({"results": rows})
        return
    from rich.table import Table

    t = Table()
    for c in ("image", "label", "probability"):
        t.add_column(c, justify="right" if c == "probability" else "left")
    for r in rows:
        t.add_row(r["image"], r["label"], f"{r['probability']:.3f}")
    console().print(t)


@handle_errors
def plot_images(
    sources: Annotated[
        list[Path], typer.Argument(help="Image files or folders, or one image collection (its vectors and images).")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="out.png, out.svg or out.pdf.")],
    model: Annotated[str, typer.Option("--model", "-m", help=IMAGE_MODEL_HELP)] = "efficientnet-lite0",
    method: Annotated[str, typer.Option(help="Projection to 2-D: pca, tsne or umap.")] = "pca",
    thumb: Annotated[int, typer.Option(help="Thumbnail side in pixels.")] = 32,
    limit: Annotated[int, typer.Option(help="At most this many images (the first ones).")] = 500,
    title: Annotated[str | None, typer.Option(help="Plot title.")] = None,
) -> None:
    """Draw a map of images: each image as a thumbnail where its embedding projects.

    Images in class subfolders get a frame coloured by their folder. Example:
    embedlab images plot photos/ -o map.png --method umap
    """
    import numpy as np

    from embedlab.io import check_output

    require("matplotlib", "PIL", extra="viz")
    check_output(output, "figure", inputs=sources)
    from embedlab.encoders import load_encoder
    from embedlab.search.images import IMAGE_FIELD, image_inputs
    from embedlab.viz.image_plots import plot_images as draw

    labels: list[str] | None = None
    if len(sources) == 1 and (sources[0] / "collection.db").is_file():
        from embedlab.search.collection import Collection

        col = Collection(sources[0])
        slots, matrix = col.vectors()
        pairs = col.metadata_for_slots(slots[:limit], IMAGE_FIELD)
        keep = [i for i, (_, path) in enumerate(pairs) if isinstance(path, str)]
        if not keep:
            raise ConfigError(f"{sources[0]} holds no image documents (metadata field {IMAGE_FIELD!r})")
        vecs, images = np.asarray(matrix[keep]), [Path(pairs[i][1]) for i in keep]
    else:
        images = image_inputs(sources)[:limit]
        folders = {p.parent.name for p in images}
        labels = [p.parent.name for p in images] if 1 < len(folders) <= 20 else None
        enc = load_encoder(model)
        if getattr(enc, "modality", "text") != "image":
            raise ConfigError(f"{model} is not an image model")
        vecs = enc.encode([str(p) for p in images], show_progress=progress_enabled(False))
    out = draw(vecs, images, output, method=method, labels=labels, thumb=thumb, title=title or "image map")
    typer.echo(f"wrote a map of {len(images):,} images to {out}", err=True)
