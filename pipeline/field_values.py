"""The values inside front-matter fields: dates, people, a change log, bibliography paths."""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Any

from .errors import Problems, did_you_mean, display_path, not_a_file
from .model import Change, Person

# The keys of a person (authors, reviewers) and of a change a handout reads.
PERSON_KEYS = ("name", "role", "date", "affiliation")
CHANGE_KEYS = ("version", "date", "summary")
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$"
)


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


def as_date(value: Any) -> dt.date | None:
    """A YAML date or an ISO date text as a date; None for anything else."""
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


def read_people(value: Any, field_name: str, path: Path, line: int | None,
                problems: Problems, with_date: bool = False) -> tuple[Person, ...]:
    """``authors`` or ``reviewers``: names, or ``{name, role, date, affiliation}`` each."""
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
            date = as_date(item["date"])
            if date is None:
                problems.add(path, line, f"'{field_name}' entry {i}: date "
                             + date_problem(item["date"]))
        role = item.get("role") or ""
        people.append(Person(item["name"].strip(), str(role).strip(), date))
    return tuple(people)


def shared_folders(path: Path, bibliography_dir: Path) -> list[Path]:
    """Where a shared bibliography of the manuscript ``path`` is looked up: ``bibliography_dir``
    (the working folder's project's), then the ``bibliography/`` of the manuscript's own
    project when that is another (a build of ``~/handouts/manuscripts`` run from elsewhere)."""
    from .project import project_folder

    own = project_folder(path.parent.absolute())
    folders = [bibliography_dir]
    if (own / "manuscripts").is_dir() and own / "bibliography" != bibliography_dir.absolute():
        folders.append(own / "bibliography")
    return folders


def resolve_bibliography(path: Path, name: str, bibliography_dir: Path) -> Path:
    """A bibliography named in front matter: beside the manuscript, else in bibliography/."""
    candidate = Path(name).expanduser()
    if candidate.is_absolute():
        return candidate
    beside = path.parent / candidate
    shared = [folder / candidate for folder in shared_folders(path, bibliography_dir)]
    for found in (beside, *shared):
        try:
            if found.exists() or found.is_symlink():  # a broken link is reported as one
                return found
        except (OSError, ValueError):  # a name the system refuses, such as a too long one
            pass
    return beside


def bibliography_missing(found: Path, beside: Path, bibliography_dir: Path) -> str:
    """Why a bibliography named in front matter cannot be read: missing, a folder, a bad link."""
    why = not_a_file(found)
    if why:
        return why
    shared = " and ".join(f"{display_path(f)}/"
                          for f in shared_folders(beside / "manuscript", bibliography_dir))
    return f"not found (looked in {display_path(beside)}/ and {shared})"


def version_key(version: str) -> tuple[int, ...]:
    """A semantic version's numbers, to compare versions (pre-release and build dropped)."""
    return tuple(int(part) for part in version.split("-")[0].split("+")[0].split("."))


def change_log(value: Any, path: Path, line: int | None, version: Any,
             problems: Problems) -> tuple[Change, ...]:
    """``changes``: each entry's version, date and summary, newer in turn, none newer than
    the manuscript's ``version``."""
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
        v, d, s = item.get("version"), as_date(item.get("date")), item.get("summary")
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
        if changes and version_key(v) <= version_key(changes[-1].version):
            problems.add(path, line, f"'changes' entry {i}: version {v} is not newer than "
                         f"{changes[-1].version} before it")
        changes.append(Change(v, d, s.strip()))
    if changes and isinstance(version, str) and SEMVER.match(version) \
            and version_key(changes[-1].version) > version_key(version):
        problems.add(path, line, f"'changes' lists version {changes[-1].version}, newer than "
                     f"the manuscript's version {version}")
    return tuple(changes)


def folded_text(value: object) -> str | None:
    """A front-matter text with its spaces folded, or None when absent or not text."""
    return " ".join(value.split()) or None if isinstance(value, str) else None


def slug_hint(written: str, in_front_matter: bool) -> str:
    """What to write instead of a slug that is not one (the file name's, by default)."""
    ascii_text = unicodedata.normalize("NFKD", written).encode("ascii", "ignore").decode()
    suggested = re.sub(r"[^a-z0-9._]+", "-", ascii_text.lower()).strip("-._")
    if in_front_matter:
        return f" (such as '{suggested}')" if suggested else ""
    return ("; set 'slug: " + (suggested or "...") + "' in the front matter or rename the file")
