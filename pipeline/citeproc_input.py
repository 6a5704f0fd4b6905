"""CSL-JSON items as citeproc-py should read them: rich text as marks, dates made whole.

CSL-JSON text may carry markup (``<i>``, ``<b>``, ``<sc>``, ``<sup>``,
``<sub>``, ``<span class="nocase">``, ``<span class="nodecor">``) and quotes;
citeproc-js, the reference processor, reads both, and so does the project:
markup becomes formatting marks that flip against the style's own formatting,
paired quotes (straight or curly) become quote marks that take the locale's
quotation marks and alternate with the quotes around them, and a straight
apostrophe becomes a typographic one (``D'Arcus`` as ``D’Arcus``).  Dates
with empty parts, seasons given as months 13-24, or only a ``raw`` text are
made into what citeproc-py can render.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Mapping
from typing import Any

from .citeproc_marks import (
    CLOSE,
    FIELD_EMPH,
    FIELD_NODECOR,
    FIELD_SMALLCAPS,
    FIELD_STRONG,
    MARK_NUMBER_CLOSE,
    MARK_NUMBER_OPEN,
    OPEN,
    PUNCTUATION_HELD,
    QUOTE_CLOSE,
    QUOTE_INNER,
    QUOTE_OUTER,
)

_OPEN_TAG = {"<i>": FIELD_EMPH, "<em>": FIELD_EMPH, "<b>": FIELD_STRONG,
             "<strong>": FIELD_STRONG, "<sc>": FIELD_SMALLCAPS, "<sup>": OPEN["sup"],
             "<sub>": OPEN["sub"]}
_SPAN = re.compile(r'<span\s+(?:class="(nocase|nodecor)"|style="font-variant:\s*small-caps;?")'
                   r"\s*>")
_TOKEN = re.compile(r'</?(?:i|b|em|strong|sc|sup|sub)>|<span\s[^>]*>|</span>|["\'\u201c\u201d'
                    r"\u2018\u2019]")
_CLOSER = {'"': '"', "'": "'", "\u201c": "\u201d", "\u2018": "\u2019"}
_QUOTES = frozenset(_CLOSER) | frozenset(_CLOSER.values())
# a typographic apostrophe inside a word is read as a straight one, then written back
_INNER_APOSTROPHE = re.compile(r"(?<=[^\W\d_])\u2019(?=[^\W\d_])")
_OPENER_BEFORE = " \t\n\u00a0([{\u2014\u2013-/"
# not rich text: identifiers and addresses are printed as written
VERBATIM = frozenset({"id", "type", "URL", "DOI", "ISBN", "ISSN", "PMID", "PMCID", "language",
                      "citation-key", "citation-label"})
# what comes before the first range or list of pages: citeproc-js's page-first
_FIRST_PAGE = re.compile(r"\s*(?:&|, |-|\u2013)\s*")
_ALIASES = {"journalAbbreviation": "container-title-short", "shortTitle": "title-short"}
SEASON_BASE = 20  # months 21-24 are the four seasons, as CSL-JSON writes them
_DATE_VARIABLES = frozenset({"accessed", "available-date", "event-date", "issued",
                             "original-date", "submitted"})


class _Token:
    __slots__ = ("kind", "partner", "text")

    def __init__(self, kind: str, text: str) -> None:
        self.kind = kind  # 'text', 'open', 'close' or 'quote'
        self.text = text
        self.partner: _Token | None = None


def _tokens(value: str) -> list[_Token]:
    out: list[_Token] = []
    pos = 0
    for match in _TOKEN.finditer(value):
        if match.start() > pos:
            out.append(_Token("text", value[pos:match.start()]))
        tag = match.group(0)
        if tag in _QUOTES:
            out.append(_Token("quote", tag))
        elif tag.startswith("</"):
            out.append(_Token("close", tag))
        elif tag in _OPEN_TAG or _SPAN.fullmatch(tag):
            out.append(_Token("open", tag))
        else:  # some other HTML: text as written
            out.append(_Token("text", tag))
        pos = match.end()
    if pos < len(value):
        out.append(_Token("text", value[pos:]))
    return out


def _expected_close(token: _Token) -> str:
    if token.kind == "quote":
        return _CLOSER[token.text]
    if token.text.startswith("<span"):
        return "</span>"
    return "</" + token.text[1:]


def _opens_here(tokens: list[_Token], i: int) -> bool:
    """Whether a quote at ``i`` stands where a quotation can start."""
    if i == 0:
        return True
    before = tokens[i - 1]
    if before.kind == "text":
        return before.text[-1] in _OPENER_BEFORE
    return before.kind == "open" or before.kind == "quote" and before.partner is None \
        and before.text in _CLOSER


def _unpaired(token: _Token) -> None:
    """An opener never closed: text, and a straight single quote an apostrophe."""
    token.kind = "text"
    if token.text == "'":
        token.text = "\u2019"


def _pair(tokens: list[_Token]) -> None:
    """Pair tags and quotes as citeproc-js's flip-flopper does; the rest is text."""
    stack: list[_Token] = []
    for i, token in enumerate(tokens):
        text = token.text
        if token.kind == "text":
            continue
        if token.kind == "open" or token.kind == "quote" and text in "\u201c\u2018":
            stack.append(token)
            continue
        if token.kind == "quote" and text in "\"'" and _opens_here(tokens, i):
            token.partner = None
            stack.append(token)
            continue
        if token.kind == "quote" and text == "'":
            following = tokens[i + 1] if i + 1 < len(tokens) else None
            if following is not None and following.kind == "text" \
                    and following.text[0] not in ",.?:;!) \t\n":
                token.kind, token.text = "text", "\u2019"  # an apostrophe
                continue
        while True:
            if stack and _expected_close(stack[-1]) == text:
                opener = stack.pop()
                opener.partner, token.partner = token, opener
                break
            if text == "'":
                token.kind, token.text = "text", "\u2019"
                break
            if not any(_expected_close(t) == text for t in stack):
                token.kind = "text"  # nothing it closes ("d’ Aubignac"): the spans stay open
                break
            _unpaired(stack.pop())  # an opener never closed is text
    for token in stack:
        _unpaired(token)
    for token in tokens:
        if token.kind in ("close", "quote") and token.partner is None:
            token.kind = "text"


