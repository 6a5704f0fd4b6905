"""A bare ``@name`` that names no entry: a mention of a person, shown as written.

GitLab, GitHub and Discourse write ``@jdoe`` for a person; pandoc reads any
``@word`` as a narrative citation and, finding no entry, prints "(jdoe?)".
Here such a word stays as written, with one warning at its first line, when
nothing says it was meant as a citation: it is not in brackets, has no
locator or prefix, holds no year (``@okafor2019`` is a reference manager's key), and is
no cross-reference, no identifier and no near miss of an entry's key (those keep the
error that says what to write, see :mod:`.missing_citations`).  ``[@jdoe]`` is always
a citation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .errors import Problems, did_you_mean
from .missing_citations import (
    citation_line,
    cross_reference_hint,
    cut_key_hint,
    identifier_hint,
    punctuation_hint,
)
from .model import Manuscript
from .tree import Node, rewrite

NARRATIVE = "AuthorInText"
# a year in a key (smith2019, Smith_2019_Lancet, 2019-who): the key of a work, not a person
YEAR = re.compile(r"(?<!\d)(?:1[5-9]|20)\d\d(?!\d)")


def mentions_as_text(manuscript: Manuscript, ast: Mapping[str, Any], cited: list[str],
                     entries: Mapping[str, Any], problems: Problems) -> dict[str, Any] | None:
    """``ast`` with each mention (see the module) its written words; None when there is none."""
    missing = [key for key in cited if key not in entries]
    if not missing:
        return None
    mentions = {key for key in missing
                if not (YEAR.search(key) or cross_reference_hint(key) or identifier_hint(key)
                        or punctuation_hint(key, entries) or cut_key_hint(key, entries)
                        or did_you_mean(key, entries))}
    if not mentions:
        return None
    warned: set[str] = set()

    def written(node: Node) -> Any:
        citations, words = node["c"]
        if len(citations) != 1:
            return None
        (citation,) = citations
        key = citation["citationId"]
        if key not in mentions or citation["citationMode"]["t"] != NARRATIVE \
                or citation["citationPrefix"] or citation["citationSuffix"]:
            return None
        if key not in warned:
            warned.add(key)
            problems.warn(manuscript.path, citation_line(manuscript, key),
                          f"'@{key}' names no entry of the bibliography, so it is shown as "
                          "written (a mention, as GitLab and GitHub write a person's name); "
                          f"to cite a work, give the bibliography an entry '{key}'",
                          code="mention")
        return list(words)

    blocks = rewrite(list(ast["blocks"]), written, ("Cite",))
    return None if not warned else {**ast, "blocks": blocks}
