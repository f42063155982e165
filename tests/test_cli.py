"""The command line as an operator runs it: `python -m pipeline …` in a process of its own; what it prints, its
exit status and the files it writes."""

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml
from conftest import FIXTURES, ROOT, run_cli

from pipeline.columns import COLUMNS

SMALL = FIXTURES / "raw_small"
"""The first three projects of FY2022, with a corrections file."""
YEAR_FILES = {
    f"141500_ict_{name}_2022.{ext}"
    for name in ("projects", "progress", "project_departments", "corrections", "review_flags", "value_sources")
    for ext in ("csv", "json")
} | {"datapackage.json", "141500_ict_dictionary_2022.md", "141500_ict_review_2022.md"}


def projects_fields() -> list[str]:
    return yaml.safe_load((ROOT / "schemas" / "tables.yaml").read_text(encoding="utf-8"))["projects"]["fields"]


def read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_clear_error(run: subprocess.CompletedProcess, ja: str, en: str) -> None:
    """An operator's error: a non-zero status, the message in Japanese and English, and no traceback."""
    assert run.returncode == 1, run.stderr
    assert ja in run.stderr and en in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.e2e
def test_publish_writes_the_years_release_and_the_site_and_says_so(tmp_path):
    out = tmp_path / "published"
    run = run_cli("publish", "--raw", str(SMALL), "--out", str(out), home=tmp_path / "home")
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert f"== 2022年度（令和4年度）: {SMALL / '2022'} → {out / 'data' / '2022'}" in run.stdout
    assert "公開しました / published" in run.stdout
    assert f"→ {out / 'data' / '2022' / '141500_ict_review_2022.md'}" in run.stdout
    assert f"== 目録 / catalog: {out / 'data' / 'catalog.jsonld'}" in run.stdout

    assert {p.name for p in (out / "data" / "2022").iterdir()} == YEAR_FILES
    assert (out / "data" / "catalog.jsonld").is_file() and (out / "data" / "141500_open_data_list.csv").is_file()
    assert (out / "site" / "index.html").is_file() and (out / "site" / "2022" / "index.html").is_file()
    projects = read_csv(out / "data" / "2022" / "141500_ict_projects_2022.csv")
    assert projects[0] == projects_fields()
    assert [row[projects[0].index("ID")] for row in projects[1:]] == ["1", "2", "3"]

    # Nothing changed: the year is not built again and the release stays as it was.
    before = files_of(out)
    again = run_cli("publish", "--raw", str(SMALL), "--out", str(out), home=tmp_path / "home")
    assert again.returncode == 0, again.stderr
    assert (
        "== 2022年度: 前回の公開と原本もコードも同じため、作り直しません / unchanged since the last release"
        in again.stdout
    )
    assert "公開しました" not in again.stdout
    assert files_of(out) == before

    # Built again on request: the same input gives the same bytes.
    forced = run_cli("publish", "--raw", str(SMALL), "--out", str(out), "--force", home=tmp_path / "home")
    assert forced.returncode == 0, forced.stderr
    assert "公開しました / published" in forced.stdout
    assert files_of(out) == before


def test_publish_of_a_year_with_no_folder_names_the_years_there_are_and_writes_nothing(tmp_path):
    out = tmp_path / "published"
    run = run_cli("publish", "--raw", str(SMALL), "--out", str(out), "--year", "1999", home=tmp_path / "home")
    assert_clear_error(
        run,
        f"{SMALL} に 1999 年度のフォルダがありません（あるのは 2022）。",
        f"No folder for [1999] in {SMALL} (found [2022]).",
    )
    assert not out.exists()


def test_review_prints_the_years_report_and_writes_nothing(tmp_path):
    before = files_of(SMALL)
    run = run_cli("review", "--raw", str(SMALL), "--year", "2022", home=tmp_path / "home")
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("# 確認レポート 令和4年度（2022年度）\n")
    assert "| 事業数 | 3 |" in run.stdout
    assert "## 要確認の項目" in run.stdout
    assert files_of(SMALL) == before
    assert list(tmp_path.iterdir()) == []


def test_review_of_a_year_with_no_folder_is_a_clear_error(tmp_path):
    run = run_cli("review", "--raw", str(SMALL), "--year", "1999", home=tmp_path / "home")
    assert_clear_error(run, "1999", "1999")


def test_review_needs_a_year(tmp_path):
    run = run_cli("review", "--raw", str(SMALL), home=tmp_path / "home")
    assert run.returncode == 2
    assert "--year" in run.stderr and "Traceback" not in run.stderr


def test_template_filled_with_a_year_is_a_csv_of_the_lists_columns(tmp_path):
    out = tmp_path / "intake.csv"
    run = run_cli("template", "--raw", str(SMALL), "--year", "2022", "--out", str(out), home=tmp_path / "home")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == f"テンプレート（2022年度の3事業を記入済み）を書き出しました / template written: {out}"
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # with a BOM, so that Excel reads it as UTF-8
    rows = read_csv(out)
    assert rows[0] == list(COLUMNS)
    assert [row[0] for row in rows[1:]] == ["1", "2", "3"]


def test_the_empty_template_is_a_workbook_with_the_header_only(tmp_path):
    out = tmp_path / "intake.xlsx"
    run = run_cli("template", "--out", str(out), home=tmp_path / "home")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == f"テンプレート（空）を書き出しました / template written: {out}"
    sheet = openpyxl.load_workbook(out, read_only=True).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True) if any(v is not None for v in r)]
    assert rows == [list(COLUMNS)]


@pytest.mark.parametrize("name", ["intake.txt", "intake"])
def test_a_template_file_name_without_csv_or_xlsx_is_refused_and_nothing_is_written(tmp_path, name):
    out = tmp_path / name
    run = run_cli("template", "--out", str(out), home=tmp_path / "home")
    assert_clear_error(
        run, "出力ファイルの拡張子は .csv か .xlsx にしてください。", "The output file must end in .csv or .xlsx."
    )
    assert not out.exists()


def test_importing_the_pipeline_keeps_numpy_from_starting_openblas_threads():
    """The pipeline does no linear algebra; OpenBLAS's extra threads only busy-wait (pipeline/__init__.py). A
    thread count the user sets stays."""
    code = (
        "import os, pipeline, pandas; print(len(os.listdir('/proc/self/task')), os.environ.get('OPENBLAS_NUM_THREADS'))"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["1", "1"]  # the process's only thread is the main one
    env["OPENBLAS_NUM_THREADS"] = "2"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert run.stdout.split()[1] == "2"
