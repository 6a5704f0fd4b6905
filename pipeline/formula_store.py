"""Formula drawings kept beside the render cache, so an unchanged formula is laid out once.

Laying out a formula (:func:`.math.draw`) is most of what formulas cost a
build, and a new process also pays for importing the typesetter.  A drawing
depends only on the formula's MathML, the math font, the drawing size and
the typesetter (ziamath and ziafont, with the project's changes to them), so
each drawing is kept under a digest of all of these in the ``formulas/``
folder of the render cache, and a later build in any process reads it
instead of laying the formula out again.  A build without the render cache
(``--no-cache``) neither reads nor writes drawings; a damaged entry reads as
a miss.  The drawings share the cache's size limit: they may take a tenth of it, the
least recently used going first (:func:`trim`); ``invoke clean --cache`` empties the
folder with the rest of the cache.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import secrets
from pathlib import Path
from typing import Any

from .kept import KeptIn

FOLDER = "formulas"  # inside the render cache
# the modules that decide how a formula is drawn: a change to either draws afresh
DRAWING_SOURCES = ("math.py", "ziamath_patches.py")
kept_in = KeptIn(FOLDER)


def folder() -> Path | None:
    """The store in use, if a build has one."""
    return kept_in.folder()


@functools.lru_cache(maxsize=8)
def _file_digest(path: str, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@functools.cache
def _typesetter() -> str:
    """The typesetter's versions and the project's drawing code, as one digest."""
    from importlib import metadata

    h = hashlib.sha256()
    for name in ("ziamath", "ziafont"):
        try:
            h.update(f"{name}={metadata.version(name)}\n".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=none\n".encode())
    here = Path(__file__).resolve().parent
    for name in DRAWING_SOURCES:
        h.update((here / name).read_bytes())
    return h.hexdigest()


def key(mathml: str, font: str, size: float, scale: float) -> str:
    """The digest a drawing of ``mathml`` in ``font`` is kept under."""
    stat = os.stat(font)
    h = hashlib.sha256()
    for part in (_typesetter(), _file_digest(font, stat.st_mtime_ns, stat.st_size),
                 repr((size, scale)), mathml):
        h.update(part.encode("utf-8") + b"\0")
    return h.hexdigest()


def _entry(store: Path, digest: str) -> Path:
    return store / digest[:2] / f"{digest}.json"


def load(digest: str) -> dict[str, Any] | None:
    """The drawing kept under ``digest``, else None (no store, none kept, or damaged)."""
    store = folder()
    if store is None:
        return None
    try:
        data = json.loads(_entry(store, digest).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("key") != digest:
        return None
    with contextlib.suppress(OSError):  # its last use, for :func:`trim`
        os.utime(_entry(store, digest))
    return data


def trim(store: Path, limit: int) -> tuple[int, int]:
    """Remove the least recently used drawings until those in ``store`` fit ``limit`` bytes;
    (bytes freed, bytes kept)."""
    drawings: list[tuple[int, int, str]] = []
    try:
        for sub in os.scandir(store):
            if sub.is_dir(follow_symlinks=False) and len(sub.name) == 2:
                for entry in os.scandir(sub.path):
                    if entry.name.endswith(".json") and not entry.name.startswith("."):
                        st = entry.stat(follow_symlinks=False)
                        drawings.append((st.st_mtime_ns, st.st_size, entry.path))
    except OSError:
        return 0, 0
    total = sum(size for _, size, _ in drawings)
    freed = 0
    for _, size, path in sorted(drawings):
        if total - freed <= limit:
            break
        with contextlib.suppress(OSError):
            os.unlink(path)
            freed += size
    return freed, total - freed


def save(digest: str, data: dict[str, Any]) -> None:
    """Keep ``data`` under ``digest`` (atomically; a store that cannot be written is skipped)."""
    store = folder()
    if store is None:
        return
    path = _entry(store, digest)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps({**data, "key": digest}, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
