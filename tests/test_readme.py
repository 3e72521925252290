"""README's examples run as written, on small data made here.

Every ``embedlab`` line of README's bash blocks runs in order in one folder (as a user following
the README would), through the CLI's own entry point; ``serve`` builds its app without listening,
and every ``curl`` line is sent to the app served above it that has that route. Each Python block
runs in a fresh copy of the data; the names the README leaves to the reader (``texts``, ``ids``,
...) are given in ``PLACEHOLDERS``. Lines that install or run the test suite are not run here.
"""

from __future__ import annotations

import gzip
import json
import lzma
import random
import re
import shlex
import shutil
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

README = Path(__file__).parent.parent / "README.md"
SKIPPED = ("python3 -m venv .venv && .venv/bin/pip install -e",)  # the test-suite command itself

pytestmark = pytest.mark.slow


def code_blocks(lang: str) -> list[tuple[int, str]]:
    """(first line number, code) of every fenced block in ``lang``."""
    out, lines = [], README.read_text(encoding="utf-8").split("\n")
    i = 0
    while i < len(lines):
        if lines[i].strip() == f"```{lang}":
            j = lines.index("```", i + 1)
            out.append((i + 2, "\n".join(lines[i + 1 : j])))
            i = j
        i += 1
    return out


# ---------------------------------------------------------------- the data the examples name

TOPICS = {
    "music": ["A man plays the guitar.", "She sings a song on stage.", "The band played a concert.",
              "He practices the piano every day."],
    "finance": ["The stock market crashed.", "Shares fell sharply today.", "The bank raised interest rates.",
                "Investors sold their bonds."],
    "animals": ["A cat sleeps on the sofa.", "The dog chased the ball.", "A kitten naps in the sun.",
                "Birds fly over the lake."],
}  # fmt: skip
KOREAN = [
    "나는 학교에 갑니다",
    "오늘 날씨가 좋습니다",
    "영화가 정말 재미있어요",
    "음식이 맛있습니다",
    "친구를 만났어요",
]


def _texts_and_labels() -> tuple[list[str], list[str]]:
    texts = [t for ts in TOPICS.values() for t in ts]
    labels = [k for k, ts in TOPICS.items() for _ in ts]
    return texts, labels


