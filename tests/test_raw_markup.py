"""Raw HTML and raw TeX in a body: normalised, cleaned, reported; worker errors that travel."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from helpers import draft
from lxml import etree

from pipeline.errors import Problems
from pipeline.model import Manuscript, RenderOptions, Stamp
from pipeline.pandoc import markdown_to_ast
from pipeline.raw import clean_raw_markup
from pipeline.tree import stringify


def manuscript(body: str, path: Path = Path("m.md")) -> Manuscript:
    return draft(body, body_line=10, path=path)


def cleaned(body: str) -> tuple[list, list[str]]:
    problems = Problems()
    m = manuscript(body)
    ast = clean_raw_markup(m, markdown_to_ast(body), problems)
    return ast["blocks"], [str(p) for p in problems.items]


def raw_pieces(blocks: list) -> list[str]:
    from pipeline.tree import walk

    return [n["c"][1] for n in walk(blocks) if n["t"] in ("RawInline", "RawBlock")]


def test_void_tags_become_xhtml_and_unclosed_tags_are_closed():
    blocks, problems = cleaned("| A | B |\n|---|---|\n| x | **Local**<br>Max <b>4 |\n")
    assert problems == []
    assert raw_pieces(blocks) == ["<br />", "<b>", "</b>"]


def test_block_fragments_are_read_together_as_html5_reads_them():
    blocks, problems = cleaned("<table><tr><td>a<td>b</table>\n")
    assert problems == []
    assert "".join(raw_pieces(blocks)) == "<table><tbody><tr><td></td><td></td></tr></tbody></table>"
    from pipeline.tree import stringify

    assert stringify(blocks).split() == ["a", "b"]  # the Markdown content stays in its cells


def test_a_cell_of_many_words_before_a_tag_is_read_as_html_not_taken_for_a_file_name():
    # the cell's words stand in the fragment as placeholders of three bytes each: more than
    # a file name may have before the first '/', in fewer than 200 characters
    blocks, problems = cleaned("<table>\n  <tr>\n    <td>Give the dose once a day with food "
                               "and water, and check the level before the\n    third dose "
                               "<code>again</code>.</td>\n  </tr>\n</table>\n")
    assert problems == []
    assert "".join(raw_pieces(blocks)) == ("<table><tbody><tr><td><code></code></td></tr>"
                                           "</tbody></table>")
    assert stringify(blocks).split()[-3:] == ["third", "dose", "again."]


def test_entities_and_attributes_are_written_as_xml():
    blocks, _ = cleaned('<abbr title=a&nbsp;b class=x>t</abbr> <img src=c.png alt="a & b">\n')
    assert raw_pieces(blocks) == ['<abbr class="x" title="a\u00a0b">', "</abbr>",
                                  '<img alt="a &amp; b" src="c.png" />']


def test_active_content_is_left_out_with_a_warning_at_its_line():
    body = ("Text.\n\n<p onclick=\"x()\" align=center>P</p>\n\n<iframe src=\"a.html\"></iframe>\n"
            "\n<a href=\"javascript:alert(1)\">link</a> and <center>old</center>\n")
    blocks, problems = cleaned(body)
    assert sorted(problems, key=lambda p: int(p.split(":")[1])) == [
        "m.md:12: warning: raw HTML onclick= is left out: event handlers are scripts",
        ("m.md:14: warning: raw HTML <iframe> is left out: scripts and embedded content never "
        "go into a handout"),
        ("m.md:16: warning: raw HTML href= is left out: only web, mail and relative addresses "
        "are kept"),
        ("m.md:16: warning: raw HTML <center> is left out: it is not an element of HTML5 (its "
        "text is kept)"),
    ]
    html = "".join(raw_pieces(blocks))
    assert '<p style="text-align: center">' in html
    assert "iframe" not in html and "javascript" not in html and "onclick" not in html


@pytest.mark.parametrize("html", [
    "<b>" * 2000 + "x" + "</b>" * 2000,  # inline tags: each a raw node of a flat paragraph
    "<table><tr><td>" * 400 + "x",  # never closed
])
def test_raw_html_nested_past_what_the_stages_walk_is_an_error_at_its_line(html):
    blocks, problems = cleaned("Text.\n\n" + html + "\n\nAfter.\n")
    assert problems == [
        "m.md:12: raw HTML nests more than 40 elements inside each other: close its tags sooner"]
    assert raw_pieces(blocks) == []


def test_raw_html_forty_deep_is_kept():
    blocks, problems = cleaned("<div>" + "<i>" * 39 + "x" + "</i>" * 39 + "</div>\n")
    assert problems == [] and "".join(raw_pieces(blocks)).count("<i>") == 39


def test_a_heading_inside_raw_html_keeps_the_heading_and_drops_the_tags():
    blocks, problems = cleaned("<details>\n\n# Inside\n\ntext\n\n</details>\n")
    assert [b["t"] for b in blocks] == ["Header", "Para"]
    assert problems == [("m.md:10: warning: raw HTML <details> is left out: a heading cannot sit "
                        "inside it; use a fenced div (:::) instead (its content is kept)")]


def test_raw_tex_page_breaks_and_other_commands():
    blocks, problems = cleaned("A\n\n\\newpage\n\nB \\pagebreak C\n\n\\clearpage\n\n"
                               "\\vspace{2cm}\n")
    assert [b["t"] for b in blocks] == ["Para", "Div", "Para", "Div", "Para", "Div"]
    assert [stringify(b).strip() for b in blocks if b["t"] == "Para"] == ["A", "B", "C"]
    assert all(b["c"][0][1] == ["page-break"] for b in blocks if b["t"] == "Div")
    assert problems == [
        ("m.md:18: warning: raw TeX '\\vspace{2cm}' is left out of the handout: only \\newpage, "
        "\\pagebreak and \\clearpage are understood (write $...$ for math)"),
    ]


def test_a_page_break_right_under_a_paragraph_still_breaks_the_page():
    blocks, problems = cleaned("Last line of the page.\n\\newpage\nFirst of the next.\n")
    assert [(b["t"], stringify(b).strip()) for b in blocks] == [
        ("Para", "Last line of the page."), ("Div", ""), ("Para", "First of the next.")]
    assert problems == []


def test_only_tex_is_raw_tex_and_each_warning_is_at_its_own_line():
    body = ("```\n\\foo{x}\n```\n\nSee `\\foo{x}` and $\\alpha$.\n\n"
            "Saved in C:\\Users\\ana\\Documents, not \\foo{x}.\n\n*a \\newpage b* and "
            "\\alpha.\n")
    blocks, problems = cleaned(body)
    assert stringify(blocks[2]).strip() == "Saved in C:\\Users\\ana\\Documents, not ."
    assert stringify(blocks[3]).strip() == "a b and ."
    assert problems == [
        ("m.md:16: warning: raw TeX '\\foo{x}' is left out of the handout: only \\newpage, "
         "\\pagebreak and \\clearpage are understood (write $...$ for math)"),
        ("m.md:18: warning: '\\newpage' inside emphasis, a link or another inline element is "
         "left out: put it on a line of its own to start a new page"),
        ("m.md:18: warning: raw TeX '\\alpha' is left out of the handout: only \\newpage, "
         "\\pagebreak and \\clearpage are understood (write $...$ for math)"),
    ]


def test_tex_commands_that_latex_reads_as_words_are_those_words_and_citations():
    """What ``pandoc -t markdown paper.tex`` leaves in the text: the words stay."""
    from pipeline.texwords import read_tex_words

    body = ("The \\textsc{who} data use \\SI{5}{\\milli\\litre} doses \\cite{kim2020, lee2019};"
            " \\citet{kim2020} agrees, \\emph{twice}.\n\n\\vspace{2cm} and \\ref{tab:x} "
            "\\foo{x} stay.\n")
    problems = Problems()
    ast = clean_raw_markup(manuscript(body), read_tex_words(markdown_to_ast(body), body),
                           problems)
    first, second = ast["blocks"]
    assert " ".join(stringify(first).split()) == (
        "The who data use 5 ml doses [@kim2020; @lee2019]; @kim2020 agrees, twice.")
    kinds = [n["t"] for n in first["c"] if n["t"] not in ("Str", "Space")]
    assert kinds == ["SmallCaps", "Cite", "Cite", "Emph"]
    assert [[c["citationId"] for c in n["c"][0]] for n in first["c"] if n["t"] == "Cite"] == [
        ["kim2020", "lee2019"], ["kim2020"]]
    assert " ".join(stringify(second).split()) == "and stay."
    said = ("is left out of the handout: only \\newpage, \\pagebreak and \\clearpage are "
            "understood (write $...$ for math)")
    assert [str(p) for p in problems.items] == [f"m.md:12: warning: raw TeX '{t}' {said}" for t in
                                                ("\\ref{tab:x}", "\\foo{x}", "\\vspace{2cm}")]


def test_emphasis_around_a_raw_tex_command_is_emphasis_and_the_star_is_not_the_commands():
    body = ("*text \\newpage*\n\n**bold \\alpha** after\n\n"
            "\\section*{Starred} stays starred.\n\n"
            "Code `*a \\newpage*` and math $x \\cdot* y$ and \\\\newpage*z*.\n\n"
            "```\n*b \\newpage*\n```\n")
    blocks, problems = cleaned(body)
    assert [b["t"] for b in blocks] == ["Para", "Para", "Para", "Para", "CodeBlock"]
    assert blocks[0]["c"][0]["t"] == "Emph" and stringify(blocks[0]).strip() == "text"
    assert blocks[1]["c"][0]["t"] == "Strong" and stringify(blocks[1]).split() == ["bold", "after"]
    assert stringify(blocks[2]).strip() == "stays starred."  # \section* read whole, left out below
    para = blocks[3]["c"]
    assert [n["c"][1] for n in para if n["t"] in ("Code", "Math")] == ["*a \\newpage*",
                                                                       "x \\cdot* y"]
    assert para[-2]["t"] == "Emph" and stringify(para[-2]) == "z"
    assert blocks[4]["c"][1] == "*b \\newpage*"
    assert problems == [
        ("m.md:10: warning: '\\newpage' inside emphasis, a link or another inline element is "
         "left out: put it on a line of its own to start a new page"),
        ("m.md:12: warning: raw TeX '\\alpha' is left out of the handout: only \\newpage, "
         "\\pagebreak and \\clearpage are understood (write $...$ for math)"),
        ("m.md:14: warning: raw TeX '\\section*{Starred}' is left out of the handout: only "
         "\\newpage, \\pagebreak and \\clearpage are understood (write $...$ for math)"),
    ]


TABLE_BREAKS = """| Drug | Dose |
|------|------|
| Adrenaline | 1 mg \\newpage every 3 min |
| Amiodarone | 300 mg |

