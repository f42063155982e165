"""Assign each source cell of a project row to one of the list's 20 logical columns.

The extraction dropped empty cells, merged some and moved a few, so a cell's tab position says little. The
aligner instead scores every way of laying a row's cells out over the columns and keeps the best one.

The algorithm, for one row:

1. **Hard rules.** The first cell is the project number and the second the project name. A status cell
   (``■計画以上・計画どおり □課題あり``, also when garbled) can only be a CHECK status; a category cell
   (``重点事業 (A)``) only the 事業区分; a text after the category only the committee's comment; the 所管課 column
   takes only a cell that reads like department names. A status cell identical to the status just before it
   may be a duplicate left by the extraction (the list then has three status cells for two columns).
2. **Order.** Cells keep their source order across the columns, with one freedom: the extraction often reads
   both CHECK status boxes before their texts, so CHECK may come as status, text, status, text or as
   status, status, text, text.
3. **Content and context scores** for each layout that satisfies 1 and 2:
   * the narrative columns (課題, 目的, 効果) prefer to be filled;
   * ``同左`` ("same as left") only occurs in 成果指標 columns, and the cell just before it is that year's
     行動目標;
   * a cell with the language of indicators (numbers with counters, 数・率・目標) fits a 成果指標 column, a cell
     without it fits one less well;
   * a cell written in the past tense fits a results column (成果指標結果, 実績) and not a plan column
     (行動目標, 成果指標, 来期取組, next year's PLAN/DO);
   * **the mirror**: next year's PLAN/DO usually repeats or updates this year's, so two similar cells score
     when they sit in corresponding columns (行動目標↔行動目標, 成果指標↔成果指標, 年度事業内容↔年度事業内容), and
     a little when they sit in columns that often repeat within a year (行動目標↔年度事業内容).
4. **Confidence.** For every cell the aligner also knows the best score it could reach with that cell in
   another column. When that is within ``AMBIGUITY_MARGIN`` of the best, the cell is flagged for review
   with its alternatives. A wider margin, ``NEIGHBOUR_MARGIN``, applies where the layout leaves the column
   next to the cell's own empty in the plan and work part of the grid (効果, PLAN, DO; ACT, next year's
   PLAN/DO): the extraction dropped the empty cell, so the position cannot tell which of the two neighbours
   is the empty one, and only the soft content cues decide — measured against a person's reading of FY2022,
   those cues settle such cells less often than their scores suggest. A cell whose content contradicts its
   column (a past-tense result in a plan column, target wording in 成果指標結果 while 成果指標 is empty: the
   extraction moved a cell) and an indicator that repeats its goal in full (two cells read as one) are flagged
   too. Nothing is moved against the source order automatically: that is what the reviewed corrections file
   is for.

The search is exhaustive over the layouts the hard rules allow, which for a row of this list is at most a
few thousand, so the result does not depend on a search heuristic.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from pipeline.columns import (
    ACT,
    CATEGORY,
    COLUMNS,
    COMMENT,
    DEPARTMENTS,
    DO_RESULT,
    DO_WORK,
    EFFECTS,
    FY_STATUS,
    FY_TEXT,
    H1_STATUS,
    H1_TEXT,
    ID,
    ISSUES,
    NAME,
    NEXT_GOAL,
    NEXT_INDICATOR,
    NEXT_WORK,
    PLAN_GOAL,
    PLAN_INDICATOR,
    PURPOSE,
    STATUS_COLUMNS,
    STATUS_TEXT,
)
from pipeline.core.cell_types import (
    Status,
    bigrams,
    dice,
    has_indicator_cue,
    has_plan_cue,
    has_result_cue,
    is_same_as_left,
    looks_like_category,
    looks_like_departments,
    looks_like_status,
    parse_status,
)
from pipeline.core.flags import Flag, Severity
from pipeline.core.normalise import nfkc, normalise_text
from pipeline.ingest.source import Cell, SourceRow

ALIGNMENT_RULES_JA = (
    "PDFから抽出したテキストでは、空欄のセルが詰められたり、セルが結合されたり、順番が入れ替わったりしているため、"
    "タブの位置では列が分かりません。そこで、各行のセルを一覧の20列に割り当てる並べ方をすべて調べ、内容と前後関係から"
    "点数を付けて、最も点数の高い並べ方を採用しています。",
    "決まっていること：1つ目のセルは事業番号、2つ目は事業名、3つ目が課の名前なら所管課です。■□のチェック欄は CHECK の"
    "状況、「重点事業 (A)」のようなセルは事業区分、その後ろの文は ICT戦略調整委員会からの意見等です。チェック欄が列の数より"
    "1つ多く、同じ内容が続けて現れたときは、抽出時の重複とみなします。",
    "並び順：セルは原本の順番のまま列に割り当てます。ただし CHECK は「状況・実績・状況・実績」の順のほか、チェック欄が先に"
    "まとめて並ぶ「状況・状況・実績・実績」の順も認めます。",
    "内容による手がかり：「同左」は成果指標の列にだけ現れ、その直前のセルはその年度の行動目標です。数値と単位や「件数・割合・"
    "目標」などの言葉は成果指標らしさ、「〜した。」のような過去形の文は実績らしさ、「〜を行う。」のような文は計画らしさ"
    "として数えます。",
    "翌年度との対応：翌年度の PLAN・DO は当年度のものを引き継いで書かれることが多いため、よく似たセルどうしが対応する列"
    "（行動目標どうし、成果指標どうし、年度事業内容どうし）に入る並べ方を高く評価します。",
    "確かでないとき：別の列に入れても点数がほとんど変わらないセルや、内容が列と合わないセル（計画の列にある過去形の実績"
    "や、その年度の成果指標が空なのに成果指標結果の列にある数値目標のような文など）は「要確認」とし、何が不確かでどう扱ったかを確認事項に書きます。隣の列（効果・PLAN・DO、ACT・翌年度の"
    "PLAN・DO）が空いているセルは、空欄が詰められたために位置からはどちらの列か分からないため、点数の差がやや大きくても"
    "「要確認」とします。成果指標のセルが直前の行動目標の文をそのまま含むときも、2つのセルが1つになった可能性として"
    "「要確認」とします。上半期（4〜9月）の実績の列に10月以降の日付があるときも、セルの位置がずれた可能性として「要確認」と"
    "します。推測で黙って直すことはしません。人が原本で確かめたことは、理由とともに訂正ファイルに記録し、"
    "その訂正だけを反映します。",
)
"""The alignment rules in Japanese, for the site's 作成方法 page (kept next to the code they describe)."""

