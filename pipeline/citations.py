"""Resolve citations with citeproc-py: in-text marks and the reference list.

The AST's ``Cite`` nodes become formatted inlines and a ``references`` Div is
appended, both as pandoc AST so every writer renders the same thing.  For
numeric styles the project sorts, collapses (``2–4``) and wraps citation
numbers itself, following the style's own ``collapse``, delimiter, affixes
and vertical alignment, because citeproc-py implements none of ``collapse``.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from . import i18n
from .bibtex import BibEntry, kind_of
from .citenotes import (
    as_note,
    in_parentheses,
    note_numbers,
    place_note_marks,
    without_suffix,
)
from .citeproc_engine import CLOSE, MARKS, OPEN, OPEN_CHARS, format_clusters
from .citeproc_marks import DISPLAY, cite_index, number_area
from .csl import MARK_NUMBER_CLOSE, MARK_NUMBER_OPEN, Style
from .errors import Problems
from .missing_citations import citation_line, report_missing_citations
from .model import Cluster, Manuscript, Reference
from .narrative import cite_item, fallback_name, is_narrative, parts
from .tree import Node, transform, walk


def _append_tight(out: list[Any], item: Any) -> None:
    """Append ``item`` to ``out``, without the space before it when it is a superscript
    citation mark: 'pain¹'."""
    if isinstance(item, dict) and item.get("t") == "Span" and "citation" in item["c"][0][1] \
            and item["c"][1] and item["c"][1][0].get("t") == "Superscript" \
            and out and isinstance(out[-1], dict) and out[-1].get("t") in ("Space", "SoftBreak"):
        out.pop()
    out.append(item)


def _tighten(value: Any) -> Any:
    """A copy of ``value`` without a space before a superscript citation mark: 'pain¹'."""
    if isinstance(value, list):
        out: list[Any] = []
        for item in value:
            _append_tight(out, _tighten(item) if isinstance(item, list | dict) else item)
        return out
    if isinstance(value, dict):
        return {k: _tighten(v) if isinstance(v, list | dict) else v for k, v in value.items()}
    return value


def _cited(value: Any, fn: Callable[[Node], Any]) -> Any:
    """``_tighten(tree.transform(value, fn))`` in one pass, for an ``fn`` whose nodes are tight.

    ``value`` where ``fn`` rewrote the nodes, without a space before a
    superscript citation mark; what ``fn`` returns is taken as it is, and
    what neither changed is shared with ``value``.
    """
    if isinstance(value, list):
        out: list[Any] = []
        for item in value:
            if not (isinstance(item, dict) and "t" in item):
                out.append(_cited(item, fn))  # a list or a value: no citation mark itself
                continue
            result = fn(item)
            if result is None:
                result = _cited_children(item, fn)
            for node in result if isinstance(result, list) else (result,):
                _append_tight(out, node)
        same = len(out) == len(value) and all(map(operator.is_, out, value))
        return value if same else out
    if isinstance(value, dict):
        if "t" in value:
            result = fn(value)
            return _cited_children(value, fn) if result is None else result
        items = {k: _cited(v, fn) for k, v in value.items()}
        return value if all(items[k] is v for k, v in value.items()) else items
    return value


def _cited_children(node: Node, fn: Callable[[Node], Any]) -> Node:
    if "c" not in node:
        return node if len(node) == 1 else _tighten(node)  # {"t": "Space"}: as it is
    children = node["c"]
    new = _cited(children, fn) if isinstance(children, list | dict) else children
    return node if new is children and len(node) == 2 else {"t": node["t"], "c": new}


def citation_keys(ast: Mapping[str, Any]) -> list[str]:
    """Cited keys in order of first citation."""
    return _keys(_cite_nodes(ast["blocks"]))


def _cite_nodes(blocks: Any) -> list[Node]:
    return [node for node in walk(blocks) if node["t"] == "Cite"]


def _keys(cite_nodes: list[Node]) -> list[str]:
    return list(dict.fromkeys(cite["citationId"] for node in cite_nodes for cite in node["c"][0]))


URL = re.compile(r"(https?://[^\s" + MARKS + r"<>\"]+[^\s" + MARKS + r"<>\".,;:)\]])")
DOI = re.compile(r"(?i)(doi:\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/[^\s" + MARKS
                 + r"<>\"]+[^\s" + MARKS + r"<>\".,;:)\]])")


def marks_to_inlines(text: str, link: bool = False, cites: Sequence[str] = ()) -> list[Node]:
    """Formatted citeproc output (with marks) as pandoc inlines.

    ``cites`` are the keys of a citation's cites in order: each cite's text
    becomes a ``cite-item`` span naming its key (``data-cite``).
    """
    root: list[Node] = []
    stack: list[tuple[str, list[Node]]] = [("", root)]
    buf: list[str] = []

    def flush() -> None:
        if buf:
            stack[-1][1].extend(_text_inlines("".join(buf), link))
            buf.clear()

    for ch in text:
        index = cite_index(ch)
        if ch in OPEN_CHARS:
            flush()
            stack.append((OPEN_CHARS[ch], []))
        elif index is not None:
            flush()
            stack.append(("cite:" + (cites[index] if index < len(cites) else ""), []))
        elif ch == CLOSE:
            flush()
            if len(stack) > 1:
                kind, children = stack.pop()
                stack[-1][1].append(_wrap(kind, children))
        elif ch in (MARK_NUMBER_OPEN, MARK_NUMBER_CLOSE):
            continue
        else:
            buf.append(ch)
    flush()
    while len(stack) > 1:
        kind, children = stack.pop()
        stack[-1][1].append(_wrap(kind, children))
    return root


def _wrap(kind: str, children: list[Node]) -> Node:
    if kind.startswith("cite:"):
        return {"t": "Span", "c": [["", ["cite-item"], [["data-cite", kind[5:]]]], children]}
    names = {"emph": "Emph", "strong": "Strong", "sup": "Superscript", "sub": "Subscript",
             "smallcaps": "SmallCaps", "underline": "Underline"}
    if kind == "plain":
        return {"t": "Span", "c": [["", ["nocase"], []], children]}
    if kind in _UPRIGHT:  # inside italics, bold or small caps: text set back to normal
        return {"t": "Span", "c": [["", [], [["style", _UPRIGHT[kind]]]], children]}
    if kind not in names:  # a display area or a mark with nothing to show
        return {"t": "Span", "c": [["", [f"csl-{kind}"] if kind in DISPLAY else [], []],
                                   children]}
    return {"t": names[kind], "c": children}


_UPRIGHT = {"roman": "font-style:normal", "normal": "font-weight:normal",
            "upright-caps": "font-variant:normal"}


def _text_inlines(text: str, link: bool) -> list[Node]:
    if not link:
        return _words(text)
    out: list[Node] = []
    pos = 0
    matches = sorted(
        [(m.start(), m.end(), m.group(0), "url") for m in URL.finditer(text)]
        + [(m.start(), m.end(), m.group(0), "doi") for m in DOI.finditer(text)],
    )
    last_end = 0
    for start, end, value, kind in matches:
        if start < last_end:
            continue
        out.extend(_words(text[pos:start]))
        if kind == "doi":
            doi = re.search(r"10\.\d{4,9}/.*", value).group(0)
            target = "https://doi.org/" + doi
        else:
            target = value
        out.append({"t": "Link", "c": [["", ["uri"], []], [{"t": "Str", "c": value}],
                                       [target, ""]]})
        pos = last_end = end
    out.extend(_words(text[pos:]))
    return out


def _words(text: str) -> list[Node]:
    out: list[Node] = []
    for i, part in enumerate(re.split(r"( +)", text)):
        if not part:
            continue
        out.append({"t": "Space"} if i % 2 else {"t": "Str", "c": part})
    return out


_AND_OTHERS = re.compile(r",?\s+(?:&|and|\u0026amp;)\s+(et al\.)")


def _others(text: str) -> str:
    """BibTeX's "and others" is a last name "et al.": never "Smith, J., & et al."."""
    return _AND_OTHERS.sub(r", \1", text)


