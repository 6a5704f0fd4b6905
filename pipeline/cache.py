"""A content-addressed cache of rendered outputs.

The key of an output covers everything that can change its bytes: the
manuscript, the BibTeX entries it may cite (with the file's @string
definitions), the CSL style, every file under ``styles/`` (templates, CSS,
fonts, disclaimers, catalogues), the images it refers to, the pipeline's own
source, the render options and the stamp.  Computing a key needs neither
pandoc nor WeasyPrint.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from pathlib import Path

from .bibtex import read_bibtex
from .errors import PipelineError, Problems
from .model import Manuscript, RenderOptions, Stamp
from .output import write_atomic

CITE_TOKEN = re.compile(r"@\{?([\w][\w:.#$%&\-+?<>~/]*)")
CACHE_VERSION = "1"


def default_dir() -> Path:
    env = os.environ.get("HANDOUT_CACHE_DIR")
    if env:
        return Path(env)
    return Path.cwd() / ".cache" / "handouts"


@functools.cache
def _pipeline_digest() -> str:
    h = hashlib.sha256()
    for path in sorted(Path(__file__).resolve().parent.rglob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    from .pandoc import pandoc_path

    h.update(str(pandoc_path().stat().st_size).encode())
    return h.hexdigest()


def _tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(path.relative_to(folder).as_posix().encode())
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


class Cache:
    def __init__(self, folder: Path, styles: Path):
        self.folder = folder
        self.styles_digest = _tree_digest(styles)
        self.styles = styles
        self._bib: dict[Path, dict[str, str]] = {}
        self._inputs: dict[Path, str | None] = {}

    def _bib_entries(self, path: Path) -> dict[str, str]:
        if path not in self._bib:
            try:
                bib = read_bibtex(path, Problems())
                self._bib[path] = {e.key: bib.strings + "\n" + e.raw for e in bib.entries}
            except PipelineError:
                self._bib[path] = {}
        return self._bib[path]

    def _input_digest(self, m: Manuscript) -> str | None:
        if m.path in self._inputs:
            return self._inputs[m.path]
        from .build import referenced_files
        from .csl import resolve_style

        h = hashlib.sha256()
        try:
            h.update(m.path.read_bytes())
            tokens = set(CITE_TOKEN.findall(m.body))
            for bib in m.bibliography:
                entries = self._bib_entries(bib)
                h.update(str(bib.resolve()).encode())
                for key in sorted(tokens & set(entries)):
                    h.update(entries[key].encode())
            h.update(resolve_style(m.csl, m.path, None).read_bytes())
            for image in referenced_files(m):
                if image.is_file():
                    h.update(image.read_bytes())
        except (OSError, PipelineError):
            self._inputs[m.path] = None
            return None
        self._inputs[m.path] = h.hexdigest()
        return self._inputs[m.path]

    def key(self, m: Manuscript, stamp: Stamp, audience: str, fmt: str,
            options: RenderOptions) -> str:
        inputs = self._input_digest(m)
        if inputs is None:
            return ""
        h = hashlib.sha256()
        for part in (CACHE_VERSION, _pipeline_digest(), self.styles_digest, inputs, audience, fmt,
                     repr(options), repr(stamp), os.environ.get("SOURCE_DATE_EPOCH", "")):
            h.update(part.encode())
            h.update(b"\0")
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def get(self, key: str) -> bytes | None:
        if not key:
            return None
        try:
            return self._path(key).read_bytes()
        except OSError:
            return None

    def put(self, key: str, data: bytes) -> None:
        if key:
            try:
                write_atomic(self._path(key), data)
            except OSError:
                pass  # a cache that cannot be written only costs time
