"""CSL 1.0.2's variables, and hyphenated variable names, known to citeproc-py."""

from __future__ import annotations

from typing import Any

from .registry import patch

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


@patch
def hyphenated_variable_names() -> None:
    """A reference answers for ``container-author`` as for ``container_author``.

    citeproc-py stores variables with underscores but ``<names>`` looks its
    roles up as the style spells them, so no hyphenated name variable
    (container-author, collection-editor, original-author, ...) was ever
    printed: APA's 'In T. Reid, Managing chronic pain' lost its author.
    """
    from citeproc.source import Reference, VariableError

    def contains(self: Any, key: object) -> bool:
        return dict.__contains__(self, key.replace("-", "_") if isinstance(key, str) else key)

    def getitem(self: Any, key: str) -> Any:
        try:
            return dict.__getitem__(self, key.replace("-", "_"))
        except KeyError:  # as citeproc-py's records answer for a missing variable
            raise VariableError from None

    def get(self: Any, key: str, default: Any = None) -> Any:
        return dict.get(self, key.replace("-", "_"), default)

    Reference.__contains__ = contains
    Reference.__getitem__ = getitem
    Reference.get = get
