"""The FY2022 release as its consumers read it: pandas, the frictionless CLI, JSON readers, catalog harvesters."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import RAW

from pipeline.export.package import validate_package
from pipeline.schema import load_tables, per_year_tables, validate_table

pytestmark = pytest.mark.e2e
FY = 2022


@pytest.fixture(scope="module")
def release(published) -> Path:
    return published / "data" / str(FY)


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)


def test_every_table_has_csv_and_json(release):
    names = {p.name for p in release.iterdir()}
    for spec in per_year_tables():
        assert {f"{spec.file_stem(FY)}.csv", f"{spec.file_stem(FY)}.json"} <= names
    assert {"datapackage.json", "141500_ict_dictionary_2022.md", "141500_ict_review_2022.md"} <= names


def test_frictionless_cli_reports_valid(release):
    run = subprocess.run(
        [str(Path(sys.executable).parent / "frictionless"), "validate", "--json", "datapackage.json"],
        capture_output=True,
        text=True,
        cwd=release,
    )
    report = json.loads(run.stdout)
    assert run.returncode == 0 and report["valid"], run.stdout[:2000]
    assert len(report["tasks"]) == 2 * len(per_year_tables())


@pytest.mark.parametrize("spec", per_year_tables(), ids=lambda s: s.key)
def test_csv_with_bom_read_by_pandas_and_equal_to_json(release, spec):
    csv_path = release / f"{spec.file_stem(FY)}.csv"
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.split(b"\n", 1)[0].endswith(b"\r")
    frame = read_csv(csv_path)
    assert list(frame.columns) == spec.field_names
    records = json.loads((release / f"{spec.file_stem(FY)}.json").read_text(encoding="utf-8"))
    assert len(records) == len(frame)
    types = {f.name: f.type for f in spec.fields}
    for row, record in zip(frame.to_dict("records"), records, strict=True):
        assert list(record) == spec.field_names
        for name, text in row.items():
            value = record[name]
            if text == "":
                assert value is None, (name, value)
            elif types[name] == "integer":
                assert value == int(text)
            elif types[name] == "boolean":
                assert value is (text == "true")
            elif types[name] == "list":
                assert value == text.split(";")
            else:
                assert value == text


def test_japanese_text_round_trips(release, fy2022_bytes):
    frame = read_csv(release / "141500_ict_projects_2022.csv")
    project = frame[frame["ID"] == "6"].iloc[0]
    assert project["所管課"] == "人事・給与課;DX推進課"
    assert "ICTを活用し、多様なワークスタイルを創出" in project["現状の課題"]
    assert project["ICT戦略調整委員会からの意見等"].startswith("成果指標未達(達成途上で課題あり)")
    assert csv.reader(io.StringIO((release / "141500_ict_projects_2022.csv").read_text("utf-8-sig")))


def test_long_and_department_tables(release):
    progress = read_csv(release / "141500_ict_progress_2022.csv")
    assert len(progress) == 34 * 10
    assert set(progress["対象年度"]) == {"2022", "2023"}
    check = progress[(progress["ID"] == "6") & (progress["段階"] == "CHECK")]
    assert set(check["状況"]) == {"課題あり"}
    departments = read_csv(release / "141500_ict_project_departments_2022.csv")
    assert list(departments[departments["ID"] == "2"]["所管課"]) == ["国際課", "DX推進課"]
    assert not departments["所管課"].str.contains(";").any()


def test_corrections_flags_and_sources_tables(release):
    corrections = read_csv(release / "141500_ict_corrections_2022.csv")
    assert list(corrections["訂正の種類"]) == ["値", "値", "配置"]
    assert corrections.iloc[0]["訂正後"] == "広聴広報課"
    flags = read_csv(release / "141500_ict_review_flags_2022.csv")
    projects = read_csv(release / "141500_ict_projects_2022.csv")
    open_ids = set(flags[flags["状態"] == "未解決"]["ID"])
    assert open_ids == set(projects[projects["要確認"] == "true"]["ID"])
    sources = read_csv(release / "141500_ict_value_sources_2022.csv")
    assert len(sources) == 34 * len(load_tables()["projects"].fields)
    row = sources[(sources["ID"] == "10") & (sources["列名"] == "CHECK_年次_実績")].iloc[0]
    assert (row["出典セル"], row["取得方法"], row["訂正番号"]) == ("p2:L21:c16", "訂正（配置）", "訂正3")


def test_datapackage_metadata(release):
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    assert package["name"].isascii()
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert "を加工して作成" in package["attribution"]
    assert "確認できていない" in package["sourceTerms"]
    provenance_sha = (RAW / "2022" / "provenance.yaml").read_text(encoding="utf-8").split("sha256: ")[1][:64]
    assert package["sources"][0]["sha256"] == provenance_sha
    # Dates come from the inputs, never the clock: received (provenance) and reviewed (corrections).
    received = yaml.safe_load((RAW / "2022" / "provenance.yaml").read_text(encoding="utf-8"))["received"]
    reviewed = yaml.safe_load((RAW / "2022" / "corrections.yaml").read_text(encoding="utf-8"))["reviewed"]
    assert (package["fiscalYear"], package["issued"], package["modified"]) == (2022, received, reviewed)
    projects = next(r for r in package["resources"] if r["name"] == "141500_ict_projects_2022")
    assert projects["encoding"] == "utf-8" and projects["bom"] is True and projects["rows"] == 34
    fields = {f["name"]: f for f in projects["schema"]["fields"]}
    assert fields["事業区分コード"]["constraints"]["enum"] == ["A", "B", "C"]
    assert fields["所管課"]["title"] == "所管課" and fields["所管課"]["type"] == "list"
    progress = next(r for r in package["resources"] if r["name"] == "141500_ict_progress_2022")
    assert progress["schema"]["foreignKeys"][0]["reference"] == {
        "resource": "141500_ict_projects_2022",
        "fields": ["ID"],
    }


@pytest.mark.parametrize(
    ("file", "old", "new", "error"),
    [
        pytest.param("141500_ict_progress_2022.csv", ",CHECK,", ",CHEQUE,", "constraint-error", id="enum"),
        pytest.param(
            "141500_ict_project_departments_2022.csv",
            "\r\n141500,2022,2,",
            "\r\n141500,2022,99,",
            "foreign-key",
            id="foreign key",
        ),
        pytest.param("141500_ict_projects_2022.csv", "\r\n141500,2,", "\r\n141500,1,", "primary-key", id="primary key"),
    ],
)
def test_frictionless_checks_constraints_and_keys(release, tmp_path, file, old, new, error):
    """Tamper with one value and fix the recorded hash and size, so only the content rule can catch it."""
    import hashlib

    copy = tmp_path / "release"
    copy.mkdir()
    for p in release.iterdir():
        (copy / p.name).write_bytes(p.read_bytes())
    data = (copy / file).read_bytes()
    assert old.encode() in data
    data = data.replace(old.encode(), new.encode(), 1)
    (copy / file).write_bytes(data)
    package = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["path"] == file)
    resource["hash"], resource["bytes"] = f"sha256:{hashlib.sha256(data).hexdigest()}", len(data)
    (copy / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    report = validate_package(copy / "datapackage.json")
    assert not report.valid
    assert error in {e.type for t in report.tasks for e in t.errors}


def test_catalog_lists_every_file_with_its_checksum(published):
    data = published / "data"
    catalog = json.loads((data / "catalog.jsonld").read_text(encoding="utf-8"))
    assert catalog["@type"] == "dcat:Catalog"
    (dataset,) = catalog["dcat:dataset"]
    assert dataset["dct:temporal"]["dcat:startDate"]["@value"] == "2022-04-01"
    files = {p.name: p.read_bytes() for p in (data / "2022").iterdir()}
    listed = {d["dcat:downloadURL"]["@id"].split("/")[-1]: d for d in dataset["dcat:distribution"]}
    assert set(listed) == set(files)
    import hashlib

    for name, d in listed.items():
        assert int(d["dcat:byteSize"]["@value"]) == len(files[name])
        assert d["spdx:checksum"]["spdx:checksumValue"]["@value"] == hashlib.sha256(files[name]).hexdigest()
    open_list = read_csv(data / "141500_open_data_list.csv")
    assert len(open_list) == len(files)
    assert all((published / "site" / url).exists() for url in open_list["ファイル_ダウンロードURL"])
    site_catalog = json.loads((published / "site" / "catalog.jsonld").read_text(encoding="utf-8"))
    for d in site_catalog["dcat:dataset"][0]["dcat:distribution"]:
        assert (published / "site" / d["dcat:downloadURL"]["@id"]).is_file()
    frame = pd.read_csv(data / "141500_open_data_list.csv", encoding="utf-8-sig", keep_default_na=False)
    frame["ファイル_サイズ"] = frame["ファイル_サイズ"].astype("int64")
    validate_table(
        "open_data_list", frame.astype({c: str for c in frame.columns if c not in ("ID", "ファイル_サイズ")})
    )


def test_data_dictionary_covers_every_field(release):
    text = (release / "141500_ict_dictionary_2022.md").read_text(encoding="utf-8")
    for spec in per_year_tables():
        assert spec.title in text
        for f in spec.fields:
            assert f"`{f.name}`" in text
