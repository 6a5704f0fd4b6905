"""Boxes and marks written as GitHub, Quarto and MkDocs write them, read back from the outputs.

GitHub alerts and Quarto callouts become the project's callout boxes in the
PDF, the EPUB and the web page; Quarto's page break breaks the page; other
shortcodes, MkDocs admonitions, unknown alerts, ``nocite`` and Quarto
cross-references are warnings or errors at their line that say what to write.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import (
    PNG_1PX,
    build_in,
    callout_boxes,
    draft,
    epub_elements,
    epub_text,
    epubcheck,
    pdf_pages,
)
from lxml import html as lxml_html

from pipeline.build import BuildOptions, check
from pipeline.tree import rewrite, stringify

FRONT = """---
title: "Dialects"
version: 1.0.0
status: draft
last_updated: 2025-09-01
{extra}---

"""
BODY = """> [!NOTE]
> Bring a list of your medicines.
> All of them.

> [!important]
> Fast from midnight.

> [!TIP] Before you start
> Wash your hands.

> [!CAUTION]
> Stop if it bleeds.

> [!DANGER]
> Not an alert GitHub has.

::: {.callout-warning title="Heat"}
Call your doctor if the knee becomes hot.
:::

:::{.callout-tip}
Rest the knee.
:::

!!! warning "Warning:"
    Never inject an infected joint.

