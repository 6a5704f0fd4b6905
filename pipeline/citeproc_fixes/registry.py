"""The registry of changes to citeproc-py and the guard on its version."""

from __future__ import annotations

from collections.abc import Callable

CITEPROC_VERSION = "0.11.1"
PATCHES: dict[str, Callable[[], None]] = {}


class CiteprocVersionError(RuntimeError):
    """The installed citeproc-py is not the release the patches were written for."""


def patch(function: Callable[[], None]) -> Callable[[], None]:
    """Register a patch under its function's name."""
    PATCHES[function.__name__] = function
    return function


def check_version() -> None:
    """Refuse a citeproc-py release other than the one the patches were written for."""
    from importlib.metadata import version

    installed = version("citeproc-py")
    if installed != CITEPROC_VERSION:
        raise CiteprocVersionError(
            f"citeproc-py {installed} is installed, but the project's changes to it "
            f"(pipeline/citeproc_fixes/) were written for {CITEPROC_VERSION}: run "
            f"'pip install citeproc-py=={CITEPROC_VERSION}' (or 'python3 bootstrap.py setup'), "
            "or check each patch against the new release and update CITEPROC_VERSION")

