"""Writing the output folder: atomic files and the manifest.

A file is written to an unnamed temporary inode in the target folder
(``O_TMPFILE``) and only given a name when complete, so a build killed at
any moment leaves no partial file; where the platform lacks that, a hidden
temporary name is used and swept by the next build.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from pathlib import Path
from typing import Any

TMP_PREFIX = ".handout-tmp-"


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so readers see the old or the new file, never part.

    The data goes to an unnamed file in the target's folder; a new target is
    then named in one step, an existing one replaced by renaming a hidden
    temporary name over it.  Only between that link and the rename (no data
    is written then) can a killed build leave a temporary name, which the
    next build sweeps.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = f"{TMP_PREFIX}{secrets.token_hex(6)}"
    dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    named = False
    try:
        fd = _unnamed_file(dir_fd)
        if fd >= 0:
            try:
                _write_all(fd, data)
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
                _write_all(fd, data)
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


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


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
    text = json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    write_atomic(folder / "manifest.json", text.encode("utf-8"))
