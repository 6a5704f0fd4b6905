"""CSL items as pandoc's readers give them, made ready for citeproc-py: names and fields.

Names: BibTeX's "and others" is et al.; a particle is printed before the
family name ("van der Berg A", as NLM and AMA write it; each style decides
on demotion), and with ``useprefix`` or a braced family name (``{van der
Berg}``) it is part of the family name; initials written together
(``Axford, ME``) keep every initial.  Fields: DOIs written as links are bare,
nocase marks become ``<span class="nocase">``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .bibtex_tex import NOCASE_OPEN, compose, nocase_spans

_OPEN_PAGES = re.compile(r"^\s*([^\s\u2013\u2014-]+)\s*[-\u2013\u2014]+\s*$")
_NICKNAME = re.compile("^(.*\\S)\\s+([\"\u201c][^\"\u201d]+[\"\u201d])$")
_OTHERS = frozenset({"others", "et al", "et alii", "etal", "", "…"})
_INITIALS = re.compile(r"^[^\W\d_a-z]{2,3}$")


def read_names(item: dict[str, Any], written: Iterable[str], useprefix: bool) -> dict[str, Any]:
    """``item`` with every name list made ready; ``written``: its name fields as in the file."""
    written = list(written)
    # A family name in braces is one unit ({van der Berg}, Anke): no particle split off
    braced = {g for value in written for g in _BRACED.findall(value)}
    # a given name in braces ({UK} Biobank) is a word, not initials
    braced_words = {g for value in written for g in _BRACED_WORD.findall(value)}
    for key, value in list(item.items()):
        if isinstance(value, list) and value and isinstance(value[0], dict) \
                and "date-parts" not in value[0]:
            item[key] = [_name(n, useprefix or _whole(n, braced),
                               n.get("given") in braced_words) for n in value]
    return item


def _name(name: dict[str, Any], useprefix: bool, word: bool = False) -> dict[str, Any]:
    name = {k: compose(v) if isinstance(v, str) else v for k, v in name.items()}
    whole = " ".join(str(name.get(k, "")) for k in ("literal", "non-dropping-particle",
                                                    "dropping-particle", "family", "given"))
    # BibTeX's "and others"; exports also write "and et al." or "and ...".
    others = " ".join(whole.lower().replace(".", " ").split())
    if others in _OTHERS and (others or "." in whole):
        return {"literal": "et al."}
    # The von part is printed before the family name ("van der Berg A"); each
    # style decides whether to demote it (CSL's non-dropping particle).
    if "dropping-particle" in name and "non-dropping-particle" not in name \
            and not _QUOTED.match(str(name["dropping-particle"])):  # Jim "Bo" Lee: a nickname
        name["non-dropping-particle"] = name.pop("dropping-particle")
    if useprefix and name.get("non-dropping-particle") and name.get("family"):
        particle = name.pop("non-dropping-particle")
        joined = particle.endswith(("'", "\u2019", "-"))  # d’Aubignac, al-Khatib: no space
        name["family"] = f"{particle}{'' if joined else ' '}{name['family']}"
    nickname = _NICKNAME.match(str(name.get("given") or ""))
    if nickname and not name.get("dropping-particle"):  # Ann {"Annie"} Roe: as Jim "Bo" Lee
        name["given"], name["dropping-particle"] = nickname.group(1), nickname.group(2)
    given = name.get("given")
    cased = initialled(name)
    if word and given:
        cased["given"] = str(given)
    return cased


_BRACED = re.compile(r"\{([^{}]*\s[^{}]*)\}")
_QUOTED = re.compile("[\"\u201c\u2018'`]")
_BRACED_WORD = re.compile(r"\{([^\W\d_]{2,3})\}")


def _whole(name: dict[str, Any], braced: set[str]) -> bool:
    """Whether the particle and family name were written as one braced family name."""
    particle = name.get("non-dropping-particle") or name.get("dropping-particle")
    return bool(particle) and f"{particle} {name.get('family', '')}" in braced


def written_name(name: dict[str, Any]) -> str:
    """A name as text, given name first: 'Medtronic Inc', 'Ann de Geer'."""
    if "literal" in name:
        return str(name["literal"])
    return " ".join(str(name[k]) for k in ("given", "dropping-particle", "non-dropping-particle",
                                           "family", "suffix") if name.get(k))


NAME_PARTS = ("family", "given", "dropping-particle", "non-dropping-particle", "suffix")


def initialled(name: dict[str, Any]) -> dict[str, Any]:
    """A CSL name with the parts styles print; ``ME`` as a given name is ``M. E.``.

    Initials written together are two initials, so styles initialize them to
    ME; flags such as ``comma-suffix`` or ``parse-names`` are left out.
    """
    if name.get("literal"):
        return {"literal": str(name["literal"])}
    name = {k: str(name[k]) for k in NAME_PARTS if name.get(k) not in (None, "")}
    given, family = name.get("given"), name.get("family", "")
    # A name written in capitals throughout ("SMITH, ANN") has a given name, not initials.
    if given and _INITIALS.match(given) and not family.isupper():
        name["given"] = " ".join(ch + "." for ch in given)
    return name


def fix_item(item: dict[str, Any]) -> dict[str, Any]:
    """What pandoc's CSL-JSON leaves for citeproc-py to stumble on: DOIs, dotless i."""
    doi = item.get("DOI")
    if isinstance(doi, str):  # editors paste DOIs as links: keep the bare identifier
        item["DOI"] = re.sub(r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", doi,
                             flags=re.IGNORECASE)
    page = item.get("page")
    if isinstance(page, str) and _OPEN_PAGES.match(page):  # '123-': from 123 on, as biblatex
        item["page"] = _OPEN_PAGES.sub("\\1\u2013", page)
    for key, value in list(item.items()):
        if isinstance(value, str):
            item[key] = compose(nocase_spans(value) if NOCASE_OPEN in value else value)
    return item
