"""Command-line interface: ``python -m pipeline build|check|release``.

Only parses arguments and calls the library; exit status 0 on success, 1
when any manuscript failed, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import re
import signal
import sys
from pathlib import Path
from typing import TextIO

from . import __version__, cache_folder, citeproc_fixes
from .build import FORMATS, BuildOptions, BuildReport, UsageError, build, check
from .cache_folder import parse_size
from .errors import PipelineError, Problem, did_you_mean, told_apart
from .progress import Progress
from .project import elsewhere, in_project
from .stamp import source_date_epoch_problem


def _path(text: str) -> Path:
    """A path argument; an empty one (an unset variable in a script) would mean the current
    folder, and build or clean there."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path (an unset variable?): give a file or "
                                         "folder")
    return Path(text)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline",
                                     description="Build medical handouts (PDF, EPUB and HTML).")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("paths", nargs="*", type=_path, metavar="PATH",
                       help="manuscript files or folders (default: manuscripts/)")
        p.add_argument("--strict", "-s", action="store_true", help="treat warnings as errors")
        quiet(p)

    def quiet(p: argparse.ArgumentParser, release: bool = False) -> None:
        shown = "the problems (path:line: message)" + " and the release's folder" * release
        p.add_argument("--quiet", "-q", action="store_true",
                       help=f"print only {shown}: no progress, summary or reading grades")

    def time_limit(p: argparse.ArgumentParser) -> None:
        p.add_argument("--time-limit", metavar="SECONDS",
                       help="fail a manuscript whose render takes longer (default: "
                       "$HANDOUT_TIME_LIMIT, else 300; 0: no limit)")

    b = sub.add_parser("build", help="build PDFs, EPUBs, web pages and manifest.json")
    common(b)
    dist = in_project("dist")  # the project's, also from a folder below it
    b.add_argument("--out", "-o", type=_path, default=dist,
                   help="output folder (default: dist/ of the project)")
    b.add_argument("--jobs", "-j", type=int, default=None,
                   help="worker processes (default: number of CPUs; 1 = in-process)")
    b.add_argument("--paper", choices=("a4", "letter"), default="a4", help="paper size")
    b.add_argument("--format", "-f", action="append", dest="formats", metavar="FORMAT",
                   help="only these formats (pdf, epub, html): repeated or comma-separated")
    b.add_argument("--no-cache", action="store_true", help="render everything again")
    b.add_argument("--cache-max", metavar="SIZE",
                   help="size limit of the render cache, e.g. 500M or 4G (default: "
                   "$HANDOUT_CACHE_MAX, else 2G); least recently used entries go first")
    b.add_argument("--scheduler", metavar="ADDRESS",
                   help="render on a Dask cluster, e.g. tcp://127.0.0.1:8786 (needs the "
                   "'distributed' extra); files are still written here")
    time_limit(b)
    b.add_argument("--shard", metavar="I/N",
                   help="build only shard I of N (from 1): a stable, cost-balanced slice of "
                   "the manuscripts; join the shards with merge-manifests")
    c = sub.add_parser("check", help="validate manuscripts without rendering")
    common(c)
    r = sub.add_parser("release", help="build the approved handouts to send to clinics, "
                       "with manifest, checksums and one zip per clinic")
    r.add_argument("paths", nargs="*", type=_path, metavar="PATH",
                   help="manuscript files or folders (default: manuscripts/)")
    r.add_argument("--out", "-o", type=_path, default=dist,
                   help="output folder (default: dist/ of the project); the release goes to OUT/release/<id>/")
    r.add_argument("--distribution", "-d", type=_path, metavar="FILE",
                   help="which clinic receives which handouts (see distribution.yaml)")
    r.add_argument("--skip-refused", action="store_true",
                   help="release the others when a manuscript is refused")
    r.add_argument("--jobs", "-j", type=int, default=None,
                   help="worker processes (default: number of CPUs; 1 = in-process)")
    r.add_argument("--no-cache", action="store_true", help="render everything again")
    time_limit(r)
    quiet(r, release=True)
    v = sub.add_parser("preview", help="serve the handouts locally, rebuilt and reloaded as "
                       "you edit")
    v.add_argument("paths", nargs="*", type=_path, metavar="PATH",
                   help="manuscript files or folders (default: manuscripts/)")
    v.add_argument("--port", type=int, default=8000, help="port (default 8000; 0: any free one)")
    v.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this machine only)")
    v.add_argument("--open", action="store_true", dest="open_browser",
                   help="open the index in a web browser")
    time_limit(v)
    s = sub.add_parser("status", help="every handout's status, version, dates, reading grade "
                       "and last release")
    s.add_argument("paths", nargs="*", type=_path, metavar="PATH",
                   help="manuscript files or folders (default: manuscripts/)")
    s.add_argument("--json", action="store_true", help="print JSON instead of a table")
    s.add_argument("--due-within", type=int, metavar="DAYS",
                   help="exit 1 when a review is overdue or due within DAYS days")
    s.add_argument("--out", "-o", type=_path, default=dist,
                   help="the build folder whose release/ holds the releases (default: dist/ "
                   "of the project)")
    mm = sub.add_parser("merge-manifests", help="join the outputs of sharded builds",
                        description="Check that the shard folders DIR... hold every shard of "
                        "one build once, nothing missing or twice, then copy their files "
                        "into OUT and write OUT/manifest.json.")
    mm.add_argument("--out", "-o", type=_path, dest="out_folder", metavar="OUT",
                    help="folder for the joined handouts, as the other commands spell it "
                    "(else the first folder named)")
    mm.usage = "python -m pipeline merge-manifests [-o/--out] OUT DIR [DIR ...]"
    mm.add_argument("dirs", type=_path, nargs="+", metavar="DIR",
                    help="the folder for the joined handouts (without --out), then each "
                    "shard's output folder")
    k = sub.add_parser("cache", help="show where the render cache is and how big; --clear "
                       "empties it")
    k.add_argument("--clear", action="store_true", help="remove every entry")
    parser.set_defaults(commands=sub.choices)  # an unknown option is shown with its command's usage
    return parser


