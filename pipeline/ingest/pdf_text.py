"""The text of a PDF table's cell, from its characters: lines, how they join, the CHECK status line.

A cell's characters are grouped into printed lines. A line the layout wrapped continues without a break (a
space only where the layout wrapped at one); a line the author ended is kept as a space, as the extracted text
has it, and normalisation puts list items back on lines of their own. Whether a line was wrapped is measured:
the room left at its end against the width of the next line's first unbreakable piece (a Japanese character
with the punctuation that may not start a line, a Latin word, an opening bracket with what follows it), the
rules every Japanese layout follows (JIS X 4051 行頭・行末禁則, Unicode line breaking UAX #14).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import pairwise

BULLET_START = frozenset("・○●◎◆◇▪▫■□※") | frozenset(chr(c) for c in range(0x2460, 0x2474))
SAME_JIS_CHARACTER = str.maketrans({"\u301c": "\uff5e", "\u2016": "\u2225", "\u2212": "\uff0d"})
"""Japanese fonts' glyphs for ～ ∥ － decode to the JIS mapping's characters (WAVE DASH …); CP932 — which
the extracted text and the template are read as — has the full-width forms. One character, one reading."""
_STATUS_CANON = "計画以上・計画どおり"
STATUS_LINE = re.compile(r"^\s*[■□○]\s*" + r"\s*".join(map(re.escape, _STATUS_CANON)) + r"\s*[■□○]\s*課\s*題\s*あ\s*り")


@dataclass(frozen=True)
class Line:
    """One printed line of a cell, measured in character widths (the font size)."""

    text: str
    room: float
    """The room left between the line's last character and the cell's right edge (less its padding)."""
    lead: float
    """The width of the line's first unbreakable piece: a Latin word or number, or one Japanese character
    with the characters that may not start a line after it."""


class PageChars:
    """A page's characters ordered by the height of their middle, to find a band's characters by bisection
    (a page has thousands of characters and hundreds of cells)."""

    def __init__(self, chars: list[dict]) -> None:
        self.chars = sorted(chars, key=_middle)
        self._middles = [_middle(c) for c in self.chars]

    def band(self, top: float, bottom: float) -> list[dict]:
        """The characters whose middle lies between ``top`` and ``bottom`` (both included)."""
        return self.chars[bisect_left(self._middles, top) : bisect_right(self._middles, bottom)]


def _middle(c: dict) -> float:
    return (c["top"] + c["bottom"]) / 2


def group_lines(chars: list[dict]) -> list[list[dict]]:
    """Characters grouped into printed lines, top to bottom, each line's characters left to right: a character
    is on a line when its top is within half its size of the line's first character's."""
    lines: list[list[dict]] = []
    for c in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])):
        if lines and abs(lines[-1][0]["top"] - c["top"]) < c["size"] / 2:
            lines[-1].append(c)
        else:
            lines.append([c])
    for line in lines:
        line.sort(key=lambda c: c["x0"])
    return lines


def read_lines(page: PageChars, box) -> list[Line]:
    """The text lines inside ``box``, top to bottom."""
    x0, top, x1, bottom = box
    # A character belongs to the cell its left edge is in: a space that hangs past the cell's right edge at a
    # line's end (as word processors let it) still belongs to its line.
    rows = group_lines([c for c in page.band(top, bottom) if x0 <= c["x0"] < x1])
    # The cell's inner right edge: its right edge less the padding the layout keeps on the left.
    inner = x1 - max(0.0, min((min(c["x0"] for c in r) - x0 for r in rows), default=0.0))
    lines = []
    for chars_of_line in rows:
        text = ""
        for a, b in pairwise([None, *chars_of_line]):
            if a is not None and not text.endswith(" ") and _is_space(a, b):
                text += " "
            text += b["text"].translate(SAME_JIS_CHARACTER)
        size = chars_of_line[-1]["size"]
        lines.append(Line(text, (inner - chars_of_line[-1]["x1"]) / size, _lead(chars_of_line) / size))
    return lines


def _is_space(a: dict, b: dict) -> bool:
    """A gap between two characters that stands for a space the layout drew as a move, not as a character.
    Between Japanese and Latin text, layouts add up to half a character of their own (LibreOffice's
    autospacing), so there only a wider gap counts."""
    gap = (b["x0"] - a["x1"]) / b["size"]
    return gap > 0.25 and ((is_latin(a["text"]) and is_latin(b["text"])) or gap > 0.5)


def _lead(chars: list[dict]) -> float:
    visible = [c for c in chars if not c["text"].isspace()]
    if not visible:
        return 0.0
    end = 0
    while True:
        start, end = end, end + 1
        if is_latin(visible[start]["text"]):
            while (
                end < len(visible)
                and is_latin(visible[end]["text"])
                and visible[end]["x0"] - visible[end - 1]["x1"] < 1
            ):
                end += 1
        while end < len(visible) and visible[end]["text"] in NO_LINE_START:
            end += 1
        # No break after an opening bracket (UAX #14, LB14): the piece goes on to the next character.
        if end >= len(visible) or visible[end - 1]["text"] not in NO_LINE_END:
            break
    return visible[end - 1]["x1"] - visible[0]["x0"]


def is_latin(ch: str) -> bool:
    return ch.isascii() and not ch.isspace()


NO_LINE_START = frozenset("、。，．・：；？！ー）」』】〕ぁぃぅぇぉっゃゅょァィゥェォッャュョ々),.:;!?]}")
"""行頭禁則 (JIS X 4051): characters a Japanese layout does not put at the start of a line."""


NO_LINE_END = frozenset("(（「『【〔[{")
"""Opening brackets: a layout does not end a line with one (行末禁則)."""


def joined_text(lines: list[Line], kinsoku: bool = True) -> str:
    """One cell's text: wrapped lines joined, the author's line breaks kept as spaces (as the extracted text
    has them; normalisation puts list items back on lines of their own).

    A line was wrapped by the layout when the room left at its end is less than the next line's first
    unbreakable piece needed (a Japanese character, a Latin word); otherwise the author broke it. A line that
    ends in a space was wrapped at that space. A wrapped line continues without a break — but a bullet at the
    start of a line is a new item where the layout keeps ``・`` from the start of a line (``kinsoku``), and
    otherwise only when it is the bullet the cell's list starts with or follows a sentence or a bracket's end: ``・`` also
    joins words (``運用・普及・啓発``)."""
    if not lines:
        return ""
    marker = lines[0].text.lstrip()[:1]
    text = lines[0].text
    for previous, line in pairwise(lines):
        first = line.text.lstrip()[:1]
        wrapped = previous.text.endswith(" ") or previous.room < line.lead + 0.25
        new_item = first in BULLET_START and (
            kinsoku or first == marker or not wrapped or previous.text.rstrip().endswith(("。", ")", "）"))
        )
        text += "" if previous.text.endswith(" ") or (wrapped and not new_item) else " "
        text += line.text
    return text.strip()


def keeps_kinsoku(parts: list[Part]) -> bool:
    """Whether the document's layout applies 行頭禁則: none of its wrapped lines starts with 、 or 。, which a
    layout without it puts at the start of a line many times in a list of this length."""
    return not any(line.text[:1] in "、。" for part in parts for line in part.lines[1:])


@dataclass
class Part:
    """The text of one table cell on one page, with what its geometry says."""

    page: int
    row: int
    index: int
    box: tuple[float, float, float, float]
    lines: list[Line]
    columns: tuple[str, ...]
    """The visual column's field(s); empty when the geometry does not tell (a merged cell)."""
    certain: bool = True


def split_status(part: Part, kinsoku: bool) -> list[tuple[str, str, tuple[float, float, float, float]]]:
    """A CHECK cell's status line(s) and its result text, as (column, text, box)."""
    text = joined_text(part.lines, kinsoku)
    status_col, text_col = part.columns
    match = STATUS_LINE.match(text)
    if not match:
        return [(text_col, text, part.box)] if text.strip() else []
    out = [(status_col, match.group(0).strip(), part.box)]
    rest = text[match.end() :].strip()
    if rest:
        out.append((text_col, rest, part.box))
    return out
