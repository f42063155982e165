"""One JSON file per project (the site's "この事業のデータ" download): the project's record with its review flags,
corrections and value sources, as published in the year's tables."""

from __future__ import annotations

from collections import defaultdict

from pipeline.export.json_text import indented_json


def project_files(
    projects: list[dict], flags: list[dict], corrections: list[dict], sources: list[dict]
) -> dict[str, bytes]:
    """Each project's file by name ("<ID>.json"), from the year's published rows (each table in release order)."""
    rows: dict[int, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for key, table in (("review_flags", flags), ("corrections", corrections), ("value_sources", sources)):
        for row in table:
            rows[row["ID"]][key].append(row)
    files = {}
    for project in projects:
        own = rows.get(project["ID"], {})
        record = {
            "project": project,
            "review_flags": own.get("review_flags", []),
            "corrections": own.get("corrections", []),
            "value_sources": own.get("value_sources", []),
        }
        files[f"{project['ID']}.json"] = (indented_json(record, 1) + "\n").encode("utf-8")
    return files
