"""raw/<FY>/: the fiscal year's source exactly as received, its provenance sidecar and the reviewed corrections.

A folder ``raw/2022`` holds one source file (the PDF-extracted text), ``provenance.yaml`` (what the file is,
who published it, how it was obtained, its sha256) and optionally ``corrections.yaml``. The first thing the
pipeline does is check that the source is still the file the sidecar describes.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline.core.normalise import nfkc
from pipeline.errors import PipelineError, SourceFormatError
from pipeline.ingest.limits import MAX_SOURCE_BYTES, read_input
from pipeline.ingest.yaml_input import line_of, read_yaml, real_date, unknown_keys
from pipeline.paths import PROJECT_ROOT

PROVENANCE_FILE = "provenance.yaml"
CORRECTIONS_FILE = "corrections.yaml"
SOURCE_SUFFIXES = (".pdf", ".txt", ".csv", ".xlsx")
_YEAR_DIR = re.compile(r"(20\d\d)")
REQUIRED_PROVENANCE = ("file", "sha256", "title", "publisher", "description", "obtained", "received", "terms")
OPTIONAL_PROVENANCE = {
    "bytes": int,
    "publisher_code": str,
    "fiscal_year": int,
    "next_fiscal_year": int,
    "format": str,
    "original_filename": str,
    "source_url": (str, type(None)),
    "source_url_note": str,
}
_TEXT_PROVENANCE = ("file", "title", "publisher", "description", "obtained", "terms")
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")
# A folder name that is meant as a fiscal year but is not exactly one: "2023 ", "2023年度", "R5", "令和5年度".
_YEARISH = re.compile(r"(19|20)\d\d|^(R|令和|H|平成)\s*\d{1,2}|年度", re.IGNORECASE)


@dataclass(frozen=True)
class RawYear:
    fiscal_year: int
    source: Path
    data: bytes
    provenance: dict
    corrections: Path


def fiscal_years(raw_dir: Path) -> list[int]:
    """The fiscal years present in raw/: folders named by the year (e.g. raw/2022)."""
    if not raw_dir.is_dir():
        return []
    return sorted(int(p.name) for p in raw_dir.iterdir() if p.is_dir() and _YEAR_DIR.fullmatch(p.name))


def check_year_folders(raw_dir: Path) -> None:
    """Stop on a folder of raw/ that looks like a fiscal year but is not named exactly as one (``2023 ``,
    ``2023年度``, ``R5``): it would otherwise be skipped without a word and its year never published."""
    if not raw_dir.is_dir():
        return
    odd = sorted(
        p.name
        for p in raw_dir.iterdir()
        if p.is_dir()
        and not p.name.startswith(".")
        and not _YEAR_DIR.fullmatch(p.name)
        and _YEARISH.search(nfkc(p.name))
    )
    if odd:
        names = "、".join(f"「{n}」" for n in odd)
        raise PipelineError(
            f"{raw_dir} のフォルダ {names} は年度のように見えますが、年度のフォルダ名（西暦4桁だけ、例: 2023）"
            "ではないため読めません。名前を直すか、raw/ の外へ移してください。",
            f"The folder(s) {', '.join(repr(n) for n in odd)} in {raw_dir} look like a fiscal year but are not named "
            "as one (four digits only, e.g. 2023). Rename them or move them out of raw/.",
            file=str(raw_dir / odd[0]),
        )


def find_source(year_dir: Path) -> Path:
    """The one source file of a year folder; none or several is an error the operator must resolve."""
    if not year_dir.is_dir():
        raise SourceFormatError(
            f"{year_dir.parent} に {year_dir.name} 年度のフォルダがありません。年度は西暦4桁のフォルダ名で置いてください。",
            f"No folder for fiscal year {year_dir.name} in {year_dir.parent}: put the year's files in a folder named "
            "by its four-digit year.",
            file=str(year_dir),
        )
    candidates = sorted(p for p in year_dir.iterdir() if p.is_file() and p.suffix.lower() in SOURCE_SUFFIXES)
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise SourceFormatError(
            f"{year_dir} に事業一覧のファイル（{'・'.join(SOURCE_SUFFIXES)}）がありません。",
            f"No source file ({', '.join(SOURCE_SUFFIXES)}) in {year_dir}.",
            file=str(year_dir),
        )
    names = "、".join(p.name for p in candidates)
    raise SourceFormatError(
        f"{year_dir} に事業一覧の候補が{len(candidates)}つあります（{names}）。使う1つだけを残してください。",
        f"{len(candidates)} candidate source files in {year_dir} ({names}); keep exactly one.",
        file=str(year_dir),
    )


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def inputs_digest(raw_dir: Path, fiscal_year: int) -> str:
    """One hash of a year's inputs: its source, provenance and corrections."""
    year_dir = raw_dir / str(fiscal_year)
    try:
        parts = [f"{p.name}:{sha256(p.read_bytes())}" for p in sorted(year_dir.iterdir()) if p.is_file()]
    except OSError as exc:
        raise SourceFormatError(
            f"{year_dir} のファイルを読めません（{exc.strerror}）。ファイルの権限を確認してください。",
            f"A file in {year_dir} cannot be read ({exc.strerror}). Check its permissions.",
            file=exc.filename or str(year_dir),
        ) from None
    return sha256("\n".join(parts).encode())


