"""Build and check: discover manuscripts, plan outputs, render, write, report.

The parent process alone writes the output folder, the cache and the
manifest; rendering happens in jobs handed to a runner (``executors``: warm
local worker processes, in-process with ``jobs=1``, or a Dask cluster).
Outputs whose inputs have not changed are taken from a content-addressed
cache without importing WeasyPrint or running pandoc.  ``shard`` builds a
deterministic slice of the manuscripts (see ``shard.py``).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import ahead, cache_folder, cache_keys
from . import cache as cache_mod
from .bundle import effective_styles, package_styles
from .discover import discover
from .dispatch import RenderSpec, render, take_reading
from .errors import PipelineError, Problem, Problems, UsageError, display_path, undecodable_name
from .gather import Gatherer
from .includes import located
from .kindsfile import kinds_problems
from .model import Artifact, Manuscript, Readability, RenderOptions, Stamp
from .output import OutputFolder, cannot_write, holding, sweep_temporaries
from .plan import Planned, Planner, Refused
from .progress import Progress
from .project import in_project, project_folder
from .stamp import GitHistory

STYLES = package_styles()  # the default: with ./styles/ laid over it (see bundle.py)
FORMATS = ("pdf", "epub", "html")


@dataclass(frozen=True)
class BuildOptions:
    """How to build; the defaults follow the contract."""

    out: Path = Path("dist")
    jobs: int | None = None
    paper: str = "a4"
    strict: bool = False
    formats: tuple[str, ...] = FORMATS
    use_cache: bool = True
    cache_dir: Path | None = None
    cache_max: int | None = None  # bytes; default $HANDOUT_CACHE_MAX, else 2 GiB
    styles: Path = STYLES
    # the styles folder whose git history the stamps follow: the project's own styles/
    # when its files are laid over the package's (the merged copy is not in git)
    source_styles: Path | None = None
    bibliography_dir: Path | None = None
    scheduler: str | None = None  # a Dask scheduler address: render there
    shard: tuple[int, int] | None = None  # (index, count), index from 1
    # seconds one manuscript's render may take; None: $HANDOUT_TIME_LIMIT, else 300; 0: none
    time_limit: float | None = None

    def render_time_limit(self) -> float | None:
        """The time limit a render job runs under (None: no limit)."""
        from .timelimit import default_limit

        limit = default_limit() if self.time_limit is None else self.time_limit
        return limit or None

    def bibliography_folder(self) -> Path:
        """Where shared .bib files are looked up: the option, else the project's bibliography/
        (never the pipeline's own checkout's: see ``project.py``)."""
        if self.bibliography_dir is not None:
            return self.bibliography_dir
        return in_project("bibliography")


@dataclass
class BuildReport:
    """What a build or check did."""

    artifacts: list[Artifact] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    built: int = 0
    reused: int = 0
    failed: list[str] = field(default_factory=list)
    manuscripts: int = 0
    seconds: float = 0.0
    internal_errors: list[str] = field(default_factory=list)
    readings: dict[str, Readability] = field(default_factory=dict)  # patient editions, by slug
    runner: str = ""  # where jobs ran: "in-process", "local pool", "dask"
    render_seconds: float = 0.0  # the jobs' own time, summed over workers
    worker_max_rss_kb: int = 0  # the largest worker's peak memory
    shard: dict | None = None  # this build's slice, recorded in the manifest

    @property
    def ok(self) -> bool:
        return not self.failed and not any(p.is_error for p in self.problems) \
            and not self.internal_errors


def resolve_styles(options: BuildOptions) -> BuildOptions:
    """The options with the default styles made the package's, overridden by the project's
    styles/."""
    if options.styles != STYLES:
        return options
    scratch = options.cache_dir or cache_folder.default_dir()
    if not options.use_cache:  # the merged styles still need a folder: a temporary one
        import tempfile

        scratch = Path(tempfile.gettempdir()) / "handout-pipeline"
    project = project_folder()
    if (project / "styles").is_dir():  # merged there with the package's
        scratch = cache_folder.ensure_dir(scratch)
    styles = effective_styles(project, scratch)
    source = project / "styles" if styles != STYLES else STYLES
    return replace(options, styles=styles, source_styles=options.source_styles or source)


def stamp_styles(options: BuildOptions) -> Path:
    """The styles folder a stamp's source commit follows (see ``BuildOptions.source_styles``)."""
    return options.source_styles or options.styles


