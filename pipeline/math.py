"""TeX math: read once by pandoc, drawn as SVG for print, MathML in the EPUB.

pandoc's own TeX reader (texmath, what ``--mathml`` uses) is the single
reader of a formula: the MathML it writes is what the EPUB carries and what
ziamath lays out, in pure Python with the OpenType MATH table of the
project's math font (``styles/fonts/math/``), as SVG for WeasyPrint: each
glyph's outline a ``<symbol>``, placed with ``<use>`` (drawn into the PDF by
:mod:`.formats.formula_images`).  No TeX installation and no network are
involved.

A formula pandoc cannot read would be printed as its TeX source; it is an
error at its line instead.  Drawings are remembered per process, so a
formula used twice (or in two editions) is laid out once.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import html
import json
import re
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from . import formula_store
from .errors import Problems
from .glyphs import drawable, missing_character_problems
from .math_words import UNDRAWN, spelled
from .model import Manuscript
from .pandoc import markdown_to_ast, resident_convert, run_pandoc
from .tree import Node, rewrite, walk
from .ziamath_patches import ziamath as patched_ziamath

MATH_FONT = Path("fonts") / "math" / "STIXTwoMath-Regular.ttf"  # relative to styles/
SIZE = 20.0  # the em of a drawing, in SVG user units; the print CSS scales it by em
# STIX Two has smaller capitals than Noto Sans: drawn 8 % larger, formulas match the text
SCALE = 1.08
MATHML_NS = "http://www.w3.org/1998/Math/MathML"
PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)


@dataclass(frozen=True)
class Formula:
    """One formula as pandoc read it: TeX, display or inline, and its MathML (or why not)."""

    tex: str
    display: bool
    mathml: str | None
    failure: str | None = None


@dataclass(frozen=True)
class Drawing:
    """A formula drawn as SVG, its box in em of the surrounding text."""

    svg: str
    width: float
    height: float
    depth: float  # below the baseline
    words: str = ""  # what it says, as text (the PDF writes it invisibly over the drawing)


def math_nodes(blocks: Iterable[Node]) -> list[tuple[bool, str]]:
    """(display, TeX) of every Math node, in document order."""
    return [(node["c"][0]["t"] == "DisplayMath", node["c"][1]) for node in walk(list(blocks))
            if node["t"] == "Math"]


def has_formulas(blocks: Iterable[Node]) -> bool:
    """Whether ``blocks`` hold TeX math or MathML written as raw HTML."""
    return any(node["t"] == "Math" or (node["t"] in ("RawInline", "RawBlock")
                                        and "<math" in node["c"][1])
               for node in walk(list(blocks)))


def has_formulas_written(blocks: Iterable[Node], written: str) -> bool:
    """``has_formulas(blocks)`` for ``blocks`` serialised (with the rest) as ``written``.

    JSON that holds no Math node and no ``<math`` holds no formula: no walk.
    """
    if '"t": "Math"' not in written and "<math" not in written:
        return False
    return has_formulas(blocks)


_READ: dict[tuple[bool, str], Formula] = {}


def read_formulas(items: Iterable[tuple[bool, str]]) -> dict[tuple[bool, str], Formula]:
    """Every formula through pandoc's TeX reader, in one pandoc run for those not yet read."""
    wanted = list(dict.fromkeys(items))
    missing = [item for item in wanted if item not in _READ]
    if missing:
        _READ.update(_pandoc_read(missing))
    return {item: _READ[item] for item in wanted}


