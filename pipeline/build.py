"""Build and check: discover manuscripts, plan outputs, render, write, report.

The parent process alone writes the output folder, the cache and the
manifest; rendering happens in jobs handed to a runner (``executors``: warm
local worker processes, in-process with ``jobs=1``, or a Dask cluster).
Outputs whose inputs have not changed are taken from a content-addressed
cache without importing WeasyPrint or running pandoc.  ``shard`` builds a
deterministic slice of the manuscripts (see ``shard.py``).
"""

from __future__ import annotations

import os
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import cache as cache_mod
from . import shard as shard_mod
from .bundle import effective_styles, package_styles
from .errors import PipelineError, Problem, Problems, UsageError, display_path
from .executors import open_runner
from .gather import Gatherer
from .jobs import RenderJob
from .manuscript import FrontMatterError, load_manuscript, review_warnings
from .model import Artifact, Manuscript, Readability, RenderOptions, Stamp
from .output import OutputFolder, sweep_temporaries
from .progress import Progress
from .readability import assess_all
from .sitefile import site_problems
from .stamp import OUTSIDE_GIT, GitHistory, make_stamp

ROOT = Path(__file__).resolve().parent.parent
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
    bibliography_dir: Path | None = None
    scheduler: str | None = None  # a Dask scheduler address: render there
    shard: tuple[int, int] | None = None  # (index, count), index from 1

    def bibliography_folder(self) -> Path:
        """Where shared .bib files are looked up: the option, else ./bibliography/, else ours."""
        if self.bibliography_dir is not None:
            return self.bibliography_dir
        local = Path.cwd() / "bibliography"
        return local if local.is_dir() else ROOT / "bibliography"


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
    """The options with the default styles made the package's, overridden by ./styles/."""
    if options.styles != STYLES:
        return options
    scratch = options.cache_dir or cache_mod.default_dir()
    if not options.use_cache:  # the merged styles still need a folder: a temporary one
        scratch = Path(tempfile.gettempdir()) / "handout-pipeline"
    if (Path.cwd() / "styles").is_dir():  # merged there with the package's
        scratch = cache_mod.ensure_dir(scratch)
    return replace(options, styles=effective_styles(Path.cwd(), scratch))