+------------+-----------------+
| Drug       | Notes           |
+============+=================+
| Lidocaine  | First line.     |
|            |                 |
|            | \\pagebreak      |
|            |                 |
|            | After break.    |
+------------+-----------------+

After the tables.

\\newpage

Next page.
"""


def test_a_page_break_in_a_table_cell_is_left_out_with_a_warning_and_the_row_stays_whole(
        tmp_path):
    from helpers import build_fixed, pdf_pages

    from pipeline.tree import walk

    blocks, problems = cleaned(TABLE_BREAKS)
    breaks = [n for n in walk(blocks) if n["t"] == "Div" and "page-break" in n["c"][0][1]]
    assert len(breaks) == 1  # only the one between the paragraphs
    assert [b["t"] for b in blocks] == ["Table", "Table", "Para", "Div", "Para"]
    cell = "inside a table cell is left out: a table row is never split across pages; put " \
           "the page break before or after the table"
    assert problems == [f"m.md:12: warning: '\\newpage' {cell}",
                        f"m.md:20: warning: '\\pagebreak' {cell}"]

    (tmp_path / "t.md").write_text(
        '---\ntitle: "Table breaks"\nversion: 1.0.0\nstatus: draft\n'
        "last_updated: 2025-06-01\n---\n\n" + TABLE_BREAKS, encoding="utf-8")
    pages = pdf_pages(build_fixed([tmp_path / "t.md"], tmp_path / "out", jobs=1,
                                  formats=("pdf",)) / "t.clinician.pdf")
    first = " ".join(pages[0].split())
    for row in ("Adrenaline 1 mg every 3 min", "Amiodarone 300 mg", "First line.",
                "After break.", "After the tables."):
        assert row in first, row
    assert "Next page." in pages[1] and "Next page." not in pages[0]


UNTITLED = ("raw <svg> has no text alternative: give it a <title> that says what it shows, "
            "as an image's alt text")


def test_a_drawing_without_a_title_has_no_text_alternative_and_is_an_error_at_its_line():
    body = ('Titled <svg width="9" height="9"><title>A bar</title><rect width="9" height="9"/>'
            "</svg> here.\n\n"
            'Untitled <svg width="9" height="9"><rect width="9" height="9"/></svg> here.\n\n'
            '<svg width="9" height="9">\n<title> </title>\n<rect width="9" height="9"/>\n'
            "</svg>\n\n"
            '<svg width="9" height="9"><title>Outer</title><svg width="4" height="4">'
            '<rect width="4" height="4"/></svg></svg>\n\n'
            'Again <svg width="9" height="9"><rect width="9" height="9"/></svg>.\n')
    blocks, problems = cleaned(body)
    assert sorted(problems) == [f"m.md:12: {UNTITLED}", f"m.md:14: {UNTITLED}",
                        f"m.md:21: {UNTITLED}"]
    assert sum(piece.count("<svg") for piece in raw_pieces(blocks)) == 6  # all kept


def test_a_titled_drawing_reads_its_title_as_alternative_text_in_the_pdf(tmp_path):
    import pikepdf
    from helpers import build_fixed

    (tmp_path / "d.md").write_text(
        '---\ntitle: "Drawings"\nversion: 1.0.0\nstatus: draft\nlast_updated: 2025-06-01\n'
        '---\n\nA bar: <svg width="40" height="20" viewBox="0 0 40 20"><title>A blue bar</title>'
        '<rect width="40" height="20" fill="#2050a0"/></svg> end.\n', encoding="utf-8")
    out = build_fixed([tmp_path / "d.md"], tmp_path / "out", jobs=1, formats=("pdf",))
    with pikepdf.open(out / "d.clinician.pdf") as pdf:
        figures = [str(o.get("/Alt")) for o in pdf.objects if isinstance(o, pikepdf.Dictionary)
                   and o.get("/Type") == "/StructElem" and o.get("/S") == "/Figure"]
    assert figures == ["A blue bar"]


# -- exceptions from workers -------------------------------------------------------------------


def unpicklable() -> Exception:
    try:
        etree.fromstring("<p><br></p>")
    except etree.XMLSyntaxError as exc:
        return exc
    raise AssertionError("lxml accepted broken XML")


def test_an_exception_that_cannot_be_pickled_comes_back_as_a_located_problem(tmp_path,
                                                                          monkeypatch):
    from pipeline.executors import LocalPoolRunner
    from pipeline.jobs import RenderJob, RenderResult, travels

    assert not travels(unpicklable()) and travels(ValueError("fine"))

    def broken(self, doc, options, styles):
        raise unpicklable()

    monkeypatch.setattr("pipeline.formats.epub.EpubFormat.render", broken)
    root = Path(__file__).resolve().parent.parent
    (tmp_path / "m.md").write_text("---\ntitle: T\nversion: 1.0.0\nstatus: draft\n"
                                   "last_updated: 2025-01-01\n---\nText.\n")
    m = manuscript("Text.\n", tmp_path / "m.md")
    stamp = Stamp("1.0.0", "draft", dt.date(2025, 1, 1), dt.date(2025, 1, 1), "")
    jobs = [RenderJob(m, stamp, root / "styles", (("clinician", "epub"),), RenderOptions()),
            RenderJob(m, stamp, root / "styles", (("clinician", "pdf"),), RenderOptions())]
    with LocalPoolRunner(2) as runner:  # forked workers inherit the broken renderer
        for job in jobs:
            runner.submit(job)
        outcomes = {job.wanted: outcome for job, outcome in runner.completed()}
    epub = outcomes[(("clinician", "epub"),)]
    assert isinstance(epub, RenderResult) and epub.outputs == ()
    (problem,) = epub.problems
    assert (problem.path.endswith("m.md"), problem.line, problem.code) == (True, None, "internal")
    assert problem.message.startswith(
        "internal error while making the EPUB of the clinician edition: XMLSyntaxError: "
        "Opening and ending tag mismatch: br line 1 and p")
    assert "Traceback" in problem.message and "in broken" in problem.message
    pdf = outcomes[(("clinician", "pdf"),)]
    assert isinstance(pdf, RenderResult) and pdf.problems == ()
    assert [fmt for _audience, fmt, _data in pdf.outputs] == ["pdf"]


@pytest.mark.parametrize("exc", [ValueError("plain"), KeyError("k")])
def test_exceptions_that_pickle_keep_travelling_as_themselves(exc):
    from pipeline.jobs import travels

    assert travels(exc)


TAGS = ["<b>", "</b>", "<i>", "</p>", "<p>", "<br>", "<hr>", "<td>", "<tr>", "<table>",
        "</table>", "<ul>", "<li>", "</ul>", "<span>", "</span>", "<details>", "</details>",
        "<summary>", "<font color=red>", "<script>x</script>", "<div>", "</div>", "&nbsp;",
        "<img src=a.png alt=a>", "<a href=#x>", "</a>", "<!-- c -->", "<sup>", "</sup>"]


def test_any_mix_of_raw_tags_and_markdown_becomes_well_formed_xhtml():
    """Whatever raw HTML a body holds, pandoc's writer then makes well-formed XHTML of it."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from pipeline.pandoc import ast_to

    words = st.sampled_from(["text", "**bold**", "- item", "# Heading", "| a |", "\n\n", "\n",
                             " ", "1. one", "> quote", "*em*"])

    @settings(max_examples=40, deadline=None)
    @given(st.lists(st.one_of(st.sampled_from(TAGS), words), min_size=1, max_size=14))
    def check(parts: list[str]) -> None:
        body = "".join(parts) + "\n"
        problems = Problems()
        ast = clean_raw_markup(manuscript(body), markdown_to_ast(body), problems)
        xhtml = ast_to(ast, "html5", ["--section-divs"])
        etree.fromstring(f"<body>{xhtml}</body>".encode())

    check()


