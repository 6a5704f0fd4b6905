"""Read and run the CSL processor test suite through the project's citation engine.

The fixtures live outside the repository, in ``../shared/csl-test-suite``
(``CATEGORY_Name.txt``, sections between ``>>== NAME ==>>`` and
``<<== NAME ==<<``).  Each is run the way the build runs citations: the
style prepared by ``pipeline.csl``, then ``pipeline.citeproc_engine``.

``python tests/csl_suite.py [PATTERN] [--verbose]`` (``invoke csl-suite``)
prints the pass count per category.
"""

from __future__ import annotations

import fnmatch
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SUITE = ROOT.parent / "shared" / "csl-test-suite"
EXPECTED_FAILURES = ROOT / "tests" / "csl_suite_expected_failures.txt"
SECTION = re.compile(r">>=+\s*([A-Z-]+)\s*=+>>\n(.*?)\n<<=+\s*\1\s*=+<<", re.DOTALL)


@dataclass(frozen=True)
class Fixture:
    """One fixture of the suite."""

    name: str
    mode: str
    result: str
    csl: str
    input: list[dict[str, Any]]
    citation_items: list[list[dict[str, Any]]] | None
    citations: list[Any] | None

    @property
    def category(self) -> str:
        """The part of the name before the first underscore."""
        return self.name.split("_", 1)[0]


def fixture_paths() -> list[Path]:
    """Every fixture file, sorted by name."""
    return sorted(SUITE.glob("*_*.txt"))


def read_fixture(path: Path) -> Fixture:
    """A fixture file as a record."""
    from pipeline.csljson import UNTYPED

    sections = {m.group(1): m.group(2) for m in SECTION.finditer(path.read_text("utf-8"))}
    items = json.loads(sections["INPUT"])
    for i, item in enumerate(items):
        item.setdefault("id", str(i))
        item.setdefault("type", UNTYPED)  # as a CSL-JSON bibliography is read
        item["id"] = str(item["id"])
    return Fixture(
        name=path.stem, mode=sections["MODE"].strip(), result=sections["RESULT"].strip("\n"),
        csl=sections["CSL"].strip(), input=items,
        citation_items=json.loads(sections["CITATION-ITEMS"])
        if "CITATION-ITEMS" in sections else None,
        citations=json.loads(sections["CITATIONS"]) if "CITATIONS" in sections else None,
    )


def _cite(data: dict[str, Any]) -> Any:
    from pipeline.citeproc_input import rich_text_marks
    from pipeline.model import CiteItem

    mode = ("suppress-author" if data.get("suppress-author")
            else "author-only" if data.get("author-only") else "normal")
    locator = data.get("locator")
    return CiteItem(key=str(data["id"]), locator=str(locator) if locator not in (None, "")
                    else None, label=data.get("label"),
                    prefix=rich_text_marks(data.get("prefix", "")),  # CSL-JSON rich text
                    suffix=rich_text_marks(data.get("suffix", "")), mode=mode)


def _format(fixture: Fixture, clusters: list[Any]) -> Any:
    from pipeline.citeproc_engine import format_clusters
    from pipeline.csl import prepare_xml

    style = prepare_xml(fixture.csl.encode("utf-8"), fixture.name)
    items = {item["id"]: item for item in fixture.input}
    return format_clusters(style.xml, items, clusters, style.default_locale or "en-US")


def _first_notes(order: list[str], items: dict[str, Any], notes: dict[str, int]
                 ) -> dict[str, int]:
    """The note each work is first cited in, the citations taken in ``order``."""
    first: dict[str, int] = {}
    for cid in order:
        for cite in items[cid]:
            first.setdefault(cite.key, notes[cid])
    return first


