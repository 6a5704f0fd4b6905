"""Tasks for the handout pipeline (``invoke --list``).

Each task is a thin wrapper over ``python -m pipeline`` or the test suite.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path

from invoke import Context, Exit, Local, Task, task

ROOT = Path(__file__).resolve().parent
PY = shlex.quote(sys.executable)  # a checkout or a venv may sit in a folder with a space
# One flag for one thing in every task: `-p/--paths` means the same in build,
# check, release and the others; options not listed here have a long form only.
SHORT_FLAGS = {"paths": "p", "out": "o", "jobs": "j", "strict": "s", "format": "f",
               "distribution": "d", "quiet": "q"}
QUIET_HELP = {"quiet": "print only the problems (path:line: message)"}


class HandoutTask(Task):
    """A task whose options take the project's fixed short flags (``SHORT_FLAGS``)."""

    def arg_opts(self, name: str, default: object, taken_names: set[str]) -> dict:
        opts = super().arg_opts(name, default, taken_names)
        long_name = opts["names"][0]
        short = SHORT_FLAGS.get(name)
        opts["names"] = [long_name, short] if short else [long_name]
        return opts


def _long_form_of_one_letter_options() -> None:
    """Accept ``--n 10`` as well as ``-n 10`` for an option whose name is one letter.

    invoke gives a one-letter parameter only the single-dash flag, while the
    benchmark scripts spell the same option ``--n``; the parser context of every
    task learns the double-dash spelling as an alias (invoke >= 2.2).
    """
    from invoke.parser import ParserContext

    if getattr(ParserContext.add_arg, "long_one_letter", False):
        return
    add_arg = ParserContext.add_arg

    def add_arg_with_long_form(self, *args, **kwargs):
        add_arg(self, *args, **kwargs)
        for name in list(self.args):
            if len(name) == 1 and f"--{name}" not in self.flags:
                self.flags.alias(f"--{name}", to=f"-{name}")

    add_arg_with_long_form.long_one_letter = True
    ParserContext.add_arg = add_arg_with_long_form


_long_form_of_one_letter_options()


def _numbers_said_plainly() -> None:
    """``invoke build -j abc``: a usage error naming the option, not invoke's traceback.

    invoke casts an option's value with its default's type and lets the
    ``ValueError`` escape; it becomes a message and exit status 2, as the
    command line's usage errors.
    """
    from invoke.parser import Argument

    if getattr(Argument.set_value, "said_plainly", False):
        return
    set_value = Argument.set_value

    def set_value_said_plainly(self, value, cast=True):
        try:
            set_value(self, value, cast=cast)
        except ValueError:
            kind = "a whole number" if self.kind is int else f"a {self.kind.__name__}"
            flag = f"--{self.name.replace('_', '-')}"
            raise Exit(f"{flag}: expected {kind}, found '{value}'", code=2) from None

    set_value_said_plainly.said_plainly = True
    Argument.set_value = set_value_said_plainly


_numbers_said_plainly()


def handout_task(*args, **kwargs):
    """``@task`` with the project's flags, so that every task spells an option alike."""
    return task(*args, klass=HandoutTask, **kwargs)


def _paths(paths: str) -> list[str]:
    """``a.md,folder`` as quoted command-line arguments (names may hold spaces)."""
    return [shlex.quote(part.strip()) for part in paths.split(",") if part.strip()]


TIME_LIMIT_HELP = {"time_limit": "seconds one manuscript may take to render (default: "
                                 "$HANDOUT_TIME_LIMIT, else 300; 0: no limit)"}


def _bench(script: str) -> str:
    """A benchmark script's path, quoted for the shell."""
    return shlex.quote(str(ROOT / "benchmarks" / script))


def _in_checkout(command: str) -> str:
    """``command`` run from the checkout: invoke finds tasks.py from any folder below it, and
    the test suite, the linter and the CSL suite name their files from there."""
    return f"cd {shlex.quote(str(ROOT))} && {command}"


def _out(folder: str) -> list[str]:
    """``--out`` when given; else the command's own default, the project's ``dist/`` (from a
    folder below the project as from its root)."""
    return ["--out", shlex.quote(folder)] if folder else []


def _time_limit(seconds: str) -> list[str]:
    """``--time-limit`` when given (the command line checks the value)."""
    return ["--time-limit", shlex.quote(str(seconds))] if str(seconds) else []


