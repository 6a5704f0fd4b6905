"""Every problem at its own line, on one line, saying what is really wrong.

Mistakes found in real documents: an image written with another dialect's
size, headings with emphasis, a multi-line TeX block, a .bib entry missing a
comma, Vancouver-style author lists.  Each is checked with ``check`` (no
rendering) and the exact message asserted; the names are also read in a web
page build.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import EPOCH, PNG_1PX
from lxml import html as lxml_html

from pipeline.build import BuildOptions, build, check
from pipeline.errors import Problem

FRONT = """---
title: "Messages"
version: 1.0.0
status: draft
last_updated: 2025-09-01
{extra}---

"""


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return tmp_path


def problems_of(path: Path) -> list[str]:
    return [str(p) for p in check([path]).problems]


def test_an_image_is_reported_at_its_line_as_written_with_how_to_size_it(work):
    (work / "box.png").write_bytes(PNG_1PX)
    path = work / "img.md"
    path.write_text(FRONT.format(extra="") + "# Figures\n\n![A red box](box.png =40%x40%)\n\n"
                    "![](my figure.png)\n", encoding="utf-8")
    assert problems_of(path) == [
        ("img.md:10: image 'box.png =40%x40%' not found: everything between the parentheses "
        "is read as the file name; a size goes after them: ![text](box.png){width=40% "
        "height=40%}"),
        ("img.md:12: image 'my figure.png' has no alt text: write ![what the image shows](my "
        "figure.png)"),
        "img.md:12: image 'my figure.png' not found",
    ]


def test_an_image_is_reported_at_its_own_line_not_where_a_sentence_names_its_file(work):
    path = work / "img.md"
    path.write_text(FRONT.format(extra="") + "Plot x.png shows the trend; y.png the ranks.\n\n"
                    "![The trend](x.png)\n\n<img src=\"y.png\" alt=\"The ranks\">\n\n"
                    "See the ![trend][t].\n\n[t]: z.png\n", encoding="utf-8")
    assert problems_of(path) == [
        "img.md:10: image 'x.png' not found",
        "img.md:12: image 'y.png' not found",
        "img.md:16: image 'z.png' not found",
    ]

def test_a_link_to_a_name_with_spaces_is_reported_at_its_line_as_written(work):
    path = work / "links.md"
    path.write_text(FRONT.format(extra="") + "Intro.\n\nSee [the notes](<my notes.pdf>).\n\n"
                    "Or [mine](</home/jane/my notes.pdf>).\n", encoding="utf-8")
    where = sorted(p.split(": warning: ")[0] + ": " + p.split("'")[1] for p in problems_of(path))
    assert where == ["links.md:10: my notes.pdf", "links.md:12: /home/jane/my notes.pdf"]


def test_empty_headings_say_why_at_their_line(work):
    path = work / "h.md"
    path.write_text(FRONT.format(extra="audiences: [clinician, patient]\n")
                    + "# Overview\n\n## Dosing in *adults*\n\n# Details\n\nText.\n\n"
                    "## See the [guideline](https://example.org/g)\n\n"
                    "::: {audience=\"clinician\"}\nOnly for clinicians.\n:::\n", encoding="utf-8")
    # 'Overview' is a part title: its first section follows it at once
    assert problems_of(path) == [
        "h.md:11: warning: the heading 'Dosing in adults' has no text under it",
        ("h.md:17: warning: the heading 'See the guideline' has nothing under it in the "
        "patient edition: its text is all for other audiences"),
    ]


def test_an_empty_body_or_one_heading_alone_is_checked_without_error(work):
    for body in ("", "# Only a heading\n"):
        path = work / "e.md"
        path.write_text(FRONT.format(extra="") + body, encoding="utf-8")
        assert problems_of(path) == ([] if not body else [
            "e.md:8: warning: the heading 'Only a heading' has no text under it"])


def test_a_multi_line_raw_tex_block_is_quoted_on_one_line(work):
    path = work / "tex.md"
    path.write_text(FRONT.format(extra="") + "Text.\n\n\\begin{tabular}{ll}\na & b \\\\\n"
                    "\\end{tabular}\n\nMore.\n", encoding="utf-8")
    assert problems_of(path) == [
        ("tex.md:10: warning: raw TeX '\\begin{tabular}{ll} ...' is left out of the handout: "
        "only \\newpage, \\pagebreak and \\clearpage are understood (write $...$ for math)")]


def test_no_message_spans_lines():
    problem = Problem("m.md", 3, "pandoc says:\n  unexpected '}'\r\n  expecting letter")
    assert str(problem) == "m.md:3: pandoc says: unexpected '}' expecting letter"


BROKEN = """@article{smith2020,
  author = {Smith, John and Doe, Jane},
  title = {Early antibiotics in sepsis}
  journal = {Crit Care},
  year = {2020}
}

