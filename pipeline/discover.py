"""Which files are manuscripts: those named, and the Markdown files of the folders named."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .errors import UsageError


def discover(paths: Iterable[Path], require: bool = True) -> list[Path]:
    """Manuscript files named by ``paths`` (files, or folders searched for .md and .markdown).

    A folder without any is a usage error unless ``require`` is false (a
    preview waits for the first manuscript to be written).
    """
    found: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            inside = _markdown_files(path)
            if require and not inside:
                raise UsageError(f"{path}: no manuscripts (.md or .markdown files) in this folder")
            found.extend(inside)
        elif path.is_file() or path.is_symlink():  # a broken link is reported as a manuscript
            found.append((path, os.path.realpath(path)))
        elif path.exists():  # a named pipe, a device: reading one could wait forever
            raise UsageError(f"{path}: not a file or folder (a named pipe or a device)")
        else:
            raise UsageError(f"{path}: no such file or folder")
    unique: dict[str, Path] = {}
    for p, real in found:
        unique.setdefault(real, p)
    return list(unique.values())


# What a folder's manuscripts are called: Markdown's usual suffixes, in any case (a Windows
# tool may save "GUIDE.MD").
MANUSCRIPT_SUFFIXES = (".md", ".markdown")


def is_manuscript_name(name: str) -> bool:
    """Whether a file called ``name`` in a folder is a manuscript: not hidden, not a README,
    not a part that manuscripts include (``_methods.md``, as Quarto names them)."""
    stem, suffix = os.path.splitext(name)
    return suffix.lower() in MANUSCRIPT_SUFFIXES and not name.startswith((".", "_")) \
        and stem.lower() != "readme"


def _markdown_files(folder: Path) -> list[tuple[Path, str]]:
    """(path, real path) of every manuscript under ``folder``, sorted (:func:`is_manuscript_name`).

    Walked with ``os.scandir``: a real path costs a system call only for a
    symbolic link, not for every part of every path. A folder is walked once
    however many links lead to it, so a link to a folder above (``up -> ..``)
    ends the walk instead of doubling it at every level.
    """
    found: list[tuple[Path, str]] = []
    hidden = any(part.startswith(".") for part in folder.parts)
    stack = [(folder, os.path.realpath(folder))]
    walked: set[str] = set()
    while stack:
        here, real = stack.pop()
        if real in walked:
            continue
        walked.add(real)
        try:
            entries = list(os.scandir(here))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir():
                    if not entry.name.startswith(".") and not hidden:
                        stack.append((here / entry.name, os.path.realpath(entry.path)
                                      if entry.is_symlink() else os.path.join(real, entry.name)))
                elif is_manuscript_name(entry.name) and (entry.is_file() or entry.is_symlink()) \
                        and not hidden:
                    found.append((here / entry.name, os.path.realpath(entry.path)
                                  if entry.is_symlink() else os.path.join(real, entry.name)))
            except OSError:  # a loop of links: reported when it is read
                if is_manuscript_name(entry.name) and not hidden:
                    found.append((here / entry.name, os.path.join(real, entry.name)))
    # as paths sort, by parts (comparing the Path objects costs ten times more)
    return sorted(found, key=lambda f: (f[0].parts, f[1]))