def load_all(paths: list[Path], options: BuildOptions,
             problems: Problems) -> tuple[list[Manuscript], list[str]]:
    """Manuscripts whose front matter is valid, and the sources that failed."""
    from .manuscript import FrontMatterError, load_manuscript

    manuscripts: list[Manuscript] = []
    failed: list[str] = []
    bib_dir = options.bibliography_folder()
    for path in paths:
        try:
            manuscript, warnings = load_manuscript(path, bib_dir)
        except PipelineError as exc:
            failed.append(display_path(path))
            found = Problems()
            found.extend(exc.problems)
            if isinstance(exc, FrontMatterError):
                check_rest(exc.manuscript, options.styles, found)
                found.items = located(found.items, [exc.manuscript])
            problems.extend(found.items)
            continue
        problems.extend(warnings)
        manuscripts.append(manuscript)
    by_slug: dict[str, Manuscript] = {}
    keep = []
    for m in manuscripts:
        first = by_slug.get(m.slug)
        if first is not None:
            from .errors import look_alike

            shown = display_path(first.path)
            problems.add(m.path, m.line_of("slug") or 1, f"slug '{m.slug}' is already used by "
                         f"{shown}{look_alike(display_path(m.path), shown)}; outputs would "
                         "overwrite each other", code="duplicate-slug")
            failed.append(display_path(m.path))
            continue
        by_slug[m.slug] = m
        keep.append(m)
    return keep, failed


def check_rest(manuscript: Manuscript, styles: Path, problems: Problems) -> None:
    """Body, citations, images, bibliography, fonts and reading grade of a manuscript
    whose front matter failed: every problem is reported in one run."""
    from .prepare import prepare
    from .readability import assess_all

    stamp = Stamp(manuscript.version, manuscript.status, manuscript.last_updated,
                  manuscript.last_updated, "")
    _docs, found = prepare(manuscript, stamp, styles)
    # Without every bibliography file, a citation's entry may be in the missing one.
    unread = any(p.code == "missing-bibliography" for p in problems.items
                 if p.path == display_path(manuscript.path))
    problems.extend(p for p in found.items if not (unread and p.code == "missing-citation"))
    assess_all([manuscript], problems)


def inputs_of(manuscript: Manuscript, styles: Path) -> list[Path]:
    paths = [manuscript.path, *manuscript.bibliography, styles,
             *cache_keys.referenced_files(manuscript)]
    csl = Path(manuscript.csl)
    if manuscript.csl.endswith(".csl"):
        paths.append(csl if csl.is_absolute() else manuscript.path.parent / csl)
    return paths


def output_name(manuscript: Manuscript, audience: str, fmt: str) -> str:
    from .formats import FORMATS as REGISTRY

    return f"{manuscript.slug}.{audience}{REGISTRY[fmt].suffix}"


# ---------------------------------------------------------------- build

def build(paths: Iterable[Path] | None = None, options: BuildOptions | None = None,
          progress: Progress | None = None) -> BuildReport:
    """Build every manuscript under ``paths`` into ``options.out``: see :func:`_build`."""
    with contextlib.ExitStack() as held:
        return _build(paths, options, progress, held)


