"""Hugo's and Quarto's shortcodes that a handout can show, written as pandoc's Markdown.

- Hugo's ``{{< figure src="x.png" alt="..." caption="..." >}}`` on a line of its own is
  that figure, ``![caption](x.png){alt="..."}`` (its ``title`` is the caption when it
  has none); without ``alt`` the caption is the picture's text, and without either the
  image is an error as any image without alt text is.
- A box of Hugo's themes, ``{{< notice warning >}}`` (also ``hint``, ``callout``,
  ``admonition``, ``alert``, and ``{{% ... %}}``) on a line of its own, up to its
  ``{{< /notice >}}``, is the callout box its type means (as MkDocs's types, see
  :mod:`.mkdocs`), its ``title="..."`` the box's title.
- Quarto's ``{{< kbd Ctrl-C >}}`` is a key, ``<kbd>Ctrl-C</kbd>`` (of ``mac=`` /
  ``win=`` / ``linux=`` forms, the first).

Each is rewritten line for line, so every line keeps its number; fenced and inline code
keep them as written.  Other shortcodes are read after pandoc (see :mod:`.dialects`).
"""

from __future__ import annotations

import html
import re

from .fences import fenced
from .mkdocs import TIPS, WARNINGS, _quoted

SHORTCODE = re.compile(r"\{\{([<%])[ \t]*(/?)([\w-]+)((?:[^>%\n]|>(?!\}\})|%(?!\}\}))*?)"
                       r"[ \t]*[>%]\}\}")
PARAM = re.compile(r"(?:([\w-]+)[ \t]*=[ \t]*)?(?:\"((?:[^\"\\]|\\.)*)\"|'([^'\n]*)'|([^\s\"']+))")
BOXES = frozenset(("notice", "hint", "callout", "admonition", "alert", "note", "tip",
                   "warning", "info", "danger", "caution", "important"))
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")


def _params(text: str) -> tuple[list[str], dict[str, str]]:
    """The positional and named parameters of a shortcode's text after its name."""
    positional: list[str] = []
    named: dict[str, str] = {}
    for match in PARAM.finditer(text):
        value = next((g for g in match.groups()[1:] if g is not None), "")
        value = value.replace('\\"', '"')
        if match.group(1):
            named[match.group(1).lower()] = value
        else:
            positional.append(value)
    return positional, named


def _bracketed(text: str) -> str:
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def _figure(params: str) -> str:
    positional, named = _params(params)
    source = named.get("src") or (positional[0] if positional else "")
    caption = named.get("caption") or named.get("title") or ""
    alt = named.get("alt", "")
    attrs = f'{{alt="{_quoted(alt)}"}}' if alt and alt != caption else ""
    return f"![{_bracketed(caption)}]({source.replace(' ', '%20')}){attrs}"


def _box(name: str, params: str) -> str:
    positional, named = _params(params)
    kind = (named.get("type") or named.get("style") or (positional[0] if positional else "")
            or name).lower()
    box = "tip" if kind in TIPS else "warning" if kind in WARNINGS else "note"
    title = named.get("title", "")
    attrs = f' title="{_quoted(title)}"' if title.strip() else ""
    return f"::: {{.callout-{box}{attrs}}}"


def _key(params: str) -> str:
    positional, named = _params(params)
    keys = positional or list(named.values())
    return f"<kbd>{html.escape(keys[0], quote=False)}</kbd>" if keys else ""


def _line(line: str, opened: list[str]) -> str:
    """``line`` with the shortcodes of the module read; ``opened`` the boxes it is in."""
    whole = SHORTCODE.fullmatch(line.strip())
    indent = line[:len(line) - len(line.lstrip())]
    if whole:
        _, closing, name, params = whole.groups()
        name = name.lower()
        if name == "figure" and not closing:
            return indent + _figure(params)
        if name in BOXES and not closing:
            opened.append(name)
            return indent + _box(name, params)
        if name in BOXES and closing and opened and opened[-1] == name:
            opened.pop()
            return indent + ":::"
    if "kbd" not in line:
        return line
    code = [(m.start(), m.end()) for m in CODE_SPAN.finditer(line)]
    return SHORTCODE.sub(lambda m: _key(m.group(4)) if m.group(3) == "kbd" and not m.group(2)
                         and not any(s <= m.start() < e for s, e in code) else m.group(0), line)


def hugo_shortcodes(text: str) -> str:
    """``text`` with the shortcodes of the module written as pandoc's Markdown."""
    if "{{" not in text:
        return text
    lines = text.split("\n")
    opened: list[str] = []
    out = [line if code or "{{" not in line else _line(line, opened)
           for line, code in zip(lines, fenced(lines), strict=True)]
    return "\n".join(out)
