"""PDF through WeasyPrint: tagged PDF/A-3a with embedded sources.

PDF/A-3a is archival, requires tags (structure tree, language, alt text) and
allows attachments, so each handout carries the manuscript and the BibTeX
entries it cites (see docs/output-formats.md).  WeasyPrint's objects are
finished by :mod:`.tagged_pdf` before they are written; a character none of
the project's fonts has stops the build.  Resource fetching is limited to the
manuscript's folder, the project's styles and ``data:`` URLs.
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import hashlib
import logging
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..errors import ERROR, PipelineError, Problem, display_path
from ..model import CitedDocument, RenderOptions
from . import (
    OutputFormat,
    fit,
    formula_images,
    formula_text,
    libraries,
    line_breaks,
    list_markers,
    min_content,
    pydyf_patches,
    subsetting,
    svg_numbers,
)
from .tagged_pdf import FontReport, PdfFinisher, install_definition_tags, install_formula_tags

PDF_VARIANT = "pdf/a-3a"


class SandboxError(ValueError):
    """A resource outside the allowed folders was requested."""


@functools.cache
def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    from ..imagemeta import sniffed_kind, without_metadata

    class Cleaned(URLFetcherResponse):
        """A response whose bytes are drawn, never its file's (WeasyPrint reads a path again)."""

        path = None

    class SandboxFetcher(URLFetcher):
        """Fetches ``file:`` URLs under the allowed roots and ``data:`` URLs only."""

        def __init__(self, roots: list[Path]):
            super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
            self.roots = [r.resolve() for r in roots]
            self.refused: list[str] = []
            self.digests: dict[str, str] = {}  # an image's bytes by its address: its PDF name

        def fetch(self, url: str, headers: dict | None = None):  # type: ignore[override]
            parts = urlsplit(url)
            if parts.scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                if not any(path.is_relative_to(root) for root in self.roots):
                    self.refused.append(url)
                    raise SandboxError(f"refused: {url}")
            elif parts.scheme != "data":
                self.refused.append(url)
                raise SandboxError(f"refused: {url}")
            response = super().fetch(url, headers)
            if response.content_type.startswith(("text/css", "font/")):
                return response
            try:
                data = response.read()
            finally:
                response.close()
            # An image is drawn without what describes its maker (EXIF, comments, paths).
            cleaned = without_metadata(data, sniffed_kind(data))
            self.digests[url] = hashlib.sha256(cleaned).hexdigest()[:32]
            return Cleaned(response.url, cleaned, response.headers, response.status)

    return SandboxFetcher


STYLESHEETS = ("fonts.css", "print.css", "callouts.css", "code.css", "lists.css")


def _stylesheets(styles: Path) -> tuple:
    """WeasyPrint's font configuration, counter styles and stylesheets for ``styles``.

    Kept while the stylesheets and fonts are unchanged (a preview's styles/ is edited).
    """
    files = [styles / "css" / name for name in STYLESHEETS] + sorted((styles / "fonts").glob("*"))
    version = tuple((f.name, st.st_mtime_ns, st.st_size) for f in files
                    if (st := f.stat()) is not None)
    return _load_stylesheets(styles, version)


@functools.lru_cache(maxsize=2)
def _load_stylesheets(styles: Path, version: tuple) -> tuple:
    from weasyprint import CSS
    from weasyprint.css.counters import CounterStyle
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    # the @counter-style rules of print.css ("(a)", "1)") live in this object
    counter_style = CounterStyle()
    fetcher = _fetcher_class()([styles])
    sheets = tuple(CSS(filename=str(styles / "css" / name), font_config=font_config,
                       counter_style=counter_style, url_fetcher=fetcher)
                   for name in STYLESHEETS)
    return font_config, counter_style, sheets


# WeasyPrint's font configuration must be released while its libraries are still loaded.
atexit.register(_load_stylesheets.cache_clear)


def warm(styles: Path) -> None:
    """Import WeasyPrint and load the stylesheets and fonts of ``styles`` before a first PDF."""
    _install()
    _stylesheets(styles)


