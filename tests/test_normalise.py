import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.core.normalise import list_items, nfkc, normalise_text, split_departments


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("D X 推進課", "DX推進課", id="spaced department"),
        pytest.param("・4 3 手続きの電子申請化", "・43手続きの電子申請化", id="spaced digits"),
        pytest.param("実施予定のR P A 導入事業", "実施予定のRPA導入事業", id="spaced acronym in text"),
        pytest.param("令和5 年度", "令和5年度", id="number then counter"),
        pytest.param("R4 年2 月", "R4年2月", id="era abbreviation"),
        pytest.param("会議資料を P C 閲覧", "会議資料をPC閲覧", id="spaced run after kana"),
        pytest.param("環境(K S C)が", "環境(KSC)が", id="spaced run in brackets"),
        pytest.param("W T O (総合評価)", "WTO(総合評価)", id="acronym before bracket"),
        pytest.param("NET Frameworkや署名ツール", "NET Frameworkや署名ツール", id="real space between words"),
        pytest.param("S O C (Security Operation Center)", "SOC(Security Operation Center)", id="real spaces kept"),
        pytest.param(
            "公開数 合計50種類超 オープンデータ活用事例数 10件",
            "公開数 合計50種類超 オープンデータ活用事例数 10件",
            id="flattened line breaks kept",
        ),
        pytest.param("A案 B案", "A案 B案", id="two items stay apart"),
    ],
)
def test_letter_spacing(raw, expected):
    assert normalise_text(raw) == expected


def test_nfkc_folds_width_but_keeps_circled_numbers():
    assert nfkc("同左：6 種類（ｱ）") == "同左:6 種類(ア)"
    assert nfkc("①市 ②県 ⑳") == "①市 ②県 ⑳"


@pytest.mark.parametrize(
    ("raw", "items"),
    [
        ("・申請 ・手数料", ["・申請", "・手数料"]),
        ("○在宅勤務 ○サテライト", ["○在宅勤務", "○サテライト"]),
        ("①市: 73.7% ②市: 75.4%", ["①市: 73.7%", "②市: 75.4%"]),
        ("●QRコード ●交通系", ["●QRコード", "●交通系"]),
        ("庁議・・・15回、局長", ["庁議・・・15回、局長"]),
        ("人事・給与課", ["人事・給与課"]),
        ("運用・保守費の削減 ※具体的な額", ["運用・保守費の削減", "※具体的な額"]),
    ],
)
def test_bullets_become_list_items(raw, items):
    assert list_items(normalise_text(raw)) == items


@pytest.mark.parametrize(
    ("raw", "departments"),
    [
        ("D X 推進課", ["DX推進課"]),
        ("D X推進課", ["DX推進課"]),
        ("国際課 D X 推進課", ["国際課", "DX推進課"]),
        ("人事・給与課 D X 推進課", ["人事・給与課", "DX推進課"]),
        ("アセットマネジメント推進課 公共建築課", ["アセットマネジメント推進課", "公共建築課"]),
        ("緑区役所地域振興課", ["緑区役所地域振興課"]),
        ("政策課、介護保険課", ["政策課", "介護保険課"]),
    ],
)
def test_split_departments(raw, departments):
    assert split_departments(raw) == departments


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("DXRPA43 5年度推進課・○①\u3000　\t\nabc()：あ")), max_size=40))
def test_normalisation_is_idempotent(text):
    once = normalise_text(text)
    assert normalise_text(once) == once


def test_composition_after_a_removed_space_is_stable():
    """Found by fuzzing: NFKC turns ¸ into space + combining cedilla; once the space goes, K and the cedilla
    compose into Ķ, and normalising again must not change the result."""
    assert normalise_text("K¸") == "Ķ"
    assert normalise_text(normalise_text("K¸")) == "Ķ"
