import bz2
import gzip
import json
import lzma
import warnings

import pytest

from embedlab.errors import CorpusError, FormatError
from embedlab.text.readers import CorpusReader

TEXT = "Hello, World!\nSecond line here.\n"


@pytest.mark.parametrize(
    "name, opener",
    [("a.txt", open), ("a.txt.gz", gzip.open), ("a.txt.bz2", bz2.open), ("a.txt.xz", lzma.open)],
)
def test_compressed_files_read_the_same(tmp_path, name, opener):
    with opener(tmp_path / name, "wb") as fh:
        fh.write(TEXT.encode())
    assert list(CorpusReader(tmp_path / name).sentences()) == [["hello", "world"], ["second", "line", "here"]]


def test_folder_is_read_recursively_in_name_order(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.txt").write_text("two\n")
    (tmp_path / "a.txt").write_text("one\n")
    (tmp_path / "sub" / "c.txt").write_text("three\n")
    (tmp_path / ".hidden").write_text("never\n")
    assert [s[0] for s in CorpusReader(tmp_path).sentences()] == ["one", "two", "three"]


def test_doc_tags_are_skipped_from_wikiextractor_output_unless_kept(tmp_path):
    p = tmp_path / "wiki.txt"
    p.write_text('<doc id="12" url="x" title="Anarchism">\nAnarchism\nText here.\n</doc>\n')
    assert list(CorpusReader(p).sentences()) == [["anarchism"], ["text", "here"]]  # it opens with <doc id=
    assert list(CorpusReader(p, skip_doc_tags=True).sentences()) == [["anarchism"], ["text", "here"]]
    assert ["doc", "id", "12", "url", "x", "title", "anarchism"] in list(
        CorpusReader(p, skip_doc_tags=False).sentences()
    )
    other = tmp_path / "html.txt"  # a file that does not open with a <doc id= line keeps its lines
    other.write_text("markup talk\n<doc> is a tag here\n")
    assert ["doc", "is", "a", "tag", "here"] in list(CorpusReader(other).sentences())
    assert ["doc", "is", "a", "tag", "here"] not in list(CorpusReader(other, skip_doc_tags=True).sentences())


@pytest.mark.parametrize("head, what", [
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "a PNG image"),
    (b"\x93NUMPY\x01\x00v\x00{'descr': '<f4'}" + b"\x00" * 200, "a .npy array"),
    (b"PK\x03\x04" + b"\x14" * 100, "a ZIP archive"),
    (b"some words\x00\x01\x02 and more", "NUL bytes"),
    (b"".join(bytes([0xC2 + i % 30, 0x41]) for i in range(2000)), "not UTF-8 text"),
])  # fmt: skip
def test_files_that_are_not_text_are_refused(tmp_path, head, what):
    p = tmp_path / "photo.dat"
    p.write_bytes(head)
    with pytest.raises(CorpusError, match=what):
        list(CorpusReader(p).sentences())
    with gzip.open(tmp_path / "photo.dat.gz", "wb") as fh:  # compressed, it is read as what it holds
        fh.write(head)
    with pytest.raises(CorpusError, match="not a text corpus"):
        list(CorpusReader(tmp_path / "photo.dat.gz").sentences())


def test_jsonl_field(tmp_path):
    p = tmp_path / "d.jsonl"
    p.write_text("\n".join(json.dumps({"text": t, "id": i}) for i, t in enumerate(["A b", "c D"])) + "\n")
    assert list(CorpusReader(p, jsonl_field="text").sentences()) == [["a", "b"], ["c", "d"]]
    with pytest.raises(FormatError, match="no field 'body'"):
        list(CorpusReader(p, jsonl_field="body").sentences())
    p.write_text('{"text": "ok"}\nnot json\n')
    with pytest.raises(FormatError, match="line 2: not valid JSON"):
        list(CorpusReader(p, jsonl_field="text").sentences())


def test_invalid_utf8_is_replaced_counted_and_warned_once(tmp_path):
    p = tmp_path / "bad.txt"
    p.write_bytes(b"good words\nbad \xff\xfe bytes \xc3\n")
    reader = CorpusReader(p)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sents = list(reader.sentences())
    assert sents == [["good", "words"], ["bad", "bytes"]]
    assert reader.invalid_utf8 == 3
    assert len([w for w in caught if "invalid UTF-8" in str(w.message)]) == 1


def test_missing_and_empty_sources(tmp_path):
    with pytest.raises(CorpusError, match="not found"):
        CorpusReader(tmp_path / "nope.txt")
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="no files"):
        CorpusReader(tmp_path / "empty")
    with pytest.raises(CorpusError, match="no file was given"):
        CorpusReader([])


def test_chunks_end_on_line_breaks(tmp_path):
    p = tmp_path / "many.txt"
    p.write_text("".join(f"word{i} other{i}\n" for i in range(5000)))
    reader = CorpusReader(p, chunk_bytes=1000)
    chunks = list(reader.chunks())
    assert len(chunks) > 10 and all(c.endswith(b"\n") for c in chunks)
    assert sum(c.count(b"\n") for c in chunks) == 5000


def test_utf8_validator_agrees_with_python():
    import random

    import numpy as np

    from embedlab.kernels.unicode import is_valid_utf8

    rng = random.Random(1)
    samples = [b"", b"plain", "한국어 café 😀".encode(), b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf"]
    samples += [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 12))) for _ in range(3000)]
    samples += [
        "".join(chr(rng.randrange(0x10FFFF)) for _ in range(5)).encode("utf-8", "surrogatepass") for _ in range(500)
    ]
    for data in samples:
        try:
            data.decode("utf-8")
            expected = True
        except UnicodeDecodeError:
            expected = False
        assert is_valid_utf8(np.frombuffer(data, dtype=np.uint8)) == expected, data
