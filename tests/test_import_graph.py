"""No import cycle among mediadmin's modules (module-level imports; those inside functions are lazy).

Each module of mediadmin/ is parsed with `ast`; absolute and relative imports of mediadmin
modules become edges. Importing a submodule first runs its packages' __init__ files, so
those are edges too (except the importer's own packages, which are already running).
"""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "mediadmin"

# Cycles known outside thumbnails/tasks, to be broken by whoever owns those modules.
KNOWN_CYCLES = []


def module_names():
    """{dotted module name: path} of every module under mediadmin/ (migrations excluded)."""
    names = {}
    for path in (ROOT / PACKAGE).rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if "migrations" in parts:
            continue
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def module_level_imports(tree):
    """Import statements that run when the module is imported: not those inside functions."""
    found, pending = [], list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        if _type_checking_only(node):
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        pending.extend(ast.iter_child_nodes(node))
    return found


def _type_checking_only(node):
    # `if TYPE_CHECKING:` blocks never run.
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imported_modules(name, path, modules):
    """The mediadmin modules a module imports at module level (dotted names)."""
    is_package = path.name == "__init__.py"
    targets = set()
    for node in module_level_imports(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
            continue
        base = _resolve(name, is_package, node.module, node.level)
        targets.add(base)
        # `from package import submodule` imports the submodule too.
        targets.update(f"{base}.{alias.name}" for alias in node.names)
    return {t for t in _with_packages(targets) if t in modules and not _is_ancestor(t, name)} - {name}


def _resolve(name, is_package, module, level):
    if not level:
        return module
    parts = name.split(".") if is_package else name.split(".")[:-1]
    parts = parts[: len(parts) - (level - 1)]
    return ".".join(parts + ([module] if module else []))


def _with_packages(targets):
    # Importing a.b.c runs a/__init__ and a/b/__init__ first.
    for target in targets:
        parts = target.split(".")
        yield from (".".join(parts[:i]) for i in range(1, len(parts) + 1))


def _is_ancestor(target, name):
    return name.startswith(target + ".")


def import_graph():
    """{module: set of mediadmin modules it imports at module level}."""
    modules = module_names()
    return {name: imported_modules(name, path, modules) for name, path in modules.items()}


def find_cycles(graph):
    """Every elementary cycle's strongly connected component, as sorted module lists (Tarjan)."""
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in graph.get(node, ()):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def cycle_path(graph, component):
    """One concrete cycle through a strongly connected component, e.g. a -> b -> a."""
    members, start = set(component), component[0]
    paths = {start: [start]}
    pending = [start]
    while pending:
        node = pending.pop(0)
        for succ in sorted(graph[node] & members):
            if succ == start:
                return " -> ".join(paths[node] + [start])
            if succ not in paths:
                paths[succ] = paths[node] + [succ]
                pending.append(succ)
    return " <-> ".join(component)


def test_no_import_cycle_in_mediadmin():
    graph = import_graph()
    cycles = [c for c in find_cycles(graph) if c not in KNOWN_CYCLES]
    assert not cycles, "import cycles in mediadmin: " + "; ".join(cycle_path(graph, c) for c in cycles)


def test_tasks_imports_thumbnails_and_not_back():
    graph = import_graph()
    assert "mediadmin.thumbnails" in graph["mediadmin.tasks"]
    thumbnail_modules = [name for name in graph if name.startswith("mediadmin.thumbnails")]
    assert len(thumbnail_modules) > 1  # the package and its modules are all in the graph
    for name in thumbnail_modules:
        assert "mediadmin.tasks" not in graph[name], f"{name} imports mediadmin.tasks at module level"


@pytest.mark.parametrize("graph, expected", [
    ({"a": {"b"}, "b": {"a"}, "c": {"a"}}, [["a", "b"]]),
    ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
    ({"a": {"a"}}, [["a"]]),
])
def test_find_cycles_finds_exactly_the_cycles(graph, expected):
    assert find_cycles(graph) == expected


def test_lazy_imports_and_own_packages_are_not_edges(tmp_path):
    source = tmp_path / "mod.py"
    source.write_text("from . import a\nfrom .sub import b\ndef f():\n    from . import c\n")
    modules = {"p": None, "p.mod": None, "p.a": None, "p.sub": None, "p.sub.b": None, "p.c": None}
    assert imported_modules("p.mod", source, modules) == {"p.a", "p.sub", "p.sub.b"}
