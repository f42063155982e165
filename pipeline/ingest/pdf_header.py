"""Which of the list's columns each column of a PDF's table is, from the header printed above it.

The header has two levels: a group (``令和4年度PLAN``, ``令和4年度CHECK`` …) over its sub-columns (``行動目標``,
``上半期実績`` …), and single labels spanning both (``事業名``). A column's label is its group and its
sub-label; the Reiwa year in the group tells this year's PLAN/DO from next year's.
"""

from __future__ import annotations

import re

from pipeline import columns as col
from pipeline.core.normalise import nfkc
from pipeline.errors import SourceFormatError
from pipeline.ingest.pdf_text import group_lines

REIWA = re.compile(r"令和\s*(\d+)\s*年度")


def pdf_error(file: str, ja: str, en: str, page: int | None = None) -> SourceFormatError:
    where_ja = f"{page}ページ目: " if page else ""
    where_en = f"Page {page}: " if page else ""
    return SourceFormatError(where_ja + ja, where_en + en, file=file)


def label_column(label: str, this_year: int) -> tuple[str, ...]:
    """The field(s) a header column holds, from its labels (group and sub-label) as printed."""
    s = re.sub(r"\s+", "", nfkc(label))
    if "委員会" in s:
        return (col.COMMENT,)
    if "所管課評価" in s or ("事業区分" in s and "委員会" not in s):
        return (col.CATEGORY,)
    if "所管課" in s:
        return (col.DEPARTMENTS,)
    if "事業名" in s:
        return (col.NAME,)
    if "事業管理" in s or s in ("No", "No.", "番号", "事業番号"):
        return (col.ID,)
    if "現状" in s and "課題" in s:
        return (col.ISSUES,)
    if "目的" in s:
        return (col.PURPOSE,)
    if "効果" in s:
        return (col.EFFECTS,)
    years = [int(n) for n in REIWA.findall(s)]
    later = bool(years) and years[0] == this_year - 2018 + 1
    if "CHECK" in s:
        if "上半期" in s:
            return (col.H1_STATUS, col.H1_TEXT)
        if "年次" in s:
            return (col.FY_STATUS, col.FY_TEXT)
    if "ACT" in s or "取組" in s:
        return (col.ACT,)
    if "PLAN" in s:
        if "行動目標" in s:
            return (col.NEXT_GOAL if later else col.PLAN_GOAL,)
        if "成果指標" in s:
            return (col.NEXT_INDICATOR if later else col.PLAN_INDICATOR,)
    if "DO" in s:
        if "成果指標結果" in s and not later:
            return (col.DO_RESULT,)
        if "年度事業内容" in s:
            return (col.NEXT_WORK if later else col.DO_WORK,)
    return ()


def header_fiscal_year(labels: list[str], file: str, page: int) -> int:
    years = sorted({int(n) for label in labels for n in REIWA.findall(nfkc(label).replace(" ", ""))})
    plan_years = sorted(
        {int(m) for label in labels for m in re.findall(r"令和(\d+)年度PLAN", re.sub(r"\s+", "", nfkc(label)))}
    )
    if len(plan_years) == 2 and plan_years[1] == plan_years[0] + 1:
        return 2018 + plan_years[0]
    raise pdf_error(
        file,
        "見出しから年度を読み取れません（「令和N年度PLAN」と「令和N+1年度PLAN」が必要です）"
        f"（見つかった年度: {'、'.join(f'令和{y}' for y in years) or 'なし'}）。",
        "Cannot read the fiscal years from the header (expected 令和N年度PLAN and 令和N+1年度PLAN).",
        page,
    )


def first_data_row(texts: list[list[str]]) -> int:
    """Header rows come first; the last one holds the sub-labels (行動目標, 成果指標, 上半期実績 …)."""
    last = -1
    for i, row in enumerate(texts[:4]):
        joined = re.sub(r"\s+", "", nfkc(" ".join(row)))
        if "行動目標" in joined or "上半期" in joined or "事業名" in joined:
            last = i
    return last + 1


def lines_with_chars(page, box) -> list[tuple[str, list[dict]]]:
    """The lines inside ``box`` (a band of the page), each as its text and its characters."""
    x0, top, x1, bottom = box
    lines = group_lines([c for c in page.band(top, bottom) if x0 <= c["x0"] <= x1])
    return [("".join(c["text"] for c in line), line) for line in lines]


def segments(lines) -> list[tuple[str, float, float]]:
    """Runs of characters on each line separated by a gap wider than a character: one label or cell line each."""
    out = []
    for _, chars in lines:
        run: list[dict] = []
        for c in chars:
            if run and c["x0"] - run[-1]["x1"] > c["size"] * 0.9:
                out.append(("".join(x["text"] for x in run), run[0]["x0"], run[-1]["x1"]))
                run = []
            run.append(c)
        if run:
            out.append(("".join(x["text"] for x in run), run[0]["x0"], run[-1]["x1"]))
    return out


def label_starts(header_lines) -> list[float]:
    """Where the columns begin: the left edges of the header's labels (a group label starts where its first
    sub-column does), merged when within a point of each other."""
    xs = sorted(x0 for _, x0, _ in segments([line for lines in header_lines for line in lines]))
    starts: list[float] = []
    for x in xs:
        if not starts or x - starts[-1] > 3:
            starts.append(x)
    return [x - 2 for x in starts]


def grid_from_header(header_lines, starts: list[float], right: float, year: int) -> list[tuple[str, ...]]:
    """Each column's field(s) from the labels that start where it starts. A group label (``令和4年度PLAN``)
    starts at its first sub-column; the sub-columns after it inherit it."""
    labels = segments([line for lines in header_lines for line in lines])
    grid, group = [], ""
    for x in starts:
        here = [text for text, x0, _ in labels if abs(x0 - 2 - x) <= 3]
        own = " ".join(here)
        compact = re.sub(r"\s+", "", nfkc(own))
        groups = [t for t in here if REIWA.search(nfkc(t))]
        if groups:
            group = groups[0]
            grid.append(label_column(own, year))
            continue
        fields = label_column(own, year)
        if (
            not fields
            or fields[0] in (col.PLAN_GOAL, col.PLAN_INDICATOR, col.DO_WORK, col.NEXT_WORK)
            or ("成果指標" in compact or "年次" in compact)
        ):
            fields = label_column(group + " " + own, year) or fields
        grid.append(fields)
    return grid
