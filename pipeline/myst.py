"""MyST's admonitions (```` ```{note} ````, ``:::{warning}``, ``{admonition} Title``) as boxes.

MyST Markdown (Jupyter Book, Sphinx) writes a callout as a directive: a code
fence, or a colon fence, whose braces name it.  pandoc's Markdown reads the
first as a code block and the second as text, so the box would be lost.  An
admonition is written here as the Quarto callout it means, line for line (so
every line keeps its number): NOTE, IMPORTANT, HINT and SEEALSO a ``note``,
TIP a ``tip``, WARNING, CAUTION, ATTENTION, DANGER and ERROR a ``warning``, and
a DROPDOWN (folded on a web page) a ``note`` shown open;
the directive's argument (``{admonition} Before you start``) is the box's
title, and its option lines (``:class: tip``) are left out.  A target line
(``(label)=``) is left out, so that the heading under it stays a heading, as are
a notebook's cell breaks (``+++``).  A formula's label after its closing ``$$``
(``$$ (my-eq)``, pandoc-crossref's ``$$ {#eq:x}``, Quarto's ``$$ {#eq-x}``) names it: the
formula, from the line that opens it, is written in a span of that id and the class
``equation``, which :mod:`.crossrefs` numbers.  Other directives
(``{figure}``, ``{code-cell}``) are left to :mod:`.chunks`, which warns.
"""

from __future__ import annotations

import re

from .fences import FENCE

BOXES = {"note": "note", "important": "important", "hint": "note", "seealso": "note",
         "admonition": "note", "tip": "tip", "warning": "warning", "caution": "caution",
         "attention": "warning", "danger": "warning", "error": "warning",
         "dropdown": "note"}
OPENER = re.compile(r"^( {0,3})(`{3,}|~{3,}|:{3,})[ \t]*\{([A-Za-z][\w:-]*)\}[ \t]*(.*?)[ \t]*$")
OPTION = re.compile(r"^[ \t]*:[\w-]+:")
TARGET = re.compile(r"^ {0,3}\([\w.:-]+\)=[ \t]*$")
# a notebook's cell break (``+++``, with or without the cell's metadata) and the label after
# a display formula's closing ``$$`` (``$$ (my-eq)``), for MyST's {eq} role
# HackMD's, Docusaurus's and VuePress's boxes: ":::info", ":::tip Title", ":::note[Title]"
TITLED = re.compile(r"^( {0,3})(:{3,})[ \t]*([A-Za-z]+)(?:\[(.*)\]|[ \t]+([^{\s].*?))?[ \t]*$")
OTHER_BOXES = {"info": "note", "success": "tip", "spoiler": "note", "details": "note",
               "secondary": "note"}
CELL_BREAK = re.compile(r"^\+\+\+([ \t]+\{.*\})?[ \t]*$")
EQUATION_LABEL = re.compile(r"^( {0,3}\$\$)[ \t]*\(([\w.:-]+)\)[ \t]*$")
# pandoc-crossref's and Quarto's label after a formula's closing $$: "$$ x = 1 $$ {#eq:x}",
# "$$ {#eq-x}"
CROSSREF_LABEL = re.compile(r"^(.*\$\$)[ \t]*\{#(eq[:-][\w.:-]+)\}[ \t]*$")


def is_box(name: str) -> bool:
    """Whether ``{name}`` opening a fence is a MyST admonition read as a box."""
    return name.lower() in BOXES


def as_boxes(text: str) -> str:
    """``text`` with each MyST admonition written as a Quarto callout, line for line."""
    if "{" not in text and ":::" not in text:
        return text
    lines = text.split("\n")
    code: str | None = None  # the fence of the code block the line is in
    open_boxes: list[str] = []  # the fences of the admonitions the line is in
    options = False
    math: int | None = None  # the line that opened the display formula the line is in
    for index, line in enumerate(lines):
        stripped = line.strip()
        if code is not None:
            if stripped and set(stripped) == {code[0]} and len(stripped) >= len(code):
                code = None
            continue
        if options and OPTION.match(line):
            lines[index] = ""
            continue
        options = False
        if open_boxes and stripped and set(stripped) == {open_boxes[-1][0]} \
                and len(stripped) >= len(open_boxes[-1]):
            open_boxes.pop()
            lines[index] = ":::"
            continue
        if TARGET.match(line) or CELL_BREAK.match(line):  # a label for MyST's {ref}: a blank
            lines[index] = ""  # line, so a heading under it stays a heading
            continue
        label = EQUATION_LABEL.match(line) or CROSSREF_LABEL.match(line)
        if label:  # the formula, from the line that opens it, in a span that names it
            start = index if label.group(1).count("$$") % 2 == 0 else math
            math = None
            lines[index] = f"{label.group(1)}]{{#{label.group(2)} .equation}}"
            if start is not None:
                lines[start] = re.sub(r"^( *)", r"\1[", lines[start], count=1)
            else:
                lines[index] = label.group(1)
            continue
        if line.count("$$") % 2:  # a display formula opens or closes
            math = index if math is None else None
        titled = TITLED.match(line)
        name = titled.group(3).lower() if titled else ""
        if titled and (name in OTHER_BOXES or name in BOXES and (
                titled.group(4) is not None or titled.group(5) or BOXES[name] != name)):
            kind = OTHER_BOXES.get(name) or BOXES[name]
            title = (titled.group(4) or titled.group(5) or "").strip()
            title = title.replace("\\", "\\\\").replace('"', '\\"')
            attrs = f' title="{title}"' if title else ""
            lines[index] = f"{titled.group(1)}{titled.group(2)} {{.callout-{kind}{attrs}}}"
            continue
        opener = OPENER.match(line)
        if opener and is_box(opener.group(3)):
            kind = BOXES[opener.group(3).lower()]
            title = opener.group(4).replace("\\", "\\\\").replace('"', '\\"')
            attrs = f' title="{title}"' if title else ""
            lines[index] = f"{opener.group(1)}::: {{.callout-{kind}{attrs}}}"
            if opener.group(2)[0] != ":":
                open_boxes.append(opener.group(2))
            options = True
            continue
        fence = FENCE.match(line)
        if fence:
            code = fence.group(1)
    return "\n".join(lines)
