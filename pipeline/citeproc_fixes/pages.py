"""``page-range-format`` and ``page-range-delimiter`` for pages and locators."""

from __future__ import annotations

import re
from typing import Any

from .numbers import NUMERIC
from .registry import patch

_NUMBER_RANGE = re.compile(r"(\d)\s*[-\u2013]\s*(\d)")
_RANGE_SEPARATOR = re.compile(r"(\s*[,&]\s*)")
_NUMERIC_RANGE = re.compile(r"([^\s\-\u2013]*?)(\d+)\s*[\-\u2013]+\s*([^\s\-\u2013]*?)(\d+)")
_ROMAN_RANGE = re.compile(r"([ivxlcdm]+)\s*[\-\u2013]+\s*([ivxlcdm]+)", re.IGNORECASE)
_ANY_RANGE = re.compile(r"(\S+)\s*-\s*(\S+)")
_ESCAPED_HYPHEN = "\\-"  # a hyphen that is no range ('3\-B')
_KEPT_HYPHEN = "\ue0fe"
# number variables whose numeric ranges ('114-255', '1-3') take an en dash, as pages do
_NUMBER_VARIABLES = frozenset(("number", "volume", "issue", "edition", "chapter-number",
                               "collection-number", "part-number", "supplement-number",
                               "printing-number", "number-of-volumes"))
# those of them whose ranges citeproc-js joins with the locale's page-range-delimiter
_PAGE_LIKE = frozenset(("number", "volume", "issue", "edition"))


def _last_page(first: str, last: str, range_format: str) -> str:
    """The second number of a range as ``page-range-format`` writes it (CSL appendix V)."""
    if len(last) < len(first):  # '12-4' is 12-14, '1101-09' is 1101-1109
        last = first[:len(first) - len(last)] + last
    if len(last) != len(first) or range_format == "expanded":
        return last
    if range_format in ("chicago", "chicago-15", "chicago-16"):
        number = int(first)
        if number < 100 or number % 100 == 0:
            return last
        if (range_format != "chicago-16" and len(first) == 4
                and sum(a != b for a, b in zip(first[1:], last[1:], strict=True)) >= 3):
            return last
        range_format = "minimal" if number % 100 < 10 else "minimal-two"
    common = 0
    while common < len(first) - 1 and first[common] == last[common]:
        common += 1
    if range_format == "minimal-two":
        common = min(common, max(len(first) - 2, 0))
    return last[common:]


def and_symbol(element: Any) -> str:
    """The locale's 'and' symbol ('&' unless a locale writes it otherwise)."""
    symbol = str(element.get_single_term(name="and", form="symbol") or "")
    return symbol if symbol and symbol != str(element.get_single_term(name="and")) else "&"


def format_page_ranges(element: Any, value: str) -> str:
    """Page ranges in ``value`` ('1-12', 'S12-S19, 30-2') as the style asks.

    Only a range whose two ends are numbers with the same prefix ('S12-S19')
    or roman numerals is reformatted; '185-203.e13' and 'N110 - 5' keep one
    hyphen, and an escaped hyphen ('3\\-B') is no range, as in citeproc-js.
    An ampersand between numbers is the locale's 'and' symbol, spaced.
    """
    range_format = element.get_root().get("page-range-format")
    delimiter = element.get_single_term(name="page-range-delimiter") or "\u2013"
    delimiter = str(delimiter)
    parts = _RANGE_SEPARATOR.split(str(value).replace(_ESCAPED_HYPHEN, _KEPT_HYPHEN))
    out = []
    for i, part in enumerate(parts):
        numeric = _NUMERIC_RANGE.fullmatch(part) if i % 2 == 0 else None
        roman = _ROMAN_RANGE.fullmatch(part) if i % 2 == 0 else None
        if numeric and numeric.group(1) == numeric.group(3):
            prefix, first, _, last = numeric.groups()
            if range_format:
                last = _last_page(first, last, range_format)
                keep = range_format == "expanded"
                out.append(f"{prefix}{first}{delimiter}{prefix if keep else ''}{last}")
            else:
                out.append(f"{prefix}{first}{delimiter}{prefix}{last}")
        elif roman:
            out.append(f"{roman.group(1)}{delimiter}{roman.group(2)}")
        elif i % 2 == 0 and _ANY_RANGE.fullmatch(part):  # 'N110 - 5': no range, one hyphen
            out.append(_ANY_RANGE.sub("\\1-\\2", part))
        elif i % 2 and "&" in part:
            out.append(f" {and_symbol(element)} ")
        else:
            out.append(part)
    return "".join(out).replace(_KEPT_HYPHEN, "-")


@patch
def page_range_format() -> None:
    """``page-range-format`` as CSL defines it, for pages and page locators.

    citeproc-py 0.11 drops digits by comparing the two numbers as strings,
    so 'minimal' prints '1-12' as '1-2' and '1-10' as '1-0' (a page the reader
    will not find); it reformats ranges that are not numbers ('185-203.e13'),
    and never applies the style's format or ``page-range-delimiter`` term to a
    page locator.  A range in any other locator ('chap. 3-4') or in a volume,
    issue, edition or number ('Pub. L. No. 114-255') is joined as pages are, with
    the locale's ``page-range-delimiter`` (fr-FR's non-breaking hyphen), one in
    the other number variables with an en dash, and ``page-first`` is what comes before the first range
    or list ('s. 1-12': 's. 1'), as in citeproc-js.  Pages joined by '&'
    take the locale's 'and' symbol (label_PluralWithLocalizedAmpersand).
    """
    from citeproc import model

    original_process = model.FormatNumber._process
    original_variable = model.Text._variable

    def _process(self: Any, value: Any, variable: str) -> Any:
        if variable == "page-first":  # up to the first range or list ('s. 1-12': 's. 1')
            return re.split(r"\s*[,&\-\u2013]\s*", str(value).strip())[0]
        if variable == "page":
            return format_page_ranges(self, str(value))
        return original_process(self, value, variable)

    def _variable(self: Any, item: Any, context: Any) -> Any:
        if self.get("variable") == "locator":
            repressed = context.get_layout().repressed
            if "locator" in repressed.get(self.tag, ()):
                return None
            if item.locator.label == "page":
                return format_page_ranges(self, str(item.locator.identifier))
            # any other locator: a range of numbers as pages join theirs, as written otherwise
            locator = str(item.locator.identifier).replace(_ESCAPED_HYPHEN, _KEPT_HYPHEN)
            if _NUMBER_RANGE.search(locator):
                locator = _NUMBER_RANGE.sub(_range_joint(self), locator)
            return locator.replace(_KEPT_HYPHEN, "-")
        text = original_variable(self, item, context)
        variable = self.get("variable")
        if variable in _NUMBER_VARIABLES and text is not None \
                and "-" in str(text) and NUMERIC.fullmatch(str(text)):
            joint = _range_joint(self) if variable in _PAGE_LIKE else "\\1\u2013\\2"
            return _NUMBER_RANGE.sub(joint, str(text))  # 'Pub. L. No. 114–255'
        return text

    def _range_joint(element: Any) -> str:
        delimiter = element.get_single_term(name="page-range-delimiter") or "\u2013"
        return "\\1" + str(delimiter).replace("\\", "\\\\") + "\\2"

    model.FormatNumber._process = _process
    model.Text._variable = _variable
