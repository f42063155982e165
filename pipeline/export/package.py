"""datapackage.json of a year's release (Frictionless Data Package v2), generated from schemas/.

Every per-year table is described twice, as its CSV and as its JSON twin, with the Table Schema from
schemas/ (Japanese titles and descriptions, types, constraints, primary and foreign keys), the file's sha256,
size and row count. Dates come from the inputs, never from the clock, so the same inputs give the same bytes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
from frictionless import Package

from pipeline import layout
from pipeline.export.json_text import indented_json
from pipeline.schema import dataset_meta, join_lines, per_year_tables

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
MEDIA_TYPES = {"csv": "text/csv", "json": "application/json"}
FORMAT_NOTES = {
    "csv": "UTF-8（BOM付き）のCSV。1行目が見出し、レコードの区切りはCRLF、引用符はRFC 4180のとおり。"
    "セルの中の箇条書きは改行（LF）で区切り、リストの項目は半角セミコロン（;）で区切る。"
    "表計算ソフトで数式として扱われないよう、= + - @ で始まる文字列の前には ' を1つ付けている（JSONは原本どおり）。",
    "json": "UTF-8（BOMなし）のJSON。同じ名前のCSVと同じレコードの配列で、列名も同じ。整数・真偽値は型のまま、"
    "リストは配列、空欄は null。",
}


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def release_dates(provenance: dict, reviewed: str | None) -> tuple[str, str]:
    """(issued, modified): the source's received date, and the later of it and the corrections' review date."""
    received = str(provenance["received"])
    return received, max(received, str(reviewed)) if reviewed else received


def dictionary_file_name(fiscal_year: int) -> str:
    return layout.dictionary_file_name(fiscal_year)


def table_file_names(fiscal_year: int) -> list[str]:
    return [f"{spec.file_stem(fiscal_year)}.{fmt}" for spec in per_year_tables() for fmt in ("csv", "json")]


def datapackage(
    fiscal_year: int,
    files: dict[str, bytes],
    frames: dict[str, pd.DataFrame],
    provenance: dict,
    dates: tuple[str, str],
    build: str,
) -> dict:
    """The release's descriptor; ``build`` is the digest of the inputs and code it was built from."""
    meta = dataset_meta(fiscal_year)
    issued, modified = dates
    resources = []
    for spec in per_year_tables():
        stem = spec.file_stem(fiscal_year)
        for fmt in ("csv", "json"):
            data = files[f"{stem}.{fmt}"]
            resource = {
                "name": stem if fmt == "csv" else f"{stem}_json",
                "type": "table" if fmt == "csv" else "json",
                "path": f"{stem}.{fmt}",
                "format": fmt,
                "mediatype": MEDIA_TYPES[fmt],
                "encoding": "utf-8",
                "title": f"{spec.title}（{fmt.upper()}）",
                "description": f"{spec.description} {FORMAT_NOTES[fmt]}",
                "hash": f"sha256:{sha256_hex(data)}",
                "bytes": len(data),
            }
            if fmt == "csv":
                resource["rows"] = len(frames[spec.key])
                resource["dialect"] = {"header": True, "delimiter": ",", "quoteChar": '"', "doubleQuote": True}
                resource["bom"] = True
                resource["formulaEscape"] = "a text cell starting with = + - @ TAB or CR is prefixed with one '"
            else:
                # frictionless reads JSON tables without counting bytes, so it could not check this file's hash;
                # described as JSON, its hash and size are checked, and the tests compare it with the CSV twin.
                resource["twinOf"] = stem
            resource["schema"] = spec.frictionless_schema(fiscal_year)
            resources.append(resource)
    source = {
        "title": provenance["title"],
        "publisher": provenance["publisher"],
        "description": join_lines(str(provenance["description"])),
        "sha256": provenance["sha256"],
        "obtained": join_lines(str(provenance["obtained"])),
    }
    if provenance.get("source_url"):
        source["path"] = provenance["source_url"]
    return {
        "$schema": PROFILE,
        "name": meta.name,
        "title": meta.title,
        "description": meta.description,
        "keywords": list(meta.keywords),
        "licenses": [{"name": meta.license_name, "path": meta.license_path, "title": meta.license_title}],
        "attribution": meta.attribution,
        "processedNote": meta.processed_note,
        "sourceTerms": join_lines(str(provenance["terms"])),
        "sources": [source],
        "publisher": meta.publisher,
        "fiscalYear": fiscal_year,
        "temporalCoverage": {"start": f"{fiscal_year}-04-01", "end": f"{fiscal_year + 2}-03-31"},
        "issued": issued,
        "modified": modified,
        "buildDigest": build,
        "resources": resources,
    }


def datapackage_bytes(descriptor: dict) -> bytes:
    return (indented_json(descriptor, 2) + "\n").encode("utf-8")


def validate_package(path: Path):
    """Validate a datapackage.json and the files it describes with frictionless (as `frictionless validate`)."""
    return Package(str(path)).validate()


def frictionless_errors(report) -> list[str]:
    return [f"{task.name}: {error.message}" for task in report.tasks for error in task.errors] + [
        error.message for error in report.errors
    ]
