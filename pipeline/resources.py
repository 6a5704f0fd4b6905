"""The local files a body's raw HTML, CSS and SVG images load, held to one rule.

Each must be a relative path inside the manuscript's own folder: the build
never uses the network and never reads what lies outside the project.  Found
by parsers, not patterns (a CSS tokenizer reads ``u\\72l(...)`` as WeasyPrint does).
"""

from __future__ import annotations

import html.parser
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .errors import Problems, is_file, local_path
from .images import raster_problem
from .svg_clean import MAX_DRAWN, overdrawn_use

RESOURCE_ATTRS = {"src", "href", "data", "poster", "srcset", "background", "xlink:href",
                  "action", "formaction", "manifest", "longdesc", "codebase", "archive"}
HYPERLINK_TAGS = {"a", "area"}
CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""", re.IGNORECASE)
# Files an SVG drawing may show that are photographs: checked as an image in the text is.
RASTER_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".tif", ".tiff",
                             ".bmp"})


class RawScanner(html.parser.HTMLParser):
    """The resources raw HTML loads: (tag, attribute, address) of each, in ``found``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self._in_style = False
        self._left_out = 0  # depth inside elements the cleaning leaves out whole

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        from .rawhtml import REMOVED, VOID

        if tag in REMOVED or self._left_out:
            # Left out with a warning of its own: what it would load is never loaded.
            self._left_out += tag not in VOID
            return
        values = {k.lower(): v or "" for k, v in attrs}
        rel = values.get("rel", "").lower()
        for key, value in values.items():
            if key == "style":
                for url in css_urls(value):
                    self.found.append((tag, "style", url))
            elif key in RESOURCE_ATTRS:
                if tag in HYPERLINK_TAGS and key == "href" and "attachment" not in rel:
                    continue
                for part in value.split(",") if key == "srcset" else [value]:
                    self.found.append((tag, key, part.strip().split(" ")[0]))
        self._in_style = tag == "style"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        from .rawhtml import VOID

        self.handle_starttag(tag, attrs)
        if self._left_out and tag not in VOID:
            self._left_out -= 1

    def handle_endtag(self, tag: str) -> None:
        from .rawhtml import VOID

        self._in_style = False
        if self._left_out and tag not in VOID:
            self._left_out -= 1

    def handle_data(self, data: str) -> None:
        if self._in_style:
            for url in css_urls(data):
                self.found.append(("style", "url", url))


def css_urls(css: str) -> list[str]:
    """Every URL a piece of CSS may load, as a CSS parser sees it.

    A tokenizer, not a pattern: ``u\\72l(...)`` is ``url(...)`` to WeasyPrint.
    """
    try:
        import tinycss2
    except ImportError:  # pragma: no cover - installed with WeasyPrint
        return [m.group(2) if m.group(2) is not None else m.group(4)
                for m in CSS_URL.finditer(css)]
    urls: list[str] = []

    def visit(tokens: list[Any]) -> None:
        importing = False
        for token in tokens:
            kind = token.type
            if kind in ("whitespace", "comment"):
                continue
            if kind == "url" or (kind == "string" and importing):
                urls.append(token.value)
            elif kind == "function":
                strings = [t.value for t in token.arguments if t.type == "string"]
                if token.lower_name in ("url", "src"):
                    urls.extend(strings[:1])
                elif token.lower_name.endswith("image-set"):
                    urls.extend(strings)
                visit(token.arguments)
            elif kind.endswith("block"):
                visit(token.content)
            importing = kind == "at-keyword" and token.lower_value == "import"

    visit(tinycss2.parse_component_value_list(css))
    return urls


def resource_problem(target: str, folder: Path) -> str | None:
    """Why ``target`` may not be embedded from a manuscript in ``folder``, or None."""
    if not target or target.startswith("#"):
        return None
    parts = urlsplit(target)
    if parts.scheme in ("http", "https", "ftp", "ftps") or not parts.scheme and parts.netloc:
        return "remote resources are not allowed (the build never uses the network)"
    if parts.scheme == "data":
        return None
    if parts.scheme:
        return f"'{parts.scheme}:' resources are not allowed; use a path relative to the manuscript"
    path = unquote(parts.path)
    if "\0" in path:  # no file name holds one; the system refuses to look it up
        return "the path holds a NUL character (%00), which no file name may"
    if path.startswith(("/", "\\", "~")) or re.match(r"^[A-Za-z]:[\\/]", path):
        return "absolute paths are not allowed; use a path relative to the manuscript"
    try:
        resolved = (folder / path).resolve()
    except (OSError, RuntimeError):
        return "is a link that leads back to itself (a loop of links)"
    if not resolved.is_relative_to(folder.resolve()):
        return "the path leaves the manuscript's folder"
    return None


def _entity_line(path: Path) -> int | None:
    """The line of an SVG file's first entity declaration (``<!ENTITY``), if any."""
    for number, line in enumerate(path.read_bytes().splitlines(), 1):
        if b"<!ENTITY" in line:
            return number
    return None


def check_svg(target: str, folder: Path, problems: Problems) -> None:
    """Resources an SVG image in ``folder`` loads, held to the body's rule.

    WeasyPrint fetches them when it draws the image; reported here, at the
    SVG's own line, ``check`` finds them without rendering.
    """
    parts = urlsplit(target)
    path = folder / unquote(parts.path)
    if parts.scheme or path.suffix.lower() != ".svg" or not is_file(path):
        return
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False)
    try:
        root = etree.parse(str(path), parser).getroot()
    except etree.XMLSyntaxError as exc:
        line, message = exc.lineno or None, f"SVG image is not valid XML: {exc.msg}"
        if not path.stat().st_size:
            message = "SVG image is empty (0 bytes): copy or export it again"
        elif "amplification" in exc.msg:  # libxml2's guard against "billion laughs"
            line = _entity_line(path) or line
            message = ("SVG image refused: its entities (&name;) stand for more text than a "
                       "drawing may hold; write the text in the drawing")
        problems.add(path, line, message, code="resource")
        return
    overdrawn = overdrawn_use(root)
    if overdrawn is not None:
        problems.add(path, overdrawn.sourceline, "SVG image refused: its <use> elements repeat "
                     f"parts of it into more than {MAX_DRAWN:,} shapes to draw (copies of "
                     "copies); draw fewer copies, or export the drawing again flattened",
                     code="resource")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        found = []
        for name, value in element.attrib.items():
            local = etree.QName(name).localname
            if local == "style":
                found += css_urls(value)
            elif local in ("href", "src"):
                found.append(value)
        if etree.QName(element).localname == "style" and element.text:
            found += css_urls(element.text)
        for url in found:
            why = resource_problem(url, path.parent)
            if why == "the path leaves the manuscript's folder":
                inside = (path.parent / unquote(urlsplit(url).path)).resolve()
                why = None if inside.is_relative_to(folder.resolve()) else why
            if why:
                problems.add(path, element.sourceline, f"SVG image loads '{url}', refused: {why}",
                             code="resource")
            elif (target := local_path(url, path.parent)) is None:
                continue
            elif not is_file(target):
                problems.add(path, element.sourceline, f"SVG image loads '{url}', which is not "
                             "found: the drawing would be printed without it",
                             code="missing-image")
            elif target.suffix.lower() in RASTER_SUFFIXES \
                    and (bad := raster_problem(target)):  # a photograph it shows: sized too
                problems.add(path, element.sourceline, f"SVG image loads '{url}', which {bad}",
                             code="bad-image")