def _time_limit(args: argparse.Namespace) -> float | None:
    """``--time-limit`` in seconds; None when not given (the environment's, else 300)."""
    from .timelimit import parse_limit

    return None if args.time_limit is None else parse_limit(args.time_limit)


def _formats(given: list[str] | None) -> tuple[str, ...]:
    """``--format pdf --format epub`` and ``--format pdf,epub`` alike, each format once."""
    names = (name.strip() for value in given or () for name in value.split(","))
    return tuple(dict.fromkeys(name for name in names if name))


def _preview_options(args: argparse.Namespace) -> BuildOptions:
    """The preview's build settings, a wrong time limit refused before it serves."""
    options = BuildOptions(time_limit=_time_limit(args))
    options.render_time_limit()
    return options


def _print_readings(readings: dict, stream: TextIO) -> None:
    from .readability import describe

    for slug, reading in sorted(readings.items()):
        print(f"reading grade of {slug}.patient: {describe(reading)}", file=stream)


def _release(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from .release import ReleaseOptions, release

    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if args.distribution is not None and not args.distribution.is_file():
        raise UsageError(f"--distribution {args.distribution}: no such file"
                         + (" (it is a folder)" if args.distribution.is_dir() else ""))
    options = ReleaseOptions(out=args.out, distribution=args.distribution,
                             skip_refused=args.skip_refused, jobs=args.jobs,
                             use_cache=not args.no_cache, time_limit=_time_limit(args))
    report = release(args.paths or None, options,
                     Progress(stream=None if args.quiet else stderr))
    _print_problems(report.problems, stderr)
    if not args.quiet:
        _print_readings(report.readings, stderr)
    if report.written or report.unchanged:
        state = "already published, unchanged" if report.unchanged else "written"
        print(f"release {report.release_id} {state}: {len(report.files)} file(s), "
              f"{len(report.clinics)} clinic zip(s) in {report.folder}/", file=stdout)
    else:
        why = ""
        if report.refused and args.skip_refused:
            why = ": every manuscript was refused (see above)"
        elif report.refused:
            why = (f": {len(report.refused)} manuscript(s) refused (see above); mend them, or "
                   "release the others with --skip-refused")
        print(f"no release written{why}", file=stderr)
    return 0 if report.ok else 1


def _print_problems(problems: list[Problem], stderr: TextIO) -> None:
    # file by file, in the order of each file's lines, as an editor fixes them
    files = list(dict.fromkeys(str(p.path) for p in problems))
    for problem in told_apart(sorted(problems,
                                     key=lambda p: (files.index(str(p.path)), p.line or 1e9))):
        print(problem, file=stderr)


def _print_report(report: BuildReport, stderr: TextIO) -> None:
    _print_problems(report.problems, stderr)
    for text in report.internal_errors:
        print(text, file=stderr)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that a half-written file is removed."""


def _terminate(signum: int, _frame: object) -> None:
    raise Terminated(signum)


def _unbreakable(stream: TextIO) -> None:
    """A text stream that writes what its encoding lacks as escapes instead of raising."""
    reconfigure = getattr(stream, "reconfigure", None)
    utf8 = codecs.lookup(getattr(stream, "encoding", None) or "ascii").name == "utf-8"
    if reconfigure is not None and (getattr(stream, "errors", "") == "strict" or not utf8):
        reconfigure(errors="backslashreplace")  # a UTF-8 stream keeps surrogateescape


def _joined_values(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """``--cache-max -1G`` as ``--cache-max=-1G``.

    argparse takes a value that starts with a dash and is not a plain number for an
    option, and answers "expected one argument" instead of what is wrong with the value.
    """
    commands = parser.get_default("commands") or {}
    takes_value = {option for command in commands.values() for action in command._actions
                   if action.nargs is None for option in action.option_strings}
    joined: list[str] = []
    args = iter(argv)
    for arg in args:
        if arg == "--":
            return [*joined, arg, *args]
        value = next(args, None) if arg in takes_value else None
        if value is not None and NEGATIVE.match(value):
            joined.append(f"{arg}={value}")
        else:
            joined += [arg] if value is None else [arg, value]
    return joined


# a value such as -1G or -.5: not an option of any command
NEGATIVE = re.compile(r"-[\d.]")


def main(argv: list[str] | None = None, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    if stdout is None:  # a terminal or log that cannot show 'Fernández': shown as \xe1
        _unbreakable(sys.stdout)
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    parser = _parser()
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            args, unknown = parser.parse_known_args(_joined_values(
                parser, sys.argv[1:] if argv is None else argv))
            if unknown:
                command = args.commands[args.command]
                names = [o[2:] for a in command._actions for o in a.option_strings
                         if o.startswith("--")]
                hint = did_you_mean(unknown[0][2:], names).replace(" '", " '--") \
                    if unknown[0].startswith("--") else ""
                command.error(f"unrecognized arguments: {' '.join(unknown)}{hint}")
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        citeproc_fixes.check_version()
    except citeproc_fixes.CiteprocVersionError as exc:
        print(f"error: {exc}", file=stderr)
        return 2
    try:
        previous = signal.signal(signal.SIGTERM, _terminate)
    except ValueError:  # not the main thread: leave signals alone
        previous = None
    try:
        return _run(args, stdout, stderr)
    except Terminated:
        print("terminated", file=stderr)
        return 128 + signal.SIGTERM
    except KeyboardInterrupt:
        print("interrupted", file=stderr)
        return 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    try:
        wrong_epoch = source_date_epoch_problem()
        if wrong_epoch and args.command != "cache":
            raise UsageError(wrong_epoch)
        project = elsewhere()
        if project is not None and args.command != "merge-manifests":
            print(f"project: {project} (the nearest folder above holding manuscripts/)",
                  file=stderr)
        if args.command == "check":
            from .checking import CHECK_STATUSES

            progress = Progress(stream=None if args.quiet else stderr,
                                statuses=CHECK_STATUSES, doing="checking")
            report = check(args.paths or None, BuildOptions(strict=args.strict), progress)
            progress.clear()
            _print_report(report, stderr)
            if args.quiet:
                return 0 if report.ok else 1
            errors = sum(1 for p in report.problems if p.is_error)
            _print_readings(report.readings, stderr)
            print(f"checked {report.manuscripts} manuscript(s) in {report.seconds:.2f}s: "
                  f"{errors} error(s), {len(report.problems) - errors} warning(s)", file=stderr)
            return 0 if report.ok else 1
        if args.command == "preview":
            from .preview import serve

            if not 0 <= args.port <= 65535:
                raise UsageError("--port must be between 0 and 65535")
            return serve(args.paths or None, port=args.port, host=args.host,
                         open_browser=args.open_browser, stdout=stdout, stderr=stderr,
                         options=_preview_options(args))
        if args.command == "status":
            return _status(args, stdout, stderr)
        if args.command == "cache":
            return _cache(args, stdout)
        if args.command == "merge-manifests":
            return _merge(args, stdout, stderr)
        if args.command == "release":
            return _release(args, stdout, stderr)
        if args.jobs is not None and args.jobs < 1:
            raise UsageError("--jobs must be at least 1")
        from .shard import parse_shard

        try:
            shard = parse_shard(args.shard) if args.shard else None
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        options = BuildOptions(out=args.out, jobs=args.jobs, paper=args.paper,
                               strict=args.strict,
                               formats=_formats(args.formats) or FORMATS,
                               use_cache=not args.no_cache, scheduler=args.scheduler,
                               shard=shard, cache_max=parse_size(args.cache_max)
                               if args.cache_max else None, time_limit=_time_limit(args))
        report = build(args.paths or None, options,
                       Progress(stream=None if args.quiet else stderr))
        _print_report(report, stderr)
        if not args.quiet:
            _print_readings(report.readings, stderr)
        return 0 if report.ok else 1
    except UsageError as exc:
        print(f"error: {exc}", file=stderr)
        return 2
    except PipelineError as exc:
        print(exc, file=stderr)
        return 1


def _status(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    import json

    from .status import collect, format_table, to_json

    if args.due_within is not None and args.due_within < 0:
        raise UsageError("--due-within must be 0 or more days")
    report = collect(args.paths or None, out=args.out, due_within=args.due_within)
    _print_problems(report.problems, stderr)
    if args.json:
        print(json.dumps(to_json(report), indent=2, ensure_ascii=False), file=stdout)
    else:
        stdout.write(format_table(report))
    return 1 if report.problems or report.failed else 0
def _cache(args: argparse.Namespace, stdout: TextIO) -> int:
    folder = cache_folder.default_dir()
    if args.clear:
        removed, kept = cache_folder.clear(folder)
        state = f"emptied ({removed} file(s) removed)" if removed else "already empty"
        if kept:
            state += (f"; {kept} other item(s) in the folder are not the cache's and were "
                      "left alone")
        print(f"render cache {folder}: {state}", file=stdout)
        return 0
    size, files = cache_folder.usage(folder)
    print(f"render cache {folder}: {size / 2**20:.1f} MiB in {files} file(s), limit "
          f"{cache_folder.default_max() / 2**20:.0f} MiB", file=stdout)
    return 0


def _merge(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from .shard import merge_manifests

    args.out, dirs = (args.out_folder, args.dirs) if args.out_folder else (
        args.dirs[0], args.dirs[1:])
    if not dirs:
        raise UsageError("merge-manifests: name the shards' output folders after OUT")
    result = merge_manifests(args.out, dirs)
    for problem in result.problems:
        print(problem, file=stderr)
    if not result.ok:
        print(f"merge failed: {len(result.problems)} problem(s); nothing written", file=stderr)
        return 1
    errors = len(result.manifest["errors"])
    print(f"merged {len(dirs)} shard(s): {len(result.manifest['artifacts'])} file(s), "
          f"{errors} build error(s) -> {args.out / 'manifest.json'}", file=stdout)
    return 0
