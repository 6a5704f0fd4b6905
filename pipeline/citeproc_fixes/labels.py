"""The ``citation-label`` variable: a trigraph ('Asth00') made from names and year."""

from __future__ import annotations

import re
from typing import Any

from .disambiguation import YEAR_SUFFIX
from .registry import patch
from .textcase import STOP_WORDS

# CSL 1.0.2: citation-label "may be assigned by the CSL processor based on item
# metadata".  The common form (citeproc-js's default trigraph
# 'Aaaa00:AaAa00:AaAA00:AAAA00'): the first letters of the first four family
# names, as many as there are names (4; 2 + 2; 2 + 1 + 1; 1 + 1 + 1 + 1), then
# the last two digits of the year ('00' without one).
LETTERS_PER_NAME = ((4,), (2, 2), (2, 1, 1), (1, 1, 1, 1))
YEAR_DIGITS = 2
# the name variables looked at, in this order: the first one the item has is used
LABEL_NAMES = ("author", "chair", "collection_editor", "compiler", "composer",
               "container_author", "contributor", "curator", "director", "editor",
               "editor_translator", "editorial_director", "executive_producer", "guest",
               "host", "illustrator", "interviewer", "narrator", "organizer",
               "original_author", "performer", "producer", "recipient", "reviewed_author",
               "script_writer", "series_creator", "translator")
_PARTICLES = re.compile(r"^[ '\u2019a-z]+\s+")  # 'von Dipheria': 'Dipheria'
_ARTICLE = re.compile(r"^(?:a|an|the)\s+", re.IGNORECASE)
_NOT_LETTER = re.compile(r"[^A-Za-z\u00c0-\u017f\u0218-\u021b\u0370-\u03ff\u0400-\u052f"
                         r"\u0590-\u05d4\u05d6-\u05ff\u0600-\u06ff\u0e01-\u0e5b\u1f00-\u1fff]")
_MARKS = re.compile("[\ue000-\uf8ff]")  # the project's formatting marks


def _piece(text: str, letters: int) -> str:
    piece = text[:letters]
    return piece[:1].upper() + piece[1:].lower()


def _names_part(reference: Any) -> str:
    for variable in LABEL_NAMES:
        names = reference.get(variable)
        if not isinstance(names, list) or not names:
            continue
        counts = LETTERS_PER_NAME[min(len(names), len(LETTERS_PER_NAME)) - 1]
        label = ""
        for name, letters in zip(names, counts, strict=False):
            family = str(name.get("family") or "") if hasattr(name, "get") else ""
            text = _PARTICLES.sub("", family) if family else \
                str(name.get("literal") or "") if hasattr(name, "get") else ""
            text = _NOT_LETTER.sub("", _ARTICLE.sub("", _MARKS.sub("", text)))
            if not text:
                break
            label += _piece(text, letters)
        return label
    return ""


def _year(reference: Any) -> str:
    issued = reference.get("issued")
    if hasattr(issued, "get") and issued.get("begin") is not None:
        issued = issued.get("begin")
    year = issued.get("year") if hasattr(issued, "get") else None
    return str(year if year is not None else "0000")[-YEAR_DIGITS:]


def citation_label(reference: Any) -> str:
    """The item's trigraph label: names (or the title's first words) and the year."""
    label = _names_part(reference)
    if not label and reference.get("title"):
        words = [w for w in _MARKS.sub("", str(reference.get("title"))).split()
                 if w.lower() not in STOP_WORDS]
        label = _piece("".join(words), LETTERS_PER_NAME[0][0])
    return label + _year(reference)


@patch
def generated_citation_label() -> None:
    """``citation-label`` is made from the item's names and year when the data has none.

    CSL 1.0.2 lets the processor assign the label of label styles ('Asth00');
    citeproc-py reads it only from the data and prints nothing otherwise.  A
    label, given or made, takes the item's year suffix ('Asth00a'), and a
    style that prints the label takes no implicit year suffix after its dates.
    A sort key on ``citation-label`` sorts by the same label.
    Fixtures: disambiguate_CitationLabelDefault, disambiguate_CitationLabelInData,
    disambiguate_Trigraph, magic_CitationLabelInBibliography,
    magic_CitationLabelInCitation.
    """
    from citeproc import model

    original_variable = model.Text._variable

    def variable(self: Any, item: Any, context: Any) -> Any:
        if self.get("variable") != "citation-label":
            return original_variable(self, item, context)
        repressed = (context if context is not None else self).get_layout().repressed
        if "citation-label" in repressed.get(self.tag, ()):
            return None
        reference = item.reference
        label = reference.get("citation_label") or citation_label(reference)
        return str(label) + str(reference.get(YEAR_SUFFIX) or "")

    original_keys = model.Key.sort_keys

    def sort_keys(self: Any, items: list[Any], context: Any) -> list[Any]:
        if self.get("variable") != "citation-label":
            return original_keys(self, items, context)
        return [item.reference.get("citation_label") or citation_label(item.reference)
                for item in items]

    model.Text._variable = variable
    model.Key.sort_keys = sort_keys
