"""Read a manuscript: split the YAML front matter from the body and validate it.

Every problem in the front matter is collected and reported at its own line,
so an editor fixes them all in one pass; each field is read by its own reader
(the schema, ``fields.FIELDS``).

The rules are the project's own rather than a JSON Schema: beside kinds and
choices they check what a schema cannot (a date that exists, a style and
bibliography files that are there, reviewers for an approved handout, a change
log that matches the version), each message suggests the field or value meant,
and importing jsonschema alone takes about 0.19 s on the 2-CPU build machine,
a fifth of what a no-change build of 1,000 handouts may take in all.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from pathlib import Path

from .csl import resolve_style
from .errors import PipelineError, Problem, Problems, did_you_mean, is_file, undecodable_name
from .fields import ATTRIBUTES, FIELDS, KNOWN, NOT_KEPT, NOT_USED, REQUIRED, Reading
from .frontmatter import parse_front_matter, read_text, split_front_matter
from .includes import expand
from .model import Manuscript
from .stamp import today

# pandoc reads a long list at about 100 KiB in 7 s; handouts are tens of KiB.
MAX_MANUSCRIPT = 512 * 1024


class FrontMatterError(PipelineError):
    """Front-matter errors, with the manuscript as far as its valid fields go.

    Invalid fields take safe stand-ins in ``manuscript`` so that the body,
    citations, images and reading grade are still checked in the same run;
    it is never rendered.
    """

    def __init__(self, problems: list[Problem], manuscript: Manuscript):
        super().__init__(problems)
        self.manuscript = manuscript


# Unicode's explicit direction controls: embeddings, overrides and isolates.  Each shows
# the text after it in another order than it is written, so an editor's screen, a review of
# the source and the handout may each read differently ("Trojan Source").  The marks
# U+200E and U+200F, which right-to-left text uses, are not among them.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")



# What a static site generator's or a notes app's page has in its front matter for the site:
# its layout, address, filing and dates (a handout's are last_updated and next_review)
SITE_FIELDS = frozenset((
    "layout", "permalink", "categories", "category", "tags", "date", "modified", "updated",
    "created", "draft", "weight", "aliases", "excerpt", "description", "desc", "id",
    "template", "taxonomies", "extra", "sidebar_position", "sidebar_label", "nav_order",
    "parent", "has_children", "menu", "published", "comments", "sitemap", "cssclasses",
    "cssclass", "publish"))

def _bidi_controls(path: Path, text: str, problems: Problems) -> None:
    """A warning at the first direction control, with the lines of the others."""
    found = [(text.count("\n", 0, m.start()) + 1, m) for m in BIDI_CONTROLS.finditer(text)]
    if not found:
        return
    line, first = found[0]
    column = first.start() - text.rfind("\n", 0, first.start())
    name = unicodedata.name(first.group(), "").lower()
    others = sorted({n for n, _m in found[1:]} - {line})
    problems.warn(path, line, f"direction control U+{ord(first.group()):04X} ({name}) at column "
                  f"{column}: the text after it shows in another order than it is written, so "
                  "the source and the handout may read differently; remove it (a right-to-left "
                  "passage is marked with [text]{dir=rtl})"
                  + (f"; {len(found) - 1} more" if found[1:] else "")
                  + (f", on line(s) {_lines(others)}" if others else ""),
                  code="control-character")


def _lines(numbers: list[int]) -> str:
    """``3, 4, 9`` or ``3, 4, 9, ... (12 in all)``."""
    shown = ", ".join(str(n) for n in numbers[:5])
    return shown + (f", ... ({len(numbers)} in all)" if len(numbers) > 5 else "")


def _visible_names(path: Path, data: dict, lines: dict[str, int], problems: Problems
                   ) -> tuple[dict, dict[str, int]]:
    """Field names without the invisible characters a copy may carry (a zero width space,
    a byte-order mark), with a warning at each: 'ti\u200btle' would be an unknown field
    that looks like 'title', and the title itself missing."""
    renamed: dict = {}
    for key, value in data.items():
        hidden = [(i, c) for i, c in enumerate(key, 1) if unicodedata.category(c) == "Cf"]
        visible = "".join(c for c in key if unicodedata.category(c) != "Cf")
        if not hidden or not visible:
            renamed[key] = value
            continue
        column, char = hidden[0]
        name = unicodedata.name(char, "").lower() or "format character"
        if visible in data or visible in renamed:
            problems.add(path, lines[key], f"field '{visible}' is given twice (first at line "
                         f"{lines[visible]}; this name holds an invisible U+{ord(char):04X} "
                         f"({name}))", code="front-matter")
            continue
        problems.warn(path, lines[key], f"the field name holds an invisible U+{ord(char):04X} "
                      f"({name}) at its character {column}: read as '{visible}'; remove it",
                      code="unknown-field")
        renamed[visible] = value
        lines[visible] = lines[key]
    return renamed, lines


def load_manuscript(path: Path, bibliography_dir: Path) -> tuple[Manuscript, list]:
    """Read and validate one manuscript.

    Returns the manuscript and its warnings; raises :class:`PipelineError` with
    every error found in the front matter.
    """
    wrong_name = undecodable_name(path)
    if wrong_name:
        raise PipelineError.at(path, None, wrong_name, "file-name")
    try:
        size = path.stat().st_size
    except OSError:
        size = 0  # read_text says why
    if size > MAX_MANUSCRIPT:
        raise PipelineError.at(path, None, f"manuscript is {size // 1024} KiB, more than "
                               f"the {MAX_MANUSCRIPT // 1024} KiB a handout may have: split it into "
                               "handouts, or move long tables and data to files it links to",
                               "too-large")
    codes: list[int] = []
    text = read_text(path, codes)
    front, body, body_line = split_front_matter(path, text)
    problems = Problems()
    if codes:
        lines = sorted(set(codes))
        problems.warn(path, lines[0], f"{len(codes)} terminal colour code(s) (ESC[...m, as a "
                      "notebook's output keeps them) are left out"
                      + (f"; also on line(s) {_lines(lines[1:])}" if lines[1:] else ""),
                      code="control-character")
    if BIDI_CONTROLS.search(text):
        _bidi_controls(path, text, problems)
    data, lines = parse_front_matter(path, front, problems)
    data, lines = _visible_names(path, data, lines, problems)
    try:
        body, spans = expand(path, body, body_line)
    except PipelineError as exc:
        problems.extend(exc.problems)
        spans = ()
    where = lines.get

    site = [key for key in data if key in SITE_FIELDS and key not in KNOWN]
    if site:  # one warning for them all: a page of a site brings several
        names = ", ".join(f"'{key}'" for key in site)
        them = "them" if len(site) > 1 else "it"
        problems.warn(path, where(site[0]),
                      f"field{'s' if len(site) > 1 else ''} {names} of a site or notes app "
                      "(Jekyll, Hugo, Pelican, Zola, Obsidian, Dendron) "
                      f"{'are' if len(site) > 1 else 'is'} not used: no output of a handout "
                      f"shows {them}; remove {them} (its dates are last_updated and "
                      "next_review)",
                      code="unknown-field")
    for key in data:
        if key in NOT_USED:
            problems.warn(path, where(key), NOT_USED[key], code="unknown-field")
        elif key not in KNOWN and key not in SITE_FIELDS:
            hint = did_you_mean(key, KNOWN) or (": no output shows it; remove it (a note for "
                                                 "the editors goes in an HTML comment)")
            problems.warn(path, where(key), f"unknown field '{key}'{hint}", code="unknown-field")
    for key in REQUIRED:
        if data.get(key) in (None, ""):
            unknown = [k for k in data if k not in KNOWN]
            close = difflib.get_close_matches(key, unknown, n=1, cutoff=0.6)
            hint = f" (is '{close[0]}' a misspelling of it?)" if close else ""
            problems.add(path, where(key) or 1, f"required field '{key}' is missing{hint}",
                         code="missing-field")

    reading = Reading(path, data, lines, problems, bibliography_dir)
    values = {name: read(reading) for name, read in FIELDS.items()}

    if problems.errors and "csl" in data:
        # The style is otherwise checked with the body; a manuscript stopped
        # here still hears about a wrong style in the same run.
        try:
            resolve_style(values["csl"], path, where("csl"))
        except PipelineError as exc:
            problems.extend(exc.problems)
    valid = not problems.errors
    kept = {ATTRIBUTES.get(name, name): value for name, value in values.items()
            if name not in NOT_KEPT}
    kept["last_updated"] = kept["last_updated"] or today()
    if not valid:  # the body is still checked against the bibliography files that are there
        kept["bibliography"] = tuple(b for b in kept["bibliography"] if is_file(b))
    manuscript = Manuscript(path=path, body=body, body_line=body_line, field_lines=dict(lines),
                            spans=spans, **kept)
    if not valid:
        raise FrontMatterError(problems.items, manuscript)
    return manuscript, problems.warnings


REVIEW_WARNING_DAYS = 30


def review_warnings(manuscript: Manuscript, on: dt.date | None = None) -> list[Problem]:
    """A review that is overdue or due within 30 days of ``on`` (default: today)."""
    if manuscript.next_review is None:
        return []
    now = on or today()
    days = (manuscript.next_review - now).days
    if days > REVIEW_WARNING_DAYS:
        return []
    found = Problems()
    when = manuscript.next_review.isoformat()
    if days < 0:
        text = f"review overdue: next_review {when} is before today, {now.isoformat()}"
    elif days == 0:
        text = f"review due today: next_review {when}"
    else:
        text = (f"review due in {days} day{'s' if days != 1 else ''}: next_review {when} "
                f"(today is {now.isoformat()})")
    found.warn(manuscript.path, manuscript.line_of("next_review"), text, code="review-due")
    return found.items