def rich_text_marks(value: str, quotes: bool = True) -> str:
    """CSL-JSON rich text (markup, and with ``quotes`` quotation marks) as marks."""
    if "<" not in value and (not quotes or _QUOTES.isdisjoint(value)):
        return html.unescape(value)
    if quotes:
        value = _INNER_APOSTROPHE.sub("'", value)
    tokens = _tokens(value)
    if not quotes:
        for token in tokens:
            if token.kind == "quote":
                token.kind = "text"
    _pair(tokens)
    straight_outer = next((t.text for t in tokens if t.kind == "quote" and t.text in "\"'"
                           and t.partner is not None and t.text in _CLOSER), '"')
    out: list[str] = []
    for i, token in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if token.kind == "text":
            out.append(html.unescape(token.text))
        elif token.kind == "quote" and token.text in _CLOSER and token.partner is not None \
                and token.partner is not token:
            outer = token.text == "\u201c" or token.text == straight_outer
            out.append(QUOTE_OUTER if outer else QUOTE_INNER)
            token.partner.text = ""  # its closing mark is written below
            token.partner.kind = "quote-close"
        elif token.kind == "quote-close":
            out.append(QUOTE_CLOSE)
            if following is not None and following.kind == "text" \
                    and following.text[0] in ".,;:!?":
                out.append(PUNCTUATION_HELD)
        elif token.kind == "open":
            out.append(_open_mark(token.text))
        elif token.kind == "close":
            out.append(CLOSE)
    return "".join(out)


def _open_mark(tag: str) -> str:
    if tag in _OPEN_TAG:
        return _OPEN_TAG[tag]
    match = _SPAN.fullmatch(tag)
    kind = match.group(1) if match else None
    if kind == "nocase":
        return OPEN["plain"]
    return FIELD_NODECOR if kind == "nodecor" else FIELD_SMALLCAPS


# -- dates -----------------------------------------------------------------------


def _number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    return None


def _date_parts(parts: list[Any]) -> list[int]:
    """(year, month, day) as numbers; a season given as a month (13-24) as 21-24."""
    numbers: list[int] = []
    for part in parts[:3]:
        number = _number(part)
        if number is None:
            break
        numbers.append(number)
    if len(numbers) > 1 and not 1 <= numbers[1] <= 12:
        if 13 <= numbers[1] <= 24:
            numbers = [numbers[0], SEASON_BASE + (numbers[1] - 13) % 4 + 1]
        else:
            numbers = numbers[:1]
    if len(numbers) > 2 and not 1 <= numbers[2] <= 31:
        numbers = numbers[:2]
    return numbers


