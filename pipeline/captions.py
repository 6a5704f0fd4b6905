"""Table captions as documents from Word, Google Docs and other languages write them.

A numbered caption paragraph right above a table ("Table 1. Doses", its words
plain, bold or italic) is that table's caption; a paragraph beside a table that
starts as a caption in another language ("Tabla: Dosis.") is a warning, since
pandoc reads only "Table:" and ":".
"""

from __future__ import annotations

import re
from typing import Any

from .errors import Problems
from .model import Manuscript
from .tree import Node, stringify

# "Table" in other languages: "Tabla: ..." beside a table is a paragraph to pandoc, which
# reads only "Table:" (or "table:") and ":" as a table's caption; Quarto reads it as pandoc.
TABLE_WORDS = {"tabla", "tableau", "tabelle", "tabela", "tabella", "tabel", "tabell",
               "taula", "taulukko", "tablo", "tabulka", "táblázat", "tabelul", "tabuľka",
               "tafla", "πίνακας", "таблица", "таблиця", "tabl"}


def table_captions(manuscript: Manuscript, blocks: list[Node], problems: Problems
                   ) -> list[Node]:
    """``blocks`` with numbered captions read (:func:`numbered_captions`), and a warning at
    each caption in another language (:func:`foreign_captions`).

    One look at every list of blocks finds both; the tree is rebuilt only when a
    numbered caption stands above a table (most bodies have none).
    """
    if foreign_captions(manuscript, blocks, problems):
        return numbered_captions(blocks)
    return blocks


def foreign_captions(manuscript: Manuscript, blocks: list[Node], problems: Problems) -> bool:
    """A warning at each paragraph beside a table that starts as a caption in another
    language ("Tabla: Dosis."): pandoc shows it as text, the table has no caption.

    Returns whether a numbered caption stands right above a table without one (what
    :func:`numbered_captions` reads).
    """
    from .source_lines import nth_line_outside_code

    seen: dict[str, int] = {}
    numbered = False
    for siblings in _block_lists(blocks):
        for index, block in enumerate(siblings):
            if not numbered and index and _uncaptioned_table(block) \
                    and _numbered(siblings[index - 1]):
                numbered = True
            word = _caption_word(block)
            if word is None:
                continue
            seen[word] = seen.get(word, 0) + 1
            beside = siblings[max(index - 1, 0):index + 2]
            if any(b.get("t") == "Table" for b in beside if isinstance(b, dict)):
                problems.warn(manuscript.path,
                              nth_line_outside_code(manuscript, word, seen[word]),
                              f"'{word}' starts a paragraph beside a table: pandoc's Markdown "
                              "reads it as text, not as the table's caption; write the caption "
                              f"as ': {_after(block)}' (or 'Table: ...'), in any language",
                              code="caption")
    return numbered


# "Table 1. Doses" or "Table 2: Doses" as a paragraph of its own right above a table, as a
# document converted from Word or Google Docs has its captions: the table's caption.
NUMBERED = re.compile(r"^([^\W\d_]+) (?:\d+(?:\.\d+)*|[IVXLC]+) ?[.:] ?\S", re.UNICODE)


def numbered_captions(blocks: list[Node]) -> list[Node]:
    """``blocks`` with each numbered caption paragraph right above a table without a caption
    made that table's caption, in every list of blocks (a box's, a cell's ...)."""
    def visit(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: visit(v) for k, v in value.items()} if "c" in value else value
        if not isinstance(value, list):
            return value
        items = [visit(v) for v in value]
        if not (items and isinstance(items[0], dict) and "t" in items[0]):
            return items
        out: list[Any] = []
        for item in items:
            previous = out[-1] if out else None
            if _uncaptioned_table(item) and _numbered(previous):
                out[-1] = {**item, "c": [item["c"][0], [None, [{"t": "Plain",
                                                                "c": previous["c"]}]],
                                         *item["c"][2:]]}
            else:
                out.append(item)
        return out

    return visit(blocks)


def _uncaptioned_table(block: Any) -> bool:
    return isinstance(block, dict) and block.get("t") == "Table" and not block["c"][1][1]


def _numbered(block: Any) -> bool:
    """Whether ``block`` is a paragraph that starts as a numbered table caption, its words
    plain or, as Google Docs exports them, bold or italic (``**Table 1.** Doses``)."""
    if not isinstance(block, dict) or block.get("t") not in ("Para", "Plain"):
        return False
    match = NUMBERED.match(stringify(block["c"][:8])[:40])
    return match is not None and match.group(1).lower() in TABLE_WORDS | {"table"}


def _caption_word(block: Any) -> str | None:
    if not isinstance(block, dict) or block.get("t") not in ("Para", "Plain"):
        return None
    first = block["c"][0] if block["c"] else None
    if first is None or first["t"] != "Str" or not first["c"].endswith(":"):
        return None
    return first["c"] if first["c"][:-1].lower() in TABLE_WORDS else None


def _after(block: Node) -> str:
    text = stringify(block["c"][1:]).strip()
    return text if len(text) <= 40 else text[:37] + "..."


def _block_lists(value: Any) -> Any:
    """Every list of blocks in ``value`` (the body's, a quote's, a cell's, an item's)."""
    if isinstance(value, list):
        if value and isinstance(value[0], dict) and "t" in value[0]:
            yield value
        for item in value:
            yield from _block_lists(item)
    elif isinstance(value, dict):
        yield from _block_lists(value.get("c"))