def _pandoc_read(items: list[tuple[bool, str]]) -> dict[tuple[bool, str], Formula]:
    """The formulas through the resident pandoc; a refused one again on the command line.

    Only the command line logs why texmath refused a formula.
    """
    kind = {True: {"t": "DisplayMath"}, False: {"t": "InlineMath"}}
    ast = {"pandoc-api-version": markdown_to_ast("")["pandoc-api-version"], "meta": {},
           "blocks": [{"t": "Para", "c": [{"t": "Math", "c": [kind[display], tex]}]}
                      for display, tex in items]}
    data = json.dumps(ast).encode("utf-8")
    quick = resident_convert("json", "html5", {"html_math_method": "mathml",
                                               "wrap_text": "wrap-none"}, data)
    if quick is not None:
        paragraphs = PARAGRAPH.findall(quick.decode("utf-8"))
        if len(paragraphs) == len(items) and all(
                written.lstrip().startswith("<math") for written in paragraphs):
            return {(display, tex): Formula(tex, display, written.strip())
                    for (display, tex), written in zip(items, paragraphs, strict=True)}
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "log.json"
        out = run_pandoc(["--from", "json", "--to", "html5", "--mathml", "--wrap=none",
                          f"--log={log}"], data).decode("utf-8")
        messages = json.loads(log.read_text(encoding="utf-8") or "[]") if log.exists() else []
    reasons = {m.get("contents"): m.get("message", "") for m in messages
               if m.get("type") == "CouldNotConvertTeXMath"}
    paragraphs = PARAGRAPH.findall(out)
    if len(paragraphs) != len(items):  # pragma: no cover - pandoc wrote something else
        raise RuntimeError(f"pandoc wrote {len(paragraphs)} formulas for {len(items)}")
    read = {}
    for (display, tex), written in zip(items, paragraphs, strict=True):
        if written.lstrip().startswith("<math"):
            read[(display, tex)] = Formula(tex, display, written.strip())
        else:
            read[(display, tex)] = Formula(tex, display, None, reasons.get(tex, ""))
    return read


def _reason(formula: Formula) -> tuple[str, int, int | None]:
    """What texmath expected, and where in the formula: (why, line index, column from 1)."""
    lines = (formula.failure or "").split("\n")
    why = next((line.strip() for line in lines if line.startswith("unexpected")),
               "not TeX math pandoc can read")
    caret = next((i for i, line in enumerate(lines) if line.strip() == "^"), 0)
    if caret == 0:
        return why, 0, None
    shown = lines[caret - 1]
    tex_lines = formula.tex.split("\n")
    index = next((i for i, line in enumerate(tex_lines) if line == shown), 0)
    column = lines[caret].index("^") + 1
    # texmath points past an unknown command; the reader wants where it starts
    command = why.rsplit(" ", 1)[-1] if "control sequence" in why else ""
    before = shown[:column - 1].rstrip()
    if command and before.endswith(command):
        column = len(before) - len(command) + 1
    return why, index, column


def _locate(manuscript: Manuscript, tex: str) -> tuple[int | None, int]:
    """Body line and column (from 1) where ``tex`` starts; no line when it is not found."""
    body = manuscript.body
    at = body.find(tex)
    if at < 0:
        first = next((line.strip() for line in tex.split("\n") if line.strip()), "")
        at = body.find(first) if first else -1
    if at < 0:
        return None, 1
    line = body.count("\n", 0, at)
    return manuscript.body_line + line, at - (body.rfind("\n", 0, at) + 1) + 1


def check_math(manuscript: Manuscript, ast: Mapping[str, Any], problems: Problems,
               styles: Path) -> None:
    """A formula pandoc's TeX reader refuses is an error at its line, not TeX in print.

    So is a character of a formula the math font lacks (it would be drawn as a box).
    """
    items = math_nodes(ast["blocks"])
    font = drawable(styles / MATH_FONT.parent)
    for formula in read_formulas(items).values() if items else ():
        if formula.mathml is not None:
            lacking = {ch for ch in _text_of(formula.mathml) if ord(ch) not in font}
            if lacking:
                problems.extend(missing_character_problems(
                    manuscript, lacking, styles / MATH_FONT.parent, formula.tex,
                    _locate(manuscript, formula.tex), where="no formula font",
                    hint="write {0} outside the formula, as text"))
            continue
        why, line_in, column_in = _reason(formula)
        line, column = _locate(manuscript, formula.tex)
        if line is not None:
            line += line_in
            if column_in is not None:
                column = column + column_in - 1 if line_in == 0 else column_in
        where = f" (column {column})" if line is not None else ""
        fence = "$$" if formula.display else "$"
        if re.search(r"\\(?:def|let|gdef|edef)(?![A-Za-z])", why):
            where += (": define a macro with \\newcommand{\\name}{...}, in the formula or on a "
                      "line of its own before the text")
        elif re.search(r"\\(?:eq)?ref(?![A-Za-z])", why):
            where += (": a formula is not numbered for a reference; write its number as text, "
                      "(1), and \\tag{1} on the formula")
        problems.add(manuscript.path, line,
                     f"TeX math {fence}{alternative(formula.tex)}{fence} cannot be read: "
                     f"{why}{where}",
                     code="math")


