"""Raw HTML blocks kept out of Python-Markdown: split and restored, and the site built with them is the same, byte
for byte, as MkDocs builds from the whole Markdown."""

from pathlib import Path

import pytest

from pipeline.website.blocks import restore_blocks, split_blocks
from pipeline.website.build import build_year_site


def test_self_contained_blocks_are_replaced_and_restored():
    page = "<dl><dt>a</dt><dd><p>b</p></dd></dl>\n\n## 見出し\n\n<div><ul><li>x</li></ul></div>\n"
    markdown, blocks = split_blocks(page)
    assert blocks == ["<dl><dt>a</dt><dd><p>b</p></dd></dl>", "<div><ul><li>x</li></ul></div>"]
    assert "## 見出し" in markdown and "<dl>" not in markdown
    assert restore_blocks(markdown, blocks) == page


@pytest.mark.parametrize(
    "chunk",
    [
        "<p>a</p><ul><li>b</li></ul>",  # two elements: Markdown puts each on its own line
        "<h2>a</h2>\n<div>b</div>",
        "<span>inline</span>",  # not a block-level tag: Markdown reads it as a paragraph
        "<div><div>a</div>",  # not closed
        "<div>a</div> tail",
        "## 見出し",
    ],
)
def test_anything_markdown_reads_differently_stays_in_the_markdown(chunk):
    markdown, blocks = split_blocks(f"前\n\n{chunk}\n\n後")
    assert blocks == [] and chunk in markdown


def test_escaped_text_cannot_fake_a_placeholder():
    markdown, blocks = split_blocks("<p>&lt;!--block:0--&gt;</p>")
    assert restore_blocks(markdown, blocks) == "<p>&lt;!--block:0--&gt;</p>"


def test_a_placeholder_without_its_block_is_an_error_not_a_silent_gap():
    with pytest.raises(ValueError, match="block:1"):
        restore_blocks("<p>a</p><!--block:0--><!--block:1-->", ["<div>only one</div>"])


@pytest.mark.e2e
def test_site_is_the_same_as_from_the_whole_markdown(published_hostile, tmp_path):
    """The hostile fixture (markup, scripts, template syntax and multi-line text in cells)."""
    release = published_hostile / "data" / "2022"
    with_blocks = build_year_site(release, 2022, tmp_path / "blocks")
    whole = build_year_site(release, 2022, tmp_path / "whole", keep_blocks_out=False)

    def files(site: Path) -> dict[str, bytes]:
        return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}

    built, reference = files(with_blocks), files(whole)
    assert built.keys() == reference.keys()
    assert [name for name in built if built[name] != reference[name]] == []