_COLUMN_NUMBER = {c: k for k, c in enumerate(COLUMNS)}

DUPLICATE = "(重複した状況セル)"
UNPLACED = "(未配置)"

_PRINTED_ORDER = COLUMNS
_STATUSES_FIRST = (*COLUMNS[:11], FY_STATUS, H1_TEXT, *COLUMNS[13:])
"""The second order CHECK may come in: both status boxes before their texts."""
TEXT_COLUMNS = tuple(c for c in COLUMNS if c not in STATUS_COLUMNS | {ID, CATEGORY})
NARRATIVE = frozenset({PURPOSE, EFFECTS})
INDICATORS = frozenset({PLAN_INDICATOR, NEXT_INDICATOR})
RESULTS = frozenset({DO_RESULT, H1_TEXT, FY_TEXT})
PLANS = frozenset({PLAN_GOAL, PLAN_INDICATOR, ACT, NEXT_GOAL, NEXT_INDICATOR, NEXT_WORK})
GOAL_OF = {PLAN_INDICATOR: PLAN_GOAL, NEXT_INDICATOR: NEXT_GOAL}
MIRROR_ACROSS_YEARS = frozenset({(PLAN_GOAL, NEXT_GOAL), (PLAN_INDICATOR, NEXT_INDICATOR), (DO_WORK, NEXT_WORK)})
MIRROR_WITHIN_YEAR = frozenset({(PLAN_GOAL, DO_WORK), (NEXT_GOAL, NEXT_WORK)})
PAIRED_COLUMNS = tuple(
    sorted(MIRROR_ACROSS_YEARS | MIRROR_WITHIN_YEAR | set(STATUS_TEXT.items()) | {(g, c) for c, g in GOAL_OF.items()})
)
"""The only column pairs pair() can score: the mirrors, a status and its text, a goal and its 成果指標."""
_CHECK_BLOCK = (H1_STATUS, H1_TEXT, FY_STATUS, FY_TEXT)
_CHECK_COLUMNS = frozenset(_CHECK_BLOCK)

