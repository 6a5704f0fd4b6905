"""MyST's comments, formulas, figures, code blocks and citations as pandoc's Markdown.

A Jupyter Book page (MyST Markdown) writes what pandoc's Markdown has in other words;
each is written here as pandoc's own, line for line (so every line keeps its number),
in a page that has MyST's marks (a directive ```` ```{name} ````, a role ``{name}`x```
or a target ``(label)=``: ``%`` begins a line of many other texts):

- a comment line (``% a note to the team``) is left out, as MyST leaves it out;
- a ```` ```{math} ```` directive is a display formula, numbered when it has a ``:label:``
  (as ``$$ ... $$ {#eq-x}`` is, see :mod:`.crossrefs`), and ``{eq}`label``` its number,
  "(1)";
- a ```` ```{figure} path ```` directive (backticks or colons) is the figure: its first
  paragraph the caption, ``:name:`` its id, ``:alt:`` its description, ``:width:`` and
  ``:height:`` its size; a ```` ```{image} path ```` the picture, its ``:alt:`` its
  description (it has no caption: the picture stays in the text's flow);
- a ```` ```{code-block} python ```` (``{code}``, ``{sourcecode}``) is a code block, its
  ``:caption:`` the block's title and its other options left out;
- a ```` ```{list-table} Title ```` whose cells are each a line of text is a table, its
  title the caption and ``:name:`` its id (``:header-rows: 1``: its first row the header);
- a ```` ```{bibliography} ```` directive places the reference list, as ``::: {#refs}``;
- a ```` ```{epigraph} ```` (``{pull-quote}``, ``{highlights}``) is a block quote, a last
  line ``-- A. Name`` its attribution, "— A. Name";
- ``{doc}`setup``` (a link to another page of the book) is read as reStructuredText's
  ``:doc:`` role (see :mod:`.rstroles`);
- a target line (``(dosing)=``) right above a heading is the heading's id, and
  ``{ref}`dosing``` a link to it that reads as the heading (``{ref}`the doses <dosing>```
  reads "the doses"); ``{numref}`fig-knee``` is Quarto's ``@fig-knee`` ("Figure 1") for a
  label that starts as Quarto's do (``fig-``, ``tbl-``), else read as ``{ref}``;
- ``{cite}`key``` and ``{cite:p}`a,b``` (sphinxcontrib-bibtex) are citations
  ``[@a; @b]``, ``{cite:t}`key``` the narrative ``@key``, ``{cite:year}`key``` ``[-@key]``.

What the handout cannot show (MyST's ``{ref}``, ``{numref}`` and ``{eq}`` roles, other
directives) is left to :mod:`.chunks`, which warns at its line; so are the comments.
"""

from __future__ import annotations

import re

from .errors import Problems
from .fences import FENCE
from .model import Manuscript
from .myst import OPENER

OPTION = re.compile(r"^[ \t]*:([\w-]+):[ \t]*(.*?)[ \t]*$")
ROLE = re.compile(r"\{[a-z][\w:-]*\}`[^`\n]+`")
TARGET = re.compile(r"^ {0,3}\([\w.:-]+\)=[ \t]*$", re.MULTILINE)
COMMENT = re.compile(r"^%(?!%)")
NAMED = re.compile(r"\{([A-Za-z][\w:-]*)\}")
FENCE_ONLY = re.compile(r" {0,3}(?:`{3,}|~{3,}|:{3,})$")  # all a directive's line holds before it
HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+\S")
ROW = re.compile(r"^\*[ \t]+-[ \t]+(.*)$")  # a list-table's row, opened by its first cell
CELL = re.compile(r"^[ \t]+-[ \t]+(.*)$")
EQ = re.compile(r"\{eq\}`([\w.:-]+)`")
NUMREF = re.compile(r"\{numref\}`([\w.:-]+)`")
REF = re.compile(r"\{ref\}`(?:([^`<\n]*?)[ \t]*<([\w.:-]+)>|([\w.:-]+))`")
CITE = re.compile(r"\{cite(?::(p|ps|t|ts|year|yearpar))?\}`([\w.:/-]+(?:[ \t]*,[ \t]*[\w.:/-]+)*)`")
# the engines of R Markdown's and Quarto's chunks, whose fences look like directives
ENGINES = frozenset({"r", "python", "julia", "sql", "bash", "sh", "ojs", "js", "mermaid", "dot",
                     "stan", "rcpp", "cpp", "c", "sas", "perl", "ruby", "octave", "matlab"})
