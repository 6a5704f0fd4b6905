"""Resolve citations with citeproc-py: in-text marks and the reference list.

The AST's ``Cite`` nodes become formatted inlines and a ``references`` Div is
appended, both as pandoc AST so every writer renders the same thing.  For
numeric styles the project sorts, collapses (``2–4``) and wraps citation
numbers itself, following the style's own ``collapse``, delimiter, affixes
and vertical alignment, because citeproc-py implements none of ``collapse``.
"""

from __future__ import annotations

import io
import os
import re
import types
import warnings
from collections.abc import Mapping
from typing import Any

from . import citeproc_patches, i18n
from .bibtex import BibEntry
from .csl import MARK_NUMBER_CLOSE, MARK_NUMBER_OPEN, Style
from .errors import Problems, did_you_mean
from .model import Manuscript, Reference
from .tree import Node, stringify, transform, walk

# Private-use characters stand for formatting while citeproc-py works, so
# that no text it produces can be mistaken for markup: everything is escaped
# or turned into AST nodes afterwards.
CLOSE = "\ue000"
OPEN = {"emph": "\ue001", "strong": "\ue002", "sup": "\ue003", "sub": "\ue004",
        "smallcaps": "\ue005", "underline": "\ue006", "plain": "\ue007"}
OPEN_CHARS = {v: k for k, v in OPEN.items()}
MARKS = CLOSE + "".join(OPEN.values()) + MARK_NUMBER_OPEN + MARK_NUMBER_CLOSE


def _wrapper(kind: str) -> type:
    return type(kind, (str,), {"__new__": lambda cls, text: str.__new__(
        cls, OPEN[kind] + str(text) + CLOSE)})


MARKER_FORMATTER = types.SimpleNamespace(
    preformat=lambda text: str(text),
    Italic=_wrapper("emph"), Oblique=_wrapper("emph"), Bold=_wrapper("strong"),
    Light=_wrapper("plain"), Underline=_wrapper("underline"),
    Superscript=_wrapper("sup"), Subscript=_wrapper("sub"), SmallCaps=_wrapper("smallcaps"),
)

_HTML_TAGS = [
    (re.compile(r"<i>(.*?)</i>", re.DOTALL), "emph"),
    (re.compile(r"<em>(.*?)</em>", re.DOTALL), "emph"),
    (re.compile(r"<b>(.*?)</b>", re.DOTALL), "strong"),
    (re.compile(r"<strong>(.*?)</strong>", re.DOTALL), "strong"),
    (re.compile(r"<sup>(.*?)</sup>", re.DOTALL), "sup"),
    (re.compile(r"<sub>(.*?)</sub>", re.DOTALL), "sub"),
    (re.compile(r'<span style="font-variant:\s*small-caps;?">(.*?)</span>', re.DOTALL), "smallcaps"),
    (re.compile(r'<span class="nocase">(.*?)</span>', re.DOTALL), "plain"),
]

LOCATOR_TERMS = {
    "p": "page", "pp": "page", "page": "page", "pages": "page",
    "chap": "chapter", "chapter": "chapter", "ch": "chapter",
    "sec": "section", "section": "section", "§": "section", "§§": "section",
    "fig": "figure", "figure": "figure", "figs": "figure",
    "tbl": "table", "table": "table", "tab": "table",
    "vol": "volume", "vols": "volume", "volume": "volume",
    "para": "paragraph", "paragraph": "paragraph", "¶": "paragraph",
    "l": "line", "line": "line", "ll": "line", "n": "note", "note": "note",
    "col": "column", "column": "column", "app": "appendix", "appendix": "appendix",
    "bk": "book", "book": "book", "pt": "part", "part": "part", "v": "verse",
    "eq": "equation", "equation": "equation", "no": "issue", "iss": "issue",
}
LOCATOR = re.compile(r"^\s*,?\s*(?:([§¶]{1,2}|[A-Za-z]+)\.?\s*)?(\d[\w\-–,\s]*?)\s*$")


def _tighten(value: Any) -> Any:
    """No space before a superscript citation mark: 'pain¹', not 'pain ¹'."""
    if isinstance(value, list):
        out: list[Any] = []
        for item in value:
            item = _tighten(item)
            if (isinstance(item, dict) and item.get("t") == "Span"
                    and "citation" in item["c"][0][1] and item["c"][1]
                    and item["c"][1][0].get("t") == "Superscript"
                    and out and isinstance(out[-1], dict)
                    and out[-1].get("t") in ("Space", "SoftBreak")):
                out.pop()
            out.append(item)
        return out
    if isinstance(value, dict):
        return {k: _tighten(v) for k, v in value.items()}
    return value