@article{jones2019,
  author = {Jones, Alan},
  title = {Lactate at the door},
  journal = {Ann Emerg Med},
  year = {2019}
}
"""


def test_a_broken_entry_is_reported_where_it_breaks_and_its_citation_says_so(work):
    (work / "broken.bib").write_text(BROKEN, encoding="utf-8")
    path = work / "m.md"
    path.write_text(FRONT.format(extra="bibliography: [broken.bib]\n")
                    + "Early antibiotics [@smith2020] and lactate [@jones2019].\n",
                    encoding="utf-8")
    assert problems_of(path) == [
        "broken.bib:3: entry 'smith2020': missing ',' after field 'title'",
        "m.md:9: citation '@smith2020': its entry could not be read (see broken.bib:3)",
    ]


NAMES = """@article{mock2004,
  author = {Mock C, Joshipura M, Arreola-Risa C, Quansah R.},
  title = {Trauma systems},
  journal = {World J Surg},
  year = {2004}
}

@article{rudd2020,
  author = {Rudd KE, Johnson SC, Agesa KM, et al.},
  title = {Sepsis incidence},
  journal = {Lancet},
  year = {2020}
}

@article{odd2021,
  author = {Alpha Beta Gamma, Delta, Epsilon Zeta, Eta},
  title = {Odd names},
  journal = {J Odd},
  year = {2021}
}

@article{fine2022,
  author = {Doe, Jr., Jane and van der Berg, Anna},
  title = {Fine names},
  journal = {J Fine},
  year = {2022}
}
"""


def test_vancouver_author_lists_are_read_as_names_with_a_warning(work):
    (work / "v.bib").write_text(NAMES, encoding="utf-8")
    path = work / "v.md"
    path.write_text(FRONT.format(extra="bibliography: [v.bib]\n")
                    + "Text [@mock2004; @rudd2020; @odd2021; @fine2022].\n", encoding="utf-8")
    expected = [
        ("v.bib:2: warning: entry 'mock2004': field 'author' has 3 commas in one name: it is "
        "read as a list of 4 names (Mock C; Joshipura M; ...); separate names with 'and'"),
        ("v.bib:9: warning: entry 'rudd2020': field 'author' has 3 commas in one name: it is "
        "read as a list of 3 names (Rudd KE; Johnson SC; ...); separate names with 'and'"),
        ("v.bib:16: warning: entry 'odd2021': field 'author' has a name with 3 commas, more than "
        "'Family, Jr, Given' allows, so its names are misread: separate names with 'and'"),
    ]
    assert problems_of(path) == expected
    report = build([path], BuildOptions(out=work / "out", jobs=1, use_cache=False,
                                        formats=("html",)))
    assert [str(p) for p in report.problems] == expected
    page = lxml_html.parse(str(work / "out" / "v.clinician.html")).getroot()
    entries = [" ".join(e.text_content().split()) for e in page.cssselect(".csl-entry")]
    assert entries[0].startswith("1.Research Mock C, Joshipura M, Arreola-Risa C, Quansah R. "
                                 "Trauma systems.")
    assert entries[1].startswith("2.Research Rudd KE, Johnson SC, Agesa KM, et al. Sepsis")
    assert entries[3].startswith("4.Research Doe J Jr, van der Berg A. Fine names.")  # as citeproc-js


def test_a_projects_own_style_file_is_reported_at_its_own_path(work):
    """The project's styles/ are merged with the package's for a build; a problem in one of
    its files names that file, not the build's merged copy of it."""
    (work / "styles" / "disclaimers").mkdir(parents=True)
    (work / "styles" / "disclaimers" / "professional.en.md").write_text(
        "Ask the desk first.\n", encoding="utf-8")
    (work / "styles" / "site.yaml").write_text("editorial_polcy: policy.html\n",
                                              encoding="utf-8")
    path = work / "a.md"
    path.write_text(FRONT.format(extra="") + "Text.\n", encoding="utf-8")
    assert sorted(problems_of(path)) == [
        ("styles/disclaimers/professional.en.md:1: a disclaimer starts with its heading: "
         "'# ... Disclaimer'"),
        ("styles/site.yaml:1: unknown setting 'editorial_polcy' (did you mean "
         "'editorial_policy'?)"),
    ]
