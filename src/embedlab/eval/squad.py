"""SQuAD-format question answering sets (KorQuAD 1.0, SQuAD 1.1) read as passage retrieval.

Each paragraph becomes a document (``title + " " + context``, as BEIR joins title and text) and
each question a query whose one relevant document is its own paragraph, the view that dense
passage retrievers are evaluated on. A paragraph that appears twice under one article (KorQuAD
1.0 dev has three such repeats) is one document judged relevant for the questions of both copies.
The file is read as it is (KorQuAD's licence allows no derivatives): the view is built in memory.

>>> import json, tempfile, pathlib
>>> f = pathlib.Path(tempfile.mkdtemp()) / "qa.json"
>>> _ = f.write_text(json.dumps({"data": [{"title": "고양이", "paragraphs": [
...     {"context": "고양이는 포유류이다.", "qas": [{"id": "q1", "question": "고양이는 무엇인가?"}]}]}]}))
>>> d = read_squad(f)
>>> d.doc_ids, d.doc_texts, d.qrels
(['0-0'], ['고양이 고양이는 포유류이다.'], {'q1': {'0-0': 1}})
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from embedlab.errors import FormatError
from embedlab.eval.retrieval import RetrievalData
from embedlab.text.readers import open_text

__all__ = ["read_squad"]


def _need(cond: bool, where: str, what: str) -> None:
    if not cond:
        raise FormatError(f"{where}: {what} (expected SQuAD 1.1 JSON: data[].title, paragraphs[].context, qas[])")


def read_squad(path: str | os.PathLike[str], *, with_title: bool = True) -> RetrievalData:
    """Read a SQuAD 1.1-format file (``.json``, or compressed ``.json.xz``/``.gz``/``.bz2``) as retrieval data:
    paragraphs are the documents (ids ``"<article>-<paragraph>"``), questions the queries."""
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(2, "SQuAD/KorQuAD file not found", str(p))
    try:
        with open_text(p) as fh:
            root = json.load(fh)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FormatError(f"{p}: not JSON: {exc}") from None
    _need(isinstance(root, dict) and isinstance(root.get("data"), list), str(p), "no 'data' list")
    doc_ids: list[str] = []
    doc_texts: list[str] = []
    query_ids: list[str] = []
    query_texts: list[str] = []
    qrels: dict[str, dict[str, int]] = {}
    for a, article in enumerate(root["data"]):
        where = f"{p}: data[{a}]"
        _need(isinstance(article, dict) and isinstance(article.get("paragraphs"), list), where, "no 'paragraphs' list")
        title = article.get("title") or ""
        _need(isinstance(title, str), where, "'title' is not a string")
        seen: dict[str, str] = {}  # context -> document id, within the article
        for j, para in enumerate(article["paragraphs"]):
            at = f"{where}.paragraphs[{j}]"
            _need(isinstance(para, dict) and isinstance(para.get("context"), str), at, "no 'context' string")
            _need(isinstance(para.get("qas", []), list), at, "'qas' is not a list")
            context = para["context"]
            doc_id = seen.get(context)
            if doc_id is None:
                doc_id = seen[context] = f"{a}-{j}"
                doc_ids.append(doc_id)
                doc_texts.append(f"{title} {context}".strip() if with_title else context)
            for n, qa in enumerate(para.get("qas", [])):
                _need(
                    isinstance(qa, dict) and isinstance(qa.get("question"), str) and "id" in qa,
                    f"{at}.qas[{n}]",
                    "needs 'id' and a 'question' string",
                )
                qid = str(qa["id"])
                if qid in qrels:
                    raise FormatError(f"{at}.qas[{n}]: question id {qid!r} appears twice")
                query_ids.append(qid)
                query_texts.append(qa["question"])
                qrels[qid] = {doc_id: 1}
    if not doc_ids:
        raise FormatError(f"{p}: no paragraphs")
    return RetrievalData(doc_ids, doc_texts, query_ids, query_texts, qrels, p.name.split(".")[0])
