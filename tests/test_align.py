from conftest import make_source

from pipeline import columns as col
from pipeline.core.align import DUPLICATE, UNPLACED, align_row
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
    assert columns(aligned)[6:11] == [col.H1_STATUS, DUPLICATE, col.H1_TEXT, col.FY_STATUS, col.FY_TEXT]
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
    unplaced = [p for p in aligned.placements if p.column == UNPLACED]
    assert unplaced
    assert {f.kind for f in aligned.flags} >= {"unplaced_cell"}


def placed_columns(aligned):
    """The list's columns a layout uses, in the order of the row's cells (the aligner's markers left out)."""
    return [c for c in columns(aligned) if c in col.COLUMNS]


def test_every_alternative_the_aligner_names_is_a_layout_it_takes_when_asked(fy2022_bytes):
    """A near-best column the aligner reports for a cell is one it can really place the cell in: pinned there (as a
    correction does), the cell lands in that column and every other cell of the row still finds a column."""
    checked = 0
    for number, row in enumerate(parse_extracted_text(fy2022_bytes, "fy2022.txt").rows, start=1):
        aligned = align_row(row, number)
        for placement in aligned.placements:
            for column in placement.alternatives:
                pinned = align_row(row, number, {placement.cell.ref: column})
                got = {p.cell.ref: p.column for p in pinned.placements}
                assert got[placement.cell.ref] == column
                assert UNPLACED not in got.values()
                checked += 1
    assert checked  # the real list has cells with near-best alternatives


def test_the_check_block_may_come_statuses_first_and_a_pin_to_a_check_column_is_kept():
    """Both CHECK orders the extraction produces are laid out: two status boxes before their two texts read as
    status, status, text, text. A cell pinned to a CHECK column (a correction) stays there and every other cell of
    the row still finds a column."""
    results = ("上半期に実施した。", "年間で実施した。")
    row = row_of("7", *LEADING, "目標", "件数10件以上", "活動", "20件を達成した。", ON, ON, *results, "重点事業 (A)")
    aligned = align_row(row, 7)
    assert placed_columns(aligned)[-5:] == [col.H1_STATUS, col.FY_STATUS, col.H1_TEXT, col.FY_TEXT, col.CATEGORY]
    assert not aligned.flags
    for k, column in ((10, col.FY_STATUS), (12, col.FY_TEXT), (13, col.ACT)):
        pinned = align_row(row, 7, {row.cells[k].ref: column})
        assert pinned.placements[k].column == column
        assert UNPLACED not in columns(pinned)


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
