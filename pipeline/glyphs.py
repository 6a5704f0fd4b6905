"""Characters the project's fonts can draw, known before anything is rendered.

The PDF writer refuses a character none of ``styles/fonts/`` has (the file
would depend on the build machine's fonts); ``check`` finds the same
characters in the edition's text from the fonts' character maps, so they are
reported in the same run as every other problem, without rendering.  Each run
of such characters (a word of another script, say) is one problem at its
line and column, naming every character of the run, not one per character.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .errors import ERROR, Problem, Problems, display_path
from .model import Manuscript
from .tree import Node, rewrite

# Drawn without a glyph of their own: spaces, joiners, marks of direction, controls.
ADD_FONT = ("add a font that has {0} (a file in styles/fonts/, declared in "
            "styles/css/fonts.css), or write {0} another way")
INVISIBLE = {"Cc", "Cf", "Zs", "Zl", "Zp"}
# Variation selectors ask for a presentation of the character before them (U+FE0F: as an
# emoji, as every phone writes "⚠️"); a font without them draws that character as it has it.
# What pandoc's emoji extension reads: a name between colons.
EMOJI_MARK = re.compile(r":[\w+-]+:")
SELECTORS = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")


@functools.cache
def drawable(fonts: Path) -> frozenset[int]:
    """Every code point some font in ``fonts`` maps to a glyph."""
    from fontTools.ttLib import TTFont

    points: set[int] = set()
    for path in sorted(fonts.glob("*.[ot]tf")):
        with TTFont(path, lazy=True) as font:
            # Only the code points matter: plain glyph names spare fontTools deriving
            # every name from the character map (four fifths of the time here).
            font.setGlyphOrder([f"g{i}" for i in range(font["maxp"].numGlyphs)])
            points.update(font.getBestCmap() or {})
    return frozenset(points)


def check_glyphs(manuscript: Manuscript, text: str, styles: Path, problems: Problems) -> None:
    """One problem per run of body-text characters that none of the project's fonts has.

    ``text``: the body's characters (:func:`body_text`).
    """
    fonts = styles / "fonts"
    known = drawable(fonts)
    if not known:
        return
    missing = {ch for ch in set(text) if ord(ch) not in known}
    problems.extend(missing_character_problems(manuscript, missing, fonts))


TEXT = ("Str", "Code", "CodeBlock")  # the elements that hold the body's characters


def body_text(nodes: Iterable[Node]) -> str:
    """The characters of every word and piece of code among ``nodes`` (a ``tree.walk`` of the
    body, which its caller may use for more), one string."""
    return "\0".join(node["c"] if node["t"] == "Str" else node["c"][1]
                      for node in nodes if node["t"] in TEXT)


def without_selectors(ast: Mapping[str, Any], text: str) -> dict[str, Any]:
    """The AST with variation selectors out of its text: no font here draws them.

    Left in, they make the renderer look for a font that has both the selector
    and the character before it, find none, and draw that character as a box.
    ``text``: the body's characters (:func:`body_text`).
    """
    def strip(node: Any) -> Any:
        if node["t"] == "Str" and SELECTORS.search(node["c"]):
            return {"t": "Str", "c": SELECTORS.sub("", node["c"])}
        if node["t"] in ("Code", "CodeBlock") and SELECTORS.search(node["c"][1]):
            return {"t": node["t"], "c": [node["c"][0], SELECTORS.sub("", node["c"][1])]}
        return None

    if not SELECTORS.search(text):  # the common case: nothing to strip
        return {**ast, "blocks": list(ast["blocks"])}
    # what holds no selector is shared with ``ast``
    return {**ast, "blocks": rewrite(list(ast["blocks"]), strip, TEXT)}


def runs(text: str, missing: set[str]) -> list[tuple[int, int, str]]:
    """(line index, column from 1, run) of each run of ``missing`` characters in ``text``.

    A run may hold spaces between missing characters ('漢字 テスト' is one run).
    """
    found = []
    for index, line in enumerate(text.split("\n")):
        start = end = None
        for column, ch in enumerate(line):
            if ch in missing:
                start = column if start is None else start
                end = column
            elif start is not None and not ch.isspace():
                found.append((index, start + 1, line[start:end + 1]))
                start = None
        if start is not None:
            found.append((index, start + 1, line[start:end + 1]))
    return found


def _described(run: str) -> tuple[str, str, str]:
    """('character(s) 'run' (U+...)', verb, pronoun) for a run of characters."""
    characters = list(dict.fromkeys(ch for ch in run if not ch.isspace()))
    codes = ", ".join(f"U+{ord(ch):04X}" for ch in characters)
    if len(characters) == 1:
        return f"character '{run}' ({codes})", "is", "it"
    return f"characters '{run}' ({codes})", "are", "them"


def missing_character_problems(manuscript: Manuscript, characters: Iterable[str],
                               fonts: Path, text: str | None = None,
                               at: tuple[int | None, int] = (1, 1),
                               where: str = "none of the project's fonts",
                               hint: str = ADD_FONT) -> list[Problem]:
    """One problem per run of ``characters`` in the manuscript file, or in ``text``.

    ``at`` is the (line, column) where ``text`` starts in the manuscript file.
    Characters found nowhere are named together in one problem without a line.
    """
    missing = {ch for ch in characters if unicodedata.category(ch) not in INVISIBLE
               and not SELECTORS.match(ch)}
    if not missing:
        return []
    if text is None:
        text = manuscript.path.read_text(encoding="utf-8", errors="replace")
        at = (1, 1)
    first, offset = at
    path = display_path(manuscript.path)
    problems, seen = [], set()
    for index, column, run in runs(text, missing):
        seen.update(run)
        column += offset - 1 if index == 0 else 0
        what, verb, pronoun = _described(run)
        problems.append(Problem(
            path, None if first is None else first + index,
            f"{what} at column {column} {verb} in {where}: " + hint.format(pronoun),
            ERROR, "font"))
    rest = "".join(sorted(missing - seen))
    if rest:
        what, verb, pronoun = _described(rest)
        problems.append(Problem(path, None, f"{what} {verb} in {where}: "
                                + hint.format(pronoun), ERROR, "font"))
    return problems


def drawn_emoji(manuscript: Manuscript, ast: Mapping[str, Any], styles: Path,
                problems: Problems) -> dict[str, Any]:
    """The AST with each emoji that pandoc's ``emoji`` extension read (``:smile:``) as its
    character when a font of the project draws it (``:warning:``, ⚠), else as written, with
    a warning at its line: the file would otherwise depend on the reader's fonts.

    One between letters or digits is text as written: ``1:100:1000`` is a dilution.
    """
    from .source_lines import nth_line_outside_code

    # pandoc makes an emoji of ":name:" only (raw HTML may write its span): a body without
    # either is not walked
    if not (EMOJI_MARK.search(manuscript.body) or "emoji" in manuscript.body):
        return {**ast, "blocks": list(ast["blocks"])}
    known = drawable(styles / "fonts")
    seen: dict[str, int] = {}

    def read(node: Node, before: Any, after: Any) -> Node:
        name = dict(node["c"][0][2]).get("data-emoji", "")
        written = f":{name}:"
        if _glued(before, -1) or _glued(after, 0):
            return {"t": "Str", "c": written}
        character = SELECTORS.sub("", "".join(n["c"] for n in node["c"][1] if n["t"] == "Str"))
        if not known or all(ord(ch) in known for ch in character):
            return {"t": "Str", "c": character}
        seen[written] = seen.get(written, 0) + 1
        codes = ", ".join(f"U+{ord(ch):04X}" for ch in character)
        problems.warn(manuscript.path, nth_line_outside_code(manuscript, written, seen[written]),
                      f"emoji '{written}' ({character}, {codes}) is in none of the project's "
                      f"fonts: it is shown as written; {ADD_FONT.format('it')}", code="font")
        return {"t": "Str", "c": written}

    def visit(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: visit(v) for k, v in value.items()} if "c" in value else value
        if not isinstance(value, list):
            return value
        out: list[Any] = []
        for index, item in enumerate(value):
            if isinstance(item, dict) and item.get("t") == "Span" \
                    and "emoji" in item["c"][0][1]:
                out.append(read(item, out[-1] if out else None,
                                value[index + 1] if index + 1 < len(value) else None))
            else:
                out.append(visit(item))
        return out

    return {**ast, "blocks": visit(list(ast["blocks"]))}


def _glued(node: Any, end: int) -> bool:
    """Whether ``node`` is a word whose character at ``end`` is a letter or a digit."""
    return isinstance(node, dict) and node.get("t") == "Str" and bool(node["c"]) \
        and node["c"][end].isalnum()
