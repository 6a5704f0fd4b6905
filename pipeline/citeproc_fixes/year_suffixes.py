"""Year suffixes collapsed in a citation: which run together, and where each sits in a cite.

``Smith 2000a, b`` and, with ``year-suffix-ranged``, ``2000a–c``: three or
more letters in a row make a range; a suffix the style formats keeps its
formatting when it stands alone (see ``cluster.py``).
"""

from __future__ import annotations

from ..citeproc_marks import CLOSE, OPEN

FORMAT_OPENS = "".join(OPEN.values())


def suffix_spans(letters: list[str], ranged: bool) -> list[tuple[int, int]]:
    """['a', 'b', 'c', 'e'] as [(0, 2), (3, 3)] when ranged (three or more in a row)."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(letters):
        j = i
        if ranged:
            while (j + 1 < len(letters) and len(letters[j]) == len(letters[j + 1]) == 1
                   and ord(letters[j + 1]) == ord(letters[j]) + 1):
                j += 1
            if j - i < 2:
                j = i
        spans.append((i, j))
        i = j + 1
    return spans


def suffix_at_end(text: str, letter: str) -> tuple[str, str, str, str]:
    """``text`` as (head, marks opening the suffix, their closing marks, closing marks after).

    A year suffix the style formats (``<text variable="year-suffix"
    font-style="italic"/>``) ends the text with its own marks; each collapsed
    suffix takes the same formatting: '2020<i>a</i>, <i>b</i>'.  Without the
    suffix at the end, the text is the head.
    """
    closing = len(text) - len(text.rstrip(CLOSE))
    body = text[:len(text) - closing]
    if not letter or not body.endswith(letter):
        return text, "", "", ""
    body = body[:len(body) - len(letter)]
    opening = len(body) - len(body.rstrip(FORMAT_OPENS))
    opening = min(opening, closing)
    return (body[:len(body) - opening], body[len(body) - opening:], CLOSE * opening,
            CLOSE * (closing - opening))
