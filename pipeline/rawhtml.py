"""Raw HTML in a manuscript, made safe and well-formed for both writers.

pandoc passes raw HTML through one tag at a time (``<br>``, ``<sup>`` ...
``</sup>``).  Each run of raw tags is read together with the Markdown around
it by tinyhtml5, the HTML5 parser WeasyPrint itself uses, so the EPUB gets
the very tree the PDF shows; the tree is then cleaned against an allowlist
and written back as XHTML, which the EPUB needs and WeasyPrint reads as well.

Markdown content between raw tags stands in the HTML as a placeholder
character sequence; after parsing, the placeholders split the XHTML back
into raw pieces around the untouched Markdown nodes.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from .foreign import clean_foreign, declarations, is_foreign_root, namespace, qualified

HTML_NS = "{http://www.w3.org/1999/xhtml}"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
PHRASING = {"a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "del", "dfn", "em",
            "i", "img", "ins", "kbd", "mark", "q", "rp", "rt", "ruby", "s", "samp", "small",
            "span", "strong", "sub", "sup", "time", "u", "var", "wbr"}
FLOW = {"address", "article", "aside", "blockquote", "caption", "dd", "details", "div", "dl",
        "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "li", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot",
        "th", "thead", "tr", "ul", "colgroup", "col", "main", "nav", "hgroup"}
ALLOWED = PHRASING | FLOW
# Elements that hold blocks (a paragraph or list may sit inside them).
BLOCK_HOLDERS = {"article", "aside", "blockquote", "dd", "details", "div", "figure", "footer",
                 "header", "li", "section", "td", "th", "main", "nav"}
# Left out with everything inside them, and why.
REMOVED = {
    **dict.fromkeys(("script", "noscript", "template", "iframe", "frame", "frameset",
                     "object", "embed", "applet", "canvas", "portal"),
                    "scripts and embedded content never go into a handout"),
    **dict.fromkeys(("form", "input", "button", "select", "textarea", "option", "optgroup",
                     "datalist", "output", "fieldset", "legend", "label", "meter", "progress"),
                    "forms have no place in a printed handout"),
    **dict.fromkeys(("style", "meta", "base", "title", "head"),
                    "it would change the whole document; use the project's styles"),
    "link": "to attach a file, write [text](file){rel=\"attachment\"}",
    **dict.fromkeys(("audio", "video", "source", "track", "map", "area", "dialog"),
                    "it cannot be printed"),
}
FOREIGN_WHY = "only SVG drawings and MathML formulas are kept from other markup languages"
GLOBAL_ATTRS = {"id", "class", "style", "title", "lang", "dir", "role", "translate"}
ELEMENT_ATTRS = {
    "a": {"href", "hreflang", "rel", "type"},
    "img": {"src", "alt", "width", "height", "srcset", "sizes", "loading", "decoding"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "headers", "scope", "abbr"},
    "col": {"span"}, "colgroup": {"span"},
    "time": {"datetime"}, "data": {"value"},
    "del": {"cite", "datetime"}, "ins": {"cite", "datetime"},
    "q": {"cite"}, "blockquote": {"cite"},
    "details": {"open"},
    "abbr": set(), "bdo": set(),
}
# Presentational attributes of old HTML, kept as the CSS they meant.
AS_CSS = {"align": "text-align", "valign": "vertical-align", "bgcolor": "background-color",
          "color": "color"}
SIZE_AS_CSS = {"width", "height"}
# A size HTML5 does not allow in an attribute (only a whole number of pixels) but CSS reads.
CSS_SIZE = re.compile(r"^\d+(\.\d+)?(%|px|em|rem|ex|ch|cm|mm|in|pt|pc|vw|vh)$", re.IGNORECASE)
SAFE_LINK = re.compile(r"^(https?:|mailto:|tel:|#|[^:]*$)", re.IGNORECASE)
# A picture written into the page (as notebooks export them); never SVG, which could hold scripts.
DATA_IMAGE = re.compile(r"^data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]+$",
                        re.IGNORECASE)
XML_NAME = re.compile(r"^[A-Za-z_][\w.-]*$")
QUALIFIED = re.compile(r"^(xlink|xml):[A-Za-z_][\w.-]*$")


@dataclass
class Cleaning:
    """What cleaning removed, as (element or attribute, reason) pairs."""

    removed: list[tuple[str, str]] = field(default_factory=list)

    def note(self, what: str, why: str) -> None:
        if (what, why) not in self.removed:
            self.removed.append((what, why))


def parse_fragment(html: str, inline: bool):
    """The HTML5 tree of ``html`` as inside a paragraph (inline) or a ``<div>``."""
    from tinyhtml5.parser import HTMLParser

    # As a stream: tinyhtml5 takes a short string for a file name to open when
    # such a file exists, and fails when it is too long to be one.
    return HTMLParser().parse_fragment(io.StringIO(html), container="p" if inline else "div")


def local(element) -> str | None:
    """The HTML tag name of ``element``; None for comments and foreign content."""
    tag = element.tag
    if not isinstance(tag, str):
        return None
    if tag.startswith(HTML_NS):
        return tag[len(HTML_NS):]
    return tag.rsplit("}", 1)[-1] if tag.startswith("{") else tag


def clean(root, inline: bool, report: Cleaning) -> None:
    """Apply the allowlist to the tree under ``root`` in place."""
    for element in list(root):
        name = local(element)
        foreign = isinstance(element.tag, str) and element.tag.startswith("{") \
            and not element.tag.startswith(HTML_NS)
        if name is None:  # a comment: invisible anyway
            unwrap_or_drop(root, element, keep_children=False)
            continue
        if foreign and is_foreign_root(element):
            clean_foreign(element, report)
            continue
        if name == "picture":  # its <img> is the picture every reader gets; its <source>s
            for source in [c for c in element if local(c) == "source"]:  # are other files
                unwrap_or_drop(element, source, keep_children=False)  # for other screens
            clean(element, inline, report)
            unwrap_or_drop(root, element, keep_children=True)
            continue
        if name in REMOVED or foreign:
            report.note(f"<{name}>", REMOVED.get(name, FOREIGN_WHY))
            unwrap_or_drop(root, element, keep_children=False)
            continue
        if name in ALLOWED and is_hidden(dict(element.attrib)):
            report.note(f"<{name}>", HIDDEN_WHY)
            unwrap_or_drop(root, element, keep_children=False)
            continue
        clean(element, inline or name in PHRASING, report)
        if name not in ALLOWED:
            report.note(f"<{name}>", "it is not an element of HTML5 (its text is kept)")
            _label_kept(element, inline)
            unwrap_or_drop(root, element, keep_children=True)
        elif inline and name not in PHRASING:
            report.note(f"<{name}>", "it is a block inside a line of text; start it on a line "
                        "of its own (its text is kept)")
            unwrap_or_drop(root, element, keep_children=True)
        else:
            _clean_attributes(element, name, report)


HIDING = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\s*(?:;|$|!)",
                    re.IGNORECASE)
HIDDEN_TEXT = ("hidden text would still be in the EPUB and the web page for anyone to read; "
               "for a note to the editors write an HTML comment <!-- ... -->, which no file "
               "keeps")
HIDDEN_WHY = f"it is hidden (its text is left out too): {HIDDEN_TEXT}"


def is_hidden(attributes: dict[str, str]) -> bool:
    """Whether an element's attributes hide it (``hidden``, ``display: none``)."""
    lowered = {str(k).lower(): v for k, v in attributes.items()}
    return "hidden" in lowered or bool(HIDING.search(lowered.get("style", "")))


