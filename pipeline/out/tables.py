"""Published tables: records to data frames (for validation) and to CSV files (for people and machines).

CSV conventions, chosen for Excel users in Japan and for RFC 4180 readers alike: UTF-8 with a BOM (Excel
needs it to read UTF-8), header in row 1, CRLF between records, fields quoted only when they must be, list
items inside a cell kept on their own lines (LF), booleans as ``true``/``false``, empty cells empty.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

import pandas as pd

from pipeline.core.records import ProjectRecord
from pipeline.schema import table


def projects_frame(records: Iterable[ProjectRecord]) -> pd.DataFrame:
    """The wide projects table, one row per project, columns in the published order."""
    spec = table("projects")
    rows = [{name: r.fields[name].value for name in spec.field_names} for r in records]
    frame = pd.DataFrame(rows, columns=spec.field_names)
    for f in spec.fields:
        if f.type == "integer":
            frame[f.name] = frame[f.name].astype("int64")
        elif f.type == "boolean":
            frame[f.name] = frame[f.name].astype(bool)
        else:
            frame[f.name] = frame[f.name].astype(str)
    return frame


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """Encode a frame as the published CSV: UTF-8 with BOM, CRLF records, minimal quoting."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(frame.columns)
    for row in frame.itertuples(index=False):
        writer.writerow(_cell(v) for v in row)
    return buffer.getvalue().encode("utf-8-sig")
