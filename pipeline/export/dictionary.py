"""The data dictionary of a release, as Markdown, generated from schemas/ (never written by hand)."""

from __future__ import annotations

from pipeline.schema import TYPE_LABELS, FieldSpec, dataset_meta, per_year_tables, table


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _allowed(spec: FieldSpec) -> str:
    c = spec.constraints
    parts = []
    if "enum" in c:
        parts.append(" / ".join(map(str, c["enum"])))
    if "pattern" in c:
        parts.append(f"形式 `{c['pattern']}`")
    if "minimum" in c:
        parts.append(f"{c['minimum']}以上")
    if spec.type == "list":
        parts.append("; 区切り（JSONでは配列）")
    if spec.type == "boolean":
        parts.append("true / false")
    if spec.type == "date":
        parts.append("YYYY-MM-DD")
    return "、".join(parts)


def data_dictionary(fiscal_year: int) -> str:
    meta = dataset_meta(fiscal_year)
    lines = [
        f"# データ辞書 {meta.title}",
        "",
        "公開している表の列の意味・型・取りうる値。schemas/ の定義から生成している。",
        "CSVは UTF-8（BOM付き）、JSON は UTF-8（BOMなし）。CSVでは、表計算ソフトで数式として扱われないよう、"
        "= + - @ で始まる文字列の前に ' を1つ付けている（JSONは原本どおり）。",
        "",
    ]
    for spec in per_year_tables():
        stem = spec.file_stem(fiscal_year)
        lines += [
            f"## {spec.title}",
            "",
            spec.description,
            "",
            f"- ファイル: `{stem}.csv`、`{stem}.json`",
            f"- 行を識別する列: {'、'.join(spec.primary_key)}",
        ]
        for fk in spec.foreign_keys:
            lines.append(f"- {'、'.join(fk.fields)} は「{table(fk.table).title}」の {'、'.join(fk.reference)} を参照")
        lines += ["", "| 列名 | 名称 | 型 | 必須 | 取りうる値・形式 | 説明 | 例 |", "|---|---|---|---|---|---|---|"]
        for f in spec.fields:
            example = "" if f.example is None else f"`{_cell(f.example)}`"
            lines.append(
                f"| `{_cell(f.name)}` | {_cell(f.title)} | {TYPE_LABELS[f.type]} | {'必須' if f.required else ''} "
                f"| {_cell(_allowed(f))} | {_cell(f.description)} | {example} |"
            )
        lines.append("")
    return "\n".join(lines)
