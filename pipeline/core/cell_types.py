"""Recognise the cells whose content alone tells their column: CHECK status boxes and 事業区分 categories.

Also the content cues the aligner weighs for ordinary text cells (同左, indicators, past-tense results) and
the similarity used to find the mirror between this year's and next year's PLAN/DO.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache

from pipeline.core.normalise import nfkc, split_departments


class Status(StrEnum):
    """The value of a CHECK status cell (``■計画以上・計画どおり □課題あり``)."""

    ON_PLAN = "計画以上・計画どおり"
    ISSUES = "課題あり"
    BLANK = "未記入"
    UNREADABLE = "判読不能"


CATEGORIES = {"A": "重点事業", "B": "深化型事業", "C": "探索型事業"}
"""事業区分: the code printed in brackets and its name."""

_CHECKED, _UNCHECKED = "■", "□○"
_STATUS = re.compile(r"([■□○])計画以上・計画どおり([■□○])課題あり")
_CATEGORY = re.compile(r"(\S{1,12}事業)\(([A-Z])\)")
_DEPARTMENT_SUFFIXES = ("課", "室", "館", "センター", "所", "局", "部", "署", "園")


_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1 << 15)
def _compact(text: str) -> str:
    """The text in NFKC without whitespace; kept per text, as the aligner asks several questions of each cell."""
    return _SPACES.sub("", nfkc(text))


_STATUS_WORDS = re.compile(r"計画(以上|どおり|通り|あり)|課題(あり|なし)")


def looks_like_status(text: str) -> bool:
    """A short cell that starts with a check box and uses the status wording: a status, even if garbled."""
    t = _compact(text)
    return 0 < len(t) <= 30 and t[0] in _CHECKED + _UNCHECKED and _STATUS_WORDS.search(t) is not None


def parse_status(text: str) -> Status:
    """Read which box is checked; two checked boxes or a garbled label is UNREADABLE, none checked is BLANK.

    A clean list (the intake template) may give the status in words instead of boxes.
    """
    compact = _compact(text)
    if compact in {s.value for s in Status}:
        return Status(compact)
    match = _STATUS.fullmatch(compact)
    if not match:
        return Status.UNREADABLE
    on_plan, issues = (mark == _CHECKED for mark in match.groups())
    if on_plan and issues:
        return Status.UNREADABLE
    if on_plan:
        return Status.ON_PLAN
    if issues:
        return Status.ISSUES
    return Status.BLANK


def looks_like_category(text: str) -> bool:
    """``重点事業 (A)``: a short ``…事業 (X)`` cell. A longer text that mentions a category is not one."""
    return _CATEGORY.fullmatch(_compact(text)) is not None


def parse_category(text: str) -> tuple[str, str] | None:
    """The (code, name) of a category cell, or None when the name or code is not one of the three known.

    The printed form is ``重点事業 (A)``; a clean list may give only the name or only the code.
    """
    compact = _compact(text)
    for code, name in CATEGORIES.items():
        if compact in (code, name):
            return code, name
    match = _CATEGORY.fullmatch(compact)
    if not match:
        return None
    name, code = match.groups()
    return (code, name) if CATEGORIES.get(code) == name else None


def looks_like_departments(text: str) -> bool:
    """Every name in the cell ends like a city department (…課, …館, …センター)."""
    names = split_departments(text)
    return bool(names) and all(len(n) <= 30 and n.endswith(_DEPARTMENT_SUFFIXES) for n in names)


def is_same_as_left(text: str) -> bool:
    """``同左：6種類増加``: the PDF's 'same as the cell to the left', used in indicator columns."""
    return _compact(text).startswith("同左")


_INDICATOR = re.compile(
    r"\d[\d,.]*\s*(%|割|件|人|回|種類|事業|手続|館|台|時間|万円|円|校|か所|箇所|倍)"
    r"|(アクセス|ページビュー|公開|登録者|フォロワー|利用者|来館者|参加者|件|回|人)数"
    r"|(?<!効)率|割合|目標|満足度|成果指標"
)


def has_indicator_cue(text: str) -> bool:
    """Numbers with counters or words such as 数・率・割合・目標: the language of 成果指標."""
    return _INDICATOR.search(nfkc(text)) is not None


_ENDINGS = re.compile(r"[。\n]")
_STATE = ("である", "いる", "ある")
_DONE = re.compile(r"(完了|終了|達成|開始|決定)\((R|令和|H|平成)?[\d.年月日末]+$|実施せず$|済み?$")


def _tenses(text: str) -> tuple[int, int]:
    """Count the sentences and list items that end in the past tense and in the plain (future) form."""
    past = plain = 0
    for ending in (e.strip().rstrip(")") for e in _ENDINGS.split(nfkc(text))):
        if ending.endswith("た") or _DONE.search(ending):
            past += 1
        elif ending and ending[-1] in "うくすつぬぶむる" and not ending.endswith(_STATE):
            plain += 1
    return past, plain


def has_result_cue(text: str) -> bool:
    """Sentences end in the past tense (…した。…行った。) at least as often as in the plain form: results."""
    past, plain = _tenses(text)
    return past > 0 and past >= plain


def has_plan_cue(text: str) -> bool:
    """Sentences end mostly in the plain form (…を行う。…を図る。…努めていく。): intentions, not results."""
    past, plain = _tenses(text)
    return plain > past


_NOT_CONTENT = re.compile(r"[\s・○●◎■□※、。,.:;()「」『』\[\]~\-/]")


def bigrams(text: str) -> frozenset[str]:
    """The character bigrams of a text, without bullets, spaces and punctuation (what similarity compares)."""
    t = _NOT_CONTENT.sub("", nfkc(text))
    return frozenset(t[i : i + 2] for i in range(len(t) - 1)) if len(t) > 1 else frozenset([t])


def dice(x: frozenset[str], y: frozenset[str]) -> float:
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


def similarity(a: str, b: str) -> float:
    """Dice coefficient of character bigrams, ignoring bullets, spaces and punctuation (0 to 1)."""
    return dice(bigrams(a), bigrams(b))
