"""Nothing lost, nothing invented: every non-empty source cell ends up in exactly one field, or is dropped
with a reason, and every published value is exactly what its cells say (or what a reviewed correction says).

The check recounts the cells from the source text itself rather than trusting the parser, so a line the
parser skipped or a cell it lost is caught here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from pipeline.core.corrections import Correction, same_value
from pipeline.core.records import ALIGNED, EDITED, PLACED, ProjectRecord, value_of_cells
from pipeline.ingest.read import cell_positions
from pipeline.ingest.source import Cell, DroppedCell, SourceTable


def check_conservation(
    data: bytes,
    table: SourceTable,
    records: Iterable[ProjectRecord],
    dropped: Iterable[DroppedCell],
    corrections: list[Correction],
) -> list[str]:
    """Return every violation found (empty when conservation holds)."""
    problems: list[str] = []
    records = list(records)
    dropped = list(table.dropped) + list(dropped)
    cells: dict[str, Cell] = {c.ref: c for row in table.rows for c in row.cells}
    for d in table.dropped:
        cells.setdefault(d.cell.ref, d.cell)

    counted = cell_positions(table, data)
    known = {(c.line, c.column) for c in cells.values()}
    for line, column in sorted(counted - known):
        problems.append(f"{line}行{column}列のセルがどの行にも読み込まれていません。")
    for line, column in sorted(known - counted):
        problems.append(f"{line}行{column}列のセルは原本にありません。")

    claims: Counter[str] = Counter()
    for d in dropped:
        if not d.reason:
            problems.append(f"セル {d.cell.ref} が理由なしに除外されています。")
        claims[d.cell.ref] += 1
    by_id = {c.id: c for c in corrections}
    for record in records:
        for name, fv in record.fields.items():
            claims.update(fv.cells)
            problems += _check_value(record, name, fv, cells, by_id)
    for ref in cells:
        if claims[ref] == 0:
            problems.append(
                f"セル {ref}（「{_preview(cells[ref].text)}」）がどの項目にも入っていません。"
                "入れられる列がなかったセルです。確認レポートを見て、訂正ファイルに cell と field を書いて配置してください。"
            )
        elif claims[ref] > 1:
            problems.append(f"セル {ref}（「{_preview(cells[ref].text)}」）が{claims[ref]}か所に入っています。")
    for ref in set(claims) - set(cells):
        problems.append(f"原本にないセル {ref} が項目の出典になっています。")
    return problems


def _check_value(record, name, fv, cells, corrections) -> list[str]:
    if fv.how not in (ALIGNED, PLACED, EDITED):
        return []  # constants and derived values have no source cells of their own
    where = f"事業No.{record.project}の「{name}」"
    missing = [ref for ref in fv.cells if ref not in cells]
    if missing:
        return [f"{where}の出典セル {', '.join(missing)} が原本にありません。"]
    from_cells = value_of_cells(name, tuple(cells[ref] for ref in fv.cells))
    if fv.how == EDITED:
        correction = corrections.get(fv.correction)
        if correction is None:
            return [f"{where}は訂正済みとされていますが、訂正 {fv.correction} がありません。"]
        if not same_value(name, str(from_cells), correction.original):
            return [f"{where}の訂正 {correction.id} の original が原本の値と一致しません。"]
        return []
    if fv.value != from_cells:
        return [f"{where}の値が出典セルの内容と一致しません（原本にない文字が入ったか、失われました）。"]
    return []


def _preview(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 30 else flat[:29] + "…"