class CommandRunner(Local):
    """invoke's local runner, Ctrl-C left to the command when it has no terminal of its own.

    Without a pty the command is in this process group, so Ctrl-C (or a CI job's
    SIGINT to the group) reaches it as well and it stops with status 130; invoke's
    own answer, writing ``^C`` to the command's stdin, does nothing for it and fails
    with a traceback once that stdin is closed (a task started with stdin at EOF).
    """

    def send_interrupt(self, interrupt: KeyboardInterrupt) -> None:
        if self.using_pty:
            super().send_interrupt(interrupt)


def _run(c: Context, command: str) -> None:
    c.config.runners.local = CommandRunner
    result = c.run(command, warn=True, pty=sys.stdout.isatty())
    if result is None or not result.ok:
        # The command has said what went wrong; its status is passed on (a failed Result
        # is false: tested against None, 2 for a usage error and 130 for Ctrl-C are kept).
        raise Exit(code=result.exited if result is not None else 1)


@handout_task(help={"paths": "manuscript files or folders, comma-separated (default: manuscripts/)",
            "out": "output folder (default: the project's dist/)",
            "jobs": "worker processes (default: CPUs)",
            "paper": "a4 or letter", "strict": "treat warnings as errors",
            "no_cache": "render everything again",
            "scheduler": "render on this Dask scheduler, e.g. tcp://127.0.0.1:8786",
            "shard": "build only shard I/N of the manuscripts (join with merge-manifests)",
            "format": "only these formats: pdf, epub or html (comma-separated)",
            "cache_max": "size limit of the render cache, e.g. 500M or 4G (default: "
                         "$HANDOUT_CACHE_MAX, else 2G)", **TIME_LIMIT_HELP, **QUIET_HELP})
def build(c, paths="", out="", jobs=0, paper="a4", strict=False, no_cache=False, quiet=False,
          scheduler="", shard="", format="", time_limit="", cache_max=""):
    """Build every handout (PDF, EPUB and web page per audience), index.html and manifest.json."""
    args = _paths(paths) + _out(out) + ["--paper", shlex.quote(paper)]
    if format:
        args += ["--format", shlex.quote(format)]
    if jobs:
        args += ["--jobs", str(jobs)]
    if strict:
        args.append("--strict")
    if no_cache:
        args.append("--no-cache")
    if cache_max:
        args += ["--cache-max", shlex.quote(cache_max)]
    if scheduler:
        args += ["--scheduler", shlex.quote(scheduler)]
    if shard:
        args += ["--shard", shlex.quote(shard)]
    args += _time_limit(time_limit)
    if quiet:
        args.append("--quiet")
    _run(c, f"{PY} -m pipeline build {' '.join(args)}")


@handout_task(help={"n": "manuscripts in the generated corpus (default 100; -n 10 for a quick "
                         "look)",
            "big": "also measure one 300-page manuscript (memory)",
            "skip": "leave out: alternative, sequential, floor or dask (comma-separated)",
            "format": "only these formats in the pipeline's runs: pdf, epub (comma-separated; "
                      "default both)",
            "baseline": "an earlier result (JSON) of a smaller N: compare the parent's memory",
            "floor_edited_only": "the floor of the edited manuscript only (for a large N)",
            "jobs": "workers (default: CPUs)",
            "repeat": "cold builds and floors measured in turn; the cold build is compared "
                      "with the floor by their medians (default 3)"})
def bench(c, n=100, big=False, skip="", format="", baseline="", floor_edited_only=False,
          jobs=0, repeat=3):
    """Time cold, no-change and one-edit builds against pandoc+WeasyPrint, the floor and Dask.

    Results go to benchmarks/results/ as JSON and a Markdown table.
    """
    args = [f"--n {int(n)}"]
    if big:
        args.append("--big")
    if jobs:
        args.append(f"--jobs {int(jobs)}")
    for name in filter(None, (part.strip() for part in skip.split(","))):
        if name not in ("alternative", "sequential", "floor", "dask"):
            raise Exit(f"--skip: unknown measurement '{name}'")
        args.append(f"--skip {name}")
    for name in filter(None, (part.strip() for part in format.split(","))):
        if name not in ("pdf", "epub"):
            raise Exit(f"--format: the benchmark compares pdf and epub, not '{name}'")
        args.append(f"--format {name}")
    if baseline:
        if not Path(baseline).is_file():
            raise Exit(f"--baseline: no such file: {baseline}")
        args.append(f"--baseline {shlex.quote(str(Path(baseline).resolve()))}")
    if floor_edited_only:
        args.append("--floor-edited-only")
    args.append(f"--repeat {int(repeat)}")
    _run(c, f"{PY} {_bench('bench.py')} {' '.join(args)}")


