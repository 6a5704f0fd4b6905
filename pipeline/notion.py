"""Notion's callouts (``<aside>`` with an icon) as boxes, line for line.

A Notion page exported as Markdown writes a callout as an ``<aside>`` block whose
text opens with the callout's icon, an emoji: ``<aside>``, ``💡 Read this first.``,
``</aside>``, each on a line of its own.  pandoc's Markdown keeps the ``<aside>`` as
raw HTML and the emoji as text, which no font of the handout may draw (an error).
Such a block is the box it shows, written as a Quarto callout, its icon left out and
read for the box's kind: a warning sign, a siren, a no-entry sign or an exclamation
mark a ``warning``, a light bulb a ``tip``, any other a ``note``.  An ``<aside>``
whose text opens with no emoji is a note too.  Code keeps them as written.
"""

from __future__ import annotations

import re
import unicodedata

from .obsidian import _masked

OPEN = re.compile(r"^( {0,3})<aside>[ \t]*$", re.IGNORECASE)
CLOSE = re.compile(r"^ {0,3}</aside>[ \t]*$", re.IGNORECASE)
ICON = re.compile(r"^( {0,3})(\S{1,3})[ \t]+(?=\S)")
WARNING = frozenset("⚠❗❕‼🚨⛔🛑🚫☢☣🔥")
TIP = frozenset("💡✨👉✅✔")


def _icon(word: str) -> str | None:
    """The kind of box an icon stands for, if ``word`` is an emoji (with its selectors)."""
    base = [c for c in word if c not in "\ufe0f\ufe0e\u200d" and not 0x1F3FB <= ord(c) <= 0x1F3FF]
    if not base or not all(unicodedata.category(c) == "So" for c in base):
        return None
    if base[0] in WARNING:
        return "warning"
    return "tip" if base[0] in TIP else "note"


def as_callouts(text: str) -> str:
    """``text`` with each Notion callout (an ``<aside>`` block) written as a box."""
    if "<aside" not in text and "<ASIDE" not in text:
        return text
    lines = text.split("\n")
    masked = _masked(text).split("\n")
    index = 0
    while index < len(lines):
        opener = OPEN.match(masked[index])
        if not opener:
            index += 1
            continue
        end = next((i for i in range(index + 1, len(lines)) if CLOSE.match(masked[i])), None)
        if end is None or any(OPEN.match(m) for m in masked[index + 1:end]):
            index += 1
            continue
        first = next((i for i in range(index + 1, end) if lines[i].strip()), None)
        icon = ICON.match(lines[first]) if first is not None else None
        kind = _icon(icon.group(2)) if icon else None
        if icon and kind:
            lines[first] = icon.group(1) + lines[first][icon.end():]
        kind = kind or "note"
        lines[index] = f"{opener.group(1)}::: {{.callout-{kind}}}"
        lines[end] = ":::"
        index = end + 1
    return "\n".join(lines)
