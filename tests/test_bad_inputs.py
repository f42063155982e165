"""Every case of the bad-input corpus (tests/fixtures/bad_inputs/cases.yaml) gives exactly its outcome."""

import hashlib
import io
import re
import shutil
import zipfile
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


def _with_source(raw: Path, data: bytes, name: str = "list.txt", year: str = "2022") -> None:
    """Replace the fixture's source in ``raw`` and record its sha256 and size, as an operator would."""
    folder = raw / year
    (folder / name).write_bytes(data)
    sidecar = folder / "provenance.yaml"
    text = re.sub(r"sha256: \w+", f"sha256: {hashlib.sha256(data).hexdigest()}", sidecar.read_text(encoding="utf-8"))
    sidecar.write_text(re.sub(r"bytes: \d+", f"bytes: {len(data)}", text), encoding="utf-8")


def _xlsx_case(raw: Path, change) -> None:
    """The FY2023 intake template (XLSX) with ``change`` made to its workbook."""
    from openpyxl import load_workbook

    shutil.copytree(FIXTURES / "raw_fy2023_xlsx", raw)
    book = load_workbook(raw / "2023" / "list.xlsx")
    change(book["事業一覧"])
    buffer = io.BytesIO()
    book.save(buffer)
    _with_source(raw, buffer.getvalue(), "list.xlsx", "2023")


def _zip_bomb() -> bytes:
    """A valid-looking XLSX (the template's members) plus one member that inflates to 200 MB of zeros."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(FIXTURES / "raw_fy2023_xlsx" / "2023" / "list.xlsx") as template,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for member in template.infolist():
            bomb.writestr(member, template.read(member))
        with bomb.open("xl/media/padding.bin", "w", force_zip64=True) as padding:
            chunk = bytes(1 << 20)
            for _ in range(200):
                padding.write(chunk)
    return buffer.getvalue()


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
    elif name == "corrections_huge_file":
        shutil.copytree(FIXTURES / "raw_small", raw)
        corrections = raw / "2022" / "corrections.yaml"
        text = corrections.read_text(encoding="utf-8")
        corrections.write_text(text.replace("value: 広聴広報課", "value: " + "広" * 3_500_000), encoding="utf-8")
    elif name == "year_folder_trailing_space":
        shutil.copytree(FIXTURES / "raw_small", raw)
        shutil.copytree(raw / "2022", raw / "2023 ")
    elif name == "xlsx_far_cell":
        _xlsx_case(raw, lambda sheet: sheet.cell(row=1_048_576, column=16_384, value="x"))
    elif name == "xlsx_c1_control":
        _xlsx_case(raw, lambda sheet: sheet.cell(row=3, column=2, value="電子\u009b申請"))
    elif name == "xlsx_zip_bomb":
        shutil.copytree(FIXTURES / "raw_fy2023_xlsx", raw)
        _with_source(raw, _zip_bomb(), "list.xlsx", "2023")
    elif name == "csv_huge_field":
        shutil.copytree(FIXTURES / "raw_fy2023_csv", raw)
        text = (raw / "2023" / "list.csv").read_text(encoding="utf-8-sig")
        _with_source(
            raw, ("\ufeff" + text.replace("電子申請の利用促進", "あ" * 200_000, 1)).encode(), "list.csv", "2023"
        )
    elif name.startswith("pdf_"):
        # The PDFs an operator might be handed instead of the list, drawn by tests/fixtures/pdf/make_pdfs.py.
        shutil.copytree(FIXTURES / "raw_pdf", raw)
        _with_source(raw, (FIXTURES / "pdf" / f"bad_{name.removeprefix('pdf_')}.pdf").read_bytes(), "list.pdf")
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
        if case["outcome"] == "flagged":
            assert row["要確認"] == "true"
            for phrase in case["expect"]:
                assert phrase in row["確認事項"]


def test_the_corpus_covers_every_case_on_disk():
    on_disk = {p.name for p in CORPUS.iterdir() if p.is_dir()}
    generated = {name for name, case in CASES.items() if "generated" in case}
    assert on_disk | generated == set(CASES)


@pytest.mark.parametrize("name", ["2023 ", " 2023", "2023年度", "令和5年度", "R5", "r05", "FY2023", "２０２３"])
def test_a_folder_that_looks_like_a_year_is_reported(tmp_path, name):
    from pipeline.errors import PipelineError
    from pipeline.raw import check_year_folders

    (tmp_path / "2022").mkdir()
    (tmp_path / name).mkdir()
    with pytest.raises(PipelineError) as info:
        check_year_folders(tmp_path)
    assert repr(name) in info.value.en and f"「{name}」" in info.value.ja


def test_other_folders_of_raw_are_left_alone(tmp_path):
    from pipeline.raw import check_year_folders

    for name in ("2022", "2023", ".staging", "notes", "archive"):
        (tmp_path / name).mkdir()
    check_year_folders(tmp_path)