def test_an_attribute_without_a_value_keeps_the_xhtml_well_formed():
    """pandoc's writers shorten an empty value to the bare name (``<details open>``), which
    an EPUB's XHTML cannot hold: a boolean attribute is written as its name, another empty
    one is left out."""
    from pipeline.pandoc import ast_to

    body = ("<details open>\n<summary>Scoring</summary>\n\nText.\n\n</details>\n\n"
            '<ol reversed><li>b</li><li>a</li></ol>\n\n<p title="" class="">Plain.</p>\n')
    blocks, problems = cleaned(body)
    assert problems == []
    root = etree.fromstring(f"<body>{ast_to({**markdown_to_ast(body), 'blocks': blocks}, 'html5')}"
                            "</body>".encode())
    assert root.find("details").get("open") == "open"
    assert root.find("ol").get("reversed") == "reversed"
    assert root.find("p").attrib == {}


def test_a_picture_element_is_its_image_and_its_other_sources_are_left_out():
    """GitHub's READMEs give a dark theme its own file in <picture>: print shows the <img>."""
    blocks, problems = cleaned(
        '<picture>\n  <source media="(prefers-color-scheme: dark)" srcset="dark.png">\n'
        '  <img alt="Screening flow chart" src="light.png">\n</picture>\n')
    assert problems == []
    assert [p.strip() for p in raw_pieces(blocks)] == [
        '<img alt="Screening flow chart" src="light.png" />']


