"""MyST Markdown (Jupyter Book, Sphinx): admonitions become boxes, the rest is said at its line.

The handout is built once and its EPUB and web page are read back; the
boxes are found as the reader meets them, with their label and text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import PNG_1PX, build_in, callout_boxes, draft, epub_elements, epubcheck, pdf_pages
from lxml import html as lxml_html

from pipeline.myst import as_boxes

BODY = """---
title: "MyST"
version: 1.0.0
status: draft
last_updated: 2025-09-01
bibliography: [refs.bib]
---

(dosing)=
# Dosing

```{note}
Bring a list of your medicines.
```

````{warning} Before the first dose
:class: dropdown
Check the weight.

```python
weight = 70
```
````

:::{tip}
Rest the knee.
:::

:::{admonition} Fasting
:class: tip
Nothing to eat after midnight.
:::

See {ref}`dosing` for the table, {ref}`the doses <dosing>`, {ref}`fig-joint` and
{numref}`fig-joint`.

```{figure} knee.png
The knee.
```

```{code-cell} python
print("dose")
```

:::{figure} chart.png
The dose chart.
:::

% the panel asked for a lower dose
Dosing follows {cite}`lam2021`, as {cite:t}`lam2021` and others {cite:p}`lam2021,osei2019`
report.

```{figure} knee.png
:name: fig-joint
:alt: Drawing of a knee joint
:width: 60%

The joint after the injection.
```

```{math}
:label: eq-volume
V = \\frac{d}{c}
```

```{image} knee.png
:alt: A small knee
```

```{code-block} python
:caption: Dose in millilitres
:linenos:
volume = dose / concentration
```

```{list-table} Doses by weight
:header-rows: 1
:name: tbl-doses

* - Weight
  - Dose
* - 70 kg
  - 1050 mg
```

```{bibliography}
```

After the list.
"""

BIB = """@article{lam2021, author = {Lam, Vivian}, title = {Knee injections}, journal = {Pain},
  year = {2021}}
@book{osei2019, author = {Osei, Kwame}, title = {Chronic pain}, publisher = {Clinical Press},
  year = {2019}}
