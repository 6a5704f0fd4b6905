"""Run the pandoc binary that ships with pypandoc-binary.

A different ``pandoc`` on PATH is never used: its version would change the
output.  Calls go straight to the binary (no shell, no temporary files).

Parsing Markdown (``markdown_to_ast``) and writing an AST (``ast_to``) go to
one long-lived pandoc per process, ``pandoc lua`` running ``lua/convert.lua``,
instead of a process per call: starting pandoc costs about 0.1 s, most of a
small conversion (and of a preview's wait after a save).  (pandoc's own
server mode would do the same, but the binary pypandoc-binary ships is built
without the threaded runtime that ``pandoc server`` needs.)  The resident
reads Markdown exactly as the command line does: tabs expanded to stops of 4
first, the command line's 72 columns for table widths and its default
abbreviations ("p. 33" keeps its space unbroken).  It also writes EPUBs
(``write_book``): about 0.15 s of CPU less per book than a command-line run.
"""

from __future__ import annotations

import functools
import json
import multiprocessing.util
import os
import select
import subprocess
import threading
from pathlib import Path
from typing import Any

from .changemarks import accepted
from .chunks import as_code_fences
from .discourse import as_pandoc as forum_post
from .examples import marked_references
from .gfm import as_tex_math
from .gitlab import as_quotes
from .hackmd import as_pandoc as hackmd_marks
from .hugo import hugo_shortcodes
from .liquid import without_liquid
from .mdx import without_mdx
from .mkdocs import as_boxes as mkdocs_boxes
from .mkdocs import without_attribute_lists, without_snippets
from .multimarkdown import as_citations
from .myst import as_boxes
from .mystmarkup import as_pandoc
from .nesting import bracket_line, open_tag_line
from .notion import as_callouts
from .obsidian import without_comments
from .outliner import without_outliner_marks
from .percent import as_notebook
from .texlabels import labelled_formulas
from .texmath_dialects import plain_math
from .texstars import drop_separators, separate_stars
from .vitepress import as_pandoc as vitepress
from .wikipictures import as_images

# pandoc's Markdown, with ==highlighted text== (Obsidian's, HackMD's, Typora's) read as marked,
# PHP Markdown Extra's and MkDocs's abbreviations ("*[HTML]: ...") left out, not shown, and
# GitHub's and HackMD's emoji (":smile:") read as their characters (see glyphs.drawn_emoji).
READER = "markdown+mark+abbreviations+emoji"
# Some inputs take pandoc minutes (20,000 '[' in a row); a build never waits forever.
TIMEOUT = 60


class PandocFailure(RuntimeError):
    """pandoc exited non-zero; the message holds what it printed."""


class PandocTimeout(PandocFailure):
    """pandoc did not finish within ``TIMEOUT`` seconds and was stopped."""


@functools.cache
def pandoc_path() -> Path:
    import importlib.util

    # Found without importing pypandoc, which takes longer than a pandoc run.
    spec = importlib.util.find_spec("pypandoc")
    package = Path(spec.origin if spec and spec.origin else ".").parent
    binary = package / "files" / ("pandoc.exe" if os.name == "nt" else "pandoc")
    if not binary.is_file():  # pragma: no cover - a broken install
        raise RuntimeError(f"pypandoc-binary's pandoc is missing at {binary}")
    return binary