def citation_keys(ast: Mapping[str, Any]) -> list[str]:
    """Cited keys in order of first citation."""
    keys: list[str] = []
    for node in walk(ast["blocks"]):
        if node["t"] == "Cite":
            for cite in node["c"][0]:
                if cite["citationId"] not in keys:
                    keys.append(cite["citationId"])
    return keys


def citation_line(manuscript: Manuscript, key: str) -> int | None:
    """The manuscript line where ``@key`` first appears."""
    pattern = re.compile(r"(?<![\w@])-?@\{?" + re.escape(key) + r"(?![\w:.#$%&+?<>~/-]*\w)")
    for offset, line in enumerate(manuscript.body.split("\n")):
        if pattern.search(line):
            return manuscript.body_line + offset
    return None


def html_to_marks(value: str) -> str:
    """pandoc's CSL-JSON markup (<i>, <sup>, ...) as formatting marks."""
    for _ in range(3):  # nested tags
        for pattern, kind in _HTML_TAGS:
            value = pattern.sub(lambda m, k=kind: OPEN[k] + m.group(1) + CLOSE, value)
    import html

    return html.unescape(value)


def _clean_item(item: dict[str, Any]) -> dict[str, Any]:
    def fix(value: Any) -> Any:
        if isinstance(value, str):
            return html_to_marks(value).replace("\ue0f0", "").replace("\ue0f1", "")
        if isinstance(value, list):
            return [fix(v) for v in value]
        if isinstance(value, dict):
            return {k: fix(v) for k, v in value.items()}
        return value

    return {k: (v if k == "id" else fix(v)) for k, v in item.items()}


URL = re.compile(r"(https?://[^\s" + MARKS + r"<>\"]+[^\s" + MARKS + r"<>\".,;:)\]])")
DOI = re.compile(r"(?i)(doi:\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/[^\s" + MARKS
                 + r"<>\"]+[^\s" + MARKS + r"<>\".,;:)\]])")


def marks_to_inlines(text: str, link: bool = False) -> list[Node]:
    """Formatted citeproc output (with marks) as pandoc inlines."""
    root: list[Node] = []
    stack: list[tuple[str, list[Node]]] = [("", root)]
    buf: list[str] = []

    def flush() -> None:
        if buf:
            stack[-1][1].extend(_text_inlines("".join(buf), link))
            buf.clear()

    for ch in text:
        if ch in OPEN_CHARS:
            flush()
            stack.append((OPEN_CHARS[ch], []))
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
    names = {"emph": "Emph", "strong": "Strong", "sup": "Superscript", "sub": "Subscript",
             "smallcaps": "SmallCaps", "underline": "Underline"}
    if kind == "plain":
        return {"t": "Span", "c": [["", ["nocase"], []], children]}
    return {"t": names[kind], "c": children}


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


def _locator(suffix: list[Node]) -> tuple[str | None, str | None, str]:
    """(locator label, locator, remaining suffix) from a citation's suffix."""
    text = stringify(suffix).replace("\u00a0", " ").strip()
    if not text:
        return None, None, ""
    m = LOCATOR.match(text)
    if m:
        label = (m.group(1) or "p").lower()
        if label in LOCATOR_TERMS:
            return LOCATOR_TERMS[label], m.group(2).strip(), ""
    return None, None, text


class _Processor:
    def __init__(self, style: Style, items: dict[str, dict[str, Any]], locale: str,
                 terms: dict[str, str] | None = None):
        from citeproc import CitationStylesBibliography, CitationStylesStyle
        from citeproc.source.json import CiteProcJSON

        citeproc_patches.apply()
        xml = i18n.with_csl_terms(style.xml, locale, terms or {})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.style = CitationStylesStyle(io.BytesIO(xml), locale=locale, validate=False)
        self.source = CiteProcJSON([_clean_item(i) for i in items.values()])
        self.bib = CitationStylesBibliography(self.style, self.source, MARKER_FORMATTER)

    def citation(self, items: list[Any]) -> Any:
        from citeproc import Citation

        citation = Citation(items)
        self.bib.register(citation)
        return citation

    def render(self, items: list[Any]) -> str:
        return _others(str(self.bib.cite(self.citation(items), lambda _item: None)))