# Bold, italic, code, a heading, a list and a table, hyphenated: what every handout has.
WARM_UP_PAGE = (
    '<html lang="en-US"><body><h1>Warm-up</h1><p>Hyphenation of <b>bold</b>, <i>italic</i> '
    'and <code>code</code> text.</p><ul><li>Item</li></ul><table><thead><tr><th>Head</th>'
    '</tr></thead><tbody><tr><td>Cell</td></tr></tbody></table></body></html>')


def warm_up(styles: Path) -> None:
    """Lay out and write one small page with the stylesheets of ``styles``, thrown away.

    A process's first PDF pays for what WeasyPrint loads lazily (C type
    declarations of its libraries, font faces, hyphenation patterns, the
    font subsetter): a worker that has the time pays it before an edition
    waits for it.  Later documents do not depend on it: their bytes are the same.
    """
    _install()
    from weasyprint import HTML

    font_config, counter_style, sheets = _stylesheets(styles)
    page = HTML(string=WARM_UP_PAGE, base_url=styles.as_uri() + "/",
                url_fetcher=_fetcher_class()([styles]))
    page.render(stylesheets=list(sheets), font_config=font_config, counter_style=counter_style,
                pdf_variant=PDF_VARIANT).write_pdf(pdf_variant=PDF_VARIANT,
                                                   finisher=PdfFinisher())


def _install() -> None:
    libraries.import_weasyprint()
    _quiet_weasyprint()
    subsetting.install()
    pydyf_patches.install()
    list_markers.install()
    line_breaks.install()
    min_content.install()
    svg_numbers.install()
    svg_numbers.install_paths()
    formula_images.install()
    install_formula_tags()
    install_definition_tags()


def _quiet_weasyprint() -> None:
    # Refused resources are reported by the pipeline itself, with their location.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)


class PdfFormat(OutputFormat):
    name = "pdf"
    suffix = ".pdf"
    media_type = "application/pdf"

    def render(self, doc: CitedDocument, options: RenderOptions, styles: Path) -> bytes:
        _install()
        from weasyprint import Attachment

        document, fetcher, wide_tables = fitted_layout(doc, options, styles)
        folder = doc.manuscript.path.parent.resolve()
        when = dt.datetime.combine(doc.stamp.build_date, dt.time(), dt.UTC)
        source = doc.attached_source
        if source is None:
            from ..attachments import edition_source

            source = edition_source(doc)
        attachments = [
            Attachment(string=source.encode("utf-8"),
                       name=f"{doc.manuscript.slug}.{doc.audience}.md",
                       description=doc.words["attachment_source"], created=when, modified=when,
                       relationship="Source", url_fetcher=fetcher),
        ]
        bib = cited_bibtex(doc) if doc.cited_bibtex is None else doc.cited_bibtex
        if bib:
            attachments.append(Attachment(string=bib.encode("utf-8"), name=f"{doc.manuscript.slug}.bib",
                                          description=doc.words["attachment_bibliography"], created=when,
                                          modified=when, relationship="Source",
                                          url_fetcher=fetcher))
        finisher = PdfFinisher()
        with formula_text.collecting(finisher.formula_text):
            data = document.write_pdf(
                pdf_variant=PDF_VARIANT, custom_metadata=True, attachments=attachments,
                finisher=finisher, pdf_identifier=pdf_identifier(doc))
        # Checked after writing: images inside an SVG are only fetched when drawn.
        if fetcher.refused:
            raise PipelineError([_refused(doc, url, folder) for url in sorted(set(fetcher.refused))])
        if finisher.fonts.characters:
            raise PipelineError(_font_problems(doc, finisher.fonts, styles))
        self.warnings = wide_tables
        return data


def layout(doc: CitedDocument, options: RenderOptions, styles: Path) -> tuple[Any, Any]:
    """The laid-out pages of ``doc`` (a WeasyPrint ``Document``) and the fetcher used."""
    document, fetcher, _ = fitted_layout(doc, options, styles)
    return document, fetcher


