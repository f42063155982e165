"""The reviewed corrections of a fiscal year: raw/<FY>/corrections.yaml.

Each entry names the project, the field, the text the field holds now (``original``), the new ``value`` and
the ``reason`` a reviewer can check against the source. Two kinds:

* a **value correction** replaces the text of a field (an OCR slip, a garbled status). With
  ``value`` equal to ``original`` it confirms a flagged value without changing it;
* a **placement correction** also names a source ``cell`` (its reference in the review report, e.g.
  ``p2:L21:c16``): that cell belongs in ``field``. The aligner then lays the project's other cells out
  around it, so one entry also settles the cells the displaced one pushed aside. ``original`` is what the
  automatic alignment put in ``field``; ``value`` is the cell's text.

An entry whose ``original`` (or cell text) no longer matches is stale: the run stops and says which entry,
because the source or the alignment changed since it was reviewed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline import columns as col
from pipeline.core.align import AlignedRow
from pipeline.core.cell_types import Status, parse_category
from pipeline.core.normalise import normalise_text, split_departments
from pipeline.core.records import CATEGORY_CODE, EDITED, FieldValue, ProjectRecord, category_code, value_of_cells
from pipeline.errors import CorrectionError
from pipeline.ingest.limits import MAX_CELL_CHARS, MAX_CORRECTIONS
from pipeline.ingest.yaml_input import line_of, read_yaml, real_date, unknown_keys

CORRECTABLE_FIELDS = tuple(c for c in col.COLUMNS if c != col.ID)
_CELL_REF = re.compile(r"p\d+:L\d+:c\d+")


@dataclass(frozen=True)
class Correction:
    number: int
    project: int
    field: str
    original: str
    value: str
    reason: str
    cell: str = ""

    @property
    def id(self) -> str:
        return f"訂正{self.number}"

    @property
    def is_placement(self) -> bool:
        return bool(self.cell)


def _error(file: str, number: int | None, ja: str, en: str, **where) -> CorrectionError:
    prefix_ja = f"訂正ファイルの{number}番目の項目: " if number else "訂正ファイル: "
    prefix_en = f"Correction #{number}: " if number else "Corrections file: "
    return CorrectionError(prefix_ja + ja, prefix_en + en, file=file, **where)


TOP_LEVEL_KEYS = ("reviewed", "corrections", "confirm_project_count")
ENTRY_KEYS = ("project", "field", "original", "value", "reason", "cell")


def read_corrections_file(path: Path) -> dict:
    """The corrections file's top level, checked: a mapping of known keys only (a misspelt ``correction:`` or
    a bare list would otherwise publish the uncorrected data). A missing or empty file is an empty mapping."""
    if not path.exists() and not path.is_symlink():
        return {}
    file = str(path)
    data = read_yaml(path, CorrectionError)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise _error(
            file,
            None,
            "いちばん上は「reviewed:」「corrections:」などのキーを持つ対応表にしてください（リストではなく）。",
            "the top level must be a mapping with the keys reviewed, corrections (not a list).",
        )
    unknown = unknown_keys(data, TOP_LEVEL_KEYS)
    if unknown:
        raise _error(
            file,
            None,
            f"知らないキー {', '.join(unknown)} があります（使えるキー: {', '.join(TOP_LEVEL_KEYS)}）。綴りを確認してください。",
            f"unknown key(s) {', '.join(unknown)} (allowed: {', '.join(TOP_LEVEL_KEYS)}). Check the spelling.",
            line=line_of(path, unknown[0]),
        )
    return data


def load_corrections(path: Path) -> list[Correction]:
    """Read and check the structure of a corrections file; a missing file means no corrections."""
    # Imported here: pipeline.schema brings pandas and pandera, which the command's parent process, checking the
    # files with read_corrections before any run (pipeline.raw.check_year_inputs), does not load.
    from pipeline.schema import join_lines

    return [replace(c, reason=join_lines(c.reason)) for c in read_corrections(path)]


def read_corrections(path: Path) -> list[Correction]:
    """The corrections of a file, checked, each reason as written (load_corrections joins its lines)."""
    file = str(path)
    data = read_corrections_file(path)
    entries = data.get("corrections")
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise _error(
            file,
            None,
            "corrections: の下は項目のリストにしてください。",
            "corrections must be a list.",
            line=line_of(path, "corrections"),
        )
    if len(entries) > MAX_CORRECTIONS:
        raise _error(
            file,
            None,
            f"訂正が多すぎます（{len(entries):,}件、上限 {MAX_CORRECTIONS:,}件）。",
            f"too many corrections ({len(entries):,}, limit {MAX_CORRECTIONS:,}).",
        )
    corrections = []
    seen: dict[tuple[int, str], int] = {}
    for number, entry in enumerate(entries, start=1):
        corrections.append(_parse_entry(entry, number, file))
        key = (corrections[-1].project, corrections[-1].field)
        if key in seen:
            raise _error(
                file,
                number,
                f"事業No.{key[0]}の項目「{key[1]}」の訂正は{seen[key]}番目にもあります。1つにまとめてください。",
                f"project {key[0]} field {key[1]} is already corrected by entry #{seen[key]}.",
            )
        seen[key] = number
    return corrections


def review_date(path: Path) -> str | None:
    """The ``reviewed:`` date at the top of a corrections file (None when there is no file or no date)."""
    reviewed = read_corrections_file(path).get("reviewed")
    if reviewed is None:
        return None
    date = real_date(reviewed)
    if date is None:
        raise CorrectionError(
            f"訂正ファイルの reviewed（レビュー日）は実在する日付 YYYY-MM-DD で書いてください（{reviewed!r}）。",
            f"reviewed must be a real date YYYY-MM-DD (found {reviewed!r}).",
            file=str(path),
            line=line_of(path, "reviewed"),
            field="reviewed",
        )
    return date.isoformat()


def confirmed_project_count(path: Path) -> int | None:
    """``confirm_project_count: N``: the operator's confirmation that the year now has N projects, when that is
    far fewer than its last release had (pipeline.raw.check_project_count)."""
    value = read_corrections_file(path).get("confirm_project_count")
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise CorrectionError(
            f"訂正ファイルの confirm_project_count は事業の数（整数）にしてください（{value!r}）。",
            f"confirm_project_count must be the number of projects, an integer (found {value!r}).",
            file=str(path),
            line=line_of(path, "confirm_project_count"),
            field="confirm_project_count",
        )
    return value


def _parse_entry(entry: object, number: int, file: str) -> Correction:
    if not isinstance(entry, dict):
        raise _error(
            file, number, "project, field, original, value, reason を持つ項目にしてください。", "not a mapping."
        )
    missing = [k for k in ("project", "field", "original", "value", "reason") if k not in entry]
    if missing:
        raise _error(file, number, f"{', '.join(missing)} がありません。", f"missing {', '.join(missing)}.")
    unknown = unknown_keys(entry, ENTRY_KEYS)
    if unknown:
        raise _error(
            file,
            number,
            f"知らないキー {', '.join(unknown)} があります（使えるキー: {', '.join(ENTRY_KEYS)}）。",
            f"unknown key(s) {', '.join(unknown)} (allowed: {', '.join(ENTRY_KEYS)}).",
        )
    project, field = entry["project"], entry["field"]
    if not isinstance(project, int) or isinstance(project, bool):
        raise _error(
            file, number, f"project は事業番号（整数）にしてください（{project!r}）。", "project must be an integer."
        )
    if field not in CORRECTABLE_FIELDS:
        raise _error(
            file,
            number,
            f"項目「{field}」は訂正できる項目ではありません（{'、'.join(CORRECTABLE_FIELDS)}）。",
            f"field {field!r} cannot be corrected.",
            project=project,
        )
    reason = entry["reason"]
    if not isinstance(reason, str) or not reason.strip():
        raise _error(
            file,
            number,
            "reason（訂正の理由）を書いてください。原本で確かめられる根拠が必要です。",
            "reason must say why, checkable against the source.",
            project=project,
            field=field,
        )
    cell = entry.get("cell") or ""
    if cell and not _CELL_REF.fullmatch(str(cell)):
        raise _error(
            file,
            number,
            f"cell は確認レポートのセル位置（例: p2:L21:c16）にしてください（{cell!r}）。",
            "cell must be a cell reference such as p2:L21:c16.",
            project=project,
            field=field,
        )
    for key in ("original", "value", "reason"):
        text = entry[key]
        if text is not None and (not isinstance(text, str | int | float) or isinstance(text, bool)):
            raise _error(
                file,
                number,
                f"{key} は文字列にしてください（{type(text).__name__} が書かれています）。",
                f"{key} must be text (found a {type(text).__name__}).",
                project=project,
                field=field,
            )
        if isinstance(text, str) and len(text) > MAX_CELL_CHARS:
            raise _error(
                file,
                number,
                f"{key} が{len(text):,}字あり、長すぎます（上限{MAX_CELL_CHARS:,}字、原本のセルと同じ）。",
                f"{key} has {len(text):,} characters, more than {MAX_CELL_CHARS:,} (the limit of a source cell).",
                project=project,
                field=field,
            )
    original = "" if entry["original"] is None else str(entry["original"])
    value = "" if entry["value"] is None else str(entry["value"])
    return Correction(number, project, field, original, value, reason, str(cell))


def same_value(field: str, a: str, b: str) -> bool:
    return published_form(field, a) == published_form(field, b)


def _shorten(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _stale(c: Correction, file: str, expected: str, actual: str, what: str) -> CorrectionError:
    return _error(
        file,
        c.number,
        f"古くなっています。{what}は「{_shorten(expected)}」のはずですが、現在は「{_shorten(actual)}」です。"
        "原本か列の割り当てが変わったため、この訂正を見直してください。",
        f"stale: expected {what} {_shorten(expected)!r}, found {_shorten(actual)!r}. Review this correction.",
        project=c.project,
        field=c.field,
    )


def placement_pins(
    corrections: list[Correction], automatic: dict[int, AlignedRow], file: str
) -> dict[int, dict[str, str]]:
    """Check each placement correction against the automatic alignment and return the cells to pin."""
    pins: dict[int, dict[str, str]] = {}
    for c in corrections:
        if not c.is_placement:
            continue
        row = _aligned(automatic, c, file)
        cell = next((x for x in row.row.cells if x.ref == c.cell), None)
        if cell is None:
            raise _error(
                file,
                c.number,
                f"セル {c.cell} は事業No.{c.project}の行にありません。",
                f"cell {c.cell} is not in project {c.project}'s row.",
                project=c.project,
                field=c.field,
            )
        if not same_value(c.field, cell.text, c.value):
            raise _stale(c, file, c.value, normalise_text(cell.text), f"セル {c.cell} の内容")
        before = str(value_of_cells(c.field, row.cells_in(c.field)))
        if not same_value(c.field, before, c.original):
            raise _stale(c, file, c.original, before, "自動割り当てでのこの項目の値")
        pins.setdefault(c.project, {})[c.cell] = c.field
    return pins


def _aligned(automatic: dict[int, AlignedRow], c: Correction, file: str) -> AlignedRow:
    if c.project not in automatic:
        raise _error(
            file,
            c.number,
            f"事業No.{c.project}は事業一覧にありません。",
            f"project {c.project} is not in the list.",
            project=c.project,
            field=c.field,
        )
    return automatic[c.project]


def apply_value_corrections(
    records: dict[int, ProjectRecord], corrections: list[Correction], file: str
) -> dict[int, ProjectRecord]:
    """Apply value corrections (and confirmations) to the records; a stale entry stops the run."""
    out = dict(records)
    for c in corrections:
        if c.is_placement:
            continue
        if c.project not in out:
            raise _error(
                file,
                c.number,
                f"事業No.{c.project}は事業一覧にありません。",
                f"project {c.project} is not in the list.",
                project=c.project,
                field=c.field,
            )
        record = out[c.project]
        current = record.fields[c.field]
        if not same_value(c.field, str(current.value), c.original):
            raise _stale(c, file, c.original, str(current.value), "この項目の現在の値")
        fields = dict(record.fields)
        new_value = _corrected_value(c, file)
        fields[c.field] = FieldValue(new_value, current.cells, EDITED, c.id)
        if c.field == col.CATEGORY:
            fields[CATEGORY_CODE] = replace(fields[CATEGORY_CODE], value=category_code(str(new_value)))
        out[c.project] = replace(record, fields=fields)
    return out


def published_form(field: str, text: str) -> str:
    """A value as it is published in ``field``: normalised text, ;-joined departments, a category's name."""
    if field == col.DEPARTMENTS:
        return ";".join(split_departments(text.replace(";", " ")))
    if field in col.STATUS_COLUMNS:
        return text.strip()
    if field == col.CATEGORY:
        parsed = parse_category(text)
        return parsed[1] if parsed else text.strip()
    return normalise_text(text)


