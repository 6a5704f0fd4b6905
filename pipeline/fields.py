"""The front matter's fields: one reader a field, in the order their problems are found.

:data:`FIELDS` is the schema: each field's name and the function that reads its
value (``Reading.data``), adds the problems it finds at the field's line, and
returns what the manuscript keeps (a safe stand-in when the value is wrong, so
that the rest of the manuscript is still checked in the same run).  A rule
between fields (``next_review`` after ``last_updated``, reviewers for an
approved handout, a change log that matches the version) is read with the
later field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .addresses import host_problem
from .csl import is_path, renamed_style
from .errors import Problems, did_you_mean, is_file
from .field_values import (
    SEMVER,
    as_date,
    bibliography_missing,
    change_log,
    date_problem,
    folded_text,
    read_people,
    resolve_bibliography,
    slug_hint,
)
from .model import AUDIENCES, DEFAULT_STYLE, STATUSES, Change, Person
from .stamp import today, today_source

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
SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
MAX_SLUG = 200  # characters: with '.clinician.epub' and a release's folders, under 255
LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
# What a bibliography file may be: BibTeX/biblatex, CSL-JSON, CSL-YAML (as pandoc reads them).
# reference managers' other export formats, named when given as a bibliography
OTHER_BIBLIOGRAPHIES = {".enw": "an EndNote (Refer) file",
".rdf": "a Zotero RDF file",
                        ".csv": "a CSV table", ".txt": "a text file"}
BIBLIOGRAPHY_SUFFIXES = (".bib", ".bibtex", ".biblatex", ".json", ".yaml", ".yml", ".ris", ".xml",
                         ".nbib", ".medline")


@dataclass
class Reading:
    """One front matter being read: its values, each field's line, the problems found."""

    path: Path
    data: dict[str, Any]
    lines: dict[str, int]
    problems: Problems
    bibliography_dir: Path

    def where(self, key: str) -> int | None:
        return self.lines.get(key)


def not_text(key: str, value: Any) -> str:
    """``'key' must be text``, saying what YAML read instead: a date, a number or a yes/no
    in words (not as Python writes them), with how to keep it as written."""
    if isinstance(value, (bool, int, float, dt.date)):
        kind, shown = (("a yes/no value", str(value).lower()) if isinstance(value, bool)
                       else ("a date", value.isoformat()) if isinstance(value, dt.date)
                       else ("a number", str(value)))
        return (f"'{key}' must be text, found {kind} ({shown}): put it in quotes to keep it "
                f"as written, {key}: \"...\"")
    if isinstance(value, bytes):  # YAML's !!binary
        return f"'{key}' must be text, found binary data (a !!binary value)"
    return f"'{key}' must be text, found {value!r}"


def _title(r: Reading) -> str:
    title = r.data.get("title")
    if title is not None and not isinstance(title, str):
        r.problems.add(r.path, r.where("title"), not_text("title", title))
    return title.strip() if isinstance(title, str) else ""


def _version(r: Reading) -> str:
    version = r.data.get("version")
    if version is not None and (not isinstance(version, str) or not SEMVER.match(version)):
        r.problems.add(r.path, r.where("version"),
                       f"'version' must be a semantic version such as 1.2.0, found '{version}'",
                       code="bad-version")
    return version if isinstance(version, str) and SEMVER.match(version) else "0.0.0"


def _status(r: Reading) -> str:
    status = r.data.get("status")
    if status is not None and status not in STATUSES:
        r.problems.add(r.path, r.where("status"),
                       f"'status' must be one of {', '.join(STATUSES)}; found "
                       + (f"'{status}'" if isinstance(status, str) else repr(status))
                       + did_you_mean(str(status), STATUSES), code="bad-status")
    return status if status in STATUSES else "draft"


def _date_field(key: str) -> Callable[[Reading], dt.date | None]:
    def read(r: Reading) -> dt.date | None:
        value = r.data.get(key)
        if value is None:
            return None
        date = as_date(value)
        if date is None:
            r.problems.add(r.path, r.where(key), f"'{key}' " + date_problem(value),
                           code="bad-date")
        return date
    return read


def _next_review(r: Reading) -> dt.date | None:
    review = _date_field("next_review")(r)
    updated = as_date(r.data["last_updated"]) if r.data.get("last_updated") is not None else None
    _check_dates(r, updated, review)
    return review


