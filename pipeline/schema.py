"""Load the field and table metadata in schemas/ and turn it into what each consumer needs.

schemas/fields.yaml and schemas/tables.yaml are the single source; from them this module derives the pandera
models (validation), the Frictionless Table Schemas (datapackage.json), the data dictionary (site) and the list's
20 source columns (pipeline/columns.py). Reading the metadata needs only PyYAML; pandas and pandera are imported
by the functions that build and run the models, so that the column list costs no dataframe library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache
from typing import TYPE_CHECKING

import yaml

from pipeline.errors import PipelineError, ValidationFailed
from pipeline.paths import SCHEMAS_DIR

if TYPE_CHECKING:
    import pandas as pd
    import pandera.pandas as pa

# libyaml's loader reads the schema files six times faster than PyYAML's pure-Python one, with the same result.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
LIST_DELIMITER = ";"
TYPES = ("string", "integer", "boolean", "list", "date")
TYPE_LABELS = {"string": "文字列", "integer": "整数", "boolean": "真偽値", "list": "リスト", "date": "日付"}


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

    def to_frictionless(self) -> dict:
        out = {"name": self.name, "title": self.title, "description": self.description, "type": self.type}
        if self.type == "list":
            out.update(delimiter=LIST_DELIMITER, itemType="string")
        if self.type == "boolean":
            out.update(trueValues=["true"], falseValues=["false"])
        if self.constraints:
            out["constraints"] = dict(self.constraints)
        if self.example is not None:
            out["example"] = self.example
        return out


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    table: str
    reference: tuple[str, ...]


@dataclass(frozen=True)
class TableSpec:
    key: str
    file: str
    title: str
    description: str
    fields: tuple[FieldSpec, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    per_year: bool = True
    source_columns: tuple[str, ...] = ()
    """The fields that are columns of the city's list, in the order it prints them (only the projects table)."""

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def file_stem(self, fiscal_year: int | None = None) -> str:
        return self.file.format(fy=fiscal_year)

    def frictionless_schema(self, fiscal_year: int | None = None) -> dict:
        schema: dict = {"fields": [f.to_frictionless() for f in self.fields], "missingValues": [""]}
        schema["primaryKey"] = list(self.primary_key)
        if self.foreign_keys:
            schema["foreignKeys"] = [
                {
                    "fields": list(fk.fields),
                    "reference": {
                        "resource": load_tables()[fk.table].file_stem(fiscal_year),
                        "fields": list(fk.reference),
                    },
                }
                for fk in self.foreign_keys
            ]
        return schema


def join_lines(text: str) -> str:
    """Join a YAML block of Japanese prose: no space at line breaks, except between two Latin words."""
    out = ""
    for line in (part.strip() for part in text.splitlines()):
        if out and line and out[-1].isascii() and out[-1].isalnum() and line[0].isascii() and line[0].isalnum():
            out += " "
        out += line
    return out


def _field_with_overrides(fields: dict[str, FieldSpec], entry: str | dict) -> FieldSpec:
    if isinstance(entry, str):
        return fields[entry]
    overrides = {k: v for k, v in entry.items() if k != "name"}
    return replace(fields[entry["name"]], **overrides)


@cache
def _load_schema_file(name: str):
    path = SCHEMAS_DIR / name
    if not path.is_file():
        raise PipelineError(
            f"スキーマのファイル {path} がありません。プロジェクトのフォルダーで実行するか、"
            "PIPELINE_PROJECT_ROOT にそのフォルダーを指定してください。",
            f"Schema file {path} not found. Run from the project's folder or set PIPELINE_PROJECT_ROOT to it.",
        )
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)


@cache
def load_fields() -> dict[str, FieldSpec]:
    raw = _load_schema_file("fields.yaml")
    fields = {name: FieldSpec(name=name, **spec) for name, spec in raw.items()}
    for spec in fields.values():
        if spec.type not in TYPES:
            raise ValueError(f"schemas/fields.yaml: {spec.name} has unknown type {spec.type!r}")
    return fields


@cache
def load_tables() -> dict[str, TableSpec]:
    fields = load_fields()
    raw = _load_schema_file("tables.yaml")
    tables = {
        key: TableSpec(
            key=key,
            file=spec["file"],
            title=spec["title"],
            description=join_lines(spec["description"]),
            fields=tuple(_field_with_overrides(fields, f) for f in spec["fields"]),
            primary_key=tuple(spec["primary_key"]),
            foreign_keys=tuple(
                ForeignKey(tuple(fk["fields"]), fk["table"], tuple(fk["reference"]))
                for fk in spec.get("foreign_keys", [])
            ),
            per_year=spec.get("per_year", True),
            source_columns=tuple(spec.get("source_columns", ())),
        )
        for key, spec in raw.items()
    }
    for spec in tables.values():
        strays = [c for c in spec.source_columns if c not in spec.field_names]
        if strays or len(set(spec.source_columns)) != len(spec.source_columns):
            raise ValueError(
                f"schemas/tables.yaml: {spec.key}.source_columns must be distinct fields of the table (not: {strays})"
            )
    return tables