def run_pandoc(args: list[str], stdin: bytes | str = b"", env: dict[str, str] | None = None,
               cwd: Path | None = None) -> bytes:
    """Run pandoc with ``args``; return its standard output."""
    if isinstance(stdin, str):
        stdin = stdin.encode("utf-8")
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("PANDOC")}
    full_env.update(env or {})
    try:
        proc = subprocess.run(
            [str(pandoc_path()), *args], input=stdin, capture_output=True, env=full_env,
            cwd=cwd, check=False, timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        raise PandocTimeout(f"pandoc did not finish within {TIMEOUT} s") from None
    if proc.returncode != 0:
        raise PandocFailure(proc.stderr.decode("utf-8", "replace").strip())
    return proc.stdout


SMALL_INPUT = 16_384


@functools.lru_cache(maxsize=64)
def _run_small(args: tuple[str, ...], stdin: bytes) -> bytes:
    return run_pandoc(list(args), stdin)


def _convert(args: list[str], text: str) -> bytes:
    """pandoc as the pure function of its input it is; small inputs are remembered.

    A worker converts the same disclaimers for every handout it renders: one
    pandoc run each is enough.  Large inputs (bodies) are unique: not kept.
    """
    data = text.encode("utf-8")
    if len(data) <= SMALL_INPUT:
        return _run_small(tuple(args), data)
    return run_pandoc(args, data)


def markdown_to_ast(text: str) -> dict[str, Any]:
    """Parse pandoc Markdown into pandoc's JSON AST (the single parse of a body).

    Stages that need the same body (validation, readability) share one pandoc
    run; each caller gets its own fresh tree.  A star after a TeX command that
    has no starred form is read as Markdown (see :mod:`.texstars`); an R Markdown
    or Quarto code chunk is read as a code block (see :mod:`.chunks`), a MyST admonition as
    a box (see :mod:`.myst`), GitHub's math as TeX math (see :mod:`.gfm`); Obsidian's
    comments are left out (see :mod:`.obsidian`); mhchem's ``\\ce{H2O}`` and other TeX
    that pandoc's reader does not know is written as TeX it does (see :mod:`.texmath_dialects`).
    """
    ahead = _AHEAD.pop(text, None)
    if ahead is not None:  # being read already (see parse_ahead): its answer is remembered
        ahead.join()
    fenced = _rewritten(text)
    separated = separate_stars(fenced)
    ast = json.loads(_parsed(separated))
    if separated != fenced:
        ast["blocks"] = drop_separators(ast["blocks"])
    ast["blocks"] = plain_math(ast["blocks"], text)
    return ast


def _rewritten(text: str) -> str:
    """``text`` as pandoc's Markdown: other dialects' constructs written as its own, line for line."""
    return marked_references(as_code_fences(as_boxes(as_tex_math(as_pandoc(mkdocs_boxes(
        without_snippets(without_attribute_lists(hackmd_marks(without_mdx(as_callouts(as_images(without_outliner_marks(without_comments(
            hugo_shortcodes(without_liquid(vitepress(accepted(as_quotes(labelled_formulas(
        as_citations(forum_post(as_notebook(text)))))))))))))))))))))))


# Texts being parsed ahead, by text: each a thread that parses it once.
_AHEAD: dict[str, threading.Thread] = {}
AHEAD_KEPT = 4  # texts started ahead and never asked for (a job that changed): the latest


def parse_ahead(text: str) -> None:
    """Start reading ``text`` as :func:`markdown_to_ast` does, in a thread, and go on.

    The resident pandoc parses it while this process does other work (imports,
    the bibliography); ``markdown_to_ast`` of the same text then waits for that
    parse instead of asking again.  A failure is left to that call, which asks
    again and reports it.
    """
    if text in _AHEAD or bracket_line(text) or open_tag_line(text):
        return  # the latter two are refused unread (body.parse_body): pandoc takes minutes
    while len(_AHEAD) >= AHEAD_KEPT:
        _AHEAD.pop(next(iter(_AHEAD)))
    thread = threading.Thread(target=_parse_quietly, args=(text,), name="pandoc parse",
                              daemon=True)
    _AHEAD[text] = thread
    thread.start()


def _parse_quietly(text: str) -> None:
    try:
        _parsed(separate_stars(_rewritten(text)))
    except Exception:  # noqa: BLE001, S110 - reported by the call that needs the tree
        pass


@functools.lru_cache(maxsize=32)
def _parsed(text: str) -> bytes:
    out = _resident().convert(READER, "json", {}, text.expandtabs(TAB_STOP).encode("utf-8"),
                              reader=reader_options())
    return out if out is not None else _convert(["--from", READER, "--to", "json"], text)


TAB_STOP = 4  # the command line's --tab-stop


def reader_options() -> dict[str, Any]:
    """The Markdown reader's options as the command line sets them by default."""
    with _READER_LOCK:  # asked by two threads (see start_early, parse_ahead): read once
        return _reader_options()


_READER_LOCK = threading.Lock()


@functools.cache
def _reader_options() -> dict[str, Any]:
    words = run_pandoc(["--print-default-data-file", "abbreviations"]).decode("utf-8").split()
    # a Lua set is a table of word -> true (a list would make its indexes the words)
    return {"abbreviations": dict.fromkeys(words, True), "columns": 72, "tab_stop": TAB_STOP}


# Command-line options of ``ast_to`` and the writer option each one is.
WRITER_OPTIONS = {"--wrap=none": ("wrap_text", "wrap-none"), "--section-divs": ("section_divs", True),
                  "--mathml": ("html_math_method", "mathml")}


def ast_to(ast: dict[str, Any], fmt: str, extra: list[str] | None = None) -> str:
    """Write an AST with one of pandoc's writers (html5, plain, ...)."""
    args = ("--from", "json", "--to", fmt, "--wrap=none", *(extra or []))
    data = json.dumps(ast).encode("utf-8")
    if len(data) <= SMALL_INPUT:  # remembered (disclaimers)
        return _small_ast_to(args, data).decode("utf-8")
    return _write(args, data).decode("utf-8")


@functools.lru_cache(maxsize=64)
def _small_ast_to(args: tuple[str, ...], data: bytes) -> bytes:
    return _write(args, data)


def _write(args: tuple[str, ...], data: bytes) -> bytes:
    """A JSON AST through a writer: the resident pandoc when it knows every option."""
    if all(arg in WRITER_OPTIONS for arg in args[4:]):
        options = dict(WRITER_OPTIONS[arg] for arg in args[4:])
        out = _resident().convert("json", args[3], options, data)
        if out is not None:
            return out
    return run_pandoc(list(args), data)


def resident_convert(source: str, target: str, options: dict[str, Any],
                     data: bytes) -> bytes | None:
    """``data`` converted by this process's resident pandoc; None when it is broken."""
    return _resident().convert(source, target, options, data)


def write_book(data: bytes, fmt: str, options: dict[str, Any], metadata: str,
               env: dict[str, str], cwd: Path, template: bool = True) -> bytes | None:
    """A JSON AST written as a whole book (EPUB) by this process's resident pandoc.

    What ``pandoc --from json --to FMT --standalone --metadata-file F`` run in
    ``cwd`` with ``env`` added writes, ``metadata`` being F's text and ``options``
    the writer options its other flags set; None when the resident cannot (the
    caller then runs the command line, which also words any failure).  Without
    ``template``, each page of the book is its body alone (see ``page_frame``).
    """
    book = {"metadata": metadata, "metadata_reader": reader_options(), "env": env,
            "cwd": str(cwd)}
    if template:
        book["standalone"] = True
    return _resident().convert("json", fmt, options, data, book=book)


def page_frame(fmt: str, context: dict[str, Any]) -> str | None:
    """What the default template of ``fmt`` writes with ``context`` as its variables, by
    this process's resident pandoc; None when it cannot.

    The pages of a book written without its template are framed with it
    (see ``formats.epub_pages``).
    """
    out = _resident().convert("json", fmt, {}, b"", book={"frame": context})
    return None if out is None else out.decode("utf-8")


class Resident:
    """One ``pandoc lua`` process answering conversions over its standard streams.

    It ends when this process ends (its input closes).  A broken process
    answers None, and the caller runs the command line instead.
    """

    def __init__(self) -> None:
        self.pid = os.getpid()
        self._lock = threading.Lock()
        env = {k: v for k, v in os.environ.items() if not k.startswith("PANDOC")}
        try:
            self.proc: subprocess.Popen | None = subprocess.Popen(
                [str(pandoc_path()), "lua", str(Path(__file__).with_name("lua") / "convert.lua")],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                env=env)
        except OSError:
            self.proc = None
        else:
            # Ended and waited for when this process exits (a pool worker too, where
            # ``atexit`` does not run): its CPU time then counts as this process's
            # children's, as a command line's does.
            multiprocessing.util.Finalize(self, self.finish, exitpriority=10)

    def convert(self, source: str, target: str, options: dict[str, Any],
                data: bytes, reader: dict[str, Any] | None = None,
                book: dict[str, Any] | None = None) -> bytes | None:
        """``data`` read as ``source`` and written as ``target``; None when broken.

        ``options`` are the writer's, ``reader`` the reader's (pandoc's defaults without).
        ``book``: the further fields of a whole book's request (see ``lua/convert.lua``),
        whose bytes come back as they are.
        """
        proc = self.proc
        if proc is None or proc.stdin is None or proc.stdout is None:
            return None
        request: dict[str, Any] = {"from": source, "to": target, "options": options,
                                   "size": len(data)}
        if reader:
            request["reader"] = reader
        request.update(book or {})
        header = json.dumps(request).encode()
        with self._lock:
            try:
                proc.stdin.write(header + b"\n" + data)
                proc.stdin.flush()
                # as the command line has its timeout: some inputs take pandoc minutes
                if not select.select([proc.stdout], [], [], TIMEOUT)[0]:
                    self.close()
                    raise PandocTimeout(f"pandoc did not finish within {TIMEOUT} s")
                status, _, size = proc.stdout.readline().decode().partition(" ")
                out = proc.stdout.read(int(size))
            except (OSError, ValueError):
                self.close()
                return None
            except BaseException:  # stopped mid-answer (a time limit, Ctrl-C): start afresh
                self.close()
                raise
        if book:  # a failed book is written again by the command line, in its words
            return out if status == "ok" else None
        if status == "error":
            raise PandocFailure(out.decode("utf-8", "replace").strip())
        # the command line ends text output with a newline; the writer alone may not
        return out if out.endswith(b"\n") else out + b"\n"

    def close(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def finish(self) -> None:
        """End the process and wait for it (its CPU time then counts as this process's).

        Killed rather than asked to end by closing its input: it holds nothing to
        save, and a wait with a time limit polls (a few hundredths of a second of
        every build's exit).
        """
        proc, self.proc = self.proc, None
        if proc is None or self.pid != os.getpid():
            return
        try:
            proc.kill()
        except OSError:
            pass
        proc.wait()
        for stream in (proc.stdin, proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:  # its input's last bytes could not go: it is gone
                pass


_RESIDENT: list[Resident] = []
_STARTING = threading.Lock()


def _unlock_in_child() -> None:
    global _STARTING, _READER_LOCK  # a process forked while a thread held one must not wait
    _STARTING = threading.Lock()
    _READER_LOCK = threading.Lock()
    _AHEAD.clear()  # the threads parsing ahead are the parent's


os.register_at_fork(after_in_child=_unlock_in_child)


def _resident() -> Resident:
    """This process's resident pandoc (a forked worker starts its own)."""
    with _STARTING:  # one, even when a thread started it early (see start_early)
        if not _RESIDENT or _RESIDENT[0].pid != os.getpid() or _RESIDENT[0].proc is None:
            _RESIDENT[:] = [Resident()]
        return _RESIDENT[0]


def convert_text(source: str, target: str, text: str) -> bytes:
    """``text`` read as ``source`` and written as ``target``, both with pandoc's defaults:
    by the resident pandoc, else by a pandoc run (the same bytes, the same errors)."""
    out = _resident().convert(source, target, {}, text.encode("utf-8"))
    return out if out is not None else run_pandoc(["--from", source, "--to", target], text)


def start_early() -> threading.Thread:
    """Start this process's resident pandoc and read the Markdown reader's options in a
    thread: their process starts overlap what this process does meanwhile."""
    thread = threading.Thread(target=_start, name="pandoc start", daemon=True)
    thread.start()
    return thread


def _start() -> None:
    try:
        _resident()
        reader_options()
    except (OSError, PandocFailure):  # reported when the build itself needs them
        pass


@functools.cache
def pandoc_version() -> str:
    return run_pandoc(["--version"]).decode().split("\n", 1)[0].split()[-1]
