"""The layout shows the architecture: arrows point one way, no module imports itself round a cycle, and no
function is too complex to read (radon)."""

import ast
from pathlib import Path

import pytest
from radon.complexity import cc_rank, cc_visit

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["portal", "applications", "review", "titles", "demo", "operations", "permissions", "guide"]
# Who may import whom (besides itself): the foundation knows no app, the apps never import what sits above them.
MAY_IMPORT = {
    "portal": {"portal"},
    "applications": {"portal", "applications", "review"},
    "review": {"portal", "applications", "review"},
    "titles": {"portal", "applications", "review", "titles"},
    "demo": {"portal", "applications", "review", "titles", "demo"},
    "operations": {"portal", "applications", "review", "operations"},
    # The rules read the roles, the jurisdiction selector and the workflow table; callers only name permissions.
    "permissions": {"portal", "applications", "review", "permissions"},
    "guide": {"portal", "applications", "review", "guide"},  # the public 办事指南 reads the conditions and PDFs
}
ROOT_URLCONF = "portal.urls"  # the one place the project package names the apps' views
WORST_RANK_ALLOWED = "C"


def _source_files():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in _source_files()}


def _known(name: str) -> str | None:
    """The module (or package) of ours that `name` refers to, if any."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str, path: Path) -> set[str]:
    """Every module of ours that `module` imports, at the top or inside a function."""
    found = set()
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {_known(alias.name) for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else []))
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in MODULES else _known(base))
    return found - {None, module}


GRAPH = {module: _imports(module, path) for module, path in MODULES.items()}


def test_imports_point_one_way_only():
    wrong = [
        f"{module} → {target}"
        for module, targets in GRAPH.items()
        for target in targets
        if module != ROOT_URLCONF and target.split(".")[0] not in MAY_IMPORT[module.split(".")[0]]
    ]
    assert wrong == []


def test_the_project_package_imports_no_app_except_in_the_root_urlconf():
    assert {t.split(".")[0] for t in GRAPH[ROOT_URLCONF]} >= {"review"}  # the check below looks at real imports
    for module, targets in GRAPH.items():
        if module.startswith("portal") and module != ROOT_URLCONF:
            assert not {t for t in targets if not t.startswith("portal")}, module


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while not component or component[-1] != node:
                component.append(stack.pop())
                on_stack.discard(component[-1])
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle():
    assert _cycles(GRAPH) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("path", list(_source_files()), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_function_above_complexity_c(path):
    blocks = cc_visit(path.read_text(encoding="utf-8"))
    too_complex = [
        f"{block.fullname} {cc_rank(block.complexity)} ({block.complexity})"
        for block in blocks
        if cc_rank(block.complexity) > WORST_RANK_ALLOWED
    ]
    assert too_complex == []


# One name per thing: a public top-level name is defined in one module of ours; the others import it. A name
# that Django or Python looks up by convention may stand in every module of its kind, and nowhere else.
# Each maps to the module (or package) names where it may repeat; None: in any module.
CONVENTIONS = {
    "Command": {"commands"},  # manage.py finds a command's class under this name
    "register": {"templatetags"},  # the template engine finds a tag library under this name
    "urlpatterns": {"urls"},  # an URLconf's patterns
    "app_name": {"urls"},  # an URLconf's namespace
    "application": {"asgi", "wsgi"},  # the servers' entry point (portal/asgi.py, portal/wsgi.py)
    "logger": None,  # logging.getLogger(__name__): each module's own logger
}
# The settings modules are variants of one configuration and repeat Django's setting names by design.
SETTINGS = "portal.settings"


def _public_names(source: str) -> set[str]:
    """The public names a module defines at its top level: functions, classes and assigned constants."""
    names = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {name for name in names if not name.startswith("_")}


def _conventional(name: str, module: str) -> bool:
    if name not in CONVENTIONS:
        return False
    where = CONVENTIONS[name]
    return where is None or bool(where & set(module.split(".")))


def _names_defined_twice(sources: dict[str, str]) -> dict[str, list[str]]:
    where: dict[str, list[str]] = {}
    for module, source in sorted(sources.items()):
        for name in _public_names(source):
            if not _conventional(name, module):
                where.setdefault(name, []).append(module)
    return {name: modules for name, modules in sorted(where.items()) if len(modules) > 1}


def test_no_public_name_is_defined_in_two_modules():
    sources = {
        module: path.read_text(encoding="utf-8")
        for module, path in MODULES.items()
        if module != SETTINGS and not module.startswith(f"{SETTINGS}.")
    }
    assert _names_defined_twice(sources) == {}


def test_the_name_finder_finds_a_name_defined_twice():
    sources = {
        "a.progress": "PROVINCE_OFFICE = 'x'\ndef office_of(d): ...\ndef _private(): ...\nlogger = None",
        "b.selectors": "def office_of(d): ...\nclass Kept: ...\nlogger = None",
        "a.views": "from b.selectors import office_of\ndef register(request): ...",
        "b.templatetags.tags": "register = None",
        "c.views": "def register(request): ...",
    }
    assert _names_defined_twice(sources) == {"office_of": ["a.progress", "b.selectors"], "register": ["a.views", "c.views"]}
