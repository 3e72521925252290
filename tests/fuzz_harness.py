"""Damaged files for every loader, run as a script by tests/io/test_loader_fuzz.py.

``python fuzz_harness.py KIND SEED CASES FOLDER [SOURCE]`` writes one valid file of KIND (or takes
SOURCE, e.g. a model the ``fasttext`` package wrote), then for each case damages a copy (truncated,
bytes flipped, inserted or deleted, header sizes made huge or negative, NaN and inf, invalid UTF-8,
line separators inside words, duplicated records, damaged JSON, ``.npy`` headers and SQLite rows),
loads it and uses it (neighbours, lookups, unseen words, a save and reload, searches and an add).
Loading must either work or raise an ``EmbedlabError``; any other exception, a hang (10 s) or a
crash is a failure. The process runs under a memory limit set by the test, so a huge allocation
shows as a MemoryError instead of swapping. Prints one JSON line with the counts and the failures;
the case being run is written to ``FOLDER/current`` first, so a crash names it.
"""

from __future__ import annotations

import json
import random
import shutil
import signal
import sqlite3
import struct
import sys
import traceback
import warnings
from pathlib import Path

import numpy as np

from embedlab.errors import EmbedlabError
from embedlab.vectors.keyed import KeyedVectors

warnings.simplefilter("ignore")  # warnings about what was read are allowed; only errors are checked


class Hang(BaseException):
    """Raised by the alarm: one case ran past its time."""


def _alarm(_signum, _frame):
    raise Hang


HUGE_INTS = [0, 1, -1, 2, 7, 2**31 - 1, -(2**31), 2**31, 10**9, 10**12, 2**62, 99999999999999999999]
BAD_NUMBERS = [b"nan", b"NaN", b"inf", b"-inf", b"1e400", b"-1e400", b"0x10", b"1,5", b"", b"--1", b"1e-400", b"\xff"]
# numbers as text that Python's int() / float() or numpy would read as some other number, or past int64
NUMBERS_AS_TEXT = ["١٢".encode(), "１２".encode(), "²".encode(), b"1_000", b" 7", b"+7", b"-7", b"007",
                   b"18446744073709551616", b"9223372036854775808", b"9" * 40]  # fmt: skip

WORD_BYTES = [b"\xff", b"\xc3", b"\xe2\x80\xa8", b"\xc2\x85", b"\x00", b"\t", b"\r", b"\x0b", b"\x0c", b"\xef\xbb\xbf"]


# ---------------------------------------------------------------- generic byte damage


def generic(data: bytes, r: random.Random) -> bytes:
    b = bytearray(data)
    if not b:
        return bytes(r.randrange(256) for _ in range(r.randint(1, 64)))
    op = r.choice(["truncate", "truncate", "flip", "flip", "insert", "delete", "repeat", "fill"])
    i = r.randrange(len(b))
    if op == "truncate":
        return bytes(b[:i])
    if op == "flip":
        for _ in range(r.randint(1, 8)):
            b[r.randrange(len(b))] = r.randrange(256)
    elif op == "insert":
        b[i:i] = bytes(r.randrange(256) for _ in range(r.randint(1, 16)))
    elif op == "delete":
        del b[i : i + r.randint(1, 64)]
    elif op == "repeat":
        b[i:i] = b[i : i + r.randint(1, 256)]
    else:
        b[i : i + r.randint(1, 32)] = bytes([r.choice([0, 0xFF])]) * r.randint(1, 32)
    return bytes(b)


# ---------------------------------------------------------------- text formats


