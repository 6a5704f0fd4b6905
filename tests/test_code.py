"""Code in the project's monospace family, highlighted, and kept inside the page.

The code fixture (tests/fixtures/code/code.md) has inline code (plain, bold,
italic), highlighted Python, SQL and JSON blocks, a line far wider than the
page, and a block of Greek, Cyrillic, arrows and signs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import ROOT, draft, epub_documents, epubcheck, pdf_pages
from page_geometry import outside
from pdf_content import shown_strings

XHTML = "{http://www.w3.org/1999/xhtml}"
MARGIN = 18 * 72 / 25.4  # the page's left and right margins


@pytest.fixture(scope="module")
def built(formulas_and_code: Path) -> Path:
    return formulas_and_code


def _drawn_in(pdf: Path) -> dict[str, str]:
    """The text each font draws, by font name without the subset tag."""
    drawn: dict[str, str] = {}
    for shown in shown_strings(pdf):
        name = re.sub(r"^[A-Z]{6}\+", "", shown.font)
        drawn[name] = drawn.get(name, "") + shown.text
    return drawn


def test_code_is_drawn_in_the_monospace_family_in_its_styles(built):
    drawn = _drawn_in(built / "code.clinician.pdf")
    mono = drawn["Handout-Mono"]
    for text in ("tablet", "dose --kg 70 --mg-per-kg 0.5", "max_daily_mg",
                 " body_surface_area(height_cm: ", "verified_by_pharmacist ",
                 '"height and weight must be > 0"'):
        assert text in mono, text
    assert "STAT" in drawn["Handout-Mono-Bold"]
    assert "prn" in drawn["Handout-Mono-Italic"]
    # the prose around the code stays in the text family
    assert "Take one tablet at night." in drawn["Handout-Sans"]
    assert "tablet" not in drawn["Handout-Sans"].replace("Take one tablet at night.", "")
    # the monospace family draws the signs, Greek and Cyrillic of code itself
    for ch in "αΩЖжïé½‰±×÷°µ≥≤→":
        assert ch in mono, ch


def test_tokens_are_highlighted_by_weight_and_slant_as_well_as_colour(built):
    drawn = _drawn_in(built / "code.clinician.pdf")
    bold, italic, regular = (drawn["Handout-Mono-Bold"], drawn["Handout-Mono-Italic"],
                             drawn["Handout-Mono"])
    # keywords and types bold, comments italic, strings and numbers regular
    for keyword in ("import", "def", "float", "if", "raise", "return", "SELECT", "FROM",
                    "WHERE"):
        assert keyword in bold, keyword
    assert "# mg/kg, every 6 h → max 4 doses" in italic and "Mosteller formula" in italic
    assert "# √(h × w / 3600)" in italic
    assert '"height and weight must be > 0"' in regular and "3600" in regular
    assert "SELECT" not in regular and "mg/kg" not in regular


def test_the_code_colours_stay_readable_in_greyscale():
    css = (ROOT / "styles" / "css" / "code.css").read_text()
    background = 0xF4F6F8

    def luminance(rgb: int) -> float:
        channels = [((rgb >> shift) & 0xFF) / 255 for shift in (16, 8, 0)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    colours = re.findall(r"color:\s*#([0-9a-fA-F]{3,6})", css)
    assert len(colours) >= 8
    for colour in colours:
        value = int(colour * 2 if len(colour) == 3 else colour, 16)
        contrast = (luminance(background) + 0.05) / (luminance(value) + 0.05)
        assert contrast >= 4.5, f"#{colour} on the code background: {contrast:.1f}:1"


def test_long_code_lines_wrap_inside_the_page(built):
    pdf = built / "code.clinician.pdf"
    assert outside(pdf, margin=MARGIN) == []
    text = "".join(pdf_pages(pdf)).replace("\n", "")
    for piece in ("verified_by_pharmacist", "'2025-01-01';", "past/the/right/margin/of/the/page"):
        assert piece in text.replace(" ", ""), piece


def test_the_epub_keeps_the_highlighted_code_and_passes_epubcheck(built):
    path = built / "code.clinician.epub"
    documents = epub_documents(path)
    blocks = [pre for root in documents.values() for pre in root.iter(f"{XHTML}pre")]
    assert len(blocks) == 4
    spans = {span.get("class"): span.text for root in documents.values()
             for span in root.iter(f"{XHTML}span") if span.get("class") in ("kw", "co", "st")}
    assert set(spans) == {"kw", "co", "st"}
    inline = [c.text for root in documents.values() for c in root.iter(f"{XHTML}code")
              if c.getparent().tag == f"{XHTML}p"]
    assert "tablet" in inline and "dose --kg 70 --mg-per-kg 0.5" in inline
    assert epubcheck([path])[path] == []


def test_a_fence_with_words_after_its_language_is_a_code_block_and_its_title_shown():
    """CommonMark reads a fence's first word as its language and GitHub, MkDocs and
    Docusaurus put more after it; pandoc's Markdown would read no fence at all."""

    from pipeline.dialects import read_dialects
    from pipeline.errors import Problems
    from pipeline.pandoc import markdown_to_ast
    from pipeline.tree import stringify

    body = ('```python title="check.py" linenums="1"\ndef ok():\n    return True\n```\n\n'
            "```js {1,3}\nlet a = 1;\n```\n\n~~~bash showLineNumbers\nls\n~~~\n\n"
            '````\n```python title="shown.py"\n````\n')
    manuscript = draft(body)
    problems = Problems()
    blocks = read_dialects(manuscript, markdown_to_ast(body), problems)["blocks"]
    assert [(b["t"], b["c"][0][1] if b["t"] == "CodeBlock" else stringify(b).strip())
            for b in blocks] == [("Para", "check.py"), ("CodeBlock", ["python"]),
                                 ("CodeBlock", ["js"]), ("CodeBlock", ["bash"]),
                                 ("CodeBlock", [])]
    assert blocks[1]["c"][1] == "def ok():\n    return True"
    assert blocks[4]["c"][1] == '```python title="shown.py"'  # inside code: as written
    assert problems.items == []


