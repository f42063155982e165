"""Measure the aligner against a person's reading of the same rows.

    python -m pipeline.core.evaluate [READING] [SOURCE]

defaults to tests/fixtures/fy2022_reading.yaml and raw/ (the year is the reading's). It reports how many cells and fields the
automatic alignment (no corrections) places as the person does, and whether every cell it gets wrong is
flagged for review — the property that matters most: a wrong value must never be published silently.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from pipeline import columns as col
from pipeline.core.align import DUPLICATE, AlignedRow, align_row
from pipeline.core.flags import Severity

CODES = {
    "IS": col.ISSUES,
    "PU": col.PURPOSE,
    "EF": col.EFFECTS,
    "pg": col.PLAN_GOAL,
    "pk": col.PLAN_INDICATOR,
    "da": col.DO_WORK,
    "dr": col.DO_RESULT,
    "S1": col.H1_STATUS,
    "t1": col.H1_TEXT,
    "S2": col.FY_STATUS,
    "t2": col.FY_TEXT,
    "AC": col.ACT,
    "ng": col.NEXT_GOAL,
    "nk": col.NEXT_INDICATOR,
    "nw": col.NEXT_WORK,
    "K": col.CATEGORY,
    "CM": col.COMMENT,
    "DU": DUPLICATE,
}
LEADING = ((col.ID,), (col.NAME,), (col.DEPARTMENTS,))


def load_reading(path: Path) -> dict[int, list[tuple[str, ...]]]:
    """Per project, per cell, the columns a person accepts (one when sure, several when not)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))["projects"]
    return {
        int(p): list(LEADING) + [tuple(CODES[c] for c in token.split("|")) for token in codes.split()]
        for p, codes in raw.items()
    }


@dataclass
class Evaluation:
    cells: int = 0
    cells_right: int = 0
    certain_cells: int = 0
    certain_right: int = 0
    fields: int = 0
    fields_right: int = 0
    wrong: list[tuple[int, int, str, tuple[str, ...], bool]] = field(default_factory=list)
    """(project, cell index, aligner's column, acceptable columns, flagged)."""
    doubtful: list[tuple[int, int, str, tuple[str, ...], bool]] = field(default_factory=list)
    """The cells the person could not settle from the text alone, in the same form."""

    @property
    def unflagged_wrong(self) -> list:
        return [w for w in self.wrong if not w[4]]

    @property
    def unflagged_doubtful(self) -> list:
        """Cells a person could not settle that the aligner published without a flag: guesses, if right ones."""
        return [d for d in self.doubtful if not d[4]]


def evaluate(rows: dict[int, AlignedRow], reading: dict[int, list[tuple[str, ...]]]) -> Evaluation:
    result = Evaluation()
    for project, accepted in sorted(reading.items()):
        aligned = rows[project]
        got = [p.column for p in aligned.placements]
        if len(got) != len(accepted):
            raise ValueError(f"project {project}: {len(got)} cells, reading has {len(accepted)}")
        flagged_cells = {ref for f in aligned.flags for ref in f.cells}
        row_conflict = any(f.kind == "content_conflicts_with_column" for f in aligned.flags)
        for i, (column, ok) in enumerate(zip(got, accepted, strict=True)):
            result.cells += 1
            right = column in ok
            result.cells_right += right
            flagged = aligned.placements[i].cell.ref in flagged_cells or row_conflict
            if len(ok) == 1:
                result.certain_cells += 1
                result.certain_right += right
            else:
                result.doubtful.append((project, i, column, ok, flagged))
            if not right:
                result.wrong.append((project, i, column, ok, flagged))
        for column in col.COLUMNS:
            placed = {i for i, c in enumerate(got) if c == column}
            sure_here = {i for i, ok in enumerate(accepted) if ok == (column,)}
            result.fields += 1
            result.fields_right += all(column in accepted[i] for i in placed) and sure_here <= placed
    return result


def main(argv: list[str]) -> int:
    from pipeline.core.year import project_numbers
    from pipeline.ingest.extracted_text import parse_extracted_text
    from pipeline.raw import read_raw_year

    root = Path(__file__).resolve().parents[2]
    reading_path = Path(argv[0]) if argv else root / "tests/fixtures/fy2022_reading.yaml"
    fiscal_year = yaml.safe_load(reading_path.read_text(encoding="utf-8"))["fiscal_year"]
    raw = read_raw_year(Path(argv[1]) if len(argv) > 1 else root / "raw", fiscal_year)
    table = parse_extracted_text(raw.data, str(raw.source))
    rows = {n: align_row(r, n) for n, r in project_numbers(table).items()}
    e = evaluate(rows, load_reading(reading_path))
    print(f"cells placed as the reading: {e.cells_right}/{e.cells} ({e.cells_right / e.cells:.1%})")
    print(f"  of which the reading is sure: {e.certain_right}/{e.certain_cells}")
    print(f"fields right (20 per project): {e.fields_right}/{e.fields} ({e.fields_right / e.fields:.1%})")
    print(f"cells placed otherwise: {len(e.wrong)}, of which not flagged for review: {len(e.unflagged_wrong)}")
    for project, i, got, ok, flagged in e.wrong:
        print(f"  project {project} cell {i}: {got} (reading: {'|'.join(ok)}){'' if flagged else '  NOT FLAGGED'}")
    print(
        f"cells the person could not settle from the text: {len(e.doubtful)}, "
        f"of which not flagged for review: {len(e.unflagged_doubtful)}"
    )
    for project, i, got, ok, _ in e.unflagged_doubtful:
        print(f"  project {project} cell {i}: {got} (reading: {'|'.join(ok)})")
    flags = [f for a in rows.values() for f in a.flags if f.severity is Severity.REVIEW]
    print(f"review flags raised: {len(flags)} in {len({f.project for f in flags})} of {len(rows)} projects")
    return 1 if e.unflagged_wrong else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