def _check_dates(r: Reading, updated: dt.date | None, review: dt.date | None) -> None:
    """``last_updated`` not in the future; ``next_review`` not before it."""
    path, where, problems = r.path, r.where, r.problems
    now = today()
    if updated is not None and updated > now:
        problems.add(path, where("last_updated"),
                     f"'last_updated' {updated.isoformat()} is after today, {now.isoformat()} "
                     f"({today_source()})", code="bad-date")
    if updated is not None and review is not None and review < updated:
        problems.add(path, where("next_review"),
                     f"'next_review' {review.isoformat()} is before 'last_updated' "
                     f"{updated.isoformat()}", code="bad-date")


def _slug(r: Reading) -> str:
    slug = r.data.get("slug", r.path.stem)
    if not isinstance(slug, str) or not SLUG.match(slug):
        # '-dash' holds only the characters named, yet is refused: say what is wrong with it
        rule = "start with a lower-case letter or digit" \
            if re.fullmatch(r"[a-z0-9._-]+", str(slug)) else \
            "be lower-case letters, digits, '.', '_' or '-'"
        r.problems.add(r.path, r.where("slug") or 1, f"slug must {rule}, found '{slug}'"
                       + slug_hint(str(slug), "slug" in r.data))
    elif len(slug) > MAX_SLUG:  # found by check, not by a build that cannot name its files
        r.problems.add(r.path, r.where("slug") or 1,
                       f"slug is {len(slug)} characters long, at most {MAX_SLUG}: the names of "
                       "its files (SLUG.clinician.epub) must fit the file system's 255; "
                       + ("write a shorter one" if "slug" in r.data else
                          "set a shorter 'slug:' in the front matter or rename the file"))
        return "manuscript"
    return slug if isinstance(slug, str) and SLUG.match(slug) else "manuscript"


LISTED_AUDIENCES = 5  # wrong audiences reported one by one; the rest are counted


def _audiences(r: Reading) -> tuple[str, ...]:
    path, where, problems = r.path, r.where, r.problems
    audiences = r.data.get("audiences", ["clinician"])
    if isinstance(audiences, str):
        audiences = [audiences]
    if not isinstance(audiences, list) or not audiences:
        problems.add(path, where("audiences"), "'audiences' must be a non-empty list such as "
                     f"[clinician, patient], found {audiences!r}")
        audiences = ["clinician"]
    wrong = 0
    for audience in audiences:
        wrong += not isinstance(audience, str) or audience not in AUDIENCES
        if wrong > LISTED_AUDIENCES:
            continue  # counted: a list of thousands would bury the other problems
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
    if wrong > LISTED_AUDIENCES:
        problems.add(path, where("audiences"), f"{wrong - LISTED_AUDIENCES:,} more unknown "
                     "audiences not listed", code="bad-audience")
    seen: set[str] = set()
    twice = [a for a in audiences if isinstance(a, str) and (a in seen or seen.add(a))]
    if twice:
        problems.add(path, where("audiences"), f"audience '{twice[0]}' is listed twice")
    return tuple(dict.fromkeys(a for a in audiences if isinstance(a, str)
                               and a in AUDIENCES)) or ("clinician",)


def _lang(r: Reading) -> str:
    lang = r.data.get("lang", "en-US")
    if not isinstance(lang, str) or not LANG.match(lang):
        hint = ""
        if isinstance(lang, str) and LANG.match(lang.replace("_", "-").split(".")[0]):
            hint = f" (write '{lang.replace('_', '-').split('.')[0]}': a hyphen, as BCP 47 does)"
        r.problems.add(r.path, r.where("lang"), f"'lang' must be a BCP 47 tag such as en-US or "
                       f"es, found '{lang}'{hint}", code="bad-lang")
    return lang if isinstance(lang, str) and LANG.match(lang) else "en-US"


def _bibliography(r: Reading) -> tuple[Path, ...]:
    path, where, problems = r.path, r.where, r.problems
    bib_names = r.data.get("bibliography", [])
    if isinstance(bib_names, str):
        bib_names = [bib_names]
    bibliography: list[Path] = []
    if not isinstance(bib_names, list) or not all(isinstance(b, str) for b in bib_names):
        problems.add(path, where("bibliography"), "'bibliography' must be a list of .bib, "
                     f".json or .yaml files such as [refs.bib], found {bib_names!r}")
        return ()
    for name in bib_names:
        resolved = resolve_bibliography(path, name, r.bibliography_dir)
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
                         + bibliography_missing(resolved, path.parent, r.bibliography_dir),
                         code="missing-bibliography")
        bibliography.append(resolved)
    return tuple(bibliography)


