from conftest import make_source

from pipeline.core import align as col
from pipeline.core.align import align_row
from pipeline.ingest.extracted_text import parse_extracted_text

ON = "■計画以上・計画どおり □課題あり"
BLANK = "○計画以上・計画どおり □課題あり"
LEADING = ("事業", "DX推進課", "課題", "目的", "効果")
"""A row's name, departments and three narrative cells, when a test is about what follows them."""


def row_of(*cells: str):
    return parse_extracted_text(make_source("\t".join(cells)), "t.txt").rows[0]


def columns(aligned):
    return [p.column for p in aligned.placements]


def flagged(aligned):
    return {ref for f in aligned.flags for ref in f.cells}


def test_full_row_in_the_lists_order():
    cells = [
        "1",
        "事業",
        "DX推進課",
        "課題",
        "目的",
        "効果",
        "目標A",
        "件数10件以上",
        "活動A",
        "20件を達成した。",
        ON,
        "上半期に実施した。",
        ON,
        "年間で実施した。",
        "次の取組",
        "目標B",
        "件数12件以上",
        "活動B",
        "重点事業 (A)",
        "委員会の意見",
    ]
    aligned = align_row(row_of(*cells), 1)
    assert columns(aligned) == list(col.COLUMNS)
    assert not aligned.flags


def test_same_as_left_marks_the_indicator_and_its_goal():
    aligned = align_row(
        row_of(
            "2",
            "事業",
            "国際課",
            "課題",
            "目的",
            "環境整備を拡充する。",
            "同左：6 種類増加",
            "活動",
            ON,
            "上半期",
            ON,
            "年次",
            "重点事業 (A)",
        ),
        2,
    )
    got = dict(zip([p.cell.text for p in aligned.placements], columns(aligned), strict=True))
    assert got["同左：6 種類増加"] == col.PLAN_INDICATOR
    assert got["環境整備を拡充する。"] == col.PLAN_GOAL


def test_mirror_between_years_places_this_years_plan():
    aligned = align_row(
        row_of(
            "3",
            "事業",
            "DX推進課",
            "課題",
            "目的",
            "効果",
            "次期ネットワークへの移行作業",
            "現ネットワークから次期ネットワークへの移行作業",
            ON,
            "実施した。",
            ON,
            "実施した。",
            "取り組む。",
            "次期ネットワークへの移行作業 運用開始",
            "費用の削減",
            "現ネットワークから次期ネットワークへの移行作業、運用開始",
            "重点事業 (A)",
        ),
        3,
    )
    got = columns(aligned)
    assert got[6:8] == [col.PLAN_GOAL, col.DO_WORK]
    assert got[13:16] == [col.NEXT_GOAL, col.NEXT_INDICATOR, col.NEXT_WORK]


def test_one_text_after_two_checked_statuses_is_flagged():
    aligned = align_row(
        row_of("4", "事業", "DX推進課", "課題", "目的", "効果", ON, ON, "説明会を実施した。", "重点事業 (A)"), 4
    )
    text = aligned.placements[8]
    assert text.column in (col.H1_TEXT, col.FY_TEXT)
    assert set(text.alternatives) & {col.H1_TEXT, col.FY_TEXT}
    assert text.cell.ref in flagged(aligned)


def test_text_after_blank_first_status_is_the_annual_result():
    aligned = align_row(
        row_of("5", "事業", "DX推進課", "課題", "目的", "効果", BLANK, ON, "実証実験を開始した。", "探索型事業(C)"), 5
    )
    assert aligned.placements[8].column == col.FY_TEXT
    assert aligned.placements[8].cell.ref not in flagged(aligned)


def test_three_identical_statuses_drop_one_as_duplicate():
    aligned = align_row(
        row_of("6", "事業", "DX推進課", "課題", "目的", "効果", ON, ON, "上半期", ON, "年次", "重点事業 (A)"), 6
    )
    assert columns(aligned)[6:11] == [col.H1_STATUS, col.DUPLICATE, col.H1_TEXT, col.FY_STATUS, col.FY_TEXT]
    assert [f.kind for f in aligned.flags if f.field in col.STATUS_COLUMNS] == ["duplicate_status"]
    # The boxes settle the CHECK block; only 「効果」, next to the empty PLAN_行動目標, is left open.
    assert {f.field for f in aligned.flags if f.kind == "ambiguous_column"} <= {col.EFFECTS}


def test_a_cell_next_to_an_empty_column_is_flagged_unless_the_content_settles_it():
    goal, work = "・システム事業者選定", "・システム事業者選定を行った。"
    aligned = align_row(
        row_of("7", "事業", "DX推進課", "課題", "目的", "効果", goal, work, ON, "上半期", ON, "年次", "重点事業 (A)"), 7
    )
    placed = dict(zip(columns(aligned), aligned.placements, strict=True))
    assert placed[col.PLAN_GOAL].cell.text == goal
    # PLAN_成果指標 and DO_成果指標結果 are empty: from the text alone the goal could be the indicator
    assert col.PLAN_INDICATOR in placed[col.PLAN_GOAL].alternatives


def test_comment_after_category_is_never_a_category():
    aligned = align_row(
        row_of(
            "7",
            "事業",
            "DX推進課",
            "課題",
            ON,
            ON,
            "重点事業 (A)",
            "事業区分B(深化型)には違和感があるため、重点事業(A)に留める",
        ),
        7,
    )
    assert columns(aligned)[-2:] == [col.CATEGORY, col.COMMENT]


def test_past_tense_in_a_plan_column_is_flagged():
    aligned = align_row(
        row_of(
            "8",
            *LEADING,
            "目標",
            BLANK,
            ON,
            "上半期の実績",
            "取組を行う。",
            "データベースの構築",
            "予算化を行った。検討を行った。",
            "5種類増加",
            "構築",
            "重点事業 (A)",
        ),
        8,
    )
    assert any(f.kind == "content_conflicts_with_column" for f in aligned.flags)