def _presentation(mathml: str) -> ET.Element:
    """pandoc's MathML without its ``semantics`` wrapper and TeX annotation."""
    root = ET.fromstring(mathml)
    for parent in list(root.iter()):
        for index, child in enumerate(list(parent)):
            if child.tag.rsplit("}", 1)[-1] == "semantics":
                drawn = [c for c in child if c.tag.rsplit("}", 1)[-1] not in UNDRAWN]
                parent.remove(child)
                for offset, element in enumerate(drawn):
                    parent.insert(index + offset, element)
    return root


def formula_words(tex: str) -> str:
    """A formula in words for a text-only place (a bookmark): see :func:`spelled`.

    Its TeX on one line when pandoc cannot read it.
    """
    formula = read_formulas([(False, tex)])[(False, tex)]
    if formula.mathml is None:
        return alternative(tex)
    return spelled(ET.fromstring(formula.mathml)) or alternative(tex)


def _text_of(mathml: str) -> str:
    """The characters a formula draws (its TeX annotation left out)."""
    return "".join(_presentation(mathml).itertext())


VIEW_BOX = re.compile(r'<svg\b[^>]*?\bviewBox="([^"]*)"')
@functools.lru_cache(maxsize=1024)
def draw(mathml: str, font: str) -> Drawing:
    """``mathml`` laid out by ziamath with ``font``: its SVG and the box in em.

    Remembered per process, and kept in the render cache's formula store
    when the build has one (see :mod:`.formula_store`): a formula laid out
    once is read back, without importing the typesetter.
    """
    digest = formula_store.key(mathml, font, SIZE, SCALE) if formula_store.folder() else ""
    kept = formula_store.load(digest) if digest else None
    if kept is not None:
        try:
            return Drawing(str(kept["svg"]), float(kept["width"]), float(kept["height"]),
                           float(kept["depth"]))
        except (KeyError, TypeError, ValueError):
            pass  # a damaged entry: drawn again and kept anew
    ziamath = patched_ziamath()
    root = _presentation(mathml)
    svg = ziamath.Math(root, size=SIZE, font=font).svg()
    box = VIEW_BOX.search(svg)  # of the root: ziamath writes it first, and nothing nested
    _x, top, width, height = (float(v) for v in (box.group(1) if box else "").split())
    em = SIZE / SCALE
    drawing = Drawing(svg, width / em, height / em, (top + height) / em)
    if digest:
        formula_store.save(digest, {"svg": drawing.svg, "width": drawing.width,
                                    "height": drawing.height, "depth": drawing.depth})
    return drawing


_ADDRESSED: ContextVar[dict[str, Drawing] | None] = ContextVar("addressed", default=None)
ADDRESS = "formula:"  # see pipeline/formats/formula_images.py


@contextlib.contextmanager
def drawings_by_address() -> Iterator[dict[str, Drawing]]:
    """Within the block, :func:`image_html` names a drawing by a short address kept here.

    The print PDF's image loader reads the drawing from there
    (:mod:`.formats.formula_images`) instead of decoding a ``data:`` URL and
    parsing its SVG; outside the block the HTML carries the drawing itself.
    """
    book: dict[str, Drawing] = {}
    token = _ADDRESSED.set(book)
    try:
        yield book
    finally:
        _ADDRESSED.reset(token)


def addressed(url: str) -> Drawing | None:
    """The drawing :func:`image_html` named ``url`` in the open :func:`drawings_by_address`."""
    book = _ADDRESSED.get()
    return book.get(url) if book is not None else None


def image_html(formula: Formula, drawing: Drawing) -> str:
    """An ``<img>`` of the drawing, sized in em, the TeX as its alternative text.

    A display formula is wrapped in a block that centres it.  While drawings
    are addressed (:func:`drawings_by_address`) the image gives its own size
    and depth in em (:mod:`.formats.formula_images`), and has no style.
    """
    book = _ADDRESSED.get()
    alt = html.escape(alternative(formula.tex), quote=True)
    if book is None:
        data = base64.b64encode(drawing.svg.encode("utf-8")).decode("ascii")
        style = (f"width:{drawing.width:.3f}em;height:{drawing.height:.3f}em;"
                 f"vertical-align:{-drawing.depth:.3f}em")
        image = (f'<img class="math" src="data:image/svg+xml;base64,{data}" alt="{alt}" '
                 f'style="{style}"/>')
    else:
        source = ADDRESS + hashlib.sha256(drawing.svg.encode("utf-8")).hexdigest()[:32]
        book[source] = replace(drawing, words=_words(formula))
        image = f'<img class="math" src="{source}" alt="{alt}"/>'
    return f'<span class="math display">{image}</span>' if formula.display else image


