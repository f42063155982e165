"""MkDocs hooks of the public site (listed under ``hooks`` in mkdocs.yml; the pipeline builds every year with them).

- ``on_page_content`` puts back the raw HTML blocks that the pipeline kept out of Python-Markdown (see
  pipeline/website/blocks.py): the page is then what MkDocs would have rendered from the whole Markdown.
- ``on_config`` gives Material's search plugin an index that reads the pages faster, with the same result (see
  pipeline/website/search_index.py).
- ``on_env`` gives the theme's Jinja environment a bytecode cache, so Material's templates are compiled once per
  theme version instead of at every build (like Python's own .pyc files; the output does not change).
"""

from __future__ import annotations

import contextlib
import json
import os

from jinja2 import FileSystemBytecodeCache
from mkdocs.exceptions import PluginError

from pipeline.paths import PROJECT_ROOT
from pipeline.website.blocks import blocks_file, restore_blocks
from pipeline.website.search_index import FastSearchIndex

TEMPLATE_CACHE = PROJECT_ROOT / ".cache" / "jinja"


def on_config(config):
    # Hooks run after the plugins, so the search plugin has made its index from its settings by now.
    search = config.plugins.get("material/search")
    if search is not None and search.config.enabled:
        search.search_index = FastSearchIndex(**search.config)
    return config


def on_page_content(html, page, config, files):
    path = blocks_file(config["docs_dir"], page.file.src_uri)
    blocks = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
    try:
        return restore_blocks(html, blocks)
    except ValueError as exc:
        raise PluginError(f"{page.file.src_uri}: {exc}") from None


def on_env(env, config, files):
    with contextlib.suppress(OSError):
        TEMPLATE_CACHE.mkdir(parents=True, exist_ok=True)
    if not os.access(TEMPLATE_CACHE, os.W_OK):
        return env  # a read-only installation: compile the templates at every build, as MkDocs does
    env.bytecode_cache = FileSystemBytecodeCache(str(TEMPLATE_CACHE))
    return env
