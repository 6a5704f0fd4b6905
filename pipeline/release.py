"""Release: the approved handouts to send to clinics, with checksums, never rewritten.

``release`` loads the manuscripts as a build does and refuses, each with its
reason at its line, any that is not approved, has no reviewer other than its
authors, is past its ``next_review`` date, whose patient edition reads
above its grade limit, or any of whose inputs (manuscript, bibliographies,
images, styles) is not committed to git as it is.  When any is refused nothing is written, unless
``skip_refused`` is set.  The others are built (through the render cache)
and published as ``OUT/release/<release id>/``:

```
manifest.json       what the release holds, with checksums
SHA256SUMS          for `sha256sum -c SHA256SUMS`
<slug>.<audience>.pdf / .epub       A4
letter/<slug>.<audience>.pdf        when a clinic asks for US letter
clinics/<clinic>.zip                one per clinic of the distribution file
```

Each clinic's zip holds one folder, ``<clinic>-<release id>/``, with the
clinic's files, its own ``manifest.json`` and ``SHA256SUMS``; entries are
sorted and dated with the release date, so the same release zips to the same
bytes.

The release id is ``<build date>-<digest>``: the digest covers the stamp of
every released edition (version, status, dates, source commit), the
distribution and the pipeline's version, never the bytes.  The same stamps
give the same id: releasing again is a no-op when the bytes are the same,
and an error when they differ (a published release is never rewritten).
The folder is assembled beside its final place and renamed into it, so a
release is either all there or not there.

'Today', for ``next_review``, is the UTC date of ``SOURCE_DATE_EPOCH`` when it
is set, else the real date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .build import (
    BuildOptions,
    UsageError,
    build,
    inputs_of,
    load_all,
    output_name,
    resolve_styles,
    stamp_styles,
)
from .discover import discover
from .distribution import Clinic, Distribution, load_distribution
from .errors import WARNING, PipelineError, Problem, Problems, display_path
from .model import Manuscript, Readability, Stamp
from .progress import Progress
from .project import in_project
from .publish import (
    UNCHANGED,
    WRITTEN,
    checksums,
    deterministic_zip,
    manifest_bytes,
    publish_folder,
)
from .readability import assess
from .release_gates import (
    refusals,
    released_texts,
    text_digest,
    uncommitted_refusals,
    version_refusals,
)
from .stamp import GitHistory, make_stamp, today

# What clinics receive: the files that stand alone (a web page needs its assets/ folder).
RELEASED_FORMATS = ("pdf", "epub")

DEFAULT_PAPER = "a4"
SUMS = "SHA256SUMS"


@dataclass(frozen=True)
class ReleaseOptions:
    """How to release; ``out`` and the build settings mean what they mean for a build."""

    out: Path = Path("dist")
    distribution: Path | None = None
    skip_refused: bool = False
    jobs: int | None = None
    use_cache: bool = True
    cache_dir: Path | None = None
    styles: Path = BuildOptions.styles
    bibliography_dir: Path | None = None
    time_limit: float | None = None  # as BuildOptions.time_limit


@dataclass
class ReleaseReport:
    """What a release did."""

    release_id: str = ""
    folder: Path | None = None
    files: list[str] = field(default_factory=list)
    clinics: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # sources
    problems: list[Problem] = field(default_factory=list)
    readings: dict[str, Readability] = field(default_factory=dict)
    written: bool = False
    unchanged: bool = False
    today: dt.date | None = None

    @property
    def ok(self) -> bool:
        return (self.written or self.unchanged) and not any(p.is_error for p in self.problems)


def release(paths: list[Path] | None = None, options: ReleaseOptions | None = None,
            progress: Progress | None = None) -> ReleaseReport:
    """Build and publish the release of the manuscripts under ``paths``."""
    options = options or ReleaseOptions()
    report = ReleaseReport(today=today())
    problems = Problems()
    build_options = BuildOptions(out=options.out, jobs=options.jobs, use_cache=options.use_cache,
                                 cache_dir=options.cache_dir, styles=options.styles,
                                 bibliography_dir=options.bibliography_dir,
                                 time_limit=options.time_limit)
    build_options.render_time_limit()  # a wrong $HANDOUT_TIME_LIMIT stops it before any work
    for folder in (options.out, options.out / "release"):  # as build says, before any render
        if folder.exists() and not folder.is_dir():
            raise UsageError(f"--out {options.out}: {folder} is a file, not a folder")
    in_git = stamp_styles(resolve_styles(build_options))  # the project's styles/, if any
    sources = discover(list(paths or [in_project("manuscripts")]))
    manuscripts, failed = load_all(sources, build_options, problems)
    refused: set[str] = set(failed)
    accepted: list[Manuscript] = []
    history = GitHistory()
    released = released_texts(options.out)
    for m in manuscripts:
        reading = assess(m)
        if reading is not None:
            report.readings[m.slug] = reading
        reasons = refusals(m, report.today, reading) \
            + uncommitted_refusals(m, in_git, history) + version_refusals(m, released)
        problems.extend(reasons)
        (refused.add(display_path(m.path)) if reasons else accepted.append(m))

    distribution = None
    if options.distribution is not None:
        known = {m.slug: m for m in manuscripts}
        left_out = frozenset(m.slug for m in manuscripts if display_path(m.path) in refused)
        try:
            distribution, found = load_distribution(options.distribution, known, left_out,
                                                    partial=_partial(paths))
            problems.extend(found.items)
        except PipelineError as exc:
            problems.extend(exc.problems)
            return _finish(report, problems, refused, options)
    if refused and not options.skip_refused:
        return _finish(report, problems, refused, options)

    built = _build_editions(accepted, distribution, build_options, problems, refused, progress)
    if refused and not options.skip_refused:
        return _finish(report, problems, refused, options)
    accepted = [m for m in accepted if display_path(m.path) not in refused]
    if not accepted:
        problems.add(options.out, None, "nothing to release: every manuscript was refused",
                     code="empty-release")
        return _finish(report, problems, refused, options)
    if distribution is not None:
        distribution = _without_failed(distribution, {m.slug for m in accepted}, problems)
    _publish(accepted, built, distribution, options, report, problems, in_git)
    return _finish(report, problems, refused, options)


def _partial(paths: list[Path] | None) -> bool:
    """A release of named manuscript files, not of whole folders: some handouts only."""
    return any(not path.is_dir() for path in paths or [])


def _without_failed(distribution: Distribution, kept: set[str],
                    problems: Problems) -> Distribution:
    """The clinics without the editions of manuscripts whose build failed."""
    clinics = []
    for clinic in distribution.clinics:
        editions = tuple(e for e in clinic.editions if e.slug in kept)
        for slug in dict.fromkeys(e.slug for e in clinic.editions if e.slug not in kept):
            problems.warn(distribution.path, clinic.line, f"clinic '{clinic.key}': manuscript "
                          f"'{slug}' failed to build and is left out", code="distribution")
        if editions:
            clinics.append(Clinic(clinic.key, clinic.name, clinic.paper, editions, clinic.line))
        else:
            problems.warn(distribution.path, clinic.line, f"clinic '{clinic.key}' receives no "
                          "file; no zip is made for it", code="distribution")
    return Distribution(distribution.path, tuple(clinics))


def _finish(report: ReleaseReport, problems: Problems, refused: set[str],
            options: ReleaseOptions) -> ReleaseReport:
    items = problems.items
    if options.skip_refused and (report.written or report.unchanged):
        items = [Problem(p.path, p.line, p.message, WARNING, p.code)
                 if p.is_error and p.path in refused else p for p in items]
    report.problems = items
    report.refused = sorted(refused)
    return report


def _build_editions(accepted: list[Manuscript], distribution: Distribution | None,
                    options: BuildOptions, problems: Problems, refused: set[str],
                    progress: Progress | None) -> dict[tuple[str, str, str, str], bytes]:
    """{(slug, audience, format, paper): bytes}; a manuscript that fails to build is refused."""
    papers = {DEFAULT_PAPER: [m.path for m in accepted]}
    if distribution is not None:
        for clinic in distribution.clinics:
            if clinic.paper != DEFAULT_PAPER:
                slugs = {e.slug for e in clinic.editions}
                papers.setdefault(clinic.paper, [])
                papers[clinic.paper] += [m.path for m in accepted
                                         if m.slug in slugs and m.path not in papers[clinic.paper]]
    out: dict[tuple[str, str, str, str], bytes] = {}
    if progress is not None:
        audiences = {m.path: len(m.audiences) for m in accepted}
        progress.plan(sum(audiences[p] * (len(RELEASED_FORMATS) if paper == DEFAULT_PAPER
                                          else 1)
                          for paper, paths in papers.items() for p in paths))
    for paper, paths in papers.items():
        if not paths:
            continue
        with tempfile.TemporaryDirectory(prefix="handout-release-") as tmp:
            formats = RELEASED_FORMATS if paper == DEFAULT_PAPER else ("pdf",)
            report = build(paths, BuildOptions(
                out=Path(tmp), jobs=options.jobs, paper=paper, formats=formats,
                use_cache=options.use_cache, cache_dir=options.cache_dir, styles=options.styles,
                bibliography_dir=options.bibliography_dir, time_limit=options.time_limit),
                progress)
            problems.extend(p for p in report.problems if p.is_error)
            for text in report.internal_errors:
                problems.add(text.split(":", 1)[0], None, text.split(":", 1)[1].strip(),
                             code="internal")
            for source in report.failed:
                problems.add(source, None, "not released: its build failed", code="build-failed")
                refused.add(source)
            for artifact in report.artifacts:
                out[(artifact.manuscript, artifact.audience, artifact.format, paper)] = \
                    (Path(tmp) / artifact.path).read_bytes()
    return out


# ---------------------------------------------------------------- publishing

def _source_name(path: Path, history: GitHistory) -> str:
    """The manuscript's path as the repository knows it, whatever the working folder."""
    root = history.root_of(path.parent)
    if root is not None:
        try:
            return path.resolve().relative_to(root).as_posix()
        except ValueError:
            pass
    return display_path(path)