CODE = ("pipeline/**/*.py", "schemas/*.yaml", "site/**/*", "requirements.lock")


@cache
def code_digest() -> str:
    """One hash of the code and configuration that shape a release (pipeline, schemas, site, locked versions)."""
    # Bytecode caches come and go with how Python was run; they must not change the digest.
    files = sorted(
        {p for pattern in CODE for p in PROJECT_ROOT.glob(pattern) if p.is_file() and "__pycache__" not in p.parts}
    )
    return sha256("\n".join(f"{p.relative_to(PROJECT_ROOT)}:{sha256(p.read_bytes())}" for p in files).encode())


def build_digest(raw_dir: Path, fiscal_year: int) -> str:
    """What a year's release was built from: its inputs and the code. Equal digests give identical files,
    so a year whose published digest matches need not be built again."""
    return sha256(f"{inputs_digest(raw_dir, fiscal_year)}\n{code_digest()}".encode())


def read_raw_year(raw_dir: Path, fiscal_year: int) -> RawYear:
    """Read a year's source and check it against its provenance sidecar."""
    check_year_folders(raw_dir)
    year_dir = raw_dir / str(fiscal_year)
    source = find_source(year_dir)
    data = read_input(source, MAX_SOURCE_BYTES)
    provenance = read_provenance(year_dir / PROVENANCE_FILE)
    if provenance["file"] != source.name:
        raise SourceFormatError(
            f"出所の記録は「{provenance['file']}」のものですが、フォルダの原本は「{source.name}」です。",
            f"The sidecar describes {provenance['file']!r} but the source is {source.name!r}.",
            file=str(year_dir / PROVENANCE_FILE),
            line=line_of(year_dir / PROVENANCE_FILE, "file"),
        )
    actual = sha256(data)
    # Compared without regard to case: PowerShell's Get-FileHash prints the digest in capitals.
    if actual != provenance["sha256"]:
        raise SourceFormatError(
            "原本の内容が出所の記録（sha256）と一致しません。原本を差し替えたなら provenance.yaml も更新してください。"
            f"（記録: {provenance['sha256'][:12]}…、実際: {actual[:12]}…）",
            f"The source does not match the sha256 in its sidecar (recorded {provenance['sha256'][:12]}…, "
            f"actual {actual[:12]}…). If you replaced the source, update provenance.yaml too.",
            file=str(source),
        )
    return RawYear(fiscal_year, source, data, provenance, year_dir / CORRECTIONS_FILE)


def check_year_inputs(raw_dir: Path, fiscal_year: int) -> PipelineError | None:
    """The problem with a year's source file, provenance or corrections file that shows without reading the list
    (what raw_list and core_projects would stop on), or None: the command checks this before starting a run."""
    from pipeline.core.corrections import confirmed_project_count, read_corrections, review_date

    try:
        raw = read_raw_year(raw_dir, fiscal_year)
        read_corrections(raw.corrections)
        review_date(raw.corrections)
        confirmed_project_count(raw.corrections)
    except PipelineError as exc:
        return exc
    return None


