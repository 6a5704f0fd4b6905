"""Jekyll's Liquid tags and kramdown's attribute lists, read line for line.

A Jekyll page (GitHub Pages, a Minimal Mistakes or Just the Docs site) is
kramdown with Liquid in it.  pandoc's Markdown has neither and would print
each mark as written.  Before pandoc reads the text:

- ``{% highlight python %}`` ... ``{% endhighlight %}`` is a code block of
  that language (the two lines become its fences);
- ``{% raw %}`` and ``{% endraw %}`` are left out (what they hold is shown
  as written, which is what they ask for);
- a Liquid comment (``{% comment %}`` ... ``{% endcomment %}``), a kramdown
  comment (``{::comment}`` ... ``{:/comment}``), a variable (``{{ page.title }}``),
  a tag that decides what shows (``{% if %}``, ``{% for %}``, ``{% assign %}``,
  ...), an attribute list (``{: .lead}``, ``{:#id}``), kramdown's table of contents
  (``* TOC`` then ``{:toc}``; MultiMarkdown's ``{{TOC}}``), ``{::options ... /}`` and
  Zola's shortcodes (``{{ youtube(id="x") }}``, and the tags of ``{% note() %}`` ...
  ``{% end %}``, whose text is shown) are left out, each with a
  warning at its line (:func:`liquid_problems`): a handout fills nothing in and
  runs no template.

Every cut keeps its line breaks, so every other line keeps its number.  Fenced
and inline code keep these marks as written.  ``{% include %}`` and the other
tags that embed a file are read later, with HackMD's (see :mod:`.dialects`).
"""

from __future__ import annotations

import re

from .errors import Problems
from .fences import cut_keeping_lines
from .model import Manuscript
from .obsidian import BARRIER, _masked

HIGHLIGHT = re.compile(r"^([ \t]{0,3})\{%-?[ \t]*highlight[ \t]+([\w+#.-]+)[^%\n]*-?%\}[ \t]*$"
                       r"|^([ \t]{0,3})\{%-?[ \t]*endhighlight[ \t]*-?%\}[ \t]*$", re.MULTILINE)
RAW_TAG = re.compile(r"\{%-?[ \t]*(?:end)?raw[ \t]*-?%\}")
CONTROL = ("if", "elsif", "else", "endif", "unless", "endunless", "for", "endfor", "case",
           "when", "endcase", "assign", "capture", "endcapture", "increment", "decrement",
           "cycle", "break", "continue", "tablerow", "endtablerow")
FOUND = re.compile(
    r"(?P<comment>\{%-?[ \t]*comment[ \t]*-?%\}.*?\{%-?[ \t]*endcomment[ \t]*-?%\})"
    r"|(?P<kcomment>\{::comment\}.*?\{:/(?:comment)?\})"
    rf"|(?P<control>\{{%-?[ \t]*(?:{'|'.join(CONTROL)})\b[^%\n]*-?%\}})"
    r"|(?P<mmdtoc>\{\{TOC(?::\d+(?:-\d+)?)?\}\})"
    r"|(?P<zcall>\{\{-?[ \t]*[A-Za-z_]\w*\((?:[^(){}\n\"]|\"[^\"\n]*\")*\)[ \t]*-?\}\})"
    r"|(?P<zbody>\{%-?[ \t]*(?:[A-Za-z_]\w*\((?:[^()%\n\"]|\"[^\"\n]*\")*\)|end)[ \t]*-?%\})"
    r"|(?P<variable>\{\{-?[ \t]*[A-Za-z_][\w.\[\]'\"-]*[ \t]*(?:\|[^{}\n]*)?-?\}\})"
    r"|(?P<toc>^[ \t]*(?:[-*+]|1\.)[ \t]+TOC[ \t]*\n[ \t]*\{:[ \t]*(?:toc|\.no_toc)[ \t]*\}[ \t]*$)"
    r"|(?P<options>\{::options[^}\n]*/\})"
    r"|(?P<attributes>\{:(?![:/])[^{}\n]+\})",
    re.DOTALL | re.MULTILINE)
MARKS = ("{%", "{{", "{:")
NAMES = {"comment": "a Liquid comment", "kcomment": "a kramdown comment",
         "control": "a Liquid tag", "variable": "a Liquid variable",
         "toc": "kramdown's table of contents", "mmdtoc": "a table of contents",
         "options": "kramdown's options",
         "zcall": "a shortcode", "zbody": "a shortcode's tag",
         "attributes": "a kramdown attribute list"}
OWNERS = {"mmdtoc": "MultiMarkdown", "zcall": "Zola", "zbody": "Zola"}  # the others are Jekyll's (Liquid and kramdown)
SAID = {
    "comment": "for a note to the editors write an HTML comment <!-- ... -->, which no file "
               "shows",
    "kcomment": "for a note to the editors write an HTML comment <!-- ... -->, which no file "
                "shows",
    "control": "a handout runs no template: the text around it is shown",
    "variable": "a handout fills in no template: write the words themselves",
    "toc": "the PDF's bookmarks and the EPUB's contents list the headings",
    "mmdtoc": "the PDF's bookmarks and the EPUB's contents list the headings",
    "options": "a handout has its own settings",
    "zcall": "a handout runs no template: write what it would show (a picture as "
             "![what it shows](file.png))",
    "zbody": "a handout runs no template: the text it holds is shown",
    "attributes": "pandoc's Markdown writes them otherwise ({#id .class} after a heading, "
                  "::: {.class} around a block); a handout's look is its own",
}


def _highlights(text: str) -> str:
    """``text`` with each highlight tag's line written as a code fence."""
    if "highlight" not in text:
        return text
    return HIGHLIGHT.sub(lambda m: f"{m.group(1)}```{m.group(2)}" if m.group(2)
                         else f"{m.group(3)}```", text)


def _found(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of each mark of :data:`FOUND` in ``text``, outside code and raw."""
    masked = _masked(text)
    raw = [(m.start(), m.end()) for m in re.finditer(
        r"\{%-?[ \t]*raw[ \t]*-?%\}.*?(?:\{%-?[ \t]*endraw[ \t]*-?%\}|\Z)", masked, re.DOTALL)]
    return [(m.start(), m.end(), m.lastgroup or "") for m in FOUND.finditer(masked)
            if BARRIER not in m.group(0) and not any(s <= m.start() < e for s, e in raw)]


def without_liquid(text: str) -> str:
    """``text`` with Liquid's and kramdown's marks read (see the module), line for line."""
    if not any(mark in text for mark in MARKS):
        return text
    text = _highlights(text)
    found = _found(text)
    text = cut_keeping_lines(text, [(s, e) for s, e, _kind in found]) if found else text
    return RAW_TAG.sub("", text) if "raw" in text else text


def liquid_problems(manuscript: Manuscript, problems: Problems) -> None:
    """A warning at the line of each Liquid or kramdown mark that is left out."""
    body = manuscript.body
    if not any(mark in body for mark in MARKS):
        return
    body = _highlights(body)
    for start, end, kind in _found(body):
        written = " ".join(body[start:end].split())
        shown = written if len(written) <= 40 else written[:36] + " ..." + written[-3:]
        line = manuscript.body_line + body.count("\n", 0, start)
        problems.warn(manuscript.path, line,
                      f"'{shown}' is {NAMES[kind]} ({OWNERS.get(kind, 'Jekyll')}'s), which "
                      "pandoc's Markdown does not have: it is left out of the handout; "
                      f"{SAID[kind]}", code="liquid")