def _corrected_value(c: Correction, file: str) -> str:
    if c.field == col.DEPARTMENTS:
        return published_form(c.field, c.value)
    if c.field in col.STATUS_COLUMNS:
        if c.value not in {s.value for s in Status}:
            raise _error(
                file,
                c.number,
                f"状況は {'・'.join(s.value for s in Status)} のどれかにしてください（{c.value!r}）。",
                "status must be one of the four labels.",
                project=c.project,
                field=c.field,
            )
        return c.value
    if c.field == col.CATEGORY:
        parsed = parse_category(c.value)
        if parsed is None:
            raise _error(
                file,
                c.number,
                f"事業区分は「重点事業 (A)」のように書いてください（{c.value!r}）。",
                "category must read like 重点事業 (A).",
                project=c.project,
                field=c.field,
            )
        return parsed[1]
    return normalise_text(c.value)


def resolve_flags(record: ProjectRecord, corrections: list[Correction]) -> ProjectRecord:
    """Mark the record's flags that a reviewed correction settled."""
    mine = [c for c in corrections if c.project == record.project]
    pinned = {c.cell: c for c in mine if c.is_placement}
    by_field = {c.field: c for c in mine if not c.is_placement}
    flags = []
    for flag in record.flags:
        settled = by_field.get(flag.field)
        if settled is None and flag.cells and all(ref in pinned for ref in flag.cells):
            settled = pinned[flag.cells[0]]
        flags.append(replace(flag, resolved_by=settled.id) if settled else flag)
    return replace(record, flags=flags)
