"""Importing WeasyPrint without a search of the system for each of its libraries.

WeasyPrint loads its C libraries (GObject, Pango, HarfBuzz, fontconfig...)
by trying a list of names for each: ``libpango-1.0-0``, ``pango-1.0-0``,
``pango-1.0``, ``libpango-1.0.so.0``...  cffi hands each of the first names
to ``ctypes.util.find_library``, which on Linux runs ``ldconfig -p`` (and
``gcc`` and ``ld`` when that finds nothing) and at best answers the soname,
``libpango-1.0.so.0``: the name the list tries next, which the dynamic
linker loads directly.  That is about twenty process starts, a few tenths of
a second of every worker's start-up (and of an edited manuscript's wait for
its PDF).

:func:`import_weasyprint` imports WeasyPrint's library bindings with those
searches answering "not found" at once, on Linux only: the sonames further
down WeasyPrint's lists are then loaded, the same files the searches would
have named.  Elsewhere (macOS, Windows) the search is left as it is.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def no_library_search() -> Iterator[None]:
    """``ctypes.util.find_library`` answers None without a search, for the block's time."""
    search = ctypes.util.find_library
    ctypes.util.find_library = _not_searched
    try:
        yield
    finally:
        ctypes.util.find_library = search


def _not_searched(name: str) -> None:
    return None


def import_weasyprint() -> None:
    """Import WeasyPrint, its C libraries loaded by their sonames (see the module's text)."""
    if "weasyprint.text.ffi" in sys.modules or not sys.platform.startswith("linux"):
        import weasyprint  # already loaded, or another system: as it is

        return
    with no_library_search():
        import weasyprint.text.ffi  # the module that loads the libraries
    import weasyprint  # noqa: F401


WEASYPRINT_WRITTEN_FOR = "70."  # the WeasyPrint the pipeline's patches of its internals fit


def weasyprint_patchable() -> bool:
    """Whether the installed WeasyPrint is the one the pipeline's patches were written for."""
    import weasyprint

    return weasyprint.__version__.startswith(WEASYPRINT_WRITTEN_FOR)
