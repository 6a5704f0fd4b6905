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
# Each mark's opening and closing, and what ends a mark left open (a blank line, for
# GitLab's a line's end): read in one pass, so that openings never closed cost no more
# than the text (a search for each one's closing would go on to the text's end).
TOKEN = re.compile(r"\{\+\+|\+\+\}|\{--|--\}|\{~~|~>|~~\}|\{>>|<<\}|\{==|==\}"
                   r"|[{\[][+-][ \t]|[ \t][+-][}\]]|\n[ \t]*\n|\n")
CRITIC = {"{++": ("++}", "insertion"), "{--": ("--}", "deletion"), "{~~": ("~~}", "substitution"),
          "{>>": ("<<}", "comment"), "{==": ("==}", "highlight")}
SAID = {"insertion": "an addition is kept as text, as the text reads with the change "
                     "accepted",
        "deletion": "a removal is left out with its words, as the text reads with the change "
                    "accepted",
        "substitution": "a substitution is its new words, as the text reads with the change "
                        "accepted",
        "comment": "a remark is left out, since it is for the team, not for readers"}


def _marks(masked: str) -> list[tuple[int, int, str, int, int]]:
    """(start, end, kind, start and end of the words it holds) of each change mark."""
    found = []
    opened: tuple[int, str, str, int] | None = None  # start, closing, kind, the words' start
    arrow = -1  # where a substitution's new words start
    for token in TOKEN.finditer(masked):
        mark = token.group(0)
        if opened is None or mark in CRITIC or mark[0] in "{[":  # marks do not nest
            if mark in CRITIC:
                opened = (token.start(), *CRITIC[mark], token.end())
                arrow = -1
            elif mark[0] in "{[" and len(mark) == 3:
                closing = ("}" if mark[0] == "{" else "]")
                kind = "insertion" if mark[1] == "+" else "deletion"
                opened = (token.start(), mark[1] + closing, kind, token.end())
            else:
                opened = None
            continue
        start, closing, kind, words = opened
        if mark == "~>" and kind == "substitution":
            arrow = token.end()
        elif mark.lstrip(" \t") == closing:
            if kind != "substitution" or arrow >= 0:
                found.append((start, token.end(), kind, arrow if arrow >= 0 else words,
                              token.start()))
            opened = None
        elif mark.startswith("\n") and (len(closing) == 2 or mark.count("\n") == 2):
            opened = None  # a blank line (a line's end for GitLab's) ends no mark
    return found


def _found(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, the text kept) of each change mark of ``text``, outside code."""
    found = []
    masked = _masked(text)
    for start, end, kind, first, last in _marks(masked):
        if BARRIER in masked[start:end]:
            continue
        words = text[first:last]
        kept = {"insertion": words, "substitution": words, "highlight": f"=={words}=="}
        gone = text.count("\n", start, end) - words.count("\n")
        found.append((start, end, kind, kept.get(kind, "") + "\n" * gone if kind in kept
                      else "\n" * text.count("\n", start, end)))
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
