"""Publishing a folder of files once: checksums, deterministic zips, no rewriting.

A published folder is assembled beside its final place and renamed into it,
so it is either all there or not there.  Publishing the same bytes again is
a no-op; other bytes under a published name are refused, never written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from .errors import PipelineError

WRITTEN = "written"
UNCHANGED = "unchanged"


def checksums(files: dict[str, bytes]) -> bytes:
    """A SHA256SUMS file for ``files`` that ``sha256sum -c`` verifies beside them."""
    return "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n"
                   for name, data in sorted(files.items())).encode()


def _not_as_summed(existing: dict[str, bytes]) -> list[str]:
    """Files of a published folder whose bytes differ from its own SHA256SUMS, or are missing."""
    sums = existing.get("SHA256SUMS")
    if sums is None:
        return []
    wrong = []
    for line in sums.decode("utf-8", "replace").splitlines():
        digest, _, name = line.partition("  ")
        data = existing.get(name)
        if name and (data is None or hashlib.sha256(data).hexdigest() != digest):
            wrong.append(name)
    return wrong


def manifest_bytes(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()


def deterministic_zip(files: dict[str, bytes], date: dt.date) -> bytes:
    """A zip of ``files`` whose bytes depend only on them and ``date``.

    Entries are sorted, dated ``date`` at midnight, with fixed permissions.
    """
    buffer = io.BytesIO()
    stamp = (max(date.year, 1980), date.month, date.day, 0, 0, 0)
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name], compresslevel=9)
    return buffer.getvalue()


def publish_folder(folder: Path, files: dict[str, bytes], what: str) -> str:
    """Write ``files`` as ``folder`` all at once: WRITTEN, or UNCHANGED when it holds them.

    Raises :class:`PipelineError` when ``folder`` already holds other bytes;
    ``what`` names it in that message ('release 2025-10-09-…').
    """
    if folder.exists():
        return _same_or_refuse(folder, files, what)
    try:
        return _publish_new(folder, files, what)
    except OSError as exc:  # a file where a folder belongs, no permission, a full disk
        from .output import cannot_write

        raise PipelineError.at(folder, None, cannot_write(
            folder, exc, f"the {what}", "; nothing of it was published"), "unwritable") from None


def _publish_new(folder: Path, files: dict[str, bytes], what: str) -> str:
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        for name, data in files.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            os.chmod(target, 0o644)
        os.chmod(staging, 0o755)
        try:
            staging.rename(folder)
        except OSError:
            if not folder.exists():
                raise
            return _same_or_refuse(folder, files, what)  # published meanwhile by another run
        return WRITTEN
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _same_or_refuse(folder: Path, files: dict[str, bytes], what: str) -> str:
    existing = {p.relative_to(folder).as_posix(): p.read_bytes()
                for p in sorted(folder.rglob("*")) if p.is_file()}
    if existing == files:
        return UNCHANGED
    damaged = _not_as_summed(existing)
    if damaged:
        raise PipelineError.at(folder, None, f"{what}: published file(s) no longer match its "
                               f"SHA256SUMS ({', '.join(damaged)}): they were altered or damaged "
                               "on disk since it was published; restore them from a copy (a "
                               "release is never rewritten)", "release-damaged")
    differ = sorted(n for n in files if n in existing and existing[n] != files[n])
    new = sorted(set(files) - set(existing))
    gone = sorted(set(existing) - set(files))
    detail = "; ".join(part for part in (
        "different bytes: " + ", ".join(differ) if differ else "",
        "not in the published one: " + ", ".join(new) if new else "",
        "only in the published one: " + ", ".join(gone) if gone else "") if part)
    raise PipelineError.at(folder, None, f"{what} is already published with other content "
                           f"({detail}); a release is never rewritten: change the version of "
                           "the handouts that changed, or commit the changes, for a new "
                           "release id", "release-exists")


def published_artifacts(releases: Path) -> list[tuple[str, dict[str, Any]]]:
    """(release id, artifact entry) of every release under ``releases``, the oldest release
    first (by its date, then its id); a manifest that cannot be read, or is damaged, is
    skipped here and left to the checks of whatever meets it."""
    found = []
    for manifest in releases.glob("*/manifest.json") if releases.is_dir() else ():
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and isinstance(data.get("artifacts"), list):
            found.append((str(data.get("date", "")), manifest.parent.name, data["artifacts"]))
    return [(release, entry) for _date, release, entries in sorted(found, key=lambda r: r[:2])
            for entry in entries if isinstance(entry, dict)]
