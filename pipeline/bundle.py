"""Styles and inputs that travel: the package's styles, a project's overrides, remote jobs.

The styles (templates, CSS, fonts, disclaimers, locales) ship inside the
package; a ``styles/`` folder in the project (``project.py``) overrides them file by
file (the two are merged once into a content-addressed folder).  For a
remote worker that has only the package installed, a job carries its own
inputs (:class:`Carried`: the manuscript, the bibliography entries it
cites, its images and CSL file) and names the styles by digest; the worker
fetches that bundle once, unpacks it into a folder of its own and keeps it.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


@functools.cache
def package_styles() -> Path:
    """The styles shipped with the package (``pipeline/styles`` installed, else the checkout's)."""
    installed = PACKAGE / "styles"
    return installed if (installed / "templates").is_dir() else PACKAGE.parent / "styles"


def _files(folder: Path) -> dict[str, Path]:
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}


def effective_styles(project: Path, scratch: Path) -> Path:
    """The package's styles with ``project/styles`` laid over them, file by file.

    Without a project ``styles/`` (or in the checkout itself) that is the
    package's folder; otherwise a merged copy under ``scratch/styles/<digest>``.
    """
    import shutil
    import tempfile

    base = package_styles()
    local = project / "styles"
    if not local.is_dir() or local.resolve() == base.resolve():
        return base
    merged = {**_files(base), **_files(local)}
    digest = hashlib.sha256()
    for name, path in merged.items():
        digest.update(name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    target = scratch / "styles" / digest.hexdigest()[:32]
    if not target.is_dir():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".styles-", dir=target.parent))
        for name, path in merged.items():
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, tmp / name)
        try:
            tmp.rename(target)
        except OSError:  # another build made it first
            shutil.rmtree(tmp, ignore_errors=True)
    return target


@functools.lru_cache(maxsize=4)
def styles_bundle(folder: Path) -> tuple[str, bytes]:
    """(digest, deterministic tar) of a styles folder, for workers elsewhere."""
    import tarfile

    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, path in _files(folder).items():
            data = path.read_bytes()
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            tar.addfile(info, io.BytesIO(data))
    data = out.getvalue()
    return hashlib.sha256(data).hexdigest(), data


def same_bundle(data: bytes) -> bytes:
    """The styles bundle as a cluster task's result (see ``executors.DaskRunner``)."""
    return data


def worker_root() -> Path:
    """Where a worker keeps what it unpacks (its own temporary folder)."""
    import tempfile

    root = Path(tempfile.gettempdir()) / f"handout-worker-{os.getuid()}"
    root.mkdir(mode=0o700, exist_ok=True)
    return root


_unpacked: dict[str, Path] = {}


def unpack_styles(digest: str, data: bytes) -> Path:
    """The styles of ``digest`` on this worker, unpacked on first use and kept."""
    import shutil
    import tarfile
    import tempfile

    if digest in _unpacked:
        return _unpacked[digest]
    target = worker_root() / "styles" / digest[:32]
    if not (target / ".complete").is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".unpack-", dir=target.parent))
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            tar.extractall(tmp, filter="data")
        (tmp / ".complete").write_text(digest)
        shutil.rmtree(target, ignore_errors=True)
        try:
            tmp.rename(target)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
    _unpacked[digest] = target
    return target


@dataclass(frozen=True)
class Carried:
    """A job's input files as bytes, by the absolute path they have in the building folder."""

    files: tuple[tuple[str, bytes], ...]
    styles_digest: str

    def place(self) -> tuple[Path, dict[str, str]]:
        """Write the files under a fresh folder of this worker; (root, path map back)."""
        digest = hashlib.sha256()
        for name, data in self.files:
            digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
        root = worker_root() / "inputs" / digest.hexdigest()[:32]
        for name, data in self.files:
            target = root / name.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.is_file() or target.read_bytes() != data:
                target.write_bytes(data)
        return root, {str(root): ""}


def sparse_bib(text: str, cited: set[str]) -> str:
    """The .bib text with only the cited entries (and @string/@preamble), lines kept in place.

    Every other entry becomes blank lines, so a problem in a cited entry is
    reported at its real line.  The file is split into entries once per
    process (every job of a build carries the same shared .bib).
    """
    pieces = _bib_pieces(text)
    if pieces is None:
        return text
    return "".join(raw if key is None or key in cited else blank for raw, blank, key in pieces)


@functools.lru_cache(maxsize=8)
def _bib_pieces(text: str) -> tuple[tuple[str, str, str | None], ...] | None:
    """(text, its blank lines, key) of each entry of a .bib text, in order; key None for
    what every copy keeps (@string, @preamble, @comment, and the blank lines before the
    first entry); None when the text has no entry."""
    from .cache_keys import BIB_ENTRY, SHARED_BIB

    starts = list(BIB_ENTRY.finditer(text))
    if not starts:
        return None
    head = _blank(text[:starts[0].start()])
    pieces: list[tuple[str, str, str | None]] = [(head, head, None)]
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        raw = text[m.start():end]
        shared = m.group(1).lower() in SHARED_BIB
        pieces.append((raw, raw if shared else _blank(raw), None if shared else m.group(2)))
    return tuple(pieces)


@functools.lru_cache(maxsize=8)
def travels_whole(text: str) -> bool:
    """Whether a .bib text goes to a worker whole rather than sparse: its entries inherit
    from others (parents, sets' members, aliases) or it is UTF-16 (NUL bytes)."""
    from .cache_keys import INHERITS

    return "\0" in text or INHERITS.search(text) is not None


def _blank(text: str) -> str:
    return "\n" * text.count("\n")
