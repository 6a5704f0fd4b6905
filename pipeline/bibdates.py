"""Dates in .bib fields as pandoc's biblatex reader should be given them.

pandoc reads ``year`` as a number and ``date`` as EDTF; anything else is
dropped without a word, so a reference loses its date in every style.  What
exporters write instead is read here:

- ``month = {feb-mar}`` beside a ``year``: the date range 2018-02/2018-03;
- a ``year`` written as PubMed writes issue dates (Zotero, Better BibTeX and
  EndNote copy it): ``2013 Sep-Oct``, ``2019 Jan 15``, ``2012 Dec-2013 Jan``,
  ``2014 Spring``, ``2019 Jan 15-22``: the date or range it is (a season as
  CSL's season, a month range as a date range, as biblatex's EDTF has it);
- anything else (``in press``, ``forthcoming``, ``2013a``) is a literal date,
  printed as written, as pandoc's citeproc and citeproc-js print it; a
  warning unless it is a publication status;
- EDTF that pandoc reads as nothing: ``201X``, ``2019/..``, ``../2019``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .bibscan import MONTH_NAMES

if TYPE_CHECKING:
    from .bibtex import BibEntry

_BRACES = re.compile(r"[{}]")
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_FULL_MONTHS = tuple(m.lower() for m in MONTH_NAMES)
# CSL-JSON's seasons are months 21-24 (EDTF's too): spring, summer, autumn, winter.
SEASONS = {"spring": 21, "summer": 22, "autumn": 23, "fall": 23, "winter": 24}
# What editors write for a date that is not a date yet: printed as written, no warning.
STATUSES = frozenset({
    "in press", "inpress", "in the press", "forthcoming", "submitted", "accepted",
    "accepted for publication", "in preparation", "under review", "in review", "to appear",
    "epub ahead of print", "ahead of print", "online ahead of print", "preprint",
    "sous presse", "im druck", "en prensa", "in stampa",
})
# "No date": the item has none, and a style prints its own term (APA's localized "n.d.").
NO_DATE = frozenset({"n.d.", "n. d.", "nd", "n.d", "no date", "undated", "s.d.", "o.j.",
                     "s.f.", "sans date", "ohne jahr", "sin fecha"})
_DASH = r"\s*(?:-{1,3}|\u2013|\u2014|/)\s*"
_MONTH_RANGE = re.compile(_DASH)
_MONTH_WORD = r"[A-Za-z]{3,9}\.?"
_MONTH_DAY = re.compile(r"(?P<m1>[A-Za-z]{3,9})\.?[~ ](?P<d1>[1-9]|[12]\d|3[01])"
                        r"|(?P<d2>[1-9]|[12]\d|3[01])\.?[~ ](?P<m2>[A-Za-z]{3,9})\.?")
# 2013 | Sep | 15 - 2014 | Oct | 22: each later part may be left out
_PUBMED = re.compile(
    rf"^(?P<y1>\d{{4}})\.?(?:\s+(?P<m1>{_MONTH_WORD})(?:\s+(?P<d1>\d{{1,2}}))?)?"
    rf"(?:(?P<dash>{_DASH})(?:(?P<y2>\d{{4}})\s*)?(?P<m2>{_MONTH_WORD})?\s*(?P<d2>\d{{1,2}})?)?\.?$")
_PLAIN_DATE = re.compile(r"\d{4}(?:-\d{2}){0,2}")  # 2020, 2020-05, 2020-05-17
_UNSPECIFIED = re.compile(r"^(\d{2,3})(X{1,2})$")
# one end of an EDTF date: 2019, -0044, 201X, 2019-03, 2019-21, 2019-03-15T10:00:00Z, 2019~, ..
_EDTF_PART = re.compile(r"(?:\.\.|-?\d{2,4}X{0,2}(?:-(?:\d{2}|XX)(?:-(?:\d{2}|XX))?)?[~?%]?"
                        r"(?:T\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?)?")


def plain(value: str) -> str:
    """A raw field value without TeX braces and extra spaces."""
    return " ".join(_BRACES.sub("", value).split())


def month_number(value: str) -> str:
    """``mar``, ``March``, ``{3}`` -> ``3``; pandoc reads numbers and three-letter names."""
    text = plain(value).rstrip(".").lower()
    for i, name in enumerate(MONTHS, 1):
        if text[:3] == name:
            return str(i)
    return value


def _month_or_season(word: str | None) -> int | None:
    """1-12 for a month name (``Sep``, ``Sept.``, ``September``), 21-24 for a season."""
    if not word:
        return None
    text = word.rstrip(".").lower()
    if text in SEASONS:
        return SEASONS[text]
    for i, full in enumerate(_FULL_MONTHS, 1):
        if len(text) >= 3 and full.startswith(text):  # Sep, Sept, September
            return i
    return None


def month_range(entry: BibEntry) -> str | None:
    """``year = 2018, month = {feb-mar}`` as a biblatex date range, ``2018-02/2018-03``.

    pandoc reads no month range and keeps only the year.  A day beside the
    month, as BibTeX styles print it (``month = jan # "~15"``, ``"15~" # jun``),
    makes the date that day.  A ``date`` that is
    a year only takes the ``month`` beside it, as biber does (Better BibTeX
    writes both); any other ``date`` is kept as it is.
    """
    month, year = entry.field("month"), plain(entry.field("year") or "")
    date = plain(entry.field("date") or "")
    if not month:
        return None
    day = _MONTH_DAY.fullmatch(plain(month))  # BibTeX's month = jan # "~15": a day
    if day and not date and re.fullmatch(r"\d{4}", year):
        number = _month_or_season(day.group("m1") or day.group("m2"))
        if number and number <= 12:
            return f"{year}-{number:02d}-{int(day.group('d1') or day.group('d2')):02d}"
    parts = _MONTH_RANGE.split(plain(month).strip())
    numbers = [month_number(p) for p in parts]
    if len(parts) > 2 or not all(n.isdigit() and 1 <= int(n) <= 12 for n in numbers):
        return None
    if re.fullmatch(r"\d{4}", date) and len(parts) == 1 and year in ("", date):
        return f"{date}-{int(numbers[0]):02d}"  # Better BibTeX: date = {2021}, month = sep
    if date or not re.fullmatch(r"\d{4}", year) or len(parts) != 2:
        return None
    return f"{year}-{int(numbers[0]):02d}/{year}-{int(numbers[1]):02d}"


def _edtf_part(year: str, month: int | None, day: str | None) -> str:
    text = year + (f"-{month:02d}" if month else "")
    return text + (f"-{int(day):02d}" if day and month and month <= 12 else "")


def year_date(value: str) -> tuple[str | None, str | None]:
    """(EDTF date, literal date) for a ``year`` that is not a plain number; (None, None) if it is.

    ``2013 Sep-Oct`` -> ``2013-09/2013-10``; ``2019 Jan 15`` -> ``2019-01-15``;
    ``2014 Spring`` -> ``2014-21`` (a season); ``2001-2002`` -> ``2001/2002``;
    ``2019/`` and ``2019-`` -> ``2019/`` (open at its end); ``in press`` -> literal ``in press``.
    """
    text = plain(value)
    if re.fullmatch(r"-?\d{1,4}", text) or not text:
        return None, None
    m = _PUBMED.match(text)
    if m:
        y1, y2, d1, d2 = m.group("y1"), m.group("y2"), m.group("d1"), m.group("d2")
        m1, m2 = _month_or_season(m.group("m1")), _month_or_season(m.group("m2"))
        known = (m.group("m1") is None or m1) and (m.group("m2") is None or m2)
        days = all(d is None or 1 <= int(d) <= 31 for d in (d1, d2))
        seasons = all(x is None or x <= 12 for x in (m1, m2)) or not (d1 or d2)
        if known and days and seasons and (m1 or not (m2 or d2 or d1)):
            start = _edtf_part(y1, m1, d1)
            if not (y2 or m2 or d2):  # "2019/", "2019-": a range open at its end
                return start + ("/" if m.group("dash") else ""), None
            end_month = m2 or (m1 if d2 else None)
            end = _edtf_part(y2 or y1, end_month, d2)
            return (start if end == start else f"{start}/{end}"), None
    if all(_EDTF_PART.fullmatch(part) for part in text.split("/", 1)) and re.search(r"\d", text):
        return None, None  # EDTF (2013-09/2013-10, 2019~, 201X): pandoc and edtf_date's
    return None, text


def _normal(text: str) -> str:
    return " ".join(text.lower().strip(" []()").split())


def is_status(text: str) -> bool:
    """Whether a literal date is a publication status (``in press``) rather than a typo."""
    return _normal(text).rstrip(".") in STATUSES or is_no_date(text)


def is_no_date(text: str) -> bool:
    """Whether a date says there is none (``n.d.``, ``no date``): the item has no date."""
    return _normal(text) in NO_DATE or _normal(text) + "." in NO_DATE


def edtf_date(value: str) -> str:
    """biblatex's EDTF dates pandoc reads as nothing: ``201X``, ``2019/..``, ``../2019``.

    An unspecified decade or century (``201X``, ``19XX``) is the range it
    stands for (2010/2019); a range open at its end (``2019/..``) is written
    ``2019/``, which pandoc reads as CSL's open range (printed "2019–", as
    biblatex and citeproc-js print it); one open at its start keeps its end,
    as pandoc prints ``/2019``; ``2017-XX`` is 2017.  A range whose ends are
    not as precise as each other (``2020-05/2021``: a month to a year) keeps
    the parts both have (2020/2021): CSL dates a range part by part, and
    citeproc-js refuses the item ("element mismatch in date range input")
    where citeproc-py printed APA's '(2020–2021, May–)'.
    """
    text = plain(value)
    m = _UNSPECIFIED.match(text)
    if m:
        digits, xs = m.group(1), len(m.group(2))
        return f"{digits}{'0' * xs}/{digits}{'9' * xs}"
    start, slash, end = text.partition("/")
    if slash and start in ("", "..") and end not in ("", ".."):
        return end
    if slash and end in ("", "..") and start not in ("", ".."):
        return start + "/"
    if re.fullmatch(r"\d{4}-XX(?:-XX)?", text):
        return text[:4]
    if slash and _PLAIN_DATE.fullmatch(start) and _PLAIN_DATE.fullmatch(end):
        parts = min(start.count("-"), end.count("-"))
        if start.count("-") != end.count("-"):
            return "/".join(side.split("-")[0] if not parts else side[:7]
                            for side in (start, end))
    return value


_ISO_LOOSE = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")
_DOTTED = re.compile(r"^(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})$")  # 6.5.2021: day first
_SLASHED = re.compile(r"^(\d{1,4})/(\d{1,2})/(\d{1,4})$")
_WORDED = re.compile(r"^(?:(\d{1,2})\.?\s+([A-Za-z]{3,9})\.?|([A-Za-z]{3,9})\.?(?:\s+(\d{1,2})"
                     r"(?:st|nd|rd|th)?)?,?)\s+(\d{4})$")


def access_date(value: str) -> tuple[str, str | None]:
    """A ``urldate`` as EDTF, and why it is left out when it cannot be one.

    Reference managers write the day a page was seen as their locale does:
    ``6.5.2021`` (Citavi), ``May 6, 2021``, ``2021-5-6``, ``2021/05/06``;
    biber and pandoc read only ``2021-05-06`` and drop the others without a
    word.  ``06/05/2021`` is left out with the reason, as either number could
    be the month.
    """
    text = plain(value)
    if not text or _EDTF_PART.fullmatch(text.split("T")[0]):
        return value, None
    day = month = year = None
    if m := _ISO_LOOSE.match(text):
        year, month, day = m.group(1), int(m.group(2)), m.group(3)
    elif m := _DOTTED.match(text):
        day, month, year = m.group(1), int(m.group(2)), m.group(3)
    elif m := _WORDED.match(text):
        word = (m.group(2) or m.group(3)).lower().replace("sept", "sep")
        month = next((i for i, name in enumerate(_FULL_MONTHS, 1) if name.startswith(word)),
                     None)
        day, year = m.group(1) or m.group(4), m.group(5)
    elif m := _SLASHED.match(text):
        a, b, c = m.groups()
        if len(a) == 4:
            year, month, day = a, int(b), c
        elif len(c) == 4 and int(a) > 12 >= int(b):
            day, month, year = a, int(b), c
        elif len(c) == 4 and int(b) > 12 >= int(a):
            month, day, year = int(a), b, c
        elif len(c) == 4:
            return value, "either number could be the month: write it as YYYY-MM-DD"
    if not (year and month and 1 <= month <= 12 and (day is None or 1 <= int(day) <= 31)):
        return value, "it is not a date (write it as YYYY-MM-DD)"
    return _edtf_part(year, month, day), None
