"""Every change the project makes to citeproc-py, one named patch per CSL feature.

citeproc-py is the citation engine; where it lacks a CSL feature or gets one
wrong, the fix lives here and nowhere else.  Each patch says what CSL asks
for, what citeproc-py does instead, and which fixtures of the CSL test suite
(``invoke csl-suite``) it makes pass.  The patches were written against one
citeproc-py release, :data:`CITEPROC_VERSION`; :func:`apply` refuses any other
release rather than misbehave silently.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CITEPROC_VERSION = "0.11.1"
PATCHES: dict[str, Callable[[], None]] = {}
_applied = False


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
            f"(pipeline/citeproc_patches.py) were written for {CITEPROC_VERSION}: run "
            f"'pip install citeproc-py=={CITEPROC_VERSION}' (or 'python3 bootstrap.py setup'), "
            "or check each patch against the new release and update CITEPROC_VERSION")


def apply() -> None:
    """Install every patch once (after checking citeproc-py's version)."""
    global _applied
    if _applied:
        return
    check_version()
    for install in PATCHES.values():
        install()
    _applied = True


# -- substitute ------------------------------------------------------------


def _macro_variables(element: Any) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for el in element.iter():
        if not isinstance(el.tag, str):
            continue
        for variable in (el.get("variable") or "").split():
            found.append((el.tag, variable))
        if el is not element and el.get("macro"):
            found.extend(_macro_variables(el.get_macro(el.get("macro"))))
    return found


@patch
def substitute_suppresses_macro_variables() -> None:
    """CSL: a variable used as a substitute is suppressed in the rest of the entry.

    citeproc-py only does this for a plain variable, not for the variables of a
    macro (AMA's title substitute), and prints the title twice for entries
    without author.
    """
    from citeproc import model

    def add_to_repressed_list(self: Any, child: Any, context: Any) -> None:
        layout = context.get_layout()
        pairs = (_macro_variables(child.get_macro(child.get("macro"))) if child.get("macro")
                 else [(child.tag, v) for v in (child.get("variable") or "").split()])
        for tag, variable in pairs:
            layout.repressed.setdefault(tag, []).append(variable)

    model.Substitute.add_to_repressed_list = add_to_repressed_list


# -- variables ---------------------------------------------------------------

# CSL 1.0.2 variables citeproc-py 0.11 does not know: a name variable it does
# not know is kept as a string and crashes <names> ("'String' object has no
# attribute 'parts'"); any unknown variable is a warning on every reference.
CSL_102_NAMES = ["chair", "compiler", "contributor", "curator", "director",
                 "editor_translator", "executive_producer", "guest", "host", "narrator",
                 "organizer", "performer", "producer", "reviewed_author", "script_writer",
                 "series_creator"]
CSL_102_DATES = ["available_date"]
CSL_102_NUMBERS = ["chapter_number", "citation_number", "collection_number", "part_number",
                   "printing_number", "supplement_number"]
CSL_102_VARIABLES = ["archive_collection", "container_title_short", "division",
                     "event_title", "part_title", "reviewed_genre", "reviewed_title",
                     "volume_title", "issued_title", "title_short", "PMCID", "PMID"]


@patch
def csl_102_variables() -> None:
    """CSL 1.0.2's name, date and number variables are known variables.

    citeproc-py 0.11 knows only CSL 1.0's variables: a ``director`` (a video),
    ``compiler`` or ``chair`` is read as plain text, and a style that lists it in
    ``<names>`` (APA does) raises ``AttributeError``.  The lists are extended in
    place, since citeproc-py's modules hold references to them.
    """
    import citeproc

    for known, extra in ((citeproc.NAMES, CSL_102_NAMES), (citeproc.DATES, CSL_102_DATES),
                         (citeproc.NUMBERS, CSL_102_NUMBERS)):
        known.extend(v for v in extra if v not in known)
    citeproc.VARIABLES.extend(v for v in CSL_102_NAMES + CSL_102_DATES + CSL_102_NUMBERS
                              + CSL_102_VARIABLES if v not in citeproc.VARIABLES)
