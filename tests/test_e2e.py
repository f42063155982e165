"""Whole runs: the Dagster graph materialized on fixtures, and the operator's command line."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest
from conftest import FIXTURES, RAW, ROOT

from pipeline.assets import ProjectPaths, build_assets, year_partitions
from pipeline.raw import sha256

pytestmark = pytest.mark.e2e


def cli(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DAGSTER_HOME": str(home), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def copy_raw(source: Path, tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(source, raw)
    return raw


def rewrite_source(raw: Path, year: int, data: bytes) -> None:
    """Replace a year's source and update its sidecar, as an operator would."""
    folder = raw / str(year)
    source = next(p for p in folder.iterdir() if p.suffix == ".txt")
    source.write_bytes(data)
    sidecar = folder / "provenance.yaml"
    text = sidecar.read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith("sha256:"))
    sidecar.write_text(text.replace(old, f"sha256: {sha256(data)}"), encoding="utf-8")


def test_graph_materializes_on_the_small_fixture(tmp_path):
    raw = FIXTURES / "raw_small"
    assets = build_assets(year_partitions(raw))
    result = dg.materialize(
        assets,
        partition_key="2022",
        resources={"paths": ProjectPaths(raw_dir=str(raw), out_dir=str(tmp_path))},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    checks = {e.asset_check_key.name: e.passed for e in result.get_asset_check_evaluations()}
    assert checks == {
        "conservation": True,
        "projects_schema": True,
        "frictionless": True,
        "site_links": True,
        "site_no_third_party": True,
        "site_safe": True,
    }
    assert (tmp_path / "site/2022/projects/3/index.html").exists()
    frame = pd.read_csv(
        tmp_path / "data/2022/141500_ict_projects_2022.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False
    )
    assert list(frame["ID"]) == ["1", "2", "3"]
    assert frame.loc[2, "所管課"] == "広聴広報課"
    assert [p.name for p in (tmp_path / ".staging").iterdir() if p.is_dir()] == []  # staged folders were swapped in


def materialize_small(out: Path) -> dg.ExecuteInProcessResult:
    raw = FIXTURES / "raw_small"
    return dg.materialize(
        build_assets(year_partitions(raw)),
        partition_key="2022",
        resources={"paths": ProjectPaths(raw_dir=str(raw), out_dir=str(out))},
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


def test_a_failed_frictionless_check_blocks_the_release(tmp_path, monkeypatch):
    """Fault injection: the CSV writer emits a value outside its enum; frictionless must stop the swap."""
    import pipeline.assembly

    assert materialize_small(tmp_path).success
    before = snapshot(tmp_path / "data")
    real = pipeline.assembly.csv_bytes
    monkeypatch.setattr(pipeline.assembly, "csv_bytes", lambda frame: real(frame).replace(b",CHECK,", b",CHEQUE,"))
    result = materialize_small(tmp_path)
    assert not result.success
    checks = {e.asset_check_key.name: e.passed for e in result.get_asset_check_evaluations()}
    assert checks["frictionless"] is False
    assert "published_release" not in {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert snapshot(tmp_path / "data") == before


def test_cli_publishes_fy2022_deterministically(tmp_path):
    out = tmp_path / "published"
    first = cli("publish", "--out", str(out), home=tmp_path / "home")
    assert first.returncode == 0, first.stderr
    assert "core_projects" in first.stdout and "公開しました" in first.stdout
    release = out / "data" / "2022"
    csv = (release / "141500_ict_projects_2022.csv").read_bytes()
    assert csv.startswith(b"\xef\xbb\xbf\xe5\x85\xa8\xe5\x9b\xbd")  # BOM, then 全国…
    frame = pd.read_csv(
        release / "141500_ict_projects_2022.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False
    )
    assert len(frame) == 34
    before = {p: snapshot(out / p) for p in ("data", "site")}
    again = cli("publish", "--year", "2022", "--out", str(out), "--force", home=tmp_path / "home")
    assert again.returncode == 0, again.stderr
    assert "公開しました" in again.stdout
    assert {p: snapshot(out / p) for p in ("data", "site")} == before
    unchanged = cli("publish", "--out", str(out), home=tmp_path / "home")
    assert unchanged.returncode == 0, unchanged.stderr
    assert "作り直しません" in unchanged.stdout and "core_projects" not in unchanged.stdout


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda b: b.replace(b"\n", b"\r\n"), id="CRLF"),
        pytest.param(lambda b: b"\xef\xbb\xbf" + b, id="BOM"),
        pytest.param(lambda b: b.decode("utf-8").encode("cp932"), id="CP932"),
        pytest.param(lambda b: b.replace(b"\n", b"\t\t\n") + b"\n\n\n", id="trailing tabs and blank lines"),
    ],
)
def test_encoding_variants_publish_the_same_table(tmp_path, variant):
    reference = tmp_path / "reference"
    assert cli("publish", "--out", str(reference), home=tmp_path / "home").returncode == 0
    raw = copy_raw(RAW, tmp_path)
    rewrite_source(raw, 2022, variant((RAW / "2022" / "ict_strategy_project_list_r4.txt").read_bytes()))
    out = tmp_path / "variant"
    run = cli("publish", "--raw", str(raw), "--out", str(out), home=tmp_path / "home")
    assert run.returncode == 0, run.stderr
    name = "data/2022/141500_ict_projects_2022.csv"
    assert (out / name).read_bytes() == (reference / name).read_bytes()


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        pytest.param(lambda raw: rewrite_source(raw, 2022, b""), "ファイルが空です", id="empty source"),
        pytest.param(lambda raw: (raw / "2022" / "list.txt").write_bytes(b"changed"), "sha256", id="unrecorded change"),
        pytest.param(
            lambda raw: (raw / "2022" / "corrections.yaml").write_text(
                "corrections:\n  - {project: 3, field: 所管課, original: 広報課, value: 広聴広報課, reason: 誤記}\n",
                encoding="utf-8",
            ),
            "古くなっています",
            id="stale correction",
        ),
        pytest.param(lambda raw: (raw / "2022" / "other.txt").write_bytes(b"x"), "候補が2つ", id="two sources"),
    ],
)
def test_a_failed_run_leaves_the_last_good_release(tmp_path, breakage, message):
    raw = copy_raw(FIXTURES / "raw_small", tmp_path)
    out = tmp_path / "published"
    assert cli("publish", "--raw", str(raw), "--out", str(out), home=tmp_path / "home").returncode == 0
    before = snapshot(out / "data")
    breakage(raw)
    run = cli("publish", "--raw", str(raw), "--out", str(out), home=tmp_path / "home")
    assert run.returncode == 1
    assert message in run.stderr
    assert "Traceback" not in run.stderr
    assert snapshot(out / "data") == before


