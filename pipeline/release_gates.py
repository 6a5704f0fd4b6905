"""What stops a manuscript from being released, each reason at its line.

Not approved; no reviewer other than its authors; past its ``next_review``
date; a patient edition that reads above its grade limit; an input
(manuscript, bibliographies, images, styles) git does not hold as it is; a
version an earlier release published with other text (under ``--out`` or any other
folder of the project).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from .build import inputs_of
from .bundle import package_styles
from .errors import Problem, Problems, display_path
from .model import Manuscript, Readability
from .project import project_folder
from .publish import published_artifacts
from .readability import over_limit_message
from .stamp import OUTSIDE_GIT, GitHistory, today_source


def _names(people: Any) -> set[str]:
    return {" ".join(p.name.casefold().split()) for p in people}


def refusals(m: Manuscript, on: dt.date, reading: Readability | None) -> list[Problem]:
    """Why ``m`` may not be released (empty when it may), each at its line."""
    found = Problems()
    if not m.approved:
        found.add(m.path, m.line_of("status"), f"not released: status is '{m.status}'; only "
                  "approved manuscripts are released", code="not-approved")
    if not m.reviewers:
        found.add(m.path, m.line_of("reviewers") or m.line_of("status"),
                  "not released: no reviewers are listed; a release needs a reviewer other "
                  "than its authors", code="no-independent-review")
    elif not (_names(m.reviewers) - _names(m.authors)):
        reviewers = ", ".join(p.name for p in m.reviewers)
        found.add(m.path, m.line_of("reviewers"),
                  f"not released: no reviewer other than its authors (reviewers: {reviewers})",
                  code="no-independent-review")
    if m.next_review is not None and m.next_review < on:
        where = today_source()
        found.add(m.path, m.line_of("next_review"),
                  f"not released: review overdue: next_review {m.next_review.isoformat()} is "
                  f"before today, {on.isoformat()} ({where})", code="review-overdue")
    if reading is not None and reading.over_limit:
        line = reading.hardest[0].line if reading.hardest else m.line_of("max_grade")
        found.add(m.path, line, "not released: " + over_limit_message(reading),
                  code="reading-grade")
    return found.items


def uncommitted_refusals(m: Manuscript, styles: Path, history: GitHistory) -> list[Problem]:
    """Each input of ``m`` that git does not hold as it is, named at the line that uses it.

    A release names the exact commit it came from, so it is built from
    committed files only.
    """
    from .body import source_line

    found = Problems()
    bibliographies = {p.resolve() for p in m.bibliography}
    shipped = package_styles().resolve()
    for path, why in history.uncommitted(inputs_of(m, styles)):
        resolved = path.resolve()
        if why == OUTSIDE_GIT and resolved == shipped:
            # The styles of the installed package (pip install .) are no file of the
            # project: the pipeline's version, in the release's manifest, names them.
            continue
        if resolved == m.path.resolve():
            line = None
        elif resolved in bibliographies:
            line = m.line_of("bibliography")
        elif resolved.suffix == ".csl":
            line = m.line_of("csl")
        elif resolved.is_relative_to(m.path.parent.resolve()):
            line = source_line(m, resolved.relative_to(m.path.parent.resolve()).as_posix())
        else:
            line = None
        if why == OUTSIDE_GIT and os.path.abspath(path) != str(resolved):
            # a link in the project to a file elsewhere: committing the link is not enough
            found.add(m.path, line, f"not released: {display_path(path)} is a link to "
                      f"{display_path(resolved)}, which {why}; a release is built from committed "
                      "files only: copy the file into the project and commit it",
                      code="uncommitted")
            continue
        # "commit it" cannot be done outside git: the repository comes first
        todo = ("make the project a git repository (git init), commit it and release again"
                if why == OUTSIDE_GIT else "commit it and release again")
        found.add(m.path, line, f"not released: {display_path(path)} {why}; a release is "
                  f"built from committed files only: {todo}", code="uncommitted")
    return found.items


def text_digest(m: Manuscript) -> str:
    """What a version names: the words a reader reads (title, summary, disclaimer, body and
    its audiences), not the dates, reviewers or next review the front matter also holds."""
    text = [m.title, m.subtitle, m.summary, m.disclaimer, list(m.audiences), m.body]
    return hashlib.sha256(json.dumps(text, ensure_ascii=False).encode()).hexdigest()


def release_folders(out: Path) -> list[Path]:
    """Every folder of releases the project holds: ``out``'s ``release/`` first, then the
    ``release/`` of each folder of the project (its ``dist/``, or another ``--out`` an earlier
    release was written into)."""
    folders = [out / "release", *sorted(project_folder().glob("*/release"))]
    seen: set[Path] = set()
    found = []
    for folder in folders:
        key = folder.resolve()
        if key not in seen and folder.is_dir():
            seen.add(key)
            found.append(folder)
    return found


def released_texts(out: Path) -> dict[tuple[str, str], dict[str, str]]:
    """(slug, version) -> {text digest: where} of every text released under them, each with
    the first release that published it, looked for in every folder of
    :func:`release_folders`; ``where`` is the release id, with its folder when that is not
    ``out``'s.  Releases written before manifests recorded the text (no ``text_sha256``)
    are skipped."""
    found: dict[tuple[str, str], dict[str, str]] = {}
    for folder in release_folders(out):
        here = folder.resolve() == (out / "release").resolve()
        for release, entry in published_artifacts(folder):
            slug, version, text = entry.get("manuscript"), entry.get("version"), \
                entry.get("text_sha256")
            where = release if here else f"{release} (in {display_path(folder)}/)"
            if isinstance(slug, str) and isinstance(version, str) and isinstance(text, str):
                found.setdefault((slug, version), {}).setdefault(text, where)
    return found


def version_refusals(m: Manuscript,
                     released: dict[tuple[str, str], dict[str, str]]) -> list[Problem]:
    """A version already released with other text: a clinic would hold two handouts that
    both say "Version X, approved" and read differently."""
    digest = text_digest(m)
    others = [where for text, where in released.get((m.slug, m.version), {}).items()
              if text != digest]
    if not others:
        return []
    found = Problems()
    found.add(m.path, m.line_of("version"),
              f"not released: version {m.version} was released in {others[0]} with other "
              "text; give the changed text a new version (and its review)",
              code="version-reused")
    return found.items