_AREA_MARKS = re.compile("[\ue000-\ue023]")  # a CLOSE or an opening formatting mark
_ALIGNMENT = frozenset({OPEN["left-margin"], OPEN["right-inline"]})


def _without_alignment(text: str) -> str:
    """An entry without its second-field-align areas: the list lays out its number itself.

    An area that follows text stays apart from it by a space, as citeproc-js's
    areas stand apart (a year in the margin: '2020 Opioid tapering', not '2020Opioid').
    """
    if _ALIGNMENT.isdisjoint(text):
        return text
    out: list[str] = []
    stack: list[bool] = []
    start = 0  # the text after the last mark dropped, still to copy
    for found in _AREA_MARKS.finditer(text):
        ch = found.group()
        if ch in OPEN_CHARS:
            stack.append(ch in _ALIGNMENT)
            if ch not in _ALIGNMENT:
                continue
        elif not (ch == CLOSE and stack and stack.pop()):
            continue
        out.append(text[start:found.start()])
        start = found.end()
        before = _AREA_MARKS.sub("", "".join(out))
        if ch in _ALIGNMENT and before.strip() and not before[-1].isspace() \
                and not _AREA_MARKS.sub("", text[start:start + 8])[:1].isspace():
            out.append(" ")
    out.append(text[start:])
    return "".join(out)


