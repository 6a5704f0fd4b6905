"""A formula in words, on one line, as a reader would type it.

``CRB-65 ≥ 3``, ``(a + b)/2``, ``σ√(2π)``, ``∑_(i = 1)ⁿ xᵢ``: what the
PDF's invisible formula text (:mod:`.formats.formula_text`), its bookmarks
and the EPUB's contents show where only text can stand.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# MathML children that draw nothing (ziamath lays out presentation MathML)
UNDRAWN = ("annotation", "annotation-xml")

SUPERSCRIPTS = str.maketrans("0123456789+-−=()ni∘", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱ°")
SUBSCRIPTS = str.maketrans("0123456789+-−=()aeoxhklmnpstij", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼ")
QUIET_OPERATORS = set("()[]{}|,;.!'′\u2061\u2062\u2063\u2064")
INVISIBLE = {"\u2061": " ", "\u2062": "", "\u2063": "", "\u2064": ""}  # f x: "f x"
# an accent over one letter as the combining mark that draws it: x̄, β̂, ṽ, v⃗
ACCENTS = {"¯": "\u0304", "‾": "\u0304", "^": "\u0302", "ˆ": "\u0302", "~": "\u0303",
           "˜": "\u0303", "→": "\u20d7", "⃗": "\u20d7", "˙": "\u0307", "¨": "\u0308",
           "ˇ": "\u030c", "´": "\u0301", "`": "\u0300"}
ATOM = re.compile(r"\d+(?:\.\d+)?|[^\W\d_]\w*|.", re.DOTALL)  # 12, 0.5, kₑₗ, h²: no brackets
ROOTS = {"2": "√", "3": "∛", "4": "∜"}
LARGE_OPERATORS = set("∑∏∐∫∬∭∮⋃⋂⋁⋀⨁⨂")
BRACES = set("⏞⏟︷︸⎴⎵")  # \overbrace, \underbrace: the script alone says it


def _plain_letters(text: str) -> str:
    """Mathematical alphanumerics (𝒗, 𝐱, 𝔸) as the letters and digits they style."""
    return "".join(unicodedata.normalize("NFKC", ch) if "\U0001d400" <= ch <= "\U0001d7ff"
                   else ch for ch in text)


def spelled(math: Any) -> str:
    """A MathML element (ElementTree or lxml) on one line, as a reader would type it.

    ``CRB-65 ≥ 3``, ``CrCl < 30``, ``x² + 1``, ``(a + b)/2``, ``√x``, ``sin x``,
    ``∑_(i = 1)ⁿ xᵢ``, ``x̄``; operators spaced, digits raised or lowered where
    Unicode can, the TeX annotation left out.
    """

    def name(e: Any) -> str:
        return str(e.tag).rsplit("}", 1)[-1]

    def grouped(text: str) -> str:
        bare = text.rstrip(LOOSE)
        return bare if ATOM.fullmatch(bare) else f"({text})"

    def script(text: str, table: dict[int, int], mark: str) -> str:
        if CHARGE.fullmatch(text):  # Ca²⁺, SO₄²⁻: a charge is one raised word
            text = text.replace(" ", "")
        moved = text.translate(table)
        if all(a != b for a, b in zip(text, moved, strict=True)):
            return moved + ("" if moved == "°" else LOOSE)  # x², kₑₗ t, 37°C
        return f"{mark}{grouped(text)}{LOOSE}"  # e^(−λ), λ^k e

    def accented(base: str, over: str) -> str | None:
        mark = over if len(over) == 1 and unicodedata.combining(over) else ACCENTS.get(over)
        if mark is None:
            return None
        if mark == "\u0304" and len(base) > 1:  # a bar over several letters: over each
            mark = "\u0305"
        return "".join(ch + mark for ch in base) if len(base) == 1 or mark == "\u0305" \
            else f"({base}){mark}"

    def apart(base: str) -> str:
        """A space after an operator's limits (``lim_(x → 0) f``, ``∑ᵢ xᵢ``), none after x²."""
        return " " if base in LARGE_OPERATORS or (len(base) > 1 and base.isalpha()) else ""

    def upright(e: Any) -> bool:
        kind = name(e)
        if kind == "mrow":
            return len(e) > 0 and all(upright(c) for c in e)
        return kind == "mtext" or (kind in ("mi", "mn") and e.get("mathvariant") == "normal")

    def tight(e: Any, text: str) -> str:
        """An upright element's symbol and its count or charge (``\\mathrm{H_2O}``,
        ``\\mathrm{Na^+Cl}``) with no space after: a chemical formula is one word, ``H₂O``;
        an operator's name keeps its space (``\\mathrm{max}_i x``, ``maxᵢ x``)."""
        if name(e) in ("msub", "msup", "msubsup") and upright(e[0]) and ELEMENT.match(text):
            return text.rstrip(" " + LOOSE)
        return text

    def spell(e: Any) -> str:
        kind = name(e)
        parts = [spell(c) for c in e if name(c) not in UNDRAWN]
        stripped = [part.strip() for part in parts]
        if kind == "mo":
            text = (e.text or "").strip()
            if text in QUIET_OPERATORS:
                return INVISIBLE.get(text, text)
            return f" {text} "
        if kind in ("mi", "mn", "mtext", "ms"):
            return _plain_letters((e.text or "").strip())
        if kind == "mspace":
            return " "
        if kind == "mfrac" and len(parts) == 2:
            return f"{grouped(stripped[0])}/{grouped(stripped[1])}{LOOSE}"
        if kind in ("mover", "munder") and len(parts) == 2 and stripped[1] in BRACES:
            return grouped(stripped[0])
        if kind in ("msup", "mover") and len(parts) == 2:
            if kind == "mover" and (mark := accented(stripped[0], stripped[1])):
                return mark
            return tight(e, stripped[0] + script(stripped[1], SUPERSCRIPTS, "^")
                         + apart(stripped[0]))
        if kind in ("msub", "munder") and len(parts) == 2:
            return tight(e, stripped[0] + script(stripped[1], SUBSCRIPTS, "_")
                         + apart(stripped[0]))
        if kind in ("msubsup", "munderover") and len(parts) == 3:
            return tight(e, stripped[0] + script(stripped[1], SUBSCRIPTS, "_")
                         + script(stripped[2], SUPERSCRIPTS, "^") + apart(stripped[0]))
        if kind == "msqrt":
            return "√" + grouped("".join(parts).strip())
        if kind == "mroot" and len(parts) == 2:
            root = ROOTS.get(stripped[1], f"{grouped(stripped[1])}√")
            return root + grouped(stripped[0])
        if kind == "mtr":  # an aligned pair (a &= b) is one piece: "a = b"
            cells = [c for c in e if name(c) not in UNDRAWN]
            return "".join(("" if index == 0 else " " if _aligned(cells[index - 1])
                            else ", ") + part for index, part in enumerate(stripped))
        if kind == "mtable":
            return "; ".join(stripped)
        return "".join(parts)

    text = TIGHT.sub("", " ".join(spell(math).split()))
    return " ".join(text.replace(LOOSE, " ").split())


LOOSE = "\u0000"  # after a script or a fraction (λ^k e, 1/n ∑): a space, unless one of TIGHT follows
RAISED = "".join(chr(code) for code in (*SUPERSCRIPTS.values(), *SUBSCRIPTS.values()))
CHARGE = re.compile(r"\d* ?[+\-−]")
# a chemical element's symbol and its count or charge, all in Unicode scripts: H₂, Na⁺, Cl⁻
ELEMENT = re.compile(f"[A-Z][a-z]?[₀-₉⁰¹²³⁴-⁹⁺⁻]+[ {LOOSE}]*$")
TIGHT = re.compile(LOOSE + "(?=[\\s^_)\\]},;.!" + RAISED + "]|$)")


def _aligned(cell: Any) -> bool:
    """Whether a table cell is the left half of an aligned pair (``a &= b``), as pandoc writes it."""
    return "padding-right: 0" in (cell.get("style") or "")