def _clean_attributes(element, name: str, report: Cleaning) -> None:
    allowed = GLOBAL_ATTRS | ELEMENT_ATTRS.get(name, set())
    css: list[str] = []
    for key, value in list(element.attrib.items()):
        lower = key.lower()
        if lower.startswith("on"):
            report.note(f"{lower}=", "event handlers are scripts")
        elif lower in ("href", "src") and lower in allowed and not SAFE_LINK.match(value.strip()) \
                and not (lower == "src" and name == "img" and DATA_IMAGE.match(value.strip())):
            report.note(f"{lower}=", "only web, mail and relative addresses are kept")
        elif lower in SIZE_AS_CSS and not value.strip().isdigit():
            if CSS_SIZE.match(value.strip()):
                css.append(f"{lower}: {value.strip().lower()}")
            else:
                report.note(f"{lower}=", f"'{value.strip()}' is not a size")
        elif lower == "style" and not _is_css(value):
            shown = " ".join(value.split())
            report.note("style=", f"'{shown[:40]}' is not CSS (a JSX style object, as MDX "
                        "writes one, is not); write style=\"color: red\"")
        elif lower in allowed or lower.startswith(("aria-", "data-")) and XML_NAME.match(lower):
            continue
        elif lower in AS_CSS:
            css.append(f"{AS_CSS[lower]}: {value}")
        elif lower in SIZE_AS_CSS and value.strip().isdigit():
            css.append(f"{lower}: {value.strip()}px")
        else:
            report.note(f"{lower}=", f"not an attribute of <{name}> in HTML5")
        del element.attrib[key]
    if css:
        style = element.get("style", "").strip().rstrip(";")
        element.set("style", "; ".join(([style] if style else []) + css))