def text_damage(data: bytes, r: random.Random, header: bool) -> bytes:
    lines = data.split(b"\n")
    first = 1 if header else 0
    body = range(first, max(first + 1, len(lines) - 1))
    op = r.choice(
        ["header", "number", "word", "dup", "drop", "drop_value", "add_value", "crlf", "bom", "tabs", "empty"]
    )
    k = r.choice(body)
    if op == "header" and header:
        n, dim = (int(x) for x in lines[0].split())
        lines[0] = r.choice(
            [
                f"{r.choice(HUGE_INTS)} {dim}".encode(),
                f"{n} {r.choice(HUGE_INTS)}".encode(),
                f"{n + r.choice([-1, 1])} {dim}".encode(),
                f"{n} {dim + r.choice([-1, 1])}".encode(),
                b"a b",
                f"{n}".encode(),
                f"{n} {dim} 7".encode(),
            ]
        )
    elif op == "number" and len(parts := lines[k].split(sep := b"\t" if b"\t" in lines[k] else b" ")) > 1:
        parts[r.randrange(1, len(parts))] = r.choice(BAD_NUMBERS + NUMBERS_AS_TEXT)  # every field after the key
        lines[k] = sep.join(parts)
    elif op == "word" and lines[k]:
        cut = r.randrange(0, max(1, lines[k].find(b" ")) + 1)
        lines[k] = lines[k][:cut] + r.choice(WORD_BYTES) + lines[k][cut:]
    elif op == "dup":
        lines.insert(k, lines[r.choice(body)])
    elif op == "drop":
        del lines[k]
    elif op == "drop_value" and b" " in lines[k]:
        lines[k] = lines[k].rsplit(b" ", 1)[0]
    elif op == "add_value":
        lines[k] = lines[k] + b" 0.5"
    elif op == "crlf":
        return b"\r\n".join(lines)
    elif op == "bom":
        return b"\xef\xbb\xbf" + b"\n".join(lines)
    elif op == "tabs":
        lines[k] = lines[k].replace(b" ", b"\t")
    elif op == "empty":
        return r.choice([b"", b"\n", lines[0] + b"\n"])
    return b"\n".join(lines)


# ---------------------------------------------------------------- word2vec binary


def w2v_records(data: bytes) -> tuple[int, int, list[tuple[int, int]]]:
    """(dim, start of the first record, [(word start, vector start)]) of a valid word2vec binary file."""
    nl = data.index(b"\n")
    n, dim = (int(x) for x in data[:nl].split())
    pos, recs = nl + 1, []
    for _ in range(n):
        while data[pos : pos + 1] == b"\n":
            pos += 1
        space = data.index(b" ", pos)
        recs.append((pos, space + 1))
        pos = space + 1 + 4 * dim
    return dim, nl + 1, recs


def w2v_bin_damage(data: bytes, r: random.Random) -> bytes:
    dim, _, recs = w2v_records(data)
    b = bytearray(data)
    op = r.choice(["header", "nan", "word", "dup_word", "no_space"])
    ws, vs = r.choice(recs)
    if op == "header":
        nl = data.index(b"\n")
        n = len(recs)
        head = r.choice(
            [
                f"{r.choice(HUGE_INTS)} {dim}",
                f"{n} {r.choice(HUGE_INTS)}",
                f"{n + r.choice([-1, 1, -5])} {dim}",
                f"{n} {dim + r.choice([-1, 1])}",
            ]
        )
        return head.encode() + data[nl:]
    if op == "nan":
        j = vs + 4 * r.randrange(dim)
        b[j : j + 4] = struct.pack("<f", r.choice([float("nan"), float("inf"), -float("inf"), 3e38]))
    elif op == "word":
        b[ws:ws] = r.choice(WORD_BYTES)
    elif op == "dup_word":
        other = r.choice([w for w, v in recs if v - w == vs - ws])
        b[ws : vs - 1] = data[other : other + (vs - 1 - ws)]
    else:
        del b[vs - 1]
    return bytes(b)


# ---------------------------------------------------------------- fastText binary