def _csl(r: Reading) -> str:
    csl = r.data.get("csl", DEFAULT_STYLE)
    if not isinstance(csl, str) or not csl.strip():
        r.problems.add(r.path, r.where("csl"),
                       "'csl' must be a style name or a path to a .csl file")
        csl = DEFAULT_STYLE
    written = csl.strip().rstrip("/").rsplit("/", 1)[-1]
    current = renamed_style(written) if written and not is_path(csl.strip()) else None
    if current is not None:
        r.problems.warn(r.path, r.where("csl"), f"CSL style '{written}' is now called "
                        f"'{current}', which is used: write 'csl: {current}'",
                        code="renamed-style")
    return csl.strip()


def _always_linked(key: str) -> Callable[[Reading], None]:
    def read(r: Reading) -> None:
        if r.data.get(key) is False:
            r.problems.warn(r.path, r.where(key), f"'{key}: false' is not used: citations and "
                            "references are always linked in the EPUB and the web page",
                            code="unknown-field")
    return read


def _text_field(key: str, fold: bool = True) -> Callable[[Reading], str | None]:
    """A field of text: its spaces folded (``fold``), or kept as written."""
    def read(r: Reading) -> str | None:
        value = r.data.get(key)
        if value is not None and not isinstance(value, str):
            r.problems.add(r.path, r.where(key), not_text(key, value))
        return (folded_text(value) if fold else value) if isinstance(value, str) else None
    return read


def _canonical_url(r: Reading) -> str | None:
    url = _text_field("canonical_url", fold=False)(r)
    if url is None:
        return None
    why = host_problem(url)
    if why is not None or not re.match(r"^https?://[^\s]+$", url):
        r.problems.add(r.path, r.where("canonical_url"), "'canonical_url' must be an http(s) "
                       f"address, found '{url}'{why or ''}")
    return url


def _keywords(r: Reading) -> tuple[str, ...]:
    keywords = r.data.get("keywords", [])
    if isinstance(keywords, str):
        keywords = [k for k in (w.strip() for w in keywords.split(",")) if k]
    if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
        r.problems.add(r.path, r.where("keywords"),
                       "'keywords' must be a list of words or phrases, or one text with commas")
        return ()
    return tuple(k.strip() for k in keywords if k.strip())


def _max_grade(r: Reading) -> float:
    max_grade = r.data.get("max_grade", 8)
    if isinstance(max_grade, bool) or not isinstance(max_grade, int | float) or max_grade <= 0:
        r.problems.add(r.path, r.where("max_grade"), f"'max_grade' must be a positive number, "
                       f"found '{max_grade}'")
        max_grade = 8
    return float(max_grade)


def _authors(r: Reading) -> tuple[Person, ...]:
    return read_people(r.data.get("authors"), "authors", r.path, r.where("authors"), r.problems)


def _reviewers(r: Reading) -> tuple[Person, ...]:
    reviewers = read_people(r.data.get("reviewers"), "reviewers", r.path, r.where("reviewers"),
                        r.problems, with_date=True)
    if r.data.get("status") == "approved" and not reviewers:
        r.problems.add(r.path, r.where("status"),
                       "status is 'approved' but no reviewers are listed; add "
                       "'reviewers: [{name: ..., role: ..., date: ...}]'", code="no-reviewers")
    return reviewers


def _change_log(r: Reading) -> tuple[Change, ...]:
    return change_log(r.data.get("changes"), r.path, r.where("changes"), r.data.get("version"),
                    r.problems)


# The schema: every field a handout reads, in the order its problems are found.
FIELDS: dict[str, Callable[[Reading], Any]] = {
    "title": _title,
    "version": _version,
    "status": _status,
    "last_updated": _date_field("last_updated"),
    "next_review": _next_review,
    "slug": _slug,
    "audiences": _audiences,
    "lang": _lang,
    "bibliography": _bibliography,
    "csl": _csl,
    "link-citations": _always_linked("link-citations"),
    "link-bibliography": _always_linked("link-bibliography"),
    "disclaimer": _text_field("disclaimer", fold=False),
    "canonical_url": _canonical_url,
    "subtitle": _text_field("subtitle"),
    "summary": _text_field("summary"),
    "reference-section-title": _text_field("reference-section-title"),
    "keywords": _keywords,
    "max_grade": _max_grade,
    "authors": _authors,
    "reviewers": _reviewers,
    "changes": _change_log,
}
REQUIRED = ("title", "version", "status", "last_updated")
KNOWN = tuple(FIELDS)
# The manuscript's attribute a field fills, where its name is not the field's ...
ATTRIBUTES = {"reference-section-title": "references_title"}
# ... and the fields that are only checked (citations and references are always linked).
NOT_KEPT = frozenset(("link-citations", "link-bibliography"))
