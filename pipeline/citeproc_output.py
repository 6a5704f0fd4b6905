"""citeproc-py's output finished: quotation marks, flip-flop formatting, punctuation in quotes.

citeproc-py renders with marks (``pipeline.citeproc_marks``) where quotes and
markup from the data stand.  Only the finished text knows how they nest, so
they are resolved here, once per citation or entry, as CSL and citeproc-js
do it:

- quotes take the locale's terms; quotes found in the data alternate with the
  quotes around them (outer, inner, outer, ...);
- markup from the data flips against the formatting around it (``<i>`` in an
  italic title is upright); ``font-style="normal"`` in the style is upright
  only where the text around it is italic;
- where the locale puts punctuation inside quotes (``punctuation-in-quote``,
  as American English does), a period or comma after a closing quote moves
  inside it, merging with the punctuation already there (“Why?” not “Why?”.).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .citeproc_marks import (
    ALL_MARKS,
    CITE_OPENS,
    CLOSE,
    DISPLAY,
    FIELD_EMPH,
    FIELD_NODECOR,
    FIELD_SMALLCAPS,
    FIELD_STRONG,
    OPEN,
    OPEN_CHARS,
    OUTER_SUFFIX,
    POINT_MARKS,
    QUOTE_CLOSE,
    QUOTE_OPENS,
    QUOTE_OUTER,
    QUOTE_STYLE,
    QUOTED_SUFFIX_END,
    STYLE_ROMAN,
    STYLE_VARIANT_NORMAL,
    STYLE_WEIGHT_NORMAL,
    TRANSIENT,
)

# What two punctuation marks that meet become (citeproc-js's table): left, right -> result
MERGE = {
    "!": {".": "!", "?": "!?", ":": "!", ",": "!,", ";": "!;"},
    "?": {"!": "?!", ".": "?", ":": "?", ",": "?,", ";": "?;"},
    ".": {"!": ".!", "?": ".?", ":": ".:", ",": ".,", ";": ".;"},
    ":": {"!": "!", "?": "?", ".": ":", ",": ":,", ";": ":;"},
    ",": {"!": ",!", "?": ",?", ":": ",:", ".": ",.", ";": ",;"},
    ";": {"!": "!", "?": "?", ":": ";", ",": ";,", ".": ";"},
}
SWAP_IN = ".,!?"  # what moves inside a closing quote
SWAP_OUT = ",;:"  # what moves out of it where the locale keeps punctuation outside
DISPLAY_CHARS = frozenset(OPEN[kind] for kind in DISPLAY)
_TRANSIENT = frozenset(TRANSIENT)
_MARK = re.compile("[\ue000-\ue0ff]")
_AFTER_QUOTE = re.compile(f"{QUOTE_CLOSE}[{CLOSE}{QUOTE_CLOSE}]*")
_OUTSIDE = re.compile(f"([{SWAP_OUT}])({QUOTE_CLOSE}[{CLOSE}{QUOTE_CLOSE}]*)([.,;:!?]?)")


@dataclass(frozen=True)
class Quotes:
    """The locale's quotation marks and whether punctuation goes inside them."""

    open: str = "\u201c"
    close: str = "\u201d"
    open_inner: str = "\u2018"
    close_inner: str = "\u2019"
    punctuation_inside: bool = False


def merge_punctuation(left: str, right: str) -> str:
    """Two punctuation marks meeting, as citeproc-js merges them ('?' and '.' are '?')."""
    if left == right:
        return left
    return MERGE.get(left, {}).get(right, left + right)


def _last_visible(chars: list[str]) -> int:
    i = len(chars) - 1
    while i >= 0 and _MARK.match(chars[i]):
        i -= 1
    return i


def _inside_quotes(text: str) -> str:
    """Periods and commas (and ! ?) after a closing quote moved inside it."""
    out: list[str] = []
    pos = 0
    for match in _AFTER_QUOTE.finditer(text):
        end = match.end()
        run = ""
        while end < len(text) and text[end] in SWAP_IN:
            run += text[end]
            end += 1
        if not run:
            continue
        out.extend(text[pos:match.start()])
        for char in run:
            i = _last_visible(out)
            if i >= 0 and out[i] in MERGE:
                out[i:i + 1] = list(merge_punctuation(out[i], char))
            else:
                out.append(char)
        out.extend(match.group(0))
        pos = end
    out.extend(text[pos:])
    return "".join(out)


