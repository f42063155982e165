import json
from pathlib import Path

import pytest
from conftest import RAW

from pipeline import columns as col
from pipeline.core.corrections import load_corrections
from pipeline.core.year import build_core_year
from pipeline.errors import CorrectionError
from pipeline.ingest.extracted_text import parse_extracted_text


@pytest.fixture(scope="module")
def table(fy2022_bytes):
    return parse_extracted_text(fy2022_bytes, "raw/2022/source.txt")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "corrections.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def build(table, tmp_path, text):
    path = write(tmp_path, text)
    return build_core_year(table, load_corrections(path), str(path))


def test_value_correction_replaces_and_is_recorded(table, tmp_path):
    year = build(
        table,
        tmp_path,
        """
corrections:
  - {project: 3, field: 所管課, original: 広報広報課, value: 広聴広報課, reason: 課の名称の誤記}
""",
    )
    fv = year.records[2].fields["所管課"]
    assert (fv.value, fv.how, fv.correction) == ("広聴広報課", "訂正（値）", "訂正1")
    assert fv.cells == ("p1:L9:c3",)


def test_stale_correction_stops_the_run(table, tmp_path):
    with pytest.raises(CorrectionError) as info:
        build(
            table,
            tmp_path,
            """
corrections:
  - {project: 3, field: 所管課, original: 広報課, value: 広聴広報課, reason: 課の名称の誤記}
""",
        )
    message = str(info.value)
    assert "古くなっています" in message and "事業No.3" in message and "所管課" in message and "stale" in message


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        pytest.param(
            "{project: 99, field: 事業名, original: x, value: y, reason: r}",
            "事業No.99は事業一覧にありません",
            id="unknown project",
        ),
        pytest.param(
            "{project: 1, field: 事業名称, original: x, value: y, reason: r}",
            "訂正できる項目ではありません",
            id="unknown field",
        ),
        pytest.param("{project: 1, field: 事業名, original: x, value: y, reason: ''}", "reason", id="no reason"),
        pytest.param("{project: 1, field: 事業名, value: y, reason: r}", "original", id="no original"),
        pytest.param(
            "{project: 1, field: 事業名, original: x, value: y, reason: r, cell: L7}",
            "セル位置",
            id="bad cell reference",
        ),
        pytest.param(
            "{project: 1, field: 事業名, original: x, value: y, reason: r, cell: p1:L8:c2}",
            "事業No.1の行にありません",
            id="cell of another row",
        ),
    ],
)
def test_invalid_entries_are_explained(table, tmp_path, entry, message):
    with pytest.raises(CorrectionError) as info:
        build(table, tmp_path, f"corrections:\n  - {entry}\n")
    assert message in str(info.value)


def test_duplicate_entries_are_refused(tmp_path):
    path = write(
        tmp_path,
        """
corrections:
  - {project: 1, field: 事業名, original: a, value: b, reason: r}
  - {project: 1, field: 事業名, original: a, value: c, reason: r}
""",
    )
    with pytest.raises(CorrectionError, match="1番目にもあります"):
        load_corrections(path)


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = write(tmp_path, "corrections:\n  - project: 1\n   field: x\n")
    with pytest.raises(CorrectionError) as info:
        load_corrections(path)
    assert info.value.line == 3


def test_confirmation_resolves_the_flag_without_changing_the_value(table, tmp_path):
    before = build_core_year(table, [], "none")
    record = before.records[0]
    flag = next(f for f in record.flags if f.kind == "ambiguous_column")
    cell = flag.cells[0]
    value = record.text(flag.field)
    after = build(
        table,
        tmp_path,
        f"""
corrections:
  - project: 1
    field: {flag.field}
    cell: {cell}
    original: {json.dumps(value, ensure_ascii=False)}
    value: {json.dumps(value, ensure_ascii=False)}
    reason: 原本で確認した
""",
    )
    confirmed = after.records[0]
    assert confirmed.text(flag.field) == value
    assert all(f.resolved_by for f in confirmed.flags if f.cells == (cell,))


