"""GitHub's math (``$`\\sqrt{2}`$`` and a ```` ```math ```` block) read as pandoc's TeX math.

GitHub writes inline math as code between two dollars and display math as a
fenced block of language ``math``; pandoc's Markdown reads the first as a
dollar, code and a dollar (and the formula as TeX it cannot read), the second
as code.  Each is written as pandoc's TeX math (``$\\sqrt{2}$``, a ``$$`` line
for each fence), line for line, so every line keeps its number and the
formula is checked and drawn as any other.
"""

from __future__ import annotations

import re

INLINE = re.compile(r"\$`([^`\n]+?)`\$")
FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})[ \t]*([^`\s]*)")
MATH_FENCES = ("math", "{math}", "{.math}")


def as_tex_math(text: str) -> str:
    """``text`` with GitHub's inline and display math written as pandoc's, line for line."""
    if "$`" not in text and "math" not in text:
        return text
    lines = text.split("\n")
    fence: str | None = None  # the fence of the code or math block the line is in
    in_math = False
    for index, line in enumerate(lines):
        stripped = line.strip()
        if fence is not None:
            if stripped and set(stripped) == {fence[0]} and len(stripped) >= len(fence):
                if in_math:
                    lines[index] = line[: len(line) - len(line.lstrip())] + "$$"
                fence, in_math = None, False
            continue
        opener = FENCE.match(line)
        if opener:
            fence = opener.group(2)
            in_math = opener.group(3).lower() in MATH_FENCES
            if in_math:
                lines[index] = opener.group(1) + "$$"
            continue
        if "$`" in line:
            lines[index] = INLINE.sub(lambda m: f"${m.group(1).strip()}$", line)
    return "\n".join(lines)
