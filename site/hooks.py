"""MkDocs hooks of the public site (listed under ``hooks`` in mkdocs.yml; the pipeline builds every year with them;
the pages themselves come from the pipeline's plugin, pipeline/website/year_pages.py).

- ``on_env`` gives the theme's Jinja environment a bytecode cache (Jinja's public ``bytecode_cache``), so
  Material's templates are compiled once per theme version instead of at every build (like Python's own .pyc
  files; the output does not change).
"""

from __future__ import annotations

import contextlib
import os

from jinja2 import FileSystemBytecodeCache

from pipeline.paths import CACHE_DIR

TEMPLATE_CACHE = CACHE_DIR / "jinja"


def on_env(env, config, files):
    with contextlib.suppress(OSError):
        TEMPLATE_CACHE.mkdir(parents=True, exist_ok=True)
    if not os.access(TEMPLATE_CACHE, os.W_OK):
        return env  # a read-only installation: compile the templates at every build, as MkDocs does
    env.bytecode_cache = FileSystemBytecodeCache(str(TEMPLATE_CACHE))
    return env