WEIGHTS = {
    "issues_filled": 2.0,
    "narrative_filled": 1.0,
    "same_as_left_in_indicator": 3.0,
    "same_as_left_elsewhere": -3.0,
    "same_as_left_after_goal": 2.0,
    "indicator_cue_in_indicator": 1.0,
    "no_indicator_cue_in_indicator": -0.5,
    "result_cue_in_results": 0.5,
    "no_result_cue_in_results": -0.5,
    "result_cue_in_plans": -1.5,
    "plan_cue_in_results": -1.0,
    "mirror_across_years": 3.0,
    "mirror_within_year": 1.0,
    "text_under_checked_status": 0.5,
    "text_under_blank_status": -1.5,
    "check_block_in_order": 3.0,
    "duplicate_status": -3.0,
    "unplaced": -20.0,
}
MIRROR_MIN_SIMILARITY = 0.4
AMBIGUITY_MARGIN = 1.0
NEIGHBOUR_MARGIN = 3.5
SEARCH_MARGIN = max(AMBIGUITY_MARGIN, NEIGHBOUR_MARGIN)
_CONFUSABLE_RUNS = (
    (EFFECTS, PLAN_GOAL, PLAN_INDICATOR, DO_WORK, DO_RESULT),
    (ACT, NEXT_GOAL, NEXT_INDICATOR, NEXT_WORK),
)
NEIGHBOURS = {
    c: frozenset(run[max(0, k - 1) : k] + run[k + 1 : k + 2]) for run in _CONFUSABLE_RUNS for k, c in enumerate(run)
}
"""Columns printed next to each other whose cells the content cues tell apart only weakly."""


@dataclass(frozen=True)
class Placement:
    cell: Cell
    column: str
    alternatives: tuple[str, ...] = ()
    """Other columns whose best layout scores within AMBIGUITY_MARGIN of the chosen one, or within
    NEIGHBOUR_MARGIN for an empty column printed next to the chosen one."""


@dataclass(frozen=True)
class AlignedRow:
    project: int
    row: SourceRow
    placements: tuple[Placement, ...]
    flags: tuple[Flag, ...]

    def cells_in(self, column: str) -> tuple[Cell, ...]:
        return tuple(p.cell for p in self.placements if p.column == column)


