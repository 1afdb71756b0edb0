"""The package's structure: no import cycles between its modules, and the library never
prints or exits (only the command line does)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src/valueaudit"
#: The command-line layer: it alone talks to the terminal and decides exit codes.
COMMAND_LINE = {"valueaudit.cli", "valueaudit.run", "valueaudit.entry", "valueaudit.__main__"}
#: What may use the outputs: the command line, ``new``, which writes a starter file, and
#: the notebook API's results (``to_dict`` is the JSON writer's document).
ABOVE_THE_OUTPUTS = COMMAND_LINE | {"valueaudit.new", "valueaudit.notebook"}


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


def _imports(name: str) -> set[str]:
    """The package's modules ``name`` imports when it runs (lazy imports included)."""
    tree = ast.parse(MODULES[name].read_text())
    found: set[str] = set()
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            targets = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(t for t in targets if t in MODULES and t != name)
    return found


GRAPH = {name: _imports(name) for name in MODULES}


def test_there_are_no_import_cycles():
    cycles: list[list[str]] = []
    state: dict[str, str] = {}

    def walk(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for target in sorted(GRAPH[name]):
            if target.startswith(f"{name}.") or name.startswith(f"{target}."):
                continue  # a package and its own modules
            if state.get(target) == "open":
                cycles.append([*trail[trail.index(target) :], target] if target in trail else [])
            elif target not in state:
                walk(target, [*trail, target])
        state[name] = "done"

    for name in sorted(GRAPH):
        if name not in state:
            walk(name, [name])
    assert cycles == []


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
