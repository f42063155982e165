"""Public APIs only: no `_`-prefixed import or attribute of dagster, mkdocs, Material or the standard library
anywhere in the project's code (pipeline/, site/, benchmarks/, tests/). A private name breaks silently on an
upgrade; this lint fails on any, with the file and line."""

import ast
import sys
from pathlib import Path

from conftest import ROOT

FOLDERS = ("pipeline", "site", "benchmarks", "tests")
LIBRARIES = {"dagster", "mkdocs", "material"} | set(sys.stdlib_module_names)


def _guarded(name: str) -> bool:
    """Whether a module path belongs to a library this rule covers."""
    return name.split(".")[0] in LIBRARIES


def _private(part: str) -> bool:
    return part.startswith("_") and not (part.startswith("__") and part.endswith("__"))


def private_uses(tree: ast.AST) -> list[tuple[int, str]]:
    """Each (line, text) where the code imports or reaches a private name of a covered library."""
    found: list[tuple[int, str]] = []
    names: dict[str, str] = {}  # local name -> the covered module (or module.attribute) it stands for
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _guarded(alias.name):
                    if any(_private(p) for p in alias.name.split(".")):
                        found.append((node.lineno, f"import {alias.name}"))
                    local = alias.asname or alias.name.split(".")[0]
                    names[local] = alias.name if alias.asname else local
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and _guarded(node.module):
            if any(_private(p) for p in node.module.split(".")):
                found.append((node.lineno, f"from {node.module} import …"))
            for alias in node.names:
                if _private(alias.name):
                    found.append((node.lineno, f"from {node.module} import {alias.name}"))
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            chain = node.value
            while isinstance(chain, ast.Attribute):
                chain = chain.value
            if isinstance(chain, ast.Name) and chain.id in names:
                found.append((node.lineno, f"{chain.id}.….{node.attr} ({names[chain.id]})"))
    return found


def project_files() -> list[Path]:
    return sorted(p for folder in FOLDERS for p in (ROOT / folder).rglob("*.py") if ".venv" not in p.parts)


def test_the_lint_finds_private_uses():
    sample = (
        "import dagster as dg\nimport os, atexit\nfrom dagster._core.instance.ref import InstanceRef\n"
        "import mkdocs.structure._x\nfrom material import _plugin\n"
        "atexit._run_exitfuncs()\nos._exit(0)\ndg.DagsterInstance._from_ref\nx.__class__\nos.path.__name__\n"
        "self._private\n"
    )
    lines = sorted(line for line, _ in private_uses(ast.parse(sample)))
    assert lines == [3, 4, 5, 6, 7, 8]


def test_no_private_api_of_dagster_mkdocs_material_or_the_standard_library():
    found = []
    for path in project_files():
        if path.name == "test_public_api.py":
            continue
        for line, text in private_uses(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            found.append(f"{path.relative_to(ROOT)}:{line}: {text}")
    assert found == [], "\n".join(found)
