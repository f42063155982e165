"""CSV injection policy: in the CSV (made for spreadsheets) a text cell starting with = + - @ gets a leading
apostrophe; the JSON keeps the exact value; the rule is declared in datapackage.json and flagged for review."""

import json

import pandas as pd
import pytest

from pipeline.export.package import validate_package
from pipeline.export.tables import escape_formula

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("text", "csv"),
    [
        ("=1+2", "'=1+2"),
        ("+81", "'+81"),
        ("-項目", "'-項目"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("・項目", "・項目"),
    ],
)
def test_escape_rule(text, csv):
    assert escape_formula(text) == csv


def test_hostile_release(published_hostile):
    release = published_hostile / "data" / "2022"
    frame = pd.read_csv(
        release / "141500_ict_projects_2022.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False
    )
    name = frame.loc[frame["ID"] == "3", "事業名"].item()
    assert name.startswith('\'=1+2 & "引用符"')
    records = json.loads((release / "141500_ict_projects_2022.json").read_text(encoding="utf-8"))
    assert records[2]["事業名"].startswith('=1+2 & "引用符"')
    assert name[1:] == records[2]["事業名"]
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    assert "formulaEscape" in package["resources"][0]
    flags = pd.read_csv(
        release / "141500_ict_review_flags_2022.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False
    )
    assert "数式に見える値" in set(flags["確認事項の種類"])
    assert validate_package(release / "datapackage.json").valid
