"""The private-use characters that stand for formatting while citeproc-py works.

No text citeproc-py produces can be mistaken for markup: formatting, quotes
and display areas travel through it as single characters of Unicode's private
use area.  Each opening mark is closed by :data:`CLOSE` (quotes by
:data:`QUOTE_CLOSE`).  Some marks only live until the output is finished
(``pipeline.citeproc_output``): quotes become the locale's quotation marks,
and markup from the data (``<i>`` in a title) becomes italics or, inside
italics, upright text, as CSL's flip-flop rule asks.
"""

from __future__ import annotations

import re

CLOSE = "\ue000"
# formatting the output keeps, by the name citations.py and the suite know it by
OPEN = {"emph": "\ue001", "strong": "\ue002", "sup": "\ue003", "sub": "\ue004",
        "smallcaps": "\ue005", "underline": "\ue006", "plain": "\ue007", "normal": "\ue008",
        "roman": "\ue009", "nodecoration": "\ue00a", "baseline": "\ue00b",
        "upright-caps": "\ue00c",
        # CSL's display attribute: areas of a reference list entry
        "block": "\ue020", "left-margin": "\ue021", "right-inline": "\ue022", "indent": "\ue023"}
OPEN_CHARS = {v: k for k, v in OPEN.items()}
DISPLAY = ("block", "left-margin", "right-inline", "indent")

# markup from the data, which flips against the formatting around it
FIELD_EMPH = "\ue010"
FIELD_STRONG = "\ue011"
FIELD_SMALLCAPS = "\ue012"
FIELD_NODECOR = "\ue013"
# font-style/font-weight/font-variant="normal" in the style: upright only inside italics, ...
STYLE_ROMAN = "\ue014"
STYLE_WEIGHT_NORMAL = "\ue015"
STYLE_VARIANT_NORMAL = "\ue016"
# quotes: the style's quotes="true", and quotes found in the data (outer or inner form)
QUOTE_STYLE = "\ue018"
QUOTE_OUTER = "\ue019"
QUOTE_INNER = "\ue01a"
QUOTE_CLOSE = "\ue01b"
QUOTE_OPENS = QUOTE_STYLE + QUOTE_OUTER + QUOTE_INNER
# punctuation written after a closing quote in the data stays there (only a seam moves it)
PUNCTUATION_HELD = "\ue01c"
# punctuation order where quotes are closed: the end of a quoted element's own suffix, and
# the start of an enclosing element's suffix that follows it (see pipeline.citeproc_output)
QUOTED_SUFFIX_END = "\ue01d"
OUTER_SUFFIX = "\ue01e"
POINT_MARKS = PUNCTUATION_HELD + QUOTED_SUFFIX_END + OUTER_SUFFIX  # marks that open nothing

FLIPPING = FIELD_EMPH + FIELD_STRONG + FIELD_SMALLCAPS + FIELD_NODECOR
CONDITIONAL = STYLE_ROMAN + STYLE_WEIGHT_NORMAL + STYLE_VARIANT_NORMAL
TRANSIENT = FLIPPING + CONDITIONAL + QUOTE_OPENS + QUOTE_CLOSE + POINT_MARKS

# the reference list's citation number (see pipeline.csl)
MARK_NUMBER_OPEN = "\ue0f0"
MARK_NUMBER_CLOSE = "\ue0f1"

# Each cite of a citation, when the caller asks (the pages and EPUBs link each work to
# its entry): an opening mark per position of the cite in the citation, closed by CLOSE.
CITE_BASE = 0xE040
CITE_LIMIT = 160  # cites of one citation that can be marked (E040-E0DF)
CITE_OPENS = "".join(chr(CITE_BASE + i) for i in range(CITE_LIMIT))
_CITE_OPEN_SET = frozenset(CITE_OPENS)


def cite_marked(index: int, text: str) -> str:
    """``text``, the cite at ``index`` of its citation, between that cite's marks."""
    return chr(CITE_BASE + index) + text + CLOSE if 0 <= index < CITE_LIMIT and text else text


def cite_index(ch: str) -> int | None:
    """The position a cite mark stands for, else None."""
    return ord(ch) - CITE_BASE if ch and ch in CITE_OPENS else None


_FORMATTING_MARKS = re.compile("[\ue000-\ue0df]")  # closes, openings, quotes and cite marks


def strip_cite_marks(text: str) -> str:
    """``text`` without cite marks (each opening mark and the CLOSE that ends it)."""
    if _CITE_OPEN_SET.isdisjoint(text):
        return text
    out: list[str] = []
    stack: list[bool] = []  # for each open mark: whether it is a cite mark
    start = 0  # the text after the last mark read, still to copy
    for found in _FORMATTING_MARKS.finditer(text):
        ch = found.group()
        if ch in CITE_OPENS:
            stack.append(True)
        elif ch == CLOSE and stack and stack.pop():
            pass
        else:
            if ch != CLOSE:
                if ch in OPEN_CHARS or ch in TRANSIENT and ch not in POINT_MARKS + QUOTE_CLOSE:
                    stack.append(False)
                elif ch == QUOTE_CLOSE and stack:
                    stack.pop()
            continue
        out.append(text[start:found.start()])
        start = found.end()
    out.append(text[start:])
    return "".join(out)


MARKS = CLOSE + "".join(OPEN.values()) + MARK_NUMBER_OPEN + MARK_NUMBER_CLOSE
ALL_MARKS = MARKS + TRANSIENT


_EMPTY_RUN = re.compile("[" + "".join(v for k, v in OPEN.items() if k not in DISPLAY) + "]"
                        + CLOSE)
# The delimiter of a group that begins with the number ('<group delimiter=". ">'): its
# punctuation ends the number, as citeproc-js prints '1. Okonkwo C', never '. Okonkwo C'.
_NUMBER_DELIMITER = re.compile(f"({CLOSE}*)([.:)\\]]+)\\s+")


def _visible(text: str) -> bool:
    return bool(re.sub(f"[{ALL_MARKS}]", "", text).strip())


def number_area(text: str) -> tuple[str, str]:
    """(the reference list entry's citation number, the entry without it).

    The number keeps the formatting it is printed in ('<sup>20)</sup>' where a
    group around it sets ``vertical-align="sup"``, as citeproc-js prints it);
    formatting left with nothing inside is dropped from the entry.
    """
    if MARK_NUMBER_OPEN not in text or MARK_NUMBER_CLOSE not in text:
        return "", text
    before, rest = text.split(MARK_NUMBER_OPEN, 1)
    number, after = rest.split(MARK_NUMBER_CLOSE, 1)
    stack: list[str] = []  # the marks open where the number starts
    for ch in before:
        if ch in OPEN_CHARS:
            stack.append(ch)
        elif ch == CLOSE and stack:
            stack.pop()
    around = [ch for ch in stack if OPEN_CHARS[ch] not in DISPLAY]
    number = number.strip()
    label = "".join(around) + number + CLOSE * len(around) if number else ""
    ended = _NUMBER_DELIMITER.match(after)
    if label and ended and not _visible(before):
        label += ended.group(2)
        after = ended.group(1) + after[ended.end():]
    text = before + after
    while True:
        emptied = _EMPTY_RUN.sub("", text)
        if emptied == text:
            return label, text
        text = emptied
