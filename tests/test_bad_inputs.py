"""Every case of the bad-input corpus (tests/fixtures/bad_inputs/cases.yaml) gives exactly its outcome."""

import hashlib
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import FIXTURES, run_cli

pytestmark = pytest.mark.e2e
CORPUS = FIXTURES / "bad_inputs"
CASES = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def last_good(tmp_path_factory) -> Path:
    """A good release of the small fixture: every failing case must leave it exactly as it is."""
    out = tmp_path_factory.mktemp("last_good")
    assert (
        run_cli(
            "publish", "--raw", str(FIXTURES / "raw_small"), "--out", str(out / "published"), home=out / "home"
        ).returncode
        == 0
    )
    return out / "published"


def _with_source(raw: Path, data: bytes) -> None:
    """Replace the small fixture's source in ``raw`` and record its sha256, as an operator would."""
    folder = raw / "2022"
    (folder / "list.txt").write_bytes(data)
    sidecar = folder / "provenance.yaml"
    sidecar.write_text(
        re.sub(r"sha256: \w+", f"sha256: {hashlib.sha256(data).hexdigest()}", sidecar.read_text(encoding="utf-8")),
        encoding="utf-8",
    )


def case_raw(name: str, tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    if name == "huge_cell":
        shutil.copytree(FIXTURES / "raw_small", raw)
        text = (raw / "2022" / "list.txt").read_text(encoding="utf-8").split("\n")
        row = next(i for i, line in enumerate(text) if line.startswith("2\t"))
        cells = text[row].split("\t")
        cells[3] = "あ" * 1_048_576
        text[row] = "\t".join(cells)
        _with_source(raw, "\n".join(text).encode("utf-8"))
    elif name == "huge_file":
        shutil.copytree(FIXTURES / "raw_small", raw)
        with (raw / "2022" / "list.txt").open("r+b") as f:
            f.truncate(100 * 1024 * 1024)
    else:
        shutil.copytree(CORPUS / name, raw)
    return raw


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input(name, tmp_path, last_good):
    case = CASES[name]
    out = tmp_path / "published"
    shutil.copytree(last_good, out)
    before = snapshot(out)
    run = run_cli("publish", "--raw", str(case_raw(name, tmp_path)), "--out", str(out), home=tmp_path / "home")
    assert "Traceback" not in run.stderr
    if case["outcome"] == "error":
        for phrase in case["expect"]:
            assert phrase in run.stderr, (phrase, run.stderr[-2000:])
        assert run.returncode == 1
        assert snapshot(out) == before
    else:
        assert run.returncode == 0, run.stderr
        projects = pd.read_csv(
            out / "data/2022/141500_ict_projects_2022.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False
        )
        row = projects[projects["ID"] == str(case["project"])].iloc[0]
        assert row[case["field"]] == case["value"]
        assert row["要確認"] == "true"
        for phrase in case["expect"]:
            assert phrase in row["確認事項"]


def test_the_corpus_covers_every_case_on_disk():
    on_disk = {p.name for p in CORPUS.iterdir() if p.is_dir()}
    generated = {name for name, case in CASES.items() if "generated" in case}
    assert on_disk | generated == set(CASES)
