"""Archival and accessible PDF: tagged PDF/A-3a, checked offline with pikepdf.

What can be checked without a PDF/A validator is: the file's syntax (qpdf's
checks through pikepdf), the identification in the XMP metadata, the output
intent, the document language and title, the structure tree (headings,
lists, tables, figures with alternative text, links), that every piece of
text is either tagged or a pagination artifact, and the attached sources.
"""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pytest
from helpers import ROOT, build_fixed, pdf_pages
from pdf_content import ARTIFACT, marked_content, shown_strings

from pipeline import i18n

EXAMPLES = ["regen-pain.clinician", "prp-spine-pain.clinician", "prp-spine-pain.patient",
            "prp-columna-es.clinician", "prp-columna-es.patient"]


def lang_of(name: str) -> str:
    return "es-ES" if name.startswith("prp-columna-es") else "en-US"


class Element:
    """A structure element with the text of its marked content, read back from the file."""

    def __init__(self, tag: str, alt: str | None, attrs: dict, ident: str | None):
        self.tag, self.alt, self.attrs, self.ident = tag, alt, attrs, ident
        self.children: list[Element] = []
        self.parts: list[str] = []  # own text and children's, in order
        self.annotations: list[dict] = []

    @property
    def text(self) -> str:
        return " ".join("".join(self.parts).split())

    def iter(self, tag: str | None = None):
        if tag is None or self.tag == tag:
            yield self
        for child in self.children:
            yield from child.iter(tag)


def structure_tree(path: Path) -> tuple[Element, dict[tuple[int, int], int]]:
    """The structure tree, and how often each (page, MCID) is referenced from it."""
    texts: dict[tuple[int, int], str] = {}
    for shown in shown_strings(path):
        if isinstance(shown.tag, int):
            key = (shown.page, shown.tag)
            texts[key] = texts.get(key, "") + shown.text
    used: dict[tuple[int, int], int] = {}
    with pikepdf.open(path) as pdf:
        pages = {page.obj.objgen: n for n, page in enumerate(pdf.pages, 1)}

        def visit(obj: pikepdf.Object, page: int | None) -> Element | str | None:
            if isinstance(obj, int):
                key = (page, int(obj))
                used[key] = used.get(key, 0) + 1
                return texts.get(key, "")
            if not isinstance(obj, pikepdf.Dictionary):
                return None
            if obj.get("/Type") == "/OBJR":
                annotation = obj.Obj
                action = annotation.get("/A", {})
                return {"subtype": str(annotation.Subtype), "contents": str(annotation.Contents),
                        "uri": str(action.URI) if "/URI" in action else None}
            if "/MCID" in obj:  # marked-content reference
                return visit(int(obj.MCID), pages[obj.Pg.objgen] if "/Pg" in obj else page)
            own_page = pages[obj.Pg.objgen] if "/Pg" in obj else page
            element = Element(str(obj.get("/S", obj.get("/Type"))),
                              str(obj.Alt) if "/Alt" in obj else None,
                              dict(obj.get("/A", {})), str(obj.ID) if "/ID" in obj else None)
            kids = obj.get("/K")
            kids = kids if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]
            for kid in kids:
                result = visit(kid, own_page)
                if isinstance(result, Element):
                    element.children.append(result)
                    element.parts.append(" " + "".join(result.parts) + " ")
                elif isinstance(result, str):
                    element.parts.append(result)
                elif isinstance(result, dict):
                    element.annotations.append(result)
            return element

        root = visit(pdf.Root.StructTreeRoot, None)
        root.tag = "StructTreeRoot"
    return root, used


@pytest.fixture(scope="module")
def figures(tmp_path_factory) -> Path:
    """A handout with an image, a web link and an online version (QR code)."""
    from PIL import Image

    tmp = tmp_path_factory.mktemp("figures")
    Image.new("RGB", (60, 30), (11, 61, 99)).save(tmp / "sites.png")
    (tmp / "figures.md").write_text("""---
title: Injection sites
version: 1.0.0
status: approved
last_updated: 2025-06-01
reviewers: [{name: A Reviewer, role: Pharmacist, date: 2025-05-30}]
canonical_url: https://handouts.example.org/injection-sites
---

## Where the needle goes

![Three injection sites along the lower spine](sites.png)

See [the dosing guideline](https://example.org/dosing) for doses.

::: {lang=fr}
Les doses sont les mêmes.
:::

Ask for [la enfermera]{lang=es-MX} at the desk.
""", encoding="utf-8")
    build_fixed([tmp / "figures.md"], tmp / "out", jobs=1, formats=("pdf",))
    return tmp / "out" / "figures.clinician.pdf"


