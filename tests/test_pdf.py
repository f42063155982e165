"""The PDF reader on PDFs drawn from known records (tests/fixtures/pdf/make_pdfs.py): reading them must give the
records back, every cell in its column; what cannot be read is refused with a clear message."""

import json
import re

import pdfplumber
import pytest
from conftest import FIXTURES, run_cli

from pipeline.core.year import build_core_year
from pipeline.errors import SourceFormatError
from pipeline.ingest.pdf import parse_pdf

PDFS = FIXTURES / "pdf"
RECORDS = json.loads((PDFS / "records_fy2022.json").read_text(encoding="utf-8"))
TRUTH = {r["ID"]: r for r in RECORDS["projects"]}


def read(name: str):
    table = parse_pdf((PDFS / name).read_bytes(), name, 2022)
    return table, build_core_year(table, [], "corrections.yaml")


def plain(value):
    """A value as one comparable thing: a list as its items joined, an empty value as None."""
    if value in (None, [], ""):
        return None
    return ";".join(value) if isinstance(value, list) else value


def wrong_fields(year) -> list[tuple[int, str]]:
    """(project, field) of every value that differs from the records the PDF was drawn from."""
    wrong = []
    for record in year.records:
        for name, want in TRUTH[record.project].items():
            if plain(record.fields[name].value) != plain(want):
                wrong.append((record.project, name))
    return wrong


@pytest.fixture(scope="module")
def ruled():
    return read("fy2022_ruled.pdf")


def test_a_ruled_pdf_gives_its_records_back(ruled):
    _, year = ruled
    assert [r.project for r in year.records] == sorted(TRUTH)
    assert wrong_fields(year) == []


def test_ruling_lines_decide_every_column(ruled):
    table, year = ruled
    cells = [c for row in table.rows for c in row.cells]
    assert len(cells) > 500
    assert {c.ref for c in cells} == set(table.columns)
    assert not table.hints
    assert not [f for f in year.flags if f.kind in ("ambiguous_column", "geometry_disagrees")]
    assert all(c.box is not None and c.box[0] < c.box[2] and c.box[1] < c.box[3] for c in cells)


def test_the_fixture_splits_rows_across_pages_and_they_are_joined(ruled):
    """The ruled fixture continues rows at the top of the next page; each project is still one row."""
    continued = 0
    with pdfplumber.open(PDFS / "fy2022_ruled.pdf") as pdf:
        for page in pdf.pages[1:]:
            table = page.find_table({"vertical_strategy": "lines", "horizontal_strategy": "lines"})
            first_data = table.extract()[2]
            continued += not (first_data[0] or "").strip() and any((c or "").strip() for c in first_data)
    assert continued >= 2
    table, _ = ruled
    assert len(table.rows) == len(TRUTH)


def test_a_spreadsheet_printed_by_libreoffice_puts_every_cell_in_its_column():
    """The second route: an XLSX printed to PDF by LibreOffice, which embeds its own font, lays text out with
    its own line-breaking rules and does not keep ・ from a line's start. Every cell lands in its column; a few
    values differ from the records only in where a wrapped line is joined (a space or a line break)."""
    table, year = read("fy2022_spreadsheet.pdf")
    assert {c.ref for row in table.rows for c in row.cells} == set(table.columns)
    wrong = wrong_fields(year)
    assert len(wrong) <= 0.01 * len(year.records) * 20

    def squeezed(value):
        return "".join(str(plain(value) or "").split())

    for project, name in wrong:
        assert squeezed(year.records[project - 1].fields[name].value) == squeezed(TRUTH[project][name])


def test_a_merged_cell_goes_to_the_aligner_and_is_flagged():
    table, year = read("fy2022_merged.pdf")
    assert wrong_fields(year) == []
    uncertain = [c for row in table.rows for c in row.cells if c.ref not in table.columns]
    merged_projects = {p for p, r in TRUTH.items() if not r["事業実施による効果"]}
    assert {int(row.number_text) for row in table.rows if any(c.ref not in table.columns for c in row.cells)} == (
        merged_projects
    )
    assert len(uncertain) == len(merged_projects)
    flagged = {ref for f in year.flags if f.open for ref in f.cells}
    assert {c.ref for c in uncertain} <= flagged


