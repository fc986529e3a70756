"""The pure core stays pure: it can be reasoned about and tested without an app or a database."""

import ast
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
