"""From a manuscript to its cited documents: the validation half of a build.

Everything ``check`` reports happens here; nothing here imports WeasyPrint.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from . import i18n
from .anchors import internal_links
from .attributes import without_private_attributes
from .bibsets import alias_keys, cite_aliases, cite_set_members, crossref_parents
from .bibtex import BibEntry, load_bibliographies, to_csl
from .blocks import mark_list_delimiters, place_references, unique_ids
from .body import check_body, parse_body, select_audience
from .citations import (
    citation_keys,
    citation_locale,
    format_citations,
    references_block,
)
from .crossrefs import mark_cross_references, number_cross_references
from .csl import load_style
from .dialects import read_dialects
from .editions import (
    callouts,
    check_audiences,
    check_div_classes,
    check_empty_sections,
    even_heading_levels,
)
from .errors import PipelineError, Problems
from .examples import example_problems, renumber_examples
from .frontmatter import read_text
from .glyphs import body_text, check_glyphs, drawn_emoji, without_selectors
from .kindsfile import kinds_problems
from .links import check_links, named_links, unlink_computer_files
from .math import check_math
from .mathtags import equation_tags
from .mentions import mentions_as_text
from .missing_citations import report_missing_citations
from .model import CitedDocument, Manuscript, Stamp
from .notemarks import superscript_citations
from .pandoc import markdown_to_ast
from .quantities import QUANTITY, unbroken_quantities
from .raw import clean_raw_markup
from .texlabels import equation_references
from .texwords import read_tex_words
from .tree import Node, kinds, stringify, walk
from .wordmarks import without_tracked_changes

DIVS_AND_SPANS = frozenset({"Div", "Span"})
RAW = frozenset({"RawInline", "RawBlock"})
EXAMPLES = frozenset({"OrderedList", "Span"})  # example lists, references to their items
DEFAULT_DISCLAIMER = {"clinician": "professional", "patient": "patient"}


def disclaimer_path(manuscript: Manuscript, audience: str, styles: Path) -> Path:
    name = manuscript.disclaimer or DEFAULT_DISCLAIMER[audience]
    folder = styles / "disclaimers"
    for candidate in (f"{name}.{manuscript.lang}.md", f"{name}.{i18n.language_of(manuscript.lang)}.md"):
        if (folder / candidate).is_file():
            return folder / candidate
    available = sorted({p.name.split(".")[0] for p in folder.glob("*.md")})
    line = manuscript.line_of("disclaimer") or manuscript.line_of("lang")
    raise PipelineError.at(
        manuscript.path, line,
        f"no disclaimer '{name}' in language '{manuscript.lang}' (looked for "
        f"styles/disclaimers/{name}.{i18n.language_of(manuscript.lang)}.md); available: "
        f"{', '.join(available)}",
        "no-disclaimer",
    )


def load_disclaimer(path: Path, lang: str) -> tuple[str, list[Any]]:
    """(heading, body blocks) of a disclaimer file, whose first block is its heading."""
    ast = markdown_to_ast(read_text(path))
    blocks = ast["blocks"]
    if not blocks or blocks[0]["t"] != "Header":
        raise PipelineError.at(path, 1, "a disclaimer starts with its heading: '# ... Disclaimer'",
                               "no-disclaimer")
    title = stringify(blocks[0]["c"][2]).strip()
    if i18n.language_of(lang) == "en" and "disclaimer" not in title.lower():
        raise PipelineError.at(path, 1, f"the heading of an English disclaimer must contain the "
                               f"word 'Disclaimer', found '{title}'", "no-disclaimer")
    if not stringify(blocks[1:]).strip():
        raise PipelineError.at(path, 1, "the disclaimer has a heading but no text", "no-disclaimer")
    return title, blocks[1:]


def section_level(nodes: Iterable[Node]) -> int:
    """The level of the top headings among ``nodes`` (a ``tree.walk`` of the body): where a
    References section belongs."""
    return min((node["c"][0] for node in nodes if node["t"] == "Header"), default=2)


def image_paths(ast: Mapping[str, Any], manuscript: Manuscript) -> list[Path]:
    out = []
    for node in walk(ast["blocks"]):
        if node["t"] == "Image":
            target = node["c"][2][0]
            if "://" not in target and not target.startswith("data:"):
                out.append(manuscript.path.parent / target)
    return out


def prepare(
    manuscript: Manuscript,
    stamp: Stamp,
    styles: Path,
    audiences: tuple[str, ...] | None = None,
) -> tuple[list[CitedDocument], Problems]:
    """Parse, check and cite ``manuscript`` for each of its audiences.

    Problems are collected, not raised; the documents list is empty when any
    error was found.
    """
    problems = Problems()
    try:
        i18n.check_language(manuscript.lang, manuscript.path, manuscript.line_of("lang"), styles)
        words = i18n.messages(manuscript.lang, styles)
    except PipelineError as exc:
        problems.extend(exc.problems)
        words = {}
    ast = parse_body(manuscript, problems)
    if ast is None:
        return [], problems
    ast = without_tracked_changes(manuscript, ast, problems)  # Word's, before any is shown
    ast = equation_references(ast, manuscript.body)
    ast = mark_cross_references(read_dialects(manuscript, ast, problems))
    check_body(manuscript, ast, problems)
    ast = drawn_emoji(manuscript, ast, styles, problems)
    nodes = list(walk(ast["blocks"]))  # one walk: the body's characters and element types
    text = body_text(nodes)
    check_glyphs(manuscript, text, styles, problems)
    ast = without_selectors(ast, text)  # words without selectors: the same element types
    # A pass over elements the body has none of is left out (most handouts have no box,
    # no audience block, no formula and no raw HTML): what each pass adds is said below.
    present = frozenset(node["t"] for node in nodes)
    del nodes
    if "Div" in present:
        check_div_classes(manuscript, ast, problems)
    if present & DIVS_AND_SPANS:
        check_audiences(manuscript, ast, problems)
    for audience in audiences or manuscript.audiences:
        # selected once, numbered apart; audience blocks are divs and spans, examples are
        # numbered in their lists and referred to by spans
        plain = select_audience(ast, audience, renumber=False) \
            if present & DIVS_AND_SPANS else ast
        numbered = renumber_examples(plain["blocks"]) if present & EXAMPLES else plain["blocks"]
        check_empty_sections(manuscript, {**plain, "blocks": numbered}, audience, problems,
                             whole=ast)
        if "Span" in present:
            example_problems(manuscript, plain, audience, problems)
    ast = {**ast, "blocks": even_heading_levels(manuscript, ast["blocks"], problems)}
    if present & (DIVS_AND_SPANS | RAW):  # hidden blocks and raw markup: nothing else cleaned
        if "RawInline" in present:  # TeX that pandoc's LaTeX reader reads as words, as words
            ast = read_tex_words(ast, manuscript.body)
        ast = clean_raw_markup(manuscript, ast, problems)
        present = kinds(ast["blocks"])  # raw markup may have become formulas, links, boxes
    # The passes below add no link, raw markup, formula or list.
    if "Link" in present:
        ast = named_links(manuscript, unlink_computer_files(manuscript, ast, problems), problems)
    ast = without_private_attributes(manuscript, ast, problems)
    if present & (RAW | {"Link"}):
        check_links(manuscript, ast, problems)
    if "OrderedList" in present:
        ast = {**ast, "blocks": mark_list_delimiters(ast["blocks"])}
    if "Math" in present:  # a tag set beside its formula, then the formula read without it
        ast = {**ast, "blocks": equation_tags(ast["blocks"])}
        check_math(manuscript, ast, problems, styles)

    cited = citation_keys(ast)
    read = Problems()
    entries: dict[str, BibEntry] = load_bibliographies(manuscript.bibliography, read, cited)
    aliases = alias_keys(entries, cited)
    if aliases:  # biber's other keys (ids): read again for the keys they stand for
        ast = cite_aliases(ast, aliases)
        cited = citation_keys(ast)
        read = Problems()
        entries = load_bibliographies(manuscript.bibliography, read, cited)
    problems.extend(read.items)
    spoken = mentions_as_text(manuscript, ast, cited, entries, problems)
    if spoken is not None:  # GitLab's and GitHub's @name: no citation
        ast, cited = spoken, citation_keys(spoken)
    style = None
    try:
        style = load_style(manuscript.csl, manuscript.path, manuscript.line_of("csl"), styles)
    except PipelineError as exc:
        problems.extend(exc.problems)
    problems.extend(kinds_problems(styles / "kinds.yaml")[1])  # the map beside each reference
    expanded = cite_set_members(ast, entries, cited, problems)
    if expanded["blocks"] is not ast["blocks"]:  # a set's members now cited
        cited = citation_keys(expanded)
    ast = expanded
    listed = crossref_parents(entries, cited)  # biblatex's mincrossrefs
    items = to_csl([entries[k] for k in cited + listed if k in entries], problems,
                   manuscript.lang)

    disclaimers: dict[str, tuple[str, list[Any]]] = {}
    for audience in (audiences or manuscript.audiences) if words else ():
        try:
            path = disclaimer_path(manuscript, audience, styles)
            disclaimers[audience] = load_disclaimer(path, manuscript.lang)
        except PipelineError as exc:
            problems.extend(exc.problems)

    if style is None or problems.errors or not words:
        if style is not None and words:  # still report every missing citation
            format_citations(manuscript, ast, entries, items, style,
                             citation_locale(manuscript, style), words, problems, listed,
                             styles / "kinds.yaml")
        else:
            report_missing_citations(manuscript, cited, entries, problems)
        return [], problems

    documents = []
    warned: set[str] = set()
    quantities = QUANTITY.search(manuscript.body) is not None
    for audience in audiences or manuscript.audiences:
        # the passes since the last look at ``present`` add lists and divs, no audience
        # block and no example
        edition = select_audience(ast, audience) if present & (DIVS_AND_SPANS | EXAMPLES) \
            else {**ast, "blocks": list(ast["blocks"])}
        nodes = list(walk(edition["blocks"]))  # one walk: its cross-references, citations
        numbered = number_cross_references(edition["blocks"], words, nodes)  # and headings
        if numbered is not edition["blocks"]:  # numbers and links written: walked again
            edition = {**edition, "blocks": numbered}
            nodes = list(walk(numbered))
        cited_ast, references = format_citations(
            manuscript, edition, entries, items, style, citation_locale(manuscript, style),
            words, problems, listed, styles / "kinds.yaml",
            cite_nodes=[node for node in nodes if node["t"] == "Cite"])
        heading = manuscript.references_title or words["references"]
        cited_ast["blocks"] = unique_ids(place_references(
            # boxes are divs the body has (lists and citations add divs, never a box)
            callouts(cited_ast["blocks"], words) if "Div" in present else cited_ast["blocks"],
            references_block(references, heading, section_level(nodes)), heading))
        cited_ast["blocks"] = internal_links(manuscript, cited_ast["blocks"], ast["blocks"],
                                             audience, problems, warned)
        if quantities:  # "10 mg" never broken across lines
            cited_ast["blocks"] = unbroken_quantities(cited_ast["blocks"])
        title, blocks = disclaimers[audience]
        documents.append(CitedDocument(
            manuscript=manuscript,
            audience=audience,
            ast=cited_ast,
            references=references,
            disclaimer_title=title,
            disclaimer_blocks=tuple(blocks),
            stamp=stamp,
            words=words,
            style_name=style.name,
            source_ast=edition,
            footnote_symbols=superscript_citations(cited_ast),
        ))
    if problems.errors:
        return [], problems
    return documents, problems