@handout_task(help={"runs": "fresh processes to time (default 5)"})
def bench_bibliography(c, runs=5):
    """Time reading a 500-entry .bib and converting the 50 entries a manuscript cites (< 1 s)."""
    _run(c, f"{PY} {_bench('bench_bibliography.py')} --runs {int(runs)}")


@handout_task(help={"rounds": "builds of each page (default 5)"})
def bench_math(c, rounds=5):
    """Time a page of 20 formulas against the same page with them as plain text (target 1.5x).

    Results go to benchmarks/results/math-*.json and .md.
    """
    if int(rounds) < 1:
        raise Exit("--rounds: at least 1")
    _run(c, f"{PY} {_bench('bench_math.py')} --rounds {int(rounds)}")


@handout_task(help={"runs": "fresh processes to time (default 5)",
                    "style": "the CSL style (default american-medical-association)"})
def bench_citations(c, runs=5, style="american-medical-association"):
    """Time 200 citations and a 200-entry reference list through the citation stage (< 1 s)."""
    _run(c, f"{PY} {_bench('bench_citations.py')} --runs {int(runs)} "
            f"--style {shlex.quote(style)}")


@handout_task(help={"paths": "manuscript files or folders, comma-separated (default: manuscripts/)",
            "strict": "treat warnings as errors", **QUIET_HELP})
def check(c, paths="", strict=False, quiet=False):
    """Validate manuscripts, bibliographies and styles without rendering."""
    flags = ["--strict"] * strict + ["--quiet"] * quiet
    _run(c, f"{PY} -m pipeline check {' '.join(_paths(paths) + flags)}")


@handout_task(help={"paths": "manuscript files or folders, comma-separated (default: manuscripts/)",
            "out": "output folder (default: the project's dist/); the release goes to "
                   "OUT/release/<id>/",
            "distribution": "which clinic receives which handouts (default: distribution.yaml "
                            "when there is one)",
            "skip_refused": "release the others when a manuscript is refused",
            "jobs": "worker processes (default: CPUs)",
            "no_cache": "render everything again", **TIME_LIMIT_HELP,
            "quiet": "print only the problems (path:line: message) and the release's folder"})
def release(c, paths="", out="", distribution="distribution.yaml", skip_refused=False,
            jobs=0, no_cache=False, time_limit="", quiet=False):
    """Build the approved handouts to send to clinics: checksums and one zip per clinic."""
    args = _paths(paths) + _out(out)
    if distribution == "distribution.yaml":  # the project's, and only when it has one
        from pipeline.project import in_project

        distribution = str(in_project(distribution)) if in_project(distribution).is_file() else ""
    if distribution:
        args += ["--distribution", shlex.quote(distribution)]
    if skip_refused:
        args.append("--skip-refused")
    if jobs:
        args += ["--jobs", str(jobs)]
    if no_cache:
        args.append("--no-cache")
    args += _time_limit(time_limit)
    if quiet:
        args.append("--quiet")
    _run(c, f"{PY} -m pipeline release {' '.join(args)}")


@handout_task(help={"edits": "saves to time (default 5)"})
def bench_preview(c, edits=5):
    """Time how soon a save shows in the preview, as a web page and as a PDF."""
    _run(c, f"{PY} {_bench('bench_preview.py')} --edits {int(edits)}")


@handout_task(help={"paths": "manuscript files or folders, comma-separated (default: manuscripts/)",
                    "port": "port (default 8000; 0: any free one)",
                    "host": "address to listen on (default 127.0.0.1: this machine only)",
                    "open": "open the index in a web browser", **TIME_LIMIT_HELP})