# BibTeX's "and others" arrives as a last name "et al."; styles that join the
# last name with "&" or "and" would print "Smith, J., & et al.".
_AND_OTHERS = re.compile(r",?\s+(?:&|and|\u0026amp;)\s+(et al\.)")


def _others(text: str) -> str:
    return _AND_OTHERS.sub(r", \1", text)


def _item(key: str, cite: Node | None = None) -> Any:
    from citeproc import CitationItem, Locator

    if cite is None:
        return CitationItem(key)
    label, locator, _rest = _locator(cite["citationSuffix"])
    if locator:
        return CitationItem(key, locator=Locator(label, locator))
    return CitationItem(key)


def without_author(full: str, names_only: str, style: Style) -> str:
    """``(Smith & Lee, 2020, p. 4)`` as ``(2020, p. 4)``, for ``@key`` and ``[-@key]``.

    citeproc-py has no suppress-author: the names are what the citation shares
    with the same citation rendered from the names alone.  When they cannot be
    told apart (no date, disambiguated names), the full citation stays.
    """
    opening = style.layout_prefix
    shared = os.path.commonprefix([full, names_only])
    cut = max(shared.rfind(", "), shared.rfind(" "))
    if cut <= len(opening) or not full.startswith(opening):
        return full
    rest = full[cut:].lstrip(", ").lstrip()
    return opening + rest if rest.rstrip(style.layout_suffix) else full


def _collapse(numbers: list[tuple[int, str, bool]], style: Style) -> str:
    """'1,2' / '2–4' from (number, rendered, plain) sorted by number."""
    parts: list[str] = []
    i = 0
    while i < len(numbers):
        j = i
        if style.collapse in ("citation-number",) and numbers[i][2]:
            while (j + 1 < len(numbers) and numbers[j + 1][2]
                   and numbers[j + 1][0] == numbers[j][0] + 1):
                j += 1
        if j - i >= 2:
            parts.append(f"{numbers[i][1]}\u2013{numbers[j][1]}")
            i = j + 1
        else:
            parts.append(numbers[i][1])
            i += 1
    delimiter = style.after_collapse_delimiter if len(parts) < len(numbers) else style.delimiter
    return delimiter.join(parts)


def _narrative_name(item: dict[str, Any], and_word: str, et_al: str) -> str:
    names = item.get("author") or item.get("editor") or []

    def one(name: dict[str, Any]) -> str:
        if "literal" in name:
            return name["literal"]
        particle = name.get("non-dropping-particle", "")
        return f"{particle} {name.get('family', '')}".strip()

    names = [n for n in names if n.get("literal") != "et al."]
    if not names:
        return html_to_marks(item.get("title", item.get("id", "")))
    if len(names) == 1:
        return one(names[0])
    if len(names) == 2:
        return f"{one(names[0])} {and_word} {one(names[1])}"
    return f"{one(names[0])} {et_al}"


def report_missing_citations(manuscript: Manuscript, cited: list[str],
                             entries: Mapping[str, BibEntry], problems: Problems) -> None:
    """A located problem for each cited key without a bibliography entry."""
    for key in cited:
        if key in entries:
            continue
        problems.add(manuscript.path, citation_line(manuscript, key),
                     f"citation '@{key}' has no entry in the bibliography"
                     + (did_you_mean(key, entries) or
                        ("" if manuscript.bibliography else
                         "; the front matter names no 'bibliography'")),
                     code="missing-citation")


