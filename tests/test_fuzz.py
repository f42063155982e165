"""Properties that must hold for any input (hypothesis, with a bounded budget so CI stays quick).

The normaliser is idempotent and total; the parser either reads a table or raises SourceFormatError; the
aligner places every cell of any row exactly once (or leaves it unplaced and flagged), and the conservation
check holds for whatever it builds.
"""

import os
import string

from conftest import HEADER_1, HEADER_2, TITLE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import columns as col
from pipeline.core.align import UNPLACED, align_row
from pipeline.core.conservation import check_conservation
from pipeline.core.normalise import normalise_text
from pipeline.core.year import build_core_year
from pipeline.errors import PipelineError
from pipeline.ingest.extracted_text import parse_extracted_text

BUDGET = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
JAPANESE = "事業計画課題実施成果指標年度電子申請推進の・○●①②■□※、。（）() 　-=+@<>&\"'`*_[]{}#|"
TEXT = st.text(alphabet=st.sampled_from(list(JAPANESE + string.ascii_letters + string.digits + " \u3000")), max_size=60)
CELL = st.one_of(
    TEXT.filter(lambda t: t.strip() and "\t" not in t),
    st.sampled_from(
        [
            "■計画以上・計画どおり □課題あり",
            "□計画以上・計画どおり ■課題あり",
            "○計画以上・計画どおり □課題あり",
            "■計画以上・計画どおり ■課題あり",
            "■計画あり",
            "重点事業 (A)",
            "探索型事業(C)",
            "発展型事業 (D)",
            "同左：6 種類増加",
            "・43手続きの電子申請化を達成した。",
            "D X 推進課",
        ]
    ),
)


@BUDGET
@given(st.text(max_size=200))
def test_normalisation_is_total_and_idempotent(text):
    once = normalise_text(text)
    assert normalise_text(once) == once


@BUDGET
@given(st.binary(max_size=2000))
def test_parser_reads_or_explains_any_bytes(data):
    try:
        parse_extracted_text(data, "fuzz.txt")
    except PipelineError as exc:
        assert exc.ja and exc.en and exc.file == "fuzz.txt"


def _source(rows: list[list[str]]) -> bytes:
    lines = ["", TITLE, "", HEADER_1, HEADER_2]
    lines += ["\t".join([str(i), "事業名", "DX推進課", *cells]) for i, cells in enumerate(rows, start=1)]
    return "\n".join(lines).encode("utf-8")


@BUDGET
@given(st.lists(st.lists(CELL, max_size=19), min_size=1, max_size=4))
def test_every_cell_is_placed_once_and_conservation_holds(rows):
    data = _source(rows)
    table = parse_extracted_text(data, "fuzz.txt")
    for row in table.rows:
        aligned = align_row(row, int(row.number_text))
        assert [p.cell for p in aligned.placements] == list(row.cells)
        placed = [p.column for p in aligned.placements if p.column in col.COLUMNS]
        assert len(placed) == len(set(placed))
        unplaced = {p.cell.ref for p in aligned.placements if p.column == UNPLACED}
        assert unplaced <= {ref for f in aligned.flags if f.kind == "unplaced_cell" for ref in f.cells}
    year = build_core_year(table, [], "none")
    problems = check_conservation(data, table, year.records, year.dropped, [])
    unplaced_rows = any(p.column == UNPLACED for r in year.aligned.values() for p in r.placements)
    assert problems == [] or unplaced_rows


@BUDGET
@given(st.one_of(st.binary(max_size=600), st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_yaml_files_read_or_explain_any_bytes(tmp_path_factory, data):
    """provenance.yaml and corrections.yaml: any bytes give a document or a PipelineError naming the file."""
    from pipeline.ingest.yaml_input import read_yaml

    path = tmp_path_factory.mktemp("yaml") / "corrections.yaml"
    path.write_bytes(data)
    try:
        read_yaml(path)
    except PipelineError as exc:
        assert exc.ja and exc.en and exc.file == str(path)


@BUDGET
@given(st.text(max_size=80))
def test_the_unicode_policy_refuses_or_keeps_every_text(text):
    """Any text either passes the policy unchanged or is refused naming the first refused character as U+XXXX."""
    from pipeline.ingest.text_policy import check_text, rejected_character

    refused = rejected_character(text)
    try:
        check_text(text, "f.txt", line=1)
    except PipelineError as exc:
        assert refused is not None and f"U+{ord(refused):04X}" in exc.en
    else:
        assert refused is None