def fitted_layout(doc: CitedDocument, options: RenderOptions,
                  styles: Path) -> tuple[Any, Any, list[Problem]]:
    """:func:`layout`, and a warning for each table too wide for the page (see :mod:`.fit`)."""
    _install()
    from weasyprint import HTML

    from ..html import render_print_html  # Jinja2: loaded only to render
    from ..math import drawings_by_address

    folder = doc.manuscript.path.parent.resolve()
    fetcher = _fetcher_class()([folder, styles])
    font_config, counter_style, sheets = _stylesheets(styles)

    def render(source: str) -> tuple[Any, Any]:
        parsed = HTML(string=source, base_url=folder.as_uri() + "/", url_fetcher=fetcher)
        return parsed.render(stylesheets=list(sheets), font_config=font_config,
                             counter_style=counter_style, pdf_variant=PDF_VARIANT), parsed

    # formulas named by address, read by formula_images while the pages are laid out
    with drawings_by_address() as book:
        if doc.print_html is None:
            html = render_print_html(doc, options, styles / "templates")
        else:
            html, drawings = doc.print_html
            book.update(drawings)
        document, parsed = render(html)
        wide = fit.overflowing_tables(document, parsed.etree_element)
        if wide:  # laid out again with those tables in small type (see .fit)
            document, parsed = render(fit.mark_to_fit(html, set(wide)))
            wide = fit.overflowing_tables(document, parsed.etree_element)
    return document, fetcher, fit.table_problems(doc, wide)


def print_source(doc: CitedDocument, options: RenderOptions, styles: Path
                 ) -> tuple[str, dict[str, Any]]:
    """The final print HTML of ``doc`` and the formula drawings it names by address."""
    from ..html import render_print_html
    from ..math import drawings_by_address

    with drawings_by_address() as book:
        html = render_print_html(doc, options, styles / "templates")
    return html, dict(book)


def pdf_identifier(doc: CitedDocument) -> bytes:
    """The permanent part of the file identifier: the same for every build of an edition."""
    return f"{doc.manuscript.slug}-{doc.audience}-{doc.manuscript.lang}".encode()


def _font_problems(doc: CitedDocument, fonts: FontReport, styles: Path) -> list[Problem]:
    """One problem per run of characters the project's fonts lack, at its line and column."""
    from ..glyphs import missing_character_problems

    # The message names no font of the build machine: it must read the same everywhere.
    problems = missing_character_problems(doc.manuscript, fonts.characters, styles / "fonts")
    if problems:
        return problems
    # Characters drawn without a glyph of their own (controls, spaces) that still needed one.
    codes = ", ".join(f"U+{ord(ch):04X}" for ch in sorted(fonts.characters))
    what = "characters {} are" if len(fonts.characters) > 1 else "character {} is"
    return [Problem(display_path(doc.manuscript.path), None,
                    what.format(codes) + " in none of the project's fonts: remove "
                    + ("them" if len(fonts.characters) > 1 else "it"), ERROR, "font")]


def _refused(doc: CitedDocument, url: str, folder: Path) -> Problem:
    """A refused fetch, located at the body line that names the resource where one does."""
    from ..body import source_line

    parts = urlsplit(url)
    needles = [url]
    if parts.scheme == "file":
        path = Path(unquote(parts.path))
        needles += [str(path), path.name]
        if path.is_relative_to(folder):
            needles.insert(1, str(path.relative_to(folder)))
    line = next((found for n in needles if (found := source_line(doc.manuscript, n))), None)
    return Problem(display_path(doc.manuscript.path), line,
                   f"resource '{url}' refused: only files in the manuscript's folder and the "
                   "project's styles/ may be used", ERROR, "resource")


def cited_bibtex(doc: CitedDocument) -> str:
    """The entries ``doc`` cites, in reference-list order, with their bibliographic fields only."""
    from ..attachments import cited_bibtex as public_bibtex
    from ..bibtex import load_bibliographies
    from ..errors import Problems

    entries = load_bibliographies(doc.manuscript.bibliography, Problems())
    return public_bibtex(entries, [ref.key for ref in doc.references])


__all__ = ["PdfFormat", "display_path"]
