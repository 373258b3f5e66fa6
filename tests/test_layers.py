"""The package's layers hold: no import runs from a lower layer to a higher one, and no two modules import each other in a circle.

    .venv/bin/python -m pytest tests/test_layers.py

The layers, low to high, are the ones docs/design.md names in its section "Layers"; LAYERS below says which
folders (or root modules) make each. The import graph is read from the code with `ast`: every `import` and
`from ... import` of a cluster_sim module, at the top of a module or inside a function. Imports under
`if TYPE_CHECKING:` count for the layers (a type from a higher layer is still a dependency on it) but not
for circles: they never run, so they make no import circle. A module in no layer fails too, so a new
folder has to be placed.
"""
import ast
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Set, Tuple

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "cluster_sim"

# low to high; a name is a folder (a package under cluster_sim) or a module at the root; "" is the package itself
LAYERS: List[Tuple[str, Tuple[str, ...]]] = [
    ("words", ("words",)),
    ("base", ("base", "")),  # "": the package's __init__ (its version)
    ("protocol", ("protocol",)),
    ("services", ("node", "zk", "api", "netfault")),
    ("engine", ("engine", "faults")),
    ("control", ("control",)),
    ("adapters", ("adapters",)),
    ("presentation", ("presentation",)),
    ("assembly", ("supervisor", "web", "demo", "chaos", "bench", "cli", "__main__", "deliver", "join", "record",
                  "eventlog", "check", "check_command", "check_due", "check_judge", "check_truth", "check_view", "")),
]

# Imports that still run up a layer, each with why it is there; the test fails when one goes away, too, so this
# list only ever shrinks. Keys are (importer, imported) as module names.
KNOWN_UPWARD: Dict[Tuple[str, str], str] = {}


def modules() -> Dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST, type_checking: bool) -> Iterator[ast.AST]:
    """Every import node; those in the body of `if TYPE_CHECKING:` only when type_checking."""
    for child in ast.iter_child_nodes(tree):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child
        elif isinstance(child, ast.If) and _type_checking(child) and not type_checking:
            for other in child.orelse:
                yield from _imports(ast.Module(body=[other], type_ignores=[]), type_checking)
        else:
            yield from _imports(child, type_checking)


def graph(type_checking: bool = False) -> Dict[str, Set[str]]:
    mods = modules()

    def known(name: str) -> Optional[str]:
        while name and name not in mods:
            name = name.rpartition(".")[0]
        return name or None

    edges: Dict[str, Set[str]] = {}
    for name, path in mods.items():
        out: Set[str] = set()
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        for node in _imports(ast.parse(path.read_text(), str(path)), type_checking):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                assert isinstance(node, ast.ImportFrom)
                base = node.module or ""
                if node.level:
                    base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
                # `from pkg import mod` imports the module pkg.mod; `from mod import name` imports mod
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in mods else base for a in node.names]
            for target in targets:
                if target.split(".")[0] == "cluster_sim":
                    hit = known(target)
                    if hit and hit != name:
                        out.add(hit)
        edges[name] = out
    return edges


def layer_of(module: str) -> Optional[int]:
    parts = module.split(".")[1:]
    first = parts[0] if parts else ""
    for index, (_, members) in enumerate(LAYERS):
        if first in members:
            return index
    return None


def test_every_module_has_a_layer() -> None:
    assert [m for m in sorted(modules()) if layer_of(m) is None] == []


def test_no_import_runs_up_a_layer() -> None:
    upward = {}
    for module, targets in graph(type_checking=True).items():
        for target in targets:
            low, high = layer_of(module), layer_of(target)
            if low is not None and high is not None and high > low:
                upward[(module, target)] = f"{LAYERS[low][0]} -> {LAYERS[high][0]}"
    new = {edge: how for edge, how in upward.items() if edge not in KNOWN_UPWARD}
    gone = sorted(edge for edge in KNOWN_UPWARD if edge not in upward)
    assert new == {}, "imports from a lower layer to a higher one"
    assert gone == [], "fixed: take these out of KNOWN_UPWARD"


def _circle(edges: Dict[str, Set[str]]) -> Optional[List[str]]:
    """One circle of the graph, or None (depth-first search, three colours)."""
    colour: Dict[str, int] = {}
    stack: List[str] = []

    def visit(node: str) -> Optional[List[str]]:
        colour[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if colour.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in colour:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        colour[node] = 2
        return None

    for node in sorted(edges):
        if node not in colour:
            found = visit(node)
            if found:
                return found
    return None


def test_no_circle() -> None:
    assert _circle(graph()) is None


@pytest.mark.parametrize("edges, circle", [
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, True),
    ({"a": {"b"}, "b": {"c"}, "c": set()}, False),
])
def test_the_circle_finder_finds_circles(edges: Dict[str, Set[str]], circle: bool) -> None:
    assert (_circle(edges) is not None) == circle


def test_the_graph_sees_imports_inside_functions_and_not_under_type_checking() -> None:
    edges = graph()
    # the command kit imports the input checks inside node_id_of only: it is seen
    assert "cluster_sim.base.validate" in edges["cluster_sim.engine.command_kit"]
    assert "cluster_sim.engine.events" in edges["cluster_sim.engine.messages"]
    # the command kit reads the event type only for annotations: no edge for circles, an edge for layers
    assert "cluster_sim.engine.events" not in edges["cluster_sim.engine.command_kit"]
    assert "cluster_sim.engine.events" in graph(type_checking=True)["cluster_sim.engine.command_kit"]


def test_a_module_over_400_lines_says_why_at_its_top():
    """The style: short modules with one job; a longer one gives its reason in its opening docstring."""
    import re

    root = PACKAGE
    unexplained = []
    for path in sorted(root.rglob("*.py")):
        lines = path.read_text().splitlines()
        if len(lines) > 400 and not re.search(r"(Longer than|Over) 400 lines", "\n".join(lines[:60])):
            unexplained.append(f"{path.relative_to(root)} ({len(lines)} lines)")
    assert unexplained == []