def run_fixture(fixture: Fixture) -> str:
    """What the project prints for the fixture, in the suite's notation."""
    from pipeline.citeproc_engine import marks_to_html
    from pipeline.model import Cluster

    if fixture.citations:
        # each call places its citation among the others, giving every one its note number
        items = {c[0]["citationID"]: tuple(_cite(i) for i in c[0]["citationItems"])
                 for c in fixture.citations}
        notes: dict[str, int] = {}
        earlier: dict[str, int] = {}
        for citation, pre, post in fixture.citations:
            earlier = dict(notes)
            notes[citation["citationID"]] = citation.get("properties", {}).get("noteIndex", 0)
            notes.update({cid: note for cid, note in pre + post})
        last, pre, post = fixture.citations[-1]
        order = [p[0] for p in pre] + [last["citationID"]] + [p[0] for p in post]
        before = [cid for cid in order if cid != last["citationID"]]
        previous = dict(zip(before, _format(fixture, [Cluster(items[c], earlier[c])
                                                      for c in before]).citations,
                            strict=True)) if before else {}
        clusters = [Cluster(items[c], notes[c]) for c in order]
        final = _format(fixture, clusters)
        # citeproc-js reports a citation whose text changed, and every citation of a work
        # cited again whose first note moved (its first-reference-note-number changed)
        was, now = _first_notes(before, items, earlier), _first_notes(order, items, notes)
        moved = {key: was.get(key) != note for key, note in now.items()}
        cited = Counter(c.key for cid in order for c in items[cid])
        lines = []
        for i, (cid, text) in enumerate(zip(order, final.citations, strict=True)):
            same = previous.get(cid) == text and not any(
                cited[c.key] > 1 and moved.get(c.key) for c in items[cid])
            lines.append(f"{'..' if same else '>>'}[{i}] {marks_to_html(text)}")
        if fixture.mode == "citation":
            return "\n".join(lines)
    elif fixture.citation_items is not None:
        clusters = [Cluster(tuple(_cite(i) for i in items)) for items in fixture.citation_items]
    else:  # the suite cites every item, in the order of the sorted reference list
        ids = list(dict.fromkeys(item["id"] for item in fixture.input))  # a repeated id is one
        listed = [key for key, _text in _format(fixture, [Cluster(tuple(
            _cite({"id": i}) for i in ids))]).bibliography]
        ids = listed + [i for i in ids if i not in listed]
        clusters = [Cluster(tuple(_cite({"id": i}) for i in ids))]
    formatted = _format(fixture, clusters)
    if fixture.mode == "citation":
        return "\n".join(marks_to_html(text) for text in formatted.citations)
    entries = "".join(f'  <div class="csl-entry">{marks_to_html(text)}</div>\n'
                      for _key, text in formatted.bibliography)
    return f'<div class="csl-bib-body">\n{entries}</div>'


def outcome(fixture: Fixture) -> tuple[bool, str]:
    """(passed, what was printed or the exception raised)."""
    try:
        printed = run_fixture(fixture)
    except Exception as exc:  # noqa: BLE001 - the suite counts a crash as a failure
        return False, f"{type(exc).__name__}: {exc}"
    return printed == fixture.result, printed


def expected_failures() -> dict[str, str]:
    """The fixtures known to fail, with the reason, from the expected-failures file."""
    found: dict[str, str] = {}
    for line in EXPECTED_FAILURES.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, reason = line.partition(" ")
            found[name] = reason.strip()
    return found


def main(argv: list[str]) -> int:
    """Print pass counts per category and ``csl suite: P/N pass``."""
    if not SUITE.is_dir():
        print(f"csl suite: {SUITE} not found", file=sys.stderr)
        return 1
    verbose = "--verbose" in argv
    patterns = [a for a in argv if a != "--verbose"]
    pattern = patterns[0] if patterns else "*"
    total: Counter[str] = Counter()
    passed: Counter[str] = Counter()
    for path in fixture_paths():
        if not fnmatch.fnmatch(path.stem, pattern):
            continue
        fixture = read_fixture(path)
        ok, printed = outcome(fixture)
        total[fixture.category] += 1
        passed[fixture.category] += ok
        if verbose and not ok:
            print(f"--- {fixture.name}\nEXP: {fixture.result}\nGOT: {printed}")
    for category in sorted(total):
        print(f"{category:<16} {passed[category]:>4} / {total[category]:>4}")
    print(f"csl suite: {sum(passed.values())}/{sum(total.values())} pass")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main(sys.argv[1:]))