CODE = frozenset({"code-block", "code", "sourcecode"})
QUOTES = frozenset({"epigraph", "pull-quote", "highlights"})  # docutils' quotes
ATTRIBUTION = re.compile(r"^([ \t]*)(?:---?|\u2014)[ \t]+(?=\S)")  # "-- A. Clinician"
DOC = re.compile(r"\{doc\}`([^`\n]+)`")
PICTURES = frozenset({"figure", "image"})


def is_myst(text: str) -> bool:
    """Whether ``text`` has a MyST directive, role or target (its comments are read then)."""
    if "{" in text:
        if "}`" in text and ROLE.search(text):
            return True
        for match in NAMED.finditer(text):  # "{name}" (a literal brace first: a quick search)
            start = text.rfind("\n", 0, match.start()) + 1
            fence = text[start:match.start()].rstrip(" \t")
            if FENCE_ONLY.match(fence) and match.group(1).lower() not in ENGINES:
                return True
    return ")=" in text and TARGET.search(text) is not None


def _citation(match: re.Match[str]) -> str:
    keys = [k.strip() for k in match.group(2).split(",")]
    form = match.group(1) or "p"
    if form in ("t", "ts"):
        return ", ".join(f"@{k}" for k in keys)
    if form in ("year", "yearpar"):
        return "[" + "; ".join(f"-@{k}" for k in keys) + "]"
    return "[" + "; ".join(f"@{k}" for k in keys) + "]"


def _reference(match: re.Match[str]) -> str:
    """``{ref}`label``` as a link to what the label names, ``[](#label)``: a link without
    words to a heading reads as the heading (see :func:`.links.named_links`)."""
    if match.group(3):
        return f"[](#{match.group(3)})"
    return f"[{match.group(1)}](#{match.group(2)})"


def _numbered(match: re.Match[str]) -> str:
    """``{numref}`fig-knee``` as Quarto's ``@fig-knee`` ("Figure 1"), for a figure's or a
    table's label written as Quarto names them; any other as ``{ref}`` reads it."""
    label = match.group(1)
    return f"@{label}" if label.startswith(("fig-", "tbl-")) else f"[](#{label})"


def _name_heading(lines: list[str], index: int) -> None:
    """A target line right above a heading (blank lines between) names the heading: the
    label is written as its id, and the line left out."""
    after = next((i for i in range(index + 1, len(lines)) if lines[i].strip()), None)
    if after is None or not HEADING.match(lines[after]) or lines[after].rstrip().endswith("}"):
        return
    lines[after] = lines[after].rstrip() + " {#" + lines[index].strip()[1:-2] + "}"
    lines[index] = ""