def _words(formula: Formula) -> str:
    """The formula as a reader would type it (:func:`spelled`), else its TeX on one line."""
    try:
        return spelled(ET.fromstring(formula.mathml or "")) or alternative(formula.tex)
    except ET.ParseError:
        return alternative(formula.tex)


def alternative(tex: str) -> str:
    """The alternative text of a formula: its TeX on one line."""
    return " ".join(tex.split())


RAW_MATH = re.compile(r"<math\b.*?</math>", re.DOTALL)


def draw_for_print(blocks: list[Node], styles: Path) -> list[Node]:
    """Each formula as raw HTML drawing it (the print HTML has no MathML renderer).

    Math nodes (TeX) and MathML written as raw HTML (kept whole and cleaned
    by :mod:`.raw`) are drawn alike.
    """
    found = [node for node in walk(blocks) if node["t"] in ("Math", "RawInline", "RawBlock")]
    items = [(node["c"][0]["t"] == "DisplayMath", node["c"][1]) for node in found
             if node["t"] == "Math"]
    if not items and not any("<math" in node["c"][1] for node in found):
        return blocks  # nothing to draw
    formulas = read_formulas(items) if items else {}
    font = str(styles / MATH_FONT)

    def raw_formula(match: re.Match[str]) -> str:
        try:
            element = ET.fromstring(match.group(0))
            text = element.get("alttext") or element.get("aria-label") or " ".join(
                piece.strip() for piece in element.itertext() if piece.strip())
            formula = Formula(text, element.get("display") == "block", match.group(0))
            return image_html(formula, draw(formula.mathml or "", font))
        except Exception:  # noqa: BLE001 - MathML ziamath cannot lay out stays as written
            return match.group(0)

    def replace(node: Node) -> Any:
        if node["t"] in ("RawInline", "RawBlock") and "<math" in node["c"][1]:
            return {"t": node["t"], "c": [node["c"][0], RAW_MATH.sub(raw_formula, node["c"][1])]}
        if node["t"] != "Math":
            return None
        formula = formulas[(node["c"][0]["t"] == "DisplayMath", node["c"][1])]
        if formula.mathml is None:
            return None  # refused by check_math before any rendering
        return {"t": "RawInline", "c": ["html", image_html(formula, draw(formula.mathml, font))]}

    return rewrite(blocks, replace, only=("RawInline", "RawBlock", "Math"))


ALTTEXT = re.compile(rb"<math\b(?![^>]*\balttext=)([^>]*)>(.*?)</math>", re.DOTALL)
TOKEN_TEXT = re.compile(rb">([^<]+)<")
ARIA_LABEL = re.compile(rb'\baria-label\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
ANNOTATION = re.compile(rb'<annotation encoding="application/x-tex">(.*?)</annotation>',
                        re.DOTALL)


def label_mathml(xhtml: bytes) -> bytes:
    """Give every ``<math>`` of an EPUB document an ``alttext``: its TeX, else its tokens.

    MathML written as raw HTML has no TeX; its alternative text is its
    ``aria-label`` when it has one, else the text of its tokens, spaced
    (``y = x 2``), unless it has an ``alttext`` already.
    """
    if b"<math" not in xhtml:
        return xhtml

    def label(match: re.Match[bytes]) -> bytes:
        tex = ANNOTATION.search(match.group(2))
        aria = ARIA_LABEL.search(match.group(1))
        if aria is not None:
            text = html.unescape((aria.group(1) or aria.group(2) or b"").decode("utf-8"))
        elif tex is not None:
            text = html.unescape(tex.group(1).decode("utf-8"))
        else:
            text = " ".join(html.unescape(token.decode("utf-8")).strip()
                            for token in TOKEN_TEXT.findall(match.group(2)) if token.strip())
        alt = html.escape(alternative(text), quote=True)
        return b"<math alttext=\"" + alt.encode("utf-8") + b"\"" + match.group(1) + b">" \
            + match.group(2) + b"</math>"

    return ALTTEXT.sub(label, xhtml)