@pytest.mark.parametrize("name", EXAMPLES)
def test_pdf_a3a_identification_output_intent_and_syntax(built, name):
    path = built / f"{name}.pdf"
    assert path.read_bytes().startswith(b"%PDF-1.7\n")
    with pikepdf.open(path) as pdf:
        assert pdf.check_pdf_syntax() == []
        assert not pdf.is_encrypted
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "3" and meta["pdfaid:conformance"] == "A"
        assert meta.pdfa_status == "3A"
        assert meta["dc:title"] == str(pdf.docinfo.Title)
        assert meta["xmp:CreateDate"] == "2025-10-09T00:00:00Z"
        [intent] = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFA1" and intent.Type == "/OutputIntent"
        assert intent.DestOutputProfile.N == 3  # an RGB ICC profile
        assert "sRGB" in str(intent.OutputConditionIdentifier)
        assert len(pdf.trailer.ID) == 2


@pytest.mark.parametrize("name", EXAMPLES)
def test_tagged_with_language_and_the_title_as_window_title(built, name):
    with pikepdf.open(built / f"{name}.pdf") as pdf:
        assert pdf.Root.MarkInfo.Marked is True
        assert str(pdf.Root.Lang) == lang_of(name)
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        title = str(pdf.docinfo.Title)
        assert title and title in " ".join(pdf_pages(built / f"{name}.pdf")[0].split())
        assert "/StructTreeRoot" in pdf.Root
        for number, page in enumerate(pdf.pages):
            assert page.Tabs == "/S" and page.StructParents == number


def test_structure_tree_has_headings_lists_tables_in_reading_order(built):
    root, _ = structure_tree(built / "regen-pain.clinician.pdf")
    [document] = root.children
    assert document.tag == "/Document"
    headings = [(e.tag, e.text) for e in document.iter() if re.fullmatch(r"/H[1-6]", e.tag)]
    assert headings[0] == ("/H1", "How is regenerative medicine applied to pain management?")
    assert [t for t, _ in headings].count("/H1") == 1
    assert ("/H2", "Summary") in headings and ("/H2", "References") in headings
    assert ("/H3", "Platelet-rich plasma (PRP)") in headings
    assert ("/H2", "Disclaimer for Healthcare Professionals") in headings
    order = [text for _, text in headings]
    assert order.index("Summary") < order.index("Conclusion") < order.index("References")
    # lists: items with a label and a body, nested lists inside the outer list
    lists = list(document.iter("/L"))
    assert len(lists) >= 5
    items = list(document.iter("/LI"))
    assert any(i.text.startswith("1. They reduce inflammation") for i in items)
    assert all({c.tag for c in i.children} <= {"/Lbl", "/LBody", "/L"} for i in items)
    # the table: header cells with identifiers, data cells pointing at them
    [table] = [t for t in document.iter("/Table") if "Aspect" in t.text]
    headers = {th.ident: th.text for th in table.iter("/TH")}
    assert sorted(headers.values()) == ["Aspect", "What the evidence shows"]
    cells = list(table.iter("/TD"))
    assert len(cells) == 8
    for cell in cells:
        assert cell.attrs["/O"] == "/Table"
        assert [headers[str(h)] for h in cell.attrs["/Headers"]] in (
            ["Aspect"], ["What the evidence shows"])


@pytest.mark.parametrize("name", EXAMPLES)
def test_margins_are_pagination_artifacts_and_all_other_text_is_tagged(built, name):
    path = built / f"{name}.pdf"
    shown = shown_strings(path)
    assert [s for s in shown if s.tag is None] == []
    sequences = marked_content(path)
    assert len(sequences) == len(set(sequences))
    _, used = structure_tree(path)
    pages = len(pdf_pages(path))
    words = i18n.messages(lang_of(name))
    for page in range(1, pages + 1):
        artifacts = " ".join("".join(s.text for s in shown if s.page == page
                                     and s.tag == ARTIFACT).split())
        tagged = {mcid for p, mcid in sequences if p == page}
        page_label = f"{words['page_counter']} {page} {words['page_of']} {pages}"
        assert page_label in artifacts
        assert f"{words['built']} 2025-10-09" in artifacts
        assert (words["watermark"] in artifacts) is name.startswith("regen-pain")
        # every marked sequence is reached exactly once from the structure tree
        assert tagged == {mcid for (p, mcid) in used if p == page}
        assert all(used[(page, mcid)] == 1 for mcid in tagged)
        assert tagged == set(range(len(tagged)))
        tagged_text = "".join(s.text for s in shown if s.page == page and s.tag != ARTIFACT)
        assert page_label not in " ".join(tagged_text.split())
    with pikepdf.open(path) as pdf:
        for number, parents in enumerate(pdf.Root.StructTreeRoot.ParentTree.Nums[1::2]):
            if isinstance(parents, pikepdf.Array) and number < pages:
                assert all(p.get("/Type") == "/StructElem" for p in parents)


