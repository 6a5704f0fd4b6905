"""Pictures embedded as wikis and Obsidian write them, with a description, as images.

A GitHub or GitLab wiki shows ``[[knee.png|alt=A drawing of the knee]]`` as the
picture, and Obsidian ``![[knee.png|A drawing of the knee|300]]`` (a number, or
``300x200``, is its size).  pandoc's Markdown has neither: the brackets would be
printed.  Such an embed, when it says what the picture shows, is written as
pandoc's image, ``![A drawing of the knee](knee.png){width="300px"}``, on its own
line (so every line keeps its number); one without a description stays as written,
and :mod:`.dialects` warns at its line saying how to write it.  Code keeps both as
written.
"""

from __future__ import annotations

import re

from .obsidian import _masked

PICTURE = re.compile(r"(!?)\[\[([^\[\]|\n]+?\.(?:png|jpe?g|gif|svg|webp|avif))[ \t]*"
                     r"((?:\|[^\[\]|\n]*)*)\]\]", re.IGNORECASE)
SIZE = re.compile(r"^(\d+)(?:x(\d+))?$")


def is_picture(target: str) -> bool:
    """Whether a wiki link's target names a picture file."""
    return PICTURE.fullmatch(f"[[{target.strip()}]]") is not None


def _image(match: re.Match[str]) -> str:
    alt, size = "", None
    for part in (p.strip() for p in match.group(3).split("|")[1:]):
        if SIZE.match(part):
            size = SIZE.match(part)
        elif part.lower().startswith("alt="):
            alt = part[4:].strip().strip("\"'")
        elif match.group(1) and "=" not in part:  # Obsidian's description
            alt = part
    if not alt:
        return match.group(0)
    target = match.group(2).strip()
    target = f"<{target}>" if " " in target else target
    attrs = []
    if size:
        attrs.append(f'width="{size.group(1)}px"')
        if size.group(2):
            attrs.append(f'height="{size.group(2)}px"')
    return f"![{alt}]({target})" + ("{" + " ".join(attrs) + "}" if attrs else "")


def as_images(text: str) -> str:
    """``text`` with each described picture embed written as pandoc's image."""
    if "[[" not in text:
        return text
    masked = _masked(text)
    out, last = [], 0
    for match in PICTURE.finditer(masked):
        out += [text[last:match.start()], _image(PICTURE.match(text, match.start()) or match)]
        last = match.end()
    return "".join(out) + text[last:] if out else text
