"""The package's shape: the layer contract, no import circles, where numba code lives, module size."""

import ast
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "src" / "embedlab"


def _module(path: Path) -> str:
    parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _runtime_nodes(tree: ast.AST):
    """Every node except those under ``if TYPE_CHECKING:`` (annotations only, never run)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (n for child in node.orelse for n in [child, *_runtime_nodes(child)])
            continue
        yield node
        yield from _runtime_nodes(node)


def _imports() -> dict[str, set[str]]:
    """Every embedlab module each module imports, at any depth of its code (functions included)."""
    modules = {_module(p): p for p in PKG.rglob("*.py")}
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _runtime_nodes(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, base]).strip(".")
                targets = [f"{base}.{a.name}" for a in node.names] + [base]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            for t in targets:
                if t in modules and t != name:
                    graph[name].add(t)
                    break
    return graph


def test_layer_contract_holds():
    """import-linter: each layer imports only the layers below it (pyproject.toml, [tool.importlinter])."""
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    if exe is None:
        pytest.fail("lint-imports is missing: install the test extra (pip install -e '.[test]')")
    out = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]


def test_no_import_circles_between_modules():
    """No module reaches itself through imports, lazy imports inside functions included."""
    graph = _imports()
    # the root package's lazy public names and the package __init__ re-exports are not circles of code
    graph = {m: {t for t in ts if t != "embedlab"} for m, ts in graph.items() if m != "embedlab"}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    circles: list[list[str]] = []
    sys.setrecursionlimit(10_000)

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            # a package's __init__ re-exporting its own modules is not a circle of code
            real = [m for m in comp if not any(o.startswith(m + ".") for o in comp)]
            if len(real) > 1:
                circles.append(sorted(comp))

    for v in list(graph):
        if v not in index:
            visit(v)
    assert not circles, f"import circles: {circles}"


def test_numba_code_lives_in_kernels():
    """The rule (README, Layout): every @njit function is in embedlab/kernels/; other layers call them."""
    outside = [
        str(p.relative_to(PKG))
        for p in PKG.rglob("*.py")
        if "kernels" not in p.relative_to(PKG).parts
        and ("import numba" in (t := p.read_text("utf-8")) or "from numba" in t)
    ]
    assert outside == [], f"numba used outside embedlab/kernels/: {outside}"


def test_no_module_over_500_lines():
    long = {
        str(p.relative_to(ROOT)): n for p in PKG.rglob("*.py") if (n := len(p.read_text("utf-8").splitlines())) > 500
    }
    assert long == {}


def test_the_corpus_container_needs_no_text_code():
    """Walks and sessions build an EncodedCorpus of ids without loading tokenizers or readers."""
    code = (
        "import sys; from embedlab.vocab.encoded import EncodedCorpus; "
        "c = EncodedCorpus.from_ids([[0, 1, 2], [2, 1]]); "
        "print(c.n_tokens, sorted(m for m in sys.modules if m.startswith('embedlab.text')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "5 []"


def _contract_layers() -> list[list[str]]:
    import tomllib

    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["importlinter"]["contracts"]
    layers = next(c for c in contracts if c["type"] == "layers")["layers"]
    return [[m.strip().removeprefix("embedlab.") for m in layer.split("|")] for layer in layers]


def _readme_layers() -> list[str]:
    """The package's parts in the order README's Layout lists them: folders, then the core modules."""
    text = (ROOT / "README.md").read_text("utf-8")
    block = text.split("## Layout", 1)[1].split("```", 2)[1]
    names: list[str] = []
    for line in block.splitlines():
        if line.startswith("  ") and not line.startswith("   "):
            first = line.split()[0]
            if first.endswith((".py", ".py,")):
                names += [w.strip(",").removesuffix(".py") for w in line.split() if w.strip(",").endswith(".py")]
            else:
                names.append(first.rstrip("/"))
    return names


def test_one_picture_of_the_layers():
    """README's Layout, the import-linter contract and this test's reading of them agree: the same parts in
    the same order (products in any order among themselves, the core modules likewise)."""
    flat = [m for layer in _contract_layers() for m in layer]
    readme = _readme_layers()
    assert sorted(readme) == sorted(flat), set(readme) ^ set(flat)
    position = {m: i for i, layer in enumerate(_contract_layers()) for m in layer}
    assert [position[m] for m in readme] == sorted(position[m] for m in readme), readme
    for name in readme:  # each is a package or a module of embedlab
        assert (PKG / name).is_dir() or (PKG / f"{name}.py").is_file(), name
