"""Record-level checks on their own, with inline data."""

import pytest

from pipeline.core.records import second_half_dates


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("○引越しワンストップサービス開始(R5.2.6)", ["R5.2.6"]),  # FY2022's February: second half
        ("令和4年10月に説明会を開いた。", ["令和4年10"]),
        ("Ｒ４．１１に開始", ["R4.11"]),  # full-width, as some cells are
        ("システム更新実施中(R4.9末時点)", []),  # September: still the first half
        ("令和4年4月に周知した。", []),
        ("R5.4から運用する予定", []),  # the next fiscal year, not its second half
        ("R4.100件", []),
    ],
)
def test_dates_after_the_first_half(text, dates):
    assert second_half_dates(text, 2022) == dates
