import pytest

from pipeline.errors import ValidationFailed
from pipeline.schema import load_fields, load_tables, pandera_schema, validate_table


def test_every_defined_field_is_used_by_a_table():
    used = {f.name for t in load_tables().values() for f in t.fields}
    assert set(load_fields()) == used


def test_projects_contract_order():
    names = load_tables()["projects"].field_names
    assert names[:4] == ["全国地方公共団体コード", "ID", "地方公共団体名", "年度"]
    assert names[-2:] == ["要確認", "確認事項"]


def test_pandera_model_is_generated_from_the_yaml():
    schema = pandera_schema("projects")
    assert list(schema.columns) == load_tables()["projects"].field_names
    assert schema.strict and schema.ordered


def test_failures_are_reported_by_project_and_field(fy2022_frame):
    bad = fy2022_frame.copy()
    bad.loc[3, "CHECK_上半期_状況"] = "良好"
    bad.loc[5, "事業区分コード"] = "D"
    bad.loc[7, "所管課"] = "DX推進課;"
    with pytest.raises(ValidationFailed) as info:
        validate_table("projects", bad)
    message = str(info.value)
    assert "事業No.4 項目「CHECK_上半期_状況」" in message
    assert "事業No.6 項目「事業区分コード」" in message
    assert "事業No.8 項目「所管課」" in message


def test_duplicate_ids_fail(fy2022_frame):
    bad = fy2022_frame.copy()
    bad.loc[1, "ID"] = 1
    with pytest.raises(ValidationFailed):
        validate_table("projects", bad)


@pytest.fixture
def fy2022_frame(fy2022_bytes):
    from pipeline.core.year import build_core_year
    from pipeline.export.tables import projects_frame
    from pipeline.ingest.extracted_text import parse_extracted_text

    return projects_frame(build_core_year(parse_extracted_text(fy2022_bytes, "t"), [], "none").records)
