"""Code chunks of R Markdown and Quarto (```` ```{r label, echo=FALSE} ````), shown as code.

knitr and Quarto run such a chunk and put its output in the document; pandoc's
Markdown has no chunks, and ``{r ...}`` is no attribute list it reads, so the
fence is not read as a fence at all: the chunk's lines run together into a
paragraph of inline code.  A handout never runs code, so a chunk is shown as a
code block of its language (the fence written ```` ```r ````, line for line,
so every line keeps its number) and :func:`chunk_problems` warns at its line,
as it does for knitr's inline code (`` `r mean(age)` ``).  A chunk shown
inside another code block (a tutorial's example) is left as written.
"""

from __future__ import annotations

import re

from .errors import Problems
from .fences import FENCE
from .model import Manuscript
from .myst import as_boxes
from .mystmarkup import ENGINES, as_pandoc, comment_problems, is_myst
from .tree import Node, str_inlines

# An opening fence whose braces start with a bare word (the engine): {r}, {python}, {r x, echo=F}
CHUNK = re.compile(r"^( {0,3})(`{3,}|~{3,})[ \t]*\{[ \t]*([A-Za-z][\w-]*)([ \t,][^}]*)?\}[ \t]*$")
# MyST's directives take an argument after the braces: {code-cell} python, {figure} chart.png
DIRECTIVE = re.compile(r"^( {0,3})(`{3,}|~{3,})[ \t]*\{([A-Za-z][\w:-]*)\}[ \t]*(\S.*?)[ \t]*$")
COLON_DIRECTIVE = re.compile(r"^ {0,3}:{3,}[ \t]*\{([A-Za-z][\w:-]*)\}")
MYST_ROLE = re.compile(r"\{[a-z][\w:-]*\}`[^`\n]+`")
MYST_CODE = ("code-cell", "code", "code-block", "sourcecode")
INLINE_R = re.compile(r"(?<!`)`r [^`\n]+`(?!`)")


def _scan(text: str) -> list[tuple[int, str, re.Match[str] | None]]:
    """Each line (index, text, its chunk match) with whether it is outside code."""
    out: list[tuple[int, str, re.Match[str] | None]] = []
    fence: str | None = None
    for index, line in enumerate(text.split("\n")):
        if fence is not None:
            stripped = line.strip()
            if stripped and set(stripped) == {fence[0]} and len(stripped) >= len(fence):
                fence = None
            continue
        chunk = CHUNK.match(line) or DIRECTIVE.match(line)
        opener = FENCE.match(line)
        if chunk or opener:
            fence = (chunk or opener).group(2 if chunk else 1)
        out.append((index, line, chunk))
    return out


# A fence whose info string has words after the language, as CommonMark reads it (GitHub,
# MkDocs, Docusaurus, VitePress): 'python title="app.py"', 'js {1,3}', 'js showLineNumbers'.
# pandoc's Markdown reads no fence there, and the block's lines run together as inline code.
# VitePress writes the lines to highlight right after the language ('js{2,4}') and a title in
# brackets ('js [config.js]').
INFO = re.compile(r"^( {0,3})(`{3,}|~{3,})[ \t]*([\w+#.-]+)(?:[ \t]+|(?=\{[\d,\s-]*\}))"
                  r"([^\s{`][^`]*?|\{[\d,\s-]*\}[^`]*?)[ \t]*$")
ANY_INFO = re.compile(r"^ {0,3}(?:`{3,}|~{3,})[ \t]*[\w+#.-]+(?:[ \t]+\S|\{\d)", re.MULTILINE)
TITLE = re.compile(r"""\btitle=(?:"([^"]*)"|'([^']*)'|([^\s"']+))|\[([^\[\]\n]+)\][ \t]*$""")


def _info_fence(info: re.Match[str]) -> str:
    """A fence with words after its language as pandoc's Markdown reads one: the language,
    and the block's title (``title="app.py"``) as its attribute."""
    title = TITLE.search(info.group(4))
    if title is None:
        return f"{info.group(1)}{info.group(2)}{info.group(3)}"
    text = next(g for g in title.groups() if g is not None)
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'{info.group(1)}{info.group(2)}{{.{info.group(3)} title="{text}"}}'


