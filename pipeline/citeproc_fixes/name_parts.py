"""One personal name as CSL writes it: particles, order, name-part formatting.

The rules are CSL 1.0.2's ("Name-part Order", "Name Particles") as the
reference processor, citeproc-js, applies them; used by the ``<name>``
rendering in ``names.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# Leading lower-case words of a family name are its non-dropping particle
# ('van der Vlist', "d'Aubignac", 'al-One'); trailing lower-case words of a
# given name are its dropping particle ('Alexander von').
_LEADING_PARTICLE = re.compile(
    r"((?:[a-z\u00df-\u00ff\u2019'][^\s'\u2019\-]*?(?:['\u2019\-]\s*|\s+))+)(?=\S)(.*)", re.DOTALL)
_TRAILING_PARTICLE = re.compile(r"(.*?\S)((?:\s+[a-z\u00df-\u00ff][^\s]*)+)$", re.DOTALL)
_NON_LATIN = re.compile(r"[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\u0370-\u04ff]")
_GIVEN_SUFFIX = re.compile(r"\s*,!*\s*")
_GLUED = ("'", "\u2019", "-", "\u00a0")


@dataclass
class NameParts:
    """A name's parts after parsing particles out of family and given names."""

    given: str = ""
    family: str = ""
    dropping: str = ""
    non_dropping: str = ""
    suffix: str = ""
    comma_suffix: bool = False
    literal: str = ""

    @property
    def asian(self) -> bool:
        """A name in CJK script only: family name first, no space."""
        text = self.family + self.given
        return bool(_NON_LATIN.search(text)) and not _LATIN.search(text)


def parse(name: Any) -> NameParts:
    """The parts of a citeproc-py name, particles parsed as citeproc-js parses them."""
    get = name.get
    if get("literal"):
        return NameParts(literal=str(get("literal")))
    parts = NameParts(given=str(get("given") or ""), family=str(get("family") or ""),
                      dropping=str(get("dropping-particle") or ""),
                      non_dropping=str(get("non-dropping-particle") or ""),
                      suffix=str(get("suffix") or ""),
                      comma_suffix=bool(get("comma-suffix")))
    if get("static-ordering") or get("parse-names") is False:
        return parts
    if not parts.non_dropping:
        match = _LEADING_PARTICLE.fullmatch(parts.family)
        if match and not match.group(2)[:1].islower():
            raw = match.group(1)
            parts.non_dropping = raw.rstrip()
            if raw != parts.non_dropping and parts.non_dropping.endswith(("'", "\u2019")):
                parts.non_dropping += " "  # "de' Frinkle" keeps its space
            parts.family = match.group(2)
    if not parts.suffix:
        _split_suffix(parts)
    if not parts.dropping and parts.family:
        match = _TRAILING_PARTICLE.fullmatch(parts.given)
        if match:
            parts.given, parts.dropping = match.group(1), match.group(2).strip()
    return parts


def _split_suffix(parts: NameParts) -> None:
    """A suffix written in the given name after a comma: 'John, III', 'John,! Jr.'.

    CSL-JSON's convention, as citeproc-js reads it: ',!' marks a suffix printed
    after a comma ('John Doe, Jr.').
    """
    match = _GIVEN_SUFFIX.search(parts.given)
    if match:
        parts.suffix = parts.given[match.end():]
        parts.comma_suffix = len(re.sub(r"\s", "", match.group(0))) == 2
        parts.given = parts.given[:match.start()]


def suffix_abbreviations(suffix: str, terminator: str) -> str:
    """A name's suffix with its abbreviations ending in ``initialize-with``'s terminator.

    citeproc-js normalises the suffix as it does initials: 'Jr.' prints 'Jr' where
    initials take no period (AMA's 'Smith R Jr'), 'Jr.' where they do; 'III' is no
    abbreviation and stays.
    """
    if not suffix or not _LATIN.match(suffix):
        return suffix
    words = re.sub(r"\.(?=\S)", ". ", suffix).split()
    out = ""
    for i, word in enumerate(words):
        abbreviated = len(word) > 1 and word.endswith(".") or len(word) == 1 and word.isupper()
        if len(word) > 1 and word.endswith("."):
            word = word[:-1]
        if not abbreviated:
            out += word + ("" if i == len(words) - 1 else " ")
            continue
        last = i == len(words) - 1
        following = "" if last else (" " if not _abbreviation(words[i + 1]) else "")
        out += word + terminator.rstrip("\ufeff") + following
    return " ".join(out.split())