def _list_table(title: str, options: dict[str, str], body: list[str],
                size: int) -> list[str] | None:
    """A ``{list-table}`` as a pipe table of ``size`` lines (its caption after it, with its
    ``:name:``), when each cell is a line of text; else None."""
    rows: list[list[str]] = []
    for line in body:
        cell = ROW.match(line) or CELL.match(line)
        if cell is None:
            if line.strip():
                return None
            continue
        if cell.re is ROW:
            rows.append([])
        elif not rows:
            return None
        rows[-1].append(cell.group(1).strip().replace("|", "\\|"))
    if not rows or len({len(r) for r in rows}) > 1:
        return None
    headed = options.get("header-rows", "0").strip() != "0"
    header = rows[0] if headed else [""] * len(rows[0])
    table = ["", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    table += ["| " + " | ".join(r) + " |" for r in rows[1 if headed else 0:]]
    if title.strip():
        table += ["", ": " + title.strip() + (f" {{#{options['name']}}}" if options.get("name")
                                               else "")]
    return table + [""] * (size - len(table)) if len(table) <= size else None


def _attribute(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _picture(name: str, target: str, options: dict[str, str], body: list[str]) -> list[str]:
    """The lines of a figure or an image directive's body as a picture, as many as given
    (the opener's and the closer's included)."""
    attrs = []
    if options.get("name"):
        attrs.append("#" + options["name"])
    for key in ("alt", "width", "height"):
        if options.get(key) and (key != "alt" or name == "figure"):
            attrs.append(f"{key}={_attribute(options[key])}")
    after = f"]({target})" + ("{" + " ".join(attrs) + "}" if attrs else "")
    out = [""] * len(body)
    words = [i for i, line in enumerate(body) if line.strip() and not OPTION.match(line)]
    caption: list[int] = []
    for i in words:  # the first paragraph: the caption; what follows: the legend, as text
        if caption and i != caption[-1] + 1:
            break
        caption.append(i)
    for i in words:
        out[i] = body[i]
    if name == "image" or not caption:
        alt = options.get("alt", "") if name == "image" or not caption else ""
        # the picture on the closing fence's line; an image's text after it keeps it inline
        out[-1] = f"![{alt}{after}" + ("\\ " if name == "image" else "")
        return out
    out[caption[0]] = "![" + body[caption[0]].strip()
    out[caption[-1]] = out[caption[-1]].rstrip() + after
    return out


def as_pandoc(text: str) -> str:
    """``text`` with MyST's comments, formulas, figures, code and citations as pandoc's
    Markdown, line for line (see the module); a text without MyST's marks as it is."""
    if "%" not in text and "{" not in text or not is_myst(text):
        return text
    lines = text.split("\n")
    code: str | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        if code is not None:
            stripped = line.strip()
            if stripped and set(stripped) == {code[0]} and len(stripped) >= len(code):
                code = None
            index += 1
            continue
        opener = OPENER.match(line)
        name = opener.group(3).lower() if opener else ""
        if opener and (name in PICTURES or name in CODE or name in QUOTES
                       or name in ("math", "bibliography", "list-table")):
            fence = opener.group(2)
            end = index + 1
            while end < len(lines) and not (lines[end].strip()
                                            and set(lines[end].strip()) == {fence[0]}
                                            and len(lines[end].strip()) >= len(fence)):
                end += 1
            if end == len(lines):  # never closed: left as written (pandoc reads it so)
                index += 1
                continue
            body = lines[index + 1:end]
            count = 0
            while count < len(body) and OPTION.match(body[count]):
                count += 1
            options = {m.group(1): m.group(2) for m in map(OPTION.match, body[:count]) if m}
            if name in QUOTES:  # its text a quote, an attribution its last line
                new = ["", *(">" + (" " + ATTRIBUTION.sub("\\1\u2014 ", line) if line.strip()
                                    else "") for line in body), ""]
            elif name == "bibliography":  # where the reference list goes
                new = ["::: {#refs}"] + [""] * len(body) + [":::"]
            elif name == "math":
                new = [""] * count + ["$$"] + body[count:] + ["$$"]
                if options.get("label"):  # named as a formula with its label after it is
                    new[count], new[-1] = "[$$", f"$$]{{#{options['label']} .equation}}"
            elif name in CODE:
                fence = "`" * max(3, len(fence)) if fence[0] == ":" else fence
                words = [f".{opener.group(4).split()[0]}"] if opener.group(4) else []
                if options.get("caption"):
                    words.append(f"title={_attribute(options['caption'])}")
                fenced = fence + ("{" + " ".join(words) + "}" if words else "")
                new = [""] * count + [fenced] + body[count:] + [fence]
            elif name == "list-table":
                new = _list_table(opener.group(4), options, body[count:], len(body) + 2)
                if new is None:  # a cell of more than a line: left, and warned as code
                    index = end + 1
                    continue
            else:
                new = _picture(name, opener.group(4), options, ["", *body, ""])
            lines[index:end + 1] = new
            index = end + 1
            continue
        fenced = FENCE.match(line)
        if fenced:
            code = fenced.group(1)
        elif COMMENT.match(line):
            lines[index] = ""
        elif TARGET.match(line):
            _name_heading(lines, index)
        elif "}`" in line:
            lines[index] = DOC.sub(r'`\1`{.interpreted-text role="doc"}', EQ.sub(
                r"([-@\1])", NUMREF.sub(_numbered, REF.sub(_reference, CITE.sub(_citation,
                                                                                 line)))))
        index += 1
    return "\n".join(lines)


def comment_problems(manuscript: Manuscript, problems: Problems) -> None:
    """A warning at each MyST comment line: it is left out of the handout."""
    if "%" not in manuscript.body:
        return
    read = as_pandoc(manuscript.body).split("\n")
    for index, line in enumerate(manuscript.body.split("\n")):
        if COMMENT.match(line) and not read[index]:
            problems.warn(manuscript.path, manuscript.body_line + index,
                          "'% ...' is a MyST comment: it is left out of the handout; for a "
                          "note to the editors write an HTML comment <!-- ... -->, which no "
                          "file shows", code="code-chunk")
