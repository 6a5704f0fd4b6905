"""The one place where pydyf, WeasyPrint's PDF writer, is made faster, with the same bytes.

Each patch is installed once a process by :func:`install`, only for the
pydyf release it was written for (another release is left as it is: slower,
never wrong), and checked byte for byte against the unpatched writer by
``tests/test_pdf_speed.py``; :func:`unpatched` sets them aside for a block.

``objects_written_once``: with a file identifier, ``PDF.write``
writes every object (``indirect``/``data``: each stream compressed at level
9) and then writes them all a second time to hash them into the identifier.
Nothing changes an object between the two, so each object in the file
remembers its bytes for the length of the write and the hash reads them.

``page_references_once``: ``PDF.page_references`` builds the tuple of
every page's reference each time it is read, and WeasyPrint's tagging reads
it once per tagged element; the tuple is kept until the page tree changes.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Any

PYDYF_WRITTEN_FOR = "0.13.0"


@functools.cache
def install() -> bool:
    """Install every patch whose library has the release it was written for (once)."""
    try:
        import pydyf
    except ImportError:  # pragma: no cover - a dependency of WeasyPrint
        return False
    if pydyf.__version__ != PYDYF_WRITTEN_FOR:
        return False
    objects_written_once(pydyf)
    page_references_once(pydyf)
    return True


@contextlib.contextmanager
def unpatched() -> Iterator[None]:
    """pydyf as released while the block runs (WeasyPrint alone, as a benchmark's floor)."""
    import pydyf

    write, references = pydyf.PDF.write, pydyf.PDF.page_references
    if getattr(write, "written_once", False):
        pydyf.PDF.write = write.__wrapped__
    if getattr(references.fget, "kept", False):
        pydyf.PDF.page_references = property(references.fget.original)
    try:
        yield
    finally:
        pydyf.PDF.write, pydyf.PDF.page_references = write, references


# ---------------------------------------------------------------- objects_written_once

@functools.cache
def _remembering(cls: type) -> type:
    """``cls`` whose ``data`` is computed once and then read back."""
    compute = cls.data.fget

    def data(self: Any) -> bytes:
        found = self.__dict__.get("_written")
        if found is None:
            found = self.__dict__["_written"] = compute(self)
        return found

    return type(cls.__name__, (cls,), {"data": property(data), "__module__": cls.__module__,
                                       "__qualname__": cls.__qualname__})


def _remember(objects: list) -> list[tuple[Any, type]]:
    """Give each object of the file a remembering class; (object, its class) to undo it."""
    swapped = []
    for obj in objects:
        cls = type(obj)
        if isinstance(getattr(cls, "data", None), property):
            obj.__class__ = _remembering(cls)
            swapped.append((obj, cls))
    return swapped


def objects_written_once(pydyf: Any) -> None:
    """``PDF.write`` computes each object's bytes once (see the module's docstring)."""
    original = pydyf.PDF.write
    if getattr(original, "written_once", False):
        return

    @functools.wraps(original)
    def write(self: Any, output: Any, version: Any = b"1.7", identifier: Any = False,
              compress: bool = False) -> Any:
        if identifier is False:
            return original(self, output, version, identifier, compress)
        swapped = _remember(self.objects)
        add_object = self.add_object

        def add_remembered(obj: Any) -> None:  # the object and cross-reference streams
            add_object(obj)
            swapped.extend(_remember([obj]))

        self.add_object = add_remembered
        try:
            return original(self, output, version, identifier, compress)
        finally:
            del self.add_object
            for obj, cls in swapped:
                obj.__class__ = cls
                obj.__dict__.pop("_written", None)

    write.written_once = True  # type: ignore[attr-defined]
    pydyf.PDF.write = write


# ---------------------------------------------------------------- page_references_once

def page_references_once(pydyf: Any) -> None:
    """``PDF.page_references`` is built again only when the page tree has changed."""
    original = pydyf.PDF.page_references
    if getattr(original.fget, "kept", False):
        return
    build = original.fget

    def page_references(self: Any) -> tuple:
        kids = self.pages["Kids"]
        key = (id(kids), len(kids))
        kept = self.__dict__.get("_page_references")
        if kept is None or kept[0] != key:
            kept = self.__dict__["_page_references"] = (key, build(self))
        return kept[1]

    page_references.kept = True  # type: ignore[attr-defined]
    page_references.original = build  # type: ignore[attr-defined]
    pydyf.PDF.page_references = property(page_references)
