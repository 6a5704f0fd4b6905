"""The render cache's index: what each entry holds, when it was last used, how big it is.

One SQLite file (``index.sqlite`` in the cache folder) maps a cache key to
the sha256 and size of the output it stands for and the warnings found
making it.  A build that finds an output already in its folder with that
checksum (per the manifest) takes it as is: the entry is neither read nor
hashed.  The index also keeps the cache bounded: every entry's size and last
use are recorded, and :meth:`CacheIndex.evict` drops the least recently used
entries until the total fits the limit.  An evicted entry's row stays (a
small, fixed cost counted in the total) so outputs still in their folder
stay current; rows go too when only rows are left over the limit.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem

ROW_BYTES = 512  # what a row costs, counted against the limit
SCHEMA = """
create table if not exists entries (
  key text primary key,
  sha256 text not null,
  size integer not null,
  stored integer not null,
  problems text not null,
  used real not null
);
create index if not exists entries_used on entries (used);
create table if not exists plans (
  source text primary key,
  files text not null,
  fingerprint text not null,
  data blob not null
);
"""


@dataclass(frozen=True)
class IndexEntry:
    """What the index knows of one cache key."""

    sha256: str
    size: int
    stored: int  # bytes of the entry file; 0 once evicted
    problems: tuple[Problem, ...]


class CacheIndex:
    """Opened on first use; every failure reads as an empty index (the cache is optional)."""

    def __init__(self, folder: Path):
        self.path = folder / "index.sqlite"
        self._db: sqlite3.Connection | None = None
        self._used: set[str] = set()
        self.renewed = ""  # why a damaged index was replaced by a new one, if it was

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is None:
            try:
                self._db = self._open()
            except sqlite3.OperationalError:  # locked, or no room: this build goes without
                return None
            except sqlite3.DatabaseError as exc:  # not a database, or torn by a killed build
                # Left alone it would cost every later build all of its renders, silently.
                self.renewed = str(exc)
                for name in ("index.sqlite", "index.sqlite-wal", "index.sqlite-shm"):
                    try:
                        (self.path.parent / name).unlink(missing_ok=True)
                    except OSError:
                        return None
                try:
                    self._db = self._open()
                except sqlite3.Error:
                    return None
            except sqlite3.Error:
                return None
        return self._db

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            db.execute("pragma journal_mode=wal")
            db.execute("pragma synchronous=off")  # a lost row is a cache miss
            db.executescript(SCHEMA)
        except sqlite3.Error:
            db.close()
            raise
        return db

    def lookup(self, keys: Iterable[str]) -> dict[str, IndexEntry]:
        """The rows of ``keys`` that exist."""
        db = self._connect()
        wanted = [k for k in keys if k]
        found: dict[str, IndexEntry] = {}
        if db is None:
            return found
        try:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                rows = db.execute("select key, sha256, size, stored, problems from entries "
                                  f"where key in ({','.join('?' * len(chunk))})", chunk)
                for key, sha, size, stored, problems in rows:
                    found[key] = IndexEntry(sha, size, stored, tuple(
                        Problem(*fields) for fields in json.loads(problems)))
        except (sqlite3.Error, ValueError, TypeError):
            return {}
        return found

    def record(self, key: str, sha256: str, size: int, stored: int,
               problems: Iterable[Problem]) -> None:
        """Remember a new entry (or a new version of one)."""
        db = self._connect()
        if db is None:
            return
        text = json.dumps([[p.path, p.line, p.message, p.severity, p.code, p.counts]
                           for p in problems])
        try:
            db.execute("insert or replace into entries values (?, ?, ?, ?, ?, ?)",
                       (key, sha256, size, stored, text, time.time()))
        except sqlite3.Error:
            pass

    def mark_used(self, key: str) -> None:
        """Count ``key`` as used by this build (written at :meth:`flush`)."""
        if key:
            self._used.add(key)

    def forget(self, key: str) -> None:
        db = self._connect()
        if db is not None:
            try:
                db.execute("delete from entries where key = ?", (key,))
            except sqlite3.Error:
                pass

    def flush(self) -> None:
        """Write this build's uses in one transaction."""
        db = self._connect()
        if db is None or not self._used:
            return
        now = time.time()
        try:
            with db:
                db.execute("begin")
                db.executemany("update entries set used = ? where key = ?",
                               [(now, key) for key in sorted(self._used)])
        except sqlite3.Error:
            return
        self._used.clear()

    def total(self) -> int:
        """Bytes the cache counts: entry files plus a fixed cost per row."""
        db = self._connect()
        if db is None:
            return 0
        try:
            stored, rows = db.execute("select coalesce(sum(stored), 0), count(*) "
                                      "from entries").fetchone()
        except sqlite3.Error:
            return 0
        return int(stored) + ROW_BYTES * int(rows)

    def evict(self, limit: int, remove: Callable[[str], None]) -> int:
        """Drop least recently used entries until the total fits ``limit``; bytes freed.

        ``remove(key)`` deletes an entry's file.  Files go first, oldest use
        first; rows go only when rows alone are over the limit.
        """
        self.flush()
        db = self._connect()
        total = self.total()
        if db is None or total <= limit:
            return 0
        freed = 0
        try:
            victims = db.execute("select key, stored from entries where stored > 0 "
                                 "order by used, key").fetchall()
            emptied = []
            for key, stored in victims:
                if total - freed <= limit:
                    break
                remove(key)
                emptied.append((key,))
                freed += stored
            rows: list[tuple[str]] = []
            if total - freed > limit:
                for (key,) in db.execute("select key from entries order by used, key"):
                    if total - freed <= limit:
                        break
                    rows.append((key,))
                    freed += ROW_BYTES
            with db:
                db.execute("begin")
                db.executemany("update entries set stored = 0 where key = ?", emptied)
                db.executemany("delete from entries where key = ?", rows)
        except sqlite3.Error:
            pass
        return freed

    def plans(self, sources: list[str]) -> dict[str, tuple[str, str, bytes]]:
        """(watched files, fingerprint, pickled plan) remembered for each of ``sources``."""
        db = self._connect()
        found: dict[str, tuple[str, str, bytes]] = {}
        if db is None:
            return found
        try:
            for start in range(0, len(sources), 500):
                chunk = sources[start:start + 500]
                for source, files, fingerprint, data in db.execute(
                        "select source, files, fingerprint, data from plans where source in "
                        f"({','.join('?' * len(chunk))})", chunk):
                    found[source] = files, fingerprint, bytes(data)
        except sqlite3.Error:
            return {}
        return found

    def record_plans(self, rows: Iterable[tuple[str, str, str, bytes]]) -> None:
        """Remember plans: (source, watched files, fingerprint, pickled plan), in one go."""
        db = self._connect()
        if db is None:
            return
        try:
            with db:
                db.execute("begin")
                db.executemany("insert or replace into plans values (?, ?, ?, ?)", rows)
        except sqlite3.Error:
            pass

    def close(self) -> None:
        if self._db is not None:
            self.flush()
            self._db.close()
            self._db = None
