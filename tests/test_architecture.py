"""The pure core stays pure: it can be reasoned about and tested without an app or a database."""

import ast
import os
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent / "intake" / "core"
FORBIDDEN = ("flask", "flask_sqlalchemy", "sqlalchemy", "werkzeug", "wtforms", "jinja2")


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_modules_import_neither_flask_nor_sqlalchemy():
    modules = sorted(CORE.glob("*.py"))
    assert len(modules) >= 5
    for module in modules:
        for name in _imported_modules(module):
            root = name.split(".")[0]
            assert root not in FORBIDDEN, f"{module.name} imports {name}"
            if root == "intake":
                assert name.startswith("intake.core"), f"{module.name} imports {name}"


def test_importing_core_loads_neither_flask_nor_sqlalchemy():
    names = ", ".join(f"intake.core.{p.stem}" for p in CORE.glob("*.py") if p.stem != "__init__")
    code = (
        f"import sys, importlib; [importlib.import_module(m) for m in '{names}'.split(', ')]; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{FORBIDDEN!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_a_worker_loads_the_pdf_library_only_when_it_draws_a_letter(tmp_path):
    """fpdf2 (with Pillow's and fontTools' parts it needs) is 17 MB of every gunicorn worker."""
    code = (
        "import sys; from intake import create_app; "
        f"create_app({{'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path}/a.sqlite3'}}); "
        "print(sorted(m for m in ('fpdf', 'fontTools') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        cwd=CORE.parent.parent, env={**os.environ, "INTAKE_INSTANCE_PATH": str(tmp_path)},
    )  # fmt: skip
    assert result.stdout.strip().splitlines()[-1] == "[]"


INTAKE = CORE.parent
#: The composition root and the leaves every layer may use; cycles are checked among the rest.
COMPOSITION = {"__init__", "cli", "worker"}
MAX_MODULE_LINES = 600
MAX_VIEW_MODULE_LINES = 450


def _package_of(path: Path) -> str:
    parts = path.relative_to(INTAKE).parts
    return parts[0] if len(parts) > 1 else path.stem


def _package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in INTAKE.rglob("*.py"):
        source = _package_of(path)
        for name in _imported_modules(path):
            if name.startswith("intake."):
                target = name.split(".")[1]
                if target != source:
                    graph.setdefault(source, set()).add(target)
    return graph


def test_no_import_cycles_between_the_packages_of_intake():
    """core at the bottom, the composition root (create_app, cli, worker) at the top, and no
    two packages that need each other."""
    graph = {k: v - COMPOSITION for k, v in _package_graph().items() if k not in COMPOSITION}
    assert not graph.get("core"), f"core imports {graph.get('core')}"
    visiting, done = [], set()

    def visit(node):
        if node in visiting:
            cycle = visiting[visiting.index(node) :] + [node]
            raise AssertionError("import cycle: " + " → ".join(cycle))
        if node in done:
            return
        visiting.append(node)
        for nxt in sorted(graph.get(node, ())):
            visit(nxt)
        visiting.pop()
        done.add(node)

    for node in sorted(graph):
        visit(node)


def test_blueprints_never_import_each_other():
    blueprints = {"public", "officer", "admin", "supervision"}
    graph = _package_graph()
    for blueprint in blueprints:
        assert not graph.get(blueprint, set()) & blueprints, blueprint


def test_modules_fit_in_a_head():
    for path in INTAKE.rglob("*.py"):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        is_view = path.parent.name in {"public", "officer", "admin", "supervision"} and (
            path.stem not in {"forms", "action_forms", "operations", "queries", "__init__"}
        )
        limit = MAX_VIEW_MODULE_LINES if is_view else MAX_MODULE_LINES
        assert lines <= limit, f"{path.relative_to(INTAKE)}: {lines} lines (limit {limit})"


def test_every_package_imports_on_its_own():
    """No module configures the mappers when it is imported (a ``joinedload`` built at module
    level does): that fails whenever a model named by a string in a relationship is not imported
    yet, which depends on who imports what first. Each package alone, in a fresh interpreter."""
    packages = sorted(f"intake.{path.parent.name}" for path in INTAKE.glob("*/__init__.py"))
    script = (
        "import importlib, sys\n"
        "importlib.import_module(sys.argv[1])\n"
        "from intake.extensions import db\n"
        "early = sorted(m.class_.__name__ for m in db.Model.registry.mappers if m.configured)\n"
        "assert not early, f'mappers configured at import: {early}'\n"
    )
    running = {
        name: subprocess.Popen(  # noqa: S603 — our own interpreter and module names
            [sys.executable, "-c", script, name], stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
        )
        for name in packages
    }  # fmt: skip
    failed = {}
    for name, process in running.items():
        _out, err = process.communicate(timeout=120)
        if process.returncode:
            failed[name] = err.strip().splitlines()[-1]
    assert len(packages) > 15 and failed == {}
