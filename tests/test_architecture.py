"""The floors of the house (ARCHITECTURE.md): an app imports only its own floor and those below, and a
selector never imports a service (reads do not depend on writes)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Lowest first; `bondowoso` (settings, URLs) stands outside the floors and may import any app.
FLOORS = ["masterdata", "planning", "budgeting", "reporting", "transparency", "demo"]


def _modules():
    for app in FLOORS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield app, path


def _imported(path, source=None):
    """Every module the file imports, at any depth (imports inside functions too), as absolute names; for
    `from x import y`, both `x` and `x.y` (y may be a module)."""
    package = path.relative_to(ROOT).with_suffix("").parts[:-1]
    tree = ast.parse(path.read_text() if source is None else source, filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            yield module
            yield from (f"{module}.{alias.name}" for alias in node.names)


def _upward(app, path, source=None):
    allowed = set(FLOORS[: FLOORS.index(app) + 1])
    return {module for module in _imported(path, source) if module.split(".")[0] in set(FLOORS) - allowed}


def _is_selector(path):
    return path.stem == "selectors" or path.parent.name == "selectors"


def _services_imported(path, source=None):
    return {module for module in _imported(path, source) if "services" in module.split(".")}


def test_an_app_imports_only_its_own_floor_and_those_below():
    found = [f"{path.relative_to(ROOT)} imports {module}" for app, path in _modules() for module in _upward(app, path)]
    assert not found, "\n".join(sorted(found))


def test_selectors_never_import_services():
    found = [
        f"{path.relative_to(ROOT)} imports {module}"
        for _, path in _modules()
        if _is_selector(path)
        for module in _services_imported(path)
    ]
    assert not found, "\n".join(sorted(found))


@pytest.mark.parametrize(
    ("app", "source", "upward"),
    [
        ("masterdata", "from budgeting.models import Rka\n", "budgeting.models"),
        ("planning", "def seed():\n    from demo import budgeting\n", "demo"),
        ("budgeting", "from transparency import selectors\n", "transparency.selectors"),
    ],
)
def test_the_floor_check_finds_an_upward_import(app, source, upward):
    assert upward in _upward(app, ROOT / app / "selectors" / "example.py", source)


def test_the_selector_check_finds_a_service_import():
    path = ROOT / "budgeting" / "selectors" / "example.py"
    assert _is_selector(path)
    assert "budgeting.services.rka" in _services_imported(path, "from ..services import rka as rka_services\n")
