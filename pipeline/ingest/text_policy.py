"""The Unicode policy of every input: which characters are refused, which are flagged, and how numbers read.

One table (CHARACTER_POLICY) and one check (check_text), used by every reader: the PDF-extracted text, the
intake template (CSV and XLSX), provenance.yaml and corrections.yaml. docs/reliability.md states the policy.

* **rejected** — the run stops and the error names the file, the line or cell, the field and the character as
  U+XXXX: control characters (C0 but tab, line feed and carriage return; DEL; C1), surrogates, noncharacters and
  private-use characters. None of them is text a person typed; they break pages and files built from the data.
* **flagged** — kept exactly as they are (the data must say what the source says) but the value is marked
  要確認: bidirectional controls and invisible zero-width characters, which make a value read differently from
  what it holds.
* **normalised** — every value is NFKC-folded when it is normalised (pipeline.core.normalise), except circled
  numbers; so full-width digits and letters read as ASCII.
* **project numbers** are ASCII digits after NFKC (full-width ０-９ fold to them); other digits, such as
  Arabic-Indic ``١٢``, are refused rather than read as 12.
"""

from __future__ import annotations

import re
import unicodedata

from pipeline.errors import SourceFormatError

REJECT = "reject"
FLAG = "flag"

CHARACTER_POLICY: tuple[tuple[int, int, str, str, str], ...] = (
    # first, last, action, Japanese name, English name
    (0x0000, 0x0008, REJECT, "制御文字", "a control character"),
    (0x000B, 0x000C, REJECT, "制御文字", "a control character"),
    (0x000E, 0x001F, REJECT, "制御文字", "a control character"),
    (0x007F, 0x009F, REJECT, "制御文字 DEL・C1", "a control character, DEL or C1"),
    (0xD800, 0xDFFF, REJECT, "サロゲート（単独）", "a lone surrogate"),
    (0xE000, 0xF8FF, REJECT, "私用領域の文字", "a private-use character"),
    (0xFDD0, 0xFDEF, REJECT, "非文字", "a noncharacter"),
    (0xF0000, 0x10FFFF, REJECT, "私用領域の文字", "a private-use character"),
    (0x061C, 0x061C, FLAG, "双方向制御文字", "a bidirectional control"),
    (0x200B, 0x200D, FLAG, "幅のない文字", "a zero-width character"),
    (0x200E, 0x200F, FLAG, "双方向制御文字", "a bidirectional control"),
    (0x202A, 0x202E, FLAG, "双方向制御文字", "a bidirectional control"),
    (0x2060, 0x2060, FLAG, "幅のない文字", "a zero-width character"),
    (0x2066, 0x2069, FLAG, "双方向制御文字", "a bidirectional control"),
    (0xFEFF, 0xFEFF, FLAG, "幅のない文字 BOM", "a zero-width character, BOM"),
)
"""Code point ranges and what happens to them. The last two code points of every plane (U+xFFFE, U+xFFFF) are
noncharacters too and are rejected (see _is_noncharacter); U+10FFFE/F fall in the private-use range above."""


def _class(action: str) -> str:
    ranges = "".join(
        f"{re.escape(chr(a))}-{re.escape(chr(b))}" if a != b else re.escape(chr(a))
        for a, b, act, _, _ in CHARACTER_POLICY
        if act == action
    )
    if action == REJECT:
        ranges += "".join(
            re.escape(chr(p * 0x10000 + 0xFFFE)) + re.escape(chr(p * 0x10000 + 0xFFFF)) for p in range(16)
        )
    return f"[{ranges}]"


_REJECTED = re.compile(_class(REJECT))
_FLAGGED = re.compile(_class(FLAG))


def describe(ch: str) -> tuple[str, str]:
    """The character as U+XXXX with its class, in Japanese and English."""
    code = ord(ch)
    for first, last, _, ja, en in CHARACTER_POLICY:
        if first <= code <= last:
            return f"U+{code:04X}（{ja}）", f"U+{code:04X} ({en})"
    if code & 0xFFFE == 0xFFFE:
        return f"U+{code:04X}（非文字）", f"U+{code:04X} (a noncharacter)"
    name = unicodedata.name(ch, "")
    return f"U+{code:04X} {name}".strip(), f"U+{code:04X} {name}".strip()


def rejected_character(text: str) -> str | None:
    """The first character of ``text`` that the policy refuses, if any."""
    match = _REJECTED.search(text)
    return match.group(0) if match else None


def flagged_characters(text: str) -> list[str]:
    """The characters of ``text`` that the policy flags (bidi controls, zero-width), each once, in order."""
    return list(dict.fromkeys(_FLAGGED.findall(text)))


def check_text(text: str, file: str, **where) -> None:
    """Refuse ``text`` if it holds a rejected character; ``where`` (line, cell, field, project) says where it was."""
    ch = rejected_character(text)
    if ch is None:
        return
    ja, en = describe(ch)
    position = text.index(ch) + 1
    raise SourceFormatError(
        f"使えない文字 {ja} が{position}文字目にあります。原本から取り除くか、正しい文字に直してください。",
        f"Character {en} at position {position} is not allowed in input text. Remove it or replace it.",
        file=file,
        **where,
    )


_ASCII_NUMBER = re.compile(r"[0-9]+")


def check_number(text: str, file: str, **where) -> None:
    """A project number (already NFKC-folded) must be ASCII digits: ``١٢`` would otherwise read as 12."""
    if _ASCII_NUMBER.fullmatch(text):
        return
    odd = next((c for c in text if c.isdigit() and not c.isascii()), None)
    if odd is None:
        return
    name = unicodedata.name(odd, "")
    raise SourceFormatError(
        f"事業番号「{text}」に半角・全角の数字でない数字 U+{ord(odd):04X}（{name}）があります。"
        "0〜9 の数字で書いてください。",
        f"The project number {text!r} has a digit that is not 0-9: U+{ord(odd):04X} {name}. Write it with 0-9.",
        file=file,
        **where,
    )
