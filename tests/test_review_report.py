"""The review report as the Dagster UI shows it (pipeline/out/review.py): whole, or cut at a project when long."""

from pipeline.out.review import report_for_ui


def _report(projects: int) -> str:
    sections = "".join(f"### 事業No.{n} 事業{n}\n\n- 確認事項{n}\n\n" for n in range(1, projects + 1))
    return f"# 確認レポート\n\n## 要確認の項目\n\n{sections}## 適用した訂正\n\n訂正はありません。\n"


def test_a_report_within_the_limit_is_shown_whole():
    report = _report(3)
    assert report_for_ui(report, 2022, limit=len(report)) == report


def test_a_long_report_is_cut_before_the_first_project_that_does_not_fit_and_says_where_the_rest_is():
    report = _report(40)
    shown = report_for_ui(report, 2031, limit=300)
    kept = shown.split("\n\n（")[0]
    assert report.startswith(kept) and len(kept) <= 300
    assert kept.endswith("- 確認事項" + kept.rsplit("事業No.", 1)[1].split(" ")[0])  # a whole project, no cut line
    assert "make review YEAR=2031" in shown and "published/data/2031/141500_ict_review_2031.md" in shown