def _preview(text: str, width: int = 30) -> str:
    flat = " ".join(normalise_text(text).split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _allowed_columns(cells: tuple[Cell, ...], pins: Mapping[str, str]) -> list[tuple[str, ...]]:
    allowed: list[tuple[str, ...]] = []
    seen_category = False
    pinned_columns = set(pins.values())
    for i, cell in enumerate(cells):
        if cell.ref in pins:
            allowed.append((pins[cell.ref],))
            continue
        if i == 0:
            allowed.append((ID,))
        elif looks_like_status(cell.text):
            duplicate = (
                looks_like_status(cells[i - 1].text) and nfkc(cells[i - 1].text).split() == nfkc(cell.text).split()
            )
            allowed.append((H1_STATUS, FY_STATUS) + ((DUPLICATE,) if duplicate else ()))
        elif looks_like_category(cell.text):
            allowed.append((CATEGORY,))
            seen_category = True
        elif seen_category:
            allowed.append((COMMENT,))
        elif i == 1:
            allowed.append((NAME,))
        elif i == 2 and looks_like_departments(cell.text):
            allowed.append((DEPARTMENTS,))
        else:
            allowed.append(tuple(c for c in TEXT_COLUMNS if c not in (NAME, DEPARTMENTS, COMMENT)))
    return [a if len(a) == 1 else tuple(c for c in a if c not in pinned_columns) for a in allowed]


class _Scorer:
    def __init__(self, cells: tuple[Cell, ...]):
        texts = [normalise_text(c.text) for c in cells]
        self.cells = cells
        self.same_as_left = [is_same_as_left(t) for t in texts]
        self.indicator = [has_indicator_cue(t) for t in texts]
        self.result = [has_result_cue(t) for t in texts]
        self.plan = [has_plan_cue(t) for t in texts]
        self.status = [parse_status(t) if looks_like_status(t) else None for t in texts]
        n = len(cells)
        self.similar = [[0.0] * n for _ in range(n)]
        plain = [not looks_like_status(t) and not looks_like_category(t) for t in texts]
        grams = [bigrams(t) if p else frozenset() for t, p in zip(texts, plain, strict=True)]
        for i in range(3, n):
            for j in range(i + 1, n):
                if plain[i] and plain[j]:
                    s = dice(grams[i], grams[j])
                    if s >= MIRROR_MIN_SIMILARITY:
                        self.similar[i][j] = s

    def unary(self, i: int, column: str) -> float:
        w = WEIGHTS
        if column == DUPLICATE:
            return w["duplicate_status"]
        if column == UNPLACED:
            return w["unplaced"]
        score = 0.0
        if column == ISSUES:
            score += w["issues_filled"]
        elif column in NARRATIVE:
            score += w["narrative_filled"]
        if self.same_as_left[i]:
            score += w["same_as_left_in_indicator"] if column in INDICATORS else w["same_as_left_elsewhere"]
        if column in INDICATORS:
            score += w["indicator_cue_in_indicator"] if self.indicator[i] else w["no_indicator_cue_in_indicator"]
        if column in RESULTS:
            score += w["result_cue_in_results"] if self.result[i] else w["no_result_cue_in_results"]
        elif column in PLANS and self.result[i]:
            score += w["result_cue_in_plans"]
        if self.plan[i] and column in RESULTS:
            score += w["plan_cue_in_results"]
        return score

    def pair(self, i: int, ci: str, j: int, cj: str) -> float:
        """Score of cell i in column ci together with a later cell j in column cj."""
        w = WEIGHTS
        score = 0.0
        if j == i + 1 and self.same_as_left[j] and GOAL_OF.get(cj) == ci:
            score += w["same_as_left_after_goal"]
        s = self.similar[i][j]
        if s:
            if (ci, cj) in MIRROR_ACROSS_YEARS:
                score += w["mirror_across_years"] * s
            elif (ci, cj) in MIRROR_WITHIN_YEAR:
                score += w["mirror_within_year"] * s
        if self.status[i] is not None and STATUS_TEXT.get(ci) == cj:
            blank = self.status[i] is Status.BLANK
            score += w["text_under_blank_status"] if blank else w["text_under_checked_status"]
        return score

    def pair_tables(self, allowed: list[tuple[str, ...]]) -> list[list[tuple[int, dict[tuple[str, str], float]]]]:
        """For each cell, the earlier cells it can score with and the non-zero scores by column pair, so the
        search adds only the few pair terms that exist instead of calling pair() for every earlier cell."""
        tables = []
        for j, columns_j in enumerate(allowed):
            related = []
            for i in range(j):
                could_score = self.similar[i][j] or self.status[i] is not None or (j == i + 1 and self.same_as_left[j])
                if not could_score:
                    continue
                scores = {
                    (ci, cj): s
                    for ci, cj in PAIRED_COLUMNS
                    if ci in allowed[i] and cj in columns_j and (s := self.pair(i, ci, j, cj))
                }
                if scores:
                    related.append((i, scores))
            tables.append(related)
        return tables

    def layout_bonus(self, layout: list[str]) -> float:
        """The CHECK block printed in full in the list's own order (status, text, status, text)."""
        check = tuple(filter(_CHECK_COLUMNS.__contains__, layout))
        return WEIGHTS["check_block_in_order"] if check == _CHECK_BLOCK else 0.0


class _Search:
    """Exhaustive search over monotone layouts.

    Keeps the best layout, its score and, per cell and column, the best score reachable with that cell in
    that column (the max-marginals used for confidence). Pinned cells (placed by a reviewed correction) keep
    their column and are exempt from the order. At most ``unplaced_budget`` text cells may be left unplaced;
    the caller raises the budget only when no layout places every cell.

    Branches that cannot come within SEARCH_MARGIN of the best layout found so far are cut (an upper bound
    on what the remaining cells can add): every layout they hold scores below the final best by more than the
    margin, so they can be neither the best nor an alternative, and the result is the same as without cutting.
    """

    def __init__(self, allowed: list[tuple[str, ...]], scorer: _Scorer, pinned: list[bool], unplaced_budget: int):
        self.allowed, self.scorer, self.pinned, self.budget = allowed, scorer, pinned, unplaced_budget
        self.n = len(allowed)
        self.best_score, self.best_layout = -math.inf, None
        self.marginals = [dict.fromkeys((*a, UNPLACED), -math.inf) for a in allowed]
        self.unary = [{c: scorer.unary(i, c) for c in (*a, UNPLACED)} for i, a in enumerate(allowed)]
        self.pairs = scorer.pair_tables(allowed)
        # Per cell and column: the earlier cells whose column adds a pair score, with the score by their column.
        self.pair_terms = []
        for i, a in enumerate(allowed):
            by_column: dict[str, list[tuple[int, dict[str, float]]]] = {}
            for k, scores in self.pairs[i]:
                of_k: dict[str, dict[str, float]] = {}
                for (ck, cj), s in scores.items():
                    of_k.setdefault(cj, {})[ck] = s
                for cj, by in of_k.items():
                    by_column.setdefault(cj, []).append((k, by))
            self.pair_terms.append({c: by_column[c] for c in (*a, UNPLACED) if c in by_column})
        self.may_stay_unplaced = [a[0] not in (ID, NAME) and not p for a, p in zip(allowed, pinned, strict=True)]
        self.layout: list[str] = []
        most = [
            max(self.unary[i].values()) + sum(max(0.0, *scores.values()) for _, scores in self.pairs[i])
            for i in range(self.n)
        ]
        self.at_most = [sum(most[i:]) + max(0.0, WEIGHTS["check_block_in_order"]) for i in range(self.n + 1)]

    def run(self) -> _Search:
        for order in (_PRINTED_ORDER, _STATUSES_FIRST):
            self.position = {c: k for k, c in enumerate(order)}
            # The statuses-first order's layouts without both 年次 status and 上半期 text (placed in order, not by
            # a correction) keep their cells in the printed order as well, so the first search already scored
            # them: the second searches only the layouts that put the 年次 status before the 上半期 text, with
            # the same result and about half the work.
            self.statuses_first = order is _STATUSES_FIRST
            self.can_finish = cache(self._can_finish)
            self.viable = cache(self._viable)
            if self.can_finish(0, 0, self.budget):
                self._extend(0, 0, self.budget, 0.0)
        # The memos hold bound methods of this search, a reference cycle that only the cyclic garbage collector
        # could free (the command pauses it until the next year): dropped, the search and its memos go when
        # align_row returns.
        del self.can_finish, self.viable
        return self

    def _gain(self, i: int, c: str) -> float:
        layout, gain = self.layout, self.unary[i][c]
        for k, by_column in self.pair_terms[i].get(c, ()):
            gain += by_column.get(layout[k], 0.0)
        return gain

    def _options(self, i: int, pos: int, budget: int):
        for c in self.allowed[i]:
            if c == DUPLICATE or self.pinned[i]:
                yield c, pos, budget
            elif self.position[c] >= pos and self._in_scope(pos, self.position[c]):
                yield c, self.position[c] + 1, budget
        if budget and self.may_stay_unplaced[i]:
            yield UNPLACED, pos, budget - 1

    def _in_scope(self, pos: int, column: int) -> bool:
        """In the statuses-first order, only layouts with the 年次 status followed directly by the 上半期 text
        (positions 11 and 12 there): before the status, no column past it; right after it, only the text."""
        if not self.statuses_first:
            return True
        fy_status, h1_text = self.position[FY_STATUS], self.position[H1_TEXT]
        if pos <= fy_status:
            return column <= fy_status
        return pos > h1_text or column == h1_text

    def _viable(self, i: int, pos: int, budget: int) -> tuple[tuple[str, int, int], ...]:
        """The columns cell i can take from this state such that the remaining cells still fit."""
        return tuple(o for o in self._options(i, pos, budget) if self.can_finish(i + 1, o[1], o[2]))

    def _can_finish(self, i: int, pos: int, budget: int) -> bool:
        if i == self.n:
            return not self.statuses_first or pos > self.position[H1_TEXT]
        return any(self.can_finish(i + 1, p, b) for _, p, b in self._options(i, pos, budget))

    def _extend(self, i: int, pos: int, budget: int, score: float) -> float:
        """Lay out cells i.. after the layout so far; returns the best score of a complete layout found below
        (-inf if every one was cut). Each cell's max-marginal for its column is the best of those returns, so
        a complete layout updates the best alone, not every cell's marginal."""
        layout = self.layout
        if i == self.n:
            score += self.scorer.layout_bonus(layout)
            if score > self.best_score:
                self.best_score, self.best_layout = score, tuple(layout)
            return score
        if score + self.at_most[i] < self.best_score - SEARCH_MARGIN:
            return -math.inf
        best, marginals = -math.inf, self.marginals[i]
        for c, next_pos, next_budget in self.viable(i, pos, budget):
            layout.append(c)
            below = self._extend(i + 1, next_pos, next_budget, score + self._gain(i, c))
            layout.pop()
            if below > marginals[c]:
                marginals[c] = below
            if below > best:
                best = below
        return best


def align_row(row: SourceRow, project: int, pins: Mapping[str, str] | None = None) -> AlignedRow:
    """Lay one project's cells out over the 20 columns, with flags where the layout is uncertain.

    ``pins`` maps a cell reference to the column a reviewed correction puts it in; the other cells are then
    laid out around it, so one correction of a displaced cell also settles its neighbours.
    """
    pins = dict(pins or {})
    cells = row.cells
    allowed = _allowed_columns(cells, pins)
    pinned = [c.ref in pins for c in cells]
    scorer = _Scorer(cells)
    search = _Search(allowed, scorer, pinned, 0).run()
    budget = 0
    while search.best_layout is None:
        # No layout fits every cell (more cells than columns can take in order): leave as few cells unplaced
        # as possible rather than force them anywhere; conservation then blocks publication until a
        # reviewed correction places them.
        budget += 1
        if budget > len(cells):
            raise ValueError(f"no layout for project {project}: conflicting pins {pins}")
        search = _Search(allowed, scorer, pinned, budget).run()
    layout, score, marginals = search.best_layout, search.best_score, search.marginals

    empty = set(COLUMNS) - set(layout)
    placements = []
    for i, (cell, column) in enumerate(zip(cells, layout, strict=True)):
        near = [
            (c, s)
            for c, s in marginals[i].items()
            if c != column
            and c not in (DUPLICATE, UNPLACED)
            and s > -math.inf
            and (
                score - s < AMBIGUITY_MARGIN
                or (c in empty and c in NEIGHBOURS.get(column, ()) and score - s < NEIGHBOUR_MARGIN)
            )
        ]
        alternatives = tuple(c for c, _ in sorted(near, key=lambda cs: (-cs[1], _COLUMN_NUMBER[cs[0]])))
        placements.append(Placement(cell, column, alternatives))
    flags = _alignment_flags(project, placements, scorer, pinned)
    return AlignedRow(project, row, tuple(placements), tuple(flags))


def _repeats_goal(placements: list[Placement], i: int) -> str:
    """The goal's text when cell i, in a 成果指標 column, starts with the whole text of the 行動目標 just before
    it and goes on: an indicator does not restate its goal, so two cells were probably read as one."""
    p = placements[i]
    if i == 0 or p.column not in GOAL_OF or placements[i - 1].column != GOAL_OF[p.column]:
        return ""
    goal, indicator = normalise_text(placements[i - 1].cell.text), normalise_text(p.cell.text)
    return goal if len(goal) >= 5 and indicator.startswith(goal) and len(indicator.strip()) > len(goal) + 2 else ""


def _alignment_flags(project: int, placements: list[Placement], scorer: _Scorer, pinned: list[bool]) -> list[Flag]:
    flags: list[Flag] = []
    indicator_empty = all(q.column != PLAN_INDICATOR for q in placements)
    for i, p in enumerate(placements):
        if pinned[i]:
            continue  # placed by a reviewed correction
        text = _preview(p.cell.text)
        if p.column == UNPLACED:
            flags.append(
                Flag(
                    project,
                    UNPLACED,
                    (p.cell.ref,),
                    "unplaced_cell",
                    Severity.REVIEW,
                    f"セル「{text}」を入れられる列がありません（セルが多すぎます）。",
                    "どの項目にも入れていません。このままでは公開できません。",
                    "訂正ファイルに cell（セル位置）と field（入れる項目）を書いて、"
                    "このセルの入る項目を指定してください。",
                )
            )
        elif p.column == DUPLICATE:
            flags.append(
                Flag(
                    project,
                    H1_STATUS,
                    (placements[i - 1].cell.ref, p.cell.ref),
                    "duplicate_status",
                    Severity.INFO,
                    f"同じ内容の状況セル「{text}」が続けて2回あり、状況セルが列より1つ多くなっています。",
                    "2つ目を抽出時の重複とみなし、公開データには含めていません（値は同じです）。",
                    "対応は不要です。",
                )
            )
        elif p.alternatives:
            options = "・".join(f"「{c}」" for c in p.alternatives)
            flags.append(
                Flag(
                    project,
                    p.column,
                    (p.cell.ref,),
                    "ambiguous_column",
                    Severity.REVIEW,
                    f"セル「{text}」が「{p.column}」の列か、{options}の列か、内容と並びからは判別できません。",
                    f"「{p.column}」に入れました。",
                    "原本のPDFで列を確かめ、訂正ファイルに cell（セル位置）と正しい field（項目）を書いてください。"
                    "いまの列が正しいときも、同じように書けば確認済みになります。",
                )
            )
        merged = _repeats_goal(placements, i)
        if merged:
            flags.append(
                Flag(
                    project,
                    p.column,
                    (placements[i - 1].cell.ref, p.cell.ref),
                    "merged_cells",
                    Severity.REVIEW,
                    f"成果指標のセル「{text}」が、直前の行動目標のセルの文「{_preview(merged)}」をそのまま含み、"
                    "続けて別の文があります。抽出で行動目標と成果指標の2つのセルが1つになった可能性があります。",
                    f"原本のまま、セル全体を「{p.column}」に入れました。",
                    "原本のPDFで確かめ、成果指標が後半だけなら、訂正ファイルで value に成果指標の文だけを書いてください。",
                )
            )
        conflict = ""
        after_status = i > 0 and placements[i - 1].column in STATUS_COLUMNS | {DUPLICATE}
        if p.column in PLANS and scorer.result[i]:
            conflict = f"実績のような過去形の文ですが、並び順では計画の列「{p.column}」に当たります"
        elif p.column in RESULTS and scorer.plan[i] and not after_status:
            conflict = f"予定や方針のような文ですが、並び順では実績の列「{p.column}」に当たります"
        elif p.column == DO_RESULT and scorer.indicator[i] and not scorer.result[i] and indicator_empty:
            conflict = (
                f"成果指標のような書き方（数値や目標）で過去形ではなく、並び順では「{DO_RESULT}」に当たりますが、"
                f"その年度の「{PLAN_INDICATOR}」は空です"
            )
        if conflict:
            flags.append(
                Flag(
                    project,
                    p.column,
                    (p.cell.ref,),
                    "content_conflicts_with_column",
                    Severity.REVIEW,
                    f"セル「{text}」は{conflict}。抽出時にセルの位置がずれた可能性があり、"
                    "その場合は前後のセルの列もずれています。",
                    f"並び順のまま「{p.column}」に入れました。",
                    "原本のPDFで確かめ、訂正ファイルに cell（セル位置）と正しい field（項目）を書いてください。",
                )
            )
    return flags
