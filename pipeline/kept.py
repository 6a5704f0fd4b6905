"""The cache folder a store keeps its files in while a block runs.

The syllable table and the formula drawings live beside the render cache; a
build, a worker's job or a single-manuscript run names that folder for the
duration of its work (``with store.kept_in(folder):``), and the store reads
it with :meth:`KeptIn.folder`.  Blocks nest: the innermost folder is used;
``None`` (a build without the cache) leaves the store without one.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path


class KeptIn:
    """A stack of the folders named by the blocks that are running."""

    def __init__(self, sub: str = "") -> None:
        self._folders: list[Path] = []
        self._sub = sub  # a folder of the cache's own, if the store has one

    @contextlib.contextmanager
    def __call__(self, cache_folder: Path | None) -> Iterator[None]:
        """Within the block, the store reads from and writes to ``cache_folder``."""
        if cache_folder is None:
            yield
            return
        self._folders.append(cache_folder / self._sub if self._sub else cache_folder)
        try:
            yield
        finally:
            self._folders.pop()

    def folder(self) -> Path | None:
        """The folder of the innermost running block, if any named one."""
        return self._folders[-1] if self._folders else None
