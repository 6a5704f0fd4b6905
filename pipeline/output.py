"""Writing the output folder: atomic files and the manifest.

A file is written to an unnamed temporary inode in the target folder
(``O_TMPFILE``) and only given a name when complete, so a build killed at
any moment leaves no partial file; where the platform lacks that, a hidden
temporary name is used and swept by the next build.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import itertools
import json
import os
import secrets
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

TMP_PREFIX = ".handout-tmp-"


def write_atomic(path: Path, data: bytes | Callable[[], Iterable[bytes]]) -> None:
    """Replace ``path`` with ``data`` so readers see the old or the new file, never part.

    The data goes to an unnamed file in the target's folder; a new target is
    then named in one step, an existing one replaced by renaming a hidden
    temporary name over it.  Only between that link and the rename (no data
    is written then) can a killed build leave a temporary name, which the
    next build sweeps.  ``data`` may be a function giving the bytes in pieces
    (called again when the file must be written a second time), so a large
    file is never whole in memory.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = f"{TMP_PREFIX}{secrets.token_hex(6)}"
    dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    named = False
    try:
        fd = _unnamed_file(dir_fd)
        if fd >= 0:
            try:
                _write_data(fd, data)
                os.fsync(fd)
                try:
                    if _link(fd, path.name, dir_fd):
                        os.fsync(dir_fd)
                        return
                    named = _link(fd, tmp, dir_fd)
                except OSError:  # no usable /proc: write it again under a name
                    named = False
            finally:
                os.close(fd)
        if not named:  # no O_TMPFILE here: a hidden name from the start
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644, dir_fd=dir_fd)
            named = True
            try:
                _write_data(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
        os.replace(tmp, path.name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        named = False
        os.fsync(dir_fd)
    except BaseException:
        if named:
            try:
                os.unlink(tmp, dir_fd=dir_fd)
            except FileNotFoundError:
                pass
        raise
    finally:
        os.close(dir_fd)


def cannot_write(path: Path, exc: OSError, what: str = "the file", kept: str | None = None
                 ) -> str:
    """Why ``path`` could not be written, and what to do, for a message at ``path``.

    The folder that is in the way is named: a file where a folder must be, a folder
    where the file must be, a read-only folder (``os.access``), a full disk.  An
    atomic write that failed left the previous file in place, and the message says so
    (``kept``: what to say instead).
    """
    from .errors import display_path

    kept = "; the previous file, if any, is kept" if kept is None else kept
    folder = next((p for p in path.parents if p.exists()), None)
    if folder is not None and not folder.is_dir():
        return (f"cannot write {what}: {display_path(folder)} is a file where a folder must be: "
                f"remove or rename it, or build into another --out{kept}")
    if path.is_dir():
        return (f"cannot write {what}: a folder of that name is in the way: remove or rename "
                f"it, or build into another --out{kept}")
    why = exc.strerror or str(exc)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS) or (
            folder is not None and not os.access(folder, os.W_OK)):
        return (f"cannot write {what}: the folder {display_path(folder or path.parent)} is "
                f"read-only ({why}): make it writable, or build into another --out{kept}")
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"cannot write {what}: the disk is full ({why}): free some space{kept}"
    return f"cannot write {what}: {why}{kept}"


def _unnamed_file(dir_fd: int) -> int:
    """An O_TMPFILE descriptor in the folder ``dir_fd``, or -1 where unsupported."""
    flags = getattr(os, "O_TMPFILE", 0)
    if not flags:
        return -1
    try:
        return os.open(".", flags | os.O_WRONLY, 0o644, dir_fd=dir_fd)
    except OSError:
        return -1


def _link(fd: int, name: str, dir_fd: int) -> bool:
    """Give the unnamed file ``fd`` the name ``name``; False if that name exists.

    ``dst_dir_fd`` makes Python call linkat(AT_SYMLINK_FOLLOW): plain link()
    would try to link the /proc symlink itself and fail.
    """
    try:
        os.link(f"/proc/self/fd/{fd}", name, dst_dir_fd=dir_fd, follow_symlinks=True)
    except FileExistsError:
        return False
    return True


def _write_data(fd: int, data: bytes | Callable[[], Iterable[bytes]]) -> None:
    for piece in data() if callable(data) else (data,):
        _write_all(fd, piece)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _in_blocks(pieces: Iterable[str], size: int = 1 << 16) -> Iterator[bytes]:
    """``pieces`` of text as UTF-8, gathered into blocks of about ``size`` bytes."""
    block: list[str] = []
    length = 0
    for piece in pieces:
        block.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(block).encode("utf-8")
            block, length = [], 0
    if block:
        yield "".join(block).encode("utf-8")


@contextlib.contextmanager
def holding(folder: Path, waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """The output folder for this build alone: a second build into it waits until the first
    has written its manifest, then reads it, so neither drops the other's files from it nor
    sweeps away the other's temporary files.

    The lock is on the folder itself (``flock``): nothing is left in it, and a killed
    build's lock goes with its process.  ``waiting`` is called once when another build
    holds it, before waiting (a log would otherwise show nothing for minutes).
    """
    import fcntl

    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                waiting()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def sweep_temporaries(folder: Path) -> None:
    """Remove temporary files a killed build may have left behind."""
    if folder.is_dir():
        for leftover in folder.rglob(f"{TMP_PREFIX}*"):
            leftover.unlink(missing_ok=True)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_manifest(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("artifacts"), list):
            return data
    except (OSError, ValueError):
        pass
    return {"artifacts": [], "errors": []}


def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    """``manifest.json``, encoded piece by piece (thousands of entries are megabytes of text)."""
    encoder = json.JSONEncoder(indent=2, ensure_ascii=False, sort_keys=False)
    write_atomic(folder / "manifest.json",
                 lambda: _in_blocks(itertools.chain(encoder.iterencode(manifest), "\n")))


class OutputFolder:
    """The output folder as the last manifest describes it, and what this build changes.

    Outputs are written one manuscript at a time, as soon as all of its
    files are ready, and only a small record of each is kept; the manifest
    is assembled from those records and the previous manifest's entries of
    files that are still in the folder.
    """

    def __init__(self, out: Path):
        self.out = out
        self.previous = read_manifest(out)
        try:
            self._since = (out / "manifest.json").stat().st_mtime_ns
        except OSError:
            self._since = -1
        self.changed = False  # a file was written (the manifest must be written then)
        self.by_path: dict[str, dict] = {}
        self.by_source: dict[str, list[dict]] = {}
        for entry in self.previous.get("artifacts", []):
            if isinstance(entry, dict) and isinstance(entry.get("path"), str):
                self.by_path[entry["path"]] = entry
                self.by_source.setdefault(entry.get("source", ""), []).append(entry)

    def is_current(self, name: str, sha256: str, size: int) -> bool:
        """``name`` holds exactly these bytes, as far as the manifest and the file's stat tell.

        A file changed after the manifest was written is newer than it and
        does not count; nothing is read.
        """
        entry = self.by_path.get(name)
        if entry is None or entry.get("sha256") != sha256 or entry.get("bytes") != size:
            return False
        try:
            stat = os.stat(os.path.join(self.out, name))
        except OSError:
            return False
        return stat.st_size == size and stat.st_mtime_ns <= self._since

    def write(self, name: str, data: bytes, sha256: str) -> bool:
        """Write ``name`` unless it already holds ``data``; True when written."""
        if self.is_current(name, sha256, len(data)):
            return False
        write_atomic(self.out / name, data)
        self.changed = True
        return True

    def manifest(self, artifacts: list[dict], errors: list[dict], warnings: list[dict],
                 keep: set[str], stale_sources: set[str], formats: tuple[str, ...]
                 ) -> dict[str, Any]:
        """This build's entries, with the previous ones of files still in the folder.

        ``stale_sources`` built successfully: their previous files in this
        build's ``formats`` (suffixes) that it did not produce are removed.
        ``keep`` are sources whose previous files stay even so (a failed
        rebuild).
        """
        current = {a["path"] for a in artifacts}
        carried = []
        for path, entry in self.by_path.items():
            if path in current:
                continue
            target = self.out / path
            if entry.get("source") in stale_sources and entry.get("source") not in keep \
                    and path.endswith(formats):
                if target.is_file() and target.resolve().is_relative_to(self.out.resolve()):
                    target.unlink()
                continue
            if target.is_file():
                carried.append(entry)
        entries = sorted(artifacts + carried, key=lambda e: e["path"])
        return {"artifacts": entries, "errors": errors, "warnings": warnings}

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        """Write the manifest when it changed (an unchanged one keeps its time stamp)."""
        if not self.changed and manifest == self.previous \
                and (self.out / "manifest.json").is_file():
            return
        write_manifest(self.out, manifest)
