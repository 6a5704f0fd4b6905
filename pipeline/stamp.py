"""Version stamps: which source commit and build date a handout carries.

The source commit is the last commit that changed any input of the handout
(manuscript, its bibliographies, images, styles), so an unrelated commit
leaves a handout's bytes alone.  One ``git log`` serves every manuscript of
a repository.  The build date is ``SOURCE_DATE_EPOCH`` when set, else the
source commit's date, else the manuscript's ``last_updated``: builds are
reproducible by default.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .model import Manuscript, Stamp

OUTSIDE_GIT = "is outside any git repository"


@dataclass(frozen=True)
class Commit:
    sha: str
    time: int
    age: int = 0  # position in the log, newest first: orders commits made in the same second


LAST_EPOCH = 253402300799  # 9999-12-31 23:59:59 UTC, the last second a date can hold


def source_date_epoch() -> int | None:
    """``SOURCE_DATE_EPOCH`` as seconds; None when unset, empty or not a usable number."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value.isascii() and value.isdigit() and int(value) <= LAST_EPOCH:
        return int(value)
    return None


def source_date_epoch_problem() -> str | None:
    """What is wrong with a ``SOURCE_DATE_EPOCH`` that is set, or None when it is usable."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "")
    if not value.strip() or source_date_epoch() is not None:
        return None
    late = value.strip().isascii() and value.strip().isdigit()
    return ("SOURCE_DATE_EPOCH must be whole seconds since 1970-01-01 UTC, such as 1760000000, "
            f"found {value!r}" + (" (after the year 9999)" if late else "")
            + "; unset it to date each build by its source commit")


def today() -> dt.date:
    """What 'today' is for dates in front matter: SOURCE_DATE_EPOCH's UTC date, else the real one."""
    epoch = source_date_epoch()
    if epoch is not None:
        return dt.datetime.fromtimestamp(epoch, dt.UTC).date()
    return dt.date.today()


def today_source() -> str:
    """Where :func:`today` came from, as messages name it."""
    return "SOURCE_DATE_EPOCH" if source_date_epoch() is not None else "the real date"


def _git(args: list[str], cwd: Path) -> str | None:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                              check=False, env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"})
    except (OSError, ValueError):
        return None
    return proc.stdout if proc.returncode == 0 else None


def _read_history(root: Path) -> dict[str, Commit]:
    """Each file's last commit, from one ``git log`` of the repository at ``root``."""
    last: dict[str, Commit] = {}
    out = _git(["log", "--format=%x01%H %ct", "--name-only", "--no-renames", "-z"], root) or ""
    commit: Commit | None = None
    for chunk in out.split("\x00"):
        for piece in chunk.split("\n"):
            piece = piece.strip()
            if not piece:
                continue
            if piece.startswith("\x01"):
                sha, _, when = piece[1:].partition(" ")
                commit = Commit(sha, int(when or 0), commit.age + 1 if commit else 0)
            elif commit is not None and piece not in last:
                last[piece] = commit
    return last


@functools.lru_cache(maxsize=4)
def _history(root: Path, head: str) -> dict[str, Commit]:
    """:func:`_read_history` while ``head`` is the commit checked out (callers only read it)."""
    return _read_history(root)


