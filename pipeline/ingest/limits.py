"""The limits every input reader applies, stated once (docs/reliability.md has the table).

Each bounds what a reader takes in before it spends memory on it, so a file that is not the list, or one
built to exhaust memory (a zip bomb, a YAML alias bomb, one far-away spreadsheet cell), stops the run at once
with a clear error instead of running out of memory. Each limit is far above what a real year needs.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import PipelineError, SourceFormatError

MAX_SOURCE_BYTES = 20_000_000
"""A source file (text, CSV or XLSX). A year's list is about 80 kB."""
MAX_CELL_CHARS = 10_000
"""One cell or one corrected value. The longest cell of the FY2022 list has 550 characters."""
MAX_ROW_CELLS = 24
"""Non-empty cells in a project's row: the list has 20 columns (a duplicated status cell or two may add one)."""
MAX_PROJECTS = 5_000
"""Project rows in a year (FY2022 has 34; the benchmarks use 500)."""
MAX_XLSX_UNCOMPRESSED = 100_000_000
"""The declared uncompressed size of all members of an XLSX (a zip file): a zip bomb stops before unpacking."""
MAX_XLSX_MEMBERS = 1_000
"""Members of an XLSX zip file (a template has about ten)."""
MAX_SHEET_ROWS = MAX_PROJECTS + 1
"""Rows of the template's sheet that may hold a value: the header and one row per project."""
MAX_SHEET_COLUMNS = 64
"""Columns of the template's sheet that may hold a value (the template has 20)."""
MAX_PDF_PAGES = 200
"""The FY2022 list has 7 A3 pages; a PDF with hundreds of pages is not the list."""
MAX_YAML_BYTES = 1_000_000
"""provenance.yaml and corrections.yaml (FY2022's corrections are under 4 kB)."""
MAX_CORRECTIONS = 2_000
"""Entries in a corrections file."""


def too_large(size: int, limit: int, file: str, unit_ja: str = "バイト", unit_en: str = "bytes") -> SourceFormatError:
    return SourceFormatError(
        f"ファイルが大きすぎます（{size:,} {unit_ja}、上限 {limit:,} {unit_ja}）。正しいファイルか確認してください。",
        f"The file is too large ({size:,} {unit_en}, limit {limit:,}). Check that it is the right file.",
        file=file,
    )


def read_input(path: Path, limit: int, error: type[PipelineError] = SourceFormatError) -> bytes:
    """An input file's bytes, refused before reading when larger than ``limit``; a file that cannot be read
    (permissions, a folder in its place, gone) is a PipelineError naming it, not a traceback."""
    try:
        if path.is_dir():
            raise error(
                f"{path.name} がフォルダになっています。ファイルにしてください。",
                f"{path.name} is a folder; it must be a file.",
                file=str(path),
            )
        size = path.stat().st_size
        if size > limit:
            refused = too_large(size, limit, str(path))
            raise error(refused.ja, refused.en, file=str(path))
        return path.read_bytes()
    except OSError as exc:
        raise error(
            f"ファイルを読めません（{exc.strerror}）。ファイルの権限と場所を確認してください。",
            f"The file cannot be read ({exc.strerror}). Check its permissions and location.",
            file=str(path),
        ) from None