def test_a_failed_check_blocks_the_release(tmp_path):
    """A row cut before its category passes ingest but fails the schema check: nothing is published."""
    raw = copy_raw(FIXTURES / "raw_small", tmp_path)
    out = tmp_path / "published"
    assert cli("publish", "--raw", str(raw), "--out", str(out), home=tmp_path / "home").returncode == 0
    before = snapshot(out / "data")
    source = (raw / "2022" / "list.txt").read_bytes().decode("utf-8")
    cut = source.replace("\t重点事業 (A)", "", 1)
    rewrite_source(raw, 2022, cut.encode("utf-8"))
    run = cli("publish", "--raw", str(raw), "--out", str(out), home=tmp_path / "home")
    assert run.returncode == 1
    assert "projects_schema" in run.stderr and "事業No.1 項目「事業区分」" in run.stderr
    assert "published_release" not in run.stdout
    assert "Traceback" not in run.stderr
    assert snapshot(out / "data") == before


def test_unknown_year_is_explained(tmp_path):
    run = cli("publish", "--year", "2031", "--out", str(tmp_path), home=tmp_path / "home")
    assert run.returncode == 1
    assert "2031" in run.stderr and "Traceback" not in run.stderr


def test_definitions_load():
    from pipeline.definitions import defs

    job = defs.resolve_job_def("publish")
    assert "2022" in job.partitions_def.get_partition_keys()
    keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert keys == {
        "raw_list",
        "source_cells",
        "core_projects",
        "release_files",
        "site_build",
        "published_release",
        "release_catalog",
        "site_landing",
    }
