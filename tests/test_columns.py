"""The list's 20 columns come from schemas/ alone: the aligner lays rows over the projects table's columns."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import make_source

from pipeline import columns
from pipeline.core.align import align_row
from pipeline.ingest.extracted_text import parse_extracted_text
from pipeline.ingest.template import TEMPLATE_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
ADDED_BY_THE_PIPELINE = ["全国地方公共団体コード", "地方公共団体名", "年度", "事業区分コード", "要確認", "確認事項"]
"""The projects table's fields that are not columns of the city's list (codes, the year, the review state)."""


def projects_in_schemas() -> dict:
    return yaml.safe_load((ROOT / "schemas" / "tables.yaml").read_text(encoding="utf-8"))["projects"]


def test_the_aligners_columns_are_the_projects_tables_source_columns_in_schemas():
    projects = projects_in_schemas()
    assert list(columns.COLUMNS) == projects["source_columns"]
    assert sorted(columns.COLUMNS) == sorted(f for f in projects["fields"] if f not in ADDED_BY_THE_PIPELINE)
    assert list(TEMPLATE_COLUMNS) == projects["source_columns"]


def test_a_full_row_is_laid_over_every_column_of_the_list_in_order():
    cells = ["1", "事業", "DX推進課", "課題", "目的", "効果", "目標A", "件数10件以上", "活動A", "20件を達成した。"]
    cells += ["■計画以上・計画どおり □課題あり", "上半期に実施した。", "■計画以上・計画どおり □課題あり"]
    cells += ["年間で実施した。", "次の取組", "目標B", "件数12件以上", "活動B", "重点事業 (A)", "委員会の意見"]
    row = parse_extracted_text(make_source("\t".join(cells)), "t.txt").rows[0]
    assert [p.column for p in align_row(row, 1).placements] == projects_in_schemas()["source_columns"]


def test_a_source_column_that_is_not_a_field_of_the_table_stops_the_import(tmp_path):
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    tables = tmp_path / "schemas" / "tables.yaml"
    tables.write_text(tables.read_text(encoding="utf-8").replace("    - 事業区分\n    - ICT", "    - 区分\n    - ICT"))
    env = {**os.environ, "PIPELINE_PROJECT_ROOT": str(tmp_path), "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, "-c", "import pipeline.columns"], capture_output=True, text=True, env=env, timeout=120
    )
    assert run.returncode != 0
    assert "projects.source_columns must be distinct fields of the table (not: ['区分'])" in run.stderr
