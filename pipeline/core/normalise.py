"""Text normalisation for cells extracted from the city's PDF.

The PDF extraction leaves three kinds of noise that this module removes or makes explicit:

* compatibility characters (full-width colons and tildes, half-width kana): folded with NFKC, except circled
  numbers (①②…), which NFKC would turn into plain digits and so destroy the list numbering they carry;
* letter-spacing: the PDF spaces out Latin letters and digits (``D X 推進課``, ``4 3 手続き``, ``R P A``,
  ``令和5 年度``). Only spaces that are clearly letter-spacing are removed; a real space between words
  (``NET Framework``) or a line break that the extraction flattened into a space is kept;
* flattened lists: a cell that was a bulleted list in the PDF arrives on one line (``・A ・B``). The items are
  put back on their own lines (``・A\\n・B``), keeping each bullet, so the list structure survives in the data.

Every function here is pure and idempotent: normalising normalised text changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import pairwise

CIRCLED_NUMBERS = frozenset(
    [chr(c) for c in range(0x2460, 0x2474)]  # ①..⑳
    + [chr(c) for c in range(0x3251, 0x3260)]  # ㉑..㉟
    + [chr(c) for c in range(0x32B1, 0x32C0)]  # ㊱..㊿
)
BULLETS = frozenset("・○●◎◆◇▪▫■□※") | CIRCLED_NUMBERS

_WHITESPACE = re.compile(r"\s+")
_SPACE_BEFORE_BULLET = re.compile("[ \n](?=[" + "".join(sorted(BULLETS)) + "])")
_CIRCLED = re.compile("([" + "".join(sorted(CIRCLED_NUMBERS)) + "])")


def nfkc(text: str) -> str:
    """NFKC-fold ``text`` but keep circled numbers, which are list markers, not digits."""
    if unicodedata.is_normalized("NFKC", text):
        return text  # most calls: text already normalised (a circled number is not NFKC, so none is here)
    parts = _CIRCLED.split(text)
    return "".join(p if p in CIRCLED_NUMBERS else unicodedata.normalize("NFKC", p) for p in parts)


def is_cjk(ch: str) -> bool:
    """True for kanji, kana and the iteration mark: the characters Japanese words are made of."""
    code = ord(ch)
    return (
        0x3040 <= code <= 0x30FF  # hiragana, katakana
        or 0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or ch in "々〆ヵヶ"
    )


def _is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _ends_with_lone_alnum(token: str) -> bool:
    """``D``, ``・4``, ``のR``: the token ends with one Latin letter or digit that stands alone."""
    return _is_ascii_alnum(token[-1]) and (len(token) == 1 or not _is_ascii_alnum(token[-2]))


def _starts_with_lone_alnum(token: str) -> bool:
    return _is_ascii_alnum(token[0]) and (len(token) == 1 or not _is_ascii_alnum(token[1]))


def _is_letter_spacing(left: str, right: str) -> bool:
    """Decide whether the single space between two tokens was put there by the PDF's letter-spacing."""
    if left[-1] in BULLETS or right[0] in BULLETS:
        return False
    if _ends_with_lone_alnum(left) and _starts_with_lone_alnum(right):
        return True  # "D X", "・4 3", "(K S C)"
    if left[-1].isdigit() and left[-1].isascii() and is_cjk(right[0]):
        return True  # "令和5 年度", "15 手続き", "R4 年2 月"
    if len(left) == 1 and _is_ascii_alnum(left) and not right[0].isspace() and not _is_ascii_alnum(right[0]):
        return True  # "X 推進課", "C (Security …"
    return len(right) == 1 and _is_ascii_alnum(right) and is_cjk(left[-1])  # "を P C 閲覧"


def remove_letter_spacing(line: str) -> str:
    """Join the tokens of one line that the PDF letter-spaced; keep every other space.

    Each space is judged on the two tokens as they were in the source, so a run such as ``D X 推進課``
    is recognised as a whole before any of it is joined.
    """
    tokens = line.split(" ")
    out = [tokens[0]]
    for left, right in pairwise(tokens):
        if _is_letter_spacing(left, right):
            out[-1] += right
        else:
            out.append(right)
    return " ".join(out)


def _normalise_once(text: str) -> str:
    text = _WHITESPACE.sub(" ", nfkc(text)).strip()
    return _SPACE_BEFORE_BULLET.sub("\n", remove_letter_spacing(text)) if text else ""


@lru_cache(maxsize=1 << 15)
def normalise_text(text: str) -> str:
    """Normalise one cell: NFKC, whitespace, letter-spacing, and list items on their own lines.

    Repeated until nothing changes: removing a space can bring together characters that NFKC then composes
    (found by fuzzing: ``K¸`` → ``K`` + combining cedilla → ``Ķ``), and normalised text must stay as it is.
    """
    for _ in range(4):
        again = _normalise_once(text)
        if again == text:
            break
        text = again
    return text


def list_items(text: str) -> list[str]:
    """The items of a normalised cell: one per line (a cell without bullets is a single item)."""
    return [item for item in text.split("\n") if item]


_DEPARTMENT_SEPARATORS = re.compile(r"[\s、,，;；]+")


def split_departments(text: str) -> list[str]:
    """Split a 所管課 cell into department names.

    Departments are separated by spaces (or 、); a letter-spaced name (``D X 推進課``) is one department,
    so a single Latin letter or digit always belongs to the name that follows it.
    """
    tokens = [t for t in _DEPARTMENT_SEPARATORS.split(nfkc(text)) if t]
    names: list[str] = []
    pending = ""
    for token in tokens:
        if len(token) == 1 and _is_ascii_alnum(token):
            pending += token
            continue
        names.append(pending + token)
        pending = ""
    if pending:
        names.append(pending)
    return names
