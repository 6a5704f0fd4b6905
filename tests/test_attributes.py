"""Attributes an author writes for the team reach no file; those a handout uses do."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pikepdf
from helpers import build_fixed, draft
from lxml import html as lxml_html

from pipeline.build import BuildOptions, check

FRONT = ('---\ntitle: Attributes\nversion: 1.0.0\nstatus: draft\nlast_updated: 2025-06-01\n'
         'authors: [{name: Ana Writer, role: Writer}]\n'
         'changes: [{version: 1.0.0, date: 2025-06-01, summary: First.}]\n---\n\n')
BODY = """\
## Dosing {#dosing reviewer="PRIVATE-REVIEWER"}

::: {.note owner="PRIVATE-OWNER" data-ticket="PRIVATE-TICKET"}
A paragraph in a box.
:::

Say [hola]{lang=es checked-by="PRIVATE-CHECKER"} and [this]{aria-label="a label"}.

| a | b |
|---|---|
| 1 | 2 |

: Doses {#tbl-doses source="PRIVATE-SOURCE"}

See [the guide](https://example.org/guide){tracking="PRIVATE-TRACKING" title="The guide"}.

![Knee X-ray](knee.png){fig-alt="Frontal X-ray of a right knee" shot-by="PRIVATE-SHOT"}

An icon ![icon](knee.png){alt="warning sign"} here.

[Looks official]{.banner .lightblue} and <span class="stamp">raw</span>.
"""


def _write(folder: Path) -> None:
    from PIL import Image

    (folder / "m.md").write_text(FRONT + BODY, encoding="utf-8")
    Image.new("RGB", (8, 8), (200, 30, 30)).save(folder / "knee.png")


def test_attributes_no_handout_uses_are_in_no_file_and_the_others_are_kept(tmp_path):
    _write(tmp_path)
    out = build_fixed([tmp_path / "m.md"], tmp_path / "out", jobs=1)
    files = {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    with zipfile.ZipFile(out / "m.clinician.epub") as epub:
        files.update({n: epub.read(n) for n in epub.namelist()})
        chapter = next(n for n in epub.namelist() if n.endswith(".xhtml") and
                       b"hola" in epub.read(n))
        page = lxml_html.fromstring(epub.read(chapter))
    with pikepdf.open(out / "m.clinician.pdf") as pdf:
        figures = [str(e.Alt) for e in _elements(pdf.Root.StructTreeRoot) if e.S == "/Figure"]
        for name, spec in pdf.attachments.items():
            files[f"attached {name}"] = spec.get_file().read_bytes()
        source = files["attached m.clinician.md"].decode()
    for name, data in files.items():
        assert b"PRIVATE-" not in data, name
    assert "A paragraph in a box." in source and "{lang=\"es\"}" in source
    assert page.xpath("//span[@lang='es']/text()") == ["hola"]
    assert page.xpath("//span[@aria-label='a label']/text()") == ["this"]
    assert page.xpath("//a[@title='The guide']/@href") == ["https://example.org/guide"]
    assert page.xpath("//*[@id='dosing']") and page.xpath("//div[contains(@class, 'note')]")
    # the classes the handout's own parts wear (its approval banner, its stamp) are not the text's
    assert [(e.text, e.get("class")) for e in page.xpath("//span[text()='Looks official' or "
                                                          "text()='raw']")] == [
        ("Looks official", "lightblue"), ("raw", None)]
    # an image's own description, written alt= or as Quarto writes it, fig-alt=
    with zipfile.ZipFile(out / "m.clinician.epub") as epub:
        alts = [alt for n in epub.namelist() if n.endswith(".xhtml")
                for alt in lxml_html.fromstring(epub.read(n)).xpath("//img/@alt")]
    assert alts == ["Frontal X-ray of a right knee", "warning sign"]
    assert figures == ["Frontal X-ray of a right knee", "warning sign"]


def _elements(node: pikepdf.Object) -> list[pikepdf.Object]:
    """The structure elements under ``node``, in order."""
    found = []
    kids = node.get("/K")
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            found.append(kid)
            found.extend(_elements(kid))
    return found


def test_each_attribute_left_out_is_a_warning_at_its_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path)
    report = check([Path("m.md")], BuildOptions())
    kept = "lang, dir, width, height, style, title, role, aria-*, rel, audience and an image's alt"
    warned = [str(p) for p in report.problems if "left out of the handout" in str(p)]
    assert warned == [
        f"m.md:{line}: warning: attribute '{key}' is left out of the handout: "
        "pandoc would write it into the web page and the EPUB, where no reader sees it (a "
        f"handout keeps {kept}); write a note to editors as an HTML comment"
        for line, key in ((10, "reviewer"), (12, "owner"), (12, "data-ticket"),
                          (16, "checked-by"), (22, "source"), (24, "tracking"), (26, "shot-by"))]
    assert [str(p) for p in report.problems if "class '" in str(p)] == [
        f"m.md:30: warning: class '{name}' is left out: the handout's own parts wear it (its "
        "approval banner, disclaimer, stamp), and the text must not look like them; choose "
        "another name" for name in ("banner", "stamp")]


def test_the_classes_the_handouts_own_parts_wear_are_all_kept_from_the_text():
    import re

    from pipeline.attributes import OWN_CLASSES
    from pipeline.build import BuildOptions

    templates = BuildOptions().styles / "templates"
    written = {name for path in templates.glob("*.j2")
               for value in re.findall(r'class="([^"{]*)"', path.read_text(encoding="utf-8"))
               for name in value.split()}
    assert written <= OWN_CLASSES, written - OWN_CLASSES


def test_an_alignment_of_old_html_is_the_style_it_means():
    """GitHub's READMEs centre with <div align="center">, which pandoc reads as a div."""

    from pipeline.attributes import without_private_attributes
    from pipeline.errors import Problems
    from pipeline.pandoc import markdown_to_ast

    body = ('<div align="center">Centred text</div>\n\n'
            '::: {align="right" style="color: navy"}\nRight.\n:::\n')
    manuscript = draft(body)
    problems = Problems()
    blocks = without_private_attributes(manuscript, markdown_to_ast(body), problems)["blocks"]
    assert [b["c"][0][2] for b in blocks] == [[["style", "text-align: center"]],
                                              [["style", "color: navy; text-align: right"]]]
    assert problems.items == []


def test_a_word_style_name_is_left_out_with_advice_that_fits_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("m.md").write_text(FRONT + '::: {custom-style="Warning Box"}\nDo not drive.\n:::\n\n'
                            'Take [two tablets]{custom-style="Strong Emphasis"} a day.\n',
                            encoding="utf-8")
    report = check([Path("m.md")], BuildOptions())
    assert [str(p) for p in report.problems] == [
        ("m.md:10: warning: attribute 'custom-style' (the name of a Word style, as pandoc reads a "
        ".docx) is left out: the words are kept and the handout's own styles set how they look; "
        "for a box or a heading, write it as one")]


def test_the_marks_latex_links_carry_from_pandocs_reader_are_left_out_quietly(tmp_path,
                                                                             monkeypatch):
    """``pandoc -t markdown paper.tex`` writes each \\ref as a link with two attributes."""
    from pipeline.attributes import without_private_attributes
    from pipeline.errors import Problems
    from pipeline.pandoc import markdown_to_ast

    monkeypatch.chdir(tmp_path)
    body = ('See Section [2](#sec-b){reference-type="ref" reference="sec-b"}.\n\n'
            "## B {#sec-b}\n\nText.\n")
    Path("m.md").write_text(FRONT + body, encoding="utf-8")
    assert [str(p) for p in check([Path("m.md")], BuildOptions()).problems] == []
    link = markdown_to_ast(body)["blocks"][0]["c"][4]
    manuscript = draft(body)
    ast = without_private_attributes(manuscript, {"blocks": [{"t": "Para", "c": [link]}]},
                                     Problems())
    assert ast["blocks"][0]["c"][0]["c"][0] == ["", [], []]
