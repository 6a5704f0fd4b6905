"""Shortcodes and template tags of Quarto, Hugo, HackMD and Jekyll, as pandoc leaves them.

Quarto's ``{{< pagebreak >}}`` is a page break, ``{{< meta title >}}`` the
front matter's value and ``{{< var key >}}`` the project's (:mod:`.quartovars`); any other shortcode, and a ``{%name %}`` tag that embeds
what a handout cannot hold, is left out with a warning at its line.  A
``{% ... %}`` in prose that names no such tag is text, as written.
"""

from __future__ import annotations

from typing import Protocol

from .errors import Problems
from .model import Manuscript
from .quartovars import var_value
from .tree import Node, str_inlines, stringify

SHORTCODE_OPEN = ("{{<", "{{%", "{%")  # Quarto's and Hugo's; HackMD's and Jekyll's "{%youtube x %}"
SHORTCODE_CLOSE = (">}}", "%}}", "%}")
PAGE_BREAK: Node = {"t": "Str", "c": ""}
# "{%name ... %}" tags that embed what a handout cannot hold: HackMD's players and viewers,
# Jekyll's includes and links to its own pages; any other "{% ... %}" is text
EMBED_TAGS = frozenset(("youtube", "vimeo", "gist", "slideshare", "speakerdeck", "pdf", "figma",
                        "include", "include_relative", "link", "post_url"))


# what Quarto's {{< meta key >}} may show: the front matter's fields a handout prints
META = ("title", "subtitle", "summary", "version", "status", "slug", "lang", "last_updated",
        "next_review")


# Quarto's names for the fields a handout names otherwise: its authors' names, in order
AUTHORS = ("author", "authors")


def meta_value(manuscript: Manuscript, words: list[str]) -> str | None:
    """The text of ``{{< meta key >}}``: the front matter's value, else None."""
    if len(words) != 2 or words[0] != "meta" or words[1] not in META + AUTHORS:
        return None
    if words[1] in AUTHORS:
        return ", ".join(person.name for person in manuscript.authors)
    value = getattr(manuscript, words[1])
    return "" if value is None else str(value)


def var_text(reader: ShortcodeReader, written: str, line: int | None) -> str | None:
    """The text of Quarto's ``{{< var key >}}`` (see :mod:`.quartovars`); for one that names
    no text, a warning and an empty string; None for any other shortcode."""
    words = written[3:-3].split()
    if len(words) != 2 or words[0] != "var":
        return None
    value, why = var_value(reader.manuscript.path, words[1])
    if value is None:
        reader.problems.warn(reader.manuscript.path, line,
                             f"'{shortened(written)}' (Quarto's) names no value: {why}; it is "
                             "left out of the handout", code="shortcode")
    return value or ""


def tag_name(text: str) -> str:
    """The name a ``{%name`` or ``{% name`` tag opens with."""
    words = text[2:].split()
    return words[0].lower() if words else ""


def shortened(written: str) -> str:
    """``written`` cut to about 60 characters, for a message."""
    return written if len(written) <= 60 else written[:56] + " ..." + written[-3:]


class ShortcodeReader(Protocol):
    """What the reading needs of the pass over the body (``dialects.py``)."""

    manuscript: Manuscript
    problems: Problems
    line_of_last_shortcode: int | None

    def line(self, text: str) -> int | None: ...

    def own_line(self, line: int | None) -> bool: ...


def read_shortcodes(reader: ShortcodeReader, inlines: list[Node]) -> list[Node]:
    """``inlines`` without Quarto/Hugo shortcodes; a page break marked :data:`PAGE_BREAK`."""
    out: list[Node] = []
    index = 0
    changed = False
    while index < len(inlines):
        node = inlines[index]
        if node["t"] != "Str" or not node["c"].startswith(SHORTCODE_OPEN):
            out.append(node)
            index += 1
            continue
        end = next((j for j in range(index, len(inlines)) if inlines[j]["t"] == "Str"
                    and any(c in inlines[j]["c"] for c in SHORTCODE_CLOSE)), None)
        opening = stringify(inlines[index:index + 3])
        if end is None or (opening.startswith("{%") and not opening.startswith("{%%")
                           and tag_name(opening) not in EMBED_TAGS):
            if end is not None:
                reader.line(opening[:3])  # counted, so the tags after it are found
            out.append(node)  # "{% for x %}" in prose is text, as written
            index += 1
            continue
        last = inlines[end]["c"]
        cut = min(last.index(c) + len(c) for c in SHORTCODE_CLOSE if c in last)
        if last[cut:cut + 1] == "}":  # "%}}" found as "%}"
            cut += 1
        after = last[cut:]  # punctuation right after the shortcode: "{{< meta title >}}."
        written = stringify(inlines[index:end]) + last[:cut]
        changed = True
        line = reader.line(written[:3])  # every shortcode opens so, counted in order
        reader.line_of_last_shortcode = line
        if not written.startswith("{{"):
            reader.problems.warn(reader.manuscript.path, line,
                               f"template tag '{shortened(written)}' (HackMD's, Jekyll's) is "
                               "not supported: it is left out of the handout",
                               code="shortcode")
        elif written[3:-3].split()[:1] == ["pagebreak"]:
            out.append(PAGE_BREAK)
        elif written[3:-3].split()[:1] == ["include"]:
            if not reader.own_line(line):  # on its own line it failed, with an error
                reader.problems.warn(reader.manuscript.path, line,
                                   f"'{shortened(written)}' is read only on a line of its "
                                   "own: here it is left out of the handout",
                                   code="shortcode")
        elif (value := meta_value(reader.manuscript, written[3:-3].split())) is not None \
                or (value := var_text(reader, written, line)) is not None:
            if out and out[-1]["t"] != "Space" and value:
                out.append({"t": "Space"})
            out.extend(str_inlines(value))
        elif written[3:-3].split()[:1] == ["meta"]:
            reader.problems.warn(reader.manuscript.path, line,
                                 f"'{shortened(written)}' (Quarto's) names no field a handout "
                                 f"shows ({', '.join(META + AUTHORS[1:])}): it is left out of "
                                 "the handout", code="shortcode")
        else:
            reader.problems.warn(reader.manuscript.path, line,
                               f"shortcode '{shortened(written)}' (Quarto's, Hugo's) is not "
                               "supported: it is left out of the handout", code="shortcode")
        index = end + 1
        if after.startswith(SHORTCODE_OPEN):  # another right after it: "{{< a >}}{{< b >}}"
            inlines = [*inlines[:end], {"t": "Str", "c": after}, *inlines[end + 1:]]
            index = end
        elif after:
            if out and out[-1]["t"] == "Space":
                out.pop()
            out.append({"t": "Str", "c": after})
        elif out and out[-1]["t"] == "Space" and index < len(inlines) \
                and inlines[index]["t"] == "Space":
            index += 1  # one space where the shortcode was
    return out if changed else inlines
