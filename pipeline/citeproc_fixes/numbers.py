"""Numbers: ``is-numeric`` and label plurals as CSL defines them."""

from __future__ import annotations

import re
from typing import Any

from .registry import patch

# CSL: numeric content is numbers with optional letter affixes ('2b', 'L2d'),
# possibly several separated by commas, hyphens or ampersands ('2, 3', '2-4').
_NUMBER = r"[A-Za-z]*\d+[A-Za-z]*"
NUMERIC = re.compile(rf"\s*{_NUMBER}(?:\s*(?:[,&\-\u2013]|and)\s*{_NUMBER})*\s*")
# several numbers (arabic or roman): a plural label ('pp. 4-6', 'pp. ix-xi', '213 et 235'),
# but not '3-B', 'Michaelson-Morely' or an escaped hyphen ('327\-30')
_PIECES = re.compile(r"[\s,&\-\u2013]+")
_ONE_NUMBER = re.compile(rf"{_NUMBER}|\d\S*|[ivxlcdm]+|[IVXLCDM]+")


_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")  # '10,123,456' is one number


def _variable_value(item: Any, variable: str) -> Any:
    if variable == "locator":
        return item.locator.identifier if item.has_locator else None
    return item.reference.get(variable.replace("-", "_"))


@patch
def numeric_tests_and_plural_labels() -> None:
    """``is-numeric`` and label plurals as CSL defines them, for the locator too.

    citeproc-py looks for the locator among the reference's variables, so
    ``is-numeric="locator"`` never holds (APA printed '(Osler, 2016, 4)' for
    'Chapter 4'); it takes '2-4' for not numeric; its label plural reads
    ``number-of-volumes`` from the wrong place and raises, which left out
    APA's '(Vols. 1-3)', and it counts 'ix-xi' as one page ('p. ix-xi').
    """
    from citeproc import model

    def is_numeric(self: Any, item: Any) -> list[bool]:
        out = []
        for variable in self.get("is-numeric").split():
            value = _variable_value(item, variable)
            out.append(value is not None and NUMERIC.fullmatch(str(value)) is not None)
        return out

    def is_plural(self: Any, item: Any) -> bool:
        variable = self.get("variable")
        value = _variable_value(item, variable)
        if value is None:
            return False
        if variable.startswith("number-of"):
            match = re.match(r"\s*(\d+)", str(value))
            return bool(match) and int(match.group(1)) > 1
        text = _THOUSANDS.sub("", str(value).replace("\\-", ""))
        if not re.search(r"[,&\-\u2013]|\d\s+[a-z]+\.?\s+\S", text):
            return False  # 'US 10,123,456 B2' is one patent number
        pieces = _PIECES.split(text)
        return sum(1 for p in pieces if _ONE_NUMBER.fullmatch(p)) > 1

    model.If._is_numeric = is_numeric
    model.Label._is_plural = is_plural
