"""TeX math written for MathJax or LaTeX packages, as plain TeX that pandoc's reader knows.

Authors of chemistry and pharmacology texts write mhchem's ``\\ce{CO2 + H2O <=> H2CO3}``,
gensymb's ``\\degree``, xcolor's ``\\textcolor{red}{x}``, MathJax's ``\\require{cancel}``
and a display formula's ``\\label{eq:x}``, which texmath (pandoc's TeX reader) refuses,
and siunitx's units as letters (``\\si{mg.kg^{-1}}``), which it reads as italic
variables.  Each Math node is rewritten once, after the parse, to TeX texmath reads
and draws as those packages do: a chemical formula in ``\\mathrm`` with its counts as
subscripts and its charges as superscripts, a unit upright, ``^{\\circ}``, ``\\color``;
``\\require`` and ``\\label`` (only MathJax and LaTeX use them) are left out.  A
formula without these commands is not touched.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import Problems
from .fences import fenced
from .model import Manuscript
from .tree import Node, rewrite

COMMANDS = re.compile(r"\\(?:ce|pu|require|label|degree|textcolor|si|unit|SI|qty|SIrange|"
                      r"qtyrange)(?![A-Za-z])")
# siunitx's commands and how many arguments come before the unit
UNIT_AFTER = {"si": 0, "unit": 0, "SI": 1, "qty": 1, "SIrange": 2, "qtyrange": 2}
ARROWS = {"->": r"\rightarrow", "<-": r"\leftarrow", "<->": r"\leftrightarrow",
          "<=>": r"\rightleftharpoons", "<=>>": r"\rightleftharpoons",
          "<<=>": r"\rightleftharpoons", "=": "=", "+": "+"}
# an arrow with a condition above it: ->[k] or ->[{\Delta}]
ARROW_ABOVE = re.compile(r"^(->|<-|<=>)\[([^\]]*)\]$")
COEFFICIENT = re.compile(r"^(\d+(?:/\d+)?|\d*\.\d+)(?=[A-Z(\[])")
STATE = re.compile(r"\((s|l|g|aq)\)$")
COUNT = re.compile(r"(?<=[A-Za-z)\]])(\d+)")
CHARGE = re.compile(r"\^\{?([0-9]*[+-])\}?$|(?<=[A-Za-z)\]\d])([+-])$")  # HCO3-: a count, then -


def _argument(tex: str, start: int) -> tuple[str, int] | None:
    """The braced group opening at ``start`` (after spaces) and the index past it."""
    at = start
    while at < len(tex) and tex[at] == " ":
        at += 1
    if at >= len(tex) or tex[at] != "{":
        return None
    depth = 0
    for index in range(at, len(tex)):
        if tex[index] == "\\":
            continue
        if tex[index] == "{" and (index == 0 or tex[index - 1] != "\\"):
            depth += 1
        elif tex[index] == "}" and tex[index - 1] != "\\":
            depth -= 1
            if depth == 0:
                return tex[at + 1:index], index + 1
    return None


def _species(token: str) -> str:
    """One mhchem species (``2H2O``, ``SO4^2-``, ``NaCl(aq)``) as TeX."""
    if re.search(r"[.*]", token):  # a hydrate: CuSO4*5H2O
        return r"\cdot ".join(_species(part) for part in re.split(r"[.*]", token))
    coefficient = ""
    found = COEFFICIENT.match(token)
    if found:
        coefficient, token = found.group(1) + r"\,", token[found.end():]
    state = ""
    found_state = STATE.search(token)
    if found_state:
        state, token = r"\mathrm{(" + found_state.group(1) + ")}", token[:found_state.start()]
    charge = ""
    found_charge = CHARGE.search(token)
    if found_charge and token[:found_charge.start()]:
        charge = "^{" + (found_charge.group(1) or found_charge.group(2)) + "}"
        token = token[:found_charge.start()]
    return coefficient + r"\mathrm{" + COUNT.sub(r"_{\1}", token) + "}" + charge + state


def chemistry(equation: str) -> str:
    """mhchem's ``\\ce{...}`` argument as plain TeX (species, ``+``, arrows)."""
    out = []
    for token in equation.split():
        above = ARROW_ABOVE.match(token)
        if above:
            arrow = {"->": "xrightarrow", "<-": "xleftarrow",
                     "<=>": "xrightleftharpoons"}[above.group(1)]
            if arrow == "xrightleftharpoons":  # texmath has no such command
                out.append(r"\overset{" + above.group(2) + r"}{\rightleftharpoons}")
            else:
                out.append("\\" + arrow + "{" + above.group(2) + "}")
        elif token in ARROWS:
            out.append(ARROWS[token])
        elif token.startswith(("\\", "$")):
            out.append(token.strip("$"))
        else:
            out.append(_species(token))
    return " ".join(out)


