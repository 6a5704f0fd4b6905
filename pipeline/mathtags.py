"""Equation tags: ``\\tag{2}`` in display math, shown as "(2)" at the formula's right.

pandoc's TeX reader drops ``\\tag`` from the MathML it writes, and refuses
some formulas that have one, so the number would be lost in every format.
The tag becomes a span of class ``math-tag`` beside the formula (which is
then read without it), set at the right margin by each format's stylesheet;
``\\tag*{A}`` shows "A" without parentheses.
"""

from __future__ import annotations

import re
from typing import Any

from .tree import Node, rewrite

TAG = re.compile(r"\\tag(\*?)\s*\{((?:[^{}]|\{[^{}]*\})*)\}")


def equation_tags(blocks: list[Node]) -> list[Node]:
    """``blocks`` with a ``math-tag`` span before each display formula that has a ``\\tag``."""

    def tag(node: Node) -> Any:
        # In inline math pandoc's reader refuses \tag, as TeX does: an error of its own.
        if node["t"] != "Math" or node["c"][0]["t"] != "DisplayMath" \
                or not TAG.search(node["c"][1]):
            return None
        tex = node["c"][1]
        shown = " ".join(m.group(2).strip() if m.group(1) else f"({m.group(2).strip()})"
                         for m in TAG.finditer(tex))
        label = {"t": "Span", "c": [["", ["math-tag"], []], [{"t": "Str", "c": shown}]]}
        # pandoc's reader refuses \tag after a letter and a space ("a = b + c \tag{4}"),
        # though not after a number or a fraction: the formula is read without it
        untagged = TAG.sub("", tex).rstrip()
        return [label, {"t": "Math", "c": [node["c"][0], untagged]}]

    return rewrite(blocks, tag, only=("Math",))
