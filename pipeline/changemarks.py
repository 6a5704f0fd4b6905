"""Changes marked in the text (CriticMarkup, GitLab's inline diff) read as accepted.

CriticMarkup (Typora, Zettlr, MkDocs's pymdownx.critic, iA Writer) marks an edit
where it stands: ``{++added++}``, ``{--removed--}``, ``{~~old~>new~~}``,
``{>>a reviewer's remark<<}`` and ``{==highlighted==}``; GitLab's Markdown shows a
diff inline with ``{+ added +}`` / ``[+ added +]`` and ``{- removed -}`` /
``[- removed -]``.  pandoc's Markdown has none of them and would print every mark
and every word, the removed ones and the remarks too.  A removed word and a remark
are the team's, never a reader's: as with Word's tracked changes (see
:mod:`.wordmarks`), the text is read with every change accepted, before pandoc reads
it, line for line: an addition is its words, a removal and a remark are left out, a
substitution is its new words, a highlight is pandoc's ``==mark==``.  Each kind is a
warning at the line of its first mark, with how many there were, quoting no text.
Fenced and inline code keep these marks as written.
"""

from __future__ import annotations

import re

from .errors import Problems
from .model import Manuscript
from .obsidian import BARRIER, _masked

MARKS = ("{+", "[+", "{-", "[-", "{~", "{>", "{=")  # what every mark opens with
FOUND = re.compile(
    r"\{\+\+(?P<insertion>.*?)\+\+\}|\{--(?P<deletion>.*?)--\}"
    r"|\{~~(?P<old>.*?)~>(?P<substitution>.*?)~~\}|\{>>(?P<comment>.*?)<<\}"
    r"|\{==(?P<highlight>.*?)==\}"
    r"|(?P<open>[{\[])(?P<sign>[+-])[ \t](?P<diff>[^\n]*?)[ \t](?P=sign)(?P<close>[}\]])",
    re.DOTALL)
SAID = {"insertion": "an addition is kept as text, as the text reads with the change "
                     "accepted",
        "deletion": "a removal is left out with its words, as the text reads with the change "
                    "accepted",
        "substitution": "a substitution is its new words, as the text reads with the change "
                        "accepted",
        "comment": "a remark is left out, since it is for the team, not for readers"}


def _found(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, the text kept) of each change mark of ``text``, outside code."""
    found = []
    for match in FOUND.finditer(_masked(text)):
        if BARRIER in match.group(0):
            continue
        if match.group("sign"):
            if (match.group("open") == "{") != (match.group("close") == "}"):
                continue  # "[+ a +}": no mark of GitLab's
            kind = "insertion" if match.group("sign") == "+" else "deletion"
            inner = match.start("diff"), match.end("diff")
        else:
            kind = next(k for k in ("insertion", "deletion", "substitution", "comment",
                                    "highlight") if match.group(k) is not None)
            inner = match.start(kind), match.end(kind)
        words = text[inner[0]:inner[1]]
        kept = {"insertion": words, "substitution": words, "highlight": f"=={words}=="}
        gone = text[match.start():match.end()].count("\n") - words.count("\n")
        found.append((match.start(), match.end(), kind,
                      kept.get(kind, "") + "\n" * (gone if kind in kept else
                                                   text.count("\n", *match.span()))))
    return found


def accepted(text: str) -> str:
    """``text`` with its marked changes accepted (see the module), line for line."""
    if not any(mark in text for mark in MARKS):
        return text
    out: list[str] = []
    last = 0
    for start, end, _kind, kept in _found(text):
        out += [text[last:start], kept]
        last = end
    return "".join(out) + text[last:] if out else text


def change_problems(manuscript: Manuscript, problems: Problems) -> None:
    """One warning for each kind of change mark, at the line of its first, with a count."""
    body = manuscript.body
    if not any(mark in body for mark in MARKS):
        return
    first: dict[tuple[bool, str], tuple[int, int, str]] = {}  # by (GitLab's, kind)
    counts: dict[tuple[bool, str], int] = {}
    for start, end, kind, _kept in _found(body):
        if kind == "highlight":
            continue
        mark = body[start:start + (3 if body[start + 2] in "+-~>" else 2)]
        first.setdefault((len(mark) == 2, kind), (start, end, mark))
        counts[len(mark) == 2, kind] = counts.get((len(mark) == 2, kind), 0) + 1
    for (gitlab, kind), (start, end, mark) in sorted(first.items(), key=lambda item: item[1]):
        whose = "GitLab's inline diff" if gitlab else "CriticMarkup"
        many = f" ({counts[gitlab, kind]} such marks)" if counts[gitlab, kind] > 1 else ""
        problems.warn(manuscript.path, manuscript.body_line + body.count("\n", 0, start),
                      f"'{mark} ... {body[end - len(mark):end]}' marks a change ({whose}), "
                      f"which pandoc's Markdown does not have: {SAID[kind]}{many}",
                      code="change-mark")
