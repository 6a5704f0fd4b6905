"""Read a manuscript: split the YAML front matter from the body and validate it.

Every problem in the front matter is collected and reported at its own line,
so an editor fixes them all in one pass.

The rules are the project's own rather than a JSON Schema: beside kinds and
choices they check what a schema cannot (a date that exists, a style and
bibliography files that are there, reviewers for an approved handout, a change
log that matches the version), each message suggests the field or value meant,
and importing jsonschema alone takes about 0.19 s on the 2-CPU build machine,
a fifth of what a no-change build of 1,000 handouts may take in all.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
import unicodedata
from pathlib import Path
from typing import Any

from .addresses import host_problem
from .csl import is_path, renamed_style, resolve_style
from .errors import (
    PipelineError,
    Problem,
    Problems,
    did_you_mean,
    display_path,
    is_file,
    not_a_file,
    undecodable_name,
)
from .frontmatter import parse_front_matter, read_text, split_front_matter
from .includes import expand
from .model import AUDIENCES, DEFAULT_STYLE, STATUSES, Change, Manuscript, Person
from .stamp import today, today_source

REQUIRED = ("title", "version", "status", "last_updated")
KNOWN = (
    "title", "version", "status", "last_updated", "next_review", "slug", "authors",
    "reviewers", "audiences", "lang", "bibliography", "csl", "disclaimer",
    "canonical_url", "max_grade", "changes", "subtitle", "summary", "keywords",
    "reference-section-title", "link-citations", "link-bibliography",
)
# The keys of a person (authors, reviewers) and of a change a handout reads.
PERSON_KEYS = ("name", "role", "date", "affiliation")
CHANGE_KEYS = ("version", "date", "summary")
# pandoc's fields that a handout leaves alone on purpose, with the reason.
NOT_USED = {
    "output": "'output' (R Markdown's) is not used: a handout is always built as a PDF, an "
              "EPUB and a web page",
    "abstract": "'abstract' (R Markdown's, Quarto's) is not printed: a handout has no abstract; "
                "write it as the text's first section (## Abstract), or as 'summary', the files' "
                "one- or two-sentence description",
    "nocite": "'nocite' is not used: a handout's reference list holds only the works its text "
              "cites; cite a work to list it",
}
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$"
)
SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
# What a bibliography file may be: BibTeX/biblatex, CSL-JSON, CSL-YAML (as pandoc reads them).
# reference managers' other export formats, named when given as a bibliography
OTHER_BIBLIOGRAPHIES = {".enw": "an EndNote (Refer) file",
".rdf": "a Zotero RDF file",
                        ".csv": "a CSV table", ".txt": "a text file"}
BIBLIOGRAPHY_SUFFIXES = (".bib", ".bibtex", ".biblatex", ".json", ".yaml", ".yml", ".ris", ".xml",
                         ".nbib", ".medline")
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


ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def date_problem(value: Any) -> str:
    """Why ``value`` is not a date: an impossible day is named as such."""
    text = str(value).strip()
    match = ISO_DATE.match(text)
    if not match:
        return f"must be an ISO date (YYYY-MM-DD), found '{text}'"
    year, month, day = (int(g) for g in match.groups())
    if not 1 <= month <= 12:
        return f"{text} does not exist: there is no month {month}"
    last = calendar.monthrange(year, month)[1]
    return (f"{text} does not exist: {calendar.month_name[month]} {year} has no day {day} "
            f"(it has {last} days)")


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _people(value: Any, field_name: str, path: Path, line: int | None,
            problems: Problems, with_date: bool = False) -> tuple[Person, ...]:
    if value is None:
        return ()
    if isinstance(value, dict | str):
        value = [value]
    if not isinstance(value, list):
        problems.add(path, line, f"'{field_name}' must be a list of {{name: ..., role: ...}}, "
                     f"found {type(value).__name__}")
        return ()
    people = []
    for i, item in enumerate(value, 1):
        if isinstance(item, str) and item.strip():
            people.append(Person(item.strip()))
            continue
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) \
                or not item["name"].strip():
            problems.add(path, line, f"'{field_name}' entry {i} needs a 'name'")
            continue
        unknown = sorted(set(item) - set(PERSON_KEYS))
        for key in unknown:
            problems.warn(path, line, f"unknown key '{key}' in '{field_name}' entry {i}"
                          + did_you_mean(key, list(PERSON_KEYS)))
        date = None
        if item.get("date") is not None:
            date = _date(item["date"])
            if date is None:
                problems.add(path, line, f"'{field_name}' entry {i}: date "
                             + date_problem(item["date"]))
        role = item.get("role") or ""
        people.append(Person(item["name"].strip(), str(role).strip(), date))
    return tuple(people)


def resolve_bibliography(path: Path, name: str, bibliography_dir: Path) -> Path:
    """A bibliography named in front matter: beside the manuscript, else in bibliography/."""
    candidate = Path(name).expanduser()
    if candidate.is_absolute():
        return candidate
    beside = path.parent / candidate
    shared = bibliography_dir / candidate
    for found in (beside, shared):
        try:
            if found.exists() or found.is_symlink():  # a broken link is reported as one
                return found
        except (OSError, ValueError):  # a name the system refuses, such as a too long one
            pass
    return beside


def _not_a_file(found: Path, beside: Path, bibliography_dir: Path) -> str:
    """Why a bibliography named in front matter cannot be read: missing, a folder, a bad link."""
    why = not_a_file(found)
    if why:
        return why
    return (f"not found (looked in {display_path(beside)}/ and "
            f"{display_path(bibliography_dir)}/)")


def _lines(numbers: list[int]) -> str:
    """``3, 4, 9`` or ``3, 4, 9, ... (12 in all)``."""
    shown = ", ".join(str(n) for n in numbers[:5])
    return shown + (f", ... ({len(numbers)} in all)" if len(numbers) > 5 else "")


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
                               f"the {MAX_MANUSCRIPT // 1024} KiB a handout may have",
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
    data, lines = parse_front_matter(path, front, problems)
    try:
        body, spans = expand(path, body, body_line)
    except PipelineError as exc:
        problems.extend(exc.problems)
        spans = ()
    where = lines.get

    for key in data:
        if key in NOT_USED:
            problems.warn(path, where(key), NOT_USED[key], code="unknown-field")
        elif key not in KNOWN:
            problems.warn(path, where(key), f"unknown field '{key}'" + did_you_mean(key, KNOWN),
                          code="unknown-field")
    for key in REQUIRED:
        if data.get(key) in (None, ""):
            unknown = [k for k in data if k not in KNOWN]
            close = difflib.get_close_matches(key, unknown, n=1, cutoff=0.6)
            hint = f" (is '{close[0]}' a misspelling of it?)" if close else ""
            problems.add(path, where(key) or 1, f"required field '{key}' is missing{hint}",
                         code="missing-field")

    title = data.get("title")
    if title is not None and not isinstance(title, str):
        problems.add(path, where("title"), f"'title' must be text, found {title!r}")
    version = data.get("version")
    if version is not None and (not isinstance(version, str) or not SEMVER.match(version)):
        problems.add(path, where("version"),
                     f"'version' must be a semantic version such as 1.2.0, found '{version}'",
                     code="bad-version")
    status = data.get("status")
    if status is not None and status not in STATUSES:
        problems.add(path, where("status"),
                     f"'status' must be one of {', '.join(STATUSES)}; found "
                     + (f"'{status}'" if isinstance(status, str) else repr(status))
                     + did_you_mean(str(status), STATUSES), code="bad-status")
    dates: dict[str, dt.date | None] = {}
    for key in ("last_updated", "next_review"):
        value = data.get(key)
        if value is None:
            dates[key] = None
            continue
        dates[key] = _date(value)
        if dates[key] is None:
            problems.add(path, where(key), f"'{key}' " + date_problem(value), code="bad-date")
    _check_dates(path, dates, where, problems)

    slug = data.get("slug", path.stem)
    if not isinstance(slug, str) or not SLUG.match(slug):
        problems.add(path, where("slug") or 1,
                     f"slug must be lower-case letters, digits, '.', '_' or '-', found '{slug}'"
                     + _slug_hint(str(slug), "slug" in data))

    audiences = data.get("audiences", ["clinician"])
    if isinstance(audiences, str):
        audiences = [audiences]
    if not isinstance(audiences, list) or not audiences:
        problems.add(path, where("audiences"), "'audiences' must be a non-empty list such as "
                     f"[clinician, patient], found {audiences!r}")
        audiences = ["clinician"]
    for audience in audiences:
        if not isinstance(audience, str):
            kind = ("true/false" if isinstance(audience, bool) else "a list"
                    if isinstance(audience, list) else "a mapping"
                    if isinstance(audience, dict) else "a number")
            shown = "nothing (null)" if audience is None else f"{kind} ({audience!r})"
            problems.add(path, where("audiences"), f"an audience must be a name such as "
                         f"clinician, found {shown}", code="bad-audience")
        elif audience not in AUDIENCES:
            problems.add(path, where("audiences"),
                         f"unknown audience '{audience}'; expected one of "
                         f"{', '.join(AUDIENCES)}" + did_you_mean(audience, AUDIENCES),
                         code="bad-audience")
    twice = [a for i, a in enumerate(audiences) if isinstance(a, str) and a in audiences[:i]]
    if twice:
        problems.add(path, where("audiences"), f"audience '{twice[0]}' is listed twice")

    lang = data.get("lang", "en-US")
    if not isinstance(lang, str) or not LANG.match(lang):
        hint = ""
        if isinstance(lang, str) and LANG.match(lang.replace("_", "-").split(".")[0]):
            hint = f" (write '{lang.replace('_', '-').split('.')[0]}': a hyphen, as BCP 47 does)"
        problems.add(path, where("lang"), f"'lang' must be a BCP 47 tag such as en-US or es, "
                     f"found '{lang}'{hint}", code="bad-lang")

    bib_names = data.get("bibliography", [])
    if isinstance(bib_names, str):
        bib_names = [bib_names]
    bibliography: list[Path] = []
    if not isinstance(bib_names, list) or not all(isinstance(b, str) for b in bib_names):
        problems.add(path, where("bibliography"), "'bibliography' must be a list of .bib, "
                     f".json or .yaml files such as [refs.bib], found {bib_names!r}")
    else:
        for name in bib_names:
            resolved = resolve_bibliography(path, name, bibliography_dir)
            if resolved.suffix.lower() not in BIBLIOGRAPHY_SUFFIXES:
                kind = OTHER_BIBLIOGRAPHIES.get(resolved.suffix.lower())
                problems.add(path, where("bibliography"),
                             f"bibliography file '{name}' must be .bib (BibTeX, biblatex), "
                             ".json (CSL-JSON), .yaml (CSL-YAML), .ris (RIS), .xml (EndNote XML) or "
                             ".nbib (PubMed's MEDLINE)"
                             + (f"; {kind} is not read: export the references as BibTeX or "
                                "CSL-JSON" if kind else ""), code="bad-bibliography")
            elif not is_file(resolved):
                problems.add(path, where("bibliography"), f"bibliography file '{name}' "
                             + _not_a_file(resolved, path.parent, bibliography_dir),
                             code="missing-bibliography")
            bibliography.append(resolved)

    csl = data.get("csl", DEFAULT_STYLE)
    if not isinstance(csl, str) or not csl.strip():
        problems.add(path, where("csl"), "'csl' must be a style name or a path to a .csl file")
        csl = DEFAULT_STYLE

    written = csl.strip().rstrip("/").rsplit("/", 1)[-1] if isinstance(csl, str) else ""
    current = renamed_style(written) if written and not is_path(csl.strip()) else None
    if current is not None:
        problems.warn(path, where("csl"), f"CSL style '{written}' is now called "
                      f"'{current}', which is used: write 'csl: {current}'", code="renamed-style")
    for key in ("link-citations", "link-bibliography"):
        if data.get(key) is False:
            problems.warn(path, where(key), f"'{key}: false' is not used: citations and "
                          "references are always linked in the EPUB and the web page",
                          code="unknown-field")
    for key in ("disclaimer", "canonical_url", "subtitle", "summary", "reference-section-title"):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            problems.add(path, where(key), f"'{key}' must be text, found {value!r}")
    url = data.get("canonical_url")
    if isinstance(url, str) and (not re.match(r"^https?://[^\s]+$", url) or host_problem(url)):
        problems.add(path, where("canonical_url"), "'canonical_url' must be an http(s) address, "
                     f"found '{url}'{host_problem(url) or ''}")

    keywords = data.get("keywords", [])
    if isinstance(keywords, str):
        keywords = [k for k in (w.strip() for w in keywords.split(",")) if k]
    if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
        problems.add(path, where("keywords"),
                     "'keywords' must be a list of words or phrases, or one text with commas")
        keywords = []

    max_grade = data.get("max_grade", 8)
    if isinstance(max_grade, bool) or not isinstance(max_grade, int | float) or max_grade <= 0:
        problems.add(path, where("max_grade"), f"'max_grade' must be a positive number, "
                     f"found '{max_grade}'")
        max_grade = 8

    authors = _people(data.get("authors"), "authors", path, where("authors"), problems)
    reviewers = _people(data.get("reviewers"), "reviewers", path, where("reviewers"), problems,
                        with_date=True)
    if status == "approved" and not reviewers:
        problems.add(path, where("status"),
                     "status is 'approved' but no reviewers are listed; add "
                     "'reviewers: [{name: ..., role: ..., date: ...}]'", code="no-reviewers")

    changes = _changes(data.get("changes"), path, where("changes"), version, problems)

    if problems.errors and "csl" in data:
        # The style is otherwise checked with the body; a manuscript stopped
        # here still hears about a wrong style in the same run.
        try:
            resolve_style(csl.strip(), path, where("csl"))
        except PipelineError as exc:
            problems.extend(exc.problems)
    valid = not problems.errors
    manuscript = Manuscript(
        path=path,
        body=body,
        body_line=body_line,
        title=title.strip() if isinstance(title, str) else "",
        version=version if isinstance(version, str) and SEMVER.match(version) else "0.0.0",
        status=status if status in STATUSES else "draft",
        last_updated=dates["last_updated"] or today(),
        next_review=dates["next_review"],
        slug=slug if isinstance(slug, str) and SLUG.match(slug) else "manuscript",
        lang=lang if isinstance(lang, str) and LANG.match(lang) else "en-US",
        audiences=tuple(dict.fromkeys(a for a in audiences if isinstance(a, str)
                                      and a in AUDIENCES)) or ("clinician",),
        authors=authors,
        reviewers=reviewers,
        bibliography=tuple(bibliography) if valid else tuple(b for b in bibliography
                                                              if is_file(b)),
        csl=csl.strip(),
        subtitle=_text(data.get("subtitle")),
        summary=_text(data.get("summary")),
        keywords=tuple(k.strip() for k in keywords if k.strip()),
        references_title=_text(data.get("reference-section-title")),
        disclaimer=data.get("disclaimer") if isinstance(data.get("disclaimer"), str) else None,
        canonical_url=url if isinstance(url, str) else None,
        max_grade=float(max_grade),
        changes=changes,
        field_lines=dict(lines),
        spans=spans,
    )
    if not valid:
        raise FrontMatterError(problems.items, manuscript)
    return manuscript, problems.warnings


def _check_dates(path: Path, dates: dict[str, dt.date | None], where: Any,
                 problems: Problems) -> None:
    """``last_updated`` not in the future; ``next_review`` not before it."""
    updated, review = dates.get("last_updated"), dates.get("next_review")
    now = today()
    if updated is not None and updated > now:
        problems.add(path, where("last_updated"),
                     f"'last_updated' {updated.isoformat()} is after today, {now.isoformat()} "
                     f"({today_source()})", code="bad-date")
    if updated is not None and review is not None and review < updated:
        problems.add(path, where("next_review"),
                     f"'next_review' {review.isoformat()} is before 'last_updated' "
                     f"{updated.isoformat()}", code="bad-date")


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


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("-")[0].split("+")[0].split("."))


def _changes(value: Any, path: Path, line: int | None, version: Any,
             problems: Problems) -> tuple[Change, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.add(path, line, "'changes' must be a list of {version, date, summary}")
        return ()
    changes: list[Change] = []
    for i, item in enumerate(value, 1):
        if not isinstance(item, dict):
            problems.add(path, line, f"'changes' entry {i} must be {{version, date, summary}}")
            continue
        v, d, s = item.get("version"), _date(item.get("date")), item.get("summary")
        if not isinstance(v, str) or not SEMVER.match(v):
            problems.add(path, line, f"'changes' entry {i}: version must be semantic, found '{v}'")
            continue
        if d is None:
            problems.add(path, line, f"'changes' entry {i}: date "
                         + date_problem(item.get("date")))
            continue
        if not isinstance(s, str) or not s.strip():
            problems.add(path, line, f"'changes' entry {i}: summary is missing")
            continue
        if changes and _version_key(v) <= _version_key(changes[-1].version):
            problems.add(path, line, f"'changes' entry {i}: version {v} is not newer than "
                         f"{changes[-1].version} before it")
        changes.append(Change(v, d, s.strip()))
    if changes and isinstance(version, str) and SEMVER.match(version) \
            and _version_key(changes[-1].version) > _version_key(version):
        problems.add(path, line, f"'changes' lists version {changes[-1].version}, newer than "
                     f"the manuscript's version {version}")
    return tuple(changes)


def _text(value: object) -> str | None:
    """A front-matter text with its spaces folded, or None when absent or not text."""
    return " ".join(value.split()) or None if isinstance(value, str) else None


def _slug_hint(written: str, in_front_matter: bool) -> str:
    """What to write instead of a slug that is not one (the file name's, by default)."""
    ascii_text = unicodedata.normalize("NFKD", written).encode("ascii", "ignore").decode()
    suggested = re.sub(r"[^a-z0-9._]+", "-", ascii_text.lower()).strip("-._")
    if in_front_matter:
        return f" (such as '{suggested}')" if suggested else ""
    return ("; set 'slug: " + (suggested or "...") + "' in the front matter or rename the file")
