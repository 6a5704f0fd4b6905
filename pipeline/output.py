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
    """Replace ``path`` with ``data`` so readers see the old or the new file, never part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f"{TMP_PREFIX}{secrets.token_hex(6)}"
    flags = getattr(os, "O_TMPFILE", 0)
    fd = -1
    if flags:
        try:
            fd = os.open(path.parent, flags | os.O_WRONLY, 0o644)
        except OSError:
            fd = -1
    try:
        if fd >= 0:
            _write_all(fd, data)
            os.fsync(fd)
            try:
                os.link(f"/proc/self/fd/{fd}", tmp, follow_symlinks=True)
            except OSError:  # some file systems cannot name an O_TMPFILE inode
                os.close(fd)
                fd = -1
        if fd < 0:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            _write_all(fd, data)
            os.fsync(fd)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        if fd >= 0:
            os.close(fd)


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
