"""Public APIs only: no `_`-prefixed import or attribute of dagster, mkdocs, Material or the standard library
anywhere in the project's code (pipeline/, site/, benchmarks/, tests/). A private name breaks silently on an
upgrade; this lint fails on any, with the file and line.

Found: an import of a module path with a `_` part, an imported `_` name, a `_` attribute reached from a name
bound to such a module (or to something imported from one), and — in a class derived from one of their
classes — `self._x` or `super()._x` where `_x` is that library class's own private name (an inherited internal
such as MkDocs Page's `_title_from_render`)."""

import ast
import contextlib
import importlib
import inspect
import re
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
        if isinstance(node, ast.ClassDef):
            inherited = set().union(*(_library_privates(_dotted(base, names)) for base in node.bases))
            for inner in ast.walk(node):
                if isinstance(inner, ast.Attribute) and inner.attr in inherited and _is_self_or_super(inner.value):
                    found.append((inner.lineno, f"{ast.unparse(inner)} (inherited from a library class)"))
    return found


def _dotted(node: ast.expr, names: dict[str, str]) -> str | None:
    """The full dotted path of a base class expression bound to a covered library, if it is one."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name) and node.id in names:
        return ".".join([names[node.id], *reversed(parts)])
    return None


def _library_privates(path: str | None) -> set[str]:
    """The private names a covered library's class and its library bases define or use on ``self``."""
    if path is None:
        return set()
    module, _, name = path.rpartition(".")
    try:
        klass = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return set()
    found: set[str] = set()
    for base in inspect.getmro(klass) if inspect.isclass(klass) else ():
        if not _guarded(base.__module__):
            continue
        found |= {n for n in vars(base) if _private(n)}
        with contextlib.suppress(OSError, TypeError):  # no source to read (a compiled class)
            found |= set(re.findall(r"\bself\.(_[A-Za-z]\w*)", inspect.getsource(base)))
    return {n for n in found if _private(n)}


def _is_self_or_super(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        return node.id in ("self", "cls")
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"


def project_files() -> list[Path]:
    return sorted(p for folder in FOLDERS for p in (ROOT / folder).rglob("*.py") if ".venv" not in p.parts)


def test_the_lint_finds_private_uses():
    sample = (
        "import dagster as dg\nimport os, atexit\nfrom dagster._core.instance.ref import InstanceRef\n"
        "import mkdocs.structure._x\nfrom material import _plugin\n"
        "atexit._run_exitfuncs()\nos._exit(0)\ndg.DagsterInstance._from_ref\nx.__class__\nos.path.__name__\n"
        "self._private\n"
        "from mkdocs.structure.pages import Page\n"
        "class Cached(Page):\n"
        "    def render(self):\n"
        "        self._title_from_render = 'x'\n"
        "        self._own = 1\n"
    )
    lines = sorted(line for line, _ in private_uses(ast.parse(sample)))
    assert lines == [3, 4, 5, 6, 7, 8, 15]


def test_no_private_api_of_dagster_mkdocs_material_or_the_standard_library():
    found = []
    for path in project_files():
        if path.name == "test_public_api.py":
            continue
        for line, text in private_uses(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            found.append(f"{path.relative_to(ROOT)}:{line}: {text}")
    assert found == [], "\n".join(found)
