"""The cross-year catalog of every published release: DCAT (catalog.jsonld) and the オープンデータ一覧 CSV.

Both are built from the same place: each year's published datapackage.json (itself generated from schemas/)
and the files actually in published/data/<FY>/, so the catalog never lists a file that is not there.
Download URLs are relative: in each catalog.jsonld to where that copy is placed (published/data/, and the
site root published/site/, where a year's files are served from <FY>/data/), in the オープンデータ一覧 to
the site root.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from pipeline.core.records import CITY_CODE, CITY_NAME
from pipeline.export.package import dictionary_file_name, sha256_hex
from pipeline.export.review import review_file_name
from pipeline.export.tables import typed_frame
from pipeline.layout import Layout
from pipeline.schema import dataset_meta


def other_files(fy: int) -> dict[str, tuple[str, str, str]]:
    """The release's files that are not tables: (title, format, media type) by file name."""
    return {
        "datapackage.json": ("データパッケージ（Frictionless Data Package v2）", "JSON", "application/json"),
        dictionary_file_name(fy): ("データ辞書", "Markdown", "text/markdown"),
        review_file_name(fy): ("確認レポート（要確認の箇所と訂正）", "Markdown", "text/markdown"),
    }


CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "spdx": "http://spdx.org/rdf/terms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def published_years(data_root: Path) -> list[int]:
    return Layout(data_root.parent).years_published()


def _distributions(folder: Path, package: dict) -> list[dict]:
    """Every file of a release with its title, format, size and checksum."""
    described = {r["path"]: r for r in package["resources"]}
    out = []
    for path in sorted(folder.iterdir()):
        data = path.read_bytes()
        if path.name in described:
            resource = described[path.name]
            title, fmt, media = resource["title"], resource["format"].upper(), resource["mediatype"]
            description = resource["description"]
        else:
            title, fmt, media = other_files(package["fiscalYear"])[path.name]
            description = f"{title}。UTF-8（BOMなし）。"
        out.append(
            {
                "file": path.name,
                "title": title,
                "format": fmt,
                "mediatype": media,
                "description": description,
                "bytes": len(data),
                "sha256": sha256_hex(data),
            }
        )
    return out


def _dataset_node(fy: int, package: dict, distributions: list[dict], link) -> dict:
    meta = dataset_meta(fy)
    license_node = {"@id": meta.license_path}
    return {
        "@id": f"#dataset-{fy}",
        "@type": "dcat:Dataset",
        "dct:identifier": package["name"],
        "dct:title": {"@value": package["title"], "@language": "ja"},
        "dct:description": {"@value": package["description"], "@language": "ja"},
        "dcat:keyword": [{"@value": k, "@language": "ja"} for k in package["keywords"]],
        "dct:issued": {"@value": package["issued"], "@type": "xsd:date"},
        "dct:modified": {"@value": package["modified"], "@type": "xsd:date"},
        "dct:temporal": {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": {"@value": package["temporalCoverage"]["start"], "@type": "xsd:date"},
            "dcat:endDate": {"@value": package["temporalCoverage"]["end"], "@type": "xsd:date"},
        },
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": package["publisher"]},
        "dct:source": {
            "dct:title": package["sources"][0]["title"],
            "dct:publisher": {"@type": "foaf:Organization", "foaf:name": package["sources"][0]["publisher"]},
        },
        "dct:spatial": {"dct:identifier": CITY_CODE, "foaf:name": CITY_NAME},
        "dct:accrualPeriodicity": {"@id": "http://purl.org/cld/freq/annual"},
        "dct:license": license_node,
        "dct:rights": {"@value": f"{package['attribution']}。{package['sourceTerms']}", "@language": "ja"},
        "dcat:distribution": [
            {
                "@id": f"#{fy}-{d['file']}",
                "@type": "dcat:Distribution",
                "dct:title": {"@value": d["title"], "@language": "ja"},
                "dct:description": {"@value": d["description"], "@language": "ja"},
                "dcat:downloadURL": {"@id": link(fy, d["file"])},
                "dcat:mediaType": d["mediatype"],
                "dct:format": d["format"],
                "dcat:byteSize": {"@value": str(d["bytes"]), "@type": "xsd:nonNegativeInteger"},
                "spdx:checksum": {
                    "@type": "spdx:Checksum",
                    "spdx:algorithm": {"@id": "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"},
                    "spdx:checksumValue": {"@value": d["sha256"], "@type": "xsd:hexBinary"},
                },
                "dct:license": license_node,
                "dct:issued": {"@value": package["issued"], "@type": "xsd:date"},
                "dct:modified": {"@value": package["modified"], "@type": "xsd:date"},
            }
            for d in distributions
        ],
    }


def build_catalog(data_root: Path, link: Callable[[int, str], str]) -> tuple[bytes, pd.DataFrame]:
    """catalog.jsonld and the オープンデータ一覧 rows for every release published under ``data_root``.

    ``link(fy, file)`` is a file's download URL relative to where catalog.jsonld is placed; the オープンデータ一覧
    always gives it relative to the site root.
    """
    datasets, rows = [], []
    for fy in published_years(data_root):
        folder = data_root / str(fy)
        package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        distributions = _distributions(folder, package)
        datasets.append(_dataset_node(fy, package, distributions, link))
        meta = dataset_meta(fy)
        temporal = package["temporalCoverage"]
        for d in distributions:
            rows.append(
                {
                    "全国地方公共団体コード": CITY_CODE,
                    "ID": len(rows) + 1,
                    "地方公共団体名": CITY_NAME,
                    "データセット_ID": package["name"],
                    "データセット_タイトル": package["title"],
                    "データセット_概要": package["description"],
                    "データセット_キーワード": ";".join(package["keywords"]),
                    "データセット_公開日": package["issued"],
                    "データセット_最終更新日": package["modified"],
                    "データセット_更新頻度": meta.update_frequency,
                    "データセット_対象期間": f"{temporal['start']}/{temporal['end']}",
                    "データセット_連絡先名称": package["publisher"],
                    "データセット_備考": f"{package['attribution']}。{package['processedNote']}",
                    "ファイル_タイトル": d["title"],
                    "ファイル_ダウンロードURL": f"{fy}/data/{d['file']}",
                    "ファイル_説明": d["description"],
                    "ファイル形式": d["format"],
                    "ファイル_ライセンス": meta.license_short,
                    "ファイル_サイズ": d["bytes"],
                    "ファイル_SHA256": d["sha256"],
                }
            )
    catalog = {
        "@context": CONTEXT,
        "@id": "#catalog",
        "@type": "dcat:Catalog",
        "dct:title": {"@value": "相模原市ICT総合戦略 事業一覧 オープンデータ", "@language": "ja"},
        "dct:description": {
            "@value": "相模原市ICT総合戦略の事業一覧（別紙1）を年度ごとに機械判読できる形にしたデータの目録。",
            "@language": "ja",
        },
        "dct:language": {"@id": "http://id.loc.gov/vocabulary/iso639-1/ja"},
        "dcat:dataset": datasets,
    }
    jsonld = (json.dumps(catalog, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return jsonld, typed_frame("open_data_list", rows)
