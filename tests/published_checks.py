"""What a published folder must satisfy after any run, finished or not: every release complete, every checksum
in the datapackages, both catalogs and both オープンデータ一覧 true, and nothing temporary left behind."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def problems(out: Path) -> list[str]:
    found: list[str] = []
    data_root, site_root = out / "data", out / "site"
    years = sorted(p.name for p in data_root.iterdir() if p.is_dir())
    if not years:
        return ["no year published"]
    for year in years:
        release = data_root / year
        package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
        for resource in package["resources"]:
            path = release / resource["path"]
            if not path.is_file():
                found.append(f"{path} missing")
            elif resource["hash"] != f"sha256:{_sha256(path)}" or resource["bytes"] != path.stat().st_size:
                found.append(f"{path}: datapackage checksum or size wrong")
        site_copy = site_root / year / "data"
        for path in release.iterdir():
            if (site_copy / path.name).read_bytes() != path.read_bytes():
                found.append(f"{site_copy / path.name} differs from {path}")
        if not (site_root / year / "index.html").is_file():
            found.append(f"site of {year} missing")
    for catalog in (data_root / "catalog.jsonld", site_root / "catalog.jsonld"):
        listed = set()
        for dataset in json.loads(catalog.read_text(encoding="utf-8"))["dcat:dataset"]:
            for distribution in dataset["dcat:distribution"]:
                path = catalog.parent / distribution["dcat:downloadURL"]["@id"]
                listed.add(path.parent.name if catalog.parent == data_root else path.parent.parent.name)
                checksum = distribution["spdx:checksum"]["spdx:checksumValue"]["@value"]
                if not path.is_file() or checksum != _sha256(path):
                    found.append(f"{catalog}: checksum of {path} wrong")
                elif distribution["dcat:byteSize"]["@value"] != str(path.stat().st_size):
                    found.append(f"{catalog}: size of {path} wrong")
        if sorted(listed) != years:
            found.append(f"{catalog} lists {sorted(listed)}, published {years}")
    for listing in (data_root / "141500_open_data_list.csv", site_root / "141500_open_data_list.csv"):
        rows = list(csv.DictReader(io.StringIO(listing.read_text(encoding="utf-8-sig"))))
        for row in rows:
            path = site_root / row["ファイル_ダウンロードURL"]
            if not path.is_file() or row["ファイル_SHA256"] != _sha256(path):
                found.append(f"{listing}: checksum of {path} wrong")
        if sorted({r["ファイル_ダウンロードURL"].split("/")[0] for r in rows}) != years:
            found.append(f"{listing} does not list every published year")
    versions = json.loads((site_root / "versions.json").read_text(encoding="utf-8"))
    if sorted(v["version"] for v in versions) != years:
        found.append(f"versions.json lists {versions}, published {years}")
    return found + leftovers(out)


def leftovers(out: Path) -> list[str]:
    """Temporary files or folders anywhere in the output folder (a year's swap lock file may stay)."""
    found = [str(p) for p in out.rglob("*") if p.name.endswith((".new", ".previous"))]
    staging = out / ".staging"
    if staging.is_dir():
        found += [str(p) for p in staging.iterdir() if not (p.name.endswith(".lock") and p.stem.isdigit())]
    return found