def read_provenance(sidecar: Path) -> dict:
    """The provenance sidecar, checked: a mapping of known keys, each of its type; sha256 in lower case."""
    file = str(sidecar)
    if not sidecar.exists():
        raise SourceFormatError(
            f"{sidecar} がありません。原本の出所（表題、公表者、入手方法、sha256）を記録してください。",
            f"{sidecar} is missing: record where the source came from (title, publisher, how obtained, sha256).",
            file=file,
        )
    provenance = read_yaml(sidecar)
    if not isinstance(provenance, dict):
        raise SourceFormatError(
            "出所の記録は「キー: 値」の対応表にしてください（file, sha256, title …）。",
            "The provenance sidecar must be a mapping of keys to values (file, sha256, title …).",
            file=file,
        )
    unknown = unknown_keys(provenance, {*REQUIRED_PROVENANCE, *OPTIONAL_PROVENANCE})
    if unknown:
        raise SourceFormatError(
            f"出所の記録に知らないキー {', '.join(unknown)} があります（使えるキー: "
            f"{', '.join([*REQUIRED_PROVENANCE, *OPTIONAL_PROVENANCE])}）。綴りを確認してください。",
            f"Unknown key(s) in the provenance sidecar: {', '.join(unknown)}. Check the spelling.",
            file=file,
            line=line_of(sidecar, unknown[0]),
        )
    missing = [k for k in REQUIRED_PROVENANCE if provenance.get(k) in (None, "")]
    if missing:
        raise SourceFormatError(
            f"出所の記録に {', '.join(missing)} がありません。",
            f"The provenance sidecar lacks {', '.join(missing)}.",
            file=file,
        )

    def wrong(key: str, ja: str, en: str) -> SourceFormatError:
        return SourceFormatError(
            f"出所の記録の {key} は{ja}にしてください（{provenance[key]!r}）。",
            f"{key} must be {en} (found {provenance[key]!r}).",
            file=file,
            line=line_of(sidecar, key),
            field=key,
        )

    for key in _TEXT_PROVENANCE:
        if not isinstance(provenance[key], str):
            raise wrong(key, "文字列", "text")
    for key, kind in OPTIONAL_PROVENANCE.items():
        if key in provenance and (not isinstance(provenance[key], kind) or isinstance(provenance[key], bool)):
            raise wrong(key, "整数" if kind is int else "文字列", "an integer" if kind is int else "text")
    if not isinstance(provenance["sha256"], str) or not _SHA256.fullmatch(provenance["sha256"]):
        raise wrong("sha256", "64桁の16進数の文字列（引用符で囲む）", "64 hexadecimal digits, quoted as text")
    date = real_date(provenance["received"])
    if date is None:
        raise wrong("received", "実在する日付 YYYY-MM-DD", "a real date YYYY-MM-DD")
    return {**provenance, "sha256": provenance["sha256"].lower(), "received": date.isoformat()}


SHRINK_FACTOR = 2
"""A year whose project count falls below 1/SHRINK_FACTOR of its last release stops until the operator confirms."""


def published_project_count(published_csv: Path) -> int | None:
    """The number of projects in a year's last release (rows of its projects CSV), None when there is none."""
    if not published_csv.is_file():
        return None
    with published_csv.open(encoding="utf-8-sig", newline="") as f:
        return max(sum(1 for _ in csv.reader(f)) - 1, 0)


def check_project_count(published_csv: Path, count: int, confirmed: int | None, corrections: Path) -> None:
    """Stop a year that shrinks sharply against its last release (34 projects → 1 is a truncated or wrong file
    far more often than a real change) unless corrections.yaml confirms the new count: confirm_project_count: N."""
    previous = published_project_count(published_csv)
    if previous is None or count * SHRINK_FACTOR >= previous or confirmed == count:
        return
    said = (
        f"（confirm_project_count は {confirmed} ですが、いまの一覧は {count} 事業です）"
        if confirmed is not None
        else ""
    )
    said_en = f" (confirm_project_count says {confirmed}, the list now has {count})" if confirmed is not None else ""
    raise PipelineError(
        f"事業の数が前回の公開の {previous} から {count} に大きく減っています{said}。原本が途中で切れていないか、"
        f"別の一覧でないか確認してください。正しければ {corrections} に confirm_project_count: {count} と書いて"
        "もう一度実行してください。",
        f"The number of projects fell sharply from {previous} in the last release to {count}{said_en}. Check that "
        f"the source is complete and the right list. If it is right, add confirm_project_count: {count} to "
        f"{corrections} and run again.",
        file=str(published_csv),
    )