def _entry(m: Manuscript, audience: str, fmt: str, paper: str, name: str, data: bytes,
           source: str, reading: Readability | None) -> dict[str, Any]:
    entry = {"path": name, "format": fmt, "manuscript": m.slug, "source": source,
             "title": m.title, "version": m.version, "status": m.status, "audience": audience,
             "lang": m.lang, "paper": paper if fmt == "pdf" else None,
             "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
             "text_sha256": text_digest(m)}
    if entry["paper"] is None:
        del entry["paper"]
    if audience == "patient" and reading is not None:
        entry["reading_grade"] = reading.grade
    return entry


def _release_id(accepted: list[Manuscript], stamps: dict[str, Stamp],
                distribution: Distribution | None, history: GitHistory) -> str:
    digest = hashlib.sha256()
    parts: list[Any] = [["pipeline", __version__]]
    for m in sorted(accepted, key=lambda m: m.slug):
        s = stamps[m.slug]
        parts.append([m.slug, _source_name(m.path, history), s.version, s.status,
                      s.last_updated.isoformat(), s.build_date.isoformat(), s.commit, s.dirty,
                      m.lang, list(m.audiences)])
    for clinic in distribution.clinics if distribution else ():
        parts.append([clinic.key, clinic.name, clinic.paper,
                      [[e.slug, e.audience] for e in clinic.editions]])
    digest.update(json.dumps(parts, sort_keys=True).encode())
    date = max(s.build_date for s in stamps.values())
    return f"{date.isoformat()}-{digest.hexdigest()[:12]}"


