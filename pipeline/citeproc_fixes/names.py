"""Names: initials as CSL and citeproc-js write them."""

from __future__ import annotations

import re
from typing import Any

from .registry import patch

_GIVEN_TOKEN = re.compile(r"([^\s.]+)(\.?)")


def initialize_given(given: str, mark: str, initialize: bool, hyphen: bool) -> str:
    """A given name as initials the way CSL and citeproc-js write them.

    A word becomes its first letter followed by ``mark`` (only with
    ``initialize="true"``); a single letter or a word written with a period
    ('Ph.', 'ME.') is already an initial and keeps its letters; a word in
    lower case ('de') is a particle and stays as written.
    """
    parts = given.split("-") if hyphen else [given.replace("-", " ")]
    out = []
    for part in parts:
        text = ""
        for word, period in _GIVEN_TOKEN.findall(part):
            if not word[0].isupper() or not (period or len(word) == 1 or initialize):
                text += ("" if not text or text.endswith(" ") else " ") + word + " "
            elif period or len(word) == 1:
                text += word + mark
            else:
                text += word[0] + mark
        out.append(text.strip())
    return "-".join(p for p in out if p)


@patch
def initials_as_written() -> None:
    """``initialize-with`` keeps initials whole and honours ``initialize="false"``.

    citeproc-py takes the first letter of every part, so a given name written
    as initials, "ME" (PubMed's form), becomes "M", "Ph." becomes "P.", and
    ``initialize="false"`` (keep full given names, only punctuate initials) is
    ignored.  Fixtures: name_InitialsInitialize* (eight of them).
    """
    from citeproc import model

    def initialize(self: Any, given: str, mark: str, context: Any) -> str:
        value = self.get("initialize")
        if value is None:
            for element in (context if context is not None else self).xpath_search(
                    "./ancestor::*[self::cs:citation or self::cs:bibliography or self::cs:style]"):
                value = value or element.get("initialize")
        return initialize_given(str(given), str(mark), value != "false",
                                self.get_option("initialize-with-hyphen", context))

    model.Name.initialize = initialize
