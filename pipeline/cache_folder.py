"""Where the render cache lives, how big it may grow, and emptying it.

Only the files the cache wrote are ever counted or removed: ``HANDOUT_CACHE_DIR``
may name a folder shared with other programs.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from .errors import UsageError

DEFAULT_MAX = "2G"
UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


def default_dir() -> Path:
    """``$HANDOUT_CACHE_DIR``, else ``.cache/handouts`` in the project (see ``project.py``)."""
    from .project import in_project

    env = os.environ.get("HANDOUT_CACHE_DIR")
    if env:
        return Path(env)
    return in_project(".cache").absolute() / "handouts"


def ensure_dir(folder: Path) -> Path:
    """``folder``, made if missing; a folder that cannot be made or written is a usage error."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".probe-{secrets.token_hex(4)}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        where = "" if exc.filename in (None, str(folder)) else f" ({exc.filename})"
        raise UsageError(f"render cache {folder}: cannot be written: {exc.strerror or exc}{where}; "
                         "set HANDOUT_CACHE_DIR to a folder that can be, or use --no-cache"
                         ) from None
    return folder


def parse_size(text: str, option: str = "--cache-max") -> int:
    """``500M``, ``2G``, ``1.5G`` or a byte count, as bytes."""
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*", text, re.IGNORECASE)
    if not found:
        raise UsageError(f"{option}: expected a size such as 500M or 2G, found '{text}'")
    return int(float(found.group(1)) * UNITS[found.group(2).upper()])


# Formula drawings may take one part in this many of the cache's size limit.
DRAWINGS_SHARE = 10


def default_max() -> int:
    """``$HANDOUT_CACHE_MAX``, else 2 GiB."""
    return parse_size(os.environ.get("HANDOUT_CACHE_MAX") or DEFAULT_MAX, "HANDOUT_CACHE_MAX")


_OWN_FILES = re.compile(r"index\.sqlite(?:-wal|-shm|-journal)?|digests\.json|"
                        r"syllables-[0-9a-f]{64}\.bin|\.(?:tmp|probe)-[0-9a-f]+")
_ENTRY = re.compile(r"[0-9a-f]{64}")


# a kept formula drawing, or one being written (pipeline/formula_store.py)
_DRAWING = re.compile(r"\.?[0-9a-f]{64}\.json(?:\.[0-9a-f]{8}\.tmp)?")


def cache_files(folder: Path) -> list[Path]:
    """The files the cache wrote in ``folder``: never anything else that lives there.

    ``HANDOUT_CACHE_DIR`` may name a folder shared with other programs (``~/.cache``)
    or the project itself; only the index, the digests, the syllable table
    (``syllables.py``) and entry files, named by their 64-digit keys under
    two-digit folders and ``readings/``, are the cache's.
    """
    found: list[Path] = []
    if not folder.is_dir() or folder.is_symlink():
        return found
    for path in folder.iterdir():
        if path.is_symlink():
            continue
        if path.is_file() and _OWN_FILES.fullmatch(path.name):
            found.append(path)
        elif path.is_dir() and path.name == "formulas":  # drawings (formula_store.py)
            found.extend(entry for sub in path.iterdir()
                         if sub.is_dir() and not sub.is_symlink()
                         and re.fullmatch(r"[0-9a-f]{2}", sub.name)
                         for entry in sub.iterdir()
                         if entry.is_file() and not entry.is_symlink()
                         and _DRAWING.fullmatch(entry.name) and entry.name.lstrip(".")
                         .startswith(sub.name))
        elif path.is_dir() and (re.fullmatch(r"[0-9a-f]{2}", path.name)
                                or path.name == "readings"):
            found.extend(entry for entry in path.iterdir()
                         if entry.is_file() and not entry.is_symlink()
                         and (_ENTRY.fullmatch(entry.name)
                              or _OWN_FILES.fullmatch(entry.name))
                         and (path.name == "readings" or entry.name.startswith(path.name)
                              or entry.name.startswith(".tmp-")))
    return found


def usage(folder: Path) -> tuple[int, int]:
    """(bytes on disk, files) of the cache in ``folder``."""
    files = cache_files(folder)
    return sum(path.stat().st_size for path in files), len(files)


def clear(folder: Path) -> tuple[int, int]:
    """Remove the cache's own files from ``folder``: (files removed, other files kept).

    Folders left empty go too; anything the cache did not write stays.
    """
    removed = 0
    for path in cache_files(folder):
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            raise UsageError(f"render cache {folder}: cannot remove {path.name}: "
                             f"{exc.strerror or exc}") from None
        removed += 1
    kept = 0
    if folder.is_dir() and not folder.is_symlink():
        drawings = folder / "formulas"
        inner = [*drawings.iterdir(), drawings] \
            if drawings.is_dir() and not drawings.is_symlink() else []
        for sub in [*inner, *folder.iterdir(), folder]:
            if sub.is_dir() and not sub.is_symlink() and (
                    sub in (folder, drawings)
                    or re.fullmatch(r"[0-9a-f]{2}|readings", sub.name)):
                try:
                    sub.rmdir()
                except OSError:
                    pass  # not empty: it holds files of other programs
        if folder.is_dir():
            kept = sum(1 for _ in folder.iterdir())
    return removed, kept