def _is_css(value: str) -> bool:
    """Whether a style attribute's value reads as CSS declarations (an EPUB with any other
    fails EPUBCheck, CSS-008)."""
    import tinycss2

    return not any(node.type == "error" for node in tinycss2.parse_declaration_list(
        value, skip_comments=True, skip_whitespace=True))


def _label_kept(element, inline: bool) -> None:
    """A component's ``label`` (Docusaurus's ``<TabItem label="Adults">``) or ``title`` as
    bold text at its start: the text under it is for those only.  An empty one's ``text``
    (VitePress's ``<Badge type="tip" text="New" />``) is its text."""
    if not (element.text or "").strip() and len(element) == 0 and element.get("text"):
        element.text = " ".join(element.get("text").split())
        return
    label = " ".join((element.get("label") or element.get("title") or "").split())
    if not label:
        return
    strong = element.makeelement(f"{HTML_NS}strong", {})
    strong.text = label
    if inline:
        first = strong
    else:
        first = element.makeelement(f"{HTML_NS}p", {})
        first.append(strong)
    first.tail = (" " if inline else "") + (element.text or "")
    element.text = None
    element.insert(0, first)


def unwrap_or_drop(parent, element, keep_children: bool) -> None:
    """Take ``element`` out of ``parent``; its tail text, and its content if asked, stay."""
    index = list(parent).index(element)
    kept = ""
    children = []
    if keep_children:
        kept = element.text or ""
        children = list(element)
    tail = element.tail or ""
    parent.remove(element)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    text = kept
    if children:
        last = children[-1]
        last.tail = (last.tail or "") + tail
    else:
        text += tail
    if not text:
        return
    if index == 0:
        parent.text = (parent.text or "") + text
    else:
        previous = parent[index - 1]
        previous.tail = (previous.tail or "") + text


def _escape(text: str, quote: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if quote else text


# HTML's boolean attributes: pandoc's EPUB writer shortens an empty value to the bare name
# (``<details open>``), which is no XML, so each is written as its own name, as XHTML has it.
BOOLEAN = frozenset(("open", "reversed", "hidden", "inert", "ismap", "itemscope"))


def _filled(name: str, value: str) -> str:
    """An attribute's value as written: a boolean one's empty value as its name; any other
    empty value stays empty and is left out (it says nothing a missing attribute does not)."""
    return name if not value and name in BOOLEAN else value


def to_xhtml(root) -> str:
    """The children of ``root`` as XHTML that HTML5 parsers read back the same."""
    out: list[str] = [_escape(root.text or "")]
    for child in root:
        _write(child, out)
    return "".join(out)


def _write(element, out: list[str], parent_namespace: str | None = None) -> None:
    name = local(element) or "span"
    space = namespace(element)
    foreign = space is not None and not element.tag.startswith(HTML_NS)
    pairs = sorted((qualified(k) or "", _filled(k, v)) for k, v in element.attrib.items())
    attrs = "".join(f' {k}="{_escape(v, quote=True)}"' for k, v in pairs
                    if v and (XML_NAME.match(k) or (foreign and QUALIFIED.match(k))))
    if foreign and space != parent_namespace:
        attrs = declarations(element) + attrs
    if foreign and not len(element) and not element.text:
        out.append(f"<{name}{attrs} />")
    elif foreign:
        out.append(f"<{name}{attrs}>{_escape(element.text or '')}")
        for child in element:
            _write(child, out, space)
        out.append(f"</{name}>")
    elif name in VOID:
        out.append(f"<{name}{attrs} />")
    else:
        out.append(f"<{name}{attrs}>")
        text = element.text or ""
        if name == "pre" and text.startswith("\n"):
            text = "\n" + text  # an HTML parser drops one newline after <pre>
        out.append(_escape(text))
        for child in element:
            _write(child, out)
        out.append(f"</{name}>")
    out.append(_escape(element.tail or ""))