# -- raw content for a writer (```{=html}, `x`{=latex}, ```{=openxml}) -----------------------


RAW_ATTRIBUTES = (
    "Give 5 mL.\n\n```{=html}\n<p class=\"lead\">Shown as <b>HTML</b>.<!-- ask Dr X --></p>\n"
    "```\n\n```{=latex}\n\\textbf{Only for LaTeX}\n```\n\n```{=openxml}\n"
    "<w:p><w:r><w:t>Only for Word</w:t></w:r></w:p>\n```\n\nText `\\hfill`{=latex} and "
    "`<kbd>Ctrl</kbd>`{=html} and `.bp`{=ms} inline.\n\n```{=latex}\n\\newpage\n```\n"
)


def test_raw_attribute_content_is_read_as_raw_for_its_writer_never_shown_as_code():
    blocks, problems = cleaned(RAW_ATTRIBUTES)
    assert [b["t"] for b in blocks] == ["Para", "RawBlock", "Para", "Div"]
    assert raw_pieces(blocks) == ['<p class="lead">Shown as <b>HTML</b>.</p>',
                                  "<kbd>Ctrl</kbd>"]
    assert " ".join(stringify(blocks[2]).split()) == "Text and and inline."
    assert blocks[3]["c"][0][1] == ["page-break"]
    assert sorted(problems) == [
        ("m.md:17: warning: raw TeX '\\textbf{Only for LaTeX}' is left out of the handout: "
         "only \\newpage, \\pagebreak and \\clearpage are understood (write $...$ for math)"),
        ("m.md:20: warning: raw {=openxml} content '<w:p><w:r><w:t>Only for Word</w:t></w...'"
         " is left out of the handout: only raw HTML ({=html}) and TeX page breaks are shown"),
        ("m.md:24: warning: raw TeX '\\hfill' is left out of the handout: only \\newpage, "
         "\\pagebreak and \\clearpage are understood (write $...$ for math)"),
        ("m.md:24: warning: raw {=ms} content '.bp' is left out of the handout: only raw HTML "
         "({=html}) and TeX page breaks are shown"),
    ]


