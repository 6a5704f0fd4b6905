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
    parts = separator.split(value)
    if all(p.count("{") == p.count("}") for p in parts):
        return parts  # no separator inside braces (one there leaves its parts unbalanced)
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
# a part of biblatex's extended name format: "family=Berg", "given={Anke M.}", "useprefix=true"
_KEYED_PART = re.compile(r"^\s*[A-Za-z][A-Za-z-]*\s*=")
COMMA = re.compile(r",")


def comma_separated_names(key: str, field: str, value: str) -> tuple[str, str | None]:
    """``value`` to give the reader, and the warning about it (None when nothing is wrong).

    A name with more commas than ``Family, Jr, Given`` allows, or a single
    "name" whose parts all read as "Family INITIALS", is a list separated with
    commas.
    """
    if value.count(",") < 2:  # the common case, read quickly
        return value, None
    names = [n for n in _top_level(value, AND)
             if not all(_KEYED_PART.match(p) for p in _top_level(n, COMMA))]
    if not names:  # biblatex's keyed names: family=Berg, given=Anke, prefix=van der
        return value, None
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


_EMPTY_NAME = re.compile(r"^\s*and(?=\s)|(?<=\s)and\s*$|(?<=\s)and(?=\s+and\s)",
                         re.IGNORECASE)


def empty_names(key: str, field: str, value: str) -> tuple[str, str | None]:
    """``value`` without the empty names an 'and' too many leaves, and the warning about it.

    ``Roe, Ann and`` (an export cut short) is read by pandoc as a name with the
    particle 'and'; biber drops the empty name, and so does the project.
    """
    if "and" not in value.lower() or not _EMPTY_NAME.search(value):
        return value, None
    cleaned = value
    while True:
        shorter = re.sub(r"(\s)and\s+and(\s)", r"\1and\2", cleaned, flags=re.IGNORECASE)
        if shorter == cleaned:
            break
        cleaned = shorter
    cleaned = re.sub(r"^\s*and\s+|\s+and\s*$", "", cleaned, flags=re.IGNORECASE).strip()
    return cleaned, (f"entry '{key}': field '{field}' has an 'and' with no name on one side; "
                     "the empty name is left out")


_INLINE_ET_AL = re.compile(r"^(?P<name>[^{}]*?\S),?\s+et\.?\s*al(?:ii|\.)?$", re.IGNORECASE)


def inline_et_al(key: str, field: str, value: str) -> tuple[str, str | None]:
    """``K. A. Olive et al.`` (no 'and') as the name and BibTeX's 'others', with a warning.

    Read as written, 'et' becomes a particle and 'al.' the family name.
    """
    if "al" not in value.lower():
        return value, None
    names = _top_level(value, AND)
    fixed = [_INLINE_ET_AL.sub(r"\g<name> and others", n.strip()) for n in names]
    if fixed == [n.strip() for n in names]:
        return value, None
    return " and ".join(fixed), (f"entry '{key}': field '{field}' has 'et al.' without 'and' "
                                 "before it; it is read as 'and others'")


def literal_list(value: str) -> str:
    """A list field (publisher, institution, location) read as biblatex prints it.

    biblatex prints ``Centers for Disease Control and Prevention`` as written
    (its list's last delimiter is "and"); pandoc joins the parts with "; ".
    The list is given as one braced item, its parts joined as biblatex joins them.
    """
    if " and " not in value.lower():
        return value
    parts = [p.strip() for p in _top_level(value, AND)]
    if len(parts) < 2 or not all(parts):
        return value
    return "{" + ", ".join(parts[:-1]) + " and " + parts[-1] + "}"


# PubMed writes "McMurray JJV": the family name, then 1-3 initials, no comma.  BibTeX reads
# "First Last", so the initials become the family name.  A family name written in capitals
# after the given name ("Wei LI", "Jae KIM") looks the same; these short ones are not warned
# about.
_INITIALS_LAST = re.compile(r"^[A-Z]{1,3}\.?$")
_CAPS_LAST = re.compile(r"\s[A-Z]{1,3}\.?(?:\s+and\s|\s*$)")
_CAPITAL_FAMILY_NAMES = """AN BAE CAI CHO DAI DU FAN FU GAO GOH GU HAN HE HO HU HUI JIN JO
KIM KO KOH LAI LAM LAU LAW LEE LI LIM LIN LIU LOH LU LUI LUO LY MA MAO NAM NG NOH OH ONO OTA PAN
QIN RYU SHI SON SUN TAN TAO TEO TO VO WOO WU XU YAN YIP YOO YU ZHU ABE ITO UNO"""
CAPITAL_FAMILIES = frozenset(_CAPITAL_FAMILY_NAMES.split())


