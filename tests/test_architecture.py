"""The apps import each other in one direction (docs/architecture.md): each app may import
only the layers below it. Read from the source, so a new import that breaks the layering
fails here before it becomes a cycle."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# app: the project's apps it may import. `archipel` is the wiring on top (settings, URLs,
# home, health, accounts): it may import anything; nothing imports it.
ALLOWED = {
    "core": set(),
    "mailing": {"core"},
    "cooperation": {"core"},
    "evaluation": {"core", "cooperation"},
    "networks": {"core", "cooperation"},
    # Deleting an account forgets its partnership reviews (evaluation.services).
    "proposals": {"core", "cooperation", "evaluation", "mailing"},
    "newsletter": {"core", "mailing"},
    "corrections": {"core", "cooperation", "networks", "mailing"},
    "meetings": {"core", "cooperation", "networks", "mailing"},
    "opendata": {"core", "cooperation", "evaluation", "networks", "proposals"},
    "api": {"core", "cooperation", "evaluation", "networks", "proposals"},
}
APPS = set(ALLOWED) | {"archipel"}


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & APPS


def modules(app: str):
    return [p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_an_app_imports_only_the_layers_below_it(app):
    wrong = {
        str(path.relative_to(ROOT)): sorted(imported_apps(path) - ALLOWED[app] - {app})
        for path in modules(app)
    }
    assert {path: apps for path, apps in wrong.items() if apps} == {}


def test_the_layers_have_no_cycle():
    done, visiting = set(), set()

    def visit(app):
        assert app not in visiting, f"cycle through {app}"
        if app in done:
            return
        visiting.add(app)
        for below in ALLOWED[app]:
            visit(below)
        visiting.discard(app)
        done.add(app)

    for app in ALLOWED:
        visit(app)


def test_no_module_is_over_500_lines():
    too_long = {
        str(path.relative_to(ROOT)): length
        for app in [*APPS, "scripts"]
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
        and (length := len(path.read_text(encoding="utf-8").splitlines())) > 500
    }
    assert too_long == {}
