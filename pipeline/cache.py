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

Computing a key (its parts are found in ``cache_keys.py``; where the cache lives
and its size limit in ``cache_folder.py``) needs neither pandoc nor WeasyPrint, so a build where nothing
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
import hashlib
import json
import os
import secrets
import time
from collections.abc import Callable
from pathlib import Path

from .cache_folder import DRAWINGS_SHARE, default_max
from .cache_index import CacheIndex, IndexEntry
from .cache_keys import (
    ALIASES,
    CITE_TOKEN,
    INHERITS,
    bib_entry_texts,
    environment_digest,
    environment_fingerprint,
    referenced_files,
    tree_digest,
    tree_fingerprint,
)
from .errors import WARNING, PipelineError, Problem, display_path
from .includes import source_digest
from .model import HardSentence, Manuscript, Readability, RenderOptions, Stamp

CACHE_VERSION = "2"
DIGEST_SIZE = 32


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
        """One warning when entries could not be kept, or the index was damaged and replaced:
        the build is whole, the next slower."""
        found = []
        if self.index.renewed:
            found.append(Problem(
                display_path(self.index.path), None,
                f"the render cache's index was damaged ({self.index.renewed}), as a killed "
                "build or a copy cut short leaves it: a new one was started; the outputs are "
                "whole", severity=WARNING, code="cache-renewed", counts=False))
        if not self.unwritten:
            return found
        reason = self.unwritten[0].strerror or str(self.unwritten[0])
        count = len(self.unwritten)
        return [*found, Problem(display_path(self.folder), None,
                        f"the render cache could not keep {count} render(s): {reason}; the "
                        f"outputs are whole, later builds render them again (free space, set "
                        f"HANDOUT_CACHE_DIR to another folder or use --no-cache)",
                        severity=WARNING, code="cache-unwritten", counts=False)]


def _reading_to_json(reading: Readability | None) -> dict | None:
    if reading is None:
        return None
    return {**reading.__dict__, "hardest": [list(h.__dict__.values()) for h in reading.hardest]}


def _reading_from_json(data: dict | None) -> Readability | None:
    if data is None:
        return None
    return Readability(**{**data, "hardest": tuple(HardSentence(*h) for h in data["hardest"])})