def _build(paths: Iterable[Path] | None, options: BuildOptions | None,
           progress: Progress | None, held: contextlib.ExitStack) -> BuildReport:
    """Build every manuscript under ``paths`` into ``options.out``, held for it alone.

    Manuscripts are planned one at a time and only a small record of each
    is kept (``plan.py``); each is read again when its job is handed out, a
    few jobs ahead of the workers, and its files are written and dropped as
    soon as they are back: the memory of this process does not grow with
    the number of manuscripts.
    """
    options = resolve_styles(options or BuildOptions())
    started = time.perf_counter()
    report = BuildReport()
    problems = Problems()
    time_limit = options.render_time_limit()  # a wrong $HANDOUT_TIME_LIMIT stops it here
    sources = discover(list(paths or [in_project("manuscripts")]))
    from .formats import FORMATS as REGISTRY

    for fmt in options.formats:
        if fmt not in REGISTRY:
            raise UsageError(f"unknown format '{fmt}'; known: {', '.join(REGISTRY)}")
    if options.shard:
        from .shard import select

        sources, report.shard = select(sources, *options.shard)
    report.manuscripts = len(sources)
    if "html" in options.formats:  # said once here, not once per page
        from .sitefile import site_problems

        problems.extend(site_problems(options.styles)[1])
    problems.extend(kinds_problems(options.styles / "kinds.yaml")[1])
    out = options.out
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: is a file, not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--out {out}: cannot create the folder: {exc.strerror}") from None
    try:  # found now, not after every file has been rendered
        probe = out / f".probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise UsageError(f"--out {out}: cannot write in the folder: {exc.strerror}") from None
    held.enter_context(holding(out, lambda: (progress or Progress(stream=None)).say(
        f"{display_path(out)}: another build is writing into this folder: waiting for it to "
        "finish")))
    sweep_temporaries(out)
    for source in [s for s in sources if undecodable_name(s)]:  # no cache key can hold it
        problems.add(source, None, undecodable_name(source) or "", code="file-name")
        report.failed.append(display_path(source))
        sources.remove(source)
    cache_dir = options.cache_dir or cache_folder.default_dir()
    store = cache_mod.Cache(cache_folder.ensure_dir(cache_dir), options.styles,
                            options.cache_max) if options.use_cache else None
    render_options = RenderOptions(paper=options.paper, formats=tuple(options.formats))
    planner = Planner(store, options.styles, options.bibliography_folder(), options.formats,
                      render_options, options.strict, GitHistory(),
                      inputs_of, output_name, check_rest, stamp_styles(options))
    changed = planner.prefetch(sources)
    pdf_worker = ahead.pdf_worker_ahead(options, changed)
    try:
        if pdf_worker is not None:
            ahead.begin_ahead(pdf_worker, planner, changed[0], render_options, store, time_limit)
        plans = _plan_all(planner, sources, problems, report)
        planned = [p.manuscript for p in plans]
        if options.strict:
            strict_failures(problems, [p.manuscript for p in plans], report)
            plans = [p for p in plans if p.source not in report.failed]
        progress = progress or Progress(total=0, stream=None)
        progress.start(sum(len(p.keys) for p in plans))

        folder = OutputFolder(out)
        gatherer = Gatherer(folder, store, problems, progress, report.failed)
        rows = store.lookup([k for p in plans for _pair, k in p.keys]) if store else {}
        work: list[RenderSpec] = []
        for p in plans:
            keys, names = dict(p.keys), dict(p.names)
            gatherer.expect(p.manuscript, p.keys, p.names, p.source)
            wanted = _from_cache(p.manuscript, keys, names, rows, store, folder, gatherer,
                                 options.strict)
            if wanted:
                work.append(RenderSpec(p, wanted, measure_reading=not p.measured))
    except BaseException:
        if pdf_worker is not None:
            pdf_worker.stop()
        raise
    if work:
        graded: dict[str, Problems] = {}  # reading-grade warnings found by the workers
        render(work, planner, gatherer, report, problems, progress, jobs=options.jobs,
               scheduler=options.scheduler, styles=options.styles,
               options=render_options, strict=options.strict,
               graded=graded, cache_folder=store.folder if store else None,
               pdf_worker=pdf_worker, time_limit=time_limit)
        for p in plans:
            problems.extend(graded.get(p.source, Problems()).items)
    elif pdf_worker is not None:
        pdf_worker.stop()
    for slug in list(gatherer.pending):  # a job that came back without every output
        gatherer.fail(slug)
    for p in plans:  # a reading neither the cache nor a worker had (a reused handout)
        if not p.measured and p.source in planner.pending:
            m = planner.reload(p)
            if m is not None:
                take_reading(planner, p, planner.measure(m, p.digest), report.readings, problems)
    planner.save()

    report.built, report.reused = gatherer.built, gatherer.reused
    grades = {slug: r.grade for slug, r in report.readings.items()}
    report.artifacts = gatherer.records(grades)
    problems.items = located(problems.items, planned)
    _write_manifest(folder, report, problems, options)
    if "html" in options.formats or (out / "index.html").is_file():
        from .site import write_site

        problems.extend(write_site(out, options.styles, [p.manuscript for p in plans],
                                   options.bibliography_folder(),
                                   images=[i for p in plans for i in p.images]).items)
    if store:
        store.finish()
        problems.extend(store.problems())
    report.problems = problems.items
    report.seconds = time.perf_counter() - started
    progress.finish(report)
    return report


