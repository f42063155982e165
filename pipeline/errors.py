"""Errors an operator can act on: what went wrong, where (file, line, project, field), in Japanese and English."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class PipelineError(Exception):
    """A problem with the input or the configuration that an operator can fix without reading code."""

    ja: str
    en: str
    file: str | None = None
    line: int | None = None
    project: int | None = None
    field: str | None = None
    cell: str | None = None
    """A spreadsheet cell as the spreadsheet names it, sheet and cell (``事業一覧!C5``)."""

    def where(self) -> str:
        parts = []
        if self.file:
            parts.append(f"ファイル {self.file}")
        if self.line is not None:
            parts.append(f"{self.line}行目")
        if self.project is not None:
            parts.append(f"事業No.{self.project}")
        if self.cell:
            parts.append(f"セル {self.cell}")
        if self.field:
            parts.append(f"項目「{self.field}」")
        return "、".join(parts)

    def __str__(self) -> str:
        where = self.where()
        prefix = f"[{where}] " if where else ""
        return f"{prefix}{self.ja}\n{prefix}{self.en}"


class SourceFormatError(PipelineError):
    """The source file cannot be read as the expected list."""


class CorrectionError(PipelineError):
    """An entry of the reviewed corrections file does not apply (stale, unknown project or field)."""


@dataclass
class ValidationFailed(PipelineError):
    """The records break the schema or the conservation rule; nothing is published."""

    projects: tuple[int, ...] = ()
    """The projects (IDs) whose rows failed."""
