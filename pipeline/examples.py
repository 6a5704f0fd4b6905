"""pandoc's example lists (``(@)``, ``(@good)``) numbered within each edition.

pandoc numbers example items through the whole document and writes each
reference ``(@good)`` as its item's number, ``(2)``.  An edition that leaves
out another audience's items would show the numbers with gaps, and a
reference to an item it does not have.  Before pandoc reads the text, each
reference to a label an example item defines is wrapped in a span of class
``example-ref`` that names its label (:func:`marked_references`, the line kept); each edition then
numbers its own items from 1 and its references with them
(:func:`renumber_examples`); a reference to an item the edition leaves out is
a warning at its line (:func:`example_problems`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .errors import Problems
from .fences import fenced
from .model import Manuscript
from .tree import Node, rewrite, stringify, walk

ITEM = re.compile(r"^([ \t]*(?:[>][ \t]*)*)\(@([\w-]*)\)(?=[ \t]|$)")
REFERENCE = re.compile(r"\(@([\w-]+)\)")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
NUMBER = re.compile(r"\((\d+)\)")
CLASS = "example-ref"


def _prose_lines(text: str) -> list[tuple[int, str]]:
    """Each line outside fenced code, with its index."""
    lines = text.split("\n")
    return [(index, line) for index, (line, code) in enumerate(zip(lines, fenced(lines),
                                                                    strict=True)) if not code]


def marked_references(text: str) -> str:
    """``text`` with each reference to an example item wrapped as ``[(@x)]{.example-ref}``."""
    if "(@" not in text:
        return text
    prose = _prose_lines(text)
    labels = {m.group(2) for _i, line in prose if (m := ITEM.match(line)) and m.group(2)}
    if not labels:
        return text
    lines = text.split("\n")

    def wrap(match: re.Match[str]) -> str:
        if match.group(1) not in labels:
            return match.group(0)
        return f"[{match.group(0)}]{{.{CLASS} .{CLASS}:{match.group(1)}}}"

    for index, line in prose:
        if "(@" not in line:
            continue
        item = ITEM.match(line)
        start = item.end() if item else 0
        parts = CODE_SPAN.split(line[start:]) if "`" in line else [line[start:]]
        if len(parts) == 1:
            rest = REFERENCE.sub(wrap, line[start:])
        else:  # code spans kept as written
            rest, last = "", 0
            for code in CODE_SPAN.finditer(line[start:]):
                rest += REFERENCE.sub(wrap, line[start:][last:code.start()]) + code.group(0)
                last = code.end()
            rest += REFERENCE.sub(wrap, line[start:][last:])
        lines[index] = line[:start] + rest
    return "\n".join(lines)


def _referenced_on(line: str) -> set[str]:
    """The labels a line refers to (not the label its own item defines)."""
    item = ITEM.match(line)
    return {m.group(1) for m in REFERENCE.finditer(line[item.end():] if item else line)}


def _is_example_list(node: Node) -> bool:
    return node["t"] == "OrderedList" and node["c"][0][1]["t"] == "Example"


def _is_reference(node: Node) -> bool:
    return node["t"] == "Span" and CLASS in node["c"][0][1]


def renumber_examples(blocks: list[Node]) -> list[Node]:
    """``blocks`` with example items numbered from 1 and references to them likewise.

    A reference to an item that is not in ``blocks`` is shown as written
    (``(@dose)``), not as a number another item has here; every reference
    loses its span.
    """
    numbers: dict[int, int] = {}
    referenced = False
    for node in walk(blocks):
        if _is_example_list(node):
            start = node["c"][0][0]
            for offset in range(len(node["c"][1])):
                numbers[start + offset] = len(numbers) + 1
        elif not referenced and _is_reference(node):
            referenced = True
    if not numbers and not referenced:  # no example and no reference: nothing to number
        return blocks

    def renumber(node: Node) -> Any:
        if _is_example_list(node):
            (start, style, delim), items = node["c"]
            items = rewrite(items, renumber, ("OrderedList", "Span"))
            return {"t": "OrderedList", "c": [[numbers.get(start, start), style, delim], items]}
        if not _is_reference(node):
            return None
        inner = node["c"][1]
        text = stringify(inner)
        found = NUMBER.fullmatch(text)
        if found and int(found.group(1)) in numbers:
            return [{"t": "Str", "c": f"({numbers[int(found.group(1))]})"}]
        label = next((c.split(":", 1)[1] for c in node["c"][0][1] if c.startswith(CLASS + ":")),
                     "")
        return [{"t": "Str", "c": f"(@{label})"}] if found and label else inner

    return rewrite(blocks, renumber, ("OrderedList", "Span"))


def example_problems(manuscript: Manuscript, edition: Mapping[str, Any], audience: str,
                     problems: Problems) -> None:
    """A warning at each reference to an example item ``audience``'s edition leaves out."""
    referenced = [n for n in walk(edition["blocks"]) if _is_reference(n)]
    if not referenced:
        return
    kept = {start + offset for node in walk(edition["blocks"]) if _is_example_list(node)
            for start in [node["c"][0][0]] for offset in range(len(node["c"][1]))}
    prose = _prose_lines(manuscript.body)
    items = [m.group(2) for _i, line in prose if (m := ITEM.match(line))]
    for node in referenced:
        found = NUMBER.fullmatch(stringify(node["c"][1]))
        if found is None or int(found.group(1)) in kept or int(found.group(1)) > len(items):
            continue
        label = items[int(found.group(1)) - 1]
        lines = [index for index, line in prose if label in _referenced_on(line)]
        problems.warn(manuscript.path, manuscript.body_line + lines[0] if lines else None,
                      f"the example (@{label}) is not in the {audience} edition: its reference "
                      "is shown there as written; put the reference in the example's audience "
                      "block", code="audience")
