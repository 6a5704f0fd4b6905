"""TeX commands whose text a reference loses: a warning at the field's line.

pandoc's BibTeX reader drops a command it does not know together with its
argument (``\\ce{H2O}``, ``\\hl{new}``, ``\\mycommand{Word}``), so a title
can lose a word without a word said.  After conversion, each braced argument
of a command in a printed field is looked for in the item's text; one that
is nowhere is reported, with the command, so the author can write the text
plainly.  A few commands are rewritten first (:func:`keep_text`), as their
argument is the text: colour and highlighting, a language switch.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

# fields whose text reaches the reference list
PRINTED = frozenset({"journal", "journaltitle", "booktitle", "maintitle", "series", "publisher",
                     "institution", "organization", "school", "howpublished", "note",
                     "edition", "venue", "location", "address", "type", "version", "chapter",
                     "part", "addendum", "titleaddon", "eventtitle", "issuetitle", "subtitle"})
# commands whose argument is a key, a length or a colour, never text
_NOT_TEXT = frozenset({"cite", "citep", "citet", "citeauthor", "citeyear", "parencite",
                       "textcite", "ref", "eqref", "label", "pageref", "nocite", "hspace",
                       "vspace", "kern", "rule", "phantom", "hphantom", "vphantom", "color",
                       "selectlanguage", "setlength", "includegraphics"})
_COMMAND = re.compile(r"\\([A-Za-z]+)\*?\s*(?:\[[^\]]*\])?\{([^{}\\$]*)\}")
# commands whose last argument is their text, pandoc dropping it: the text kept as a group
_KEEP_LAST = re.compile(r"\\(?:textcolor|colorbox|foreignlanguage)\s*(?:\[[^\]]*\])?"
                        r"\{[^{}]*\}\s*(?=\{)")
_KEEP_ONLY = re.compile(r"\\(?:hl|highlight)\s*(?=\{)")
# text symbols pandoc's reader drops
SYMBOLS = {"texttrademark": "\u2122", "textservicemark": "\u2120"}
_SYMBOLS = re.compile(r"\\(" + "|".join(SYMBOLS) + r")(?![A-Za-z])(?:\{\})?")


def keep_text(value: str) -> str:
    """``\\textcolor{red}{Red}``, ``\\hl{new}``, ``\\foreignlanguage{german}{Schmerz}``: the text."""
    if "\\" not in value:
        return value
    value = _SYMBOLS.sub(lambda m: SYMBOLS[m.group(1)], value)
    return _KEEP_ONLY.sub("", _KEEP_LAST.sub("", value))


def _plain(text: str) -> str:
    """Text compared without case and accents: ``\\v{s}`` is found in 'š'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def lost_text(key: str, fields: Iterable[tuple[str, str, int]],
              item: dict[str, Any]) -> list[tuple[int, str]]:
    """(line, warning) for each command argument in a printed field the item does not hold."""
    found: list[tuple[int, str]] = []
    printed: str | None = None
    for name, value, line in fields:
        if "\\" not in value or not (name.endswith("title") or name in PRINTED):
            continue
        for m in _COMMAND.finditer(keep_text(value)):
            command, argument = m.group(1), _plain(m.group(2).replace("~", " "))
            if command in _NOT_TEXT or not re.search(r"\w", argument):
                continue
            if printed is None:
                printed = _plain(" ".join(re.sub(r"<[^>]+>", "", v) for v in item.values()
                                          if isinstance(v, str)))
            if argument not in printed:
                found.append((line, (f"entry '{key}': field '{name}' has '{m.group(0)}', a "
                                     f"command the reader does not know, so '{m.group(2)}' is "
                                     "left out: write the text without the command")))
    return found