_OWN_THEN_OUTER = re.compile(
    f"({QUOTE_CLOSE}[{CLOSE}{QUOTE_CLOSE}]*)([.,;:!?]+){QUOTED_SUFFIX_END}([{CLOSE}]*)"
    f"{OUTER_SUFFIX}([{SWAP_IN}]+)")


def _outer_first(text: str) -> str:
    """An enclosing element's punctuation put before a quoted element's own suffix.

    citeproc-js moves a macro's or group's ending punctuation down into the
    quoted text it ends with, ahead of that text's own suffix, before both go
    inside the quotes: a title quoted with suffix ',' in a macro with suffix '.'
    prints '“Title.,”' (IEEE-like styles: Neural Plasticity, Frontiers).
    """
    return _OWN_THEN_OUTER.sub(lambda m: m.group(1) + m.group(4) + m.group(2) + m.group(3),
                               text)


def _outer_after(text: str) -> str:
    """Where punctuation stays outside quotes, the two suffixes merge where they meet."""
    def merged(m: re.Match[str]) -> str:
        own, outer = m.group(2), m.group(4)
        return (m.group(1) + own[:-1] + merge_punctuation(own[-1], outer[0]) + outer[1:]
                + m.group(3))

    return _OWN_THEN_OUTER.sub(merged, text)


def _outside_quotes(text: str) -> str:
    """A comma, semicolon or colon ending a quotation moved after it."""
    def move(match: re.Match[str]) -> str:
        merged = match.group(1)
        if match.group(3):
            merged = merge_punctuation(merged, match.group(3))
        return match.group(2) + merged

    return _OUTSIDE.sub(move, text)


class _Frame:
    __slots__ = ("bold", "caps", "close", "italic", "quote")

    def __init__(self, close: str, italic: bool, bold: bool, caps: bool,
                 quote: str | None) -> None:
        self.close, self.italic, self.bold, self.caps, self.quote = (
            close, italic, bold, caps, quote)


def suffix_into_last_area(text: str) -> str:
    """The layout's suffix moved into the entry's last display area, as citeproc-js places it.

    ('<div class="csl-right-inline">Title.</div>', not '...Title</div>.') where the
    entry is made of areas from its start; a trailing space stays outside.
    """
    tail = len(text)
    while tail > 0 and text[tail - 1] not in ALL_MARKS:
        tail -= 1
    suffix = text[tail:].rstrip()
    if not suffix or tail == 0 or text[tail - 1] != CLOSE:
        return text
    depth = 0
    for i in range(tail - 1, -1, -1):
        ch = text[i]
        if ch in POINT_MARKS:
            continue
        if ch == CLOSE or ch == QUOTE_CLOSE:
            depth += 1
        elif ch in OPEN_CHARS or ch in TRANSIENT:
            depth -= 1
            if depth == 0:
                if OPEN_CHARS.get(ch) not in DISPLAY:
                    return text
                break
    return text[:tail - 1] + suffix + CLOSE + text[tail + len(suffix):]


_AREA_START = re.compile(f"[{''.join(DISPLAY_CHARS)}][.,;:!?]")


def punctuation_before_area(text: str) -> str:
    """An area's leading punctuation moved to the end of the area just before it.

    citeproc-js moves punctuation starting a piece of output to the end of the
    piece before it where nothing separates them, display areas too: AAA's
    '<div class="csl-left-margin">2011.</div><div class="csl-right-inline">
    United Kingdom.</div>', not '2011</div><div ...>. United Kingdom.'.  Only an
    area right after another area's end is changed.
    """
    if not _AREA_START.search(text):
        return text
    out: list[str] = []
    stack: list[str] = []  # the marks open before the current character
    closed = ""  # the mark the character just before closed ('' when not a CLOSE)
    for ch in text:
        punctuation = ch in MERGE and closed in DISPLAY_CHARS and out and out[-1] in DISPLAY_CHARS
        if punctuation:
            area = out.pop()
            end = out.pop()  # the previous area's CLOSE
            i = _last_visible(out)
            if i >= 0 and out[i] in MERGE:
                out[i:i + 1] = list(merge_punctuation(out[i], ch))
            else:
                out.append(ch)
            out.extend((end, area))
            closed = ""
            continue
        if ch in OPEN_CHARS or ch in TRANSIENT and ch not in POINT_MARKS + QUOTE_CLOSE:
            stack.append(ch)
        closed = stack.pop() if ch in (CLOSE, QUOTE_CLOSE) and stack else (
            closed if ch in DISPLAY_CHARS else "")
        out.append(ch)
    return "".join(out)


