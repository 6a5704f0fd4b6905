"""HackMD's and pymdownx's inline marks written as pandoc's Markdown, line for line.

- ``++text++`` (HackMD, markdown-it-ins) and ``^^text^^`` (pymdownx.caret) are
  inserted text: underlined, as ``[text]{.underline}`` is.  ``++ctrl+alt+del++``,
  whose parts are all keys (pymdownx.keys), is a keyboard shortcut: each key in
  ``<kbd>`` (``Ctrl+Alt+Del``).
- Bear's and Ulysses's ``::text::`` is highlighted, as ``==text==`` is.
- HackMD's tags ``[name=Ana Ruiz]`` and ``[time=Tue, Mar 3]`` show their value (HackMD
  puts an icon before it), in italics; ``[color=#f00]``, which colours a quote's border,
  is left out.

Fenced code and inline code keep these as written.
"""

from __future__ import annotations

import re

from .fences import fenced

INSERTED = re.compile(r"(?<![+\w\\])\+\+(?=[^\s+])([^\n]*?[^\s+\\])\+\+(?![+\w])"
                      r"|(?<![\^\w\\])\^\^(?=[^\s^])([^\n]*?[^\s^\\])\^\^(?![\^\w])")
# Bear's and Ulysses's highlight, "::text::" (never inside a word: std::vector::size is text)
HIGHLIGHT = re.compile(r"::(?<![\w:\\]::)(?=[^\s:])([^\n]*?[^\s:\\])::(?![\w:])")
TAG = re.compile(r"\[(name|time|color)=([^\[\]\n]*)\](?![(\[:])")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
KEYS = frozenset((
    "ctrl", "control", "alt", "shift", "cmd", "command", "option", "opt", "meta", "win",
    "windows", "super", "fn", "del", "delete", "backspace", "enter", "return", "tab", "esc",
    "escape", "space", "spacebar", "up", "down", "left", "right", "arrow-up", "arrow-down",
    "arrow-left", "arrow-right", "home", "end", "page-up", "page-down", "pgup", "pgdn",
    "insert", "ins", "caps-lock", "print-screen", "menu", *(f"f{n}" for n in range(1, 13))))


def _key(name: str) -> str:
    lowered = name.lower()
    if lowered in ("ctrl", "alt", "cmd", "del", "esc", "fn", "ins"):
        return lowered.capitalize()
    if len(name) == 1 or lowered.startswith("f") and lowered[1:].isdigit():
        return name.upper()
    return " ".join(part.capitalize() for part in lowered.split("-"))


def _inserted(match: re.Match[str]) -> str:
    text = match.group(1) if match.group(1) is not None else match.group(2)
    parts = text.split("+")
    if match.group(1) is not None and all(p.lower() in KEYS or len(p) == 1 and p.isalnum()
                                          for p in parts) \
            and (len(parts) > 1 or parts[0].lower() in KEYS):
        return "+".join(f"<kbd>{_key(p)}</kbd>" for p in parts)
    return f"[{text}]{{.underline}}"


def _tag(match: re.Match[str]) -> str:
    if match.group(1) == "color" or not match.group(2).strip():
        return ""
    return f"*{match.group(2).strip()}*"


def _line(line: str) -> str:
    spans = [m.span() for m in CODE_SPAN.finditer(line)] if "`" in line else []

    def outside(rewrite):
        def replace(match: re.Match[str]) -> str:
            if any(a <= match.start() < b for a, b in spans):
                return match.group(0)
            return rewrite(match)
        return replace

    if "++" in line or "^^" in line:
        line = INSERTED.sub(outside(_inserted), line)
        spans = [m.span() for m in CODE_SPAN.finditer(line)] if "`" in line else []
    if "=" in line and "[" in line:
        line = TAG.sub(outside(_tag), line)
        spans = [m.span() for m in CODE_SPAN.finditer(line)] if "`" in line else []
    if "::" in line and not line.lstrip().startswith(":::"):
        line = HIGHLIGHT.sub(outside(lambda m: f"[{m.group(1)}]{{.mark}}"), line)
    return line


def as_pandoc(text: str) -> str:
    """``text`` with HackMD's and pymdownx's inline marks written as pandoc's, line for line."""
    if "++" not in text and "^^" not in text and "[name=" not in text \
            and "[time=" not in text and "[color=" not in text \
            and ("::" not in text or HIGHLIGHT.search(text) is None):
        return text
    lines = text.split("\n")
    for index, (line, code) in enumerate(zip(lines, fenced(lines), strict=True)):
        if not code:
            lines[index] = _line(line)
    return "\n".join(lines)