def discover(paths: Iterable[Path], require: bool = True) -> list[Path]:
    """Manuscript files named by ``paths`` (files, or folders searched for *.md).

    A folder without any is a usage error unless ``require`` is false (a
    preview waits for the first manuscript to be written).
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*.md")
                            if p.is_file() and not any(part.startswith(".") for part in p.parts)
                            and p.name.lower() != "readme.md")
            if require and not inside:
                raise UsageError(f"{path}: no manuscripts (*.md files) in this folder")
            found.extend(inside)
        elif path.is_file():
            found.append(path)
        else:
            raise UsageError(f"{path}: no such file or folder")
    unique: dict[Path, Path] = {}
    for p in found:
        unique.setdefault(p.resolve(), p)
    return list(unique.values())


def load_all(paths: list[Path], options: BuildOptions,
             problems: Problems) -> tuple[list[Manuscript], list[str]]:
    """Manuscripts whose front matter is valid, and the sources that failed."""
    manuscripts: list[Manuscript] = []
    failed: list[str] = []
    bib_dir = options.bibliography_folder()
    for path in paths:
        try:
            manuscript, warnings = load_manuscript(path, bib_dir)
        except PipelineError as exc:
            problems.extend(exc.problems)
            failed.append(display_path(path))
            if isinstance(exc, FrontMatterError):
                check_rest(exc.manuscript, options.styles, problems)
            continue
        problems.extend(warnings)
        manuscripts.append(manuscript)
    by_slug: dict[str, Manuscript] = {}
    keep = []
    for m in manuscripts:
        first = by_slug.get(m.slug)
        if first is not None:
            problems.add(m.path, m.line_of("slug") or 1, f"slug '{m.slug}' is already used by "
                         f"{display_path(first.path)}; outputs would overwrite each other",
                         code="duplicate-slug")
            failed.append(display_path(m.path))
            continue
        by_slug[m.slug] = m
        keep.append(m)
    return keep, failed


def check_rest(manuscript: Manuscript, styles: Path, problems: Problems) -> None:
    """Body, citations, images, bibliography, fonts and reading grade of a manuscript
    whose front matter failed: every problem is reported in one run."""
    from .prepare import prepare

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
             *cache_mod.referenced_files(manuscript)]
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
    """Build every manuscript under ``paths`` into ``options.out``."""
    options = resolve_styles(options or BuildOptions())
    started = time.perf_counter()
    report = BuildReport()
    problems = Problems()
    sources = discover(list(paths or [Path("manuscripts")]))
    cache_folder = cache_mod.ensure_dir(options.cache_dir or cache_mod.default_dir()) \
        if options.use_cache else None
    for fmt in options.formats:
        from .formats import FORMATS as REGISTRY

        if fmt not in REGISTRY:
            raise UsageError(f"unknown format '{fmt}'; known: {', '.join(REGISTRY)}")
    if options.shard:
        sources, report.shard = shard_mod.select(sources, *options.shard)
    if "html" in options.formats:  # said once here, not once per page
        problems.extend(site_problems(options.styles)[1])
    manuscripts, failed = load_all(sources, options, problems)
    report.manuscripts = len(sources)
    report.failed.extend(failed)
    store = cache_mod.Cache(cache_folder, options.styles,
                            options.cache_max) if options.use_cache else None
    readings_at, loaded = len(problems.items), list(manuscripts)

    def measure_readings() -> None:
        # Measured while the workers render (the parent is idle then); the
        # problems go where they would have gone had they been found first.
        found = Problems()
        report.readings = assess_all(loaded, found,
                                     assess_one=store.remember_reading if store else None)
        problems.items[readings_at:readings_at] = [p for p in found.items
                                                   if p not in problems.items]

    if options.strict:
        measure_readings()  # its warnings decide what is built
        _strict_failures(problems, manuscripts, report)
        manuscripts = [m for m in manuscripts if display_path(m.path) not in report.failed]
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
    sweep_temporaries(out)
    history = GitHistory()
    render_options = RenderOptions(paper=options.paper)

    plan: list[tuple[Manuscript, Stamp, dict[tuple[str, str], str]]] = []
    for m in manuscripts:
        stamp = make_stamp(m, inputs_of(m, options.styles), history)
        _warn_uncommitted(m, stamp, history, options, problems)
        keys = {(audience, fmt): store.key(m, stamp, audience, fmt, render_options)
                if store else "" for audience in m.audiences for fmt in options.formats}
        plan.append((m, stamp, keys))
    progress = progress or Progress(total=0, stream=None)
    progress.start(sum(len(keys) for _m, _s, keys in plan))

    folder = OutputFolder(out)
    gatherer = Gatherer(folder, store, problems, progress, report.failed)
    rows = store.lookup([k for _m, _s, keys in plan for k in keys.values()]) if store else {}
    work: list[RenderJob] = []
    for m, stamp, keys in plan:
        names = {pair: output_name(m, *pair) for pair in keys}
        gatherer.expect(m, keys, names)
        wanted = _from_cache(m, keys, names, rows, store, folder, gatherer, options.strict)
        if wanted:
            work.append(RenderJob(m, stamp, options.styles, wanted, render_options))
    meanwhile = None if options.strict else measure_readings
    if work:
        _render(work, options, gatherer, report, problems, progress, meanwhile)
    elif meanwhile:
        meanwhile()
    for slug in list(gatherer.pending):  # a job that came back without every output
        gatherer.fail(slug)

    report.built, report.reused = gatherer.built, gatherer.reused
    grades = {slug: r.grade for slug, r in report.readings.items()}
    report.artifacts = gatherer.records(grades)
    _write_manifest(folder, report, problems, options)
    if "html" in options.formats or (out / "index.html").is_file():
        from .site import write_site

        problems.extend(write_site(out, options.styles, [entry[0] for entry in plan],
                                   options.bibliography_folder()).items)
    if store:
        store.finish()
    report.problems = problems.items
    report.seconds = time.perf_counter() - started
    progress.finish(report)
    return report


def _warn_uncommitted(m: Manuscript, stamp: Stamp, history: GitHistory,
                      options: BuildOptions, problems: Problems) -> None:
    """A build from files git does not hold says so: its stamp is marked, and here is why."""
    # A folder outside git is a scratch build: its stamp says so, and that is all.
    if (stamp.commit and not stamp.dirty) or history.root_of(m.path.parent) is None:
        return
    files = [display_path(path) for path, why in history.uncommitted(inputs_of(m, options.styles))
             if why != OUTSIDE_GIT]
    if files:
        label = "+modified" if stamp.commit else "not committed"
        problems.warn(m.path, None, f"built from files not committed to git ({', '.join(files)}): "
                      f"the stamp says '{label}'; commit them before a release",
                      code="uncommitted")


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


def _render(work: list[RenderJob], options: BuildOptions, gatherer: Gatherer,
            report: BuildReport, problems: Problems, progress: Progress,
            meanwhile: Callable[[], None] | None = None) -> None:
    """Run the jobs; each manuscript's outputs are written as soon as all are back.

    ``meanwhile`` runs in this process once every job is handed out.
    """
    runner, ordered = open_runner(work, options.jobs, options.scheduler)
    report.runner = runner.name
    progress.rendering(sum(len(job.wanted) for job in ordered))
    reported: set[str] = set()
    with runner:
        for job in ordered:
            runner.submit(job)
        if meanwhile:
            meanwhile()
        for job, outcome in runner.completed():
            m = job.manuscript
            if isinstance(outcome, BaseException):  # a bug: keep the traceback, go on
                if display_path(m.path) not in reported:
                    reported.add(display_path(m.path))
                    report.internal_errors.append(
                        f"{display_path(m.path)}: internal error while building:\n"
                        + "".join(traceback.format_exception(outcome)))
                gatherer.fail(m.slug)
                continue
            report.render_seconds += outcome.seconds
            report.worker_max_rss_kb = max(report.worker_max_rss_kb, outcome.max_rss_kb)
            problems.extend(outcome.problems)
            if any(p.is_error or options.strict and p.counts for p in outcome.problems):
                gatherer.fail(m.slug)
                continue
            for audience, fmt, data in outcome.outputs:
                gatherer.add_rendered(m.slug, (audience, fmt), data, outcome.problems)
            del outcome


def _strict_failures(problems: Problems, manuscripts: list[Manuscript],
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
    manifest = folder.manifest(
        [a.to_json() for a in report.artifacts],
        [{"source": p.path, "line": p.line, "message": p.message}
         for p in problems.items if p.is_error],
        [{"source": p.path, "line": p.line, "message": p.message}
         for p in problems.items if not p.is_error],
        keep=failed, stale_sources=stale, formats=suffixes)
    if report.shard is not None:
        manifest["shard"] = {**report.shard, "failed": sorted(failed)}
    try:
        folder.write_manifest(manifest)
    except OSError as exc:
        problems.add(folder.out / "manifest.json", None,
                     f"cannot write the manifest: {exc.strerror or exc}", code="write")


def check(paths: Iterable[Path] | None = None, options: BuildOptions | None = None
          ) -> BuildReport:
    """Every validation of a build, without rendering."""
    from .prepare import prepare

    options = resolve_styles(options or BuildOptions())
    started = time.perf_counter()
    report = BuildReport()
    problems = Problems()
    sources = discover(list(paths or [Path("manuscripts")]))
    report.manuscripts = len(sources)
    problems.extend(site_problems(options.styles)[1])
    manuscripts, failed = load_all(sources, options, problems)
    report.failed.extend(failed)
    history = GitHistory()
    for m in manuscripts:
        problems.extend(review_warnings(m))
        stamp = make_stamp(m, inputs_of(m, options.styles), history)
        _docs, found = prepare(m, stamp, options.styles)
        problems.extend(found.items)
        if found.errors or options.strict and found.counted:
            report.failed.append(display_path(m.path))
    # graded even when another check failed: every problem in one run
    report.readings = assess_all(manuscripts, problems)
    if options.strict:
        _strict_failures(problems, manuscripts, report)
    report.problems = problems.items
    report.seconds = time.perf_counter() - started
    return report
