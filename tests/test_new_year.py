"""A new fiscal year needs no code change: drop it in raw/, and it is a partition with a full release."""

import json
import shutil

import pandas as pd
import pytest
from conftest import FIXTURES, RAW, run_cli

from pipeline.definitions import build_definitions

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("intake", ["raw_fy2023", "raw_fy2023_xlsx"])
def test_a_new_year_publishes_without_touching_the_code(tmp_path, intake):
    raw = tmp_path / "raw"
    shutil.copytree(RAW / "2022", raw / "2022")
    shutil.copytree(FIXTURES / intake / "2023", raw / "2023")
    out = tmp_path / "published"
    assert build_definitions(raw, out).resolve_job_def("publish").partitions_def.get_partition_keys() == [
        "2022",
        "2023",
    ]

    run = run_cli("publish", "--raw", str(raw), "--out", str(out), home=tmp_path / "home")
    assert run.returncode == 0, run.stderr
    assert "2023年度（令和5年度）" in run.stdout

    projects = pd.read_csv(out / "data/2023/141500_ict_projects_2023.csv", encoding="utf-8-sig", keep_default_na=False)
    assert projects["ID"].tolist() == [1, 4, 7, 22, 35, 36]
    assert set(projects["年度"]) == {2023}
    assert projects.loc[projects["ID"] == 4, "事業区分コード"].item() == "B"
    progress = pd.read_csv(out / "data/2023/141500_ict_progress_2023.csv", encoding="utf-8-sig", keep_default_na=False)
    assert set(progress["対象年度"]) == {2023, 2024}

    versions = json.loads((out / "site/versions.json").read_text(encoding="utf-8"))
    assert [v["version"] for v in versions] == ["2023", "2022"]
    assert (out / "site/2023/projects/35/index.html").exists()
    assert 'href="2023/"' in (out / "site/index.html").read_text(encoding="utf-8")
    catalog = json.loads((out / "data/catalog.jsonld").read_text(encoding="utf-8"))
    assert [d["dct:identifier"] for d in catalog["dcat:dataset"]] == [
        "141500_ict_strategy_projects_2022",
        "141500_ict_strategy_projects_2023",
    ]


def test_only_the_year_whose_input_changed_is_built_again(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW / "2022", raw / "2022")
    shutil.copytree(FIXTURES / "raw_fy2023" / "2023", raw / "2023")
    out = tmp_path / "published"
    assert run_cli("publish", "--raw", str(raw), "--out", str(out), home=tmp_path / "home").returncode == 0
    data_2022 = (out / "data" / "2022" / "datapackage.json").read_bytes()

    (raw / "2023" / "corrections.yaml").write_text('reviewed: "2026-12-01"\ncorrections: []\n', encoding="utf-8")
    run = run_cli("publish", "--raw", str(raw), "--out", str(out), home=tmp_path / "home")
    assert run.returncode == 0, run.stderr
    assert "2022年度: 前回の公開と原本もコードも同じため、作り直しません" in run.stdout
    assert run.stdout.count("core_projects") == 1 and "2023年度（令和5年度）" in run.stdout
    assert (out / "data" / "2022" / "datapackage.json").read_bytes() == data_2022
    package = json.loads((out / "data" / "2023" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["modified"] == "2026-12-01"
