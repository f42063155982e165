"""The city's list's 20 columns, in the order it prints them, read from schemas/tables.yaml.

`source_columns` of the projects table names them, and the schema loader checks that each is one of the table's
fields, so the aligner, the records, the intake template and the published projects table share one list. The
names below give each column its role in the code by its printed position, so the order in schemas/ is the
printed order the aligner's rules rely on (tests/test_fy2022.py checks it on the real list); a column added or
removed stops the import here.
"""

from __future__ import annotations

from pipeline.schema import table

COLUMNS: tuple[str, ...] = table("projects").source_columns
"""The 20 logical columns of the list, in the order the PDF prints them."""

if len(COLUMNS) != 20:
    raise ValueError(f"schemas/tables.yaml: projects.source_columns lists {len(COLUMNS)} columns, the list has 20")

(
    ID,
    NAME,
    DEPARTMENTS,
    ISSUES,
    PURPOSE,
    EFFECTS,
    PLAN_GOAL,
    PLAN_INDICATOR,
    DO_WORK,
    DO_RESULT,
    H1_STATUS,
    H1_TEXT,
    FY_STATUS,
    FY_TEXT,
    ACT,
    NEXT_GOAL,
    NEXT_INDICATOR,
    NEXT_WORK,
    CATEGORY,
    COMMENT,
) = COLUMNS

STATUS_COLUMNS = frozenset({H1_STATUS, FY_STATUS})
"""The CHECK columns that hold the ■□ status boxes rather than text."""
STATUS_TEXT = {H1_STATUS: H1_TEXT, FY_STATUS: FY_TEXT}
"""Each status column and the text column it reports on."""