Watch {{< video https://example.org/knee.mp4 >}} before coming.

{{< pagebreak >}}

On a page of its own.

Bring your card. %%ask Dr Roe about MRN 4471%% Ask at the desk.

%%
Reviewer: Jane Roe, bed 4, asked for this handout.
%%

Type `%%d%%` for the day.

[TOC]

:::info
Bring your card.
:::

:::danger
Stop the drip.
:::

:::tip Before the drip
Check the line.
:::

:::caution[Careful]
Sharp needle.
:::

{%youtube knee-video %}

import Tabs from '@theme/Tabs';
export const Dose = () => 2;

{/* reviewer: Dr Hidden Person */}

<Tabs><TabItem value="a" label="Adults">Two units.</TabItem>
<TabItem value="c" label="Children">One unit.</TabItem></Tabs>

=== "Before the dose"

    Check the name.

::: {.warning title="Boxed warning"}
Never twice.
:::

## Appendix {.page_break_before}

After Manubot's page break.

!!! danger
    Outer text.

    ??? tip "Inside"
        Inner text.

1.  A step.

    !!! note ""
        In the step.

=== "Adults"
    Two tablets.
=== "Children"
    One tablet.

Wash :material-hand-wash: the hands of the MRN holder, `:material-x:` in code.

--8<-- "parts/abbreviations.md"

*[MRN]: Medical record number

Table 4. Doses by weight

| Weight | Dose |
|--------|------|
| 10 kg  | 1 mL |

Stop [aspirin]{.insertion author="Kofi Mensah" date="2026-01-05"}[ibuprofen]{.deletion author="Kofi Mensah"} a week before.
[Ask about her warfarin dose.]{.comment-start id="0" author="Ines Quarrie"}Bring your list.[]{.comment-end id="0"}

[Whole paragraph struck out.]{.deletion author="Kofi Mensah"}[]{.paragraph-deletion}
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    folder = tmp_path_factory.mktemp("dialects")
    (folder / "d.md").write_text(FRONT.format(extra="") + BODY, encoding="utf-8")
    return build_in(folder, ["d.md"])


def test_what_cannot_be_read_is_a_warning_at_its_line(built):
    _out, problems = built
    assert problems == [
        *(f"d.md:{line}: warning: {said} ({times} in the document); accept or reject the "
          "changes and delete the comments in Word, then convert it again"
          for line, said, times in (
              (117, ("an insertion tracked in Word is kept as text, as Word shows it with the "
                    "change accepted"), 1),
              (117, ("a deletion tracked in Word is left out with its words, as Word shows the "
                    "document with the change accepted"), 2),
              (118, ("a comment written in Word is left out with its author, since a comment is "
                    "for the team, not for readers"), 1))),
        ("d.md:21: warning: '[!DANGER]' is not a GitHub alert the handout knows: it is shown "
        "as a quote; the known alerts are [!NOTE], [!IMPORTANT], [!TIP], [!WARNING], "
        "[!CAUTION]"),
        ("d.md:35: warning: shortcode '{{< video https://example.org/knee.mp4 >}}' (Quarto's, "
        "Hugo's) is not supported: it is left out of the handout"),
        ("d.md:49: warning: '[TOC]' (a table of contents, as HackMD, Typora, GitLab and "
         "VitePress write it) is "
         "left out: the PDF's bookmarks and the EPUB's contents list the headings"),
        ("d.md:67: warning: template tag '{%youtube knee-video %}' (HackMD's, Jekyll's) is "
         "not supported: it is left out of the handout"),
        *(f"d.md:{line}: warning: '%%...%%' is an Obsidian comment, which pandoc's Markdown "
          "does not have: it is left out of the handout; for a note to the editors write an "
          "HTML comment <!-- ... -->, which no file shows" for line in (41, 43)),
        ("d.md:69: warning: MDX's 'import' line (JavaScript, as a Docusaurus page has) is left "
         "out: a handout runs no code, and the components it brings in are shown as their "
         "text"),
        ("d.md:72: warning: '{/* ... */}' is an MDX comment, which pandoc's Markdown does not "
         "have: it is left out of the handout; for a note to the editors write an HTML comment "
         "<!-- ... -->, which no file shows"),
        ("d.md:105: warning: ':material-hand-wash:' is an icon of MkDocs Material, which no "
         "font of the handout draws: it is left out; write its meaning in words"),
        ("d.md:107: warning: '--8<-- \"parts/abbreviations.md\"' is a snippet of MkDocs "
         "(pymdownx.snippets), which pandoc's Markdown does not have: it is left out; write the "
         "text here, or include the file with {{< include file.md >}} on a line of its own"),
        ("d.md:109: warning: '*[MRN]: Medical record number' is an abbreviation (PHP "
         "Markdown Extra's, MkDocs's): it is left out, since a handout shows no tooltip; write "
         "the words out where the abbreviation is first used"),
        *(f"d.md:74: warning: raw HTML <{tag}> is left out: it is not an element of HTML5 (its "
          "text is kept)" for tag in ("tabitem", "tabs")),
    ]


def _reader_texts(out: Path) -> dict[str, str]:
    """What a reader of each format sees of ``d``'s clinician edition, spaces collapsed."""
    page = lxml_html.parse(str(out / "d.clinician.html")).getroot()
    return {"pdf": " ".join(" ".join(pdf_pages(out / "d.clinician.pdf")).split()),
            "epub": " ".join(epub_text(out / "d.clinician.epub").split()),
            "html": " ".join(page.text_content().split())}


def test_words_tracked_in_word_are_read_as_accepted_and_comments_reach_no_file(built):
    import pikepdf

    out, _ = built
    texts = _reader_texts(out)
    for kind, text in texts.items():
        assert "Stop aspirin a week before. Bring your list." in text, kind
        assert "ibuprofen" not in text and "warfarin" not in text, kind
        assert "struck out" not in text, kind
    with pikepdf.open(out / "d.clinician.pdf") as pdf:
        raw = b"".join(f.get_file().read_bytes() for f in pdf.attachments.values())
    raw += (out / "d.clinician.html").read_bytes() + (out / "d.clinician.epub").read_bytes()
    assert b"aspirin" in raw
    for private in (b"ibuprofen", b"warfarin", b"Mensah", b"Quarrie", b"struck out"):
        assert private not in raw, private


def test_obsidian_comments_reach_no_file_and_code_keeps_its_percent_signs(built):
    out, _ = built
    texts = _reader_texts(out)
    for kind, text in texts.items():
        assert "Bring your card. Ask at the desk." in text, kind
        assert "Type %%d%% for the day." in text, kind
        assert "Roe" not in text and "4471" not in text, kind
    raw = (out / "d.clinician.html").read_bytes() + (out / "d.clinician.epub").read_bytes()
    assert b"Roe" not in raw


EXPECTED_BOXES = [
    ("note", "Note", "Bring a list of your medicines. All of them."),
    ("note", "Note", "Fast from midnight."),
    ("tip", "Tip", "Before you start Wash your hands."),
    ("warning", "Warning", "Stop if it bleeds."),
    ("warning", "Warning", "Heat Call your doctor if the knee becomes hot."),
    ("tip", "Tip", "Rest the knee."),
    ("warning", "Warning", "Warning: Never inject an infected joint."),
    # HackMD's and Docusaurus's boxes, titled as they title them
    ("note", "Note", "Bring your card."),
    ("warning", "Warning", "Stop the drip."),
    ("tip", "Tip", "Before the drip Check the line."),
    ("warning", "Warning", "Careful Sharp needle."),
    ("warning", "Warning", "Boxed warning Never twice."),
    # MkDocs's admonitions: nested, in a list item; a type of its own is the title
    ("warning", "Warning", "Danger Outer text. Tip Inside Inner text."),
    ("tip", "Tip", "Inside Inner text."),
    ("note", "Note", "In the step."),
]



def test_alerts_and_quarto_callouts_are_boxes_in_the_epub(built):
    out, _ = built
    book = out / "d.clinician.epub"
    assert callout_boxes(epub_elements(book, "div")) == EXPECTED_BOXES
    quotes = [" ".join("".join(q.itertext()).split()) for q in epub_elements(book, "blockquote")]
    assert quotes == ["[!DANGER] Not an alert GitHub has."]
    assert epubcheck([book])[book] == []


def test_alerts_and_quarto_callouts_are_boxes_on_the_web_page(built):
    out, _ = built
    page = lxml_html.parse(str(out / "d.clinician.html")).getroot()
    assert callout_boxes(page.iter("div")) == EXPECTED_BOXES
    text = " ".join(page.text_content().split())
    assert "{{<" not in text and "Watch before coming." in text


def test_boxes_and_the_page_break_in_the_pdf(built):
    out, _ = built
    pages = [" ".join(p.split()) for p in pdf_pages(out / "d.clinician.pdf")]
    text = " ".join(pages)
    assert "Note Bring a list of your medicines. All of them." in text
    assert "Tip Before you start Wash your hands." in text
    assert "Warning Heat Call your doctor if the knee becomes hot." in text
    assert "[!NOTE]" not in text and "{{<" not in text and "pagebreak" not in text
    assert "TOC" not in text and ":::" not in text and "youtube" not in text
    # MDX: its JavaScript and its comments in no file; a tab's label before its text
    assert "Adults Two units. Children One unit." in text
    # MkDocs: a content tab's title in bold before its text; icons, snippets and
    # abbreviations' definitions left out; the box in a list item stays in it
    assert "Before the dose Check the name." in text and "===" not in text
    assert "Adults Two tablets. Children One tablet." in text
    assert "Wash the hands of the MRN holder, :material-x: in code." in text
    assert "--8<--" not in text and "8<" not in text and "Medical record" not in text
    assert "!!!" not in text and "???" not in text
    assert "1. A step. Note In the step." in text
    raw = b"".join(p.read_bytes() for p in out.iterdir() if p.is_file())
    assert b"Hidden Person" not in raw and b"@theme" not in raw and b"Dose = " not in raw
    where = [i for i, page in enumerate(pages) if "On a page of its own." in page]
    before = [i for i, page in enumerate(pages) if "Watch before coming." in page]
    assert len(where) == 1 and where[0] == before[0] + 1
    appendix = [i for i, page in enumerate(pages) if "Appendix After Manubot" in page]
    assert appendix and "Never twice." not in pages[appendix[0]]
    assert "Never twice." in pages[appendix[0] - 1]


# ------------------------------------------------------------ check only

@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _check(work: Path, body: str, extra: str = "") -> list[str]:
    (work / "m.md").write_text(FRONT.format(extra=extra) + body, encoding="utf-8")
    return [str(p) for p in check([work / "m.md"], BuildOptions()).problems]


def test_a_cross_reference_to_nothing_gets_a_hint_not_a_bibliography_error(work):
    (work / "r.bib").write_text("@book{b, title={B}, author={A, B}, year={2000}}\n")
    assert _check(work, "See @fig-knee and [@tbl-doses; @b].\n\nAnd @sec-dosing, @eq-bmi.\n",
                  "bibliography: [r.bib]\n") == [
        ("m.md:9: citation '@fig-knee' has no entry in the bibliography: no figure of the "
         "handout has the id 'fig-knee' (write {#fig-knee} after its image: "
         "![Caption](file.png){#fig-knee})"),
        ("m.md:9: citation '@tbl-doses' has no entry in the bibliography: no table of the "
         "handout has the id 'tbl-doses' (write {#tbl-doses} after its caption: "
         ": Caption {#tbl-doses})"),
        ("m.md:11: citation '@sec-dosing' has no entry in the bibliography: no heading of the "
         "handout has the id 'sec-dosing' (write {#sec-dosing} after its title: "
         "## Title {#sec-dosing})"),
        ("m.md:11: citation '@eq-bmi' has no entry in the bibliography: no formula of the "
         "handout has the id 'eq-bmi' (write {#eq-bmi} after its closing $$: "
         "$$ x = 1 $$ {#eq-bmi})"),
    ]


def test_pandoc_crossref_references_to_nothing_get_a_hint_not_a_bibliography_error(work):
    (work / "r.bib").write_text("@book{b, title={B}, author={A, B}, year={2000}}\n")
    assert _check(work, "As [@fig:arch] and @tbl:planes show [@b].\n\nSee @eq:dose.\n",
                  "bibliography: [r.bib]\n") == [
        ("m.md:9: citation '@fig:arch' has no entry in the bibliography: no figure of the "
         "handout has the id 'fig:arch' (write {#fig:arch} after its image: "
         "![Caption](file.png){#fig:arch})"),
        ("m.md:9: citation '@tbl:planes' has no entry in the bibliography: no table of the "
         "handout has the id 'tbl:planes' (write {#tbl:planes} after its caption: "
         ": Caption {#tbl:planes})"),
        ("m.md:11: citation '@eq:dose' has no entry in the bibliography: no formula of the "
         "handout has the id 'eq:dose' (write {#eq:dose} after its closing $$: "
         "$$ x = 1 $$ {#eq:dose})"),
    ]


def test_a_mention_of_a_person_is_shown_as_written_and_a_citation_still_needs_its_entry(work):
    (work / "r.bib").write_text("@book{smith2020, title={B}, author={A, B}, year={2000}}\n")
    (work / "m.md").write_text(FRONT.format(extra="bibliography: [r.bib]\n")
                               + "Asked by @jdoe and @jdoe, as @smith2020 says.\n\n"
                               "Not [@kowalski] nor @smith2021.\n\nAs @okafor2019 found.\n",
                               encoding="utf-8")
    result = check([work / "m.md"], BuildOptions())
    assert [str(p) for p in result.problems] == [
        ("m.md:9: warning: '@jdoe' names no entry of the bibliography, so it is shown as "
         "written (a mention, as GitLab and GitHub write a person's name); to cite a work, "
         "give the bibliography an entry 'jdoe'"),
        "m.md:11: citation '@kowalski' has no entry in the bibliography",
        ("m.md:11: citation '@smith2021' has no entry in the bibliography "
         "(did you mean 'smith2020'?)"),
        "m.md:13: citation '@okafor2019' has no entry in the bibliography",
    ]


def test_nocite_says_why_it_is_not_used(work):
    assert _check(work, "Text.\n", "nocite: '@*'\n") == [
        ("m.md:6: warning: 'nocite' is not used: a handout's reference list holds only the "
        "works its text cites; cite a work to list it")]


def test_quarto_variables_nested_past_what_libyaml_reads_are_a_warning_not_a_traceback(work):
    (work / "_variables.yml").write_text("dose: " + "[" * 1100 + "\n", encoding="utf-8")
    assert _check(work, "Take {{< var dose >}} daily.\n") == [(
        "m.md:8: warning: '{{< var dose >}}' (Quarto's) names no value: _variables.yml:1 is not "
        "valid YAML; it is left out of the handout")]


def test_a_page_break_inside_a_paragraph_and_shortcodes_in_order(work):
    assert _check(work, "One {{< pagebreak >}} two.\n\n{{< kbd Ctrl-C >}}\n\n"
                  "`{{< video x >}}` in code is code.\n\n{{< meta affiliation >}}\n\n"
                  "{{< video y >}}\n") == [
        ("m.md:8: warning: '{{< pagebreak >}}' inside a paragraph is left out: put it on a "
        "line of its own to start a new page"),
        ("m.md:14: warning: '{{< meta affiliation >}}' (Quarto's) names no field a handout "
         "shows (title, subtitle, summary, version, status, slug, lang, last_updated, "
         "next_review, authors): it is left out of the handout"),
        ("m.md:16: warning: shortcode '{{< video y >}}' (Quarto's, Hugo's) is not supported: "
        "it is left out of the handout"),
    ]


def test_a_quote_that_only_starts_like_an_alert_stays_a_quote(work):
    assert _check(work, "> [!NOTE]: a colon makes it text.\n\n> [see note]\n") == []


def test_a_shortcode_followed_by_punctuation_is_read_and_the_punctuation_kept():
    import dataclasses

    from pipeline.dialects import read_dialects
    from pipeline.errors import Problems
    from pipeline.model import Person
    from pipeline.pandoc import markdown_to_ast
    from pipeline.tree import stringify

    body = ("The title is {{< meta title >}}.\n\nPress {{< kbd Ctrl-C >}}, then wait.\n\n"
            "No {{< meta subtitle >}}, {{< video x >}}.\n\nBy {{< meta author >}}.\n")
    m = dataclasses.replace(draft(body, body_line=8),
                            authors=(Person("A. Lee"), Person("B. Kim", "pharmacist")))
    problems = Problems()
    ast = read_dialects(m, markdown_to_ast(body), problems)
    assert [stringify([b]).strip() for b in ast["blocks"]] == [
        f"The title is {m.title}.", "Press Ctrl-C, then wait.", "No,.", "By A. Lee, B. Kim."]
    assert [str(p) for p in problems.items] == [
        ("m.md:12: warning: shortcode '{{< video x >}}' (Quarto's, Hugo's) is not supported: "
         "it is left out of the handout"),
    ]


def test_a_quarto_variable_is_the_value_of_the_nearest_variables_file_up_to_the_root(work):
    from pipeline.cache_keys import referenced_files
    from pipeline.dialects import read_dialects
    from pipeline.errors import Problems
    from pipeline.pandoc import markdown_to_ast
    from pipeline.tree import stringify

    (work / "_quarto.yml").write_text("project:\n  type: default\n")
    (work / "_variables.yml").write_text("phone: 555-0100\ndose:\n  adult: 10 mg\n"
                                         "  list: [1, 2]\n")
    (work / "wards" / "knee").mkdir(parents=True)
    body = ("Take {{< var dose.adult >}} daily; call {{< var phone >}}.\n\n"
            "{{< var dose.list >}}{{< var dose.child >}} None.\n")
    m = draft(body, body_line=8, path=work / "wards" / "knee" / "m.md")
    problems = Problems()
    ast = read_dialects(m, markdown_to_ast(body), problems)
    assert [stringify([b]).strip() for b in ast["blocks"]] == [
        "Take 10 mg daily; call 555-0100.", "None."]
    said = "(Quarto's) names no value: {}; it is left out of the handout"
    assert [str(p).replace(str(work) + "/", "") for p in problems.items] == [
        "wards/knee/m.md:10: warning: '{{< var dose.list >}}' "
        + said.format("'dose.list' in _variables.yml is no text"),
        "wards/knee/m.md:10: warning: '{{< var dose.child >}}' "
        + said.format("_variables.yml has no 'dose.child'")]
    assert work / "_variables.yml" in referenced_files(m)  # a change to it rebuilds
    (work / "wards" / "manuscripts").mkdir()  # the project's root is below the file now
    problems = Problems()
    read_dialects(m, markdown_to_ast("{{< var phone >}}\n"), problems)
    assert [p.message for p in problems.items] == [
        "'{{< var phone >}}' " + said.format("there is no _variables.yml beside the manuscript "
                                             "or in a folder above it (up to the project's "
                                             "root)")]


def test_a_notes_tags_are_left_out_where_they_file_it_and_kept_inside_a_sentence():
    from pipeline.dialects import read_dialects
    from pipeline.errors import Problems
    from pipeline.pandoc import markdown_to_ast
    from pipeline.tree import stringify

    body = ("# Knee aftercare #knee #after-care\n\nAsk about #pain-relief; C# and #12 stay.\n\n"
            "#knee #ice\n\n## #only\n")
    problems = Problems()
    ast = read_dialects(draft(body, body_line=8), markdown_to_ast(body), problems)
    assert [stringify(b).strip() for b in ast["blocks"]] == [
        "Knee aftercare", "Ask about #pain-relief; C# and #12 stay.", "#only"]
    said = "left out: a note's tags file it and are no words for its readers"
    assert [str(p) for p in problems.items] == [
        f"m.md:8: warning: 2 tags of a note ('#knee' ...) at the end of a heading are {said}",
        f"m.md:12: warning: 2 tags of a note ('#knee' ...) on a line of their own are {said}"]


def test_a_wiki_link_is_a_warning_at_its_line_saying_what_to_write(work):
    said = ("is a wiki link, which pandoc's Markdown does not have: it is shown as text; "
            "write a Markdown link instead, [its text](its address)")
    assert _check(work, "See [[Getting Started]] first.\n\n- then [[the triage page|Triage-Page]]"
                  "\n\n| A |\n|---|\n| ![[chart.png]] |\n\nA list [[1]] of [2] stays, `[[code]]` too."
                  "\n\nZettlr's [[20260301120000]] links by id.\n") == [
        f"m.md:8: warning: '[[Getting Started]]' {said}",
        f"m.md:10: warning: '[[the triage page|Triage-Page]]' {said}",
        ("m.md:14: warning: '![[chart.png]]' is a picture embedded as a wiki or Obsidian "
        "writes it, with nothing said of what it shows: it is shown as text; write "
        "![what the image shows](chart.png)"),
        f"m.md:18: warning: '[[20260301120000]]' {said}",
    ]


def test_a_picture_embedded_as_a_wiki_writes_it_with_a_description_is_an_image(work):
    from pipeline.pandoc import markdown_to_ast
    from pipeline.tree import walk

    (work / "chart.png").write_bytes(PNG_1PX)
    (work / "knee view.png").write_bytes(PNG_1PX)
    body = ("[[chart.png|alt=Dose chart]]\n\n![[knee view.png|The knee|300x200]] and "
            "![[chart.png|120]] `![[chart.png|In code]]`\n")
    assert _check(work, body) == [
        ("m.md:10: warning: '![[chart.png|120]]' is a picture embedded as a wiki or Obsidian "
        "writes it, with nothing said of what it shows: it is shown as text; write "
        "![what the image shows](chart.png)")]
    images = [(stringify(n["c"][1]), n["c"][2][0], n["c"][0][2])
              for n in walk(markdown_to_ast(body)["blocks"]) if n["t"] == "Image"]
    assert images == [("Dose chart", "chart.png", []),
                      ("The knee", "knee%20view.png", [["width", "300px"], ["height", "200px"]])]


def test_a_caption_written_in_another_language_is_a_warning_at_its_line(work):
    assert _check(work, "Tabla: dosis, lejos de la tabla.\n\nTexto.\n\n| Edad | Dosis |\n"
                  "|------|-------|\n| 2    | 5 ml  |\n\nTabla: Dosis por *edad*.\n\n"
                  "> | a |\n> |---|\n> | 1 |\n>\n> Tabelle: Dosen.\n") == [
        ("m.md:16: warning: 'Tabla:' starts a paragraph beside a table: pandoc's Markdown "
         "reads it as text, not as the table's caption; write the caption as ': Dosis por "
         "edad.' (or 'Table: ...'), in any language"),
        ("m.md:22: warning: 'Tabelle:' starts a paragraph beside a table: pandoc's Markdown "
         "reads it as text, not as the table's caption; write the caption as ': Dosen.' (or "
         "'Table: ...'), in any language"),
    ]


def test_manubot_citations_by_identifier_get_a_hint_and_an_entry_under_that_key_is_cited(work):
    (work / "r.bib").write_text("@book{doi:10.1000/x1, title={B}, author={A, B}, year={2000}}\n")
    assert _check(work, "Known [@doi:10.1000/x1]; [@pmid:29424689; @tag:ors].\n",
                  "bibliography: [r.bib]\n") == [
        ("m.md:9: citation '@pmid:29424689' has no entry in the bibliography: a handout does "
         "not look a PubMed ID up on the network as Manubot does; give the bibliography an "
         "entry whose key is 'pmid:29424689' (or cite the entry's own key)"),
        ("m.md:9: citation '@tag:ors' has no entry in the bibliography; Manubot's '@tag:' "
         "citations (named in citation-tags.tsv) are not read: cite the entry's own key"),
    ]


def test_an_embedding_tag_and_a_liquid_tag_are_left_out_other_braces_are_text(work):
    body = ("Watch {% youtube knee-video %} now.\n\n"
            "Loops {% for x in doses %} are not run, {% unknown %} is text.\n\n"
            "{% include footer.html %}\n")
    assert _check(work, body) == [
        ("m.md:8: warning: template tag '{% youtube knee-video %}' (HackMD's, Jekyll's) is not "
        "supported: it is left out of the handout"),
        ("m.md:12: warning: template tag '{% include footer.html %}' (HackMD's, Jekyll's) is not "
        "supported: it is left out of the handout"),
        ("m.md:10: warning: '{% for x in doses %}' is a Liquid tag (Jekyll's), which pandoc's "
         "Markdown does not have: it is left out of the handout; a handout runs no template: "
         "the text around it is shown")]


def test_a_numbered_caption_above_a_table_is_its_caption_in_every_format(built):
    """"Table 4. Doses by weight" right above a table, as Word and Google Docs write it."""
    import pikepdf

    out, _ = built
    captions = [" ".join("".join(c.itertext()).split())
                for c in epub_elements(out / "d.clinician.epub", "caption")]
    assert captions == ["Table 4. Doses by weight"]
    page = lxml_html.parse(str(out / "d.clinician.html")).getroot()
    assert [" ".join(c.text_content().split()) for c in page.iter("caption")] == captions
    with pikepdf.open(out / "d.clinician.pdf") as pdf:
        tags = []
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            kids = node.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids else []:
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    tags.append(str(kid.S))
                    stack.append(kid)
    assert "/Caption" in tags


def test_a_quotation_in_the_text_is_read_with_the_captions_of_tables():
    """pandoc's quoted text is a pair (its kind, its words), not a list of blocks."""

    from pipeline.dialects import read_dialects
    from pipeline.errors import Problems
    from pipeline.pandoc import markdown_to_ast

    body = 'Table 1. "Doses" by weight\n\n| A | B |\n|---|---|\n| 1 | 2 |\n'
    manuscript = draft(body)
    blocks = read_dialects(manuscript, markdown_to_ast(body), Problems())["blocks"]
    assert [b["t"] for b in blocks] == ["Table"]


@pytest.mark.parametrize("caption", ["**Table 2.** Zones", "*Table 2: Zones*", "Table IV: Zones",
                                     "Table 2.1. Zones"])
def test_a_numbered_caption_in_bold_or_italics_as_google_docs_exports_it_is_read(caption):

    from pipeline.dialects import read_dialects
    from pipeline.errors import Problems
    from pipeline.pandoc import markdown_to_ast

    body = f"{caption}\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\nTable 3 shows more.\n\n| C |\n|---|\n| 3 |\n"
    manuscript = draft(body)
    blocks = read_dialects(manuscript, markdown_to_ast(body), Problems())["blocks"]
    assert [b["t"] for b in blocks] == ["Table", "Para", "Table"]
    assert stringify(blocks[0]["c"][1][1]).strip() == caption.replace("*", "")


def test_a_numbered_caption_is_read_in_a_box_and_a_list_item_and_only_right_above_a_table():
    """The tree is rebuilt only when a numbered caption was found: one deep inside counts."""
    from pipeline.dialects import read_dialects
    from pipeline.errors import Problems
    from pipeline.pandoc import markdown_to_ast

    body = ("Table 1. Doses\n\nText between.\n\n| A |\n|---|\n| 1 |\n\n::: note\n"
            "Table 2. Zones\n\n| B |\n|---|\n| 2 |\n:::\n\n- Table 3: Ages\n\n"
            "  | C |\n  |---|\n  | 3 |\n")
    blocks = read_dialects(draft(body), markdown_to_ast(body), Problems())["blocks"]
    assert [b["t"] for b in blocks] == ["Para", "Para", "Table", "Div", "BulletList"]
    assert not blocks[2]["c"][1][1]  # not right above its table: text, as written
    box, item = blocks[3]["c"][1], blocks[4]["c"][0]
    assert [b["t"] for b in box] == [b["t"] for b in item] == ["Table"]
    assert [stringify(t["c"][1][1]).strip() for t in (box[0], item[0])] == [
        "Table 2. Zones", "Table 3: Ages"]


def test_hackmd_and_pymdownx_marks_are_inserted_text_keys_and_tags():
    from pipeline.pandoc import markdown_to_ast
    from pipeline.tree import walk

    body = ("Alarms for ++every++ and ^^each^^ patient, ++ctrl+alt+del++ to lock; C++ and "
            "i++ stay. [name=Ana Ruiz] [time=Mar 3] [color=#f00]`++code++`\n")
    nodes = list(walk(markdown_to_ast(body)["blocks"]))
    assert [stringify(n["c"]) for n in nodes if n["t"] == "Underline"] == ["every", "each"]
    assert [n["c"][1] for n in nodes if n["t"] == "RawInline"] == [
        "<kbd>", "</kbd>", "<kbd>", "</kbd>", "<kbd>", "</kbd>"]
    assert [stringify(n["c"]) for n in nodes if n["t"] == "Emph"] == ["Ana Ruiz", "Mar 3"]
    assert [n["c"][1] for n in nodes if n["t"] == "Code"] == ["++code++"]
    text = stringify(markdown_to_ast(body)["blocks"])
    assert "Ctrl+Alt+Del to lock; C++ and i++ stay." in text and "color" not in text


def test_a_jupytext_percent_script_is_read_as_its_notebook_and_no_comment_eats_its_cells():

    from pipeline.errors import Problems
    from pipeline.obsidian import comment_problems
    from pipeline.pandoc import markdown_to_ast
    from pipeline.percent import percent_problems

    script = ("# %% [markdown]\n# # Heart rate\n#\n# Reads the rates.\n\n# %%\nx = 1\n\n"
              "# %% [markdown]\n# The mean.\n\n# %%\nx.mean()\n")
    blocks = markdown_to_ast(script)["blocks"]
    assert [(b["t"], b["c"][1] if b["t"] == "CodeBlock" else stringify(b).strip())
            for b in blocks] == [
        ("Header", "Heart rate"), ("Para", "Reads the rates."), ("CodeBlock", "x = 1"),
        ("Para", "The mean."), ("CodeBlock", "x.mean()")]
    assert blocks[2]["c"][0][1] == ["python"]
    stray = "Before.\n\n# %% a cell\n\nAfter, 50 %% of them.\n"
    assert stringify(markdown_to_ast(stray)["blocks"]).split() == [
        "Before.", "After,", "50", "%%", "of", "them."]
    found = []
    for body in (script, stray):
        problems = Problems()
        manuscript = draft(body, body_line=8)
        comment_problems(manuscript, problems)
        percent_problems(manuscript, problems)
        found += [str(p) for p in problems.items]
    assert found == [
        ("m.md:8: warning: the manuscript is a Jupytext percent script ('# %%' cells): it is "
        "read as its notebook, its code cells shown as code and never run; for a manuscript "
        "of your own, convert it once with 'jupytext --to md'"),
        ("m.md:10: warning: '# %% a cell' is a cell marker of a Jupytext percent script: it is "
        "left out")]


def test_latex_math_delimiters_are_a_warning_at_their_line_saying_what_to_write(work):
    assert _check(work, "Dose \\(C_0 e^{-kt}\\) daily, `\\(code\\)` and \\(a) stay.\n\n"
                  "\\[\nx^2\n\\]\n") == [
        ("m.md:8: warning: '\\(C_0 e^{-kt}\\)' is LaTeX's inline math, which pandoc's "
         "Markdown reads as text: it is printed as TeX; write $C_0 e^{-kt}$"),
        ("m.md:10: warning: '\\[' starts LaTeX's display math, which pandoc's Markdown reads "
         "as text: it is printed as TeX; write $$ here and for its '\\]'"),
    ]


def test_a_docusaurus_admonition_component_is_a_box_with_its_title(work):
    from pipeline.dialects import read_dialects
    from pipeline.errors import Problems
    from pipeline.pandoc import markdown_to_ast

    body = ('<Admonition type="tip" title=\'Before the "drip"\'>\nCheck the line.\n'
            '</Admonition>\n\n<Admonition type="danger">\n\nNever twice.\n\n</Admonition>\n\n'
            '<Admonition type="odd">\nKept.\n</Admonition>\n\n```\n<Admonition type="tip">\n```\n')
    assert _check(work, body) == [
        f"m.md:{line}: warning: raw HTML <admonition> is left out: it is not an element of "
        "HTML5 (its text is kept)" for line in (18,)]
    ast = read_dialects(draft(body), markdown_to_ast(body), Problems())
    boxes = [(b["c"][0][1], " ".join(stringify(b["c"][1]).split())) for b in ast["blocks"]
             if b["t"] == "Div"]
    assert boxes == [(["tip"], "Before the \"drip\" Check the line."), (["warning"], "Never twice.")]
    assert ast["blocks"][-1] == {"t": "CodeBlock", "c": [["", [], []], '<Admonition type="tip">']}


def test_a_notion_callout_is_a_box_of_its_icons_kind_without_the_icon(work):
    from pipeline.dialects import read_dialects
    from pipeline.errors import Problems
    from pipeline.pandoc import markdown_to_ast

    body = ("<aside>\n💡 Read this first.\n\n</aside>\n\n<aside>\n⚠️ **Never** store names.\n"
            "</aside>\n\n<aside>\nPlain aside.\n</aside>\n\n```\n<aside>\n! code\n</aside>\n```\n")
    assert _check(work, body) == []  # no emoji left for the fonts to draw
    ast = read_dialects(draft(body), markdown_to_ast(body), Problems())
    boxes = [(b["c"][0][1], " ".join(stringify(b["c"][1]).split())) for b in ast["blocks"]
             if b["t"] == "Div"]
    assert boxes == [(["tip"], "Read this first."), (["warning"], "Never store names."),
                     (["note"], "Plain aside.")]
    assert ast["blocks"][-1]["c"][1] == "<aside>\n! code\n</aside>"


def test_a_labelled_formula_is_numbered_and_its_cross_references_read_as_its_number(tmp_path):
    body = ("$$\nd = w \\times 15\n$$ {#eq-dose}\n\nSee @eq-dose ([-@eq-dose]) and @eq:v.\n\n"
            "$$ V = d / c $$ {#eq:v}\n\n::: {audience=\"patient\"}\n$$ x = 1 $$ {#eq-x}\n:::\n\n"
            "Then @Eq-x.\n\n```{math}\n:label: my-eq\ny = 2\n```\n\nMyST: {eq}`my-eq`.\n")
    front = FRONT.format(extra="audiences: [clinician, patient]\n")
    (tmp_path / "m.md").write_text(front + body, encoding="utf-8")
    out, _ = build_in(tmp_path, ["m.md"], formats=("html",))
    for audience, expected in (
            ("clinician", (["(1)", "(2)", "(3)"],
                           "See Equation 1 (1) and Equation 2. Then @eq-x. MyST: (3).")),
            ("patient", (["(1)", "(2)", "(3)", "(4)"],
                         "See Equation 1 (1) and Equation 2. Then Equation 3. MyST: (4)."))):
        page = lxml_html.parse(str(out / f"m.{audience}.html")).getroot()
        tags = [t.text_content() for t in page.find_class("math-tag")]
        words = " ".join(" ".join(p.text_content().split()) for p in page.iter("p")
                         if p.text_content().strip()[:4] in ("See ", "Then", "MySt", "MyST"))
        assert (tags, words) == expected, audience


def test_a_formula_labelled_in_latex_is_numbered_and_its_eqref_reads_its_number(tmp_path):
    """As ``pandoc -t markdown paper.tex`` writes them: the label inside the formula."""
    body = ("See Eq. [\\[eq:a\\]](#eq:a){reference-type=\"eqref\" reference=\"eq:a\"} and "
            "[\\[eq:b\\]](#eq:b){reference-type=\"ref\" reference=\"eq:b\"}.\n\n"
            "$$\\begin{aligned}\nx &= 1 \\label{eq:a} \\\\\ny &= 2\n\\end{aligned}$$\n\n"
            "Then $$ z = 3 \\label{eq:b} $$ and `$$ \\label{eq:c} $$`.\n")
    (tmp_path / "m.md").write_text(FRONT.format(extra="") + body, encoding="utf-8")
    out, problems = build_in(tmp_path, ["m.md"], formats=("html",))
    page = lxml_html.parse(str(out / "m.clinician.html")).getroot()
    assert [t.text_content() for t in page.find_class("math-tag")] == ["(1)", "(2)"]
    first = next(p for p in page.iter("p") if p.text_content().startswith("See"))
    assert " ".join(first.text_content().split()) == "See Eq. (1) and 2."
    assert [p for p in problems if "reading grade" not in p] == []


def test_gitlab_and_vitepress_tables_of_contents_are_left_out_at_their_line(work):
    from pipeline.dialects import read_dialects
    from pipeline.errors import Problems
    from pipeline.pandoc import markdown_to_ast
    from pipeline.tree import stringify

    said = ("(a table of contents, as HackMD, Typora, GitLab and VitePress write it) is left "
            "out: the PDF's bookmarks and the EPUB's contents list the headings")
    body = "[[_TOC_]]\n\nText.\n\n[[toc]]\n\n[[TOC]]\n"
    assert _check(work, body) == [f"m.md:8: warning: '[[_TOC_]]' {said}",
                                  f"m.md:12: warning: '[[toc]]' {said}",
                                  f"m.md:14: warning: '[[TOC]]' {said}"]
    ast = read_dialects(draft(body), markdown_to_ast(body), Problems())
    assert [stringify([b]).strip() for b in ast["blocks"]] == ["Text."]


def test_changes_marked_in_the_text_are_read_accepted_and_remarks_reach_no_file(work):
    from pipeline.pandoc import markdown_to_ast
    from pipeline.tree import stringify

    body = ("Give {++two++} tablets{-- a day--}.{>> Dr Hidden: check\nthe dose <<} Take "
            "{~~water~>milk~~} and {==rest==}.\n\nGitLab: [+ added +], [- cut -], "
            "{+ more +} and {- gone -}; `{-- code --}` stays.\n\nLast line.\n")
    said = "which pandoc's Markdown does not have"
    accepted = "as the text reads with the change accepted"
    assert _check(work, body) == [
        (f"m.md:8: warning: '{{++ ... ++}}' marks a change (CriticMarkup), {said}: an addition "
        f"is kept as text, {accepted}"),
        (f"m.md:8: warning: '{{-- ... --}}' marks a change (CriticMarkup), {said}: a removal "
        f"is left out with its words, {accepted}"),
        (f"m.md:8: warning: '{{>> ... <<}}' marks a change (CriticMarkup), {said}: a remark "
        "is left out, since it is for the team, not for readers"),
        (f"m.md:9: warning: '{{~~ ... ~~}}' marks a change (CriticMarkup), {said}: a "
        f"substitution is its new words, {accepted}"),
        (f"m.md:11: warning: '[+ ... +]' marks a change (GitLab's inline diff), {said}: an "
        f"addition is kept as text, {accepted} (2 such marks)"),
        (f"m.md:11: warning: '[- ... -]' marks a change (GitLab's inline diff), {said}: a "
        f"removal is left out with its words, {accepted} (2 such marks)"),
    ]
    blocks = markdown_to_ast(body)["blocks"]
    assert [" ".join(stringify([b]).split()) for b in blocks] == [
        "Give two tablets. Take milk and rest.",
        "GitLab: added, , more and ; {-- code --} stays.", "Last line."]
    assert blocks[0]["c"][-2]["c"][0][1] == ["mark"]  # highlighted, as ==rest== is


def test_gitlab_quote_fences_are_a_block_quote_and_a_diagram_is_shown_as_code_with_a_warning(
        work):
    from pipeline.pandoc import markdown_to_ast

    body = (">>>\nQuoted one.\n\nQuoted two.\n>>>\n\nAfter.\n\n```mermaid\ngraph TD;\n```\n\n"
            "~~~\n>>>\n```mermaid\n~~~\n")
    assert _check(work, body) == [
        ("m.md:16: warning: '```mermaid' is a diagram written as code (mermaid), which a handout "
        "does not draw: it is shown as its code; show a picture of it instead, "
        "![what the diagram shows](diagram.png)")]
    blocks = markdown_to_ast(body)["blocks"]
    assert [b["t"] for b in blocks] == ["BlockQuote", "Para", "CodeBlock", "CodeBlock"]
    assert len(blocks[0]["c"]) == 2 and blocks[3]["c"][1] == ">>>\n```mermaid"


def test_python_markdown_attribute_lists_on_blocks_are_left_out_at_their_line(work):
    from pipeline.pandoc import markdown_to_ast
    from pipeline.tree import stringify

    body = ("Steps { #steps .lead }\n-----\n\nWash first: { .annotate }\n\n1. Palm (1)\n"
            "{ .annotate }\n\n| A |\n|---|\n| 1 |\n{ .compact }\n\n[Top](#steps){ .button } "
            "and `{ .code }`\n\n```\n{ .fenced }\n```\n")
    said = ("is an attribute list of Python-Markdown (MkDocs), which pandoc's Markdown reads "
            "only after a heading, a link, an image, a span or code: it is left out; write "
            "::: {.class} around a block, or {#id} after a heading's title")
    assert _check(work, body) == [f"m.md:11: warning: '{{ .annotate }}' {said}",
                                  f"m.md:14: warning: '{{ .annotate }}' {said}",
                                  f"m.md:19: warning: '{{ .compact }}' {said}"]
    blocks = markdown_to_ast(body)["blocks"]
    assert blocks[0]["c"][1] == ["steps", ["lead"], []]
    assert "{" not in stringify(blocks[1:4])
    assert blocks[4]["c"][0]["c"][0] == ["", ["button"], []]
    assert blocks[-1]["c"][1] == "{ .fenced }"


def test_one_abbreviation_after_the_first_is_said_in_words(work):
    assert _check(work, "The CDC and WHO.\n\n*[CDC]: Centers for Disease Control\n"
                  "*[WHO]: World Health Organization\n") == [
        ("m.md:10: warning: '*[CDC]: Centers for Disease Control' is an abbreviation (PHP "
         "Markdown Extra's, MkDocs's): it is left out, as is the one after it, since a handout "
         "shows no tooltip; write the words out where the abbreviation is first used")]


def test_a_multimarkdown_abbreviation_is_said_to_be_left_out_and_a_link_definition_is_not(work):
    assert _check(work, "The [PRP][x] guide.\n\n[>PRP]: platelet-rich plasma\n"
                  "[>WHO]: World Health Organization\n[x]: https://example.org\n") == [
        ("m.md:10: warning: '[>PRP]: platelet-rich plasma' is an abbreviation (MultiMarkdown's):"
         " it is left out, as is the one after it, since a handout shows no tooltip; write the "
         "words out where the abbreviation is first used")]


def test_a_grid_table_whose_rows_do_not_line_up_is_a_warning_at_the_line_out_of_line(work):
    lined_up = ("+------+------------+\n| Drug | Dose       |\n+======+============+\n"
                "| Oral | a|b, 5 mg  |\n+------+------------+\n\n")
    assert _check(work, lined_up + "+------+------+\n| Drug | Dose |\n+======+======+\n"
                  "| Oral | 10 mg |\n+------+------+\n\n+------+------+\n| Drug  | Dose|\n"
                  "+------+------+\n\n```\n+--+\n| x |\n```\n") == [
        ("m.md:17: warning: this line of a grid table does not line up with the table's first "
         "border (line 14): pandoc then reads part of the table as text or prints its '|' in "
         "a cell; make every line as wide as the border, with each '|' under a '+' of the "
         "border above it"),
        ("m.md:21: warning: this line of a grid table does not line up with the table's first "
         "border (line 20): pandoc then reads part of the table as text or prints its '|' in "
         "a cell; make every line as wide as the border, with each '|' under a '+' of the "
         "border above it")]


def test_a_task_gitlab_marks_inapplicable_is_an_open_task_struck_through():
    from pipeline.pandoc import markdown_to_ast
    from pipeline.tree import stringify

    body = "- [x] Done\n- [~] Bring the old card\n- [ ] Open\n\n```\n- [~] code\n```\n"
    items = markdown_to_ast(body)["blocks"][0]["c"]
    assert [stringify(item).strip() for item in items] == ["☒ Done", "☐ Bring the old card",
                                                          "☐ Open"]
    assert items[1][0]["c"][-1]["t"] == "Strikeout"
    assert markdown_to_ast(body)["blocks"][1]["c"][1] == "- [~] code"


def test_outliner_properties_and_block_references_are_left_out_at_their_lines(work):
    from pipeline.pandoc import markdown_to_ast

    body = ("reviewer:: Dr Hidden Roe\n\n- Give 3 mL once.\n"
            "  id:: 6523a1b2-3c4d-4e5f-a6b7-c8d9e0f1a2b3\n"
            "  - As ((6523a1b2-3c4d-4e5f-a6b7-c8d9e0f1a2b3)) and ((GRmzn0ESv)) say.\n\n"
            "Kept: ((important)), std::vector, Note:: and `a:: b`.\n\n```\nkey:: code\n```\n")
    said = ("is a property (Logseq's, Roam's), which pandoc's Markdown does not have: its line "
            "is left out of the handout; put what a reader needs in the text, and the "
            "handout's data in its front matter")
    ref = ("is a block reference (Logseq's, Roam's): the text it shows is not in this file, so "
           "it is left out of the handout; copy the text itself here")
    assert _check(work, body) == [
        f"m.md:8: warning: 'reviewer::' {said}",
        f"m.md:11: warning: 'id::' {said}",
        f"m.md:12: warning: '((6523a1b2-3c4d-4e5f-a6b7-c8d9e0f1a2b3))' {ref}",
        f"m.md:12: warning: '((GRmzn0ESv))' {ref}",
    ]
    blocks = markdown_to_ast(body)["blocks"]
    text = stringify(blocks)
    assert "Roe" not in text and "6523" not in text and "GRmzn0ESv" not in text
    assert "Give 3 mL once." in text and "As and say." in text
    assert "Kept: ((important)), std::vector, Note:: and a:: b." in text
    assert blocks[-1]["c"][1] == "key:: code"


def test_multimarkdown_citations_are_citations_and_a_defined_label_stays_a_link(work):
    from pipeline.pandoc import markdown_to_ast

    body = ("Used [#spine-2020], see [p. 3][#Doe:2006].\n\n`[#code]` and [the site][#site].\n\n"
            "[#site]: https://example.org/\n")
    found: list[dict] = []
    rewrite(markdown_to_ast(body)["blocks"], lambda n: found.append(n) or n, ("Cite", "Link"))
    assert [(c["c"][0][0]["citationId"], stringify(c["c"][0][0]["citationSuffix"]))
            for c in found if c["t"] == "Cite"] == [("spine-2020", ""), ("Doe:2006", ", p.\xa03")]
    assert [n["c"][2][0] for n in found if n["t"] == "Link"] == ["https://example.org/"]
    (work / "r.bib").write_text("@book{Doe:2006, title={B}, author={Doe, J}, year={2006}}\n")
    assert _check(work, body, "bibliography: [r.bib]\n") == [
        "m.md:9: citation '@spine-2020' has no entry in the bibliography"]


def test_bear_highlights_are_marked_text_and_double_colons_in_words_stay():
    from pipeline.pandoc import markdown_to_ast

    blocks = markdown_to_ast("Take ::two tablets:: now; std::vector::size and `::code::`.\n\n"
                             "::: note\nText.\n:::\n")["blocks"]
    marked = [stringify(n["c"][1]) for n in blocks[0]["c"]
              if n["t"] == "Span" and n["c"][0][1] == ["mark"]]
    assert marked == ["two tablets"]
    assert "std::vector::size and ::code::." in stringify(blocks[:1])
    assert blocks[1]["t"] == "Div"


def test_outliner_task_markers_are_tasks():
    from pipeline.pandoc import markdown_to_ast

    blocks = markdown_to_ast("- TODO Check the dose\n- DONE Write it\n- CANCELED Old plan\n"
                             "- TODOs are words\n\n```\n- TODO code\n```\n")["blocks"]
    items = [stringify(item).strip() for item in blocks[0]["c"]]
    assert items == ["☐ Check the dose", "☒ Write it", "☐ Old plan", "TODOs are words"]
    assert blocks[0]["c"][2][0]["c"][2]["t"] == "Strikeout"
    assert blocks[1]["c"][1] == "- TODO code"