def pubmed_names(key: str, field: str, value: str) -> str | None:
    """A warning when names are written "Family INITIALS" without a comma (None if none is)."""
    if not _CAPS_LAST.search(value):  # no name ends in capitals: the common case
        return None
    found = []
    for name in _top_level(value, AND):
        words = name.split()
        if len(words) < 2 or "," in name or name.strip().startswith("{") or "{" in words[-1]:
            continue
        last = words[-1].rstrip(".")
        if _INITIALS_LAST.match(words[-1]) and not _INITIALS_LAST.match(words[0]) \
                and last not in CAPITAL_FAMILIES:
            first = len(words) - 1  # "Smith J. A.": every trailing initial
            while first > 1 and _INITIALS_LAST.match(words[first - 1]):
                first -= 1
            letters = "".join(w.rstrip(".") for w in words[first:])
            fix = f"{' '.join(words[:first])}, {' '.join(ch + '.' for ch in letters)}"
            found.append((" ".join(words), " ".join(words[:-1]), last, fix))
    if not found:
        return None
    written, given, family, fix = found[0]
    more = f" (and {len(found) - 1} more name{'s' if len(found) > 2 else ''} written so)" \
        if len(found) > 1 else ""
    return (f"entry '{key}': '{written}' in '{field}' reads as given name '{given}', family name "
            f"'{family}'{more}; write '{fix}'")


# "Centers for Disease Control and Prevention" without braces: BibTeX splits it at "and" and
# reads each part as a person ("for Disease Control C, Prevention"), as EndNote exports a
# corporate author.  These words join an organisation's name; no name particle is one of them.
_JOINING = frozenset(["for", "of", "on", "the", "in", "to", "at", "with", "against"])


def organisation_as_people(key: str, field: str, value: str) -> str | None:
    """A warning when an organisation's name is written as names of people (None if not)."""
    for name in _top_level(value, AND):
        text = name.strip()
        if "," in text or text.startswith("{"):
            continue
        words = text.split()
        if len(words) > 2 and any(w in _JOINING for w in words[1:-1]):
            return (f"entry '{key}': '{text}' in '{field}' is read as the name of a person; an "
                    f"organisation's name goes in double braces: {field} = {{{{{value.strip()}}}}}")
    return None


# The last word of an organisation's name: Google Scholar writes
# 'World Health Organization' unbraced, which BibTeX reads as 'Organization, W. H.'.
_ORGANISATION_WORDS = frozenset({"organization", "organisation", "association", "society",
                                 "institute", "foundation", "council", "agency", "committee",
                                 "collaboration", "collaborative", "consortium", "group",
                                 "network", "department", "ministry", "board", "commission",
                                 "federation", "centre", "center", "college", "university",
                                 "hospital", "trust", "service", "services", "alliance", "academy",
                                 "initiative", "taskforce", "administration", "authority",
                                 "bureau", "inc", "ltd", "llc", "corporation", "company"})


def braced_organisations(key: str, field: str, value: str) -> tuple[str, str | None]:
    """``value`` with each unbraced organisation's name braced, and a warning (None if none)."""
    names = _top_level(value, AND)
    found = [n.strip() for n in names if _organisation(n.strip())]
    if not found:
        return value, None
    kept = ["{" + n.strip() + "}" if _organisation(n.strip()) else n for n in names]
    return " and ".join(kept), (
        f"entry '{key}': '{found[0]}' in '{field}' is read as an organisation, not as a person "
        f"named '{found[0].split()[-1]}'; write it in double braces: "
        f"{field} = {{{{{found[0]}}}}}")


def _organisation(name: str) -> bool:
    words = name.split()
    return len(words) >= 2 and "," not in name and not name.startswith("{") \
        and "\\" not in name and words[-1].lower().strip(".") in _ORGANISATION_WORDS


# 'G{\\o}tzsche', 'J{\\'e}r{\\'e}mie': a doubled backslash (TeX's line break) where an accent
# command was meant, as some tools escape a backslash once more than they should.
_DOUBLED = re.compile(r"\{\\\\(?=[A-Za-z]|[^A-Za-z\s{}\\])")


def doubled_backslash(key: str, field: str, value: str) -> str | None:
    """A warning when ``\\\\`` starts a braced accent or letter command (None if none does)."""
    m = _DOUBLED.search(value)
    if not m:
        return None
    start = max(value.rfind(" ", 0, m.start()), value.rfind("\n", 0, m.start())) + 1
    end = value.find(" ", m.end())
    word = value[start:end if end >= 0 else len(value)].strip(",;")
    return (f"entry '{key}': field '{field}' has '{word}': '\\\\' is a line break in TeX; did "
            f"you mean '{word.replace(chr(92) * 2, chr(92))}'?")


# A word opening with a single quote before a capital: a nickname ('Floyd', `Kim').
_NICKNAME = re.compile(r"(?:(?<=\s)|^)(['`\u2018][A-Z][^\s{},]*)")


def quoted_nicknames(value: str) -> str:
    """A quoted nickname kept with the given names, where BibTeX reads it.

    BibTeX decides a word's part by its first letter: ``Florian 'Floyd' Mueller``
    has given names "Florian 'Floyd'"; pandoc reads the quote as lower case and
    the nickname as a particle ("’Floyd’ Mueller"), unless the word is braced.
    """
    if not any(q in value for q in "'`\u2018"):
        return value
    return _NICKNAME.sub(r"{\1}", value)
