"""How an exporter's field is read: under another name, left out, or said with a warning.

- Web of Science's ``Journal-ISO`` and Scopus's ``abbrev_source_title`` are
  biblatex's ``shortjournal`` (AMA and Vancouver print the abbreviation);
  an online article's number (``eid``, ``Article-Number``, ``art_number``,
  ``articleno``) stands for the pages it has not.
- A database's document type that only names the entry's kind (``Type =
  {Article}``) and a Web of Science record's ``Address`` (the publisher's
  street address) are left out.
- A template field left marked (``OPTvolume``, ``ALTauthor``) and biblatex's
  ``skipbib`` (a handout lists every entry it cites) are said.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .bibtex_tex import plain_text
from .bibtypes import (
    ARTICLE_NUMBERS,
    DATABASE_TYPES,
    ENDNOTE_TYPES,
    SHORT_JOURNALS,
    TEMPLATE_FIELDS,
    web_of_science,
)

if TYPE_CHECKING:
    from .bibtex import BibEntry

_FIELD_NAME = re.compile(r"[a-z0-9_:+-]+")


def exported_field(entry: BibEntry, name: str, value: str) -> tuple[str | None, str | None]:
    """(the name the field is read under, None to leave it out; a warning or None)."""
    message = None
    if name == "options" and {"skipbib", "dataonly"} & _true_options(value):
        message = (f"entry '{entry.key}': options '{plain_text(value)}' asks biblatex to "
                   "leave the entry out of the list; a handout lists every entry it cites")
    if name[:3] in ("opt", "alt") and name[3:] in TEMPLATE_FIELDS:
        return None, (f"entry '{entry.key}': field '{name[:3].upper()}{name[3:]}' is not read "
                      f"(an editor's template marks an unfilled field with "
                      f"'{name[:3].upper()}'; BibTeX, biber and pandoc ignore it): rename it "
                      f"'{name[3:]}'")
    if name == "type" and plain_text(value).lower() in ENDNOTE_TYPES | DATABASE_TYPES \
            or not _FIELD_NAME.fullmatch(name) \
            or name in ("address", "location") and web_of_science(entry):
        return None, message  # pandoc reads no field of such a name; a database's kind of record
    if name in ARTICLE_NUMBERS:  # an online article's e-locator stands for its pages
        first = next(n for n in ARTICLE_NUMBERS if entry.field(n))
        return (None if entry.field("pages") or name != first else "pages"), message
    if name in SHORT_JOURNALS:  # the ISO abbreviation Web of Science and Scopus give
        taken = entry.field("shortjournal") or entry.field("journalabbreviation")
        return (None if taken else "shortjournal"), message
    return name, message


def _true_options(value: str) -> set[str]:
    out = set()
    for part in plain_text(value).split(","):
        option, _, setting = part.partition("=")
        if option.strip() and (setting.strip().lower() or "true") == "true":
            out.add(option.strip().lower())
    return out
