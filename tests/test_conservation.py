from dataclasses import replace

import pytest

from pipeline.core.conservation import check_conservation
from pipeline.core.records import FieldValue
from pipeline.core.year import build_core_year
from pipeline.ingest.extracted_text import parse_extracted_text


@pytest.fixture(scope="module")
def year_and_table(fy2022_bytes):
    table = parse_extracted_text(fy2022_bytes, "t.txt")
    return build_core_year(table, [], "none"), table


def tamper(year, project, field, **changes):
    records = list(year.records)
    record = records[project - 1]
    fields = dict(record.fields)
    fields[field] = replace(fields[field], **changes)
    records[project - 1] = replace(record, fields=fields)
    return records


def test_holds_for_fy2022(year_and_table, fy2022_bytes):
    year, table = year_and_table
    assert check_conservation(fy2022_bytes, table, year.records, year.dropped, []) == []


@pytest.mark.parametrize(
    ("field", "changes", "message"),
    [
        pytest.param("事業名", {"cells": ()}, "どの項目にも入っていません", id="lost cell"),
        pytest.param("現状の課題", {"value": "原本にない文"}, "一致しません", id="invented text"),
        pytest.param(
            "事業実施による効果", {"cells": ("p1:L7:c2",), "value": "電子申請の利用促進"}, "2か所", id="cell used twice"
        ),
        pytest.param(
            "事業名",
            {"how": "訂正（値）", "correction": "訂正9"},
            "訂正 訂正9 がありません",
            id="correction without entry",
        ),
    ],
)
def test_detects_violations(year_and_table, fy2022_bytes, field, changes, message):
    year, table = year_and_table
    problems = check_conservation(fy2022_bytes, table, tamper(year, 1, field, **changes), year.dropped, [])
    assert any(message in p for p in problems), problems


def test_detects_a_cell_the_parser_never_read(year_and_table, fy2022_bytes):
    year, table = year_and_table
    extra = fy2022_bytes + "\n99\t読まれなかった行\n".encode()
    problems = check_conservation(extra, table, year.records, year.dropped, [])
    assert any("読み込まれていません" in p for p in problems)


def test_fields_without_cells_must_be_empty(year_and_table, fy2022_bytes):
    year, table = year_and_table
    records = tamper(year, 1, "ICT戦略調整委員会からの意見等", value="意見")
    assert isinstance(records[0].fields["ICT戦略調整委員会からの意見等"], FieldValue)
    problems = check_conservation(fy2022_bytes, table, records, year.dropped, [])
    assert any("一致しません" in p for p in problems)
