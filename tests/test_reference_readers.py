"""What the project reads from each exporter's .bib, against biber and pandoc.

biber (biblatex's reader, Debian's ``biber``, installed by the test set-up)
resolves crossref and xdata and parses names; pandoc (``-t csljson``, the
binary pypandoc-binary ships) is the reader the project builds on.  For every
entry of ``tests/fixtures/exporters/*.bib`` the test compares names (with
their particles, per CSL variable), dates, the fields inherited through
crossref and xdata, and (with pandoc) the CSL type.  Every place where the
project differs is listed below with the reason; any other difference, or a
listed one that went away, fails the test.  docs/bibliographies.md has the
same list.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ROOT
from reference_readers import (
    ALIASES,
    biber_path,
    csl_record,
    pandoc_items,
    plain,
    read_biber,
    run_biber,
)

from pipeline.bibtex import load_bibliographies, to_csl
from pipeline.errors import Problems

pytestmark = pytest.mark.slow  # biber: about 5 s of CPU per file
FIXTURES = ROOT / "tests" / "fixtures" / "exporters"
FILES = ["zotero.bib", "betterbibtex.bib", "betterbiblatex.bib", "mendeley.bib",
         "endnote.bib", "jabref.bib", "biblatex.bib"]

INITIALS = "PubMed's initials are two given names: every style then prints both (Axford ME)"
APOSTROPHE = "a typographic apostrophe, as pandoc writes it"
# (reader, file, key, what, theirs, ours): why the project reads it otherwise.
ORGANISATION = ("an organisation's name written as a person's is read as the "
                "organisation, with a warning giving the braces (biber and pandoc print 'Agency EM')")
BIBER = {
    ("endnote.bib", "RN20", "author", "Agency, European Medicines", "European Medicines Agency"):
        ORGANISATION,
    ("zotero.bib", "axford_uptake_2020", "author",
     "Axford, ME | de Geer, Ingrid | Nguy\\ ên, Thí Lan",
     "Axford, M. E. | de Geer, Ingrid | Nguyễn, Thí Lan"):
        INITIALS + "; biber keeps TeX it cannot read (\\~{\\^e}) as text",
    ("betterbiblatex.bib", "geerRegionalAnaesthesia2017", "author", "de Geer, Ingrid",
     "de Geer, Ingrid (family)"):
        "useprefix=true: the particle is part of the family name, so it sorts under 'de' and "
        "no style demotes it (biber keeps it apart and lets biblatex apply the option)",
    ("betterbiblatex.bib", "okaforDeviceTranscutaneousNerve2020", "holder", "Inc., Nervio",
     "-"):
        "CSL has no holder: the names are printed where the publisher goes ('Nervio Inc.'); "
        "biber reads the unbraced company as a person",
    ("mendeley.bib", "Nakamura2019", "author",
     "Nakamura, Kenji | Fischer, Anna-Lena | O'Connor, Sean",
     "Nakamura, Kenji | Fischer, Anna-Lena | O’Connor, Sean"): APOSTROPHE,
    ("jabref.bib", "Fischer2018", "author", "Fischer, Anna-Lena | O'Connor, Sean",
     "Fischer, Anna-Lena | O’Connor, Sean"): APOSTROPHE,
    ("biblatex.bib", "brennan2017", "author",
     "Brennan, Aoife | François, Loı̈c | Šimek, Tomáš | Straßer, Jürgen",
     "Brennan, Aoife | François, Loïc | Šimek, Tomáš | Straßer, Jürgen"):
        "{\\\"\\i} is one letter, ï, for search and screen readers (biber: dotless ı + "
        "combining diaeresis)",
    ("biblatex.bib", "mosby", "entry", "xdata", "-"):
        "@xdata entries only lend fields; they are never cited or listed",
}
PANDOC = {
    ("endnote.bib", "RN20", "author", "Agency, European Medicines", "European Medicines Agency"):
        ORGANISATION,
    ("zotero.bib", "axford_uptake_2020", "author",
     "Axford, ME | de Geer, Ingrid | Nguyễn, Thí Lan",
     "Axford, M. E. | de Geer, Ingrid | Nguyễn, Thí Lan"): INITIALS,
    ("betterbibtex.bib", "lindqvistRandomisedTrialPlateletrich2021", "author",
     "Lindqvist, Åsa | Ó Briain, Séamus | van der Berg, Anke | others",
     "Lindqvist, Åsa | Ó Briain, Séamus | van der Berg, Anke (family) | et al."):
        "'{van der Berg}' is braced: one family name, as biber reads it (pandoc splits the "
        "particle off); 'and others' is 'et al.', which styles print",
    ("betterbibtex.bib", "lindqvistRandomisedTrialPlateletrich2021", "date", "2021", "2021-09"):
        "date = {2021} with month = sep: the month is kept, as biber does",
    ("betterbiblatex.bib", "geerRegionalAnaesthesia2017", "author", "de Geer, Ingrid",
     "de Geer, Ingrid (family)"): "useprefix=true: the particle is part of the family name",
    ("betterbiblatex.bib", "geerRegionalAnaesthesia2017", "compiler", "-", "Petrov, Ivan"):
        "editora with editoratype = {compiler}: every biblatex name role is read",
    ("mendeley.bib", "-", "file", "unexpected '_'", "-"):
        "pandoc refuses the whole file at Mendeley's @book_section; the project reads it as "
        "@incollection (biber reads it as an unknown type)",
    ("endnote.bib", "RN12", "author", "Alvarez, M. J.", "Alvarez, M. J. | Kim, S. | Dubois, F."):
        "a key given twice: the first entry is used, as biber does (pandoc keeps both; the "
        "later one is compared here)",
    ("endnote.bib", "RN12", "date", "2020", "2021"):
        "a key given twice: the first entry is used, as biber does",
    ("endnote.bib", "RN20", "date", "2016", "2016-12"):
        "month = {December}: a month name is a month (pandoc reads only numbers and jan ... "
        "dec; biber warns and keeps it)",
    ("jabref.bib", "Sandoval2015", "container-author", "-", "Benzon, Honorio T."):
        "crossref from a @book to an @inbook: the book's author is the bookauthor "
        "(biblatex's inheritance rules; biber agrees)",
    ("biblatex.bib", "-", "file", "unexpected '('", "-"):
        "pandoc refuses the whole file at '@article(': the project reads () entries as biber "
        "does",
}


def _names(names: list[tuple[str, str, str, str]] | None) -> str:
    if not names:
        return "-"
    out = []
    for particle, family, given, suffix in names:
        family = plain(family)
        text = f"{particle} {family}".strip() if particle else family
        if given:
            text += f", {plain(given)}"
        if suffix:
            text += f", {suffix}"
        out.append(text)
    return " | ".join(out)


def _marked_names(names: list[tuple[str, str, str, str]] | None) -> str:
    """Names as text; a family name that carries its particle is marked '(family)'."""
    if not names:
        return "-"
    text = _names(names)
    parts = text.split(" | ")
    for i, (particle, family, given, _suffix) in enumerate(names):
        if not particle and given and " " in family and family.split()[0].islower():
            parts[i] += " (family)"
    return " | ".join(parts)


@pytest.fixture(scope="module")
def readings(tmp_path_factory):
    assert biber_path(), "biber is missing: 'python3 bootstrap.py test' installs it"
    work = tmp_path_factory.mktemp("readers")
    running = [run_biber(FIXTURES / name, work) for name in FILES]  # in parallel
    for process in running:
        process.communicate()
    out = {}
    for name in FILES:
        problems = Problems()
        entries = load_bibliographies((FIXTURES / name,), problems)
        items = to_csl(list(entries.values()), problems)
        reader = "biblatex" if "biblatex" in name else "bibtex"
        out[name] = (entries, {k: csl_record(v) for k, v in items.items()},
                     read_biber(work / f"{Path(name).stem}.bltxml"),
                     pandoc_items(FIXTURES / name, reader))
    return out


def _compare_names(name, key, theirs, ours, found) -> None:
    for variable in sorted(set(theirs) | set(ours)):
        a, b = _marked_names(theirs.get(variable)), _marked_names(ours.get(variable))
        if a != b:
            found.add((name, key, variable, a, b))


def test_the_project_reads_names_dates_and_inheritance_as_biber_does(readings):
    found = set()
    for name, (entries, ours, biber, _pandoc) in readings.items():
        for key in sorted(set(biber) | set(ours)):
            if key not in ours:
                found.add((name, key, "entry", biber[key]["type"], "-"))
                continue
            theirs, mine = biber[key], ours[key]
            _compare_names(name, key, theirs["names"], mine["names"], found)
            for field in ("date", "urldate"):
                if theirs["dates"].get(field, "-") != mine["dates"].get(field, "-"):
                    found.add((name, key, field, theirs["dates"].get(field, "-"),
                               mine["dates"].get(field, "-")))
            entry = entries[key]
            if not entry.inherited_from:
                continue
            own = {ALIASES.get(n, n) for n, _ in entry.values}
            date_fields = {"year", "month", "date"}
            mine_fields = {ALIASES.get(n, n) for n, _ in entry.fields} - own
            mine_fields = {"date" if n in date_fields else n for n in mine_fields}
            their_fields = (set(theirs["fields"]) | set(theirs["names"])
                            | set(theirs["dates"])) - own
            if own & date_fields:
                their_fields.discard("date")
            mine_fields = {n if n != "bookauthor" else "container-author" for n in mine_fields}
            their_fields = {n if n != "bookauthor" else "container-author" for n in their_fields}
            if mine_fields != their_fields:
                found.add((name, key, "inherited", " ".join(sorted(their_fields)),
                           " ".join(sorted(mine_fields))))
    assert found == set(BIBER)


def test_the_project_reads_names_dates_and_types_as_pandoc_does_or_says_why(readings):
    found = set()
    for name, (_entries, ours, _biber, pandoc) in readings.items():
        if isinstance(pandoc, str):
            reason = next(r for r in ("unexpected '_'", "unexpected '('") if r in pandoc)
            found.add((name, "-", "file", reason, "-"))
            continue
        for key in sorted(set(pandoc) | set(ours)):
            theirs, mine = csl_record(pandoc[key]), ours[key]
            _compare_names(name, key, theirs["names"], mine["names"], found)
            for field in ("date", "urldate"):
                if theirs["dates"].get(field, "-") != mine["dates"].get(field, "-"):
                    found.add((name, key, field, theirs["dates"].get(field, "-"),
                               mine["dates"].get(field, "-")))
            if (theirs["type"] or "-") != (mine["type"] or "-"):  # "-": no CSL type
                found.add((name, key, "type", theirs["type"] or "-", mine["type"] or "-"))
    assert found == set(PANDOC)


def test_every_listed_difference_is_in_the_documentation():
    docs = (ROOT / "docs" / "bibliographies.md").read_text(encoding="utf-8")
    for (_name, key, _what, _theirs, _ours) in {**BIBER, **PANDOC}:
        assert key == "-" or f"`{key}`" in docs, key
