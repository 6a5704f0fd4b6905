"""Characters a text file may not hold (controls, noncharacters): found, named and removed.

Manuscripts refuse them at their line and column; bibliographies, copied from PDFs and word
processors by reference managers, read a space-like one as a space and leave the rest out.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import Problem, display_path

# What a text file may not hold (tab and the line ends excepted): the C0 controls, DEL, the
# C1 controls and Unicode's noncharacters. None is text a reader can see: they come from
# copies out of PDFs and word processors, and pandoc's XHTML and the PDF fonts refuse them.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef"
    + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}"
              for plane in range(17))
    + "]")
# FORBIDDEN's characters of the Basic Multilingual Plane: without the astral noncharacters
# the class is searched about fifteen times faster (0.35 ms against 5 ms for 55 KB of text)
FORBIDDEN_BMP = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")


def has_forbidden(text: str) -> bool:
    """Whether ``text`` holds a character of :data:`FORBIDDEN`; an astral one is searched
    for only in a text that has astral characters."""
    if FORBIDDEN_BMP.search(text):
        return True
    return not text.isascii() and max(text) > "\uffff" and FORBIDDEN.search(text) is not None


CONTROL_NAMES = {
    0x07: "bell", 0x08: "backspace", 0x0B: "vertical tab", 0x0C: "form feed",
    0x1B: "escape", 0x7F: "DEL", 0x85: "next line",
}
CONTROL_HINTS = {
    0x0B: "remove it (a line break copied from a word processor: end the line with a "
          "backslash for a line break)",
    0x0C: "remove it (a page break copied from a PDF: write \\newpage for a page break)",
}
MAX_CONTROL_PROBLEMS = 20
# Control characters that stand for a space where a reference manager copied them from a PDF
# or a word processor.
SPACE_LIKE = frozenset("\x0b\x0c\x1c\x1d\x1e\x1f\x85")


def control_name(char: str) -> str:
    """``control character U+000C (form feed)``, ``noncharacter U+FFFE``."""
    code = ord(char)
    kind = "noncharacter" if code > 0x9F else "control character"
    name = CONTROL_NAMES.get(code)
    return f"{kind} U+{code:04X}" + (f" ({name})" if name else "")


def without_controls(text: str) -> str:
    """``text`` with its control characters and noncharacters out: a space-like one
    (form feed, vertical tab) read as a space, any other removed."""
    return FORBIDDEN.sub(lambda m: " " if m.group() in SPACE_LIKE else "", text)


def control_fate(char: str) -> str:
    """What :func:`without_controls` does with ``char``, in words."""
    return "read as a space" if char in SPACE_LIKE else "left out"


def control_character_problems(path: Path, text: str) -> list[Problem]:
    """One problem per control character or noncharacter in ``text``, at its line and column.

    After :data:`MAX_CONTROL_PROBLEMS` of them, one more problem counts the rest.
    """
    shown = display_path(path)
    problems: list[Problem] = []
    found = 0
    for number, line in enumerate(text.split("\n"), start=1):
        for match in FORBIDDEN.finditer(line):
            found += 1
            if found > MAX_CONTROL_PROBLEMS:
                continue
            what = control_name(match.group())
            hint = CONTROL_HINTS.get(ord(match.group()), "remove it")
            problems.append(Problem(shown, number, f"{what} at column {match.start() + 1}: "
                                    f"{hint}", code="control-character"))
    if found > MAX_CONTROL_PROBLEMS:
        problems.append(Problem(shown, None, f"{found - MAX_CONTROL_PROBLEMS} more control "
                                "characters or noncharacters not listed", code="control-character"))
    return problems