def _publish(accepted: list[Manuscript], built: dict[tuple[str, str, str, str], bytes],
             distribution: Distribution | None, options: ReleaseOptions,
             report: ReleaseReport, problems: Problems, styles_in_git: Path) -> None:
    history = GitHistory()
    stamps = {m.slug: make_stamp(m, inputs_of(m, styles_in_git), history) for m in accepted}
    release_id = _release_id(accepted, stamps, distribution, history)
    date = max(s.build_date for s in stamps.values())
    by_slug = {m.slug: m for m in accepted}
    sources = {m.slug: _source_name(m.path, history) for m in accepted}

    files: dict[str, bytes] = {}
    entries: list[dict[str, Any]] = []
    for (slug, audience, fmt, paper), data in sorted(built.items()):
        if slug not in by_slug or paper != DEFAULT_PAPER:
            continue
        m = by_slug[slug]
        name = output_name(m, audience, fmt)
        files[name] = data
        entries.append(_entry(m, audience, fmt, paper, name, data, sources[slug],
                              report.readings.get(slug)))
    clinic_entries = []
    for clinic in distribution.clinics if distribution else ():
        zip_name = f"clinics/{clinic.key}.zip"
        data, inside = _clinic_zip(clinic, by_slug, built, sources, report, release_id, date)
        if clinic.paper != DEFAULT_PAPER:
            for e in inside:
                if e["format"] == "pdf":
                    name = f"{clinic.paper}/{e['path']}"
                    if name not in files:
                        files[name] = built[(e["manuscript"], e["audience"], "pdf", clinic.paper)]
                        entries.append({**e, "path": name})
        files[zip_name] = data
        clinic_entries.append({"clinic": clinic.key, "name": clinic.name, "path": zip_name,
                               "paper": clinic.paper, "files": [e["path"] for e in inside],
                               "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)})
    entries.sort(key=lambda e: e["path"])
    files["manifest.json"] = manifest_bytes({
        "release": release_id, "date": date.isoformat(), "pipeline": __version__,
        "artifacts": entries, "clinics": clinic_entries})
    files[SUMS] = checksums(files)
    report.release_id = release_id
    report.files = sorted(files)
    report.clinics = [c["path"] for c in clinic_entries]
    report.folder = options.out / "release" / release_id
    try:
        state = publish_folder(report.folder, files, f"release {release_id}")
    except PipelineError as exc:
        problems.extend(exc.problems)
        return
    report.written, report.unchanged = state == WRITTEN, state == UNCHANGED


def _clinic_zip(clinic: Clinic, by_slug: dict[str, Manuscript],
                built: dict[tuple[str, str, str, str], bytes], sources: dict[str, str],
                report: ReleaseReport, release_id: str, date: dt.date
                ) -> tuple[bytes, list[dict[str, Any]]]:
    folder = f"{clinic.key}-{release_id}"
    files: dict[str, bytes] = {}
    entries = []
    for edition in clinic.editions:
        m = by_slug[edition.slug]
        for fmt in RELEASED_FORMATS:
            paper = clinic.paper if fmt == "pdf" else DEFAULT_PAPER
            data = built[(edition.slug, edition.audience, fmt, paper)]
            name = output_name(m, edition.audience, fmt)
            files[name] = data
            entries.append(_entry(m, edition.audience, fmt, clinic.paper, name, data,
                                  sources[m.slug], report.readings.get(m.slug)))
    entries.sort(key=lambda e: e["path"])
    files["manifest.json"] = manifest_bytes({
        "release": release_id, "date": date.isoformat(), "clinic": clinic.key,
        "name": clinic.name, "paper": clinic.paper, "artifacts": entries})
    files[SUMS] = checksums(files)
    return deterministic_zip({f"{folder}/{n}": d for n, d in files.items()}, date), entries