def wareki(fiscal_year: int) -> str:
    """令和4年度（2022年度）."""
    return f"令和{fiscal_year - 2018}年度（{fiscal_year}年度）"


@dataclass(frozen=True)
class DatasetMeta:
    """Dataset-level metadata of one fiscal year's release (schemas/dataset.yaml, filled in)."""

    fiscal_year: int
    name: str
    title: str
    description: str
    keywords: tuple[str, ...]
    update_frequency: str
    publisher: str
    license_name: str
    license_title: str
    license_path: str
    license_short: str
    attribution: str
    processed_note: str


def dataset_meta(fiscal_year: int) -> DatasetMeta:
    raw = _load_schema_file("dataset.yaml")
    values = {"fy": fiscal_year, "wareki": wareki(fiscal_year), "results": f"R{fiscal_year - 2018}取組結果"}

    def fill(text: str) -> str:
        return join_lines(text).format(**values)

    return DatasetMeta(
        fiscal_year=fiscal_year,
        name=fill(raw["name"]),
        title=fill(raw["title"]),
        description=fill(raw["description"]),
        keywords=tuple(raw["keywords"]),
        update_frequency=raw["update_frequency"],
        publisher=raw["publisher"]["name"],
        license_name=raw["license"]["name"],
        license_title=raw["license"]["title"],
        license_path=raw["license"]["path"],
        license_short=raw["license"]["short"],
        attribution=fill(raw["attribution"]),
        processed_note=fill(raw["processed_note"]),
    )


def table(key: str) -> TableSpec:
    return load_tables()[key]


def per_year_tables() -> list[TableSpec]:
    return [t for t in load_tables().values() if t.per_year]


def _when_present(check, error: str) -> pa.Check:
    """A check on the values that are not empty (empty is allowed unless the field is required)."""
    import pandera.pandas as pa

    return pa.Check(lambda s: s.eq("") | s.map(check), error=error)


def _pandera_column(spec: FieldSpec) -> pa.Column:
    import pandera.pandas as pa

    c = spec.constraints
    checks = []
    if spec.type in ("string", "list", "date"):
        dtype = str
        if spec.required:
            checks.append(pa.Check.str_length(min_value=1, error="空欄は不可"))
        if "pattern" in c:
            pattern = re.compile(f"(?:{c['pattern']})")
            checks.append(_when_present(lambda v: pattern.fullmatch(v) is not None, f"形式 {c['pattern']}"))
        if spec.type == "list":
            checks.append(_when_present(lambda v: all(v.split(LIST_DELIMITER)), "区切り文字（;）の前後が空"))
        if spec.type == "date":
            checks.append(_when_present(lambda v: re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) is not None, "日付 YYYY-MM-DD"))
        if "enum" in c:
            allowed = set(c["enum"])
            checks.append(_when_present(lambda v: v in allowed, f"次のどれか: {'、'.join(map(str, c['enum']))}"))
    elif spec.type == "integer":
        dtype = "int64"
        if "minimum" in c:
            checks.append(pa.Check.ge(c["minimum"], error=f"{c['minimum']}以上"))
        if "enum" in c:
            checks.append(pa.Check.isin(c["enum"], error=f"次のどれか: {'、'.join(map(str, c['enum']))}"))
    else:
        dtype = bool
    return pa.Column(dtype, checks=checks, nullable=False, unique=bool(c.get("unique")), name=spec.name)


def pandera_schema(key: str) -> pa.DataFrameSchema:
    """The pandera model of a published table, generated from schemas/."""
    import pandera.pandas as pa

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
    import pandas as pd
    import pandera.pandas as pa

    try:
        return pandera_schema(key).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        problems, projects = [], set()
        for case in exc.failure_cases.itertuples():
            project = None
            if case.index is not None and not pd.isna(case.index) and id_column in frame.columns:
                project = frame.loc[case.index, id_column]
            if project is not None:
                projects.add(int(project))
            where = f"事業No.{project} " if project is not None else ""
            column = case.column if isinstance(case.column, str) else "（表全体）"
            problems.append(f"{where}項目「{column}」: {case.check}（値: {str(case.failure_case)[:40]!r}）")
        listing = "\n  ".join(sorted(set(problems)))
        raise ValidationFailed(
            f"表「{table(key).title}」がスキーマに合いません（{len(problems)}件）:\n  {listing}",
            f"Table {key} does not match its schema ({len(problems)} problems); see the list above.",
            projects=tuple(sorted(projects)),
        ) from None