def make_data(d: Path) -> None:
    from embedlab.text.demo_corpus import demo_sentences
    from embedlab.vectors.keyed import KeyedVectors

    sentences = list(demo_sentences(20_000))
    with lzma.open(d / "corpus.txt.xz", "wt", encoding="utf-8") as fh:
        fh.write("\n".join(sentences) + "\n")
    (d / "tokens.txt").write_text("\n".join(sentences[:5000]) + "\n")
    (d / "wiki" / "AA").mkdir(parents=True)
    (d / "wiki" / "AA" / "wiki_00").write_text(
        "".join(f'<doc id="{i}" url="u" title="t{i}">\n' + "\n".join(sentences[i * 50 : i * 50 + 50]) + "\n</doc>\n"
                for i in range(40))
    )  # fmt: skip
    texts, labels = _texts_and_labels()
    pairs = list(zip(texts, labels, strict=True))
    with open(d / "docs.jsonl", "w") as fh:
        for i in range(40):
            terms = " ".join(f"term{(i * 10 + j) % 400}" for j in range(60))  # 400 more words, 6 times each
            t = texts[i % len(texts)] + " " + " ".join(sentences[i * 20 : i * 20 + 20]) + " " + terms
            fh.write(
                json.dumps({"id": f"doc-{i}", "text": t, "body": t + " More words.", "year": 2015 + i % 10}) + "\n"
            )
    (d / "texts.txt").write_text("\n".join(texts) + "\n")
    (d / "questions.txt").write_text("someone making music\nshares fell\n")
    sts = [(a, b, 5.0 if la == lb else 1.0) for a, la in pairs for b, lb in pairs if a < b]
    random.Random(0).shuffle(sts)
    (d / "sts-test.csv").write_text("".join(f"main\tx\t2012\t{i}\t{s}\t{a}\t{b}\n" for i, (a, b, s) in
                                            enumerate(sts[:40])))  # fmt: skip
    kor = [(a, b, 5.0 if a[:2] == b[:2] else 0.5) for a in KOREAN for b in KOREAN if a != b]
    header = "genre\tfilename\tyear\tid\tscore\tsentence1\tsentence2\n"
    for name in ("korsts-test.tsv", "korsts-train.tsv"):
        (d / name).write_text(header + "".join(f"g\tf\t2017\t{i}\t{s}\t{a}\t{b}\n" for i, (a, b, s) in enumerate(kor)))
    # Korean Wikipedia as WikiExtractor writes it: <doc ...> lines around each article
    (d / "ko.txt").write_text("".join(f'<doc id="{i}" url="https://ko.wikipedia.org/wiki?curid={i}" title="문서{i}">\n'
                                      + "\n".join(KOREAN) + "\n</doc>\n" for i in range(40)))  # fmt: skip
    nli = [
        (a, b, ["entailment", "neutral", "contradiction"][i % 3])
        for i, (a, b) in enumerate(zip(KOREAN * 6, KOREAN[1:] * 8, strict=False))
    ]
    for name in ("kornli-dev.tsv", "kornli-test.tsv"):
        (d / name).write_text("sentence1\tsentence2\tgold_label\n" + "".join(f"{a}\t{b}\t{y}\n" for a, b, y in nli))
    paragraphs = [
        {"context": k, "qas": [{"id": f"q{i}", "question": k.split()[0] + " 무엇?"}]} for i, k in enumerate(KOREAN)
    ]
    with lzma.open(d / "korquad-dev.json.xz", "wt", encoding="utf-8") as fh:
        json.dump({"version": "KorQuAD_v1.0_dev", "data": [{"title": "예문", "paragraphs": paragraphs}]}, fh)
    (d / "ko-docs.jsonl").write_text(
        "".join(json.dumps({"id": f"ko{i}", "text": k}) + "\n" for i, k in enumerate(KOREAN))
    )
    (d / "scifact" / "qrels").mkdir(parents=True)
    with open(d / "scifact" / "corpus.jsonl", "w") as fh:
        for i, t in enumerate(texts):
            fh.write(json.dumps({"_id": f"c{i}", "title": "", "text": t}) + "\n")
    (d / "scifact" / "queries.jsonl").write_text(
        json.dumps({"_id": "q1", "text": "playing music"}) + "\n" + json.dumps({"_id": "q2", "text": "pets"}) + "\n"
    )
    (d / "scifact" / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\tc0\t1\nq2\tc9\t1\n")
    # a graph of two communities of 30 nodes
    r = random.Random(0)
    edges = {(a, b) for _ in range(400) for g in (0, 30) for a, b in [sorted(r.sample(range(g, g + 30), 2))]}
    edges |= {(0, 30), (5, 40)}
    edge_text = "".join(f"{a}\t{b}\n" for a, b in sorted(edges))
    (d / "edges.tsv").write_text(edge_text)
    with gzip.open(d / "edges.tsv.gz", "wt") as fh:
        fh.write(edge_text)
    (d / "labels.tsv").write_text("".join(f"{n}\t{'a' if n < 30 else 'b'}\n" for n in range(60)))
    # purchases: two groups of customers and products, dated across the split of the Python example
    rows = ["customer\tproduct\tqty\tinvoice\tdate"]
    groups = [["85123A", "71053", "84406B", "84029G", "22752"], ["21730", "22633", "22632", "84879", "22745"]]
    for u in range(40):
        user, items = str(12340 + u), groups[u % 2]
        for k in range(6):
            day = 1 + (u + 3 * k) % 28
            rows.append(f"{user}\t{r.choice(items)}\t{1 + k % 3}\tI{u}-{k // 2}\t2011-{10 + k // 3:02d}-{day:02d}")
    (d / "events.tsv").write_text("\n".join(rows) + "\n")
    (d / "ids.txt").write_text("12347\n12348\n")
    # labelled text: fastText's format, label<TAB>text, CSV
    # with 300 filler words, so that the model has the 256 rows fastText's quantization needs (.ftz)
    lab = [f"__label__{la} {t.lower()} term{(7 * i) % 300} term{(11 * i) % 300}" for i, (t, la) in
           enumerate(pairs * 25)]  # fmt: skip
    for name in ("train.txt", "valid.txt", "test.txt"):
        (d / name).write_text("\n".join(lab) + "\n")
    (d / "nsmc.txt").write_text("\n".join(f"__label__{i % 2} {k}" for i, k in enumerate(KOREAN * 20)) + "\n")
    (d / "train.csv").write_text("text,label\n" + "".join(f'"{t}",{la}\n' for t, la in pairs) * 3)
    for name in ("intents.tsv", "valid.tsv"):
        (d / name).write_text("".join(f"{la}\t{t}\n" for t, la in pairs) * 2)
    out_of_scope = ["what is the weather on mars", "tell me a joke about cheese"]
    (d / "intents-test.tsv").write_text("".join(f"{la}\t{t}\n" for t, la in pairs)
                                        + "".join(f"oos\t{t}\n" for t in out_of_scope))  # fmt: skip
    words = ["king", "queen", "man", "woman", "music", "guitar", "a", "the", "plays", "sings", "man"]
    rng = __import__("numpy").random.default_rng(0)
    from embedlab.train.word2vec import Word2Vec

    tokens = [s.split() for s in sentences[:5000]] + [t.lower().rstrip(".").split() for t in texts] * 5
    tokens += [[f"term{j}" for j in range(k, k + 20)] for k in range(0, 400, 5)]
    user_model = Word2Vec(dim=16, min_count=1, epochs=1, threads=1).fit(tokens)  # a user's own model
    user_model.save(d / "my-word2vec")
    user_model.save(d / "model")
    make_images(d)
    vocab = sorted(set(words))  # a model embedlab trained: it has word counts, as SIF pooling needs
    vectors = rng.normal(size=(len(vocab), 16)).astype("float32")
    KeyedVectors(vocab, vectors, counts=list(range(100, 100 + len(vocab)))).save(d / "word-model")


def _idx(data) -> bytes:
    return bytes([0, 0, 8, data.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in data.shape) + data.tobytes()


def make_images(d: Path) -> None:
    """Generated shapes as the README's image files: class folders, IDX files, caption pairs."""
    import numpy as np
    from PIL import Image

    from conftest import shape_images, write_images

    x, y = shape_images(3, size=32, colour=True, seed=0)
    write_images(d / "photos", x, y)
    Image.fromarray(x[0]).save(d / "query.png")
    Image.fromarray(x[1]).save(d / "shoe.png")
    pics = write_images(d / "emoji", *shape_images(2, size=32, colour=True, seed=1))
    rows = [{"image": str(p.relative_to(d)), "caption": "a " + p.parent.name.replace("_", " ")} for p in pics]
    (d / "pairs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    grey, _ = shape_images(20, seed=2)  # 80 images, ten classes of eight (as many as IDX label files name)
    labels = (np.arange(len(grey)) % 10).astype(np.uint8)
    for folder in (d, d / "fashion-mnist"):
        folder.mkdir(exist_ok=True)
        for part in ("train", "t10k"):
            (folder / f"{part}-images-idx3-ubyte.gz").write_bytes(gzip.compress(_idx(grey)))
            (folder / f"{part}-labels-idx1-ubyte.gz").write_bytes(gzip.compress(_idx(labels)))


texts_, labels_ = _texts_and_labels()
# the kinds of make_images's emoji/ pictures, in file order: colour x shape, two of each
EMOJI_KINDS = [f"{c} {s}" for c in ("red", "green", "blue") for s in ("circle", "square", "triangle", "cross")
               for _ in range(2)]  # fmt: skip
PLACEHOLDERS = {
    "texts": texts_,
    "labels": labels_,
    "intents": labels_,
    "ids": [f"doc-{i}" for i in range(len(texts_))],
    "metadata": [{"year": 2015 + i % 10} for i in range(len(texts_))],
    "valid_texts": texts_ * 2,  # calibrating the out-of-scope threshold takes 20 or more
    "book_chapter": " ".join(texts_ * 30),
    "image_paths": [f"emoji/{k.replace(' ', '_')}/{i:04d}.png" for i, k in enumerate(EMOJI_KINDS)],
    "captions": [f"a {k}" for k in EMOJI_KINDS],
}


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp("readme-data")
    make_data(d)
    return d


# ---------------------------------------------------------------- running the bash blocks


def parse_line(line: str) -> list[tuple[list[str], dict[str, str], str | None]]:
    """The ``embedlab`` commands of one line, each as (argv, env, stdin)."""
    if line.startswith(SKIPPED):
        return []
    if "&&" in line:  # the quick start: install, then the embedlab commands
        return [cmd for part in line.split("&&") for cmd in parse_line(part.strip())]
    stdin = None
    if line.startswith("echo ") and "|" in line:
        left, line = line.split("|", 1)
        stdin = shlex.split(left)[1] + "\n"
    words = shlex.split(line, comments=True)
    env = {}
    while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):
        key, value = words.pop(0).split("=", 1)
        env[key] = value
    if not words or not words[0].endswith("embedlab"):
        return []
    return [(words[1:], env, stdin)]


def test_every_bash_example_runs(data, tmp_path, monkeypatch):
    import uvicorn
    from fastapi.testclient import TestClient

    from embedlab.cli.main import app

    work = tmp_path / "work"
    shutil.copytree(data, work)
    monkeypatch.chdir(work)
    served: list = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: served.append(app))
    runner = CliRunner()
    ran = 0
    for first, block in code_blocks("bash"):
        for n, line in enumerate(block.split("\n"), first):
            if line.startswith("curl "):
                args = shlex.split(line)
                route = re.search(r"/v1/\w+", line).group(0)
                body = json.loads(args[args.index("-d") + 1])
                apps = [a for a in served if route in a.openapi()["paths"]]
                answers = [TestClient(a).post(route, json=body) for a in apps]
                assert any(a.status_code == 200 for a in answers), f"README.md:{n}: {line}: " + "; ".join(
                    f"{a.status_code} {a.text[:200]}" for a in answers
                )
                continue
            for argv, env, stdin in parse_line(line):
                t0 = time.perf_counter()
                result = runner.invoke(app, argv, input=stdin, env=env or None)
                print(f"{time.perf_counter() - t0:6.1f} s  {line}")
                assert result.exit_code == 0, f"README.md:{n}: {line}\n{result.output}\n{result.exception!r}"
                ran += 1
    assert ran >= 50  # every embedlab line was found and run
    # what the examples write is of a sensible size: a classifier and Korean word vectors, not 800 MB of rows
    for out in ("sentiment", "nsmc", "best", "ko-vectors"):
        size = sum(f.stat().st_size for f in (work / out).rglob("*") if f.is_file())
        assert size < 50e6, f"README's example wrote {size / 1e6:.0f} MB to {out}"
    # WikiExtractor's markup is not trained on: the <doc ...> lines of ko.txt leave no word behind
    from embedlab import load

    ko = load(work / "ko-vectors")
    assert not {"doc", "url", "title", "id", "curid"} & set(ko.words), sorted(ko.words)[:20]


# ---------------------------------------------------------------- running the Python blocks


@pytest.mark.parametrize("first", [n for n, _ in code_blocks("python")])
def test_python_example_runs(first, data, tmp_path, monkeypatch):
    code = dict(code_blocks("python"))[first]
    work = tmp_path / "work"
    shutil.copytree(data, work)
    monkeypatch.chdir(work)
    namespace = {**PLACEHOLDERS, "__name__": "readme"}
    exec(compile(code, f"README.md:{first}", "exec"), namespace)
