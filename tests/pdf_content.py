"""What a PDF draws, read back from its content streams with pikepdf.

Each shown string is decoded through its font's ToUnicode map and reported
with its font and the marked content around it (artifact or structure MCID),
so tests can tell where every glyph comes from and how it is tagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pikepdf

ARTIFACT = "artifact"
PROJECT_FONT = re.compile(r"[A-Z]{6}\+Handout-(Sans|Mono|Math|Symbols)(-Bold)?(-Italic|-Oblique)?")


@dataclass(frozen=True)
class Shown:
    """One string a text operator shows."""

    page: int
    font: str  # BaseFont without the leading slash
    codes: tuple[int, ...]
    pieces: tuple[str, ...]  # the text of each code (a ligature is several characters)
    tag: str | int | None  # ARTIFACT, the MCID, or None when not marked

    @property
    def text(self) -> str:
        return "".join(self.pieces)


def to_unicode(font: pikepdf.Dictionary) -> dict[int, str]:
    """The font's ToUnicode map, character code -> text."""
    return _to_unicode(font.ToUnicode.read_bytes().decode("latin-1"))


@cache
def _to_unicode(cmap: str) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.DOTALL):
        for code, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            mapping[int(code, 16)] = bytes.fromhex(text).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.DOTALL):
        for start, end, text in re.findall(
                r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            first = int(text, 16)
            for offset, code in enumerate(range(int(start, 16), int(end, 16) + 1)):
                mapping[code] = chr(first + offset)
    return mapping


def base_name(font: pikepdf.Dictionary) -> str:
    return str(font.BaseFont).lstrip("/")


def shown_strings(path: Path) -> list[Shown]:
    """Every string shown on every page, in drawing order."""
    return _read(path)[0]


def marked_content(path: Path) -> list[tuple[int, int]]:
    """Every (page, MCID) of a marked-content sequence, in drawing order."""
    return _read(path)[1]


@cache  # the files a test session reads do not change
def _read(path: Path) -> tuple[list[Shown], list[tuple[int, int]]]:
    out: list[Shown] = []
    sequences: list[tuple[int, int]] = []
    with pikepdf.open(path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            _walk(page.obj, page.Resources, number, [], out, sequences)
    return out, sequences


def _walk(container: pikepdf.Object, resources: pikepdf.Dictionary, page: int,
          marks: list[tuple[str, int | None]], out: list[Shown],
          sequences: list[tuple[int, int]]) -> None:
    font = None
    for operands, operator in pikepdf.parse_content_stream(container):
        op = str(operator)
        if op == "BDC":
            props = operands[1]
            mcid = int(props.MCID) if isinstance(props, pikepdf.Dictionary) \
                and "/MCID" in props else None
            marks.append((str(operands[0]), mcid))
            if mcid is not None:
                sequences.append((page, mcid))
        elif op == "BMC":
            marks.append((str(operands[0]), None))
        elif op == "EMC":
            marks.pop()
        elif op == "Tf":
            font = resources.Font[operands[0]]
        elif op in ("Tj", "'", '"', "TJ"):
            strings = operands[0] if op == "TJ" else [operands[-1]]
            for item in strings:
                if isinstance(item, pikepdf.String):
                    out.append(_decode(bytes(item), font, page, marks))
        elif op == "Do":
            xobject = resources.XObject[operands[0]]
            if xobject.Subtype == "/Form":
                _walk(xobject, xobject.get("/Resources", resources), page, marks, out,
                      sequences)


def _decode(data: bytes, font: pikepdf.Dictionary, page: int,
            marks: list[tuple[str, int | None]]) -> Shown:
    assert str(font.Encoding) == "/Identity-H", (base_name(font), font.Encoding)
    codes = tuple(int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2))
    mapping = to_unicode(font)
    pieces = tuple(mapping.get(code, "\ufffd") for code in codes)
    tag: str | int | None = None
    for name, mcid in marks:
        if name == "/Artifact":
            tag = ARTIFACT
            break
        if mcid is not None:
            tag = mcid
    return Shown(page, base_name(font), codes, pieces, tag)
