"""Quarto's ``{{< include _part.md >}}``: another file's text in place of the line.

Marked's and MultiMarkdown's (Scrivener's) ``<<[_part.md]`` is the same include.

A line holding only the shortcode (outside fenced code) is replaced by the
named file's lines, read as the manuscript is (UTF-8), includes inside it read
the same way.  The path is relative to the file that names it and must stay
inside the project (``project.py``, when the manuscript is in it, else the
manuscript's folder).  A missing file, an include of a file that is being
included (a loop) or a path outside the project is an error at its line.

The manuscript's body then holds lines of several files: :class:`~.model.Span`
records say where each run of lines came from, and :func:`located` moves a
problem reported at a line of the body to that file and line.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from .errors import PipelineError, Problem, display_path, is_file
from .fences import fenced
from .model import Manuscript, Span
from .project import project_folder

INCLUDE = re.compile(r"^ {0,3}(?:\{\{<\s*include\s+(?:\"([^\"]+)\"|'([^']+)'|(\S+))\s*>\}\}"
                     r"|<<\[([^\[\]\n]+)\])\s*$")  # Quarto's; Marked's and MultiMarkdown's
MAX_DEPTH = 16  # includes inside includes: deeper is a loop in all but name


def _root(path: Path) -> Path:
    here = project_folder().resolve()
    folder = path.parent.resolve()
    return here if folder == here or here in folder.parents else folder


def expand(path: Path, body: str, body_line: int) -> tuple[str, tuple[Span, ...]]:
    """``body`` with its includes read, and where its lines came from (empty: none read)."""
    if ("{{<" not in body or "include" not in body) and "<<[" not in body:
        return body, ()
    lines = body.split("\n")
    if not any(INCLUDE.match(line) for line in lines):
        return body, ()
    out: list[str] = []
    spans: list[Span] = []
    _read(path, lines, body_line, out, spans, [path.resolve()], _root(path))
    return "\n".join(out), tuple(spans)


def _read(path: Path, lines: list[str], first: int, out: list[str], spans: list[Span],
          chain: list[Path], root: Path) -> None:
    """Append ``lines`` of ``path`` (its line ``first`` first) to ``out``, includes read."""
    code = fenced(lines)
    start = 0  # the first line of the current run of this file's own lines
    for index, line in enumerate(lines):
        match = None if code[index] else INCLUDE.match(line)
        if match is None:
            continue
        _span(spans, out, lines[start:index], path, first + start)
        written = match.group(1) or match.group(2) or match.group(3) or match.group(4)
        target = _target(path, first + index, line.strip(), written, chain, root)
        text = _text(target, path, first + index)
        _read(target, text.split("\n"), 1, out, spans, [*chain, target.resolve()], root)
        start = index + 1
    _span(spans, out, lines[start:], path, first + start)


def _span(spans: list[Span], out: list[str], lines: list[str], path: Path, line: int) -> None:
    if lines:
        spans.append(Span(len(out), len(lines), path, line))
        out.extend(lines)


def _target(path: Path, line: int, shortcode: str, written: str, chain: list[Path],
            root: Path) -> Path:
    """The file an include names, or an error at ``path:line``."""
    shown = f"'{shortcode}'"
    if written.startswith(("/", "\\")) or "://" in written:
        raise PipelineError.at(path, line, f"{shown}: the path must be relative to this "
                               "file's folder", "include")
    target = path.parent / written
    resolved = target.resolve()
    if resolved != root and root not in resolved.parents:
        raise PipelineError.at(path, line, f"{shown} names a file outside the project "
                               f"({root}): copy it into the project", "include")
    if resolved in chain:
        loop = " includes ".join(display_path(p) for p in [*chain[chain.index(resolved):],
                                                            resolved])
        raise PipelineError.at(path, line, f"{shown} includes a file that is being included "
                               f"(a loop: {loop})", "include")
    if len(chain) > MAX_DEPTH:
        raise PipelineError.at(path, line, f"{shown}: includes are nested more than "
                               f"{MAX_DEPTH} deep", "include")
    if not is_file(target):
        raise PipelineError.at(path, line, f"{shown}: no such file ({display_path(target)})",
                               "include")
    return target


def _text(target: Path, path: Path, line: int) -> str:
    try:
        data = target.read_bytes()
    except OSError as exc:
        raise PipelineError.at(path, line, f"cannot read the included file "
                               f"{display_path(target)}: {exc.strerror}", "include") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PipelineError.at(target, data[:exc.start].count(b"\n") + 1,
                               "the included file is not valid UTF-8: save it as UTF-8",
                               "include") from None
    return text.replace("\r\n", "\n").replace("\r", "\n").removesuffix("\n")


def included_files(m: Manuscript) -> list[Path]:
    """The files ``m``'s body includes, each once."""
    return list(dict.fromkeys(s.path for s in m.spans if s.path != m.path))


def source_digest(m: Manuscript, data: bytes) -> str:
    """sha256 of the manuscript file's ``data`` and of every file it includes."""
    h = hashlib.sha256(data)
    for path in included_files(m):
        try:
            h.update(b"\0" + str(path).encode() + b"\0" + path.read_bytes())
        except OSError:
            h.update(b"\0missing")
    return h.hexdigest()


def origin(m: Manuscript, line: int) -> tuple[Path, int]:
    """The file and line a line of ``m``'s file (with its includes read) came from."""
    index = line - m.body_line
    for span in m.spans:
        if span.start <= index < span.start + span.count:
            return span.path, span.line + index - span.start
    return m.path, line


def located(problems: Iterable[Problem], manuscripts: Iterable[Manuscript]) -> list[Problem]:
    """``problems`` with those at a line of an included text moved to its file and line."""
    by_path = {display_path(m.path): m for m in manuscripts if m.spans}
    items = list(problems)
    if not by_path:
        return items
    out = []
    for p in items:
        m = by_path.get(p.path)
        if m is not None and p.line is not None and p.line >= m.body_line:
            path, line = origin(m, p.line)
            p = replace(p, path=display_path(path), line=line)
        out.append(p)
    return out