def test_vitepress_fences_highlighting_lines_and_titled_in_brackets_are_code_blocks():
    """VitePress writes the lines to highlight right after the language and a title in
    brackets: ```` ```js{2,4} [box.js] ````; pandoc's Markdown would read no fence."""
    from pipeline.dialects import read_dialects
    from pipeline.errors import Problems
    from pipeline.pandoc import markdown_to_ast
    from pipeline.tree import stringify

    body = ("```js{2,4} [box.js]\nopen();\n```\n\n```ts [config.ts]\nrun();\n```\n\n"
            "```sh{1}\nls\n```\n")
    blocks = read_dialects(draft(body), markdown_to_ast(body), Problems())["blocks"]
    assert [(b["t"], b["c"][0][1] if b["t"] == "CodeBlock" else stringify(b).strip())
            for b in blocks] == [("Para", "box.js"), ("CodeBlock", ["js"]),
                                 ("Para", "config.ts"), ("CodeBlock", ["ts"]),
                                 ("CodeBlock", ["sh"])]
    assert [b["c"][1] for b in blocks if b["t"] == "CodeBlock"] == ["open();", "run();", "ls"]
    assert all(b["c"][0][2] == [] for b in blocks if b["t"] == "CodeBlock")


def test_a_numbered_code_block_passes_the_epub_and_web_checkers(tmp_path):
    """``{.python .numberLines startFrom="10"}``: pandoc writes ``data-startFrom``, a name
    XHTML forbids (EPUBCheck HTM_061), and an empty link before each line, on which its
    style draws the number (axe's link-name): the links are hidden from the keyboard and
    screen readers, the numbering stays the code's counter."""
    from helpers import build_in
    from lxml import html as lxml_html

    (tmp_path / "n.md").write_text(
        "---\ntitle: Numbered\nversion: 1.0.0\nstatus: draft\nlast_updated: 2025-09-01\n---\n\n"
        "Code:\n\n~~~ {.python .numberLines startFrom=\"10\"}\ndef f(x):\n    return x\n~~~\n",
        encoding="utf-8")
    out, _ = build_in(tmp_path, ["n.md"], formats=("epub", "html"))
    documents = epub_documents(out / "n.clinician.epub")
    names = [name for root in documents.values() for element in root.iter()
             for name in element.attrib if name.startswith("data-")]
    assert names == ["data-startfrom"]
    code = [c.get("style") for root in documents.values() for c in root.iter(f"{XHTML}code")]
    assert code == ["counter-reset: source-line 9;"]
    page = lxml_html.parse(str(out / "n.clinician.html")).getroot()
    for links in ([a for root in documents.values() for a in root.iter(f"{XHTML}a")],
                  list(page.iter("a"))):
        lines = [(a.get("href"), a.get("aria-hidden"), a.get("tabindex")) for a in links
                 if (a.get("href") or "").startswith("#cb")]
        assert lines == [("#cb1-10", "true", "-1"), ("#cb1-11", "true", "-1")]
