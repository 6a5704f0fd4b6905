"""Links that a stand-alone file (the PDF, the EPUB) can follow.

A link to a local file, ``[the algorithm](/assets/algo.pdf)`` or
``[the knee handout](knee.html)``, works on a web site but not in a file
sent to a clinic: the file it names is not inside the PDF or EPUB (an EPUB
that points outside itself fails EPUBCheck; a PDF would point into the
build machine's folders).  In those two formats such a link is resolved
against the manuscript's ``canonical_url`` when it has one (the online
version sits beside the file it links to), and otherwise becomes plain
text, with a warning at its line.  The web page keeps the link as written.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

from .body import as_written, source_line
from .errors import Problems
from .model import Manuscript
from .tree import Node, rewrite, stringify, walk

RAW_HREF = re.compile(r'(<a\b[^<>]*?)\shref="([^"]*)"([^<>]*>)', re.IGNORECASE)


def is_local(target: str) -> bool:
    """True for a link to a file on disk or the site (no scheme, not only a #fragment)."""
    if not target.strip() or target.startswith("#"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def _attachment(tag_or_attrs: str | list[list[str]]) -> bool:
    """A link the PDF attaches its file for (``rel="attachment"``)."""
    if isinstance(tag_or_attrs, str):
        return bool(re.search(r'\srel="[^"]*attachment', tag_or_attrs, re.IGNORECASE))
    return any(k == "rel" and "attachment" in v.lower() for k, v in tag_or_attrs)


def local_links(ast: Mapping[str, Any]) -> list[tuple[str, bool]]:
    """Every local link of the body, Markdown and raw HTML, in order: (target, attachment)."""
    found: list[tuple[str, bool]] = []
    for node in walk(list(ast["blocks"])):
        if node["t"] == "Link" and is_local(node["c"][2][0]):
            found.append((node["c"][2][0], _attachment(node["c"][0][2])))
        elif node["t"] in ("RawInline", "RawBlock") and node["c"][0].lower().startswith("html"):
            found += [(html.unescape(m.group(2)), _attachment(m.group(0)))
                      for m in RAW_HREF.finditer(node["c"][1])
                      if is_local(html.unescape(m.group(2)))]
    return found


def check_links(manuscript: Manuscript, ast: Mapping[str, Any], problems: Problems) -> None:
    """A warning at each local link that the PDF or the EPUB will show as plain text."""
    if manuscript.canonical_url:
        return
    for found, attachment in dict.fromkeys(local_links(ast)):
        target = as_written(manuscript, found)
        line = link_line(manuscript, target)
        if attachment:
            problems.warn(manuscript.path, line, f"attachment '{target}' is attached to the PDF "
                          "only: in the EPUB it is plain text (set canonical_url to link to the "
                          "online version)", code="local-link")
        else:
            problems.warn(manuscript.path, line, f"link '{target}' points to a file that is not "
                          "part of the PDF or EPUB: there it is plain text (set canonical_url "
                          "to link to the online version)", code="local-link")


def link_line(manuscript: Manuscript, written: str) -> int | None:
    """The line of a link to ``written``: ``(written``, ``(<written>``, else any mention."""
    return source_line(manuscript, f"({written}") or source_line(manuscript, f"(<{written}>") \
        or source_line(manuscript, written)


LINKS_AND_RAW = ("Link", "RawInline", "RawBlock")


# Folders that hold people's own files on Linux, macOS and mounted drives: never a web address.
HOME_FOLDERS = re.compile(r"^/(?:home|Users|root|mnt|media|Volumes|private/var)/", re.IGNORECASE)


def on_this_computer(target: str) -> bool:
    """A link to a file on the author's computer: ``file:``, ``C:\\``, ``\\\\server``, ``/home/``."""
    target = target.strip()
    scheme = urlsplit(target).scheme.lower()
    return (scheme == "file" or (len(scheme) == 1 and scheme.isalpha())
            or target.startswith(("\\", "~/")) or HOME_FOLDERS.match(target) is not None)


# Addresses a browser or PDF viewer runs as code when the link is followed.
SCRIPT_SCHEMES = frozenset({"javascript", "vbscript", "livescript", "data"})


def is_script(target: str) -> bool:
    """A ``javascript:`` (``vbscript:``, ``data:``) address, however it is capitalised or
    spaced: following it runs code."""
    return urlsplit(target.strip()).scheme.lower() in SCRIPT_SCHEMES


def unlink_computer_files(manuscript: Manuscript, ast: Mapping[str, Any],
                          problems: Problems) -> dict[str, Any]:
    """Links to files on the author's computer, and links that are scripts, as plain text
    in every format, each warned.

    No reader can open such a file, and its path names the author's folders; a
    ``javascript:`` link would run code in the web page, the EPUB or the PDF viewer.
    """
    warned: set[str] = set()

    def fix(node: Node) -> Any:
        if node["t"] != "Link":
            return None
        target = node["c"][2][0]
        script = is_script(target)
        if not script and not on_this_computer(target):
            return None
        if target not in warned:
            warned.add(target)
            line = link_line(manuscript, as_written(manuscript, target)) \
                or source_line(manuscript, target.replace("\\", "\\\\"))
            target = as_written(manuscript, target)
            if script:
                problems.warn(manuscript.path, line, f"link '{target[:60]}' is a script, which "
                              "never goes into a handout: it is plain text in every format",
                              code="script-link")
            else:
                problems.warn(manuscript.path, line, f"link '{target}' points to a file on "
                              "the computer it was written on, which no reader can open: it is "
                              "plain text in every format (put the file beside the manuscript "
                              "and link to it by its relative path, or link to its web "
                              "address)", code="local-link")
        return {"t": "Span", "c": [node["c"][0], rewrite(node["c"][1], fix, ("Link",))]}

    return {**ast, "blocks": rewrite(list(ast["blocks"]), fix, ("Link",))}


def named_links(manuscript: Manuscript, ast: Mapping[str, Any],
                problems: Problems) -> dict[str, Any]:
    """A link without words (``[](https://...)``, or one whose words were a template's
    variable, left out) shows its address as its words, with a warning at its line.

    Nothing would name such a link: a screen reader says only "link", the page shows
    nothing to click, and the web page and the EPUB fail axe's and Ace's ``link-name``.
    One to a heading of the body (``[](#dosing)``, as MyST's ``{ref}`dosing``` is read)
    reads as the heading, and one to a figure as its caption, without a warning.
    """
    headings: dict[str, list[Node]] = {}

    def name(node: Node) -> Any:
        if stringify(node["c"][1]).strip() or any(n["t"] == "Image" for n in walk(node["c"][1])):
            return None
        target = node["c"][2][0]
        if target.startswith("#"):
            if not headings:  # the words of each heading, and of each figure's caption
                for n in walk(list(ast["blocks"])):
                    if n["t"] == "Header" and n["c"][1][0]:
                        headings[n["c"][1][0]] = n["c"][2]
                    elif n["t"] == "Figure" and n["c"][0][0] and n["c"][1][1] \
                            and n["c"][1][1][0]["t"] in ("Plain", "Para"):
                        headings[n["c"][0][0]] = n["c"][1][1][0]["c"]
            if target[1:] in headings:
                words = [n for n in headings[target[1:]] if n["t"] not in ("Note", "Link")]
                return {"t": "Link", "c": [node["c"][0], words, node["c"][2]]}
        written = as_written(manuscript, target)
        problems.warn(manuscript.path, link_line(manuscript, written),
                      f"link '{written}' has no words, so nothing names it to a reader: its "
                      f"address is shown instead; write [what it leads to]({written})",
                      code="unnamed-link")
        return {"t": "Link", "c": [node["c"][0], [{"t": "Str", "c": target}], node["c"][2]]}

    return {**ast, "blocks": rewrite(list(ast["blocks"]), name, ("Link",))}


def standalone_links(blocks: list[Node], canonical_url: str | None,
                     attachments: bool = False) -> list[Node]:
    """``blocks`` with local links resolved against ``canonical_url``, or made plain text.

    With ``attachments`` (the PDF), links to files the PDF attaches are kept.
    """

    def resolve(target: str) -> str | None:
        return urljoin(canonical_url, target) if canonical_url else None

    def raw_href(match: re.Match[str]) -> str:
        target = html.unescape(match.group(2))
        if not is_local(target) or (attachments and _attachment(match.group(0))):
            return match.group(0)
        url = resolve(target)
        href = "" if url is None else f' href="{html.escape(url)}"'
        return match.group(1) + href + match.group(3)

    def fix(node: Node) -> Any:
        if node["t"] == "Link" and is_local(node["c"][2][0]) \
                and not (attachments and _attachment(node["c"][0][2])):
            url = resolve(node["c"][2][0])
            inner = rewrite(node["c"][1], fix, LINKS_AND_RAW)
            if url is None:
                return {"t": "Span", "c": [node["c"][0], inner]}
            return {"t": "Link", "c": [node["c"][0], inner, [url, node["c"][2][1]]]}
        if node["t"] in ("RawInline", "RawBlock") and node["c"][0].lower().startswith("html"):
            text = RAW_HREF.sub(raw_href, node["c"][1])
            return None if text == node["c"][1] else {"t": node["t"], "c": [node["c"][0], text]}
        return None

    return rewrite(blocks, fix, LINKS_AND_RAW)
