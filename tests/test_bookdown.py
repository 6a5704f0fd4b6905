"""An R Markdown (bookdown) chapter as knitr leaves it, read back from every output.

knitr writes a figure as raw HTML (``<div class="figure">``, ``<img width="30%">``),
labels captions with ``(\\#tab:x)`` and cross-references with ``\\@ref(x)``; the
front matter carries pandoc's citation fields (``reference-section-title``,
``link-citations``). The EPUB must pass EPUBCheck, the web page must show the
figure, and what cannot be read is a warning at its line.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import build_in, draft, epub_documents, epubcheck, pdf_pages
from lxml import html as lxml_html

from pipeline.errors import Problems
from pipeline.pandoc import markdown_to_ast
from pipeline.raw import clean_raw_markup
from pipeline.tree import walk

CHAPTER = """---
title: "Fluids in children"
version: 1.0.0
status: draft
last_updated: 2025-09-01
bibliography: [chapter.bib]
link-citations: true
reference-section-title: "Works cited"
---

# Maintenance fluids {#maintenance}

Section \\@ref(maintenance) gives the rates in Table \\@ref(tab:rates) [@holliday1957].

Table: (\\#tab:rates)Hourly rates by weight.

| Weight   | Rate        |
|----------|-------------|
| 0-10 kg  | 4 mL/kg/h   |
| 10-20 kg | 40 mL/h + 2 |

<div class="figure">
<img src="fig/drip.png" alt="A drip chamber" width="30%" />
<p class="caption">(\\#fig:drip)A drip chamber.</p>
</div>

Figure \\@ref(fig:drip) shows the chamber.

(ref:chamber-cap) The chamber seen from the *side* [@holliday1957].

![(ref:chamber-cap)](fig/drip.png)

An undefined (ref:nowhere) stays.

\\begin{equation}
  R = 4 \\times w \\label{eq:rate}
  (\\#eq:rate)
\\end{equation}
"""
BIB = """@article{holliday1957,
  author = {Holliday, Malcolm A. and Segar, William E.},
  title = {The maintenance need for water in parenteral fluid therapy},
  journal = {Pediatrics}, year = {1957}, volume = {19}, number = {5}, pages = {823--832},
  file = {:holliday.pdf:PDF},
}
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    from PIL import Image

    folder = tmp_path_factory.mktemp("bookdown")
    (folder / "fig").mkdir()
    Image.new("RGB", (60, 40), (200, 40, 40)).save(folder / "fig" / "drip.png")
    (folder / "chapter.md").write_text(CHAPTER, encoding="utf-8")
    (folder / "chapter.bib").write_text(BIB, encoding="utf-8")
    return build_in(folder, ["chapter.md"])


def test_cross_references_are_read_or_warned_at_their_lines_and_the_front_matter_is_known(
        built):
    """A table's and a heading's are read; knitr's figure of raw HTML has no id to name."""
    out, problems = built
    assert problems == [
        ("chapter.md:33: warning: bookdown's text reference '(ref:nowhere)' is defined nowhere: "
         "it is shown as text; define it in a paragraph of its own, '(ref:nowhere) The text.'"),
        ("chapter.md:27: warning: bookdown's cross-reference '\\@ref(fig:drip)' names no "
         "figure, table or heading of the handout: it is shown as text; give its target that "
         "id ({#its-id}, or (\\#fig:x) first in a caption)"),
        ("chapter.md:22: warning: unknown box 'figure': it is shown as plain text; the known "
         "boxes are note, tip, warning (::: note ... :::)"),
    ]
    text = " ".join(" ".join(pdf_pages(out / "chapter.clinician.pdf")).split())
    assert ("Section Maintenance fluids gives the rates in Table 11. Table 1: Hourly rates "
            "by weight.") in text
    links = [(a.get("href").split("#")[1], a.text_content())
             for a in lxml_html.parse(str(out / "chapter.clinician.html")).getroot().iter("a")
             if a.get("href", "").split("#")[-1] in ("maintenance", "tab:rates")]
    assert links == [("maintenance", "Maintenance fluids"), ("tab:rates", "1")]


def test_the_epub_passes_epubcheck_and_sizes_the_figure_with_css(built):
    out, _ = built
    book = out / "chapter.clinician.epub"
    assert epubcheck([book])[book] == []
    images = [img for root in epub_documents(book).values()
              for img in root.iter("{http://www.w3.org/1999/xhtml}img")
              if img.get("alt") == "A drip chamber"]
    assert [(img.get("width"), img.get("style")) for img in images] == [(None, "width: 30%")]


def test_the_web_page_shows_the_raw_html_figure_from_its_assets(built):
    out, _ = built
    page = lxml_html.parse(str(out / "chapter.clinician.html")).getroot()
    (img,) = [img for img in page.iter("img") if img.get("alt") == "A drip chamber"]
    assert img.get("src").startswith("assets/images/")
    assert (out / img.get("src")).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_reference_list_has_its_own_title_and_labels_are_gone(built):
    out, _ = built
    text = " ".join(" ".join(pdf_pages(out / "chapter.clinician.pdf")).split())
    assert "Works cited 1. Research Holliday MA, Segar WE. The maintenance need for water" in text
    assert "References" not in text
    assert "Hourly rates by weight." in text and "A drip chamber." in text
    assert "(#" not in text and "(\\#" not in text
    # a text reference: its text in the caption, its definition gone, its citation numbered once
    assert "The chamber seen from the side1." in text and text.count("The chamber") == 1
    assert "(ref:chamber-cap)" not in text and "An undefined (ref:nowhere) stays." in text
    page = lxml_html.parse(str(out / "chapter.clinician.html")).getroot()
    captions = [" ".join(c.text_content().split()) for c in page.iter("figcaption")]
    assert captions == ["The chamber seen from the side1."]


def test_an_equation_environment_is_a_formula_without_its_labels(built):
    import pikepdf

    out, _ = built
    with pikepdf.open(out / "chapter.clinician.pdf") as pdf:
        alts = [str(obj.Alt) for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary)
                and obj.get("/Type") == "/StructElem" and obj.get("/S") == "/Formula"]
    written = "\\begin{equation} R = 4 \\times w \\end{equation}"
    assert [" ".join(alt.split()) for alt in alts] == [written]
    maths = [m for root in epub_documents(out / "chapter.clinician.epub").values()
             for m in root.iter("{http://www.w3.org/1998/Math/MathML}math")]
    assert [(m.get("display"), " ".join(m.get("alttext").split())) for m in maths] == [
        ("block", written)]
    page = lxml_html.parse(str(out / "chapter.clinician.html")).getroot()
    assert [m.get("display") for m in page.iter("math")] == ["block"]
    nav = next(root for name, root in epub_documents(out / "chapter.clinician.epub").items()
               if name.endswith("nav.xhtml"))
    assert "Works cited" in " ".join(nav.itertext())


def _cleaned(body: str) -> tuple[list[str], list[str]]:
    m = draft(body)
    problems = Problems()
    ast = clean_raw_markup(m, markdown_to_ast(body), problems)
    raw = [n["c"][1] for n in walk(ast["blocks"]) if n["t"] in ("RawInline", "RawBlock")]
    return raw, [str(p) for p in problems.items]


def test_sizes_html5_does_not_allow_become_css_or_are_left_out():
    raw, problems = _cleaned('<img src="a.png" alt="a" width="50%" height="2.5em"> '
                             '<img src="b.png" alt="b" width="120" height="auto">\n')
    assert raw == ['<img alt="a" src="a.png" style="width: 50%; height: 2.5em" />',
                   '<img alt="b" src="b.png" width="120" />']
    assert problems == ["m.md:1: warning: raw HTML height= is left out: 'auto' is not a size"]


UNKNITTED = """---
title: "Unknitted"
version: 1.0.0
status: draft
last_updated: 2025-09-01
output: html_document
abstract: |
  Not printed.
---

```{r setup, include=FALSE}
library(knitr)
```

The mean age was `r mean(age)` years.

````markdown
```{r shown-as-an-example}
x <- 1
```
````

~~~{python}
#| label: fig-age
//| echo: false
print(1)
#| a comment after the code starts
~~~

```python
#| an ordinary block keeps its lines
```
"""


def test_code_chunks_are_code_blocks_of_their_language_with_a_warning(tmp_path, monkeypatch):
    from pipeline.build import BuildOptions, check
    from pipeline.frontmatter import split_front_matter

    monkeypatch.chdir(tmp_path)
    (tmp_path / "u.md").write_text(UNKNITTED, encoding="utf-8")
    assert [str(p) for p in check([tmp_path / "u.md"], BuildOptions()).problems] == [
        ("u.md:6: warning: 'output' (R Markdown's) is not used: a handout is always built as a "
         "PDF, an EPUB and a web page"),
        ("u.md:7: warning: 'abstract' (R Markdown's, Quarto's) is not printed: a handout has no "
         "abstract; write it as the text's first section (## Abstract), or as 'summary', the "
         "files' one- or two-sentence description"),
        ("u.md:11: warning: code chunk '{r setup, include=FALSE}' (R Markdown's, Quarto's) is "
         "not run: its code is shown as r code; knit the document first, or write '```r' for "
         "code that is meant to be shown"),
        ("u.md:15: warning: inline R code `r mean(age)` is not run: it is shown as code; knit "
         "the document first"),
        ("u.md:23: warning: code chunk '{python}' (R Markdown's, Quarto's) is not run: its code "
         "is shown as python code; knit the document first, or write '```python' for code "
         "that is meant to be shown"),
    ]
    _front, body, line = split_front_matter(Path("u.md"), UNKNITTED)
    from pipeline.dialects import read_dialects

    m = draft(body, body_line=line, path=Path("u.md"), title="U")
    ast = read_dialects(m, markdown_to_ast(body), Problems())
    blocks = [(b["c"][0][1], b["c"][1]) for b in ast["blocks"] if b["t"] == "CodeBlock"]
    # Quarto's chunk options ("#| label: ...") are no code of the chunk's
    assert blocks == [(["r"], "library(knitr)"),
                      (["markdown"], "```{r shown-as-an-example}\nx <- 1\n```"),
                      (["python"], "print(1)\n#| a comment after the code starts"),
                      (["python"], "#| an ordinary block keeps its lines")]


@pytest.mark.parametrize("label", ["(ref\\:dose)", "&#40;ref&#58;dose)"])
def test_a_text_reference_written_with_an_escaped_colon_or_entities_is_read(label):
    """The body is searched for text references before its tree: written escaped or as
    entities, one is still found."""
    from pipeline.dialects import read_dialects
    from pipeline.tree import stringify

    body = f"{label} The *dose* chart.\n\n![{label}](chart.png)\n"
    blocks = read_dialects(draft(body), markdown_to_ast(body), Problems())["blocks"]
    assert [b["t"] for b in blocks] == ["Figure"]
    assert stringify(blocks[0]["c"][1][1]).strip() == "The dose chart."


@pytest.mark.parametrize("label", ["(\\#fig\\:dose)", "(&#35;fig:dose)"])
def test_a_figure_label_written_with_an_escaped_colon_or_an_entity_is_its_id(label):
    """The body is searched for bookdown's labels before its tree: written escaped or as an
    entity, one is still found."""
    from pipeline.dialects import read_dialects

    body = f"![{label} Dose chart](chart.png)\n\nSee \\@ref(fig:dose).\n"
    blocks = read_dialects(draft(body), markdown_to_ast(body), Problems())["blocks"]
    assert [(b["t"], b["c"][0][0]) for b in blocks if b["t"] == "Figure"] == [
        ("Figure", "fig:dose")]