def preview(c, paths="", port=8000, host="127.0.0.1", open=False, time_limit=""):
    """Serve the handouts on this machine, rebuilt and reloaded as you edit (Ctrl-C stops)."""
    args = _paths(paths) + ["--port", str(int(port)), "--host", shlex.quote(host)]
    if open:
        args.append("--open")
    args += _time_limit(time_limit)
    _run(c, f"{PY} -m pipeline preview {' '.join(args)}")


@handout_task(help={"paths": "manuscript files or folders, comma-separated (default: manuscripts/)",
                    "json": "print JSON instead of a table",
                    "due_within": "fail when a review is overdue or due within this many days",
                    "out": "the build folder whose release/ holds the releases (default: "
                           "the project's dist/)"})
def status(c, paths="", json=False, due_within=-1, out=""):
    """Every handout's status, version, dates, reading grade and last release."""
    args = _paths(paths) + _out(out)
    if json:
        args.append("--json")
    if due_within != -1:  # the command line says what is wrong with another negative number
        args += ["--due-within", str(int(due_within))]
    _run(c, f"{PY} -m pipeline status {' '.join(args)}")


@handout_task(help={"k": "only tests matching this expression"})
def test(c, k=""):
    """Run the test suite."""
    _run(c, _in_checkout(f"{PY} -m pytest -q {'-k ' + shlex.quote(k) if k else ''}"))


@handout_task(help={"pattern": "only fixtures whose name matches this glob, e.g. 'collapse_*'",
            "verbose": "print expected and printed text of each failing fixture"})
def csl_suite(c, pattern="", verbose=False):
    """Run the CSL processor test suite (../shared/csl-test-suite): passes per category."""
    args = [shlex.quote(pattern)] if pattern else []
    if verbose:
        args.append("--verbose")
    _run(c, _in_checkout(f"{PY} tests/csl_suite.py {' '.join(args)}"))


@handout_task(help={"out": "write the images here instead of tests/golden/ (to compare first)"})
def update_golden(c, out=""):
    """Render the first page of each example, the dosing card, the formula and code pages."""
    folder = Path(out).resolve() if out else ROOT / "tests" / "golden"
    _run(c, _in_checkout(f"HANDOUT_UPDATE_GOLDEN=1 HANDOUT_GOLDEN_DIR={shlex.quote(str(folder))} "
                         f"{PY} -m pytest -q tests/test_visual.py"))
    print(f"wrote {folder}/: look at the images before committing them")


@handout_task
def lint(c):
    """Check the code with ruff."""
    _run(c, _in_checkout(f"{PY} -m ruff check pipeline tests tasks.py benchmarks"))


@handout_task(help={"cache": "empty only the render cache; dist/ stays"})
def clean(c, cache=False):
    """Remove the builds in dist/ and the render cache; published releases are kept.

    dist/release/ holds what clinics were sent: no task removes it.
    """
    dist = ROOT / "dist"
    releases = dist / "release"
    folders = [ROOT / ".cache"]
    if os.environ.get("HANDOUT_CACHE_DIR"):
        # A folder the user named may be shared (~/.cache): only the cache's own files go.
        from pipeline import cache_folder as render_cache

        shared = Path(os.environ["HANDOUT_CACHE_DIR"])
        removed, kept = render_cache.clear(shared)
        print(f"removed {removed} render cache file(s) from {_shown(shared)}/"
              + (f"; kept {kept} other item(s)" if kept else ""))
    if dist.is_dir() and not cache and not releases.exists():
        folders.insert(0, dist)
    elif dist.is_dir() and not cache:
        folders[:0] = sorted(p for p in dist.iterdir() if p != releases)
    for folder in folders:
        if _holds(folder, releases):
            print(f"kept {_shown(folder)}/: it holds published releases")
            continue
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)
            print(f"removed {_shown(folder)}/")
        elif folder.exists() or folder.is_symlink():
            folder.unlink()
            print(f"removed {_shown(folder)}")
    if releases.is_dir():
        print(f"kept {_shown(releases)}/ (published releases are never removed)")


def _holds(path: Path, releases: Path) -> bool:
    """``path`` is, is inside, or contains the published releases."""
    if not releases.exists():
        return False
    try:
        kept, target = releases.resolve(), path.resolve()
    except OSError:
        return False
    return kept.is_relative_to(target) or target.is_relative_to(kept)


def _shown(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
