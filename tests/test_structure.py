"""The code's shape, held: no import cycle in ``settlement/``, each clause kind in a module of
its own that imports no other kind's, every kind of the schema computed by a module, no
module over 400 lines, and the list of statistics written once."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from settlement.engine.kinds import MODULES
from settlement.policies.clauses import KINDS

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "settlement"
MAX_LINES = 400


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """Each module of settlement/ -> the modules of settlement/ it imports (at any level of the file)."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    edges: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = package[: len(package) - node.level + 1] if node.level else []
                target = ".".join(base + ([node.module] if node.module else []))
                candidates = [target] + [f"{target}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                candidates = [alias.name for alias in node.names]
            else:
                continue
            edges[name] |= {c for c in candidates if c in modules and c != name}
    return edges


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle_in_settlement():
    assert _cycles(_imports()) == []


def test_each_kind_is_a_module_that_imports_no_other_kind():
    assert sorted(MODULES) == sorted(KINDS)
    edges = _imports()
    kinds = {f"settlement.engine.kinds.{k}" for k in KINDS}
    crossing = {k: sorted(edges[k] & kinds) for k in kinds if edges[k] & kinds}
    assert crossing == {}


def test_no_module_over_400_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_the_statistics_are_listed_once():
    """The money statistics are named together only in the landing contract (as its columns); the
    fact registry, the engine, the YAML cases, the demo and the per-row references read them from
    there. (Tests that write a file's header row name columns, not the vocabulary.)"""
    listing = re.compile(r'"online_retail",\s*"retail_sales",\s*"wholesale_sales"')
    references = [ROOT / "tests" / "reference_engine.py", ROOT / "tests" / "bench" / "reference_run.py"]
    places = [
        str(p.relative_to(ROOT))
        for p in [*PACKAGE.rglob("*.py"), *references]
        if listing.search(p.read_text(encoding="utf-8"))
    ]
    assert places == []