"""

EXPECTED_BOXES = [
    ("note", "Note", "Bring a list of your medicines."),
    ("warning", "Warning", "Before the first dose Check the weight. weight = 70"),
    ("tip", "Tip", "Rest the knee."),
    ("note", "Note", "Fasting Nothing to eat after midnight."),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    folder = tmp_path_factory.mktemp("myst")
    (folder / "m.md").write_text(BODY, encoding="utf-8")
    (folder / "refs.bib").write_text(BIB, encoding="utf-8")
    for name in ("knee.png", "chart.png"):
        (folder / name).write_bytes(PNG_1PX)
    return build_in(folder, ["m.md"])



def test_directives_that_are_not_boxes_and_roles_are_warnings_at_their_line(built):
    _out, problems = built
    assert problems == [
        ("m.md:49: warning: '% ...' is a MyST comment: it is left out of the handout; for a "
         "note to the editors write an HTML comment <!-- ... -->, which no file shows"),
        ("m.md:41: warning: MyST code cell '{code-cell} python' is not run: its code is shown "
         "as python code"),
    ]


def test_figures_formulas_code_and_citations_are_read_as_pandoc_writes_them(built):
    out, _ = built
    text = " ".join(" ".join(pdf_pages(out / "m.clinician.pdf")).split())
    assert "Dosing follows1, as Lam1 and others1,2 report." in text
    assert "panel" not in text and ":name:" not in text and ":label:" not in text
    assert "V = d/c" in text and "eq-volume" not in text
    assert "Dose in millilitres volume = dose / concentration" in text
    assert ":caption:" not in text and ":linenos:" not in text
    # the reference list stands where the bibliography directive was, before the text after it
    assert text.index("1. Research Lam V.") < text.index("After the list.")
    page = lxml_html.parse(str(out / "m.clinician.html")).getroot()
    figures = [(f.get("id"), " ".join(f.find(".//figcaption").text_content().split()),
                f.find(".//img").get("alt"), f.find(".//img").get("style") or "")
               for f in page.iter("figure")]
    assert [f[:3] for f in figures] == [
        (None, "The knee.", "The knee."), (None, "The dose chart.", "The dose chart."),
        ("fig-joint", "Figure 1: The joint after the injection.", "Drawing of a knee joint")]
    assert "width:60" in figures[2][3]
    tables = [([" ".join(c.text_content().split()) for c in t.iter("th", "td")],
               " ".join(t.find(".//caption").text_content().split())) for t in page.iter("table")]
    assert tables == [(["Weight", "Dose", "70 kg", "1050 mg"], "Table 1: Doses by weight")]
    assert [i.get("alt") for i in page.iter("img")].count("A small knee") == 1
    assert "panel" not in (out / "m.clinician.html").read_text(encoding="utf-8")
    assert epubcheck([out / "m.clinician.epub"])[out / "m.clinician.epub"] == []


def test_admonitions_are_boxes_in_the_epub_and_on_the_web_page(built):
    out, _ = built
    book = out / "m.clinician.epub"
    assert callout_boxes(epub_elements(book, "div")) == EXPECTED_BOXES
    page = lxml_html.parse(str(out / "m.clinician.html")).getroot()
    assert callout_boxes(page.iter("div")) == EXPECTED_BOXES
    assert "Dosing" in [" ".join(h.text_content().split()) for h in page.iter("h1")]
    links = [(a.get("href"), a.text_content()) for a in page.iter("a")
             if (a.get("href") or "").startswith(("#dosing", "#fig-"))]
    assert links == [("#dosing", "Dosing"), ("#dosing", "the doses"),
                     ("#fig-joint", "The joint after the injection."), ("#fig-joint", "Figure 1")]
    code = [c.text_content() for c in page.iter("code")]
    assert 'print("dose")' in code
    assert epubcheck([book])[book] == []


def test_the_pdf_shows_the_boxes_without_the_directives(built):
    out, _ = built
    text = " ".join(" ".join(pdf_pages(out / "m.clinician.pdf")).split())
    assert "Note Bring a list of your medicines." in text
    assert "Warning Before the first dose Check the weight." in text
    assert "{note}" not in text and ":class:" not in text and "(dosing)=" not in text


def test_boxes_keep_every_line_in_its_place_and_leave_code_alone():
    text = "```{note}\nA\n```\n\n````markdown\n```{note}\nshown\n```\n````\n(x)=\n"
    assert as_boxes(text).split("\n") == [
        "::: {.callout-note}", "A", ":::", "", "````markdown", "```{note}", "shown", "```",
        "````", "", ""]


def test_a_notebooks_cell_breaks_are_left_out_and_a_formulas_label_names_it_line_for_line():
    text = "One.\n\n+++\n\n+++ {\"tags\": [\"hide\"]}\n$$\nC(t) = C_0 e^{-kt}\n$$ (my-eq)\n"
    assert as_boxes(text).split("\n") == [
        "One.", "", "", "", "", "[$$", "C(t) = C_0 e^{-kt}", "$$]{#my-eq .equation}", ""]


def test_a_pandoc_crossref_or_quarto_formula_label_names_the_formula_and_code_is_kept():
    from pipeline.pandoc import markdown_to_ast
    from pipeline.tree import walk

    text = ("$$ d = w \\times 15 $$ {#eq:dose}\n\n$$\nx = 1\n$$   {#eq:x}\n\n"
            "```\n$$ y $$ {#eq:y}\n```\n\n$$\nz = 2\n$$ {#eq-z}\n")
    assert as_boxes(text).split("\n") == [
        "[$$ d = w \\times 15 $$]{#eq:dose .equation}", "", "[$$", "x = 1",
        "$$]{#eq:x .equation}", "", "```", "$$ y $$ {#eq:y}", "```", "",
        "[$$", "z = 2", "$$]{#eq-z .equation}", ""]
    kinds = [n["t"] for n in walk(markdown_to_ast(text)["blocks"]) if n["t"] in ("Math", "Str")]
    assert kinds == ["Math", "Math", "Math"]  # no label printed


def test_a_directive_whose_name_has_a_colon_is_a_warning_at_its_line(tmp_path, monkeypatch):
    from pipeline.build import BuildOptions, check

    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.md").write_text(
        "---\ntitle: T\nversion: 1.0.0\nstatus: draft\nlast_updated: 2025-01-10\n---\n\n"
        "```{glue:figure} curve\n:name: fig-curve\nThe curve.\n```\n\n"
        ":::{glue:math} eq\n:::\n\n$$\nx = 1\n$$ (eq-x)\n\n+++\n", encoding="utf-8")
    assert [str(p) for p in check([tmp_path / "m.md"], BuildOptions()).problems] == [
        ("m.md:8: warning: MyST directive '{glue:figure} curve' is not supported: its text is "
         "shown as code"),
        ("m.md:13: warning: MyST directive '{glue:math} eq' is not supported: it is shown as "
         "text; the boxes ':::{note}', ':::{tip}' and ':::{warning}' are read")]


def test_myst_markup_is_read_line_for_line_only_in_a_myst_page():
    from pipeline.mystmarkup import as_pandoc

    plain = "Of the patients, 40\n% improved.\n\n```{r}\nx <- 1\n```\n"
    assert as_pandoc(plain) == plain  # no MyST mark: '%' starts a line of text
    text = ("(top)=\n% a note\n```{math}\n:label: eq-a\nx = 1\n```\n\n````{image} a.png\n"
            ":alt: A\n````\n```text\n{cite}`k`\n% kept\n```\n{cite:year}`k, j`\n")
    assert as_pandoc(text).split("\n") == [
        "(top)=", "", "", "[$$", "x = 1", "$$]{#eq-a .equation}", "", "", "", "![A](a.png)\\ ",
        "```text",
        "{cite}`k`", "% kept", "```", "[-@k; -@j]", ""]


def test_an_epigraph_is_a_quote_with_its_attribution_and_a_doc_role_is_warned(tmp_path,
                                                                               monkeypatch):
    from pipeline.build import BuildOptions, check
    from pipeline.dialects import read_dialects
    from pipeline.errors import Problems
    from pipeline.mystmarkup import as_pandoc
    from pipeline.pandoc import markdown_to_ast
    from pipeline.tree import stringify

    body = ("# Doses\n\n```{epigraph}\nNo dose without a reason.\n\n-- A. Clinician\n```\n\n"
            "See {doc}`install/setup` and {doc}`Setting up <install/setup>`.\n")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.md").write_text(
        "---\ntitle: T\nversion: 1.0.0\nstatus: draft\nlast_updated: 2025-01-10\n---\n\n"
        + body, encoding="utf-8")
    said = ("is a reStructuredText :doc: role: it links to another page of the project, which "
            "a handout (a file that stands alone) cannot, so its words are shown as text")
    assert [str(p) for p in check([tmp_path / "m.md"], BuildOptions()).problems] == [
        f"m.md:16: warning: 'install/setup' {said}",
        f"m.md:16: warning: 'Setting up <install/setup>' {said}"]
    ast = read_dialects(draft(body, body_line=8), markdown_to_ast(as_pandoc(body)), Problems())
    quote = ast["blocks"][1]
    assert quote["t"] == "BlockQuote"
    assert [stringify(b).strip() for b in quote["c"]] == ["No dose without a reason.",
                                                          "\u2014 A. Clinician"]
    assert stringify(ast["blocks"][2]).strip() == "See install/setup and Setting up."