def test_figures_carry_their_alternative_text_and_links_their_address(figures):
    root, _ = structure_tree(figures)
    alts = [f.alt for f in root.iter("/Figure")]
    assert alts == ["Three injection sites along the lower spine",
                    ("QR code linking to the online version: "
                    "https://handouts.example.org/injection-sites?version=1.0.0")]
    links = [link for link in root.iter("/Link") if link.annotations]
    uris = {a["uri"]: a["contents"] for link in links for a in link.annotations}
    assert {a["subtype"] for link in links for a in link.annotations} == {"/Link"}
    assert uris["https://example.org/dosing"] == "https://example.org/dosing"
    assert any(link.text == "the dosing guideline" for link in links)
    assert "https://handouts.example.org/injection-sites?version=1.0.0" in uris


def test_a_part_in_another_language_is_tagged_with_its_language(figures):
    with pikepdf.open(figures) as pdf:
        assert str(pdf.Root.Lang) == "en-US"
        tagged = sorted(str(e.Lang) for e in pdf.objects if isinstance(e, pikepdf.Dictionary)
                        and e.get("/Type") == "/StructElem" and "/Lang" in e
                        and str(e.Lang) != "en-US")
    assert tagged == ["es-MX", "fr"]


@pytest.mark.parametrize(("name", "keys"), [
    ("regen-pain.clinician", ["spine-review-2020", "biomaterials-2022", "topic-overview-2025",
                              "pain-guidelines-2025"]),
    ("prp-spine-pain.patient", None), ("prp-columna-es.patient", None)])
def test_source_manuscript_and_cited_entries_are_attached(built, name, keys):
    slug = name.split(".")[0]
    source = ROOT / "manuscripts" / f"{slug}.md"
    with pikepdf.open(built / f"{name}.pdf") as pdf:
        files = {n: spec for n, spec in pdf.attachments.items()}
        assert sorted(files) == [f"{slug}.bib", f"{name}.md"]
        attached = files[f"{name}.md"].get_file().read_bytes().decode("utf-8")
        audience = name.split(".")[1]
        assert attached.startswith("---\ntitle: ")
        assert f"\naudiences:\n- {audience}\n" in attached
        assert f"\nbibliography:\n- {slug}.bib\n" in attached
        bib = files[f"{slug}.bib"].get_file().read_bytes().decode("utf-8")
        cited = re.findall(r"^@\w+\{([^,\s]+),", bib, re.MULTILINE)
        text = "\n".join(pdf_pages(built / f"{name}.pdf"))
        words = i18n.messages(lang_of(name))
        listed = re.findall(r"^\s*(\d+)\.\s", text.split(f"\n{words['references']}")[-1]
                            .split("\nAviso")[0].split("\nDisclaimer")[0], re.MULTILINE)
        assert len(cited) == len(set(cited)) == len(listed) > 0
        assert all(f"@{key}" in source.read_text() for key in cited)
        if keys:
            assert cited == keys
        catalog = pdf.Root
        assert len(catalog.AF) == 2
        assert {str(spec.UF) for spec in catalog.AF} == set(files)
        names = [str(n) for n in catalog.Names.EmbeddedFiles.Names[0::2]]
        assert names == sorted(names)
        for spec in catalog.AF:
            assert spec.AFRelationship == "/Source"
            stream = spec.EF.F
            assert stream.Subtype == ("/text/markdown" if str(spec.UF).endswith(".md")
                                      else "/text/x-bibtex")
            assert str(stream.Params.ModDate) == "D:20251009000000Z"
            assert str(spec.Desc)
