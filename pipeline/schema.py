"""Load the field and table metadata in schemas/ and turn it into what each consumer needs.

schemas/fields.yaml and schemas/tables.yaml are the single source; from them this module derives the pandera
models (validation), the Frictionless Table Schemas (datapackage.json) and the data dictionary (site).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import yaml

from pipeline.errors import ValidationFailed

SCHEMAS_DIR = Path(__file__).resolve().parent.parent / "schemas"
LIST_DELIMITER = ";"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    title: str
    description: str
    type: str
    constraints: dict = field(default_factory=dict)
    example: object = None

    @property
    def required(self) -> bool:
        return bool(self.constraints.get("required"))


@dataclass(frozen=True)
class TableSpec:
    key: str
    file: str
    title: str
    description: str
    fields: tuple[FieldSpec, ...]
    primary_key: tuple[str, ...]

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def file_stem(self, fiscal_year: int) -> str:
        return self.file.format(fy=fiscal_year)


@cache
def load_fields() -> dict[str, FieldSpec]:
    raw = yaml.safe_load((SCHEMAS_DIR / "fields.yaml").read_text(encoding="utf-8"))
    return {name: FieldSpec(name=name, **spec) for name, spec in raw.items()}


@cache
def load_tables() -> dict[str, TableSpec]:
    fields = load_fields()
    raw = yaml.safe_load((SCHEMAS_DIR / "tables.yaml").read_text(encoding="utf-8"))
    return {
        key: TableSpec(
            key=key,
            file=spec["file"],
            title=spec["title"],
            description=" ".join(spec["description"].split()),
            fields=tuple(fields[name] for name in spec["fields"]),
            primary_key=tuple(spec["primary_key"]),
        )
        for key, spec in raw.items()
    }


def table(key: str) -> TableSpec:
    return load_tables()[key]


def _pandera_column(spec: FieldSpec) -> pa.Column:
    c = spec.constraints
    checks = []
    if spec.type in ("string", "list"):
        dtype = str
        if spec.required:
            checks.append(pa.Check.str_length(min_value=1, error="空欄は不可"))
        if "pattern" in c:
            checks.append(pa.Check.str_matches(f"^(?:{c['pattern']})$", error=f"形式 {c['pattern']}"))
        if spec.type == "list":
            checks.append(
                pa.Check(
                    lambda s: s.eq("") | s.map(lambda v: all(v.split(LIST_DELIMITER))),
                    element_wise=False,
                    error="区切り文字（;）の前後が空",
                )
            )
    elif spec.type == "integer":
        dtype = "int64"
        if "minimum" in c:
            checks.append(pa.Check.ge(c["minimum"], error=f"{c['minimum']}以上"))
    elif spec.type == "boolean":
        dtype = bool
    else:
        raise ValueError(f"unknown type {spec.type!r} for field {spec.name}")
    if "enum" in c:
        checks.append(pa.Check.isin(c["enum"], error=f"次のどれか: {'、'.join(map(str, c['enum']))}"))
    return pa.Column(dtype, checks=checks, nullable=False, unique=bool(c.get("unique")), name=spec.name)


def pandera_schema(key: str) -> pa.DataFrameSchema:
    """The pandera model of a published table, generated from schemas/."""
    spec = table(key)
    return pa.DataFrameSchema(
        {f.name: _pandera_column(f) for f in spec.fields},
        strict=True,
        ordered=True,
        unique=list(spec.primary_key),
        name=spec.file,
    )


def validate_table(key: str, frame: pd.DataFrame, id_column: str = "ID") -> pd.DataFrame:
    """Validate with the generated pandera model; on failure raise one error listing every row and field."""
    try:
        return pandera_schema(key).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        problems = []
        for case in exc.failure_cases.itertuples():
            project = None
            if case.index is not None and not pd.isna(case.index) and id_column in frame.columns:
                project = frame.loc[case.index, id_column]
            where = f"事業No.{project} " if project is not None else ""
            column = case.column if isinstance(case.column, str) else "（表全体）"
            problems.append(f"{where}項目「{column}」: {case.check}（値: {str(case.failure_case)[:40]!r}）")
        listing = "\n  ".join(sorted(set(problems)))
        raise ValidationFailed(
            f"公開する表がスキーマに合いません（{len(problems)}件）:\n  {listing}",
            f"The table does not match its schema ({len(problems)} problems); see the list above.",
            field=None,
        ) from None
