"""Characters the project's fonts can draw, known before anything is rendered.

The PDF writer refuses a character none of ``styles/fonts/`` has (the file
would depend on the build machine's fonts); ``check`` finds the same
characters in the edition's text from the fonts' character maps, so they are
reported in the same run as every other problem, without rendering.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import Problems, display_path
from .model import Manuscript
from .tree import walk

# Drawn without a glyph of their own: spaces, joiners, marks of direction, controls.
INVISIBLE = {"Cc", "Cf", "Zs", "Zl", "Zp"}


@functools.cache
def drawable(fonts: Path) -> frozenset[int]:
    """Every code point some font in ``fonts`` maps to a glyph."""
    from fontTools.ttLib import TTFont

    points: set[int] = set()
    for path in sorted(fonts.glob("*.[ot]tf")):
        with TTFont(path, lazy=True) as font:
            points.update(font.getBestCmap() or {})
    return frozenset(points)


def check_glyphs(manuscript: Manuscript, ast: Mapping[str, Any], styles: Path,
                 problems: Problems) -> None:
    """One problem per character of the body text that none of the project's fonts has."""
    from .body import source_line

    fonts = styles / "fonts"
    known = drawable(fonts)
    if not known:
        return
    missing: set[str] = set()
    for node in walk(ast["blocks"]):
        if node["t"] == "Str":
            text = node["c"]
        elif node["t"] in ("Code", "CodeBlock"):
            text = node["c"][1]
        else:
            continue
        missing.update(ch for ch in text if ord(ch) not in known
                       and unicodedata.category(ch) not in INVISIBLE)
    for ch in sorted(missing):
        problems.add(manuscript.path, source_line(manuscript, ch),
                     f"character '{ch}' (U+{ord(ch):04X}) is in none of the project's fonts "
                     f"({display_path(fonts)}): add it to the fonts or write it another way",
                     code="font")
