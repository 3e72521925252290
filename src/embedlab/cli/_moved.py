"""The command names from before ``embedlab PRODUCT VERB``: they keep working, and say their new name.

``embedlab train word2vec corpus.txt`` runs ``embedlab words train word2vec corpus.txt`` after one line on
stderr, ``warning: 'embedlab train word2vec' is now 'embedlab words train word2vec'``. The old names do not
appear in ``--help``. Where an old command's name is now a product's (``compress``, ``explain``,
``recommend``), the old form is recognised by what follows it: not one of the product's verbs.
"""

from __future__ import annotations

import sys
from typing import Any

from typer.core import TyperGroup

__all__ = ["MOVED", "MovedNamesGroup", "renamed"]

_SPLIT_UP = {"train", "tune", "collection"}

#: old command path -> new command path
MOVED: dict[tuple[str, ...], tuple[str, ...]] = {
    ("train", "word2vec"): ("words", "train", "word2vec"),
    ("train", "glove"): ("words", "train", "glove"),
    ("train", "fasttext"): ("words", "train", "fasttext"),
    ("train", "node2vec"): ("graph", "train"),
    ("train", "als"): ("recommend", "train", "als"),
    ("train", "bpr"): ("recommend", "train", "bpr"),
    ("train", "item2vec"): ("recommend", "train", "item2vec"),
    ("train", "supervised"): ("classify", "train"),
    ("train", "classifier"): ("classify", "train-head"),
    ("train", "image-cnn"): ("images", "train-cnn"),
    ("train", "image-text"): ("images", "train-text"),
    ("tune", "supervised"): ("classify", "tune"),
    ("tune", "classifier"): ("classify", "tune-head"),
    ("tune", "vectors"): ("words", "tune"),
    ("similar",): ("words", "similar"),
    ("analogy",): ("words", "analogy"),
    ("evaluate",): ("words", "evaluate"),
    ("plot",): ("words", "plot"),
    ("convert",): ("words", "convert"),
    ("export",): ("words", "export"),
    ("info",): ("words", "info"),
    ("predict",): ("classify", "predict"),
    ("test",): ("classify", "test"),
    ("recommend",): ("recommend", "items"),
    ("evaluate-nodes",): ("graph", "evaluate-nodes"),
    ("evaluate-links",): ("graph", "evaluate-links"),
    ("evaluate-images",): ("images", "evaluate"),
    ("zero-shot",): ("images", "zero-shot"),
    ("plot-images",): ("images", "plot"),
    ("finetune",): ("sentences", "finetune"),
    ("evaluate-sts",): ("sentences", "evaluate-sts"),
    ("evaluate-nli",): ("sentences", "evaluate-nli"),
    ("evaluate-retrieval",): ("sentences", "evaluate-retrieval"),
    ("collection", "create"): ("search", "create"),
    ("collection", "add"): ("search", "add"),
    ("collection", "add-images"): ("search", "add-images"),
    ("collection", "delete"): ("search", "delete"),
    ("collection", "search"): ("search", "query"),
    ("collection", "info"): ("search", "info"),
    ("encode-corpus",): ("store", "encode"),
    ("explain",): ("explain", "similarity"),
    ("weat",): ("explain", "weat"),
    ("probe",): ("explain", "probe"),
    ("compress",): ("compress", "vectors"),
    ("distill",): ("compress", "distill"),
}

_HELP = {"--help", "-h"}


def renamed(args: list[str], verbs: dict[str, set[str]]) -> tuple[list[str], str | None]:
    """``args`` with an old command path replaced by its new one, and the warning to print (None: nothing
    moved). ``verbs`` maps each current product to its commands: an old name that is now a product's is
    only taken as the old command when what follows is not one of that product's verbs."""
    for n in (2, 1):
        old = tuple(args[:n])
        if len(old) < n or old not in MOVED:
            continue
        if old[0] in verbs and n == 1:
            following = args[1] if len(args) > 1 else None
            if following is None or following in verbs[old[0]] or following in _HELP:
                return args, None
        new = MOVED[old]
        note = f"'embedlab {' '.join(old)}' is now 'embedlab {' '.join(new)}' (the old name keeps working)"
        return [*new, *args[n:]], note
    if args and args[0] in _SPLIT_UP:
        places = sorted({" ".join(new) for old, new in MOVED.items() if old[0] == args[0]})
        raise _SplitUp(f"'embedlab {args[0]}' is now under each product: {', '.join('embedlab ' + p for p in places)}")
    return args, None


class _SplitUp(Exception):
    pass


class MovedNamesGroup(TyperGroup):
    """The root command: before parsing, an old command name becomes its new one, with one warning line."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        verbs = {name: set(getattr(cmd, "commands", {})) for name, cmd in self.commands.items()}
        try:
            args, note = renamed(list(args), verbs)
        except _SplitUp as exc:
            sys.stderr.write(f"error: {exc}\n")
            ctx.exit(2)
        if note is not None:
            sys.stderr.write(f"warning: {note}\n")
        return super().parse_args(ctx, args)