def normalize_date(value: Any) -> Any:
    """A CSL-JSON date citeproc-py can render: whole numbers, seasons, text for the rest."""
    if not isinstance(value, Mapping):
        return value
    date = dict(value)
    parts = date.get("date-parts")
    if isinstance(parts, list):
        cleaned = [_date_parts(p if isinstance(p, list) else [p]) for p in parts]
        cleaned = [p for p in cleaned if p]
        if cleaned and cleaned[0] != [0]:  # [[1987], [0]] is a range open at its end
            date["date-parts"] = cleaned
            return date
        del date["date-parts"]
    if "literal" not in date and isinstance(date.get("raw"), str) and date["raw"].strip():
        date["literal"] = date["raw"].strip()
    return date


# -- variables in the note (Zotero's "Extra" field) ----------------------------------

_NOTE_LINE = re.compile(r"^[ \t]*([A-Za-z][A-Za-z-]*)[ \t]*:[ \t]*(\S.*?)[ \t]*$", re.MULTILINE)
_ISO_DATE = re.compile(r"(-?\d{1,4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def _note_date(text: str) -> dict[str, Any]:
    parts = []
    for half in text.split("/"):
        match = _ISO_DATE.fullmatch(half.strip())
        if match is None:
            return {"literal": text}
        parts.append([int(g) for g in match.groups() if g])
    return {"date-parts": parts}


def note_variables(item: Mapping[str, Any]) -> dict[str, Any]:
    """CSL variables written as ``name: value`` lines in the note, as Zotero exports them.

    Zotero keeps what its own fields lack in "Extra", exported as the CSL
    note ('original-date: 1950', 'reviewed-author: Hall || W.C.'); citeproc-js
    reads those lines as variables the item does not already have.
    """
    import citeproc

    note = item.get("note")
    out = dict(item)
    if not isinstance(note, str) or ":" not in note:
        return out
    names: dict[str, list[dict[str, str]]] = {}
    for match in _NOTE_LINE.finditer(note):
        key, value = match.group(1), match.group(2)
        name = key.replace("-", "_")
        if key in item or key == "note":
            continue
        if name in citeproc.NAMES:
            family, _, given = value.partition("||")
            person = {"family": family.strip(), "given": given.strip()} if given \
                else {"literal": family.strip()}
            names.setdefault(key, []).append(person)
        elif name in citeproc.DATES:
            out[key] = _note_date(value)
        elif name in citeproc.VARIABLES or key in ("PMID", "PMCID", "DOI", "ISBN"):
            out[key] = value
    out.update(names)
    return out


# -- items -----------------------------------------------------------------------


def _quoted_family(name: Any) -> Any:
    """A family name in double quotes ('"van Happel"') is taken whole, as citeproc-js takes it."""
    family = name.get("family") if isinstance(name, dict) else None
    if isinstance(family, str) and len(family) > 2 and family[0] == family[-1] == '"':
        return {**name, "family": family[1:-1], "parse-names": False}
    return name


_SPACE_BEFORE_MARK = re.compile(r" ([:;?!\u00bb])")


def french_spacing(text: str) -> str:
    """A space written before ``: ; ? ! »`` or after ``«`` as a narrow no-break space.

    French typography spaces these marks, and that space must not break a
    line ('« Anonymous »'); citeproc-js writes it as U+202F in every field.
    """
    if " " not in text:
        return text
    return _SPACE_BEFORE_MARK.sub("\u202f\\1", text).replace("\u00ab ", "\u00ab\u202f")


@functools.lru_cache(maxsize=8192)
def _clean_text(value: str) -> str:
    """A text field as marks (names, journals and publishers recur: each is read once)."""
    return french_spacing(rich_text_marks(value).replace(MARK_NUMBER_OPEN, "").replace(
        MARK_NUMBER_CLOSE, ""))


def clean_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """A CSL-JSON item with its rich text as marks and its dates made renderable."""
    def fix(value: Any) -> Any:
        if isinstance(value, str):
            return _clean_text(value)
        if isinstance(value, list):
            return [fix(v) for v in value]
        if isinstance(value, dict):
            return {k: fix(v) for k, v in value.items()}
        return value

    out: dict[str, Any] = {}
    item = note_variables(item)
    for key, value in _ALIASES.items():  # Zotero's names for CSL's short forms
        if key in item and value not in item:
            item = {**item, value: item[key]}
    for key, value in item.items():
        if isinstance(value, list) and any(isinstance(v, dict) and "family" in v for v in value):
            value = [_quoted_family(v) for v in value]
        if key in VERBATIM:
            out[key] = value
        elif key in _DATE_VARIABLES:
            out[key] = fix(normalize_date(value))
        else:
            out[key] = fix(value)
    if out.get("page"):  # as citeproc-js derives it, so that <if variable="page-first"> holds
        out["page-first"] = _FIRST_PAGE.split(str(out["page"]))[0]
    return out
