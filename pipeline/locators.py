"""A citation's locator, read from the start of its suffix as pandoc reads it.

``[@key, sec. 3.2.1]``, ``[@key, pp. 33-35, 40]``, ``[@key, chap. XII]``,
``[@key, p. 34(1)]``, ``[@key, 12]`` (a page) and the braced form
``[@key{ii, A, D-Z}]`` (anything, a page unless a label starts it) give a
label and a locator; what follows (``, for a review``, ``and passim``) stays
the suffix.  A locator is a run of words separated by ``,``, ``;`` or ``&``;
a word is made of units (no space, no punctuation but ``-``, ``–`` and
``:``) joined by ``.`` (``3.2.1``, not a trailing period) and bracketed parts
(``34(1)(a)``, ``[17]``).  Each word must hold a digit, or with a label
written a roman numeral (``p. iv``), so ``, for a review`` is never a locator.
"""

from __future__ import annotations

import re
import unicodedata

LABELS = {
    # every form of the CSL locale's locator terms: long and short, singular and plural
    "p": "page", "pp": "page", "page": "page", "pages": "page",
    "chap": "chapter", "chaps": "chapter", "chapter": "chapter", "chapters": "chapter",
    "ch": "chapter",
    "sec": "section", "secs": "section", "section": "section", "sections": "section",
    "§": "section", "§§": "section",
    "fig": "figure", "figs": "figure", "figure": "figure", "figures": "figure",
    "tbl": "table", "tbls": "table", "tab": "table", "table": "table", "tables": "table",
    "vol": "volume", "vols": "volume", "volume": "volume", "volumes": "volume",
    "para": "paragraph", "paras": "paragraph", "paragraph": "paragraph",
    "paragraphs": "paragraph", "¶": "paragraph", "¶¶": "paragraph",
    "l": "line", "ll": "line", "line": "line", "lines": "line",
    "n": "note", "nn": "note", "note": "note", "notes": "note",
    "col": "column", "cols": "column", "column": "column", "columns": "column",
    "app": "appendix", "apps": "appendix", "appendix": "appendix", "appendices": "appendix",
    "bk": "book", "bks": "book", "book": "book", "books": "book",
    "pt": "part", "pts": "part", "part": "part", "parts": "part",
    "v": "verse", "vv": "verse", "verse": "verse", "verses": "verse",
    "eq": "equation", "eqs": "equation", "equation": "equation", "equations": "equation",
    "no": "issue", "nos": "issue", "iss": "issue", "issue": "issue", "issues": "issue",
    "op": "opus", "opp": "opus", "opus": "opus", "opera": "opus",
    "fol": "folio", "fols": "folio", "folio": "folio", "folios": "folio",
    "s.v": "sub verbo", "s.vv": "sub verbo",
    # Spanish, the other language of the handouts
    "pág": "page", "págs": "page", "página": "page", "páginas": "page", "cap": "chapter",
    "caps": "chapter", "capítulo": "chapter", "capítulos": "chapter", "sección": "section",
    "secciones": "section", "figura": "figure", "figuras": "figure", "tabla": "table",
    "tablas": "table", "párr": "paragraph", "párrs": "paragraph", "párrafo": "paragraph",
    "párrafos": "paragraph", "nota": "note", "notas": "note", "línea": "line",
    "líneas": "line", "volumen": "volume", "volúmenes": "volume", "apéndice": "appendix",
    "apéndices": "appendix", "libro": "book", "libros": "book", "lib": "book",
    "parte": "part", "partes": "part",
}
_LABEL = re.compile(r"([§¶]{1,2}|s\.vv?|[^\W\d_]+)(\.?)\s*")
_SEPARATOR = re.compile(r"\s*[,;&]\s*")
_ROMAN = re.compile(r"(?i)m{0,4}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})")
_BRACKETS = {"(": ")", "[": "]", "{": "}"}


def parse_locator(text: str) -> tuple[str | None, str | None, str]:
    """(CSL locator label, locator, the rest of the suffix) from a citation's suffix."""
    s = text.replace("\u00a0", " ")
    i = len(s) - len(s.lstrip())
    if s[i:i + 1] == ",":
        i += 1
    i += len(s[i:]) - len(s[i:].lstrip())
    if s[i:i + 1] == "{":
        end = _closing(s, i)
        if end is not None:
            inner = s[i + 1:end].strip()
            label, start = _label(inner, 0)
            locator = inner[start:].strip() if label else inner
            if locator:
                return label or "page", locator, text[end + 1:].strip()
    label, start = _label(s, i)
    written = label is not None
    words: list[str] = []
    pos = start if written else i
    while True:
        separator = ""
        at = pos
        if words:
            sep = _SEPARATOR.match(s, pos)
            if sep is None:
                break
            separator, at = sep.group(0), sep.end()
        word, end, roman = _word(s, at)
        if not word or not (any(c.isdigit() for c in word) or (written and roman)):
            break
        words.append(separator + word)
        pos = end
    if not words:
        return None, None, text.strip()
    return label or "page", "".join(words).strip(), text[pos:].strip()


def _label(s: str, i: int) -> tuple[str | None, int]:
    """The locator label written at ``i`` (``p.``, ``sec.``, ``§``) and where its locator starts."""
    match = _LABEL.match(s, i)
    if match is None:
        return None, i
    label = LABELS.get(match.group(1).casefold())
    if label is None:
        return None, i
    return label, match.end()


def _locator_punctuation(ch: str) -> bool:
    return unicodedata.category(ch).startswith("P") and ch not in "-–:"


def _word(s: str, i: int) -> tuple[str, int, bool]:
    """The locator word at ``i``, where it ends, and whether it is a roman numeral."""
    start, roman = i, True
    while i < len(s):
        ch = s[i]
        if ch in _BRACKETS:
            end = _closing(s, i)
            if end is None:
                break
            i = end + 1
            continue
        unit = i
        while i < len(s) and not s[i].isspace() and not _locator_punctuation(s[i]):
            i += 1
        if i == unit:
            # "3.2.1": a period joins two units; a trailing one ends the word
            if ch == "." and i > start and i + 1 < len(s) and not s[i + 1].isspace() \
                    and not _locator_punctuation(s[i + 1]):
                i += 1
                continue
            break
        roman = roman and bool(_ROMAN.fullmatch(s[unit:i]))
    return s[start:i], i, roman and i > start


def _closing(s: str, i: int) -> int | None:
    """The index of the bracket that closes the one at ``i``, nesting counted."""
    stack = []
    for j in range(i, len(s)):
        if s[j] in _BRACKETS:
            stack.append(_BRACKETS[s[j]])
        elif stack and s[j] == stack[-1]:
            stack.pop()
            if not stack:
                return j
    return None
