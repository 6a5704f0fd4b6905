"""The registry of changes to citeproc-py and the guard on its version."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

CITEPROC_VERSION = "0.11.1"
PATCHES: dict[str, Callable[[], None]] = {}


class CiteprocVersionError(RuntimeError):
    """The installed citeproc-py is not the release the patches were written for."""


def patch(function: Callable[[], None]) -> Callable[[], None]:
    """Register a patch under its function's name."""
    PATCHES[function.__name__] = function
    return function


def printed_children(element: Any, item: Any, delimiter: str = "",
                     **kwargs: Any) -> Iterator[Any]:
    """Each child of ``element`` that prints, rendered as citeproc-py renders them (a
    ``<choose>`` with the parent's delimiter); one whose variable is missing is skipped."""
    from citeproc import model

    for child in element.iterchildren():
        try:
            if isinstance(child, model.Choose):
                text = child.render(item, delimiter=delimiter, **kwargs)
            else:
                text = child.render(item, **kwargs)
        except model.VariableError:
            continue
        if text is not None and str(text):
            yield text


def installed_version() -> str | None:
    """citeproc-py's installed release, from the name of its metadata folder beside it.

    Found without importing citeproc-py or ``importlib.metadata`` (together
    more than the whole of a build where nothing changed);
    ``importlib.metadata`` answers when there is no such folder.
    """
    import importlib.util
    import os

    spec = importlib.util.find_spec("citeproc")
    if spec is not None and spec.origin:
        folder = os.path.dirname(os.path.dirname(spec.origin))
        try:
            found = [name for name in os.listdir(folder)
                     if name.startswith("citeproc_py-") and name.endswith(".dist-info")]
        except OSError:
            found = []
        if len(found) == 1:
            return found[0].removeprefix("citeproc_py-").removesuffix(".dist-info")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("citeproc-py")
    except PackageNotFoundError:
        return None


def check_version() -> None:
    """Refuse a citeproc-py release other than the one the patches were written for."""
    installed = installed_version()
    if installed != CITEPROC_VERSION:
        raise CiteprocVersionError(
            f"citeproc-py {installed} is installed, but the project's changes to it "
            f"(pipeline/citeproc_fixes/) were written for {CITEPROC_VERSION}: run "
            f"'pip install citeproc-py=={CITEPROC_VERSION}' (or 'python3 bootstrap.py setup'), "
            "or check each patch against the new release and update CITEPROC_VERSION")