def finish(text: str, quotes: Quotes) -> str:
    """Marks that only live while citeproc-py works resolved into text and formatting."""
    if text[:1] in DISPLAY_CHARS:  # areas from the start: the suffix goes into the last
        text = suffix_into_last_area(text)
    if not DISPLAY_CHARS.isdisjoint(text):
        text = punctuation_before_area(text)
    if _TRANSIENT.isdisjoint(text):
        return text
    if QUOTED_SUFFIX_END in text:
        if OUTER_SUFFIX in text:
            text = _outer_first(text) if quotes.punctuation_inside else _outer_after(text)
        text = text.replace(QUOTED_SUFFIX_END, "").replace(OUTER_SUFFIX, "")
    text = _inside_quotes(text) if quotes.punctuation_inside else _outside_quotes(text)
    out: list[str] = []
    top = _Frame("", False, False, False, None)
    stack: list[_Frame] = [top]
    for ch in text:
        top = stack[-1]
        state = [top.italic, top.bold, top.caps, top.quote]
        if ch in POINT_MARKS:
            continue
        if ch == CLOSE or ch == QUOTE_CLOSE:
            if len(stack) > 1:
                out.append(stack.pop().close)
            continue
        if ch in QUOTE_OPENS:
            if ch == QUOTE_STYLE:
                level = "true"
            elif top.quote is not None:  # quotes in the data alternate with those around
                level = "inner" if top.quote == "true" else "true"
            else:
                level = "true" if ch == QUOTE_OUTER else "inner"
            out.append(quotes.open if level == "true" else quotes.open_inner)
            stack.append(_Frame(quotes.close if level == "true" else quotes.close_inner,
                                top.italic, top.bold, top.caps, level))
            continue
        opened, closes = _open(ch, state)
        if opened is None:
            out.append(ch)
            continue
        out.append(opened)
        stack.append(_Frame(CLOSE * closes, state[0], state[1], state[2], top.quote))
    while len(stack) > 1:
        out.append(stack.pop().close)
    return "".join(out)


def _open(ch: str, state: list) -> tuple[str | None, int]:
    """What an opening mark becomes in a context (italic, bold, caps); updates the context."""
    italic, bold, caps = state[0], state[1], state[2]
    if ch == OPEN["emph"]:
        state[0] = True
    elif ch == OPEN["strong"]:
        state[1] = True
    elif ch == OPEN["smallcaps"]:
        state[2] = True
    elif ch in (OPEN["roman"], STYLE_ROMAN):
        state[0] = False
        return (OPEN["roman"], 1) if italic else ("", 0)
    elif ch in (OPEN["normal"], STYLE_WEIGHT_NORMAL):
        state[1] = False
        return (OPEN["normal"], 1) if bold else ("", 0)
    elif ch in (OPEN["upright-caps"], STYLE_VARIANT_NORMAL):
        state[2] = False
        return (OPEN["upright-caps"], 1) if caps else ("", 0)
    elif ch == FIELD_EMPH:
        state[0] = not italic
        return (OPEN["roman"] if italic else OPEN["emph"]), 1
    elif ch == FIELD_STRONG:
        state[1] = not bold
        return (OPEN["normal"] if bold else OPEN["strong"]), 1
    elif ch == FIELD_SMALLCAPS:
        state[2] = not caps
        return (OPEN["upright-caps"] if caps else OPEN["smallcaps"]), 1
    elif ch == FIELD_NODECOR:
        marks = [OPEN[k] for k, on in (("roman", italic), ("normal", bold),
                                       ("upright-caps", caps)) if on]
        state[0] = state[1] = state[2] = False
        return "".join(marks), len(marks)
    elif ch not in OPEN.values() and ch not in CITE_OPENS:  # a cite mark passes through
        return None, 0
    return ch, 1


def quotes_of(style: Any) -> Quotes:
    """The quotation marks of a citeproc-py style's locale (its root element)."""
    def term(name: str, default: str) -> str:
        try:
            found = style.get_single_term(name=name)
        except (IndexError, AttributeError):
            found = None
        return str(found) if found else default

    inside = "false"
    for locale in getattr(style, "locales", None) or ():
        options = locale.find("cs:style-options", locale.nsmap)
        if options is not None and options.get("punctuation-in-quote") is not None:
            inside = options.get("punctuation-in-quote")
            break
    defaults = Quotes()
    return Quotes(term("open-quote", defaults.open), term("close-quote", defaults.close),
                  term("open-inner-quote", defaults.open_inner),
                  term("close-inner-quote", defaults.close_inner),
                  inside.strip().lower() == "true")
