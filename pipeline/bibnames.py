"""Name lists written the Vancouver way, with commas where BibTeX wants 'and'.

Reference managers (Mendeley, EndNote exports, PubMed copy-paste) give
``author = {Mock C, Joshipura M, Arreola-Risa C, Quansah R.}``: one "name"
with three commas to BibTeX, which biber and BibTeX warn about ("Too many
commas in name") and pandoc reads as garbage.  When every comma-separated part
is a family name followed by initials (and perhaps a last ``et al.``), the
list is unambiguous and is read as those names; otherwise it is left as it is.
Either way the entry gets a warning at the field's line.
"""

from __future__ import annotations

import re

# "Arreola-Risa C", "van der Berg AB", "O'Neil JP." : family name(s), then 1-4 initials.
VANCOUVER = re.compile(r"^(?P<family>[^\W\d_][\w'’.\- ]*?)\s+(?P<initials>[A-Z]{1,4})\.?$")
ET_AL = re.compile(r"^et\s*al\.?$", re.IGNORECASE)


def _top_level(value: str, separator: re.Pattern[str]) -> list[str]:
    """``value`` split at ``separator`` outside braces."""
    parts, depth, start = [], 0, 0
    for m in re.finditer(r"[{}]|" + separator.pattern, value, separator.flags):
        token = m.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            parts.append(value[start:m.start()])
            start = m.end()
    parts.append(value[start:])
    return parts


AND = re.compile(r"\s+and\s+", re.IGNORECASE)
COMMA = re.compile(r",")


def comma_separated_names(key: str, field: str, value: str) -> tuple[str, str | None]:
    """``value`` to give the reader, and the warning about it (None when nothing is wrong).

    A name with more commas than ``Family, Jr, Given`` allows, or a single
    "name" whose parts all read as "Family INITIALS", is a list separated with
    commas.
    """
    names = _top_level(value, AND)
    worst = max(len(_top_level(name, COMMA)) - 1 for name in names)
    if len(names) != 1 or worst < 2:
        return value, None
    parts = [" ".join(p.split()) for p in _top_level(names[0], COMMA)]
    others = bool(parts) and bool(ET_AL.match(parts[-1]))
    people = parts[:-1] if others else parts
    matches = [VANCOUVER.match(p) for p in people]
    if people and all(matches):
        listed = [f"{m.group('family')}, {m.group('initials')}" for m in matches if m]
        shown = "; ".join(people[:2]) + ("; ..." if len(people) > 2 else "")
        message = (f"entry '{key}': field '{field}' has {worst} commas in one name: it is read "
                   f"as a list of {len(people)} names ({shown}); separate names with 'and'")
        return " and ".join(listed + (["others"] if others else [])), message
    if worst < 3:
        return value, None  # "Family, Jr, Given" is a name BibTeX reads
    return value, (f"entry '{key}': field '{field}' has a name with {worst} commas, more than "
                   "'Family, Jr, Given' allows, so its names are misread: separate names "
                   "with 'and'")
