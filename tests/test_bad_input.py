"""Bad input gets a clear error: ``path:line: message``, word for word.

Each test writes a small manuscript into a temporary folder (the working
folder, so paths print as users see them) and runs the validation half of a
build, ``check``, which renders nothing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import PNG_1PX, ROOT

from pipeline.bibtex import load_bibliographies, read_bibtex
from pipeline.build import BuildOptions, build, check
from pipeline.errors import PipelineError, Problems
from pipeline.manuscript import load_manuscript

FRONT = {
    "title": '"Platelet-rich plasma for back pain"',
    "version": "1.2.0",
    "status": "draft",
    "last_updated": "2025-09-18",
}


def manuscript(folder: Path, body: str = "Body text.\n", name: str = "m.md",
               **fields: str | None) -> Path:
    """A manuscript whose front matter is FRONT updated with ``fields`` (None drops one)."""
    front = dict(FRONT)
    for key, value in fields.items():
        if value is None:
            front.pop(key, None)
        else:
            front[key] = value
    text = "---\n" + "".join(f"{k}: {v}\n" for k, v in front.items()) + "---\n" + body
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def reported(*paths: Path, strict: bool = False, **options) -> list[str]:
    report = check(list(paths), BuildOptions(strict=strict, bibliography_dir=Path("bibliography"),
                                             **options))
    assert report.internal_errors == []
    return [str(p) for p in report.problems]


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bibliography").mkdir()
    return tmp_path


BIB = """@article{smith2020,
  title = {Platelet-rich plasma for discogenic pain},
  author = {Smith, Jane},
  journal = {Pain Medicine},
  year = {2020},
}
"""


# ------------------------------------------------------------ front matter

def test_yaml_that_does_not_parse_is_reported_at_the_line_of_the_error(work):
    path = work / "m.md"
    path.write_text("---\ntitle: [unclosed\nversion: 1.2.0\n---\nBody.\n", encoding="utf-8")
    assert reported(path) == [
        ("m.md:3: front matter is not valid YAML: did not find expected ',' or ']' "
        "(while parsing a flow sequence that starts at line 2)"),
    ]


def test_yaml_error_in_a_later_field(work):
    path = manuscript(work, status="draft: again")
    assert reported(path) == [
        ("m.md:4: front matter is not valid YAML: mapping values are not allowed in this "
         "context; a value that contains ': ' must be quoted, as in title: \"Iron: what is new\""),
    ]


@pytest.mark.parametrize(("front", "line"), [
    ("\tversion: 1.2.0\n", 3),
    ("version: 1.2.0\nauthors:\n\t- name: Jane Doe\n", 5),
    ("version: 1.2.0\nauthors:\n  - name: Jane Doe\n  \trole: editor\n", 6),
])
def test_a_tab_that_indents_front_matter_says_to_indent_with_spaces(work, front, line):
    path = work / "m.md"
    path.write_text(f'---\ntitle: "T"\n{front}status: draft\n---\nBody.\n', encoding="utf-8")
    assert reported(path) == [
        (f"m.md:{line}: front matter is not valid YAML: a tab indents this line: YAML indents "
         "with spaces; replace the tab with spaces"),
    ]

def test_keywords_must_be_words(work):
    assert reported(manuscript(work, keywords="{a: 1}")) == [
        "m.md:6: 'keywords' must be a list of words or phrases, or one text with commas"]
    assert reported(manuscript(work, keywords="iron, anaemia", subtitle="[1, 2]")) == [
        "m.md:7: 'subtitle' must be text, found [1, 2]"]


def test_a_title_with_a_colon_unquoted_says_to_quote_it(work):
    assert reported(manuscript(work, title="Iron: what is new")) == [
        ("m.md:2: front matter is not valid YAML: mapping values are not allowed in this "
         "context; a value that contains ': ' must be quoted, as in title: \"Iron: what is new\""),
    ]


@pytest.mark.parametrize(("csl", "message"), [
    ("https://www.zotero.org/styles/elsevier-vancouver", None),
    ("http://www.zotero.org/styles/vancuver/",
     ("m.md:6: CSL style 'http://www.zotero.org/styles/vancuver/' is a web address, and styles "
      "are never downloaded (did you mean 'nlm-citation-sequence', 'sage-vancouver', "
      "'universite-de-montreal-nlm-fr-ca'?)")),
    ("https://example.org/styles/house.csl",
     ("m.md:6: CSL style 'https://example.org/styles/house.csl' is a web address, and styles "
      "are never downloaded; give a bundled style name or a .csl file's path")),
])
def test_a_style_given_as_a_web_address(work, csl, message):
    assert reported(manuscript(work, csl=csl)) == ([message] if message else [])


def test_unclosed_quote_points_at_where_it_opened(work):
    path = manuscript(work, title='"no closing quote')
    assert reported(path) == [
        ("m.md:5: front matter is not valid YAML: found unexpected end of stream "
        "(while scanning a quoted scalar that starts at line 2)"),
    ]


def test_no_front_matter(work):
    path = work / "m.md"
    path.write_text("# Just a heading\n\nText.\n", encoding="utf-8")
    assert reported(path) == [
        ("m.md:1: no YAML front matter: the file must start with a line '---', then title, "
        "version, status and last_updated, then a closing '---'"),
    ]


def test_empty_file_has_no_front_matter(work):
    path = work / "m.md"
    path.write_bytes(b"")
    assert reported(path) == [
        ("m.md:1: no YAML front matter: the file must start with a line '---', then title, "
        "version, status and last_updated, then a closing '---'"),
    ]


def test_toml_front_matter_says_to_write_it_as_yaml(work):
    path = work / "m.md"
    path.write_text('+++\ntitle = "T"\nversion = "1.0.0"\n+++\n\nText.\n', encoding="utf-8")
    assert reported(path) == [
        ("m.md:1: front matter in TOML ('+++', as Hugo writes it) is not read: write it as "
         "YAML, between lines '---' instead of line 1 and line 4 ('title: \"...\"' for "
         "'title = \"...\"')"),
    ]


def test_front_matter_never_closed(work):
    path = work / "m.md"
    path.write_text("---\ntitle: T\nversion: 1.0.0\n\nBody.\n", encoding="utf-8")
    assert reported(path) == [
        "m.md:1: front matter is not closed: add a line '---' after its last field",
    ]


def test_front_matter_that_is_not_a_mapping(work):
    path = work / "m.md"
    path.write_text("---\n- title\n- version\n---\nBody.\n", encoding="utf-8")
    assert reported(path) == [
        "m.md:2: front matter must be a mapping of 'field: value' lines",
    ]


@pytest.mark.parametrize("field", ["title", "version", "status", "last_updated"])
def test_required_field_missing(work, field):
    assert reported(manuscript(work, **{field: None})) == [
        f"m.md:1: required field '{field}' is missing",
    ]


def test_misspelled_field_is_a_warning_naming_the_close_match(work):
    path = manuscript(work, last_updated=None, last_update="2025-09-18")
    assert reported(path) == [
        "m.md:5: warning: unknown field 'last_update' (did you mean 'last_updated'?)",
        "m.md:1: required field 'last_updated' is missing (is 'last_update' a misspelling of it?)",
    ]


def test_an_unknown_field_says_what_becomes_of_it_and_what_to_do(work):
    assert reported(manuscript(work, owner="Dr X")) == [
        ("m.md:6: warning: unknown field 'owner': no output shows it; remove it (a note for the "
        "editors goes in an HTML comment)")]


def test_a_sites_fields_are_one_warning_and_tags_is_no_misspelling_of_status(work):
    said = ("of a site or notes app (Jekyll, Hugo, Pelican, Zola, Obsidian, Dendron) {} not "
            "used: no output of a handout shows {}; remove {} (its dates are last_updated and "
            "next_review)")
    assert reported(manuscript(work, layout="post", tags="[knee]", permalink="/knee/")) == [
        "m.md:6: warning: fields 'layout', 'tags', 'permalink' " + said.format("are", "them",
                                                                              "them")]
    assert reported(manuscript(work, tags="[knee]")) == [
        "m.md:6: warning: field 'tags' " + said.format("is", "it", "it")]


def test_an_invisible_character_in_a_field_name_is_named_and_the_field_read(work):
    path = manuscript(work, title=None, **{"ti\u200btle": '"Knee pain"', "\u2060status": "final"})
    assert reported(path) == [
        ("m.md:5: warning: the field name holds an invisible U+200B (zero width space) at its "
         "character 3: read as 'title'; remove it"),
        ("m.md:6: field 'status' is given twice (first at line 3; this name holds an invisible "
         "U+2060 (word joiner))"),
    ]
    path.write_text(path.read_text().replace("\u2060status: final\n", ""))
    assert load_manuscript(path, Path("bibliography"))[0].title == "Knee pain"


def test_unknown_field_alone_is_only_a_warning(work):
    report = check([manuscript(work, reviwers="[]")], BuildOptions())
    assert [str(p) for p in report.problems] == [
        "m.md:6: warning: unknown field 'reviwers' (did you mean 'reviewers'?)",
    ]
    assert report.ok


def test_version_that_is_not_semantic(work):
    assert reported(manuscript(work, version="1.2")) == [
        "m.md:3: 'version' must be a semantic version such as 1.2.0, found '1.2'",
    ]


def test_status_not_allowed_lists_the_allowed_values(work):
    assert reported(manuscript(work, status="aproved", reviewers="[Dr. Reviewer]")) == [
        ("m.md:4: 'status' must be one of draft, submitted, under-review, approved, retired; "
        "found 'aproved' (did you mean 'approved'?)"),
    ]


@pytest.mark.parametrize("value", ["18/09/2025", "September 2025", "2025-9-18"])
def test_dates_that_are_not_iso(work, value):
    assert reported(manuscript(work, last_updated=value)) == [
        f"m.md:5: 'last_updated' must be an ISO date (YYYY-MM-DD), found '{value}'",
    ]


@pytest.mark.parametrize(("value", "why"), [
    ("2026-02-30", "February 2026 has no day 30 (it has 28 days)"),
    ("2024-02-30", "February 2024 has no day 30 (it has 29 days)"),
    ("2025-04-31", "April 2025 has no day 31 (it has 30 days)"),
    ("2025-01-00", "January 2025 has no day 0 (it has 31 days)"),
    ("2025-13-01", "there is no month 13"),
])
def test_impossible_dates_are_named_as_such(work, value, why):
    assert reported(manuscript(work, last_updated=value)) == [
        f"m.md:5: 'last_updated' {value} does not exist: {why}",
    ]


def test_last_updated_in_the_future_and_review_before_it(work, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1760000000")  # 2025-10-09
    path = manuscript(work, last_updated="2062-11-20", next_review="2025-01-01")
    assert reported(path) == [
        "m.md:5: 'last_updated' 2062-11-20 is after today, 2025-10-09 (SOURCE_DATE_EPOCH)",
        "m.md:6: 'next_review' 2025-01-01 is before 'last_updated' 2062-11-20",
    ]


@pytest.mark.parametrize(("review", "expected"), [
    ("2025-11-09", []),
    ("2025-11-08", [("m.md:6: warning: review due in 30 days: next_review 2025-11-08 "
                    "(today is 2025-10-09)")]),
    ("2025-10-10", [("m.md:6: warning: review due in 1 day: next_review 2025-10-10 "
                    "(today is 2025-10-09)")]),
    ("2025-10-09", ["m.md:6: warning: review due today: next_review 2025-10-09"]),
    ("2025-10-01", [("m.md:6: warning: review overdue: next_review 2025-10-01 is before "
                    "today, 2025-10-09")]),
])
def test_a_review_due_soon_is_a_warning_in_check(work, monkeypatch, review, expected):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1760000000")  # 2025-10-09
    assert reported(manuscript(work, next_review=review)) == expected


def test_next_review_and_reviewer_dates_are_checked_too(work):
    path = manuscript(work, next_review="2026-9-18",
                      reviewers="[{name: Dr. A, role: Reviewer, date: 2025-09-31}]")
    assert reported(path) == [
        "m.md:6: 'next_review' must be an ISO date (YYYY-MM-DD), found '2026-9-18'",
        ("m.md:7: 'reviewers' entry 1: date 2025-09-31 does not exist: September 2025 has no "
        "day 31 (it has 30 days)"),
    ]


def test_unknown_audience(work):
    assert reported(manuscript(work, audiences="[clinician, patients]")) == [
        ("m.md:6: unknown audience 'patients'; expected one of clinician, patient "
        "(did you mean 'patient'?)"),
    ]


def test_thousands_of_unknown_audiences_are_counted_not_listed(work):
    audiences = ", ".join(f"aud{i}" for i in range(3000))
    assert reported(manuscript(work, audiences=f"[patient, {audiences}, 7]")) == [
        *(f"m.md:6: unknown audience 'aud{i}'; expected one of clinician, patient"
          for i in range(5)),
        "m.md:6: 2,996 more unknown audiences not listed"]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("version", "[1, 2, 0]", ("'version' must be a semantic version such as 1.2.0, "
                             "found '[1, 2, 0]'")),
    ("audiences", "5", ("'audiences' must be a non-empty list such as [clinician, patient], "
                       "found 5")),
    ("lang", "english", "'lang' must be a BCP 47 tag such as en-US or es, found 'english'"),
    ("lang", "en_GB.UTF-8", ("'lang' must be a BCP 47 tag such as en-US or es, found "
                             "'en_GB.UTF-8' (write 'en-GB': a hyphen, as BCP 47 does)")),
    ("bibliography", "{a: b}", ("'bibliography' must be a list of .bib, .json or .yaml files "
                                "such as [refs.bib], found {'a': 'b'}")),
    ("status", "[draft]", ("'status' must be one of draft, submitted, under-review, approved, "
                           "retired; found ['draft'] (did you mean 'draft'?)")),
    ("authors", "7", "'authors' must be a list of {name: ..., role: ...}, found int"),
    ("slug", "'Bad Slug'", ("slug must be lower-case letters, digits, '.', '_' or '-', "
                           "found 'Bad Slug' (such as 'bad-slug')")),
    ("canonical_url", "ftp://example.org/x",
     "'canonical_url' must be an http(s) address, found 'ftp://example.org/x'"),
    ("canonical_url", "https://...",
     ("'canonical_url' must be an http(s) address, found 'https://...' (its host '...' is not "
      "a host name: write the address readers will open)")),
])
def test_field_of_the_wrong_type(work, field, value, message):
    line = {"version": 3, "status": 4}.get(field, 6)
    assert reported(manuscript(work, **{field: value})) == [f"m.md:{line}: {message}"]


def test_title_that_is_not_text(work):
    assert reported(manuscript(work, title="[a, b]")) == [
        "m.md:2: 'title' must be text, found ['a', 'b']"]


QUOTE_IT = ': put it in quotes to keep it as written, {}: "..."'


@pytest.mark.parametrize(("field", "value", "found"), [
    ("title", "2025-01-01", "a date (2025-01-01)" + QUOTE_IT.format("title")),
    ("title", "1.10", "a number (1.1)" + QUOTE_IT.format("title")),
    ("title", "yes", "a yes/no value (true)" + QUOTE_IT.format("title")),
    ("subtitle", "2020", "a number (2020)" + QUOTE_IT.format("subtitle")),
    ("title", "!!binary aGVsbG8=", "binary data (a !!binary value)"),
])
def test_a_title_yaml_reads_as_a_date_or_number_says_so_in_words(work, field, value, found):
    line = 2 if field == "title" else 6
    assert reported(manuscript(work, **{field: value})) == [
        f"m.md:{line}: '{field}' must be text, found {found}"]


def test_field_given_twice(work):
    path = manuscript(work, body="Body.\n")
    text = path.read_text().replace("status: draft\n", "status: draft\nstatus: approved\n")
    path.write_text(text)
    assert reported(path) == ["m.md:5: field 'status' is given twice (first at line 4)"]


def test_yaml_aliases_are_refused(work):
    path = manuscript(work, authors="&people [{name: Dr. A}]", reviewers="*people")
    assert reported(path) == [
        ("m.md:6: front matter repeats this value through a YAML anchor and alias (&name, "
        "*name); write each value out"),
    ]


def test_billion_laughs_is_refused_at_once(work, monkeypatch):
    import pipeline.frontmatter

    def walked(_node):  # a walk of the value would visit every copy: a billion nodes
        raise AssertionError("the value's depth was walked before its aliases were refused")

    monkeypatch.setattr(pipeline.frontmatter, "_too_deep", walked)
    fields = {"a0": '&a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'}
    for i in range(1, 9):
        fields[f"a{i}"] = f"&a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]"
    path = manuscript(work, **fields, keywords="*a8")
    problems = reported(path)
    assert len(problems) == 1
    assert problems[0].endswith(": front matter repeats this value through a YAML anchor and "
                                "alias (&name, *name); write each value out")


def test_every_front_matter_problem_at_once(work):
    path = manuscript(work, version="1.2", status="final", last_updated="yesterday",
                      audiences="[nurse]", csl="vancuver")
    assert reported(path) == [
        "m.md:3: 'version' must be a semantic version such as 1.2.0, found '1.2'",
        ("m.md:4: 'status' must be one of draft, submitted, under-review, approved, retired; "
        "found 'final'"),
        "m.md:5: 'last_updated' must be an ISO date (YYYY-MM-DD), found 'yesterday'",
        "m.md:6: unknown audience 'nurse'; expected one of clinician, patient",
        ("m.md:7: unknown CSL style 'vancuver' (did you mean 'nlm-citation-sequence', "
        "'sage-vancouver', 'universite-de-montreal-nlm-fr-ca'?)"),
    ]


def test_approved_without_reviewers(work):
    assert reported(manuscript(work, status="approved")) == [
        ("m.md:4: status is 'approved' but no reviewers are listed; add "
        "'reviewers: [{name: ..., role: ..., date: ...}]'"),
    ]


def test_approved_with_reviewers_is_fine(work):
    path = manuscript(work, status="approved",
                      reviewers="[{name: Dr. A, role: Reviewer, date: 2025-09-17}]")
    assert reported(path) == []


def test_manuscript_that_is_not_utf8_names_the_file(work):
    path = work / "m.md"
    path.write_bytes("---\ntitle: Caf\u00e9 au lait\n".encode("latin-1")
                     + b"version: 1.0.0\nstatus: draft\nlast_updated: 2025-01-01\n---\nx\n")
    assert reported(path) == [
        "m.md:2: not valid UTF-8 (byte 0xe9 at offset 14); save the file as UTF-8",
    ]


@pytest.mark.parametrize(("start", "message"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ("the file is a PNG image, not plain text: put an "
     "image in the text as ![its alt text](file.png)")),
    (b"PK\x03\x04\x14\x00\x06\x00\x08\x00[Content_Types].xml\xb4\x93",
     ("the file is a ZIP archive (a Word .docx, an OpenDocument .odt or an EPUB is one), not "
      "plain text: convert it to Markdown first (pandoc -t markdown -o NAME.md THE-FILE)")),
    (b"{\\rtf1\\ansi\\deff0 {\\fonttbl}", ("the file is a Rich Text document (RTF), not "
     "plain text: convert it to Markdown first (pandoc -t markdown -o NAME.md THE-FILE)")),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", ("the file is a PDF document, not plain text: copy its "
     "text into a Markdown file, or convert the document it was made from")),
])
def test_a_document_of_another_kind_saved_as_md_is_named(work, start, message):
    path = work / "m.md"
    path.write_bytes(start + b"\x00\xff" * 50)
    assert reported(path) == [f"m.md:1: {message}"]


def test_manuscript_with_nul_bytes_is_not_text(work):
    path = work / "m.md"
    path.write_bytes(b"---\ntitle: T\x00\n---\n")
    assert reported(path) == ["m.md:2: contains a NUL byte: not a text file"]


@pytest.mark.parametrize(("character", "message"), [
    ("\x7f", "control character U+007F (DEL) at column 11: remove it"),
    ("\x1b", "control character U+001B (escape) at column 11: remove it"),
    ("\x0c", ("control character U+000C (form feed) at column 11: remove it (a page break "
              "copied from a PDF: write \\newpage for a page break)")),
    ("\x0b", ("control character U+000B (vertical tab) at column 11: remove it (a line break "
              "copied from a word processor: end the line with a backslash for a line break)")),
    ("\x01", "control character U+0001 at column 11: remove it"),
    ("\x85", "control character U+0085 (next line) at column 11: remove it"),
    ("\x9f", "control character U+009F at column 11: remove it"),
    ("\ufffe", "noncharacter U+FFFE at column 11: remove it"),
    ("\ufdd0", "noncharacter U+FDD0 at column 11: remove it"),
    ("\U0010ffff", "noncharacter U+10FFFF at column 11: remove it"),
])
def test_control_characters_are_located_errors_in_check_and_build(work, character, message):
    path = manuscript(work, f"\nText with {character} here.\n")
    assert reported(path) == [f"m.md:8: {message}"]
    report = build([path], BuildOptions(out=work / "dist", use_cache=False, jobs=1))
    assert report.internal_errors == []
    assert [str(p) for p in report.problems] == [f"m.md:8: {message}"]
    assert sorted(p.name for p in (work / "dist").iterdir()) == ["manifest.json"]


def test_a_notebooks_terminal_colour_codes_are_left_out_with_one_warning(work):
    from helpers import epub_text, pdf_pages

    path = manuscript(work, "\n    \x1b[0;31mValueError\x1b[0m: bad dose\n\nRun "
                      "\x1b[1;32mOK\x1b[0m.\n\n    \x1b[2K\x1b[1Adone\n")
    assert reported(path) == [
        ("m.md:8: warning: 6 terminal colour code(s) (ESC[...m, as a notebook's output keeps "
         "them) are left out; also on line(s) 10, 12")]
    report = build([path], BuildOptions(out=work / "dist", use_cache=False, jobs=1,
                                        formats=("pdf", "epub")))
    assert report.internal_errors == [] and report.ok
    pdf, = (work / "dist").glob("*.pdf")
    epub, = (work / "dist").glob("*.epub")
    for text in (" ".join(pdf_pages(pdf)), epub_text(epub)):
        assert "ValueError: bad dose" in text and "Run OK." in text and "\x1b" not in text
        assert "[0m" not in text and "done" in text


def test_control_characters_in_a_bib_field_are_said_at_their_line_and_left_out(work):
    from helpers import epub_text, pdf_pages

    (work / "bibliography" / "refs.bib").write_text(
        "@article{smith2020,\n  title = {Platelet-rich plasma\x0cfor discogenic\n"
        "    pain\x7f},\n  author = {Smith, Jane},\n  journal = {Pain Medicine},\n"
        "  year = {2020},\n}\n", encoding="utf-8")
    path = manuscript(work, "\nText [@smith2020].\n", bibliography="refs.bib")
    report = build([path], BuildOptions(out=work / "dist", use_cache=False, jobs=1,
                                        formats=("pdf", "epub")))
    assert report.internal_errors == []
    assert [str(p) for p in report.problems] == [
        ("bibliography/refs.bib:2: warning: entry 'smith2020': field 'title' holds a control "
         "character U+000C (form feed), which no reader can see: read as a space; remove it "
         "from the file"),
        ("bibliography/refs.bib:3: warning: entry 'smith2020': field 'title' holds a control "
         "character U+007F (DEL), which no reader can see: left out; remove it from the file"),
    ]
    pdf, = (work / "dist").glob("*.pdf")
    epub, = (work / "dist").glob("*.epub")
    for text in (" ".join(" ".join(pdf_pages(pdf)).split()), " ".join(epub_text(epub).split())):
        assert "Platelet-rich plasma for discogenic pain" in text


def test_tabs_line_ends_and_other_invisible_characters_are_text(work):
    path = manuscript(work, "Tab\there,\r\nnbsp\u00a0and\u2028separator, soft\u00adhyphen.\r\n")
    assert reported(path) == []


def test_a_line_separator_in_front_matter_is_a_space_and_later_lines_stay_right(work):
    """YAML ends a line at U+2028: the title would be cut and every later line be off."""
    path = manuscript(work, title='Knee\u2028pain', status="final\u2029")
    assert reported(path) == [
        ("m.md:2: warning: line separator U+2028 at column 12 is read as a space (YAML would "
         "end the line there): remove it"),
        ("m.md:4: warning: paragraph separator U+2029 at column 14 is read as a space (YAML "
         "would end the line there): remove it"),
        ("m.md:4: 'status' must be one of draft, submitted, under-review, approved, retired; "
         "found 'final'"),
    ]
    loaded, _ = load_manuscript(manuscript(work, title='"Knee\u2028pain"', name="n.md"),
                                Path("bibliography"))
    assert loaded.title == "Knee pain"


def test_every_control_character_is_reported_up_to_a_limit(work):
    path = manuscript(work, "\x7f\x7f\n" * 15 + "\x1b\n", title='"T\x0c"')
    problems = reported(path)
    assert problems[:3] == [
        ("m.md:2: control character U+000C (form feed) at column 10: remove it (a page break "
        "copied from a PDF: write \\newpage for a page break)"),
        "m.md:7: control character U+007F (DEL) at column 1: remove it",
        "m.md:7: control character U+007F (DEL) at column 2: remove it",
    ]
    assert len(problems) == 21
    assert problems[-1] == "m.md: 12 more control characters or noncharacters not listed"


def test_a_failure_without_a_problem_cannot_be_raised():
    with pytest.raises(ValueError, match="needs at least one problem"):
        raise PipelineError([])


def test_a_character_no_font_draws_is_named_even_when_invisible(work):
    from types import SimpleNamespace

    from pipeline.formats.pdf import _font_problems
    from pipeline.formats.tagged_pdf import FontReport

    path = manuscript(work)
    doc = SimpleNamespace(manuscript=SimpleNamespace(path=path))
    problems = _font_problems(doc, FontReport(missing={"\x7f"}), ROOT / "styles")
    assert [str(p) for p in problems] == [
        "m.md: character U+007F is in none of the project's fonts: remove it"]
    problems = _font_problems(doc, FontReport(missing={"\x7f", "\x1b"}), ROOT / "styles")
    assert [str(p) for p in problems] == [
        "m.md: characters U+001B, U+007F are in none of the project's fonts: remove them"]


def test_huge_manuscript_is_refused_before_reading(work):
    path = manuscript(work, body="word " * (120 * 1024))
    assert reported(path) == [
        ("m.md: manuscript is 600 KiB, more than the 512 KiB a handout may have: split it "
         "into handouts, or move long tables and data to files it links to")]


def test_huge_front_matter(work):
    path = manuscript(work, summary="x" * (300 * 1024))
    assert reported(path) == [
        "m.md:2: front matter larger than 256 KiB: move long text from its fields into the body"]


# ------------------------------------------------------------ bibliography

def test_bibliography_file_that_does_not_exist(work):
    path = manuscript(work, "See [@smith2020].\n", bibliography="[refs.bib]")
    assert reported(path) == [
        "m.md:6: bibliography file 'refs.bib' not found (looked in ./ and bibliography/)",
    ]


def test_bibliography_in_the_shared_folder_is_found(work):
    (work / "bibliography" / "refs.bib").write_text(BIB)
    assert reported(manuscript(work, "See [@smith2020].\n", bibliography="[refs.bib]")) == []


BROKEN_BIB = """@article{unclosed2019,
  title = {Never closed},
  year = {2019},

@article{good2021,
  title = {Read after the broken entry},
  author = {Good, Anne},
  year = {2021},
}

@book{,
  title = {No key},
}

@article{twice2018,
  title = {First},
  year = {2018},
  title = {Second},
}

@misc{after2022,
  title = {Also fine},
  year = {2022},
}
"""


def test_broken_entries_are_reported_where_they_start_and_later_entries_stay_usable(work):
    (work / "refs.bib").write_text(BROKEN_BIB)
    body = "Good [@good2021] and after [@after2022].\n\nBroken [@unclosed2019].\n"
    path = manuscript(work, body, bibliography="[refs.bib]")
    assert reported(path) == [
        ("refs.bib:1: entry 'unclosed2019' is not closed: its '{' has no matching '}' before "
        "the next entry"),
        "refs.bib:11: warning: entry @book has no citation key: write @book{key, ...}",
        ("refs.bib:18: warning: entry 'twice2018': field 'title' is given again (first at "
         "line 16); the first value is kept"),
        "m.md:10: citation '@unclosed2019': its entry could not be read (see refs.bib:1)",
    ]
    problems = Problems()
    assert [e.key for e in read_bibtex(work / "refs.bib", problems).entries] == [
        "good2021", "twice2018", "after2022"]


@pytest.mark.parametrize(("text", "message"), [
    ("@article{a1,\n  title = {A}\n  year = 2020\n}\n",
     "x.bib:2: entry 'a1': missing ',' after field 'title'"),
    ('@article{a1,\n  title = "open}\n}\n@book{b1, title={B}}\n',
     "x.bib:2: entry 'a1': the value of field 'title' is not closed"),
    ("@article{a1,\n  title = {A},\n  ??? \n}\n",
     "x.bib:3: entry 'a1': expected 'field = value', found '???'"),
    ("@article(a1,\n  title = {A},\n\n@book{b1, title={B}}\n",
     "x.bib:1: entry 'a1' is not closed: its '(' has no matching ')' before the next entry"),
])
def test_other_broken_entries(work, text, message):
    (work / "x.bib").write_text(text)
    problems = Problems()
    read_bibtex(work / "x.bib", problems)
    assert [str(p) for p in problems.items] == [message]


def test_huge_entry_is_refused_and_the_others_stay_usable(work):
    huge = "@article{huge2020,\n  abstract = {" + "word " * 14000 + "},\n}\n\n"
    (work / "refs.bib").write_text(huge + BIB)
    path = manuscript(work, "See [@smith2020] and [@huge2020].\n", bibliography="[refs.bib]")
    assert reported(path) == [
        "refs.bib:1: entry 'huge2020' is 68 KiB, more than the 64 KiB an entry may have",
        "m.md:8: citation '@huge2020': its entry could not be read (see refs.bib:1)",
    ]


def test_string_expansion_bomb_is_refused_without_expanding_it(work):
    strings = ['@string{s0 = "lol"}'] + [f"@string{{s{i} = s{i - 1} # s{i - 1}}}"
                                          for i in range(1, 41)]
    (work / "refs.bib").write_text("\n".join(strings) + "\n" + BIB.replace(
        "{Pain Medicine}", "s40"))
    path = manuscript(work, "See [@smith2020].\n", bibliography="[refs.bib]")
    assert reported(path) == [
        ("refs.bib:16: warning: @string 's15' expands to 96 KiB, more than the 64 KiB an "
         "entry may have"),
        "refs.bib:42: entry 'smith2020': field 'journal' uses @string 's40', which is too large",
        "m.md:8: citation '@smith2020': its entry could not be read (see refs.bib:42)",
    ]


def test_same_key_in_two_files_of_one_manuscript(work):
    (work / "a.bib").write_text(BIB)
    (work / "b.bib").write_text("\n" + BIB.replace("Platelet", "Another"))
    path = manuscript(work, "See [@smith2020].\n", bibliography="[a.bib, b.bib]")
    assert reported(path) == [
        "b.bib:2: warning: key 'smith2020' is already defined at a.bib:1; that entry is used"]
    problems = Problems()
    entries = load_bibliographies((work / "a.bib", work / "b.bib"), problems)
    assert entries["smith2020"].path == work / "a.bib"


def test_bibtex_that_is_not_utf8_is_read_as_windows_1252_with_a_warning(work):
    (work / "refs.bib").write_bytes(BIB.replace("Jane", "Jos\u00e9").encode("latin-1"))
    path = manuscript(work, "See [@smith2020].\n", bibliography="[refs.bib]")
    assert reported(path) == [
        ("refs.bib:3: warning: not valid UTF-8 (byte 0xe9 at offset 96); the file is read as "
        "Windows-1252 (Latin-1): save it as UTF-8 if any letter looks wrong")]
    problems = Problems()
    entries = load_bibliographies((work / "refs.bib",), problems)
    assert "Jos\u00e9" in entries["smith2020"].field("author")


# ------------------------------------------------------------ citations and styles

def test_citation_without_entry_names_its_line_and_the_close_keys(work):
    (work / "refs.bib").write_text(BIB)
    body = "Known [@smith2020].\n\nA typo [@smtih2020, p. 4] and\nnarrative @smith2021 here.\n"
    path = manuscript(work, body, bibliography="[refs.bib]")
    assert reported(path) == [
        ("m.md:10: citation '@smtih2020' has no entry in the bibliography "
        "(did you mean 'smith2020'?)"),
        ("m.md:11: citation '@smith2021' has no entry in the bibliography "
        "(did you mean 'smith2020'?)"),
    ]


def test_thousands_of_citations_without_entries_are_counted_after_twenty(work):
    """Each listed one is compared with every entry for a hint: 5,000 took minutes."""
    (work / "refs.bib").write_text(BIB)
    keys = "; ".join(f"@gone{i}" for i in range(1500))
    problems = reported(manuscript(work, f"Text.\n\nMany [{keys}].\n",
                                   bibliography="[refs.bib]"))
    assert problems == [
        *(f"m.md:10: citation '@gone{i}' has no entry in the bibliography" for i in range(20)),
        ("m.md:10: 1,480 more citations have no entry in the bibliography, from '@gone20' on "
         "(not listed)")]


def test_citation_without_any_bibliography(work):
    assert reported(manuscript(work, "Text [@smith2020].\n")) == [
        ("m.md:7: citation '@smith2020' has no entry in the bibliography; the front matter "
        "names no 'bibliography'"),
    ]


def test_a_citation_pandoc_ends_early_is_reported_at_its_line(work):
    # pandoc reads "@j---ones2019" as the key "j" followed by text
    assert reported(manuscript(work, "Intro.\n\nText [@j---ones2019].\n")) == [
        ("m.md:9: citation '@j' has no entry in the bibliography; the front matter "
         "names no 'bibliography'"),
    ]


def test_unknown_style_names_the_close_styles(work):
    assert reported(manuscript(work, csl="american-medical-asociation")) == [
        ("m.md:6: unknown CSL style 'american-medical-asociation' (did you mean "
        "'american-medical-association', 'american-medical-association-no-url', "
        "'american-medical-association-no-et-al'?)"),
    ]


def test_unknown_style_and_missing_citation_in_one_run(work):
    path = manuscript(work, "Text [@nobody].\n", csl="vancuver")
    assert reported(path) == [
        ("m.md:6: unknown CSL style 'vancuver' (did you mean 'nlm-citation-sequence', "
        "'sage-vancouver', 'universite-de-montreal-nlm-fr-ca'?)"),
        ("m.md:8: citation '@nobody' has no entry in the bibliography; the front matter "
        "names no 'bibliography'"),
    ]


def test_style_file_that_does_not_exist(work):
    assert reported(manuscript(work, csl="styles/mine.csl")) == [
        "m.md:6: CSL file 'styles/mine.csl' not found (looked for styles/mine.csl)",
    ]


@pytest.mark.parametrize(("xml", "message"), [
    (('<?xml version="1.0"?>\n<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0">\n'
     "  <info><title>Broken</title>\n</style>\n"),
     ("mine.csl:4: CSL file is not valid XML: Opening and ending tag mismatch: info line 3 and "
     "style, line 4, column 9")),
    ("<html><body>Not a style</body></html>\n",
     ("mine.csl:1: not a CSL style: the root element is <html>, expected <style> in the CSL "
     "namespace")),
    (('<?xml version="1.0"?>\n<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0">\n'
     "  <info><title>No citation</title></info>\n</style>\n"),
     "mine.csl:2: not a usable CSL style: it has no <citation> with a <layout>"),
    (('<?xml version="1.0"?>\n<!DOCTYPE style [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
     '<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0">\n'
     '  <citation><layout><text value="&e;"/></layout></citation>\n</style>\n'),
     ("mine.csl:4: CSL file is not valid XML: Attribute references external entity 'e', "
     "line 4, column 37")),
])
def test_style_file_that_is_not_valid(work, xml, message):
    (work / "mine.csl").write_text(xml)
    assert reported(manuscript(work, csl="mine.csl")) == [message]


def _style(layout: str, macros: str = "") -> str:
    return ('<?xml version="1.0"?>\n<style xmlns="http://purl.org/net/xbiblio/csl" '
            'class="in-text" version="1.0">\n  <info><title>Mine</title><id>mine</id>'
            f'<updated>2025-01-01T00:00:00+00:00</updated></info>\n{macros}'
            f'  <citation><layout>{layout}</layout></citation>\n</style>\n')


@pytest.mark.parametrize(("xml", "message"), [
    (_style('<text variable="title" text-case="sideways"/>'),
     ('mine.csl:4: not a valid CSL style: <text text-case="sideways">: CSL does not allow '
      "text-case here, or not this value")),
    (_style('<text variable="title"/><bogus/>'),
     "mine.csl:4: not a valid CSL style: <bogus> is not allowed here"),
    (_style('<date variable="issued" form="weird"/>'),
     ("mine.csl:4: not a valid CSL style: <date> holds an element, or an attribute value, "
      "that CSL does not allow there")),
    (_style('<text macro="a"/>', '  <macro name="a"><text macro="b"/></macro>\n'
            '  <macro name="b"><text macro="a"/></macro>\n'),
     "mine.csl:4: not a usable CSL style: macro 'a' calls itself (a -> b -> a)"),
    (_style('<text macro="author"/>'),
     "mine.csl:4: not a usable CSL style: macro 'author' is used but never defined"),
])
def test_a_style_citeproc_cannot_run_is_reported_at_its_line(work, xml, message):
    (work / "mine.csl").write_text(xml)
    assert reported(manuscript(work, csl="mine.csl")) == [message]


# ------------------------------------------------------------ body

def test_image_that_does_not_exist(work):
    assert reported(manuscript(work, "Text.\n\n![An injection](needle.png)\n")) == [
        "m.md:9: image 'needle.png' not found",
    ]


def test_image_without_alt_text(work):
    (work / "needle.png").write_bytes(PNG_1PX)
    assert reported(manuscript(work, "Text.\n\n![](needle.png)\n")) == [
        "m.md:9: image 'needle.png' has no alt text: write ![what the image shows](needle.png)",
    ]


def test_raw_html_image_without_alt_text(work):
    (work / "needle.png").write_bytes(PNG_1PX)
    assert reported(manuscript(work, 'Text.\n\n<img src="needle.png">\n')) == [
        "m.md:9: raw <img> has no alt text",
    ]


@pytest.mark.parametrize("body", [
    "<div>" * 60 + "Deep." + "</div>" * 60,  # deeper than the stages walk
    "> " * 1500 + "Deep.",  # deeper than JSON is read
])
def test_body_nested_too_deeply(work, body):
    assert reported(manuscript(work, body + "\n")) == [
        ("m.md:7: the Markdown body nests quotes, lists or divs too deeply (about 40 levels inside "
        "each other at most)"),
    ]


def test_audience_block_for_an_audience_the_manuscript_does_not_list(work):
    body = "Both.\n\n::: {audience=\"patient\"}\nPatients only.\n:::\n"
    assert reported(manuscript(work, body)) == [
        ("m.md:9: audience block for 'patient', which the front matter does not list "
        "(audiences: clinician)"),
    ]


def test_audience_block_with_a_typo(work):
    body = "Both.\n\n::: {audience=\"patinet\"}\nPatients only.\n:::\n"
    path = manuscript(work, body, audiences="[clinician, patient]")
    assert reported(path) == [
        ("m.md:10: audience block for 'patinet', which the front matter does not list "
        "(audiences: clinician, patient) (did you mean 'patient'?)"),
    ]


def test_audience_span_for_an_audience_the_manuscript_does_not_list(work):
    body = "Both [only nurses]{audience=\"nurse\"} and [typo]{audience=patinet}.\n"
    path = manuscript(work, body, audiences="[clinician, patient]")
    assert reported(path) == [
        ("m.md:8: audience span for 'nurse', which the front matter does not list "
         "(audiences: clinician, patient)"),
        ("m.md:8: audience span for 'patinet', which the front matter does not list "
         "(audiences: clinician, patient) (did you mean 'patient'?)"),
    ]


def test_audience_text_inside_a_block_for_another_audience_is_shown_nowhere(work):
    body = ("::: {audience=\"clinician\"}\nFor doctors.\n:::\n\n"
            "::: {audience=\"patient\"}\nFor patients [but doctors]{audience='clinician'}.\n\n"
            "::: {audience=\"clinician\"}\nNested conflict.\n:::\n\n"
            "::: {audience=\"clinician, patient\"}\nBoth, so patients.\n"
            "[Here too]{audience=patient} [not here]{audience=clinician}\n:::\n:::\n")
    path = manuscript(work, body, audiences="[clinician, patient]")
    assert reported(path) == [
        "m.md:13: this text is for clinician inside a block for patient: no edition shows it",
        "m.md:15: this text is for clinician inside a block for patient: no edition shows it",
        "m.md:21: this text is for clinician inside a block for patient: no edition shows it",
    ]


def test_every_problem_of_a_run_across_files(work):
    (work / "refs.bib").write_text(BIB + "@book{nokey,\n  title = {Unclosed},\n")
    first = manuscript(work, "See [@smith2020] and [@smyth2020].\n\n![](gone.png)\n",
                       name="first.md", bibliography="[refs.bib]")
    second = manuscript(work, name="second.md", version="2", status="approved")
    assert reported(first, second) == [
        "second.md:3: 'version' must be a semantic version such as 1.2.0, found '2'",
        ("second.md:4: status is 'approved' but no reviewers are listed; add "
        "'reviewers: [{name: ..., role: ..., date: ...}]'"),
        "first.md:10: image 'gone.png' has no alt text: write ![what the image shows](gone.png)",
        "first.md:10: image 'gone.png' not found",
        ("refs.bib:7: warning: entry 'nokey' is not closed: its '{' has no matching '}' "
        "before the end of the file"),
        ("first.md:8: citation '@smyth2020' has no entry in the bibliography "
        "(did you mean 'smith2020'?)"),
    ]


LONG = "n" * 300  # longer than a file name may be


def test_names_too_long_for_the_file_system_in_front_matter(work):
    path = manuscript(work, bibliography=f"[{LONG}.bib]", csl=f"{LONG}.csl")
    assert reported(path) == [
        f"m.md:6: bibliography file '{LONG}.bib' not found (looked in ./ and bibliography/)",
        f"m.md:7: CSL file '{LONG}.csl' not found (looked for {LONG}.csl)",
    ]


@pytest.mark.parametrize(("name", "slug", "advice"), [
    ("k" * 230 + ".md", None, "set a shorter 'slug:' in the front matter or rename the file"),
    ("m.md", "s" * 201, "write a shorter one"),
])
def test_a_slug_too_long_to_name_its_files_is_found_by_check(work, name, slug, advice):
    """Not by a build that fails writing 'SLUG.clinician.epub' (File name too long)."""
    path = manuscript(work, name=name, **({"slug": slug} if slug else {}))
    length = len(slug or name[:-3])
    assert reported(path) == [
        (f"{name}:{6 if slug else 1}: slug is {length} characters long, at most 200: the "
         f"names of its files (SLUG.clinician.epub) must fit the file system's 255; {advice}")]


def test_names_too_long_for_the_file_system_in_the_body(work):
    path = manuscript(work, f"![Chart]({LONG}.png)\n\n<img src='{LONG}.svg' alt='Chart'>\n")
    expected = [f"m.md:7: image '{LONG}.png' not found", f"m.md:9: image '{LONG}.svg' not found"]
    assert reported(path) == expected
    report = build([path], BuildOptions(out=work / "dist", use_cache=False, jobs=1))
    assert report.internal_errors == []
    assert [str(p) for p in report.problems] == expected


# ------------------------------------------------------------ templates

@pytest.fixture
def styles_copy(work: Path) -> Path:
    target = work / "styles"
    shutil.copytree(ROOT / "styles", target)
    return target


def _insert_template_line(styles: Path, text: str, at: int = 3) -> None:
    template = styles / "templates" / "print.html.j2"
    lines = template.read_text().split("\n")
    lines.insert(at - 1, text)
    template.write_text("\n".join(lines))


@pytest.mark.parametrize(("line", "message"), [
    ("<title>{{ title }</title>", "template error: unexpected '}'"),
    ("{% for x in %}{% endfor %}", "template error: Expected an expression, got 'end of statement block'"),
    ("{{ title | no_such_filter }}", "template error: No filter named 'no_such_filter'."),
    ("<meta name=\"x\" content=\"{{ no_such_value }}\">",
     "template error: 'no_such_value' is undefined"),
])
def test_template_error_names_the_template_and_its_line(work, styles_copy, line, message):
    _insert_template_line(styles_copy, line)
    path = manuscript(work)
    report = build([path], BuildOptions(out=work / "dist", styles=styles_copy, formats=("pdf",),
                                        use_cache=False, jobs=1))
    assert report.internal_errors == []
    assert [str(p) for p in report.problems] == [
        f"styles/templates/print.html.j2:3: {message}"]
    assert sorted(p.name for p in (work / "dist").iterdir()) == ["manifest.json"]


# ------------------------------------------------------------ from the command line

BAD = ROOT / "tests" / "fixtures" / "bad"


def test_command_line_reports_every_fixture_without_a_traceback():
    result = subprocess.run([sys.executable, "-m", "pipeline", "check", "-q", "tests/fixtures/bad"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == (BAD / "expected.txt").read_text().splitlines()
    assert result.stdout == ""


def test_control_characters_in_a_csl_json_item_are_said_at_its_line_and_left_out(work):
    from helpers import pdf_pages

    (work / "bibliography" / "refs.json").write_text(
        '[\n  {"id": "lee2020", "type": "article-journal",\n'
        '   "title": "Platelet-rich plasma\\ffor discogenic pain\\u007f",\n'
        '   "author": [{"family": "Lee\\u0007", "given": "Ann"}], "issued": "2020"}\n]\n',
        encoding="utf-8")
    path = manuscript(work, "\nText [@lee2020].\n", bibliography="refs.json")
    report = build([path], BuildOptions(out=work / "dist", use_cache=False, jobs=1,
                                        formats=("pdf",)))
    assert report.internal_errors == []
    said = "which no reader can see"
    assert [str(p) for p in report.problems] == [
        (f"bibliography/refs.json:3: warning: item 'lee2020': 'title' holds a control "
         f"character U+000C (form feed), {said}: read as a space; remove it from the file"),
        (f"bibliography/refs.json:3: warning: item 'lee2020': 'title' holds a control "
         f"character U+007F (DEL), {said}: left out; remove it from the file"),
        (f"bibliography/refs.json:4: warning: item 'lee2020': 'author' holds a control "
         f"character U+0007 (bell), {said}: left out; remove it from the file"),
    ]
    pdf, = (work / "dist").glob("*.pdf")
    text = " ".join(" ".join(pdf_pages(pdf)).split())
    assert "Lee A. Platelet-rich plasma for discogenic pain" in text


def test_a_yaml_block_in_the_body_is_not_read_and_says_so_at_its_line(work):
    path = manuscript(work, "Text.\n\n```\n---\nnot: yaml\n---\n```\n\n---\n"
                            "reviewers: [{name: Ben, role: Pharmacist, date: 2025-09-01}]\n"
                            "nocite: '@*'\n---\n\nMore text.\n")
    assert reported(path) == [
        ("m.md:15: warning: a YAML block in the body ('nocite', 'reviewers') is not read: a "
         "handout reads its fields from the front matter at the top of the file only; move "
         "them there"),
    ]


def test_a_pandoc_title_block_says_to_write_it_as_yaml(work):
    path = work / "m.md"
    path.write_text("% Knee pain\n% Ana Writer; Ben Reviewer\n% 2025-09-01\n\nText.\n",
                    encoding="utf-8")
    assert reported(path) == [
        ("m.md:1: a pandoc title block ('% title' lines) is not read: write lines 1 to 3 as "
         "YAML front matter, between lines '---': title, version, status and last_updated "
         "(authors as 'authors: [{name: ...}]')"),
    ]


def test_a_footnote_never_called_is_a_warning_at_its_line(work):
    path = manuscript(work, "Text[^Used] and `[^Code]`.\n\n```\n[^Fenced]: not a note\n```\n\n"
                            "[^used]: Called, in another case.\n\n[^Dose]: Never called.\n")
    assert reported(path) == [
        ("m.md:15: warning: footnote [^Dose] is never called, so its text is left out: write "
         "[^Dose] where it belongs, or delete the note"),
    ]


def test_two_names_that_look_the_same_are_told_apart(work):
    """'é' as one character (NFC) and as 'e' with a combining accent (NFD): two files."""
    import unicodedata

    from helpers import run_cli

    names = [unicodedata.normalize(form, "cadera-é.md") for form in ("NFC", "NFD")]
    for name in names:
        manuscript(work, name=name, slug="cadera")
    told = ("slug 'cadera' is already used by {} (the two names look the same but are written "
            "with other Unicode characters, an accent as a separate mark (NFD) in one of them: "
            "rename one); outputs would overwrite each other")
    shown = sorted(names)
    assert reported(*(work / name for name in shown)) == [
        f"{shown[1]}:6: {told.format(shown[0])}"]
    status, _out, err = run_cli("build", "-f", "html", "-j", "1", *shown)
    assert status == 1 and f"{shown[1]}:6: {told.format(shown[0])}\n" in err


def test_two_names_that_look_the_same_without_a_slug_say_how_each_is_written(work):
    """Two lines that read the same would be taken for one problem printed twice."""
    import unicodedata

    from helpers import run_cli

    nfc, nfd = (unicodedata.normalize(form, "cadera-é.md") for form in ("NFC", "NFD"))
    for name in (nfc, nfd):
        manuscript(work, name=name)
    status, _out, err = run_cli("check", "-q", nfc, nfd)
    wrong = ("slug must be lower-case letters, digits, '.', '_' or '-', found '{}'; set 'slug: "
             "cadera-e' in the front matter or rename the file")
    assert status == 1
    assert sorted(err.splitlines()) == sorted([
        (f"{nfc}:1: {wrong.format(nfc[:-3])} (this file's name writes 'é' as one character, "
        "U+00E9; another file's name that looks the same writes it as a letter and a separate "
        "accent (NFD): rename one of them)"),
        (f"{nfd}:1: {wrong.format(nfd[:-3])} (this file's name writes 'é' as 'e' and a separate "
        "accent, U+0301 COMBINING ACUTE ACCENT (NFD, as macOS writes names); another file's "
        "name that looks the same writes it as one character: rename one of them)")])


@pytest.mark.parametrize(("name", "hint"), [("-knee.md", "knee"), ("_1.2.md", "1.2")])
def test_a_file_name_that_starts_with_a_dash_or_underscore_says_so(work, name, hint):
    assert reported(manuscript(work, name=name)) == [(
        f"{name}:1: slug must start with a lower-case letter or digit, found '{name[:-3]}'; "
        f"set 'slug: {hint}' in the front matter or rename the file")]


@pytest.mark.parametrize(("name", "hint"), [
    ("Knee Pain (Ávila) v2.md", "knee-pain-avila-v2"),
    ("_Notes.md", "notes"),
])
def test_a_file_name_that_is_no_slug_says_which_slug_to_set(work, name, hint):
    assert reported(manuscript(work, name=name)) == [(
        f"{name}:1: slug must be lower-case letters, digits, '.', '_' or '-', found "
        f"'{name[:-3]}'; set 'slug: {hint}' in the front matter or rename the file")]


def test_multimarkdown_metadata_says_to_write_it_as_yaml(work):
    path = work / "m.md"
    path.write_text("Title: Knee injections\nBase Header Level: 2\nAuthor: Ana Ruiz\n"
                    "  and Ben Ode\n\n# Overview\n", encoding="utf-8")
    assert reported(path) == [
        ("m.md:1: a MultiMarkdown metadata block ('Title: ...' lines) is not read: write lines "
         "1 to 4 as YAML front matter, between lines '---', with its fields in lower case: "
         "title, version, status and last_updated (authors as 'authors: [{name: ...}]')"),
    ]
    path.write_text("Note: a paragraph of text\nthat goes on.\n", encoding="utf-8")
    assert reported(path)[0].startswith("m.md:1: no YAML front matter")
