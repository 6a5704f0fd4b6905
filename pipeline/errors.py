"""One exception tree for everything a user can get wrong.

Every expected problem is a :class:`Problem` with a location; a
:class:`PipelineError` carries one or more of them.  Anything that is not a
``PipelineError`` is a bug and keeps its traceback.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
import stat
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

ERROR = "error"
# Characters a message may quote from a file but must not print as they are: control
# characters (a line break and a tab excepted) and the direction controls.
UNSHOWN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """A located problem: ``path:line: message``."""

    path: str
    line: int | None
    message: str
    severity: str = ERROR
    code: str = "invalid"
    # False for a warning about something the manuscript does not use (an uncited entry
    # of a shared .bib, the file's encoding): --strict does not fail the manuscript over it.
    counts: bool = field(default=True, compare=False)

    def __post_init__(self) -> None:
        # One problem, one line: CI annotations and grep read ``path:line: message``.
        if "\n" in self.message or "\r" in self.message:
            object.__setattr__(self, "message", one_line(self.message))

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        label = "" if self.severity == ERROR else f"{self.severity}: "
        message = self.message
        if UNSHOWN.search(message):  # a value quoted from a file: a NUL, a terminal's escape
            message = UNSHOWN.sub(lambda m: m.group().encode("unicode_escape").decode(), message)
        return f"{where}: {label}{message}"

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def as_error(self) -> Problem:
        """The same problem promoted to an error (``--strict``); one that does not count stays."""
        if not self.counts:
            return self
        return Problem(self.path, self.line, self.message, ERROR, self.code)


def one_line(text: str) -> str:
    """``text`` with its line breaks (and the spaces around them) made one space."""
    return re.sub(r"\s*[\r\n]+\s*", " ", text).strip()


def yaml_problem(problem: str | None, todo: str = "") -> str:
    """libyaml's ``problem`` of a YAML error in the project's words (what is wrong, what to do).

    ``todo`` replaces the advice for a file written by a program (a bibliography's export).
    """
    if problem == "exceeded maximum nesting depth":
        # libyaml stops at 1,000 lists or mappings inside each other ('[[[[...', or indents)
        return ("lists or mappings are nested more than 1,000 levels deep (brackets '[' or "
                "'{' inside each other): " + (todo or "quote a value that is text, as in "
                "'title: \"[[draft]]\"', or nest fewer levels"))
    return problem or "invalid YAML"


def excerpt(source: str, width: int = 40) -> str:
    """The start of quoted ``source`` for a message: its first line, cut to ``width``.

    Anything left off is marked with '...'.
    """
    text = source.strip()
    first = text.split("\n", 1)[0].rstrip()
    if len(first) > width:
        return first[:width - 3] + "..."
    return first if first == text else first + " ..."


class PipelineError(Exception):
    """An expected failure; printed without a traceback."""

    def __init__(self, problems: Problem | Iterable[Problem]):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            # A failure that says nothing is the worst kind: refuse it where it is raised, so
            # it is reported as the bug it is, with its traceback, never as a silent failure.
            raise ValueError("a PipelineError needs at least one problem to report")
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def at(
        cls, path: str | Path, line: int | None, message: str, code: str = "invalid"
    ) -> PipelineError:
        return cls(Problem(display_path(path), line, message, ERROR, code))


class UsageError(Exception):
    """A mistake in how the command was called (exit status 2)."""


def not_a_file(path: Path, kind: str = "a file") -> str | None:
    """Why ``path``, which is there, is not a readable file: a folder, a broken link, a loop
    of links, a named pipe or a device; None when it is missing or a file."""
    try:
        if path.is_symlink():
            target = os.readlink(path)
            try:
                path.resolve(strict=True)
            except FileNotFoundError:
                return f"is a link to {target}, which does not exist ({display_path(path)})"
            except (OSError, RuntimeError):
                return (f"is a link to {target}, which leads back to itself (a loop of links: "
                        f"{display_path(path)})")
        if path.is_dir():
            return f"is a folder, not {kind} ({display_path(path)})"
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):  # reading a pipe waits for a writer, /dev/zero never ends
            what = ("a named pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
                    else "a device")
            link = f"a link to {os.readlink(path)}, " if path.is_symlink() else ""
            return f"is {link}{what}, not {kind}: nothing is read from it ({display_path(path)})"
    except (OSError, ValueError):
        pass
    return None


def display_path(path: str | Path) -> str:
    """A path as users see it: relative to the working folder when inside it.

    A name that is not valid UTF-8 shows its bytes as ``\\xe9``, printable and
    storable anywhere; a character that prints as nothing or moves the text (a line
    break, a tab, a terminal's escape, a right-to-left override) as its escape
    (``\\n``, ``\\x1b``, ``\\u202e``), so that a name never splits or disguises the
    ``path:line: message`` it starts.
    """
    shown = _display_path(str(path), os.getcwd())
    if not shown.isascii() and any("\udc80" <= c <= "\udcff" for c in shown):
        shown = os.fsencode(shown).decode("utf-8", "backslashreplace")
    if not shown.isprintable():
        shown = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                        for c in shown)
    return shown


def look_alike(shown: str, other: str) -> str:
    """Why two names that print the same are two files, or '' when they differ to the eye.

    'é' may be one character (NFC, as most systems write it) or 'e' and a combining
    accent (NFD, as macOS writes it): Linux keeps both as two files.
    """
    if shown == other or unicodedata.normalize("NFC", shown) != unicodedata.normalize("NFC", other):
        return ""
    return (" (the two names look the same but are written with other Unicode characters, "
            "an accent as a separate mark (NFD) in one of them: rename one)")


def told_apart(problems: Iterable[Problem]) -> list[Problem]:
    """``problems``, those of two files whose names print the same (an 'é' written as one
    character in one and as 'e' and an accent in the other) each saying how its name is
    written, so that two lines that read the same are seen to be two files."""
    problems = list(problems)
    spellings: dict[str, set[str]] = {}
    for p in problems:
        spellings.setdefault(unicodedata.normalize("NFC", p.path), set()).add(p.path)
    twins = {path for paths in spellings.values() if len(paths) > 1 for path in paths}
    return [replace(p, message=p.message + written_as(p.path)) if p.path in twins else p
            for p in problems]


def written_as(name: str) -> str:
    """How ``name`` writes its first accented letter, for a name that looks like another."""
    marks = [i for i, c in enumerate(name) if unicodedata.combining(c) and i]
    if marks:
        base, mark = name[marks[0] - 1], name[marks[0]]
        letter = unicodedata.normalize("NFC", base + mark)
        return (f" (this file's name writes '{letter}' as '{base}' and a separate accent, "
                f"U+{ord(mark):04X} {unicodedata.name(mark, '')} (NFD, as macOS writes names); "
                "another file's name that looks the same writes it as one character: rename "
                "one of them)")
    letter = next((c for c in name if unicodedata.normalize("NFD", c) != c), "")
    if not letter:
        return (" (another file's name looks the same but is written with other Unicode "
                "characters: rename one of them)")
    return (f" (this file's name writes '{letter}' as one character, U+{ord(letter):04X}; "
            "another file's name that looks the same writes it as a letter and a separate "
            "accent (NFD): rename one of them)")


def undecodable_name(path: str | Path) -> str | None:
    """What is wrong with a file name that is not valid UTF-8, or None for a good one."""
    name = str(path)
    if name.isascii() or not any("\udc80" <= c <= "\udcff" for c in name):
        return None
    byte = next(ord(c) - 0xDC00 for c in name if "\udc80" <= c <= "\udcff")
    return (f"the file name is not valid UTF-8 (byte 0x{byte:02x}, as a Windows or Latin-1 "
            "system writes it): rename the file")


# A file of the styles merged for a build (``bundle.effective_styles``: the
# package's with the project's styles/ laid over them, under a digest's name).
_MERGED_STYLE = re.compile(r"[/\\]styles[/\\][0-9a-f]{32}[/\\](.+)$")


def _style_origin(path: str, cwd: str) -> str | None:
    """The file a merged styles file was copied from: the project's, else the package's."""
    found = _MERGED_STYLE.search(path)
    if not found:
        return None
    relative = found.group(1)
    from .project import project_folder

    own = project_folder(Path(cwd)) / "styles" / relative
    if own.is_file():
        return os.path.relpath(own, cwd)
    from .bundle import package_styles

    shipped = package_styles() / relative
    return str(shipped) if shipped.is_file() else None


@functools.lru_cache(maxsize=4096)
def _display_path(path: str, cwd: str) -> str:
    # Resolving is a system call per part of the path: a build asks for the
    # same few thousand paths over and over.
    origin = _style_origin(path, cwd)
    if origin is not None:  # the file the user can open, not the build's copy of it
        return _display_path(origin, cwd) if Path(origin).is_absolute() else origin
    link = Path(path)
    try:
        try:
            resolved = link.resolve()
            if not resolved.exists():  # a broken link: its own name, not the missing target's
                resolved = link.absolute().parent.resolve() / link.name
        except (RuntimeError, OSError):  # a loop of links: its own name too
            resolved = link.absolute().parent.resolve() / link.name
        return str(resolved.relative_to(Path(cwd).resolve()))
    except (ValueError, RuntimeError, OSError):  # outside the folder
        return path


def is_file(path: Path) -> bool:
    """``path.is_file()``, and False for a name the system refuses (too long, ...).

    Such a name is reported as a file not found, never as a traceback.
    """
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def local_path(url: str, folder: Path) -> Path | None:
    """The file an address names relative to ``folder``; None when it is not local.

    Not local: empty, a fragment (``#x``), a scheme (``https:``, ``data:``) or
    a host (``//host/x``).  Query and fragment are left out, ``%20`` decoded.
    """
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    if not url or url.startswith("#") or parts.scheme or parts.netloc or not parts.path:
        return None
    return folder / unquote(parts.path)


def did_you_mean(word: str, choices: Iterable[str], n: int = 3) -> str:
    """`` (did you mean 'x'?)`` for the closest choices, or an empty string."""
    matches = difflib.get_close_matches(word, sorted(set(choices)), n=n, cutoff=0.6)
    if not matches:
        return ""
    quoted = ", ".join(f"'{m}'" for m in matches)
    return f" (did you mean {quoted}?)"


class Problems:
    """Collects problems so that every one is reported, not only the first."""

    def __init__(self) -> None:
        self._items: list[Problem] = []
        self._seen: set[Problem] = set()
        self._weak: set[Problem] = set()  # those that do not count (see Problem.counts)

    @property
    def items(self) -> list[Problem]:
        """Every problem, in the order found, each once."""
        if len(self._seen) != len(self._items):  # the list was changed in place
            self.items = self._items
        return self._items

    @items.setter
    def items(self, problems: list[Problem]) -> None:
        self._items = list(problems)
        self._seen = set(self._items)
        self._weak = {p for p in self._items if not p.counts}

    def add(
        self,
        path: str | Path,
        line: int | None,
        message: str,
        *,
        severity: str = ERROR,
        code: str = "invalid",
        counts: bool = True,
    ) -> None:
        self.extend([Problem(display_path(path), line, message, severity, code, counts)])

    def warn(self, path: str | Path, line: int | None, message: str, code: str = "warning",
             counts: bool = True) -> None:
        """A warning; with ``counts=False`` --strict does not fail the manuscript over it."""
        self.add(path, line, message, severity=WARNING, code=code, counts=counts)

    def extend(self, problems: Iterable[Problem]) -> None:
        """Add each problem once; one that counts for some manuscript replaces its twin.

        A shared file's problem can be a warning for a manuscript that does not use
        what it is about and an error for one that does: it is reported once, as the
        error.
        """
        items = self.items
        for problem in problems:
            twin = replace(problem, severity=WARNING if problem.is_error else ERROR)
            if twin in self._seen:
                if problem.is_error:  # the error replaces the warning, where it was
                    self._seen.discard(twin)
                    self._weak.discard(twin)
                    self._seen.add(problem)
                    items[items.index(twin)] = problem
                continue
            if problem not in self._seen:
                self._seen.add(problem)
                items.append(problem)
                if not problem.counts:
                    self._weak.add(problem)
            elif problem.counts and problem in self._weak:
                self._weak.discard(problem)
                items[items.index(problem)] = problem

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if not p.is_error]

    @property
    def counted(self) -> list[Problem]:
        """The problems --strict fails a manuscript over: errors and warnings that count."""
        return [p for p in self.items if p.is_error or p.counts]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise PipelineError(self.items)