def _plan_all(planner: Planner, sources: list[Path], problems: Problems,
              report: BuildReport) -> list[Planned]:
    """Every manuscript planned, in order; those that failed reported and left out."""
    plans: list[Planned] = []
    by_slug: dict[str, str] = {}
    for path in sources:
        planned, files, since = planner.plan(path)
        if isinstance(planned, Refused):
            problems.extend(planned.problems)
            report.failed.append(planned.source)
            if files:
                planner.remember(path, files, since, planned)
            continue
        first = by_slug.get(planned.slug)
        if first is not None:
            from .errors import look_alike

            m = planned.manuscript
            problems.add(m.path, m.line_of("slug") or 1, f"slug '{m.slug}' is already used by "
                         f"{first}{look_alike(planned.source, first)}; outputs would overwrite "
                         "each other", code="duplicate-slug")
            report.failed.append(planned.source)
            continue
        by_slug[planned.slug] = planned.source
        problems.extend(planned.warnings)
        if planned.measured:
            take_reading(planner, planned, planned.reading, report.readings, problems,
                         remember=False)
            if files:
                planner.remember(path, files, since, planned)
        elif files:
            planner.pending[planned.source] = files, since
        plans.append(planned)
    return plans


def _from_cache(m: Manuscript, keys: dict[tuple[str, str], str],
                names: dict[tuple[str, str], str], rows: dict, store: cache_mod.Cache | None,
                folder: OutputFolder, gatherer: Gatherer, strict: bool
                ) -> tuple[tuple[str, str], ...]:
    """Take what the cache has; the pairs that must be rendered.

    An output the folder already holds (same checksum per the index and the
    manifest) is not read at all.  When anything must be rendered, the
    manuscript's other outputs wait for it; those not already in the folder
    are rendered with it rather than held in memory meanwhile.
    """
    found = {pair: rows[key] for pair, key in keys.items()
             if key in rows and not (strict and any(p.counts for p in rows[key].problems))}
    current = {pair for pair, row in found.items()
               if folder.is_current(names[pair], row.sha256, row.size)}
    data: dict[tuple[str, str], bytes] = {}
    if store is not None and len(found) == len(keys):
        for pair, key in keys.items():
            hit = None if pair in current else store.get(key)
            if hit is not None:
                data[pair] = hit[0]
    if len(current) + len(data) < len(keys):
        data.clear()
        wanted = tuple(pair for pair in keys if pair not in current)
    else:
        wanted = ()
    for pair, key in keys.items():
        if pair not in wanted:
            gatherer.problems.extend(found[pair].problems)
            store.used(key)
            gatherer.add(m.slug, pair, data.pop(pair, None), found[pair].sha256,
                         found[pair].size, rendered=False)
    return wanted


def strict_failures(problems: Problems, manuscripts: list[Manuscript],
                     report: BuildReport) -> None:
    warned = {p.path for p in problems.warnings if p.counts}
    for m in manuscripts:
        if display_path(m.path) in warned and display_path(m.path) not in report.failed:
            report.failed.append(display_path(m.path))
    promoted = [p.as_error() for p in problems.items]
    problems.items = promoted


def _write_manifest(folder: OutputFolder, report: BuildReport, problems: Problems,
                    options: BuildOptions) -> None:
    """The manifest of the whole folder: this build's files and the others still there."""
    failed = set(report.failed)
    for source in sorted(failed):
        kept = [e for e in folder.by_source.get(source, []) if (folder.out / e["path"]).is_file()]
        if kept:
            problems.warn(source, None, "build failed; the previous files are kept: "
                          + ", ".join(e["path"] for e in kept), code="kept-previous")
    suffixes = tuple(f".{fmt}" for fmt in options.formats)
    built = {a.source for a in report.artifacts} - failed
    # Outputs this build no longer produces (in its formats) for a manuscript it built are stale.
    stale = {e["source"] for entries in folder.by_source.values() for e in entries
             if e.get("source") in built and e["path"].endswith(suffixes)}
    # By file, line and text: the same bytes whatever order the workers finished in.
    ordered = sorted(problems.items, key=lambda p: (str(p.path), p.line or 0, p.message))
    manifest = folder.manifest(
        [a.to_json() for a in report.artifacts],
        [{"source": p.path, "line": p.line, "message": p.message} for p in ordered if p.is_error],
        [{"source": p.path, "line": p.line, "message": p.message}
         for p in ordered if not p.is_error],
        keep=failed, stale_sources=stale, formats=suffixes)
    if report.shard is not None:
        manifest["shard"] = {**report.shard, "failed": sorted(failed)}
    try:
        folder.write_manifest(manifest)
    except OSError as exc:
        problems.add(folder.out / "manifest.json", None,
                     cannot_write(folder.out / "manifest.json", exc, "the manifest"), code="write")


def check(paths: Iterable[Path] | None = None, options: BuildOptions | None = None,
          progress: Progress | None = None) -> BuildReport:
    """Every validation of a build, without rendering (``checking.py``)."""
    from .checking import check as check_all

    return check_all(paths, options, progress)
