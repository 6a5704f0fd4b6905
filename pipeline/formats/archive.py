"""The EPUB archive, written reproducibly, with its fonts compressed once per process.

Every book embeds the project's fonts (about 1.5 MB).  pandoc would read and
compress them for each book, and the archive, rewritten with fixed
timestamps, would compress them again.  Instead pandoc embeds empty stand-ins
of the same names (:func:`stand_ins`: the package document lists them as it
lists the real files), and :func:`write_archive` puts each font's bytes in
their place, compressed once per process and kept (:func:`deflated`).  The
archive's bytes are the same as compressing each font there would give.
"""

from __future__ import annotations

import datetime as dt
import functools
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path


def stand_ins(fonts: Sequence[Path], folder: Path) -> dict[str, Path]:
    """An empty file in ``folder`` for each font, by file name; none when two names clash."""
    names = [font.name for font in fonts]
    if len(set(names)) != len(names):
        return {}
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for name in names:
        (folder / name).write_bytes(b"")
        out[name] = folder / name
    return out


def deflated(path: Path) -> tuple[bytes, bytes]:
    """(bytes, raw deflate stream as ``zipfile`` writes it) of a file, kept while unchanged."""
    stat = path.stat()
    return _deflated(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=32)
def _deflated(path: Path, _mtime: int, _size: int) -> tuple[bytes, bytes]:
    data = path.read_bytes()
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return data, compressor.compress(data) + compressor.flush()


class _Ready:
    """A compressor whose output was computed before: ``zipfile`` writes it as it is."""

    def __init__(self, stream: bytes):
        self.stream = stream

    def compress(self, _data: bytes) -> bytes:
        stream, self.stream = self.stream, b""
        return stream

    def flush(self) -> bytes:
        return b""


def write_archive(files: dict[str, bytes], stamp: dt.datetime,
                  fonts: Mapping[str, Path] | None = None) -> bytes:
    """An EPUB archive of ``files``: ``mimetype`` first and stored, then META-INF, then the
    rest by name, all with the time of ``stamp``; an empty file named as one of ``fonts``
    (file name -> path) holds that font."""
    import io

    fonts = fonts or {}
    out = io.BytesIO()
    date_time = (max(stamp.year, 1980), stamp.month, stamp.day, 0, 0, 0)
    with zipfile.ZipFile(out, "w") as target:
        info = zipfile.ZipInfo("mimetype", date_time)
        info.compress_type = zipfile.ZIP_STORED
        target.writestr(info, files.pop("mimetype"))
        for name in sorted(files, key=lambda n: (not n.startswith("META-INF/"), n)):
            info = zipfile.ZipInfo(name, date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            font = fonts.get(name.rsplit("/", 1)[-1]) if not files[name] else None
            if font is None:
                target.writestr(info, files[name])
                continue
            data, stream = deflated(font)
            info.file_size = len(data)  # as writestr sets it
            with target.open(info, "w") as entry:
                entry._compressor = _Ready(stream)  # type: ignore[attr-defined]
                entry.write(data)
    return out.getvalue()