def test_raw_attribute_content_reaches_no_output_and_no_attachment(tmp_path):
    import zipfile

    import pikepdf
    from helpers import build_fixed

    (tmp_path / "r.md").write_text(
        '---\ntitle: "Raw"\nversion: 1.0.0\nstatus: draft\nlast_updated: 2025-06-01\n---\n\n'
        + RAW_ATTRIBUTES, encoding="utf-8")
    out = build_fixed([tmp_path / "r.md"], tmp_path / "out", jobs=1, formats=("pdf", "epub"))
    with zipfile.ZipFile(out / "r.clinician.epub") as epub:
        page = epub.read("EPUB/text/ch001.xhtml").decode()
    with pikepdf.open(out / "r.clinician.pdf") as pdf:
        source = pdf.attachments["r.clinician.md"].get_file().read_bytes().decode()
    assert '<p class="lead">Shown as <b>HTML</b>.</p>' in page and "<kbd>Ctrl</kbd>" in page
    assert "{=" not in page and "{=latex}" not in source and "{=openxml}" not in source
    for written in ("Only for", "hfill", ".bp", "ask Dr X"):
        assert written not in page and written not in source, written


def test_macro_definitions_are_written_into_the_formulas_and_not_warned_about():
    blocks, problems = cleaned("\\newcommand{\\RR}{\\mathbb{R}}\n\\def\\half{\\frac{1}{2}}\n"
                               "\\DeclareMathOperator{\\logit}{logit}\n\n"
                               "Let $x \\in \\RR$, $\\half$ and $\\logit p$.\n\n\\vspace{1cm}\n")
    from pipeline.tree import walk

    assert [n["c"][1] for n in walk(blocks) if n["t"] == "Math"] == [
        "x \\in \\mathbb{R}", "\\frac{1}{2}", "\\mathop{\\mathrm{logit}}p"]
    assert raw_pieces(blocks) == []
    assert problems == [
        ("m.md:16: warning: raw TeX '\\vspace{1cm}' is left out of the handout: only \\newpage, "
         "\\pagebreak and \\clearpage are understood (write $...$ for math)"),
    ]


