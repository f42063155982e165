"""The real FY2022 list: facts a reader can check against the source, and the aligner's accuracy."""

import pytest
from conftest import FIXTURES, RAW

from pipeline import columns as col
from pipeline.core.conservation import check_conservation
from pipeline.core.corrections import load_corrections
from pipeline.core.evaluate import evaluate, load_reading
from pipeline.core.year import build_core_year
from pipeline.export.tables import projects_frame
from pipeline.ingest.extracted_text import parse_extracted_text
from pipeline.schema import validate_table


@pytest.fixture(scope="module")
def table(fy2022_bytes):
    return parse_extracted_text(fy2022_bytes, "raw/2022/ict_strategy_project_list_r4.txt")


@pytest.fixture(scope="module")
def year(table):
    path = RAW / "2022" / "corrections.yaml"
    return build_core_year(table, load_corrections(path), str(path))


@pytest.fixture(scope="module")
def by_id(year):
    return {r.project: r for r in year.records}


def test_source_shape(table):
    assert (table.fiscal_year, table.pages, len(table.rows), table.encoding) == (2022, 5, 34, "UTF-8")


def test_all_34_projects_validate(year):
    frame = validate_table("projects", projects_frame(year.records))
    assert list(frame["ID"]) == list(range(1, 35))
    assert set(frame["年度"]) == {2022}
    assert set(frame["全国地方公共団体コード"]) == {"141500"}


@pytest.mark.parametrize(
    ("project", "field", "value"),
    [
        (1, col.NAME, "電子申請の利用促進"),
        (1, col.DEPARTMENTS, "DX推進課"),
        (2, col.DEPARTMENTS, "国際課;DX推進課"),
        (3, col.DEPARTMENTS, "広聴広報課"),
        (6, col.DEPARTMENTS, "人事・給与課;DX推進課"),
        (10, col.DEPARTMENTS, "アセットマネジメント推進課;公共建築課"),
        (25, col.DEPARTMENTS, "DX推進課"),
        (1, col.DO_RESULT, "・43手続きの電子申請化を達成した。"),
        (2, col.PLAN_INDICATOR, "同左:6種類増加"),
        (6, col.H1_STATUS, "課題あり"),
        (6, col.FY_STATUS, "課題あり"),
        (13, col.H1_STATUS, "未記入"),
        (13, col.FY_STATUS, "判読不能"),
        (16, col.H1_STATUS, "課題あり"),
        (16, col.FY_STATUS, "計画以上・計画どおり"),
        (31, col.FY_STATUS, "課題あり"),
        (22, col.H1_STATUS, "未記入"),
        (7, col.PLAN_INDICATOR, "政策課が開催する会議のうち、7割がペーパーレス会議"),
        (33, col.NEXT_INDICATOR, "年間ページビュー数 670,000".replace("670", "740")),
    ],
)
def test_values_a_reader_can_check(by_id, project, field, value):
    assert by_id[project].text(field) == value


def test_real_spaces_and_list_structure_survive(by_id):
    issues = by_id[1].text(col.ISSUES)
    assert "NET Framework" in issues
    assert issues.split("\n")[1].startswith("・手数料の支払いが必要な手続き")
    assert by_id[14].text(col.PLAN_INDICATOR).split("\n")[:2] == [
        "①市: 73.7% 全国平均: 70.2%",
        "②市: 75.4% 全国平均: 72.9%",
    ]
    assert "RPA導入事業" in by_id[4].text(col.H1_TEXT)


def test_categories_and_the_comment(by_id):
    assert {p for p, r in by_id.items() if r.text("事業区分コード") == "A"} == set(range(1, 22))
    assert {p for p, r in by_id.items() if r.text("事業区分コード") == "C"} == set(range(22, 35))
    assert by_id[6].text(col.CATEGORY) == "重点事業"
    assert by_id[6].text(col.COMMENT).startswith("成果指標未達")
    assert by_id[6].text(col.COMMENT).endswith("事業担当所属で調整)")
    assert sum(1 for r in by_id.values() if r.text(col.COMMENT)) == 1


def test_garbled_status_is_flagged(by_id):
    record = by_id[13]
    assert record.fields["要確認"].value is True
    assert "チェック欄" in record.text("確認事項")


def test_conservation(year, table, fy2022_bytes):
    assert check_conservation(fy2022_bytes, table, year.records, year.dropped, list(year.corrections)) == []


def test_corrections_are_few_and_reasoned(year):
    assert len(year.corrections) == 3
    assert all(len(c.reason) > 20 for c in year.corrections)


def test_aligner_against_a_persons_reading(year):
    result = evaluate(year.automatic, load_reading(FIXTURES / "fy2022_reading.yaml"))
    assert result.cells == 555
    assert result.cells_right >= 549
    assert result.fields_right >= 672
    assert result.unflagged_wrong == [], "a cell placed against the reading must be flagged for review"
    # Where the person could not settle a cell from the text alone, the aligner must not settle it silently either.
    assert result.unflagged_doubtful == []


def test_every_uncertain_project_is_marked(year):
    for record in year.records:
        assert record.fields["要確認"].value == bool(record.open_flags)
        assert bool(record.text("確認事項")) == bool(record.open_flags)


def test_a_second_half_date_in_the_first_half_text_is_flagged(by_id):
    # Project 24's 上半期実績 ends with 「引越しワンストップサービス開始(R5.2.6)」: February 2023 is not in the first half.
    flags = [f for f in by_id[24].open_flags if f.field == "CHECK_上半期_実績"]
    assert any("R5.2.6" in f.issue for f in flags)
    assert not any("下半期の日付" in f.issue for r in by_id.values() if r.project != 24 for f in r.open_flags)