def as_code_fences(text: str) -> str:
    """``text`` with each chunk's opening fence written as a code block's (```` ```r ````),
    and each fence with words after its language as pandoc reads one."""
    if "{" not in text and not ANY_INFO.search(text):
        return text
    found = [(index, chunk or info) for index, line, chunk in _scan(text)
             if chunk or (info := INFO.match(line))]
    if not found:
        return text
    lines = text.split("\n")
    for index, chunk in found:
        if chunk.re is INFO:
            lines[index] = _info_fence(chunk)
            continue
        language = _language(chunk)
        if chunk.re is CHUNK:  # marked, so that its option lines can be left out
            language = f"{{.{language} .{CHUNK_CLASS}}}"
        lines[index] = f"{chunk.group(1)}{chunk.group(2)}{language}"
    return "\n".join(lines)


CHUNK_CLASS = "knitr-chunk"
# Quarto's chunk options, the first lines of its code: "#| label: fig-x", "//| echo: false".
OPTION_LINE = re.compile(r"^[ \t]*(?:#|//|--|%%)\|")


def without_options(node: Node) -> Node | None:
    """A chunk's code block without its option lines and its mark; None for other code."""
    ident, classes, attrs = node["c"][0]
    if CHUNK_CLASS not in classes:
        return None
    lines = node["c"][1].split("\n")
    kept = 0
    while kept < len(lines) and OPTION_LINE.match(lines[kept]):
        kept += 1
    classes = [c for c in classes if c != CHUNK_CLASS]
    return {"t": "CodeBlock", "c": [[ident, classes, attrs], "\n".join(lines[kept:])]}


def titled_code(node: Node) -> list[Node] | None:
    """A code block with a title (``title="app.py"``) as the title in bold, then the code,
    as MkDocs and Docusaurus show it; None for other code."""
    ident, classes, attrs = node["c"][0]
    title = next((v for k, v in attrs if k == "title"), None)
    if title is None:
        return None
    code = {"t": "CodeBlock", "c": [[ident, classes, [[k, v] for k, v in attrs if k != "title"]],
                                    node["c"][1]]}
    return [{"t": "Para", "c": [{"t": "Strong", "c": str_inlines(title)}]}, code] \
        if title.strip() else [code]


def _language(chunk: re.Match[str]) -> str:
    """The language a chunk's code is shown in: its engine, a MyST code cell's argument."""
    if chunk.re is CHUNK:
        return chunk.group(3).lower()
    if chunk.group(3).lower() in MYST_CODE:
        return chunk.group(4).split()[0].lower()
    return ""


def chunk_problems(manuscript: Manuscript, problems: Problems) -> None:
    """A warning at each chunk and each piece of knitr's inline code: neither is run.

    MyST's directives other than its admonitions (which :mod:`.myst` reads as
    boxes) are warned about too: a code cell is not run, anything else is
    shown as code (a backtick fence) or as text (a colon fence).
    """
    comment_problems(manuscript, problems)
    for index, line, chunk in _scan(as_boxes(as_pandoc(manuscript.body))):
        where = manuscript.body_line + index
        header = line.strip().lstrip("`~:").strip()
        myst = chunk is not None and chunk.re is CHUNK and not chunk.group(4) \
            and chunk.group(3).lower() not in ENGINES and is_myst(manuscript.body)
        if chunk and (chunk.re is DIRECTIVE or myst):
            language = "" if myst else _language(chunk)
            problems.warn(manuscript.path, where,
                          f"MyST code cell '{header}' is not run: its code is shown as "
                          f"{language} code" if language else
                          f"MyST directive '{header}' is not supported: its text is shown as "
                          "code", code="code-chunk")
        elif not chunk and MYST_ROLE.search(line):
            for match in MYST_ROLE.finditer(line):
                problems.warn(manuscript.path, where,
                              f"MyST role {match.group(0)} is not supported: it is shown as "
                              "text; write it as pandoc's Markdown (a link, [@key], $math$)", code="code-chunk")
        elif not chunk and COLON_DIRECTIVE.match(line):
            problems.warn(manuscript.path, where,
                          f"MyST directive '{header}' is not supported: it is shown as text; "
                          "the boxes ':::{note}', ':::{tip}' and ':::{warning}' are read",
                          code="code-chunk")
        elif chunk:
            engine = chunk.group(3).lower()
            problems.warn(manuscript.path, where,
                          f"code chunk '{header}' (R Markdown's, Quarto's) is not run: its code "
                          f"is shown as {engine} code; knit the document first, or write "
                          f"'```{engine}' for code that is meant to be shown",
                          code="code-chunk")
        elif "`r " in line:
            for match in INLINE_R.finditer(line):
                problems.warn(manuscript.path, where,
                              f"inline R code {match.group(0)} is not run: it is shown as "
                              "code; knit the document first", code="code-chunk")