def format_citations(
    manuscript: Manuscript,
    ast: Mapping[str, Any],
    entries: Mapping[str, BibEntry],
    items: dict[str, dict[str, Any]],
    style: Style,
    locale: str,
    words: Mapping[str, str],
    problems: Problems,
) -> tuple[dict[str, Any], tuple[Reference, ...]]:
    """The AST with citations formatted, and the reference list entries."""
    cited = citation_keys(ast)
    report_missing_citations(manuscript, cited, entries, problems)
    usable = {k: items[k] for k in cited if k in items}
    if not cited:
        return dict(ast), ()
    processor = _Processor(style, usable, locale, i18n.csl_terms(dict(words)))
    lower = {k.lower(): k for k in usable}
    for key in usable:
        processor.citation([_item(key)])
    if processor.style.has_bibliography():  # a note style may have none: nothing to sort
        processor.bib.sort()
    number = {lower[k]: i + 1 for i, k in enumerate(processor.bib.keys)}

    def cluster(node: Node) -> Node | None:
        if node["t"] != "Cite":
            return None
        cites = [c for c in node["c"][0] if c["citationId"] in usable]
        if not cites:
            return {"t": "Span", "c": [["", ["citation", "unresolved"], []], node["c"][1]]}
        keys = " ".join(c["citationId"] for c in cites)
        inlines: list[Node] = []
        narrative = [c for c in cites if c["citationMode"]["t"] == "AuthorInText"]
        if narrative:
            name = _narrative_name(usable[narrative[0]["citationId"]], words["and"],
                                   words["et_al"])
            inlines.extend(marks_to_inlines(name))
            if style.numeric and style.vertical_align not in ("sup", "sub"):
                inlines.append({"t": "Space"})  # "Smith and Lee [4]", but "Smith and Lee⁴"
        if style.numeric:
            rendered = []
            for c in sorted(cites, key=lambda c: number[c["citationId"]]):
                item = _item(c["citationId"], c)
                text = processor.render([item])
                label, _loc, rest = _locator(c["citationSuffix"])
                prefix = stringify(c["citationPrefix"]).strip()
                plain = not (label or rest or prefix)
                text = (prefix + " " if prefix else "") + text + (" " + rest if rest else "")
                rendered.append((number[c["citationId"]], text, plain))
            body = style.prefix + _collapse(rendered, style) + style.suffix
            marks = marks_to_inlines(body)
            if style.vertical_align == "sup":
                marks = [{"t": "Superscript", "c": marks}]
            elif style.vertical_align == "sub":
                marks = [{"t": "Subscript", "c": marks}]
            inlines.extend(marks)
        else:
            if narrative:
                inlines.append({"t": "Space"})
            items_ = [_item(c["citationId"], c) for c in cites]
            text = processor.render(items_)
            if len(cites) == 1 and cites[0]["citationMode"]["t"] != "NormalCitation":
                text = without_author(text, probe(cites[0]["citationId"]), style)
            inlines.extend(marks_to_inlines(text))
        return {"t": "Span", "c": [["", ["citation"], [["data-cites", keys]]], inlines]}

    probes: list[_Processor] = []

    def probe(key: str) -> str:
        """The citation of ``key`` with its names alone (no date, no title)."""
        if not probes:
            names_only = {k: {f: v for f, v in item.items()
                              if f in ("id", "type", "author", "editor")}
                          for k, item in usable.items()}
            probes.append(_Processor(style, names_only, locale, i18n.csl_terms(dict(words))))
        return probes[0].render([_item(key)])

    new_ast = dict(ast)
    new_ast["blocks"] = _tighten(transform(list(ast["blocks"]), cluster))

    references: list[Reference] = []
    entries_out = processor.bib.bibliography() if processor.style.has_bibliography() else []
    for citation_item, text in zip(processor.bib.items, entries_out, strict=False):
        key = lower[citation_item.key]
        text = _others(str(text))
        label = ""
        if MARK_NUMBER_OPEN in text and MARK_NUMBER_CLOSE in text:
            before, rest = text.split(MARK_NUMBER_OPEN, 1)
            label, after = rest.split(MARK_NUMBER_CLOSE, 1)
            text = before + after
        references.append(Reference(key=key, label=label.strip(), html=text.strip(),
                                    kind=i18n.kind_label(entries[key].kind, dict(words))))
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
                                               [{"t": "Str", "c": ref.label}]]})
        right = [{"t": "Span", "c": [["", ["ref-kind"], []], _words(ref.kind)]}, {"t": "LineBreak"}]
        right.extend(marks_to_inlines(ref.html, link=True))
        content.append({"t": "Span", "c": [["", ["csl-right-inline"], []], right]})
        entries.append({"t": "Div", "c": [[f"ref-{ref.key}", ["csl-entry"], []],
                                          [{"t": "Para", "c": content}]]})
    return [
        {"t": "Header", "c": [level, ["references", ["unnumbered"], []], _words(heading)]},
        {"t": "Div", "c": [["refs", ["references", "csl-bib-body"], []], entries]},
    ]
