"""``check``: every validation of a build, without rendering."""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path
from traceback import format_exception

from . import cache_folder, syllables
from .build import (
    BuildOptions,
    BuildReport,
    inputs_of,
    load_all,
    resolve_styles,
    stamp_styles,
    strict_failures,
)
from .discover import discover
from .errors import Problems, display_path
from .includes import located
from .kindsfile import kinds_problems
from .model import Manuscript
from .progress import Progress
from .project import in_project
from .stamp import GitHistory, make_stamp
from .timelimit import layout_warning

CHECK_STATUSES = ("checked", "failed")


def check(paths: Iterable[Path] | None = None, options: BuildOptions | None = None,
          progress: Progress | None = None) -> BuildReport:
    """Every validation of a build, without rendering.

    ``progress`` (``statuses=CHECK_STATUSES``) hears of each manuscript as it is checked,
    as a build's does of each output: one handout of thousands of citations takes
    tens of seconds.
    """
    from .readability import assess_all
    from .sitefile import site_problems

    options = resolve_styles(options or BuildOptions())
    started = time.perf_counter()
    report = BuildReport()
    problems = Problems()
    sources = discover(list(paths or [in_project("manuscripts")]))
    report.manuscripts = len(sources)
    problems.extend(site_problems(options.styles)[1])
    problems.extend(kinds_problems(options.styles / "kinds.yaml")[1])
    progress = progress or Progress(stream=None, statuses=CHECK_STATUSES)
    progress.start(len(sources))
    manuscripts, failed = load_all(sources, options, problems)
    report.failed.extend(failed)
    for name in failed:  # their front matter: nothing more of them is checked
        progress.advance(name, "failed")
    progress.rendering(len(manuscripts))
    history = GitHistory()
    with progress.heartbeat():
        for m in manuscripts:
            shown = display_path(m.path)
            progress.working(shown)
            if not _check_one(m, options, history, problems, report):
                report.failed.append(shown)
            progress.advance(shown, "failed" if report.failed[-1:] == [shown] else "checked")
    # graded even when another check failed: every problem in one run; the syllable table
    # of a render cache the builds already made is read rather than the dictionary
    kept = options.cache_dir or cache_folder.default_dir()
    with syllables.kept_in(kept if options.use_cache and kept.is_dir() else None):
        report.readings = assess_all(manuscripts, problems)
    if options.strict:
        strict_failures(problems, manuscripts, report)
    report.problems = located(problems.items, manuscripts)
    report.seconds = time.perf_counter() - started
    return report


def _check_one(m: Manuscript, options: BuildOptions, history: GitHistory, problems: Problems,
               report: BuildReport) -> bool:
    """Every check of one manuscript whose front matter is valid; False when it fails."""
    from .manuscript import review_warnings
    from .prepare import prepare

    problems.extend(review_warnings(m))
    slow = layout_warning(m.path, m.body, m.body_line)
    if slow is not None:
        problems.extend([slow])
    stamp = make_stamp(m, inputs_of(m, stamp_styles(options)), history)
    try:
        _docs, found = prepare(m, stamp, options.styles)
    except Exception as exc:  # noqa: BLE001 - a bug: keep its traceback, check the others
        report.internal_errors.append(f"{display_path(m.path)}: internal error while "
                                      "checking:\n" + "".join(format_exception(exc)))
        return False
    problems.extend(found.items)
    return not (found.errors or options.strict and found.counted)