def _abbreviation(word: str) -> bool:
    return len(word) > 1 and word.endswith(".") or len(word) == 1 and word.isupper()


_MARK_CHARS = "".join(map(chr, range(0xE000, 0xE100)))  # formatting marks (citeproc_marks)


def glue(*pieces: str) -> str:
    """Pieces joined by spaces, except after a particle ending in an apostrophe or hyphen.

    The particle's formatting is looked through: small capitals on the family
    name ('<sc>d</sc>’Alembert') keep the particle glued, as citeproc-js prints it.
    """
    out = ""
    for piece in pieces:
        if not piece:
            continue
        seen = out.rstrip(_MARK_CHARS)
        if seen and not seen.endswith(_GLUED) and not seen[-1].isspace():
            out += " "
        out += piece
    return out


class PartFormat:
    """The ``<name-part>`` formatting of the given and family names of one ``<name>``."""

    def __init__(self, name_element: Any) -> None:
        self.parts = {part.get("name"): part
                      for part in name_element.findall("cs:name-part", name_element.nsmap)}

    def inherit(self, name_element: Any) -> None:
        """Take ``name_element``'s ``<name-part>``s for the parts this one leaves alone.

        Names standing in for others in a ``<substitute>`` (through a macro too) are
        formatted as the ``<name>`` of the names they replace says, part by part, as
        citeproc-js formats them: 'SCHMIDT, Ulrike (eds.)' where the author's family
        name is upper case and the editors' own ``<name>`` has no ``<name-part>``.
        """
        if name_element is not None:
            for part in name_element.findall("cs:name-part", name_element.nsmap):
                self.parts.setdefault(part.get("name"), part)

    def text(self, which: str, value: str) -> str:
        """``value`` with the name-part's text case and formatting (not its affixes)."""
        part = self.parts.get(which)
        if not value or part is None:
            return value
        cased = part.case(value)
        return part.format(str(cased) if cased is not None else value)

    def affixes(self, which: str, value: str) -> str:
        """``value`` inside the name-part's prefix and suffix."""
        part = self.parts.get(which)
        if not value or part is None:
            return value
        return part.get("prefix", "") + value + part.get("suffix", "")


def display(parts: NameParts, form: str, inverted: bool, demote: str, sort_separator: str,
            fmt: PartFormat) -> str:
    """One name as CSL displays it in ``form`` ('long' or 'short')."""
    if parts.literal:
        return fmt.text("family", parts.literal)
    family = fmt.text("family", parts.family)
    non_dropping = fmt.text("family", parts.non_dropping)
    if parts.asian:
        if form == "short":
            return fmt.affixes("family", family)
        return fmt.affixes("family", family) + fmt.affixes("given", fmt.text("given",
                                                                               parts.given))
    if form == "short" or not parts.given and not parts.dropping:
        block = glue(non_dropping, family)
        if form != "short":
            block = glue(fmt.text("given", parts.dropping), block)
            if parts.suffix:
                block += (", " if parts.comma_suffix else " ") + parts.suffix
        return fmt.affixes("family", block)
    given = fmt.text("given", parts.given)
    dropping = fmt.text("given", parts.dropping)
    if not family:  # a given name alone
        return fmt.affixes("given", glue(given, dropping))
    if inverted:
        if demote in ("never", "sort-only"):
            head = fmt.affixes("family", glue(non_dropping, family))
            tail = fmt.affixes("given", glue(given, dropping))
        else:
            head = fmt.affixes("family", family)
            tail = fmt.affixes("given", glue(given, dropping, non_dropping))
        return sort_separator.join(p for p in (head, tail, parts.suffix) if p)
    block = glue(parts.dropping, non_dropping, family)
    if parts.suffix:
        block += (", " if parts.comma_suffix else " ") + parts.suffix
    given = fmt.affixes("given", given)
    return given + ("" if given.endswith((" ", "\u00a0")) else " ") + fmt.affixes("family",
                                                                                 block)
