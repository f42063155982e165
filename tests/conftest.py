"""Shared fixtures: the real FY2022 source and small helpers to build sources in code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
FY2022_SOURCE = RAW / "2022" / "ict_strategy_project_list_r4.txt"

HEADER_1 = (
    "事業管理\t事業名\t事業の所管課\t現状の課題\t事業目的・内容\t事業実施による効果\t令和4年度PLAN\t\t令和4年度DO\t\t"
    "令和4年度CHECK\t\t令和4年度ACT\t令和5年度PLAN\t\t令和5年度DO\t令和4年度事業区分の評価(年次)\t"
)
HEADER_2 = (
    "\t\t\t\t\t\t行動目標\t成果指標\t年度事業内容\t成果指標結果\t上半期実績\t年次実績\t来期取組\t行動目標\t成果指標\t"
    "年度事業内容\t所管課評価\tICT戦略調整委員会からの意見等"
)
TITLE = "別紙1 相模原市ICT総合戦略 事業一覧 (R4取組結果・所管課評価、事務局評価)"


def make_source(*rows: str, title: str = TITLE, header1: str = HEADER_1, header2: str = HEADER_2) -> bytes:
    """A one-page source with the given project rows (tab-separated strings)."""
    return "\n".join(["", title, "", header1, header2, *rows, ""]).encode("utf-8")


@pytest.fixture(scope="session")
def fy2022_bytes() -> bytes:
    return FY2022_SOURCE.read_bytes()


def run_cli(*args: str, home: Path) -> subprocess.CompletedProcess:
    """`python -m pipeline …` as an operator runs it, with its own Dagster home."""
    env = {**os.environ, "DAGSTER_HOME": str(home), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=600
    )


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> Path:
    """The real FY2022 published once for the session: published/data and published/site."""
    out = tmp_path_factory.mktemp("published")
    run = run_cli("publish", "--out", str(out), home=out.parent / "home-published")
    assert run.returncode == 0, run.stderr
    return out


@pytest.fixture(scope="session")
def published_hostile(tmp_path_factory) -> Path:
    """A release whose cells hold HTML, script, Markdown and template syntax."""
    out = tmp_path_factory.mktemp("hostile")
    run = run_cli(
        "publish", "--raw", str(FIXTURES / "raw_hostile"), "--out", str(out), home=out.parent / "home-hostile"
    )
    assert run.returncode == 0, run.stderr
    return out