def test_hidden_text_is_left_out_of_every_file_with_a_warning_at_its_line():
    blocks, problems = cleaned(
        "Shown.\n\n::: {hidden=\"\"}\nAsk Dr X about the dose.\n:::\n\n"
        "Text [a note]{style=\"display: none\"} and more.\n\n"
        "<p style=\"color: red; visibility: hidden\">Invisible.</p>\n\n"
        "<table><tr><td>cell <em hidden>quiet</em></td></tr></table>\n\n"
        "[Kept]{.hidden-text style=\"color: grey\"}\n")
    text = " ".join(stringify(blocks).split()) + " ".join(raw_pieces(blocks))
    for gone in ("Dr X", "a note", "Invisible", "quiet"):
        assert gone not in text
    assert "Shown." in text and "Text and more." in text and "Kept" in text
    why = ("hidden text would still be in the EPUB and the web page for anyone to read; for a "
           "note to the editors write an HTML comment <!-- ... -->, which no file keeps")
    assert sorted(problems) == [
        f"m.md:12: warning: a hidden div is left out with its text: {why}",
        f"m.md:16: warning: a hidden span is left out with its text: {why}",
        f"m.md:18: warning: raw HTML <p> is left out: it is hidden (its text is left out too): {why}",
        f"m.md:20: warning: raw HTML <em> is left out: it is hidden (its text is left out too): {why}",
    ]


