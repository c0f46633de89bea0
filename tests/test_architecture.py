"""The house's floors: each module of `api/` imports only from its own package or from the floors below it,
and the imports form no circle. Read from the source, every import counted, those inside functions too."""

import ast
from collections.abc import Iterator
from pathlib import Path

API = Path(__file__).resolve().parent.parent / "api"

# Lowest first. A domain package stands alone: it imports nothing of another package on its floor. The top
# floor only assembles, and may use itself.
FLOORS: tuple[tuple[str, ...], ...] = (
    ("api.config", "api.errors", "api.geo"),
    ("api.db", "api.http", "api.migrate", "api.pagination"),
    ("api.idempotency", "api.keystore"),
    ("api.auth",),
    ("api.shops", "api.student_card"),
    ("api.catalog", "api.loyalty"),
    ("api.search",),
    ("api.demo", "api.models", "api.main", "api.openapi", "api.cli"),
)
TOP = len(FLOORS) - 1


def module_names(root: Path) -> dict[str, Path]:
    """Dotted name of every module under root (a package is named by its folder)."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imported(path: Path, modules: dict[str, Path]) -> Iterator[str]:
    """The modules of ours that a file imports: `from api.x import y` is api.x.y when that is a module."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module not in modules:
                continue
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                yield child if child in modules else node.module


def import_graph(root: Path) -> dict[str, set[str]]:
    modules = module_names(root)
    return {name: set(imported(path, modules)) - {name} for name, path in modules.items()}


def floor_of(module: str) -> tuple[int, str]:
    """(floor, the package or module that stands on it)."""
    for level, owners in enumerate(FLOORS):
        for owner in owners:
            if module == owner or module.startswith(owner + "."):
                return level, owner
    raise AssertionError(f"{module} stands on no floor: add it to FLOORS")


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    wrong = []
    for module, targets in sorted(graph.items()):
        if module == "api":
            continue
        level, owner = floor_of(module)
        for target in sorted(targets):
            target_level, target_owner = floor_of(target)
            if target_level > level:
                wrong.append(f"{module} imports {target}, which stands above it")
            elif target_level == level and target_owner != owner and level != TOP:
                wrong.append(f"{module} imports {target}, another domain on its floor")
    return wrong


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
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

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_imports_of_api_form_no_circle() -> None:
    graph = import_graph(API)
    assert len(graph) > 40 and graph["api.search.routes"]
    assert circles(graph) == []


def test_nothing_imports_from_a_floor_above_it() -> None:
    assert upward_imports(import_graph(API)) == []


def test_the_checks_see_a_circle_and_an_upward_import(tmp_path: Path) -> None:
    root = tmp_path / "api"
    for name, source in {
        "__init__.py": "",
        "config.py": "from api.shops import models\n",
        "shops/__init__.py": "",
        "shops/models.py": "def f() -> None:\n    from api.shops.service import g\n",
        "shops/service.py": "import api.shops.models\n",
        "catalog/__init__.py": "",
        "search/__init__.py": "from api.catalog import nothing_here\n",
    }.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(source)
    graph = import_graph(root)
    assert circles(graph) == [["api.shops.models", "api.shops.service"]]
    assert upward_imports(graph) == ["api.config imports api.shops.models, which stands above it"]