def _units(tex: str, command: str, before: int, at: int, out: list[str]) -> int:
    """A siunitx command with its unit written literally (``mg.kg^{-1}``) upright, as siunitx
    draws it, ``.`` and ``~`` a thin space; ``out`` gets the command, the index past it is returned.

    texmath reads such a unit as variables (italic, the dot kept); a unit written with
    macros (``\\milli\\gram``) it reads right and is left as written.
    """
    out.append(command)
    for _ in range(before):
        group = _argument(tex, at)
        if group is None:
            return at
        out.append("{" + group[0] + "}")
        at = group[1]
    group = _argument(tex, at)
    if group is None:
        return at
    unit, at = group
    if "\\" not in unit:
        unit = r"\mathrm{" + re.sub(r"[.~]", r"\\,", unit) + "}"
    out.append("{" + unit + "}")
    return at


def plain_tex(tex: str) -> str:
    """``tex`` with mhchem, gensymb, xcolor and MathJax-only commands as texmath reads them."""
    if not COMMANDS.search(tex):
        return tex
    out: list[str] = []
    at = 0
    for found in COMMANDS.finditer(tex):
        if found.start() < at:
            continue
        name = found.group(0)[1:]
        out.append(tex[at:found.start()])
        at = found.end()
        if name == "degree":
            out.append(r"^{\circ}")
            continue
        if name == "textcolor":
            out.append(r"\color")
            continue
        if name in UNIT_AFTER:
            at = _units(tex, found.group(0), UNIT_AFTER[name], at, out)
            continue
        group = _argument(tex, at)
        if group is None:  # left as written: texmath says what it expected
            out.append(found.group(0))
            continue
        argument, at = group
        if name in ("ce", "pu"):
            out.append("{" + chemistry(argument) + "}")
    out.append(tex[at:])
    return "".join(out)


def plain_math(blocks: list[Node], text: str) -> list[Node]:
    """``blocks`` (parsed from ``text``) with every Math node's TeX as :func:`plain_tex` has it."""
    if not COMMANDS.search(text):
        return blocks

    def replace(node: Node) -> Any:
        if node["t"] != "Math":
            return None
        tex = plain_tex(node["c"][1])
        return None if tex == node["c"][1] else {"t": "Math", "c": [node["c"][0], tex]}

    return rewrite(blocks, replace, only=("Math",))


CODE_SPAN = re.compile(r"(`+).*?\1")
INLINE_DELIMITED = re.compile(r"\\\((.+?)\\\)")


def delimiter_problems(manuscript: Manuscript, problems: Problems) -> None:
    """A warning at each ``\\(...\\)`` and ``\\[`` of LaTeX and MathJax, which pandoc's
    Markdown reads as text (a parenthesis, a bracket), not as math, and prints as TeX."""
    body = manuscript.body
    if "\\(" not in body and "\\[" not in body:
        return
    lines = body.split("\n")
    for index, (line, code) in enumerate(zip(lines, fenced(lines), strict=True)):
        if code:
            continue
        text = CODE_SPAN.sub("", line)
        at = manuscript.body_line + index
        for found in INLINE_DELIMITED.finditer(text):
            problems.warn(manuscript.path, at,
                          f"'{found.group(0)[:60]}' is LaTeX's inline math, which pandoc's "
                          "Markdown reads as text: it is printed as TeX; write "
                          f"${found.group(1).strip()[:60]}$", code="math")
        if text.strip() == "\\[":
            problems.warn(manuscript.path, at,
                          "'\\[' starts LaTeX's display math, which pandoc's Markdown reads as "
                          "text: it is printed as TeX; write $$ here and for its '\\]'",
                          code="math")
