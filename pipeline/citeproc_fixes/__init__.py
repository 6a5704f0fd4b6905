"""Every change the project makes to citeproc-py, one named patch per CSL feature.

citeproc-py is the citation engine; where it lacks a CSL feature or gets one
wrong, the fix lives in this package and nowhere else, one module per area
of CSL (names, dates, text case, sorting, ...).  Each patch says what CSL
asks for, what citeproc-py does instead, and which fixtures of the CSL test
suite (``invoke csl-suite``) it makes pass.  The patches were written against
one citeproc-py release, :data:`CITEPROC_VERSION`; :func:`apply` refuses any
other release rather than misbehave silently.

A new fix goes into the module of its area, under ``@patch``.  The modules'
patches are installed in the order of :data:`ORDER`: where two patches wrap
the same citeproc-py method, the later one wraps the earlier (cite modes
around substitutes, date sort keys around group tracking).
"""

from __future__ import annotations

import importlib

from .registry import CITEPROC_VERSION, PATCHES, CiteprocVersionError, check_version

__all__ = ["CITEPROC_VERSION", "ORDER", "PATCHES", "CiteprocVersionError", "apply",
           "check_version"]

# Modules are imported by apply(): the version check at start needs none of them.
ORDER = ("substitute", "variables", "pages", "dates", "names", "cluster", "positions",
         "disambiguation", "labels", "groups", "textcase", "formatting", "display",
         "punctuation", "sorting", "numbers", "terms", "speed")
_applied = False


def apply() -> None:
    """Install every patch once, module by module (after checking citeproc-py's version)."""
    global _applied
    if _applied:
        return
    check_version()
    modules = [importlib.import_module(f"{__name__}.{name}") for name in ORDER]
    rank = {module.__name__: index for index, module in enumerate(modules)}
    unknown = sorted({f.__module__ for f in PATCHES.values()} - set(rank))
    if unknown:
        raise RuntimeError(f"citeproc patches in modules missing from ORDER: {unknown}")
    for install in sorted(PATCHES.values(), key=lambda f: rank[f.__module__]):
        install()
    _applied = True