def test_a_picture_written_into_raw_html_is_kept_and_a_drawing_is_not():
    png = "data:image/png;base64,iVBORw0KGgo="
    svg = "data:image/svg+xml;base64,PHN2Zy8+"
    blocks, problems = cleaned(f'A <img src="{png}" alt="a dot"> and <img src="{svg}" '
                               'alt="a drawing">.\n')
    assert raw_pieces(blocks) == [f'<img alt="a dot" src="{png}" />', '<img alt="a drawing" />']
    assert problems == [
        ("m.md:10: warning: raw HTML src= is left out: only web, mail and relative addresses "
         "are kept")]


def test_a_style_that_is_not_css_is_left_out_with_a_warning_at_its_line():
    """MDX's ``style={{color: 'red'}}`` reads as ``style="{{color:"``: an EPUB holding it
    fails EPUBCheck (CSS-008)."""
    body = "<div style={{color: 'red'}}>Styled.</div>\n\n<p style=\"color: red\">Kept.</p>\n"
    blocks, problems = cleaned(body)
    html = "".join(raw_pieces(blocks))
    assert "{{" not in html and '<p style="color: red">' in html
    assert ("m.md:10: warning: raw HTML style= is left out: '{{color:' is not CSS (a JSX style "
            "object, as MDX writes one, is not); write style=\"color: red\"") in problems


def test_at_most_five_hundred_tex_commands_are_read_as_words_in_one_run(monkeypatch):
    """A hostile body of thousands of commands: pandoc's LaTeX reader took 25 s for 20,000."""
    from pipeline import texwords

    asked: list[str] = []

    def convert(source: str, target: str, text: str) -> bytes:
        asked.append(text)
        raise texwords.PandocFailure("not run")

    monkeypatch.setattr(texwords, "convert_text", convert)
    body = " ".join(f"\\textsc{{w{i}}} \\textsc{{w{i}}}" for i in range(600))
    ast = markdown_to_ast(body)
    assert texwords.read_tex_words(ast, body) == ast  # left raw when pandoc fails
    assert len(asked) == 1 and asked[0].count("\\textsc") == 500


def test_a_tex_citation_is_cited_by_a_checked_manuscript(tmp_path, monkeypatch):
    from pipeline.build import BuildOptions, check

    monkeypatch.chdir(tmp_path)
    (tmp_path / "r.bib").write_text("@book{b, title={B}, author={Ng, A}, year={2000}}\n")
    (tmp_path / "m.md").write_text(
        "---\ntitle: T\nversion: 1.0.0\nstatus: draft\nlast_updated: 2025-01-01\n"
        "bibliography: [r.bib]\n---\n\nThe \\textsc{who} view \\cite{b}; \\cite{nowhere}.\n",
        encoding="utf-8")
    assert [str(p) for p in check([tmp_path / "m.md"], BuildOptions()).problems] == [
        "m.md:9: citation '@nowhere' has no entry in the bibliography"]
