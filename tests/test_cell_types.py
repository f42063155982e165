import pytest

from pipeline.core.cell_types import (
    Status,
    has_indicator_cue,
    has_plan_cue,
    has_result_cue,
    is_same_as_left,
    looks_like_category,
    looks_like_departments,
    looks_like_status,
    parse_category,
    parse_status,
    similarity,
)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("■計画以上・計画どおり □課題あり", Status.ON_PLAN),
        ("□計画以上・計画どおり ■課題あり", Status.ISSUES),
        ("○計画以上・計画どおり ■課題あり", Status.ISSUES),
        ("○計画以上・計画どおり □課題あり", Status.BLANK),
        ("□計画以上・計画どおり □課題あり", Status.BLANK),
        ("■計画以上・計画どおり ■課題あり", Status.UNREADABLE),
        ("■計画あり", Status.UNREADABLE),
    ],
)
def test_parse_status(text, status):
    assert looks_like_status(text)
    assert parse_status(text) is status


@pytest.mark.parametrize("text", ["○仕様検討 ○課題整理 ○見積もり依頼", "計画以上", "■RPA導入"])
def test_bullets_are_not_status_cells(text):
    assert not looks_like_status(text)


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("重点事業 (A)", ("A", "重点事業")),
        ("探索型事業(C)", ("C", "探索型事業")),
        ("深化型事業 （B）", ("B", "深化型事業")),
        ("重点事業 (C)", None),
        ("発展型事業 (D)", None),
    ],
)
def test_parse_category(text, parsed):
    assert looks_like_category(text)
    assert parse_category(text) == parsed


def test_a_comment_mentioning_a_category_is_not_one():
    comment = "成果指標未達の状態で、事業区分B(深化型)には違和感があるため、重点事業(A)に留めることといたします"
    assert not looks_like_category(comment)


def test_content_cues():
    assert is_same_as_left("同左：6 種類増加")
    assert has_indicator_cue("資料部数7割削減")
    assert has_indicator_cue("Twitterのフォロワー数(100人)")
    assert not has_indicator_cue("業務の効率化")
    assert has_result_cue("・43手続きの電子申請化を達成した。")
    assert has_result_cue("・システム更新・リニューアル完了(R5.2)")
    assert not has_result_cue("・方針に沿った情報発信・情報収集の開始")
    assert has_plan_cue("関係課と検討・調整を行い、取組を行う。")
    assert not has_plan_cue("見込みである。")


def test_similarity_ignores_bullets_and_spacing():
    assert similarity("・機器保守", "機器保守") == 1.0
    assert similarity("政策課が開催する会議のうち、7割", "政策課が開催する会議のうち、8割") > 0.8
    assert similarity("電子申請", "ペーパーレス") == 0.0


def test_departments_cell():
    assert looks_like_departments("国際課 D X 推進課")
    assert looks_like_departments("図書館")
    assert not looks_like_departments("・システム更新に伴うサイトカテゴリの整理")