def citation_locale(manuscript: Manuscript, style: Style) -> str:
    """The CSL locale: the manuscript's ``lang`` when given, else the style's default-locale."""
    if manuscript.line_of("lang") is None and style.default_locale:
        return i18n.csl_locale(style.default_locale)
    return i18n.csl_locale(manuscript.lang)


# Editor-like roles biblatex's editortype names and CSL 1.0.2 added; a style written before them
# (AMA, Vancouver) prints none, so their names would vanish: pandoc reads them as editors.
_EDITOR_LIKE = ("compiler", "organizer", "chair", "curator")


def editor_roles_the_style_knows(items: dict[str, dict[str, Any]],
                                 style_xml: bytes) -> dict[str, dict[str, Any]]:
    """``items`` with each editor-like role the style never prints read as the editor."""
    unknown = [role for role in _EDITOR_LIKE
               if not re.search(rb'variable="[^"]*\b' + role.encode() + rb'\b', style_xml)]
    out = dict(items)
    for key, item in items.items():
        roles = [role for role in unknown if item.get(role)]
        if roles and not item.get("editor"):
            out[key] = {k: v for k, v in item.items() if k not in roles}
            out[key]["editor"] = [name for role in roles for name in item[role]]
    return out


def format_citations(
    manuscript: Manuscript,
    ast: Mapping[str, Any],
    entries: Mapping[str, BibEntry],
    items: dict[str, dict[str, Any]],
    style: Style,
    locale: str,
    words: Mapping[str, str],
    problems: Problems,
    listed: Sequence[str] = (),
    kinds: Path | None = None,
    cite_nodes: list[Node] | None = None,
) -> tuple[dict[str, Any], tuple[Reference, ...]]:
    """The AST with citations formatted, and the reference list entries.

    ``listed`` are entries to list though not cited (crossref parents that
    enough cited entries name); they follow the cited ones.  ``kinds``: the
    map of keywords and types to kinds of source in use (``styles/kinds.yaml``
    of the build's styles; default the package's).  ``cite_nodes``: the Cite
    nodes of ``ast``'s blocks in ``tree.walk``'s order, when the caller walked them.
    """
    if cite_nodes is None:
        cite_nodes = _cite_nodes(ast["blocks"])
    cited = _keys(cite_nodes)
    report_missing_citations(manuscript, cited, entries, problems)
    usable = {k: items[k] for k in cited if k in items}
    usable = editor_roles_the_style_knows(usable, style.xml)
    if not cited:
        return dict(ast), ()
    nocite = [k for k in listed if k in items and k not in usable]
    usable.update((k, items[k]) for k in nocite)
    nodes = [n for n in cite_nodes if any(c["citationId"] in usable for c in n["c"][0])]
    numbers, inside = note_numbers(ast["blocks"]) if style.note else ({}, set())
    pieces = [(node, part) for node in nodes
              for part in parts([c for c in node["c"][0] if c["citationId"] in usable])]
    clusters = [Cluster(tuple(cite_item(c, id(node) in inside) for c in part),
                        note_index=numbers.get(id(node), 0)) for node, part in pieces]
    same_language = i18n.language_of(locale) == i18n.language_of(manuscript.lang)
    terms = i18n.csl_terms(dict(words)) if same_language else {}  # the catalogue's language
    xml = i18n.with_csl_terms(style.xml, locale, terms)
    formatted = format_clusters(xml, usable, clusters, locale, nocite, mark_cites=True)
    texts: dict[int, list[tuple[list[Node], str, tuple[str | None, ...]]]] = {}
    for (node, part), text, names in zip(pieces, formatted.citations, formatted.names,
                                         strict=True):
        if not text and not (is_narrative(part[0]) and any(names)):  # "Lee et al." in text
            key = part[0]["citationId"]
            problems.warn(manuscript.path, citation_line(manuscript, key),
                          f"citation '@{key}': the style prints nothing for this entry "
                          "(none of the fields its citations use is filled in)",
                          code="empty-citation")
        texts.setdefault(id(node), []).append((part, _others(text), names))

    def piece(node: Node, cites: list[Node], text: str, names: tuple[str | None, ...]
              ) -> list[Node]:
        keys = " ".join(c["citationId"] for c in cites)
        narrative = is_narrative(cites[0])
        if style.note and id(node) in inside:  # the names in the citation, or parentheses
            text = (without_suffix if narrative else in_parentheses)(
                text, style.layout_suffix, MARKS)
            narrative = False
        inlines: list[Node] = []
        if narrative:  # the names as the style prints them, else from the item
            name = names[0] if names and names[0] else fallback_name(
                usable[cites[0]["citationId"]], words["and"], words["et_al"])
            if cites[0]["citationPrefix"]:
                inlines.extend([*cites[0]["citationPrefix"], {"t": "Space"}])
            inlines.extend(marks_to_inlines(_others(name)))
            if text and not text.startswith((OPEN["sup"], OPEN["sub"])):
                inlines.append({"t": "Space"})  # "Smith and Lee [4]", but "Smith and Lee⁴"
        named: list[Node] = []
        if style.note and id(node) not in inside and text:  # the name in the text, the
            named = inlines[:-1] if inlines and inlines[-1]["t"] == "Space" else inlines
            inlines = []  # rest a footnote; nothing else to print: the name alone, no note
        inlines.extend(marks_to_inlines(text, cites=[c["citationId"] for c in cites]))
        span = {"t": "Span", "c": [["", ["citation"], [["data-cites", keys]]], inlines]}
        if style.note and id(node) not in inside and text:
            return [*named, as_note([span])]
        return [span]

    def cluster(node: Node) -> Node | list[Node] | None:
        if node["t"] != "Cite":
            return None
        if id(node) not in texts:
            return {"t": "Span", "c": [["", ["citation", "unresolved"], []],
                                       _tighten(node["c"][1])]}
        out: list[Node] = []
        for index, (cites, text, names) in enumerate(texts[id(node)]):
            if index:  # narrative cites cited together: "Smith (2020); Lee (2019)"
                out.extend([{"t": "Str", "c": ";"}, {"t": "Space"}])
            out.extend(piece(node, cites, text, names))
        return out

    new_ast = dict(ast)
    if style.note:  # the footnotes placed first, then the text tightened
        blocks = transform(list(ast["blocks"]), cluster)
        new_ast["blocks"] = _tighten(place_note_marks(blocks))
    else:
        new_ast["blocks"] = _cited(list(ast["blocks"]), cluster)

    references: list[Reference] = []
    for key, text in formatted.bibliography:
        text = _others(_without_alignment(text))
        label, text = number_area(text)
        references.append(Reference(key=key, label=label, html=text.strip(),
                                    kind=i18n.kind_label(kind_of(entries[key], kinds),
                                                         dict(words))))
    return new_ast, tuple(references)


def references_block(references: tuple[Reference, ...], heading: str,
                     level: int = 2) -> list[Node]:
    """The reference list as AST: a heading and one entry per reference."""
    if not references:
        return []
    entries: list[Node] = []
    for ref in references:
        content: list[Node] = []
        if ref.label:
            content.append({"t": "Span", "c": [["", ["csl-left-margin"], []],
                                               marks_to_inlines(ref.label)]})
        right = [{"t": "Span", "c": [["", ["ref-kind"], []], _words(ref.kind)]}, {"t": "LineBreak"}]
        right.extend(marks_to_inlines(ref.html, link=True))
        content.append({"t": "Span", "c": [["", ["csl-right-inline"], []], right]})
        entries.append({"t": "Div", "c": [[f"ref-{ref.key}", ["csl-entry"], []],
                                          [{"t": "Para", "c": content}]]})
    return [
        {"t": "Header", "c": [level, ["references", ["unnumbered"], []], _words(heading)]},
        {"t": "Div", "c": [["refs", ["references", "csl-bib-body"], []], entries]},
    ]