class GitHistory:
    """Last commit and uncommitted state of files, per repository, from one log."""

    def __init__(self) -> None:
        self._roots: dict[Path, Path | None] = {}
        self._last: dict[Path, dict[str, Commit]] = {}
        self._dirty: dict[Path, set[str]] = {}
        self._tracked: dict[Path, set[str]] = {}
        self._untracked: dict[Path, set[str]] = {}
        self._folders: dict[tuple[Path, str], tuple[Commit | None, bool]] = {}
        self._fingerprints: dict[Path, str] = {}
        self._edges: dict[Path, frozenset[str]] = {}

    def root_of(self, folder: Path) -> Path | None:
        if folder not in self._roots:
            resolved = folder.resolve()
            if resolved not in self._roots:
                out = _git(["rev-parse", "--show-toplevel"], resolved)
                self._roots[resolved] = Path(out.strip()).resolve() if out else None
            self._roots[folder] = self._roots[resolved]
        return self._roots[folder]

    def fingerprint(self, folder: Path) -> str:
        """What a file's stamp depends on in git beside the file: HEAD and the index.

        "" outside git.  Two subprocesses per repository and build; nothing
        of the history is read.
        """
        root = self.root_of(folder)
        if root is None:
            return ""
        if root not in self._fingerprints:
            head = _git(["rev-parse", "-q", "--verify", "HEAD"], root) or "no commit"
            git_dir = (_git(["rev-parse", "--absolute-git-dir"], root) or "").strip()
            try:
                st = os.stat(Path(git_dir) / "index") if git_dir else None
                index = f"{st.st_mtime_ns}:{st.st_size}:{st.st_ino}" if st else "none"
            except OSError:
                index = "none"
            self._fingerprints[root] = f"{root}\0{head.strip()}\0{index}"
        return self._fingerprints[root]

    def _folder(self, root: Path, prefix: str) -> tuple[Commit | None, bool]:
        """(newest commit of any file under ``prefix``, any of them uncommitted), once."""
        if (root, prefix) not in self._folders:
            best: Commit | None = None
            for name, commit in self._last[root].items():
                if name.startswith(prefix) and (
                        best is None or (commit.time, -commit.age) > (best.time, -best.age)):
                    best = commit
            modified = any(d.startswith(prefix) for d in self._dirty[root])
            self._folders[(root, prefix)] = best, modified
        return self._folders[(root, prefix)]

    def _load(self, root: Path) -> None:
        if root in self._last:
            return
        head = (_git(["rev-parse", "--verify", "--quiet", "HEAD"], root) or "").strip()
        # the history is read once per commit checked out, not at every preview save
        self._last[root] = _history(root, head) if head else _read_history(root)
        status = _git(["status", "--porcelain", "-z", "--untracked-files=all"], root) or ""
        dirty: set[str] = set()
        untracked: set[str] = set()
        for entry in status.split("\x00"):
            if len(entry) > 3 and entry[2] == " ":
                dirty.add(entry[3:])
                if entry[:2] == "??":
                    untracked.add(entry[3:])
        self._dirty[root] = dirty
        self._untracked[root] = untracked
        tracked = _git(["ls-files", "-z"], root) or ""
        self._tracked[root] = set(filter(None, tracked.split("\x00")))

    def last_change(self, paths: Iterable[Path], anchor: Path) -> tuple[Commit | None, bool, bool]:
        """(newest commit touching ``paths``, any uncommitted, anchor tracked)."""
        root = self.root_of(anchor.parent)
        if root is None:
            return None, False, False
        self._load(root)
        last, dirty, tracked = self._last[root], self._dirty[root], self._tracked[root]
        best: Commit | None = None
        modified = False
        for path in paths:
            try:
                rel = path.resolve().relative_to(root).as_posix()
            except (ValueError, OSError, RuntimeError):  # outside, or a loop of links
                continue
            prefix = rel.rstrip("/") + "/"
            if path.is_dir():
                newest, changed = self._folder(root, prefix)
                hits = [newest] if newest else []
                modified = modified or changed
            else:
                hits = [last[rel]] if rel in last else []
                modified = modified or rel in dirty
            for commit in hits:
                if best is None or (commit.time, -commit.age) > (best.time, -best.age):
                    best = commit
        anchor_rel = anchor.resolve().relative_to(root).as_posix()
        return best, modified, anchor_rel in tracked


    def uncommitted(self, paths: Iterable[Path]) -> list[tuple[Path, str]]:
        """Each input (a file, or a file in a folder) that git does not hold as it is.

        The reason reads after the file's name: 'is not committed', 'has
        uncommitted changes' or 'is outside any git repository'.
        """
        found: dict[Path, str] = {}
        for path in paths:
            try:
                resolved = path.resolve()
            except (OSError, RuntimeError):  # a loop of links: reported where it is read
                continue
            root = self.root_of(resolved if resolved.is_dir() else resolved.parent)
            if root is None:
                if resolved.exists():
                    found.setdefault(path, OUTSIDE_GIT)
                continue
            self._load(root)
            rel = resolved.relative_to(root).as_posix()
            if resolved.is_dir():
                prefix = "" if rel == "." else rel.rstrip("/") + "/"
                for name in sorted(self._dirty[root]):
                    if name.startswith(prefix) and not name.endswith("/"):
                        found.setdefault(root / name, self._why(root, name))
            elif resolved.exists() and (rel in self._dirty[root] or rel not in self._tracked[root]):
                found.setdefault(path, self._why(root, rel))
        return list(found.items())

    def shallow_edge(self, folder: Path) -> frozenset[str]:
        """The commits where a shallow clone's history stops (``git clone --depth``), or none.

        A file last changed before them reads as changed in them: a stamp naming one of
        them may name the wrong commit, and date the build by it.
        """
        root = self.root_of(folder)
        if root is None:
            return frozenset()
        if root not in self._edges:
            where = (_git(["rev-parse", "--git-path", "shallow"], root) or "").strip()
            try:
                text = (root / where).read_text() if where else ""
            except OSError:  # not shallow: git writes no such file
                text = ""
            self._edges[root] = frozenset(text.split())
        return self._edges[root]

    def _why(self, root: Path, rel: str) -> str:
        if rel in self._untracked[root] or rel not in self._tracked[root]:
            return "is not committed"
        return "has uncommitted changes"


def make_stamp(manuscript: Manuscript, inputs: Iterable[Path], history: GitHistory) -> Stamp:
    """The stamp of ``manuscript`` built from ``inputs`` (its files and styles)."""
    commit, dirty, tracked = history.last_change(list(inputs), manuscript.path)
    epoch = source_date_epoch()
    if epoch is not None:
        build = dt.datetime.fromtimestamp(epoch, dt.UTC).date()
    elif commit is not None:
        build = dt.datetime.fromtimestamp(commit.time, dt.UTC).date()
    else:
        build = manuscript.last_updated
    sha = commit.sha if (commit is not None and tracked) else ""
    return Stamp(
        version=manuscript.version,
        status=manuscript.status,
        last_updated=manuscript.last_updated,
        build_date=build,
        commit=sha,
        dirty=bool(sha) and dirty,
    )
