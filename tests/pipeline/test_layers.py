"""The package's structure: no import cycles between its modules (counting every import:
at run time, inside functions and under ``TYPE_CHECKING``), the outputs independent of
each other, and the library never prints or exits (only the command line does)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src/valueaudit"
#: The command-line layer: it alone talks to the terminal and decides exit codes.
COMMAND_LINE = {
    "valueaudit.cli",
    "valueaudit.cli.app",
    "valueaudit.cli.commands",
    "valueaudit.cli.options",
    "valueaudit.cli.run",
    "valueaudit.cli.signals",
    "valueaudit.entry",
    "valueaudit.__main__",
}
#: What may use the outputs: the command line, ``new``, which writes a starter file, and
#: the notebook API's results (``to_dict`` is the JSON writer's document).
ABOVE_THE_OUTPUTS = COMMAND_LINE | {
    "valueaudit.init",
    "valueaudit.new",
    "valueaudit.notebook",
    "valueaudit.sinks",
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node, less what sits under ``if TYPE_CHECKING:`` (never run)."""
    found: list[ast.AST] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            for child in node.orelse:
                visit(child)
            return
        found.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _targets(node: ast.AST) -> list[str]:
    """The package's modules an import statement names: ``from valueaudit import model``
    names ``valueaudit.model``; ``from valueaudit import __version__`` names
    ``valueaudit``."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module:
        named = [f"{node.module}.{alias.name}" for alias in node.names]
        return [name if name in MODULES else node.module for name in named]
    return []


def _imports(name: str, *, everything: bool = False) -> set[str]:
    """The package's modules ``name`` imports when it runs (lazy imports included), or
    with ``everything`` also those it imports for type checking only."""
    tree = ast.parse(MODULES[name].read_text())
    nodes = ast.walk(tree) if everything else _runtime_nodes(tree)
    return {t for node in nodes for t in _targets(node) if t in MODULES and t != name}


GRAPH = {name: _imports(name) for name in MODULES}
#: Every import, type-checking ones included: what a reader must hold in mind.
DESIGN = {name: _imports(name, everything=True) for name in MODULES}


def test_there_are_no_import_cycles():
    """Not at run time, and not in the design: a module imported only for its types
    is still a dependency."""
    cycles: list[list[str]] = []
    state: dict[str, str] = {}

    def walk(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for target in sorted(DESIGN[name]):
            if state.get(target) == "open":
                cycles.append([*trail[trail.index(target) :], target] if target in trail else [])
            elif target not in state:
                walk(target, [*trail, target])
        state[name] = "done"

    for name in sorted(DESIGN):
        if name not in state:
            walk(name, [name])
    assert cycles == []


def test_the_formats_are_independent_of_each_other():
    """A format's module imports no other format's (shared helpers live in modules of
    their own), and importing a CI format does not import the engine."""
    from valueaudit.output import FORMATS

    formats = set(FORMATS.values())

    def reached(name: str, graph: dict[str, set[str]] = DESIGN) -> set[str]:
        seen: set[str] = set()
        pending = [name]
        while pending:
            for target in graph[pending.pop()]:
                if target not in seen:
                    seen.add(target)
                    pending.append(target)
        return seen

    crossing = {name: sorted(reached(name) & formats - {name}) for name in formats}
    assert {name: found for name, found in crossing.items() if found} == {}
    for name in ("valueaudit.output.sarif", "valueaudit.output.github", "valueaudit.output.junit"):
        assert "valueaudit.engine" not in reached(name, GRAPH), name


def test_lower_layers_do_not_import_the_command_line_or_the_outputs():
    lower = [
        n for n in MODULES if n not in ABOVE_THE_OUTPUTS and not n.startswith("valueaudit.output")
    ]
    wrong = {
        name: sorted(
            t for t in GRAPH[name] if t in COMMAND_LINE or t.startswith("valueaudit.output")
        )
        for name in lower
    }
    assert {name: targets for name, targets in wrong.items() if targets} == {}


def test_the_library_never_prints_or_exits():
    offenders = []
    for name, path in MODULES.items():
        if name in COMMAND_LINE:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            called = node.func
            if isinstance(called, ast.Name) and called.id in ("print", "exit"):
                offenders.append(f"{name}: {called.id}()")
            if isinstance(called, ast.Attribute) and called.attr == "exit":
                offenders.append(f"{name}: .exit()")
    assert offenders == []
