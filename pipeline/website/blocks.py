"""Raw HTML blocks kept out of Python-Markdown's way, and put back into the rendered page.

The generated pages are Markdown headings between raw HTML blocks (tables, lists, every escaped source value).
Python-Markdown re-parses each raw block with the standard library's pure-Python HTML parser only to pass it
through unchanged, the largest part of building a large year's site. So each self-contained block
is replaced by a comment, which Markdown passes through as it is; the pipeline's MkDocs plugin
(pipeline/website/year_pages.py) puts the block back in ``on_page_content`` — MkDocs' public event for altering a
page's HTML — before the search index and the theme see the page. The rendered site is the same, byte for byte,
as MkDocs makes from the whole Markdown (tests/test_site_blocks.py).
"""

from __future__ import annotations

import re

# Tags Python-Markdown treats as the start of a raw HTML block (a subset of its block-level list: the ones the
# page generator uses).
_BLOCK_TAGS = frozenset({"blockquote", "div", "dl", "figure", "form", "h1", "h2", "h3", "ol", "p", "table", "ul"})
_OPENING = re.compile(r"<([a-z][a-z0-9]*)[\s>]")
PLACEHOLDER = "<!--block:{}-->"
_PLACEHOLDER = re.compile(r"<!--block:(\d+)-->")


def _self_contained(chunk: str) -> bool:
    """A chunk that Markdown reads as exactly one raw HTML element: it opens with a block-level tag and that
    element closes at the chunk's very end, not before (source text is escaped, so every tag in it is the
    generator's own)."""
    start = _OPENING.match(chunk)
    if not start or start.group(1) not in _BLOCK_TAGS:
        return False
    depth = 0
    for tag in re.finditer(rf"<(/?){start.group(1)}[\s>]", chunk):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return tag.end() == len(chunk)
    return False


def split_blocks(markdown: str) -> tuple[str, list[str]]:
    """The page with each self-contained raw HTML block (between blank lines) replaced by a placeholder, and
    the blocks in order. Anything else stays in the Markdown."""
    blocks: list[str] = []
    chunks = markdown.split("\n\n")
    for i, chunk in enumerate(chunks):
        body = chunk.strip("\n")
        if _self_contained(body):
            chunks[i] = chunk.replace(body, PLACEHOLDER.format(len(blocks)), 1)
            blocks.append(body)
    return "\n\n".join(chunks), blocks


def restore_blocks(html: str, blocks: list[str]) -> str:
    """The rendered page with every placeholder replaced by its block. A placeholder without its block (blocks
    from another page or build) is an error: the page would silently lack part of its content."""

    def block(m: re.Match) -> str:
        number = int(m.group(1))
        if number >= len(blocks):
            raise ValueError(f"placeholder {m.group(0)} has no block ({len(blocks)} blocks for this page)")
        return blocks[number]

    return _PLACEHOLDER.sub(block, html)