def test_without_vertical_rules_the_header_positions_are_hints_and_disagreements_are_flagged():
    table, year = read("fy2022_no_vertical_rules.pdf")
    assert not table.columns and len(table.hints) > 500
    cells = sum(len(r.cells) for r in table.rows)
    wrong = wrong_fields(year)
    assert len(wrong) <= 0.02 * cells
    flagged = {(f.project, f.field) for f in year.flags if f.open}
    assert set(wrong) <= flagged


@pytest.mark.parametrize(
    ("name", "ja", "en"),
    [
        ("bad_truncated.pdf", "PDFが壊れていて読めません", "The PDF is damaged"),
        ("bad_encrypted.pdf", "暗号化（パスワード保護）", "encrypted (password protected)"),
        ("bad_scanned.pdf", "文字認識（OCR）はここでは行いません", "OCR is not done here"),
        ("bad_no_table.pdf", "事業一覧の表が見つかりません", "No project table found"),
        # Without vertical rules, a project whose number is missing mid-page: its cells are neither dropped nor
        # given to the project above.
        ("bad_row_without_number.pdf", "事業番号のない行です", "a row without a project number"),
    ],
)
def test_a_pdf_that_is_not_a_readable_list_is_refused_clearly(name, ja, en):
    with pytest.raises(SourceFormatError) as caught:
        parse_pdf((PDFS / name).read_bytes(), name, 2022)
    assert ja in caught.value.ja and en in caught.value.en
    assert caught.value.file == name


def test_a_pdf_in_the_wrong_year_folder_is_refused():
    with pytest.raises(SourceFormatError) as caught:
        parse_pdf((PDFS / "fy2022_ruled.pdf").read_bytes(), "list.pdf", 2023)
    assert "raw/2023/" in caught.value.ja and "fiscal year 2022" in caught.value.en


def test_not_a_pdf_at_all():
    with pytest.raises(SourceFormatError) as caught:
        parse_pdf(b"\x89PNG\r\n\x1a\n....", "scan.pdf", 2022)
    assert "PDFファイルではありません" in caught.value.ja


@pytest.mark.e2e
def test_publishing_a_year_from_its_pdf(tmp_path):
    out = tmp_path / "published"
    run = run_cli("publish", "--raw", str(FIXTURES / "raw_pdf"), "--out", str(out), home=tmp_path / "home")
    assert run.returncode == 0, run.stderr
    projects = json.loads((out / "data/2022/141500_ict_projects_2022.json").read_text(encoding="utf-8"))
    for record in projects:
        for name, want in TRUTH[record["ID"]].items():
            assert plain(record[name]) == plain(want), (record["ID"], name)
    sources = json.loads((out / "data/2022/141500_ict_value_sources_2022.json").read_text(encoding="utf-8"))
    placed = [row for row in sources if row["出典セル"]]
    assert placed and all(len(row["出典位置"]) == len(row["出典セル"]) for row in placed)
    assert all(re.fullmatch(r"p\d+ x[\d.]+-[\d.]+ y[\d.]+-[\d.]+", box) for row in placed for box in row["出典位置"])


def test_the_review_report_says_where_a_flagged_cell_is_on_its_page():
    from pipeline.export.review import review_report

    table, year = read("fy2022_merged.pdf")
    report = review_report(year)
    merged = next(c for row in table.rows for c in row.cells if c.ref not in table.columns)
    x0, top, x1, bottom = (round(v) for v in merged.box)
    assert f"原本のセル {merged.ref}（PDFの{merged.page}ページ目、左{x0}〜{x1}pt・上{top}〜{bottom}pt）" in report