def test_placement_correction_of_the_2022_file(table):
    year = build_core_year(table, load_corrections(RAW / "2022" / "corrections.yaml"), "raw/2022/corrections.yaml")
    p10 = year.records[9]
    assert p10.fields[col.FY_TEXT].how == "訂正（配置）"
    assert p10.fields[col.FY_TEXT].cells == ("p2:L21:c16",)
    assert p10.text(col.ACT).startswith("既存システム改修の詳細な内容")
    assert p10.text(col.NEXT_GOAL).startswith("○市有財産台帳")
    assert p10.text(col.PLAN_GOAL).startswith("○市有財産台帳")
    assert not any(f.kind == "content_conflicts_with_column" and f.open for f in p10.flags)


ENTRY = "  - {project: 1, field: 事業名, original: a, value: b, reason: r}\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("correction:\n" + ENTRY, "知らないキー correction", id="misspelt top-level key"),
        pytest.param(ENTRY.lstrip(), "いちばん上は", id="a bare list"),
        pytest.param(
            "corrections:\n  - {project: 1, field: 事業名, original: a, value: b, reason: r, note: x}\n",
            "知らないキー note",
            id="unknown entry key",
        ),
        pytest.param("corrections: {project: 1}\n", "項目のリスト", id="entries not a list"),
        pytest.param("reviewed: &d 2026-01-01\nconfirm_project_count: *d\n", "アンカーとエイリアス", id="alias"),
        pytest.param("corrections: !!binary aGVsbG8=\n", "タグ !!binary", id="binary tag"),
        pytest.param("corrections:\n" + ENTRY.replace("value: b", "value: " + "b" * 10_001), "10,001字", id="long"),
        pytest.param("corrections:\n" + ENTRY.replace("value: b", "value: [b]"), "文字列", id="value a list"),
        pytest.param("confirm_project_count: many\n", "confirm_project_count", id="count not a number"),
    ],
)
def test_the_file_itself_is_checked_before_any_entry_applies(tmp_path, text, message):
    from pipeline.core.corrections import confirmed_project_count

    path = write(tmp_path, text)
    with pytest.raises(CorrectionError) as info:
        load_corrections(path)
        confirmed_project_count(path)
    assert message in info.value.ja and info.value.file == str(path)


@pytest.mark.parametrize("reviewed", ['"2026-02-30"', "2026-13-45", "2026-12-45", '"26-1-1"', "yesterday"])
def test_reviewed_must_be_a_real_date(tmp_path, reviewed):
    from pipeline.core.corrections import review_date

    with pytest.raises(CorrectionError, match="実在する日付"):
        review_date(write(tmp_path, f"reviewed: {reviewed}\n"))


@pytest.mark.parametrize("reviewed", ['"2024-02-29"', "2024-02-29"])
def test_a_real_date_quoted_or_not_is_read(tmp_path, reviewed):
    from pipeline.core.corrections import review_date

    assert review_date(write(tmp_path, f"reviewed: {reviewed}\n")) == "2024-02-29"


def test_too_many_entries_are_refused(tmp_path):
    from pipeline.ingest.limits import MAX_CORRECTIONS

    path = write(tmp_path, "corrections:\n" + ENTRY * (MAX_CORRECTIONS + 1))
    with pytest.raises(CorrectionError, match="多すぎます"):
        load_corrections(path)


def test_a_hidden_character_is_flagged_and_a_correction_written_with_an_escape_removes_it(fy2022_bytes, tmp_path):
    text = fy2022_bytes.decode("utf-8").replace("広報広報課", "広報\u200b広報課", 1).encode("utf-8")
    table = parse_extracted_text(text, "raw/2022/source.txt")
    flagged = build_core_year(table, [], "none").records[2]
    assert flagged.text("所管課") == "広報\u200b広報課"
    assert any(f.kind == "hidden_characters" and "U+200B" in f.issue for f in flagged.open_flags)
    corrected = build(
        table,
        tmp_path,
        'corrections:\n  - {project: 3, field: 所管課, original: "広報\\u200b広報課", value: 広聴広報課, reason: 誤記}\n',
    ).records[2]
    assert corrected.text("所管課") == "広聴広報課"
    assert not any(f.kind == "hidden_characters" for f in corrected.open_flags)