def test_a_pin_moves_a_cell_and_the_others_follow():
    cells = (
        "9",
        "事業",
        "DX推進課",
        "課題",
        "目的",
        "効果",
        "目標",
        BLANK,
        ON,
        "上半期の実績",
        "取組を行う。",
        "データベースの構築",
        "予算化を行った。検討を行った。",
        "5種類増加",
        "構築",
        "重点事業 (A)",
    )
    row = row_of(*cells)
    pinned = row.cells[12].ref
    aligned = align_row(row, 9, {pinned: col.FY_TEXT})
    got = dict(zip([p.cell.text for p in aligned.placements], columns(aligned), strict=True))
    assert got["予算化を行った。検討を行った。"] == col.FY_TEXT
    assert got["取組を行う。"] == col.ACT
    assert got["データベースの構築"] == col.NEXT_GOAL
    assert pinned not in flagged(aligned)


def test_too_many_cells_stay_unplaced_and_are_flagged():
    texts = [f"文{i}" for i in range(12)]
    aligned = align_row(row_of("10", "事業", "DX推進課", *texts, ON, ON, "重点事業 (A)"), 10)
    unplaced = [p for p in aligned.placements if p.column == col.UNPLACED]
    assert unplaced
    assert {f.kind for f in aligned.flags} >= {"unplaced_cell"}


def test_cutting_branches_changes_neither_the_layout_nor_the_alternatives(fy2022_bytes):
    """The search cuts branches that cannot come within the ambiguity margin; without cutting (an infinite bound)
    every row of the real list gets the same best layout and the same near-best alternatives."""
    import math

    for row in parse_extracted_text(fy2022_bytes, "fy2022.txt").rows:
        allowed = col._allowed_columns(row.cells, {})
        scorer = col._Scorer(row.cells)
        pinned = [False] * len(row.cells)
        cut = col._Search(allowed, scorer, pinned, 0).run()
        full = col._Search(allowed, scorer, pinned, 0)
        full.at_most = [math.inf] * (full.n + 1)
        full.run()
        assert cut.best_layout == full.best_layout and cut.best_score == full.best_score

        def near(search):
            return [{c for c, s in m.items() if search.best_score - s < col.AMBIGUITY_MARGIN} for m in search.marginals]

        assert near(cut) == near(full)


class _Counted(col._Search):
    extended = 0

    def _extend(self, *args):
        type(self).extended += 1
        return super()._extend(*args)


class _EveryLayoutInBothOrders(_Counted):
    """The search without its limit on the statuses-first order: every monotone layout of both orders."""

    extended = 0

    def _in_scope(self, pos, column):
        return True

    def _can_finish(self, i, pos, budget):
        return i == self.n or any(self.can_finish(i + 1, p, b) for _, p, b in self._options(i, pos, budget))


def test_the_statuses_first_order_searches_only_its_own_layouts_with_the_same_result(fy2022_bytes):
    """The second order skips the layouts the printed order already scored (pipeline/core/align.py, run): on
    every row of the real list, alone and with a cell pinned to a CHECK column, the best layout, its score and
    each cell's near-best columns are those of the search over every layout of both orders."""
    rows = list(parse_extracted_text(fy2022_bytes, "fy2022.txt").rows)
    rows.append(
        row_of("7", *LEADING, "目標", "指標", "内容", "結果", ON, ON, "上半期の実績", "年次の実績", "重点事業 (A)")
    )
    cases = [(row, {}) for row in rows] + [
        (row, {row.cells[k].ref: column})
        for row in rows[:12]
        for k in (8, 10)
        for column in (col.FY_STATUS, col.H1_TEXT)
        if k < len(row.cells)
    ]
    statuses_first = 0
    _Counted.extended = _EveryLayoutInBothOrders.extended = 0  # the counts of this test alone
    for row, pins in cases:
        allowed = col._allowed_columns(row.cells, pins)
        scorer, pinned = col._Scorer(row.cells), [c.ref in pins for c in row.cells]
        limited = _Counted(allowed, scorer, pinned, 0).run()
        every = _EveryLayoutInBothOrders(allowed, scorer, pinned, 0).run()
        assert (limited.best_layout, limited.best_score) == (every.best_layout, every.best_score)

        def near(search):
            return [{c: s for c, s in m.items() if search.best_score - s < col.SEARCH_MARGIN} for m in search.marginals]

        assert near(limited) == near(every)
        layout = limited.best_layout or ()
        statuses_first += (
            col.FY_STATUS in layout
            and col.H1_TEXT in layout
            and (layout.index(col.FY_STATUS) < layout.index(col.H1_TEXT))
        )
    assert statuses_first  # the limited order is the one that found some of the layouts
    assert _Counted.extended < 0.8 * _EveryLayoutInBothOrders.extended  # and it saves work


def test_target_wording_in_the_results_column_with_no_indicator_is_a_conflict():
    target = "オープンデータ公開数 4種類増加"
    aligned = align_row(
        row_of(
            "8",
            *LEADING,
            "・オープンデータの拡充",
            "・オープンデータの公開",
            target,
            ON,
            "上半期",
            ON,
            "年次",
            "重点事業 (A)",
        ),
        8,
    )
    placed = dict(zip(columns(aligned), aligned.placements, strict=True))
    assert placed[col.DO_RESULT].cell.text == target and col.PLAN_INDICATOR not in placed
    conflicts = [f for f in aligned.flags if f.kind == "content_conflicts_with_column"]
    assert [f.field for f in conflicts] == [col.DO_RESULT] and "成果指標のような書き方" in conflicts[0].issue