def ft_layout(data: bytes) -> dict[str, list[tuple[int, str]]]:
    """Offsets (and struct codes) of the fields of a valid fastText ``.bin`` file."""
    fields = {"header": [(8 + 4 * i, "<i") for i in range(12)] + [(56, "<d")]}
    size, _nwords, _nlabels = struct.unpack_from("<3i", data, 64)
    fields["dict"] = [(64, "<i"), (68, "<i"), (72, "<i"), (76, "<q"), (84, "<q")]
    prune = struct.unpack_from("<q", data, 84)[0]
    pos, counts, types, words = 92, [], [], []
    for _ in range(size):
        end = data.index(b"\0", pos)
        words.append((pos, end - pos))
        counts.append((end + 1, "<q"))
        types.append((end + 9, "<b"))
        pos = end + 10
    pos += 8 * max(prune, 0)
    fields["counts"], fields["types"] = counts, types
    fields["words"] = [(p, str(n)) for p, n in words]
    quant = pos
    m, n = struct.unpack_from("<2q", data, quant + 1)
    fields["matrix"] = [(quant + 1, "<q"), (quant + 9, "<q")]
    fields["quant"] = [(quant, "<b")]
    fields["values"] = [(quant + 17 + 4 * i, "<f") for i in range(0, m * n, max(1, m * n // 64))]
    out = quant + 17 + 4 * m * n
    fields["output"] = [(out, "<b"), (out + 1, "<q"), (out + 9, "<q")]
    return fields


def ft_damage(data: bytes, layout: dict[str, list[tuple[int, str]]], r: random.Random) -> bytes:
    b = bytearray(data)
    group = r.choice(["header", "header", "dict", "dict", "counts", "types", "words", "matrix", "quant", "values"])
    group = group if layout[group] else "header"
    off, code = r.choice(layout[group])
    if group == "words":
        n = int(code)
        j = off + r.randrange(n)
        b[j : j + 1] = r.choice([b"\xff", b"\xc3", b"\x00", b"\n", b" "])
        return bytes(b)
    if code == "<d":
        struct.pack_into(code, b, off, r.choice([float("nan"), float("inf"), -1.0, 0.0, 1e300]))
    elif code == "<f":
        struct.pack_into(code, b, off, r.choice([float("nan"), float("inf"), -float("inf"), 3e38]))
    elif code == "<b":
        struct.pack_into("<B", b, off, r.choice([0, 1, 2, 127, 255]))
    else:
        old = struct.unpack_from(code, data, off)[0]
        value = r.choice([*HUGE_INTS[:-1], old + 1, old - 1, old * 2, r.randint(-5, 50)])
        lo, hi = (-(2**31), 2**31 - 1) if code == "<i" else (-(2**63), 2**63 - 1)
        struct.pack_into(code, b, off, max(lo, min(hi, value)))
    return bytes(b)


# ---------------------------------------------------------------- native folders


def json_damage(text: str, r: random.Random) -> str:
    try:
        obj = json.loads(text)
    except ValueError:
        return text
    paths: list[list] = []

    def walk(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                paths.append([*path, key])
                walk(value, [*path, key])

    walk(obj, [])
    if not paths or r.random() < 0.15:
        return r.choice(["[]", "null", "{", '"x"', "1e999", ""])
    path = r.choice(paths)
    node = obj
    for key in path[:-1]:
        node = node[key]
    if r.random() < 0.3:
        del node[path[-1]]
    else:
        node[path[-1]] = r.choice([None, -1, 0, 10**30, 2**64, "x", [], {}, 1.5, True, float("nan"), "../../etc",
                                   *(t.decode() for t in NUMBERS_AS_TEXT), "8"])  # fmt: skip
    return json.dumps(obj)


def npy_damage(data: bytes, r: random.Random) -> bytes:
    header_len = struct.unpack_from("<H", data, 8)[0]
    header = data[10 : 10 + header_len].decode("latin1")
    op = r.choice(["shape", "dtype", "order", "values", "generic"])
    if op == "values" and len(data) > 10 + header_len + 4:
        b = bytearray(data)
        j = 10 + header_len + 4 * r.randrange((len(data) - 10 - header_len) // 4)
        b[j : j + 4] = struct.pack("<f", r.choice([float("nan"), float("inf")]))
        return bytes(b)
    if op == "generic":
        return generic(data, r)
    new = header
    if op == "shape":
        start, end = header.index("(") + 1, header.index(")")
        dims = [x.strip() for x in header[start:end].split(",") if x.strip()]
        if dims:
            i = r.randrange(len(dims))
            dims[i] = str(r.choice([0, 1, int(dims[i]) + 1, max(0, int(dims[i]) - 1), 2**40, 2**62]))
        if r.random() < 0.2:
            dims.append("3")
        new = header[:start] + ", ".join(dims) + ("," if len(dims) == 1 else "") + header[end:]
    elif op == "dtype":
        old = header.split("'descr': ")[1].split(",")[0]
        new = header.replace(old, r.choice(["'<f8'", "'<i4'", "'|O'", "'<U3'", "'>f4'", "'<f2'", "'|b1'", "'<c8'"]))
    else:
        new = header.replace("False", "True")
    new = new.rstrip("\n").rstrip() + "\n"
    new = new.ljust(header_len - 1) + "\n" if len(new) < header_len else new
    return data[:8] + struct.pack("<H", len(new)) + new.encode("latin1") + data[10 + header_len :]


def folder_damage(src: Path, dst: Path, r: random.Random) -> None:
    shutil.copytree(src, dst)
    files = sorted(p for p in dst.rglob("*") if p.is_file())
    target = r.choice(files)
    op = r.choice(["content", "content", "content", "delete", "folder"])
    if op == "delete":
        target.unlink()
    elif op == "folder":
        target.unlink()
        target.mkdir()
    elif target.suffix == ".json":
        target.write_text(json_damage(target.read_text(), r) if r.random() < 0.7 else "")
        if r.random() < 0.3:
            target.write_bytes(generic(target.read_bytes(), r))
    elif target.suffix == ".npy":
        target.write_bytes(npy_damage(target.read_bytes(), r))
    elif target.suffix in (".tsv", ".txt"):
        target.write_bytes(text_damage(target.read_bytes(), r, header=False) if r.random() < 0.6 else b"")
        if r.random() < 0.3:
            target.write_bytes(generic(target.read_bytes(), r))
    else:
        target.write_bytes(generic(target.read_bytes(), r))


# ---------------------------------------------------------------- collections

SQL = [
    ("UPDATE settings SET value = ? WHERE key = ?", "setting"),
    ("DELETE FROM settings WHERE key = ?", "key"),
    ("UPDATE docs SET slot = ? WHERE rowid = (SELECT rowid FROM docs ORDER BY random() LIMIT 1)", "slot"),
    ("UPDATE docs SET metadata = ? WHERE rowid = (SELECT rowid FROM docs ORDER BY random() LIMIT 1)", "metadata"),
    ("UPDATE docs SET text = ? WHERE rowid = (SELECT rowid FROM docs ORDER BY random() LIMIT 1)", "text"),
    ("UPDATE docs SET id = ? WHERE rowid = (SELECT rowid FROM docs ORDER BY random() LIMIT 1)", "id"),
    ("DROP TABLE docs", None),
    ("DROP TABLE settings", None),
    ("ALTER TABLE docs RENAME COLUMN text TO body", None),
    ("ALTER TABLE docs ADD COLUMN extra TEXT", None),
    ("DELETE FROM docs WHERE rowid % 3 = 0", None),
]
KEYS = ["format_version", "dim", "metric", "model", "generation", "max_dead_slot", "created"]
VALUES = {
    "setting": ["-1", "0", "99999999999999999999", "abc", "", "1e400", "nan", "3.5", "l2", "ip", "1000000"],
    "slot": [-1, 10**12, 2**63 - 1, "x", 1.5, 10**6],
    "metadata": ["{bad", "[]", "1", "null", '{"year": 1e999}', '"s"', b"\xff\xfe", '{"year": {"$gte": 1}}'],
    "text": [b"\xff\xfe", None, 123, "x" * 10000],
    "id": [b"\xff", 123, "", "a/../b", 1.5],
}


def collection_damage(src: Path, dst: Path, r: random.Random) -> None:
    shutil.copytree(src, dst)
    if r.random() < 0.5:
        folder_damage_files(dst, r)
        return
    sql, kind = r.choice(SQL)
    db = sqlite3.connect(dst / "collection.db", isolation_level=None)
    try:
        if kind == "setting":
            db.execute(sql, (r.choice(VALUES["setting"]), r.choice(KEYS)))
        elif kind == "key":
            db.execute(sql, (r.choice(KEYS),))
        elif kind:
            db.execute(sql, (r.choice(VALUES[kind]),))
        else:
            db.execute(sql)
    except sqlite3.Error:
        pass  # a constraint refused the damage: the file stays valid
    finally:
        db.close()


def folder_damage_files(dst: Path, r: random.Random) -> None:
    files = sorted(p for p in dst.iterdir() if p.is_file())
    target = r.choice(files)
    if target.suffix == ".json" and r.random() < 0.6:
        target.write_text(json_damage(target.read_text(), r))
    elif target.name == "vectors.f32" and r.random() < 0.5:
        with open(target, "r+b") as fh:
            fh.truncate(r.randrange(max(1, target.stat().st_size)))
    elif r.random() < 0.1 and target.name != "collection.db":
        target.unlink()
    else:
        target.write_bytes(generic(target.read_bytes(), r))


def use_collection(path: Path) -> None:
    from embedlab.search.collection import Collection

    col = Collection(path)
    try:
        q = np.random.default_rng(0).normal(size=(2, 8))
        len(col)
        ids = col.ids()
        col.search_vectors(q, k=5)
        col.search_vectors(q, k=3, filter={"year": {"$gte": 2000}})
        col.search_vectors(q, k=3, index="hnsw")
        if ids:
            col.get(ids[0])
        col.vectors()
        col.add(["fresh"], vectors=np.ones((1, 8)), metadata=[{"year": 2024}])
        col.delete(["fresh"])
    finally:
        col.close()


# ---------------------------------------------------------------- the kinds


def use_vectors(kv: KeyedVectors, scratch: Path) -> None:
    if len(kv):
        first = kv.keys[0]
        kv.most_similar(first, topn=3)
        kv.similarity(first, kv.keys[-1])
        kv[first]
    if hasattr(kv, "ngram_rows"):
        kv["zzqunseen"]
        kv.most_similar("zzqunseen", topn=2)
    if len(kv):
        from embedlab.io import load

        kv.save(scratch / "again")
        back = load(scratch / "again")
        assert back.keys == kv.keys and np.array_equal(back.vectors, kv.vectors), "save and reload changed it"


def make_sources(folder: Path, rng: np.random.Generator) -> dict[str, Path]:
    from embedlab.train.fasttext import FastText

    words = [f"w{i}" for i in range(30)] + ["king", "queen", "über", "한국어"]
    kv = KeyedVectors(words, rng.normal(size=(len(words), 6)).astype(np.float32))
    out = {}
    for name, fmt in [("w2v.txt", "word2vec-txt"), ("w2v.bin", "word2vec-bin"), ("vecs.glove", "glove")]:
        kv.save(folder / name, format=fmt)
        out[name] = folder / name
    kv.save(folder / "native")
    out["native"] = folder / "native"
    sentences = [list(rng.choice(words, size=8)) for _ in range(300)]
    ft = FastText(dim=4, min_count=1, epochs=2, bucket=300, threads=1, sample=0).fit(sentences)
    ft.save(folder / "ft.bin", format="fasttext-bin")
    ft.save(folder / "ft-native")
    out["ft.bin"], out["ft-native"] = folder / "ft.bin", folder / "ft-native"
    from embedlab.search.collection import Collection

    col = Collection.create(folder / "col", dim=8)
    n = 60
    col.add(
        [f"d{i}" for i in range(n)],
        [f"text {i}" for i in range(n)],
        vectors=rng.normal(size=(n, 8)),
        metadata=[{"year": 1990 + i % 40} for i in range(n)],
    )
    col.search_vectors(rng.normal(size=(1, 8)), k=3, index="hnsw")  # saves the HNSW index beside it
    col.close()
    out["col"] = folder / "col"
    from embedlab.classify.supervised import SupervisedFastText

    texts = [" ".join(rng.choice(words, size=6)) for _ in range(200)]
    sup = SupervisedFastText(dim=4, epochs=2, threads=1, bucket=300, word_ngrams=2)
    sup.fit(texts, ["ab"[i % 2] for i in range(200)]).save(folder / "sup")
    out["supervised-folder"] = folder / "sup"
    return out


def run_case(kind: str, source: Path, case_dir: Path, r: random.Random, layout) -> None:
    from embedlab.io import load

    if kind in ("native", "ft-native"):
        folder_damage(source, case_dir / "m", r)
        use_vectors(load(case_dir / "m"), case_dir)
    elif kind == "col":
        collection_damage(source, case_dir / "c", r)
        use_collection(case_dir / "c")
    elif kind == "supervised-folder":  # its vocabulary and label counts are text files
        from embedlab.classify.supervised import SupervisedFastText

        folder_damage(source, case_dir / "m", r)
        model = SupervisedFastText.load(case_dir / "m")
        model.predict(["w1 w2 king", "zzqunseen"], k=2)
    elif kind == "supervised":
        from embedlab.classify.supervised import SupervisedFastText

        data = source.read_bytes()
        damaged = ft_damage(data, layout, r) if r.random() < 0.6 else generic(data, r)
        (case_dir / "m.bin").write_bytes(damaged)
        model = SupervisedFastText.load(case_dir / "m.bin")
        model.predict(["w1 w2 king", "zzqunseen"], k=2)
        model.predict("", k=-1, threshold=0.0)
    else:
        data = source.read_bytes()
        roll = r.random()
        if roll < 0.4:
            damaged = generic(data, r)
        elif kind in ("w2v.txt", "vecs.glove"):
            damaged = text_damage(data, r, header=kind == "w2v.txt")
        elif kind == "w2v.bin":
            damaged = w2v_bin_damage(data, r)
        else:
            damaged = ft_damage(data, layout, r)
        path = case_dir / ("m" + source.suffix)
        path.write_bytes(damaged)
        use_vectors(load(path), case_dir)


def main() -> None:
    kind, seed, cases, folder = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
    sources = {k: Path(v) for k, v in (a.split("=", 1) for a in sys.argv[5:])}
    made = folder / "sources"
    shutil.rmtree(made, ignore_errors=True)
    made.mkdir()
    if kind not in sources:
        sources = make_sources(made, np.random.default_rng(seed))
    source = sources[kind]
    layout = ft_layout(source.read_bytes()) if kind in ("ft.bin", "fasttext-package", "supervised") else None
    signal.signal(signal.SIGALRM, _alarm)
    counts = {"loaded": 0, "refused": 0}
    failures: list[str] = []
    current = folder / "current"
    for case in range(cases):
        current.write_text(str(case))
        case_dir = folder / "case"
        shutil.rmtree(case_dir, ignore_errors=True)
        case_dir.mkdir()
        r = random.Random(seed * 1_000_003 + case)
        signal.alarm(10)
        try:
            run_case(kind, source, case_dir, r, layout)
            counts["loaded"] += 1
        except EmbedlabError:
            counts["refused"] += 1
        except Hang:
            failures.append(f"case {case}: no answer within 10 s")
        except BaseException as exc:  # the failures looked for, MemoryError included
            where = traceback.extract_tb(exc.__traceback__)[-1]
            failures.append(f"case {case}: {type(exc).__name__}: {str(exc)[:200]} ({where.filename}:{where.lineno})")
        finally:
            signal.alarm(0)
    print(json.dumps({"kind": kind, "cases": cases, **counts, "failures": failures}))


if __name__ == "__main__":
    main()
