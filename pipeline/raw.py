"""raw/<FY>/: the fiscal year's source exactly as received, its provenance sidecar and the reviewed corrections.

A folder ``raw/2022`` holds one source file (the PDF-extracted text), ``provenance.yaml`` (what the file is,
who published it, how it was obtained, its sha256) and optionally ``corrections.yaml``. The first thing the
pipeline does is check that the source is still the file the sidecar describes.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from pipeline.errors import SourceFormatError
from pipeline.ingest.extracted_text import MAX_SOURCE_BYTES
from pipeline.paths import PROJECT_ROOT

PROVENANCE_FILE = "provenance.yaml"
CORRECTIONS_FILE = "corrections.yaml"
SOURCE_SUFFIXES = (".pdf", ".txt", ".csv", ".xlsx")
_YEAR_DIR = re.compile(r"(20\d\d)")
REQUIRED_PROVENANCE = ("file", "sha256", "title", "publisher", "description", "obtained", "received", "terms")


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


def find_source(year_dir: Path) -> Path:
    """The one source file of a year folder; none or several is an error the operator must resolve."""
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
    parts = [f"{p.name}:{sha256(p.read_bytes())}" for p in sorted(year_dir.iterdir()) if p.is_file()]
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
    year_dir = raw_dir / str(fiscal_year)
    source = find_source(year_dir)
    if source.stat().st_size > MAX_SOURCE_BYTES:
        raise SourceFormatError(
            f"ファイルが大きすぎます（{source.stat().st_size:,} バイト、上限 {MAX_SOURCE_BYTES:,} バイト）。"
            "事業一覧のファイルか確認してください。",
            f"The file is too large ({source.stat().st_size:,} bytes, limit {MAX_SOURCE_BYTES:,}). "
            "Check that it is the project list.",
            file=str(source),
        )
    data = source.read_bytes()
    sidecar = year_dir / PROVENANCE_FILE
    if not sidecar.exists():
        raise SourceFormatError(
            f"{sidecar} がありません。原本の出所（表題、公表者、入手方法、sha256）を記録してください。",
            f"{sidecar} is missing: record where the source came from (title, publisher, how obtained, sha256).",
            file=str(sidecar),
        )
    provenance = yaml.safe_load(sidecar.read_text(encoding="utf-8")) or {}
    missing = [k for k in REQUIRED_PROVENANCE if not provenance.get(k)]
    if missing:
        raise SourceFormatError(
            f"出所の記録に {', '.join(missing)} がありません。",
            f"The provenance sidecar lacks {', '.join(missing)}.",
            file=str(sidecar),
        )
    if provenance["file"] != source.name:
        raise SourceFormatError(
            f"出所の記録は「{provenance['file']}」のものですが、フォルダの原本は「{source.name}」です。",
            f"The sidecar describes {provenance['file']!r} but the source is {source.name!r}.",
            file=str(sidecar),
        )
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(provenance["received"])):
        raise SourceFormatError(
            f"出所の記録の received（受領日）は YYYY-MM-DD で書いてください（{provenance['received']!r}）。",
            f"received must be a date YYYY-MM-DD (found {provenance['received']!r}).",
            file=str(sidecar),
        )
    actual = sha256(data)
    if actual != provenance["sha256"]:
        raise SourceFormatError(
            "原本の内容が出所の記録（sha256）と一致しません。原本を差し替えたなら provenance.yaml も更新してください。"
            f"（記録: {provenance['sha256'][:12]}…、実際: {actual[:12]}…）",
            f"The source does not match the sha256 in its sidecar (recorded {provenance['sha256'][:12]}…, "
            f"actual {actual[:12]}…). If you replaced the source, update provenance.yaml too.",
            file=str(source),
        )
    return RawYear(fiscal_year, source, data, provenance, year_dir / CORRECTIONS_FILE)
