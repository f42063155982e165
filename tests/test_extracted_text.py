import pytest
from conftest import HEADER_1, HEADER_2, make_source

from pipeline.errors import SourceFormatError
from pipeline.ingest.extracted_text import decode_source, parse_extracted_text

ROW = "1\t事業\tDX推進課\t課題\t■計画以上・計画どおり □課題あり\t重点事業 (A)"


def test_rows_cells_and_provenance():
    table = parse_extracted_text(make_source(ROW, "2\t次\t国際課\t課題"), "t.txt")
    assert table.fiscal_year == 2022
    assert table.pages == 1
    assert [r.number_text for r in table.rows] == ["1", "2"]
    first = table.rows[0]
    assert first.line == 6
    assert [c.column for c in first.cells] == [1, 2, 3, 4, 5, 6]
    assert first.cells[2].ref == "p1:L6:c3"
    reasons = {d.reason for d in table.dropped}
    assert reasons == {"ページの表題", "表の見出し"}


def test_empty_cells_are_not_cells_but_positions_are_kept():
    table = parse_extracted_text(make_source("1\t事業\t\tDX推進課\t\t"), "t.txt")
    assert [(c.column, c.text) for c in table.rows[0].cells] == [(1, "1"), (2, "事業"), (4, "DX推進課")]


def test_header_variants_and_new_pages():
    variant = HEADER_2.replace("来期取組", "未期取組").replace("委員会", "会議")
    data = make_source(ROW) + make_source("2\t次\t国際課", header2=variant)
    table = parse_extracted_text(data, "t.txt")
    assert table.pages == 2
    assert [r.page for r in table.rows] == [1, 2]


@pytest.mark.parametrize(
    "transform",
    [
        pytest.param(lambda b: b, id="utf-8"),
        pytest.param(lambda b: b"\xef\xbb\xbf" + b, id="utf-8 with BOM"),
        pytest.param(lambda b: b.replace(b"\n", b"\r\n"), id="CRLF"),
        pytest.param(lambda b: b.decode("utf-8").encode("cp932"), id="CP932"),
        pytest.param(lambda b: b.replace(b"\n", b"\t\t\n") + b"\n\n\n", id="trailing tabs and blank lines"),
    ],
)
def test_accepted_variants_read_the_same(transform):
    plain = parse_extracted_text(make_source(ROW), "t.txt")
    variant = parse_extracted_text(transform(make_source(ROW)), "t.txt")
    assert [[c.text.strip() for c in r.cells] for r in variant.rows] == [[c.text for c in r.cells] for r in plain.rows]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"", "ファイルが空です", id="empty"),
        pytest.param(b"\x00\x01\x02garbage", "バイナリ", id="binary"),
        pytest.param(b"\xff\xfe\xfa\xfb" * 10, "文字コード", id="undetectable encoding"),
        pytest.param(make_source(ROW).replace(b"PLAN", b"PLN", 1), "見出し", id="header changed"),
        pytest.param(make_source("注：この表は暫定版です", ROW), "想定外の行", id="unexpected line"),
        pytest.param(
            make_source(ROW).replace("令和5年度PLAN".encode(), "令和7年度PLAN".encode()), "年度", id="bad years"
        ),
        pytest.param(
            make_source(ROW, title="別紙1 相模原市ICT総合戦略 事業一覧 (R3取組結果)"), "一致しません", id="title year"
        ),
    ],
)
def test_bad_input_gets_a_plain_error(data, message):
    with pytest.raises(SourceFormatError) as info:
        parse_extracted_text(data, "raw/2022/x.txt")
    assert message in str(info.value)
    assert "raw/2022/x.txt" in str(info.value)


def test_row_before_header_is_an_error():
    data = "\n".join([ROW, HEADER_1, HEADER_2]).encode()
    with pytest.raises(SourceFormatError, match="見出し行"):
        parse_extracted_text(data, "t.txt")


def test_decode_labels():
    assert decode_source("あ".encode(), "f")[1] == "UTF-8"
    assert decode_source("あ".encode("cp932"), "f")[1] == "CP932 (Shift_JIS)"


def test_a_project_mentioning_header_words_is_still_a_project():
    """Found by fuzzing: a row whose cells say 事業名 and PLAN was taken for a header line."""
    table = parse_extracted_text(make_source("1\t事業名の見直し\tDX推進課\tPLANの改善"), "t.txt")
    assert [r.number_text for r in table.rows] == ["1"]


@pytest.mark.parametrize(
    "code",
    [0x01, 0x07, 0x0B, 0x1B, 0x7F, 0x85, 0x9B, 0x9F, 0xE000, 0xF8FF, 0xFDD0, 0xFFFE, 0xFFFF, 0x1FFFF, 0xF0000],
)
def test_the_unicode_policy_refuses_control_private_use_and_noncharacters(code):
    data = make_source(ROW.replace("\t事業\t", "\t事" + chr(code) + "業\t", 1))
    with pytest.raises(SourceFormatError) as info:
        parse_extracted_text(data, "raw/2022/x.txt")
    assert f"U+{code:04X}" in info.value.ja and f"U+{code:04X}" in info.value.en
    assert info.value.file == "raw/2022/x.txt" and info.value.line == 6 and info.value.cell == "p1:L6:c2"


@pytest.mark.parametrize(
    "code", [0x061C, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x202A, 0x202E, 0x2060, 0x2066, 0x2069]
)
def test_bidi_and_zero_width_characters_are_kept_for_the_flag(code):
    table = parse_extracted_text(make_source(ROW.replace("\t事業\t", "\t事" + chr(code) + "業\t", 1)), "x.txt")
    assert chr(code) in table.rows[0].cells[1].text


def test_a_project_number_in_other_digits_is_refused_not_read():
    with pytest.raises(SourceFormatError) as info:
        parse_extracted_text(make_source("١٢" + ROW[ROW.index("\t") :]), "x.txt")
    assert "U+0661" in info.value.en and "0〜9" in info.value.ja


def test_full_width_digits_fold_to_the_project_number():
    assert parse_extracted_text(make_source("１２" + ROW[ROW.index("\t") :]), "x.txt").rows[0].number_text == "12"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_are_named_not_called_binary(codec):
    with pytest.raises(SourceFormatError) as info:
        parse_extracted_text(make_source(ROW).decode().encode(codec), "x.txt")
    assert "UTF-" in info.value.en and "binary" not in info.value.en
