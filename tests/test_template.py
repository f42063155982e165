"""The intake template: a clean list gives the same records as the PDF-extracted text."""

import io
from pathlib import Path

import pytest
from conftest import FIXTURES, RAW

from pipeline import raw
from pipeline.cli import build_year
from pipeline.core.year import build_core_year
from pipeline.errors import SourceFormatError
from pipeline.export import template
from pipeline.export.tables import projects_frame
from pipeline.export.template import guide_markdown, template_csv, template_xlsx
from pipeline.ingest.read import parse_source
from pipeline.ingest.template import TEMPLATE_COLUMNS

DATA_FIELDS = [c for c in projects_frame([]).columns if c not in ("要確認", "確認事項")]


def records_from(data: bytes, name: str, year: int):
    return build_core_year(parse_source(data, name, year), [], "none").records


@pytest.fixture(scope="module")
def fy2022():
    return build_year(RAW, 2022)


@pytest.mark.parametrize(("writer", "name"), [(template_csv, "list.csv"), (template_xlsx, "list.xlsx")])
def test_fy2022_through_the_template_gives_the_same_records(fy2022, writer, name):
    again = records_from(writer(fy2022.records), name, 2022)
    expected = projects_frame(fy2022.records)[DATA_FIELDS]
    assert projects_frame(again)[DATA_FIELDS].equals(expected)


def test_the_three_intake_paths_of_the_test_year_agree():
    frames = [
        projects_frame(build_year(FIXTURES / folder, 2023).records)
        for folder in ("raw_fy2023", "raw_fy2023_csv", "raw_fy2023_xlsx")
    ]
    assert frames[0]["ID"].tolist() == [1, 4, 7, 22, 35, 36]
    assert frames[1].equals(frames[0]) and frames[2].equals(frames[0])


def test_template_cells_keep_their_row_and_column():
    table = parse_source(template_csv(build_year(FIXTURES / "raw_fy2023", 2023).records), "list.csv", 2023)
    first = table.rows[0]
    assert first.line == 2 and first.cells[0].ref == "p1:L2:c1"
    assert table.columns[first.cells[2].ref] == "所管課"


def _csv(header: list[str], *rows: list[str]) -> bytes:
    lines = [",".join(header)] + [",".join(r) for r in rows]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(_csv(list(TEMPLATE_COLUMNS[:-1])), "ない列: ICT戦略調整委員会からの意見等", id="missing column"),
        pytest.param(
            _csv([*TEMPLATE_COLUMNS[:5], "備考", *TEMPLATE_COLUMNS[5:]]), "知らない列: 備考", id="extra column"
        ),
        pytest.param(_csv(list(TEMPLATE_COLUMNS)), "事業の行がありません", id="no rows"),
        pytest.param(
            _csv(list(TEMPLATE_COLUMNS), ["一", "事業"]), "ID（事業番号）が空か、数字ではありません", id="bad id"
        ),
        pytest.param(_csv(list(TEMPLATE_COLUMNS), ["1", *["x"] * 20]), "見出しのない列に値", id="too many cells"),
    ],
)
def test_template_errors_are_explained(data, message):
    with pytest.raises(SourceFormatError) as info:
        parse_source(data, "raw/2024/list.csv", 2024)
    assert message in str(info.value)


def test_xlsx_without_the_sheet_is_explained():
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Sheet1"
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(SourceFormatError, match="シート「事業一覧」"):
        parse_source(buffer.getvalue(), "list.xlsx", 2024)


def test_templates_are_deterministic_and_documented():
    assert template_xlsx() == template_xlsx()
    assert template_csv().startswith(b"\xef\xbb\xbf") and template_csv().count(b"\r\n") == 1
    guide = guide_markdown()
    assert all(f"`{c}`" in guide for c in TEMPLATE_COLUMNS)
    assert Path(FIXTURES / "raw_fy2023_xlsx/2023/list.xlsx").read_bytes()[:2] == b"PK"


def test_the_empty_xlsx_template_is_made_once_per_code_digest(tmp_path, monkeypatch):
    monkeypatch.setattr(template, "TEMPLATE_CACHE", tmp_path)
    made = template.empty_template_xlsx()
    assert made == template_xlsx()
    assert [p.name for p in tmp_path.iterdir()] == [f"{raw.code_digest()}.xlsx"]
    (tmp_path / f"{raw.code_digest()}.xlsx").write_bytes(b"kept")
    assert template.empty_template_xlsx() == b"kept"
    monkeypatch.setattr(raw, "code_digest", lambda: "changed")
    assert template.empty_template_xlsx() == made
    assert [p.name for p in tmp_path.iterdir()] == ["changed.xlsx"]


def _xlsx(change) -> bytes:
    from openpyxl import load_workbook

    book = load_workbook(FIXTURES / "raw_fy2023_xlsx" / "2023" / "list.xlsx")
    change(book["事業一覧"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_value_far_beyond_the_sheet_stops_at_once_naming_the_cell():
    data = _xlsx(lambda sheet: sheet.cell(row=1_048_576, column=16_384, value="x"))
    with pytest.raises(SourceFormatError) as info:
        parse_source(data, "list.xlsx", 2023)
    assert info.value.cell == "事業一覧!XFD1048576"


def test_empty_formatted_cells_far_away_are_not_values():
    plain = records_from((FIXTURES / "raw_fy2023_xlsx" / "2023" / "list.xlsx").read_bytes(), "list.xlsx", 2023)
    styled = _xlsx(lambda sheet: setattr(sheet.cell(row=9_000, column=100), "number_format", "0.00"))
    padded = records_from(styled, "list.xlsx", 2023)
    assert [r.fields for r in padded] == [r.fields for r in plain]


def test_a_refused_character_in_a_workbook_is_named_by_sheet_and_cell():
    with pytest.raises(SourceFormatError) as info:
        parse_source(_xlsx(lambda sheet: sheet.cell(row=3, column=5, value="x\u0085y")), "list.xlsx", 2023)
    assert info.value.cell == "事業一覧!E3" and "U+0085" in info.value.en


def test_a_csv_id_in_other_digits_is_refused():
    with pytest.raises(SourceFormatError) as info:
        parse_source(_csv(list(TEMPLATE_COLUMNS), ["٣", "事業"]), "list.csv", 2024)
    assert "U+0663" in info.value.en


def test_a_csv_field_beyond_the_csv_module_limit_is_explained():
    # The csv module's field limit is process-wide and frictionless raises it whenever it reads a CSV, so
    # after a validation in the same process the cell-length limit is what stops this field.
    with pytest.raises(SourceFormatError, match=r"CSV として読めません|長すぎます"):
        parse_source(_csv(list(TEMPLATE_COLUMNS), ["1", "あ" * 200_000]), "list.csv", 2024)
