"""Every handout at a glance: status, version, dates, reading grade, last release.

``status`` reads front matter only (and the reading grade of patient
editions, kept in the render cache), never renders.  'Today' is the one
releases use: the UTC date of ``SOURCE_DATE_EPOCH`` when set, else the real
date.  With ``due_within`` a review that is overdue or falls due within that
many days is a problem at the manuscript's ``next_review:`` line, for a
scheduled job that reminds the team.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .build import BuildOptions, load_all
from .discover import discover
from .errors import Problem, Problems, display_path
from .model import HandoutSummary, Manuscript
from .project import in_project
from .publish import published_artifacts

TITLE_WIDTH = 44


@dataclass
class StatusReport:
    """The rows of ``status`` and the problems found reading them."""

    today: dt.date
    rows: list[HandoutSummary] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def days_left(self, row: HandoutSummary) -> int | None:
        return (row.next_review - self.today).days if row.next_review else None


def released_versions(out: Path) -> dict[str, str]:
    """The version of each handout in the newest release under ``out/release/`` holding it."""
    versions: dict[str, str] = {}
    for _release, entry in published_artifacts(out / "release"):
        if isinstance(entry.get("manuscript"), str) and isinstance(entry.get("version"), str):
            versions[entry["manuscript"]] = entry["version"]
    return versions


def _reading_grade(m: Manuscript, styles: Path, use_cache: bool) -> float | None:
    from .readability import PATIENT, assess

    if PATIENT not in m.audiences:
        return None
    if use_cache:
        from .cache import Cache
        from .cache_folder import default_dir

        reading = Cache(default_dir(), styles).remember_reading(m)
    else:
        reading = assess(m)
    return reading.grade if reading else None


def collect(paths: Iterable[Path] | None, out: Path = Path("dist"),
            on: dt.date | None = None, due_within: int | None = None,
            options: BuildOptions | None = None) -> StatusReport:
    """One row per manuscript under ``paths``, sorted by slug."""
    from .release import today

    options = options or BuildOptions()
    report = StatusReport(today=on or today())
    problems = Problems()
    sources = discover(list(paths or [in_project("manuscripts")]))
    manuscripts, report.failed = load_all(sources, options, problems)
    released = released_versions(out)
    for m in sorted(manuscripts, key=lambda m: m.slug):
        row = HandoutSummary(
            slug=m.slug, title=m.title, status=m.status, version=m.version,
            source=display_path(m.path), lang=m.lang, last_updated=m.last_updated,
            next_review=m.next_review, audiences=m.audiences,
            reading_grade=_reading_grade(m, options.styles, options.use_cache),
            released=released.get(m.slug))
        report.rows.append(row)
        left = report.days_left(row)
        if due_within is not None and left is not None and left <= due_within:
            problems.add(m.path, m.line_of("next_review"), f"review {_due_words(left)} "
                         f"(next_review {row.next_review.isoformat()})", code="review-due")
    report.problems = [p for p in problems.items if p.is_error or p.code == "review-due"]
    return report


def _due_words(left: int) -> str:
    if left < 0:
        return f"overdue by {-left} day{'s' if left != -1 else ''}"
    if left == 0:
        return "due today"
    return f"due in {left} day{'s' if left != 1 else ''}"


def next_review_text(report: StatusReport, row: HandoutSummary) -> str:
    left = report.days_left(row)
    if left is None:
        return "-"
    return f"{row.next_review.isoformat()} ({_due_words(left).removeprefix('due ')})"


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


def format_table(report: StatusReport) -> str:
    """The rows as a plain-text table, one line per handout."""
    header = ("slug", "title", "status", "version", "last updated", "next review", "audiences",
              "grade", "released")
    lines = [header]
    for row in report.rows:
        lines.append((row.slug, _short(row.title, TITLE_WIDTH), row.status, row.version,
                      row.last_updated.isoformat() if row.last_updated else "-",
                      next_review_text(report, row), ",".join(row.audiences),
                      f"{row.reading_grade:.1f}" if row.reading_grade is not None else "-",
                      row.released or "-"))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True))
                     .rstrip() for line in lines) + "\n"


def to_json(report: StatusReport) -> dict[str, Any]:
    """The rows as JSON data, dates as ISO strings."""
    handouts = []
    for row in report.rows:
        left = report.days_left(row)
        handouts.append({
            "slug": row.slug, "title": row.title, "source": row.source, "status": row.status,
            "version": row.version, "lang": row.lang,
            "last_updated": row.last_updated.isoformat() if row.last_updated else None,
            "next_review": row.next_review.isoformat() if row.next_review else None,
            "days_left": left, "overdue": left is not None and left < 0,
            "audiences": list(row.audiences), "reading_grade": row.reading_grade,
            "released": row.released})
    return {"today": report.today.isoformat(), "handouts": handouts,
            "problems": [{"source": p.path, "line": p.line, "message": p.message}
                         for p in report.problems]}
