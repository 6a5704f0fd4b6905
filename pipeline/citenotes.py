"""Citations of a note style (Chicago notes, OSCOLA ...) as footnotes, as pandoc makes them.

A CSL style of ``class="note"`` formats each citation as the text of a
footnote.  A citation in the running text therefore becomes a footnote of its
own, numbered with the manuscript's own footnotes in document order; one
written inside a footnote stays in it, in parentheses.  As in pandoc, the space before a
citation's note goes, and a comma, period, semicolon, colon, question or
exclamation mark right after it moves before the note mark ("dysfunction.¹"), a
period not after one ending the text ("Lee et al.¹").
Each citation's note number is its ``note_index``, which CSL's ``near-note``
and ``ibid`` positions read.
"""

from __future__ import annotations

from typing import Any

from .tree import Node

PUNCTUATION = ".,;:!?"
CLOSING = "”’\"')]»"  # what may follow a note's final period ("… Therapy.”")


def note_numbers(blocks: list[Node]) -> tuple[dict[int, int], set[int]]:
    """Each Cite node's footnote number (by ``id``), and the Cites written inside a footnote."""
    numbers: dict[int, int] = {}
    inside: set[int] = set()
    count = 0

    def visit(value: Any, note: int | None) -> None:
        nonlocal count
        if isinstance(value, list):
            for item in value:
                visit(item, note)
        elif isinstance(value, dict) and "t" in value:
            if value["t"] == "Note" and note is None:
                count += 1
                visit(value.get("c"), count)
                return
            if value["t"] == "Cite":
                if note is None:
                    count += 1
                    numbers[id(value)] = count
                else:
                    numbers[id(value)] = note
                    inside.add(id(value))
            visit(value.get("c"), note)

    visit(blocks, None)
    return numbers, inside


def in_parentheses(text: str, suffix: str, marks: str) -> str:
    """A citation written inside a footnote: in parentheses, without the layout's final
    ``suffix`` (pandoc: "… which cites (Holliday and Segar, “Maintenance Need”)")."""
    return f"({without_suffix(text, suffix, marks)})"


def without_suffix(text: str, suffix: str, marks: str) -> str:
    """A citation without the layout's final ``suffix``: a narrative cite inside a footnote
    (pandoc: "As John Smith, “Pain,” 1–9 argues")."""
    end = len(text)
    while end and (text[end - 1] in CLOSING or text[end - 1] in marks):
        end -= 1
    if suffix and text[:end].endswith(suffix):
        text = text[:end - len(suffix)] + text[end:]
    return text


def as_note(inlines: list[Node]) -> Node:
    """A footnote holding a citation's inlines, marked for :func:`place_note_marks`."""
    return {"t": "Note", "c": [{"t": "Para", "c": inlines}], "citation": True}


def place_note_marks(value: Any) -> Any:
    """``value`` with punctuation moved before, and spaces taken from before, citation notes."""
    if isinstance(value, list):
        items = [place_note_marks(item) for item in value]
        return _tidy(items) if any(_is_cite_note(i) for i in items) else items
    if isinstance(value, dict):
        return {k: place_note_marks(v) for k, v in value.items()}
    return value


def _is_cite_note(node: Any) -> bool:
    return isinstance(node, dict) and node.get("t") == "Note" and node.get("citation") is True


def _tidy(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for index, item in enumerate(items):
        if not _is_cite_note(item):
            out.append(item)
            continue
        while out and isinstance(out[-1], dict) and out[-1].get("t") in ("Space", "SoftBreak"):
            out.pop()
        nxt = items[index + 1] if index + 1 < len(items) else None
        if isinstance(nxt, dict) and nxt.get("t") == "Str" and nxt["c"][:1] in PUNCTUATION \
                and nxt["c"][:1]:
            text = nxt["c"]
            cut = len(text) - len(text.lstrip(PUNCTUATION))
            moved = text[:cut]
            if moved.startswith(".") and out and isinstance(out[-1], dict) \
                    and out[-1].get("t") == "Str" and out[-1]["c"].endswith("."):
                moved = moved[1:]  # "Lee et al.¹", not "Lee et al..¹"
            out.append({"t": "Str", "c": moved})
            nxt["c"] = text[cut:]
        out.append({"t": "Note", "c": item["c"]})
    return [i for i in out if not (isinstance(i, dict) and i.get("t") == "Str" and i["c"] == "")]
